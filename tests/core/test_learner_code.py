import numpy as np
import pytest

from bpkit.core.practice.learner_code import (
    DOUBLE_RTOL,
    SINGLE_RTOL,
    agreement,
    factor,
    learner_line,
    should_gave,
    shown,
    single_note,
    where,
)


def raising(x):
    y = x + 1
    return y / 0


def test_the_line_inside_the_learners_function_with_its_code():
    try:
        raising(1)
    except ZeroDivisionError as error:
        number, code = learner_line(raising, error)
    assert code == "return y / 0"
    assert number == raising.__code__.co_firstlineno + 2


def test_an_error_that_never_entered_the_function_has_no_line():
    try:
        raising(1, 2)  # a wrong number of arguments fails before the body runs
    except TypeError as error:
        assert learner_line(raising, error) is None
    try:
        len(5)
    except TypeError as error:
        assert learner_line(len, error) is None  # no Python code to point into


def test_where_names_the_line_and_its_code_or_nothing():
    try:
        raising(1)
    except ZeroDivisionError as error:
        assert where(raising, error) == f" on line {raising.__code__.co_firstlineno + 2} " \
                                        "(return y / 0)"
        assert where(len, error) == ""


def test_one_precision_policy_exact_single_or_neither():
    right = [np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([1e-3, 2e-3])]
    assert agreement(right, right) == "double"
    assert agreement([r * (1 + 1e-12) for r in right], right) == "double"
    single = [r.astype(np.float32) for r in right]
    assert agreement(single, right) == "single"  # 1e-3 has no exact float32
    assert agreement([r * (1 + 1e-4) for r in right], right) is None
    assert agreement([right[0], right[1] + 1e-6], right) is None  # each array by its own scale
    assert agreement([np.full((2, 2), np.nan), right[1]], right) is None
    assert DOUBLE_RTOL < SINGLE_RTOL < 1e-4


def test_a_factor_is_found_to_single_precision_or_not_at_all():
    want = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert factor(-7 * want, want) == -7
    assert factor((2 * want).astype(np.float32), want) == pytest.approx(2, rel=1e-6)
    assert factor(want + 1, want) is None
    assert factor(np.zeros(3), np.zeros(3)) == 1.0 and factor(np.ones(3), np.zeros(3)) is None


@pytest.mark.parametrize(("right", "got", "texts"), [
    (1.18, 3.0, ("1.18", "3")),
    (1.1796716, 1.1800000, ("1.1797", "1.18")),
    (0.123456789, 0.123456700, ("0.1234568", "0.1234567")),
    (2.0, 2.0, ("2", "2")),
])
def test_should_and_gave_differ_when_the_numbers_do(right, got, texts):
    assert should_gave(right, got) == texts


@pytest.mark.parametrize(("value", "text"), [
    (1.4, "1.4"), (1 / 7, "0.1429"), (1.00002, "1.00002"), (-1.0, "-1"), (2.0004, "2.0004"),
    (0.0001234, "0.0001234"), (7.0, "7"),
])
def test_a_factor_is_shown_with_the_digits_that_tell_it_from_a_round_number(value, text):
    assert shown(value) == text


def test_the_single_precision_note_says_float32():
    assert "computed in single precision (float32)" in single_note(True)
    assert "as far as single precision (float32) would" in single_note(False)
