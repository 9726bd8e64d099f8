"""Lecture mode: what a caller asks for wins; otherwise BPKIT_LECTURE=1 means large."""

import pytest

from bpkit.core.errors import BpkitError
from bpkit.draw import lecture


@pytest.mark.parametrize("setting", [None, "0", "1", "yes"])
def test_an_explicit_request_wins_over_the_environment(monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv("BPKIT_LECTURE", raising=False)
    else:
        monkeypatch.setenv("BPKIT_LECTURE", setting)
    assert lecture.large(True) is True
    assert lecture.large(False) is False


@pytest.mark.parametrize(("setting", "large"), [(None, False), ("", False), ("0", False),
                                                ("yes", False), ("1", True)])
def test_without_a_request_lecture_mode_follows_bpkit_lecture(monkeypatch, setting, large):
    if setting is None:
        monkeypatch.delenv("BPKIT_LECTURE", raising=False)
    else:
        monkeypatch.setenv("BPKIT_LECTURE", setting)
    assert lecture.large() is large


@pytest.mark.parametrize("requested", ["yes", 1, 0, [True]])
def test_a_request_that_is_not_true_false_or_none_is_refused(requested):
    with pytest.raises(BpkitError, match="large must be True, False or None"):
        lecture.large(requested)
