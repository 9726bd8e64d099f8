"""fmt: numbers as learners read them, in text and in LaTeX."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpkit.core.fmt import latex_number, number


@pytest.mark.parametrize(("value", "text"), [
    (1.4, "1.4"), (4.0, "4"), (7.2799999, "7.28"), (1e-20, "1e-20"), (-2.5, "-2.5"),
    (0.0, "0"), (-0.0, "0"), (-1e-30, "-1e-30"), (123456.0, "1.235e+05"), (0.1 + 0.2, "0.3"),
    (3, "3"), (math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf"),
])
def test_number_writes_four_significant_figures_without_trailing_zeros(value, text):
    assert number(value) == text


def test_number_takes_the_figures_asked_for():
    assert number(math.pi, 2) == "3.1"
    assert number(math.pi, 8) == "3.1415927"
    assert number(2 / 3, 1) == "0.7"


@given(st.floats(min_value=-1e300, max_value=1e300))
def test_number_reads_back_within_its_rounding_and_has_no_trailing_zeros(value):
    text = number(value)
    mantissa = text.split("e")[0]
    assert not mantissa.endswith(".") and not ("." in mantissa and mantissa.endswith("0"))
    assert float(text) == pytest.approx(value, rel=5e-4, abs=0.0)


@pytest.mark.parametrize(("value", "latex"), [
    (1.4, "1.4"), (-0.4, "(-0.4)"), (-0.0, "0"), (0.0, "0"), (4.0, "4"),
    (1e-20, r"1 \times 10^{-20}"), (-2.5e-7, r"(-2.5 \times 10^{-7})"),
    (123456.0, r"1.235 \times 10^{5}"),
])
def test_latex_number_brackets_negatives_and_writes_powers_of_ten(value, latex):
    assert latex_number(value) == latex


def test_latex_number_passes_digits_through():
    assert latex_number(-math.pi, 3) == "(-3.14)"
