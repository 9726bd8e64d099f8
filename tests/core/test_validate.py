"""validate: each check accepts what it should, as the right type, and names what was expected."""

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from bpkit.core import validate
from bpkit.core.errors import BpkitError


def refused(call, *fragments):
    with pytest.raises(BpkitError) as caught:
        call()
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    return str(caught.value)


# ----- as_batch -----------------------------------------------------------------------------
@pytest.mark.parametrize(("values", "width", "shape"), [
    ([0.5, 2.0], 2, (1, 2)),            # one sample as a flat list
    (3.0, 1, (1, 1)),                   # one number, one input
    ([1.0, 2.0, 3.0], 1, (3, 1)),       # a flat list is a batch when the width is 1
    ([[1, 2], [3, 4], [5, 6]], 2, (3, 2)),
    (np.zeros((4, 3), dtype=int), 3, (4, 3)),
    ([Fraction(1, 2), Decimal("0.25")], 2, (1, 2)),  # every real number type, as for lr
])
def test_as_batch_shapes_one_sample_or_a_batch_as_float_rows(values, width, shape):
    batch = validate.as_batch(values, width, "X")
    assert batch.shape == shape and batch.dtype == float
    np.testing.assert_array_equal(batch.ravel(), np.ravel(np.asarray(values, dtype=float)))


def test_as_batch_returns_a_copy_it_owns():
    original = np.ones((2, 2))
    batch = validate.as_batch(original, 2, "X")
    batch[0, 0] = 5.0
    assert original[0, 0] == 1.0


@pytest.mark.parametrize(("values", "width", "fragments"), [
    ([0.0, 0.0, 0.0], 2, ["X (the inputs)", "shape (3,)", "(n, 2)"]),
    (np.zeros((4, 3)), 2, ["X (the inputs)", "shape (4, 3)"]),
    (np.zeros((2, 2, 2)), 2, ["shape (2, 2, 2)"]),
    (1.0, 2, ["one number", "(n, 2)"]),
    (np.zeros((0, 2)), 2, ["empty batch"]),
    ([[0.0, math.nan]], 2, ["NaN", "(0, 1)"]),
    ([[0.0, 1.0], [math.inf, 0.0]], 2, ["infinite", "(1, 0)"]),
    ("0, 1", 2, ["not text"]),
    (b"01", 2, ["not text"]),
    ([["0", "1"]], 2, ["real numbers"]),
    (np.array([1.0, "x"], dtype=object), 2, ["real numbers"]),
    ([[0.0, 1.0], [1.0]], 2, ["rectangular"]),
    ([1 + 2j, 0.0], 2, ["real numbers"]),
    ([{}, 0.0], 2, ["real numbers"]),
    ([True, False], 2, ["not truth values", "1.0 and 0.0"]),  # refused, as sizes=[True, 1] is
    (np.array([[True, False]]), 2, ["not truth values"]),
    ([[0.5, 1.0], [np.True_, 0.0]], 2, ["not truth values"]),
    (np.array([1.0, True], dtype=object), 2, ["not truth values"]),
    (True, 1, ["not truth values"]),
])
def test_as_batch_refuses_and_names_the_problem(values, width, fragments):
    refused(lambda: validate.as_batch(values, width, "X (the inputs)"), *fragments)


def test_require_finite_names_the_first_bad_entry_and_passes_finite_arrays():
    validate.require_finite(np.arange(6.0).reshape(2, 3), "w")
    arr = np.zeros((2, 3))
    arr[1, 2] = math.nan
    arr[1, 0] = -math.inf
    refused(lambda: validate.require_finite(arr, "w"), "w contains an infinite value",
            "(1, 0)", "only finite numbers")


# ----- samples ------------------------------------------------------------------------------
def test_samples_checks_inputs_and_targets_together():
    inputs, targets = validate.samples([[0, 1], [1, 0]], [1, 0], 2, 1)
    assert inputs.shape == (2, 2) and targets.shape == (2, 1)
    refused(lambda: validate.samples([[0, 1], [1, 0]], [1, 0, 1], 2, 1),
            "X has 2 sample(s) but Y has 3", "one target row")
    refused(lambda: validate.samples([[0, 1]], [[1, 0]], 2, 1), "Y (the targets)", "(1, 2)")
    refused(lambda: validate.samples([[0, 1, 2]], [1], 2, 1), "X (the inputs)")


# ----- numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0.1, 3, np.float64(2.5), np.int64(4), np.float32(0.5),
                                   Fraction(1, 10), Decimal("0.1")])
def test_positive_number_accepts_positive_reals_as_floats(value):
    """One policy for every number: any real number type, Decimal too (it was refused as not
    "a positive finite number", which 0.1 is)."""
    number = validate.positive_number(value, "alpha")
    assert number == float(value) and type(number) is float


@pytest.mark.parametrize("value", [0, -0.1, math.nan, math.inf, "0.1", None, True, 1j,
                                   np.True_, Decimal("NaN"), Decimal("sNaN"), Decimal("-0.1"),
                                   Decimal("1e400"), [0.1]])
def test_positive_number_refuses_the_rest(value):
    refused(lambda: validate.positive_number(value, "the learning rate"),
            "the learning rate must be a positive finite number")


@pytest.mark.parametrize("value", [[0.1], 1j, object()])
def test_a_number_that_is_not_one_real_number_is_named_as_such(value):
    refused(lambda: validate.real_number(value, "lr"), "not one real number such as 0.1")


@pytest.mark.parametrize("value", [1, 7, np.int32(3)])
def test_positive_int_accepts_whole_numbers_from_one(value):
    assert validate.positive_int(value, "epochs") == int(value)
    assert type(validate.positive_int(value, "epochs")) is int


@pytest.mark.parametrize("value", [0, -1, 2.5, 2.0, "10", True, None])
def test_positive_int_refuses_the_rest(value):
    refused(lambda: validate.positive_int(value, "epochs"), "epochs must be a whole number of at "
            "least 1")


# ----- index --------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, 2, 3, np.int64(1)])
def test_index_accepts_whole_numbers_in_range(value):
    assert validate.index(value, 4, "sample") == int(value)
    assert type(validate.index(value, 4, "sample")) is int


@pytest.mark.parametrize("value", [-1, 4, 1.0, 1.5, "1", True, None])
def test_index_refuses_and_names_the_range(value):
    message = refused(lambda: validate.index(value, 4, "sample", "this step used 4 samples"),
                      "sample must be a whole number from 0 to 3",
                      "(this step used 4 samples)")
    assert message.endswith(f"got {value!r}")


def test_index_without_a_meaning_names_only_the_range():
    message = refused(lambda: validate.index(5, 2, "layer"), "layer must be a whole number "
                      "from 0 to 1; got 5")
    assert "(" not in message


# ----- layer sizes --------------------------------------------------------------------------
def test_layer_sizes_accepts_lists_and_tuples_of_whole_numbers():
    assert validate.layer_sizes([2, 3, 1]) == (2, 3, 1)
    assert validate.layer_sizes((np.int64(4), 1)) == (4, 1)


@pytest.mark.parametrize(("sizes", "fragment"), [
    ([2], "input and an output layer"),
    ([], "input and an output layer"),
    ([2, 0, 1], "sizes[1] (a layer size) must be a whole number from 1"),
    ([2, 1.5, 1], "sizes[1] (a layer size) must be a whole number from 1"),
    ([2, True], "sizes[1] (a layer size) must be a whole number from 1"),
    ([2, 10**12, 1], "from 1 to 10,000"),
    ([2, 10**400, 1], "an integer of 401 digits"),
    ([2, 5000, 5000, 1], "need 25,025,001 weights; at most 10,000,000"),
    ("231", "list of layer sizes"),
    (3, "list of layer sizes"),
])
def test_layer_sizes_refuses_the_rest(sizes, fragment):
    refused(lambda: validate.layer_sizes(sizes), fragment)
