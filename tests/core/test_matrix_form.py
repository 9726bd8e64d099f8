"""Backprop in matrix form: shapes read off real passes, the dimension trick, the classic bugs."""

import re

import numpy as np
import pytest

from bpkit import (
    BpkitError,
    Network,
    article_network,
    f_prime,
    pass_shapes,
    shape_trick,
    with_bias,
)
from bpkit.core.lessons.matrix_form import elementwise, product


def wide():
    return Network([3, 5, 2], activation="tanh", output_activation="sigmoid", weights="random",
                   seed=3)


def batch(net, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, net.sizes[0])), rng.uniform(0, 1, (n, net.sizes[-1]))


NETS = [
    lambda: wide(),
    lambda: Network([2, 3, 3, 1], activation=["tanh", "sigmoid"], weights="random", seed=5),
    lambda: Network([4, 2, 3], activation="relu", output_activation="tanh", weights="random",
                    seed=6),
    lambda: article_network("squared"),
]


def column(table, name):
    return [row[table.header.index(name)] for row in table.rows]


# ----- shapes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", NETS)
@pytest.mark.parametrize("n", [1, 7])
def test_every_shape_is_the_shape_of_the_array_a_real_pass_makes(make, n):
    net = make()
    X, Y = batch(net, n)
    done = net.backprop(with_bias(X), Y)
    layers = len(net.weights)
    expected = {"z0": done.z[0].shape}
    for k in range(1, layers + 1):
        expected |= {f"W{k}": net.weights[k - 1].shape, f"a{k}": done.a[k - 1].shape,
                     f"z{k}": done.z[k].shape, f"δ{k}": done.deltas[k - 1].shape,
                     f"∂J/∂W{k}": done.gradients[k - 1].shape}
    table = pass_shapes(net, n)
    shapes = dict(zip(column(table, "array"), column(table, "shape")))
    assert shapes == {name: "(" + ", ".join(map(str, shape)) + ")"
                      for name, shape in expected.items()}


def test_the_shapes_of_the_wide_net_show_the_bias_column_and_the_dimension_check():
    rows = {row[0]: row for row in pass_shapes(wide(), 7).rows}
    assert rows["z1"][1:3] == ("[1, f(a1)]", "(7, 6)")  # 5 hidden units and the bias unit
    assert rows["z2"][1:3] == ("f(a2)", "(7, 2)")  # the outputs have no bias unit
    assert rows["a1"][3] == "(7, 4) times (4, 5)"
    assert rows["δ1"][3] == "(7, 2) times (2, 5), then ⊙ (7, 5)"
    assert rows["∂J/∂W1"][3] == "(5, 7) times (7, 4): W1's shape"


def test_the_dimension_trick_finds_one_product_with_the_gradients_shape():
    table = shape_trick(wide(), 7, 2)
    verdicts = dict(zip(column(table, "product"), column(table, "verdict")))
    assert verdicts["δ2ᵀ z1"] == "W2's shape"
    assert verdicts["z1ᵀ δ2"] == "W2's shape transposed"
    assert sum(v == "W2's shape" for v in verdicts.values()) == 1
    assert len(verdicts) == 8 and verdicts["δ2 z1"] == "2 ≠ 7"


def test_the_dimension_trick_for_a_hidden_delta_needs_w_not_its_transpose():
    verdicts = dict(zip(*(column(shape_trick(wide(), 7, 1, "delta"), c)
                          for c in ("product", "verdict"))))
    assert verdicts["δ2 W2[:, 1:]"] == "a1's shape"
    assert verdicts["δ2 W2[:, 1:]ᵀ"] == "2 ≠ 5"
    assert verdicts["W2[:, 1:]ᵀ δ2ᵀ"] == "a1's shape transposed"  # the one-sample column form
    assert sum(v == "a1's shape" for v in verdicts.values()) == 1


def test_with_equal_sizes_the_trick_cannot_tell_a_product_from_its_transpose():
    verdicts = column(shape_trick(article_network("squared"), 4, 1), "verdict")
    assert verdicts.count("W1's shape") == 2  # W1 is 3 by 3: why the notebook's net has 3-5-2


# ----- f'(a) and the pass -------------------------------------------------------------------------
@pytest.mark.parametrize("make", NETS)
def test_f_prime_is_each_layers_derivative_in_its_z_form(make):
    net = make()
    X, _ = batch(net, 5)
    a, z = net.forward(with_bias(X))
    z_form = {"identity": lambda h: np.ones_like(h), "sigmoid": lambda h: h * (1 - h),
              "tanh": lambda h: 1 - h**2, "relu": lambda h: (h > 0).astype(float)}
    for k, (slope, name) in enumerate(zip(f_prime(net, a), net.activations), start=1):
        out = z[k] if k == len(net.weights) else z[k][:, 1:]
        assert slope.shape == a[k - 1].shape
        np.testing.assert_allclose(slope, z_form[name](out), atol=1e-12)


# ----- refused input ------------------------------------------------------------------------------
def test_the_dimension_check_names_both_shapes():
    with pytest.raises(BpkitError, match=re.escape("A (2, 3) times B (2, 3) does not fit")):
        product("A", np.ones((2, 3)), "B", np.ones((2, 3)))
    with pytest.raises(BpkitError, match=re.escape("A (2, 3) ⊙ B (3, 2) does not fit")):
        elementwise("A", np.ones((2, 3)), "B", np.ones((3, 2)))


@pytest.mark.parametrize(("a", "fragment"), [
    (None, "a must be the list of 2 weighted-sum arrays"),
    ([np.ones((3, 5))], "a must be the list of 2 weighted-sum arrays"),
    ([np.ones((3, 4)), np.ones((3, 2))], "a[0] must have shape (n, 5)"),
    ([np.ones((3, 5)), [["x", 1]]], "a[1] must be real numbers, not text"),
])
def test_f_prime_says_what_a_is(a, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        f_prime(wide(), a)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: pass_shapes(wide(), 0), "n (the number of samples in the batch) must be"),
    (lambda: shape_trick(wide(), 7, 3), "layer must be a whole number from 1 to 2"),
    (lambda: shape_trick(wide(), 7, 2, "delta"), "layer must be a whole number from 1 to 1"),
    (lambda: shape_trick(wide(), 7, 1, "sum"), "quantity must be 'gradient' or 'delta'"),
    (lambda: shape_trick(Network([2, 1]), 3, 1, "delta"), "no hidden layer, so no hidden"),
])
def test_shapes_and_the_trick_refuse_what_they_cannot_show(call, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        call()
