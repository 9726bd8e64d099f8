"""Checks on what a learner passes in: each failure names the problem and what was expected."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from bpkit.core.errors import BpkitError
from bpkit.core.naming import PHASES


def as_batch(values: object, width: int, what: str) -> np.ndarray:
    """Return ``values`` as a float batch of shape (n, width), or raise a BpkitError.

    One sample may be given as a flat list of ``width`` numbers (or a bare number when
    ``width`` is 1); a flat list of any other length is a batch only when ``width`` is 1.
    """
    if isinstance(values, (str, bytes)):
        raise BpkitError(f"{what} must be numbers, not text: got {values!r:.60}")
    try:
        raw = np.asarray(values)
    except ValueError as err:
        raise BpkitError(f"{what} must be a rectangular array of numbers: {err}") from None
    if raw.dtype.kind in "USc" or (raw.dtype.kind == "O" and raw.size and _has_text(raw)):
        raise BpkitError(f"{what} must be real numbers; got values of type {raw.dtype}")
    try:
        arr = raw.astype(float)
    except (TypeError, ValueError):
        raise BpkitError(f"{what} must be real numbers; got {values!r:.60}") from None
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


def _has_text(raw: np.ndarray) -> bool:
    """True if an object array holds any str or bytes (which must not be parsed as numbers)."""
    return any(isinstance(item, (str, bytes)) for item in raw.ravel())


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


def positive_number(value: object, what: str) -> float:
    """Return ``value`` as a float if it is a positive finite real number, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BpkitError(f"{what} must be a positive finite number; got {value!r:.60}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise BpkitError(f"{what} must be a positive finite number; got {number}")
    return number


def positive_int(value: object, what: str) -> int:
    """Return ``value`` if it is a whole number of at least 1, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise BpkitError(f"{what} must be a whole number of at least 1; got {value!r:.60}")
    return int(value)


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


def layer_sizes(sizes: object) -> tuple[int, ...]:
    """Check a list of layer sizes such as [2, 3, 1]: at least two layers, each of 1+ units."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise BpkitError(f"sizes must be a list of layer sizes such as [2, 3, 1]; got {sizes!r}")
    if len(sizes) < 2:
        raise BpkitError(f"sizes needs an input and an output layer at least; got {list(sizes)}")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise BpkitError(f"every layer size must be a whole number >= 1; got {list(sizes)}")
    return tuple(int(s) for s in sizes)
