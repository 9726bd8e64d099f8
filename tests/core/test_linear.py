"""A linear network is one plane: its c's, their numbers, and the best plane for some targets."""

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network, linear_plane
from tests import reference

EVERY_WEIGHT_ONE = reference.article_step()


def as_lists(weights):
    return [w.tolist() for w in weights]


def reference_h(net, x):
    """h for one input from the hand-written scalar reference (output D0)."""
    return reference.step(net.sizes, as_lists(net.weights), x, 0.0, 0.1).z["D0"]


# ----- the plane of the article's network ---------------------------------------------------------
def test_the_article_start_is_the_plane_h_equals_c0_plus_c1_x1_plus_c2_x2():
    net = article_network("squared")
    plane = linear_plane(net)
    c0, c1, c2 = plane.at(net)
    assert c0 == EVERY_WEIGHT_ONE.z["D0"]  # at (0, 0) only the constant is left
    at_one_zero = reference.article_step(x=(1.0, 0.0)).z["D0"]
    at_zero_one = reference.article_step(x=(0.0, 1.0)).z["D0"]
    assert (c1, c2) == (at_one_zero - c0, at_zero_one - c0)


def test_each_c_is_a_sum_over_hidden_units_of_weight_in_times_weight_out():
    plane = linear_plane(article_network("squared"))
    links = {name: symbol for name, (symbol, _, _) in plane.symbolic.links.items()}
    for k, source in enumerate(["X0", "X1", "X2"]):
        through_hidden = sp.Add(*(links[f"w({source}->Z{j})"] * links[f"w(Z{j}->D0)"]
                                  for j in (1, 2, 3)))
        expected = through_hidden + (links["w(Z0->D0)"] if source == "X0" else 0)
        assert sp.expand(plane.coefficients[k] - expected) == 0


def test_nothing_is_lost_when_the_output_is_collected_into_the_plane():
    plane = linear_plane(article_network("squared"))
    assert plane.remainder() == 0
    assert plane.collected() != 0
    assert set(plane.inputs) <= plane.composed.free_symbols


def test_latex_names_the_output_and_every_c():
    lines = linear_plane(article_network("squared")).latex()
    assert lines[0] == "z_{D_{0}} = c_{0} + c_{1} X_{1} + c_{2} X_{2}"
    assert [line.split(" = ")[0] for line in lines[1:]] == ["c_{0}", "c_{1}", "c_{2}"]
    assert r"w_{Z_{0} \to D_{0}}" in lines[1]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), sizes=st.sampled_from([(2, 3, 1), (2, 2, 2, 1), (3, 2, 1)]),
       x=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_the_plane_gives_the_network_output_for_any_weights_and_inputs(seed, sizes, x):
    net = Network(sizes, weights="random", seed=seed)
    plane = linear_plane(net)
    inputs = x[:sizes[0]]
    h = plane.predict(plane.at(net), [inputs])[0]
    assert h == pytest.approx(reference_h(net, inputs), abs=1e-12)
    assert h == pytest.approx(net.predict(inputs)[0, 0], abs=1e-12)


def test_each_output_of_a_two_output_network_has_its_own_plane():
    net = Network([2, 3, 2], weights="random", seed=4)
    for output in (0, 1):
        plane = linear_plane(net, output)
        assert plane.unit == f"D{output}"
        np.testing.assert_allclose(plane.predict(plane.at(net), XOR_X),
                                   net.predict(XOR_X)[:, output], atol=1e-12)


# ----- the best plane -----------------------------------------------------------------------------
def test_the_best_plane_for_xor_is_flat_at_one_half_exactly():
    plane = linear_plane(article_network("squared"))
    best = plane.best_fit(XOR_X, XOR_Y)
    mean_target = float(np.mean(XOR_Y))
    assert list(best) == [mean_target, 0.0, 0.0]
    assert list(plane.predict(best, XOR_X)) == [mean_target] * 4


def test_the_best_plane_agrees_with_numpy_least_squares_on_random_data():
    rng = np.random.default_rng(7)
    X, Y = rng.uniform(-1, 1, (9, 2)), rng.uniform(0, 1, (9, 1))
    best = linear_plane(article_network("squared")).best_fit(X, Y)
    design = np.column_stack([np.ones(9), X])
    expected, *_ = np.linalg.lstsq(design, Y[:, 0], rcond=None)
    np.testing.assert_allclose(best, expected, atol=1e-12)


def test_with_too_few_samples_the_smallest_best_plane_is_chosen():
    best = linear_plane(article_network("squared")).best_fit([[1.0, 1.0]], [[2.0]])
    np.testing.assert_allclose(best, [2 / 3] * 3, atol=1e-15)


def test_the_second_output_is_fitted_to_the_second_column_of_targets():
    plane = linear_plane(Network([2, 3, 2]), output=1)
    best = plane.best_fit(XOR_X, np.column_stack([XOR_Y[:, 0], XOR_X[:, 0]]))
    np.testing.assert_allclose(best, [0.0, 1.0, 0.0], atol=1e-15)


def test_training_the_linear_network_walks_to_the_best_plane():
    net = article_network("squared")
    plane = linear_plane(net)
    start_gap = np.abs(plane.at(net) - plane.best_fit(XOR_X, XOR_Y)).max()
    net.train(XOR_X, XOR_Y, 0.1, 1000)
    gap = np.abs(plane.at(net) - plane.best_fit(XOR_X, XOR_Y)).max()
    assert gap < 1e-6 < start_gap


# ----- refused input, nothing changed -------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_a_curved_network_is_not_one_plane(activation):
    net = Network([2, 3, 1], activation=activation)
    with pytest.raises(BpkitError, match=re.escape(
            "net must be linear, with f(a) = a in every layer (activation 'identity', "
            f"output_activation 'identity'), to be one plane; got activations ['{activation}'")):
        linear_plane(net)


def test_a_curved_output_is_not_one_plane_either():
    net = Network([2, 3, 1], output_activation="sigmoid", loss="logistic")
    with pytest.raises(BpkitError, match="must be linear"):
        linear_plane(net)


@pytest.mark.parametrize("net", [None, "net", [2, 3, 1]])
def test_linear_plane_says_what_a_network_is(net):
    with pytest.raises(BpkitError, match=re.escape("net must be a bpkit Network")):
        linear_plane(net)


@pytest.mark.parametrize("output", [1, -1, 0.0, True, "0"])
def test_the_output_is_one_of_the_networks_outputs(output):
    with pytest.raises(BpkitError, match=re.escape("output must be a whole number from 0 to 0")):
        linear_plane(article_network("squared"), output)


@pytest.mark.parametrize("other", [Network([2, 2, 1]), Network([2, 3, 1], activation="tanh"),
                                   "net", None])
def test_at_takes_only_a_linear_network_of_the_same_layout(other):
    plane = linear_plane(article_network("squared"))
    before = other.weights if isinstance(other, Network) else None
    with pytest.raises(BpkitError, match=r"net must be (a linear network of this plane's layout "
                                         r"\[2, 3, 1\]|a bpkit Network)"):
        plane.at(other)
    if before is not None:
        assert all(np.array_equal(a, b) for a, b in zip(other.weights, before))


@pytest.mark.parametrize(("coefficients", "message"), [
    ([0.5, 0.0], "coefficients must be 3 numbers c0, c1, ..."),
    ([[0.5, 0.0, 0.0]], "coefficients must be 3 numbers"),
    (["a", "b", "c"], "coefficients must be real numbers, not text"),
    ([0.5, None, 0.0], "missing value"),
    ([0.5, float("nan"), 0.0], "coefficients"),
])
def test_predict_refuses_coefficients_that_are_not_one_number_per_c(coefficients, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        linear_plane(article_network("squared")).predict(coefficients, XOR_X)


@pytest.mark.parametrize(("X", "Y", "message"), [
    (XOR_X, XOR_Y[:3], "X has 4 sample(s) but Y has 3"),
    (XOR_X[:, :1], XOR_Y, "X (the inputs)"),
    ([["0", "1"]], [[1]], "not text"),
    (XOR_X, [[0], [1], [1], [None]], "missing value"),
])
def test_best_fit_refuses_data_that_do_not_fit_the_network(X, Y, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        linear_plane(article_network("squared")).best_fit(X, Y)
