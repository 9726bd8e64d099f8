"""errors: BpkitError is the one error bad input raises, and it is a ValueError."""

import pytest

from bpkit import BpkitError, Network
from bpkit.core import errors


def test_bpkit_error_is_a_value_error_with_its_message():
    assert issubclass(BpkitError, ValueError)
    assert errors.BpkitError is BpkitError
    assert str(BpkitError("sizes must be a list")) == "sizes must be a list"


def test_callers_can_catch_bad_input_as_value_error_or_exactly_as_bpkit_error():
    with pytest.raises(ValueError, match="layer sizes"):
        Network("231")
    with pytest.raises(BpkitError):
        Network([2, 3, 1]).step([0.0, 0.0], [1.0], lr=-1)


def test_a_bug_is_not_dressed_as_bad_input():
    with pytest.raises(TypeError) as caught:
        Network()  # a missing argument is a programming error, not a BpkitError
    assert not isinstance(caught.value, BpkitError)
