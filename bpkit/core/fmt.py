"""How numbers are written for learners: short, and the same everywhere (diagram, tables, text)."""

from __future__ import annotations

import math
import numbers

from bpkit.core.errors import BpkitError


def number(value: float, digits: int = 4) -> str:
    """A number as a learner reads it: up to ``digits`` significant figures, no trailing zeros.

    1.4 -> '1.4', 4.0 -> '4', 7.2799999 -> '7.28', 1e-20 -> '1e-20', nan -> 'nan'.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BpkitError(f"number() writes a real number; got {value!r:.40}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise BpkitError(f"digits must be a whole number from 1 to 17; got {digits!r:.20}")
    try:
        value = float(value)
    except OverflowError:
        raise BpkitError("number() got an integer too large for a float") from None
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def latex_number(value: float, digits: int = 4) -> str:
    """A number for LaTeX: negatives in parentheses (so 1 - 0.1 (-4) reads right), e in 10^."""
    text = number(value, digits)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if value < 0 and text != "0" else text
