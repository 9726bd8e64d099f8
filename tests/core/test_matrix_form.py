"""Backprop in matrix form: shapes read off real passes, the dimension trick, the classic bugs."""

import re

import numpy as np
import pytest

from bpkit import (
    ALPHA,
    BUGS,
    MAZUR_X,
    MAZUR_Y,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    classic_bugs,
    f_prime,
    finite_difference_gradients,
    mazur_network,
    pass_shapes,
    shape_trick,
    update_output_layer_first,
    with_bias,
)
from bpkit.core.lessons.matrix_form import (
    bug_gradients,
    common_factor,
    elementwise,
    matrix_pass,
    product,
)


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


@pytest.mark.parametrize("make", NETS)
def test_the_matrix_pass_without_a_bug_is_network_backprop(make):
    net = make()
    X, Y = batch(net, 6)
    z0 = with_bias(X)
    for mine, theirs in zip(matrix_pass(net, z0, Y, None), net.backprop(z0, Y).gradients):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


# ----- the bugs -----------------------------------------------------------------------------------
def test_the_sum_the_half_and_the_sign_scale_every_gradient():
    net = wide()
    X, Y = batch(net, 7)
    right = net.gradients(X, Y)
    for bug, factor in (("sum", 7), ("no half", 2), ("article sign", -1)):
        buggy = bug_gradients(net, X, Y, bug)
        assert common_factor(buggy, right) == pytest.approx(factor)


def test_the_article_sign_is_what_the_articles_loss_computes():
    ours = bug_gradients(article_network("squared"), XOR_X, XOR_Y, "article sign")
    for mine, article in zip(ours, article_network("article").gradients(XOR_X, XOR_Y)):
        np.testing.assert_allclose(mine, article)


def test_updated_weights_are_the_wrong_update_order_of_05():
    net = wide()
    X, Y = batch(net, 7)
    wrong_order = update_output_layer_first(net, X, Y, ALPHA).gradients
    for mine, theirs in zip(bug_gradients(net, X, Y, "updated weights"), wrong_order):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
    assert not np.allclose(wrong_order[0], net.gradients(X, Y)[0])


def test_no_f_prime_at_an_identity_output_changes_nothing_but_elsewhere_it_does():
    net = article_network("squared", activation="tanh")
    right = net.gradients(XOR_X, XOR_Y)
    same = bug_gradients(net, XOR_X, XOR_Y, "no f' output")
    assert all(np.allclose(a, b) for a, b in zip(same, right))
    hidden = bug_gradients(net, XOR_X, XOR_Y, "no f' hidden")
    assert np.allclose(hidden[1], right[1]) and not np.allclose(hidden[0], right[0])


def test_a_transposed_w_runs_only_where_the_layers_have_equal_sizes():
    with pytest.raises(BpkitError, match=re.escape(
            "δ2 (7, 2) times W2[:, 1:]ᵀ (5, 2) does not fit: δ2 has 2 columns but "
            "W2[:, 1:]ᵀ has 5 rows")):
        bug_gradients(wide(), *batch(wide(), 7), "transposed W")
    mazur = mazur_network()
    buggy = bug_gradients(mazur, MAZUR_X, MAZUR_Y, "transposed W")
    right = mazur.gradients(MAZUR_X, MAZUR_Y)
    assert [g.shape for g in buggy] == [g.shape for g in right]
    assert np.allclose(buggy[1], right[1]) and not np.allclose(buggy[0], right[0])


def test_keeping_the_bias_column_is_refused_by_the_element_wise_product():
    with pytest.raises(BpkitError, match=re.escape(
            "δ2 W2 (7, 6) ⊙ f′(a1) (7, 5) does not fit")):
        bug_gradients(wide(), *batch(wide(), 7), "bias not dropped")


def test_the_classic_bugs_table_sets_each_bug_beside_finite_differences():
    net = wide()
    X, Y = batch(net, 7)
    table = classic_bugs(net, X, Y)
    assert column(table, "bug") == list(BUGS)
    rows = {row[0]: row for row in table.rows}
    fd = np.concatenate([g.ravel() for g in finite_difference_gradients(net, X, Y)])
    buggy = np.concatenate([g.ravel() for g in bug_gradients(net, X, Y, "sum")])
    gap = np.abs(fd - buggy).max()
    assert rows["sum"][1].startswith(f"largest gap {float(f'{gap:.4g}'):g} at w(")
    assert rows["sum"][2] == pytest.approx(7) and rows["no half"][2] == pytest.approx(2)
    assert rows["article sign"][2] == pytest.approx(-1) and rows["no f' hidden"][2] is None
    for refused in ("transposed W", "bias not dropped", "transposed gradient"):
        assert rows[refused][1].startswith("refused by the shapes:")
    assert "(4, 5), (6, 2), but W has (5, 4), (2, 6)" in rows["transposed gradient"][1]


def test_on_mazurs_square_net_the_gradient_check_catches_the_transposed_w():
    row = classic_bugs(mazur_network(), MAZUR_X, MAZUR_Y, ["transposed W"]).rows[0]
    assert row[1].startswith("largest gap ") and row[2] is None


# ----- refused input ------------------------------------------------------------------------------
def test_the_dimension_check_names_both_shapes():
    with pytest.raises(BpkitError, match=re.escape("A (2, 3) times B (2, 3) does not fit")):
        product("A", np.ones((2, 3)), "B", np.ones((2, 3)))
    with pytest.raises(BpkitError, match=re.escape("A (2, 3) ⊙ B (3, 2) does not fit")):
        elementwise("A", np.ones((2, 3)), "B", np.ones((3, 2)))


def test_bugs_are_for_the_squared_loss_and_by_name():
    logistic = Network([2, 2, 1], output_activation="sigmoid", loss="logistic")
    with pytest.raises(BpkitError, match="written for the squared loss"):
        classic_bugs(logistic, XOR_X, XOR_Y)
    with pytest.raises(BpkitError, match="unknown bug 'typo': expected one of 'sum'"):
        classic_bugs(wide(), *batch(wide(), 3), ["typo"])
    with pytest.raises(BpkitError, match="bugs must be a list of bug names"):
        classic_bugs(wide(), *batch(wide(), 3), "sum")


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
