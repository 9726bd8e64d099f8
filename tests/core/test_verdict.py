"""The one verdict: shown in a notebook, raised for a grader."""

import pytest

from bpkit import CheckFailedError, Verdict, check_backward


def stub(a, b, grad):
    raise NotImplementedError


def test_a_wrong_verdict_is_shown_in_a_notebook_and_raised_under_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    verdict = check_backward("multiply", stub)
    assert verdict.graded() is verdict and not verdict.correct
    for mode in ("autograde", "validate"):  # what nbgrader sets while it grades or validates
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        with pytest.raises(CheckFailedError) as raised:
            verdict.graded()
        assert isinstance(raised.value, AssertionError)
        assert str(raised.value) == verdict.message and "not written yet" in verdict.message


def test_a_right_verdict_passes_a_grader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    right = check_backward("multiply", lambda a, b, grad: (grad * b, grad * a))
    assert right.graded() is right and right.assert_correct() is right


def test_assert_correct_raises_anywhere(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(CheckFailedError, match="no"):
        Verdict(False, "no").assert_correct()
