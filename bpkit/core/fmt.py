"""How numbers are written for learners: short, and the same everywhere (diagram, tables, text)."""

from __future__ import annotations

import math


def number(value: float, digits: int = 4) -> str:
    """A number as a learner reads it: up to ``digits`` significant figures, no trailing zeros.

    1.4 -> '1.4', 4.0 -> '4', 7.2799999 -> '7.28', 1e-20 -> '1e-20', nan -> 'nan'.
    """
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
