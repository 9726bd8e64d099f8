"""What the checkers of a learner's code share: where an error came from, one precision policy.

Both ``check_backward`` and ``check_backprop`` judge numbers the same way: an answer equal to
the right one to float64 precision is right; one equal only to single precision (float32) is
right too, and the verdict says so; anything further off is wrong, and a refusal prints enough
digits that the two numbers it shows differ.
"""

from __future__ import annotations

import linecache
import math
import traceback
from collections.abc import Callable, Sequence

import numpy as np

from bpkit.core.fmt import number

DOUBLE_RTOL = 1e-9
"""An answer this close to the right one (relative to the largest right number) is exact."""
SINGLE_RTOL = 1e-5
"""This close, it is right to single precision: float32 keeps about 7 digits, and a backprop in
float32 lands within a few 1e-7 of the float64 answer (relative to its largest number)."""
SINGLE_DTYPES = (np.float16, np.float32)
"""The dtypes a learner's numbers come back in when they were computed in single precision."""


def learner_line(function: Callable[..., object], error: BaseException) -> tuple[int, str] | None:
    """(line number, code) of the last line of ``function`` that ``error`` passed through.

    None when it did not pass through the function's own code (a wrong number of arguments,
    say), or the function has no Python code.
    """
    code = getattr(function, "__code__", None)
    lines = [line for frame, line in traceback.walk_tb(error.__traceback__)
             if frame.f_code is code]
    if code is None or not lines:
        return None
    return lines[-1], linecache.getline(code.co_filename, lines[-1]).strip()


def where(function: Callable[..., object], error: BaseException) -> str:
    """' on line N (code)' for the learner's line ``error`` came from, or '' if none."""
    found = learner_line(function, error)
    if found is None:
        return ""
    return f" on line {found[0]}" + (f" ({found[1]})" if found[1] else "")


def agreement(got: Sequence[np.ndarray], want: Sequence[np.ndarray]) -> str | None:
    """'double', 'single' or None: how closely each array of ``got`` equals ``want``'s.

    'double' to float64 precision, 'single' only to float32's, None further off; each gap is
    measured against the largest number of that array of ``want``.
    """
    worst = 0.0
    for mine, right in zip(got, want):
        scale = max(float(np.max(np.abs(right), initial=0.0)), 1e-12)
        gap = float(np.max(np.abs(np.asarray(mine, float) - right), initial=0.0))
        if not gap <= SINGLE_RTOL * scale:  # nan included
            return None
        worst = max(worst, gap / scale)
    return "double" if worst <= DOUBLE_RTOL else "single"


def factor(got: np.ndarray, want: np.ndarray) -> float | None:
    """The c for which ``got`` is c times ``want`` to single precision, or None if there is none.

    When ``want`` is all 0, c is 1 if ``got`` is 0 too.
    """
    size = float(np.vdot(want, want))
    c = float(np.vdot(got, want)) / size if size else 1.0
    top = max(float(np.max(np.abs(got), initial=0.0)),
              abs(c) * float(np.max(np.abs(want), initial=0.0)))
    return c if float(np.max(np.abs(got - c * want), initial=0.0)) <= SINGLE_RTOL * top else None


def shown(value: float) -> str:
    """``value`` to 4 significant figures, or more where 4 would hide its gap from a round number.

    1.4 and 0.1429 (1/7) as they are, but 1.00002, not 1.
    """
    near = round(value, 3)
    if math.isclose(value, near, rel_tol=1e-9, abs_tol=1e-12):
        return number(value)
    return should_gave(near, value)[1]


def single_note(float32: bool) -> str:
    """Why a right-to-single-precision answer's last digits differ (a clause of a verdict)."""
    how = ("it was computed in single precision (float32)" if float32 else
           "it matches only as far as single precision (float32) would")
    return (f"{how}, which keeps about 7 significant figures (float64 keeps about 16), so its "
            "last digits differ from float64's; that is fine here")


def should_gave(right: float, got: float) -> tuple[str, str]:
    """``right`` and ``got`` written with enough significant figures (4 or more) to differ."""
    for digits in range(4, 18):
        texts = number(right, digits), number(got, digits)
        if texts[0] != texts[1]:
            return texts
    return texts


__all__ = ["DOUBLE_RTOL", "SINGLE_RTOL", "agreement", "factor", "learner_line", "should_gave",
           "shown", "single_note", "where"]
