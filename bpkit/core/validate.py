"""Checks on what a learner passes in: each failure names the problem and what was expected."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from bpkit.core.errors import BpkitError
from bpkit.core.naming import PHASES


def real_array(values: object, what: str) -> np.ndarray:
    """Return ``values`` as a new float array, refusing text, missing values and non-reals.

    Every array a learner passes in (inputs, targets, weights) goes through here, so each is
    refused the same way: text is never parsed as a number, None is a missing value (not NaN),
    a complex number is not silently cut to its real part, and an integer too large for a float
    is named as such.
    """
    if isinstance(values, (str, bytes)):
        raise BpkitError(f"{what} must be numbers, not text: got {values!r:.60}")
    if _holds_truth_value(values):
        raise BpkitError(f"{what} must be numbers, not truth values (True or False): write 1.0 "
                         f"and 0.0, or convert with .astype(float); got {values!r:.60}")
    try:
        raw = np.asarray(values)
    except (ValueError, TypeError) as err:
        raise BpkitError(f"{what} must be a rectangular array of numbers (every row the same "
                         f"length): {str(err).split(':')[0]}") from None
    if raw.dtype.kind in "USc" or (raw.dtype.kind == "O" and raw.size and _has_text(raw)):
        kind = "complex numbers" if raw.dtype.kind == "c" else "text"
        raise BpkitError(f"{what} must be real numbers, not {kind}; got {values!r:.60}")
    if raw.dtype.kind == "O" and raw.size:
        _refuse_odd_items(raw, what)
    try:
        return raw.astype(float)
    except OverflowError:
        raise BpkitError(f"{what} holds an integer too large for a float (the largest is about "
                         "1.8e308); give numbers of a sensible size") from None
    except (TypeError, ValueError):
        raise BpkitError(f"{what} must be real numbers; got {values!r:.60}") from None


def _holds_truth_value(values: object) -> bool:
    """True if ``values`` is or holds a bool, which numpy would quietly read as 1 or 0."""
    stack, seen = [values], set()
    while stack:
        item = stack.pop()
        if isinstance(item, (bool, np.bool_)) or getattr(item, "dtype", None) == np.bool_:
            return True
        if isinstance(item, np.ndarray) and item.dtype.kind == "O":
            stack.extend(item.ravel())
        elif isinstance(item, (list, tuple)) and id(item) not in seen:
            seen.add(id(item))  # a list that holds itself is read once
            stack.extend(item)
    return False


def _has_text(raw: np.ndarray) -> bool:
    """True if an object array holds any str or bytes (which must not be parsed as numbers)."""
    return any(isinstance(item, (str, bytes)) for item in raw.ravel())


def _refuse_odd_items(raw: np.ndarray, what: str) -> None:
    """Name the first missing (None) or non-real item of an object array, if there is one."""
    for where, item in np.ndenumerate(raw):
        if item is None:
            raise BpkitError(f"{what} has a missing value (None) at index {where}; "
                             "every entry must be a number")
        if not is_real(item):
            raise BpkitError(f"{what} must be real numbers; at index {where} it holds "
                             f"{item!r:.40} ({type(item).__name__})")


def as_batch(values: object, width: int, what: str) -> np.ndarray:
    """Return ``values`` as a float batch of shape (n, width), or raise a BpkitError.

    One sample may be given as a flat list of ``width`` numbers (or a bare number when
    ``width`` is 1); a flat list of any other length is a batch only when ``width`` is 1.
    """
    arr = real_array(values, what)
    expected = f"one sample of {width} number(s) or a batch of shape (n, {width})"
    if arr.ndim == 0:
        if width != 1:
            raise BpkitError(f"{what} has one number, but {expected} was expected")
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        if arr.shape[0] == width:
            arr = arr.reshape(1, width)
        elif width == 1:
            arr = arr.reshape(-1, 1)
        else:
            raise BpkitError(f"{what} has shape {arr.shape}, but {expected} was expected")
    elif arr.ndim != 2 or arr.shape[1] != width:
        raise BpkitError(f"{what} has shape {arr.shape}, but {expected} was expected")
    if arr.shape[0] == 0:
        raise BpkitError(f"{what} is an empty batch: at least one sample is needed")
    require_finite(arr, what)
    return arr


def weight_shapes(sizes: Sequence[int]) -> list[tuple[int, int]]:
    """The shape of each weight array of a layout: (units after, units before + bias)."""
    return [(after, before + 1) for before, after in itertools.pairwise(sizes)]


def weight_arrays(value: object, shapes: Sequence[tuple[int, int]],
                  what: str = "weights") -> list[np.ndarray]:
    """``value`` as new float arrays shaped like ``Network.weights`` (``shapes``), or raise.

    Weights, gradient estimates and sympy's weights all take this one check.
    """
    shapes = list(shapes)
    if (isinstance(value, (str, bytes)) or not isinstance(value, Sequence)
            or len(value) != len(shapes)):
        raise BpkitError(f"{what} must be a list of {len(shapes)} arrays with shapes {shapes}, "
                         f"as Network.weights; got {value!r:.60}")
    arrays = []
    for layer, (array, shape) in enumerate(zip(value, shapes)):
        arr = real_array(array, f"{what}[{layer}]")
        if arr.shape != shape:
            raise BpkitError(f"{what}[{layer}] must have shape {shape} (units in the next layer, "
                             f"units in this one + bias); got {arr.shape}")
        require_finite(arr, f"{what}[{layer}]")
        arrays.append(arr)
    return arrays


def instance(value: object, kind: type, what: str, expected: str) -> object:
    """``value`` if it is a ``kind``, else raise: "{what} must be {expected}; got ..."."""
    if not isinstance(value, kind):
        raise BpkitError(f"{what} must be {expected}; got {type(value).__name__} {value!r:.40}")
    return value


def require_finite(arr: np.ndarray, what: str) -> None:
    """Raise a BpkitError naming the first NaN or infinite entry of ``arr``, if there is one."""
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(arr[where]) else "an infinite value"
        raise BpkitError(f"{what} contains {kind} at index {where}; only finite numbers work")


def samples(X: object, Y: object, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Check inputs X and targets Y together: shapes, finiteness and matching sample counts."""
    inputs = as_batch(X, n_in, "X (the inputs)")
    targets = as_batch(Y, n_out, "Y (the targets)")
    if inputs.shape[0] != targets.shape[0]:
        raise BpkitError(
            f"X has {inputs.shape[0]} sample(s) but Y has {targets.shape[0]}: "
            "every input row needs one target row"
        )
    return inputs, targets


def is_real(value: object) -> bool:
    """True for one real number: an int or float (Python's or numpy's), a Fraction or a Decimal.

    The one rule for every number bpkit reads; a bool, complex number, text or None is not one.
    """
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (numbers.Real, Decimal))


def real_number(value: object, what: str, expected: str = "a finite number") -> float:
    """Return ``value`` as a finite float if it is one real number (see ``is_real``)."""
    if not is_real(value):
        kind = "" if value is None or isinstance(value, (str, bytes, bool)) else (
            f" ({type(value).__name__}, not one real number such as 0.1)")
        raise BpkitError(f"{what} must be {expected}; got {value!r:.60}{kind}")
    try:
        number = float(value)
    except OverflowError:
        raise BpkitError(f"{what} must be {expected}; got an integer too large for a float "
                         f"({len(str(abs(int(value))))} digits; floats end near 1.8e308)") from None
    except ValueError:  # Decimal("sNaN")
        number = math.nan
    if not math.isfinite(number):
        shown = number if isinstance(value, (float, int)) else f"{value!r:.60}"
        raise BpkitError(f"{what} must be {expected}; got {shown}")
    return number


def positive_number(value: object, what: str) -> float:
    """Return ``value`` as a float if it is a positive finite real number, else raise."""
    number = real_number(value, what, "a positive finite number")
    if number <= 0:
        raise BpkitError(f"{what} must be a positive finite number; got {number}")
    return number


def whole_number(value: object, what: str, low: int = 1, high: int | None = None,
                 why: str = "") -> int:
    """Return ``value`` if it is a whole number from ``low`` to ``high``, else raise.

    ``why`` says where a bound comes from, e.g. "a History keeps every epoch's loss".
    """
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if whole and low <= value and (high is None or value <= high):
        return int(value)
    reason = f" ({why})" if why else ""
    if high is None:
        expected = f"a whole number of at least {low}"
    else:
        expected = f"a whole number from {low:,} to {high:,}"
    shown = f"an integer of {len(str(value))} digits" if whole and value > 10**15 else (
        f"{value!r:.60}")
    raise BpkitError(f"{what} must be {expected}{reason}; got {shown}")


def positive_int(value: object, what: str) -> int:
    """Return ``value`` if it is a whole number of at least 1, else raise."""
    return whole_number(value, what)


def phase(value: object) -> str:
    """Return ``value`` if it names a phase of a step (forward, deltas, update), else raise."""
    if not isinstance(value, str) or value not in PHASES:
        raise BpkitError(f"unknown phase {value!r}: expected one of {', '.join(PHASES)}")
    return value


def index(value: object, count: int, what: str, meaning: str = "") -> int:
    """Return ``value`` if it is a whole number from 0 to count - 1, else raise naming the range.

    ``meaning`` says where the range comes from, e.g. "this step used 4 samples".
    """
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not whole or not 0 <= value < count:
        why = f" ({meaning})" if meaning else ""
        raise BpkitError(f"{what} must be a whole number from 0 to {count - 1}{why}; "
                         f"got {value!r:.40}")
    return int(value)


MAX_UNITS = 10_000
"""The most units a layer may have: enough for any network worth drawing or deriving."""
MAX_WEIGHTS = 10_000_000
"""The most weights a network may have (80 MB of float64, and as much again per gradient)."""


def layer_sizes(sizes: object) -> tuple[int, ...]:
    """Check a list of layer sizes such as [2, 3, 1]: at least two layers, each of 1+ units."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise BpkitError(f"sizes must be a list of layer sizes such as [2, 3, 1]; "
                         f"got {sizes!r:.60}")
    if len(sizes) < 2:
        raise BpkitError(f"sizes needs an input and an output layer at least; "
                         f"got {list(sizes)!r:.60}")
    if len(sizes) > MAX_UNITS:
        raise BpkitError(f"sizes lists {len(sizes):,} layers; at most {MAX_UNITS:,} work")
    checked = tuple(whole_number(size, f"sizes[{i}] (a layer size)", 1, MAX_UNITS,
                                 "units in one layer")
                    for i, size in enumerate(sizes))
    count = sum(rows * columns for rows, columns in weight_shapes(checked))
    if count > MAX_WEIGHTS:
        raise BpkitError(f"sizes {list(checked)} need {count:,} weights; at most "
                         f"{MAX_WEIGHTS:,} fit in a teaching network")
    return checked
