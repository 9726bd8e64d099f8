"""gradcheck: central differences recover gradients known in closed form, and change nothing."""

import re
from fractions import Fraction

import numpy as np
import pytest
import reference

from bpkit import (
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    check_gradients,
    compare_gradients,
)
from bpkit.core.gradcheck import finite_difference_gradients


def test_one_linear_unit_gives_the_closed_form_gradient():
    # h = b + w x and J = mean over samples of 1/2 (h - y)^2, so
    # dJ/db = mean(h - y) and dJ/dw = mean((h - y) x).
    b, w = 0.3, -1.2
    x = np.array([[0.5], [2.0], [-1.0]])
    target = np.array([[1.0], [0.0], [0.25]])
    net = Network([1, 1], weights=[np.array([[b, w]])])
    error = b + w * x - target
    (estimate,) = finite_difference_gradients(net, x, target)
    np.testing.assert_allclose(estimate, [[error.mean(), (error * x).mean()]], rtol=1e-8)


def test_a_quadratic_loss_is_differenced_exactly_up_to_rounding():
    # For a loss quadratic in each weight a central difference has no truncation error, so
    # any eps gives the same estimate.
    net = Network([2, 1], weights="random", seed=3)
    X, Y = np.array([[1.0, 2.0], [-0.5, 0.3]]), np.array([[0.1], [0.9]])
    coarse = finite_difference_gradients(net, X, Y, eps=1e-2)
    fine = finite_difference_gradients(net, X, Y, eps=1e-5)
    np.testing.assert_allclose(coarse[0], fine[0], rtol=1e-8)


def test_every_weight_is_estimated_and_the_network_is_left_alone():
    net = Network([2, 3, 2], activation="tanh", weights="random", seed=1)
    before = net.weights
    X, Y = np.array([[0.2, -0.4]]), np.array([[0.0, 1.0]])
    estimates = finite_difference_gradients(net, X, Y)
    assert [e.shape for e in estimates] == [w.shape for w in before]
    for kept, original in zip(net.weights, before):
        np.testing.assert_array_equal(kept, original)
    for estimate, exact in zip(estimates, net.gradients(X, Y)):
        np.testing.assert_allclose(estimate, exact, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("eps", [1e-3, 1e-6])
def test_a_weight_the_loss_does_not_depend_on_has_gradient_zero(eps):
    # With relu hidden units that are all off, the weights into the output from them do nothing.
    net = Network([1, 2, 1], activation="relu", weights=[np.array([[-5.0, 0.0], [-5.0, 0.0]]),
                                                         np.array([[0.5, 1.0, 1.0]])])
    (_, second) = finite_difference_gradients(net, np.array([[1.0]]), np.array([[0.0]]), eps=eps)
    np.testing.assert_array_equal(second[0, 1:], [0.0, 0.0])
    assert second[0, 0] == pytest.approx(0.5, rel=1e-6)


# ----- refused input: a BpkitError naming the argument, and the network left alone ---------------
def small_problem():
    """A 2-2-1 tanh network with one sample, and a copy of its weights to compare against."""
    net = Network([2, 2, 1], activation="tanh", weights="random", seed=4)
    return net, np.array([[0.5, -1.0]]), np.array([[1.0]]), net.weights


def assert_unchanged(net, before):
    for kept, original in zip(net.weights, before):
        np.testing.assert_array_equal(kept, original)


@pytest.mark.parametrize("eps", [
    float("nan"), float("inf"), -float("inf"), 0, 0.0, -1e-6, "a", "1e-6", True, False, None,
    10**400, -(10**400), Fraction(10**400, 3), [1e-6], np.array(1e-6), complex(1e-6, 0),
    np.float64("nan"),
], ids=lambda eps: repr(eps)[:24])
def test_a_bad_eps_is_refused_before_anything_else(eps):
    net, X, Y, before = small_problem()
    expected = "eps (the finite-difference step, such as 1e-6) must be a positive finite number"
    with pytest.raises(BpkitError, match=re.escape(expected)):
        finite_difference_gradients(net, X, Y, eps=eps)
    assert_unchanged(net, before)


def test_eps_is_checked_before_the_network_and_the_data():
    with pytest.raises(BpkitError, match=r"eps \(the finite-difference step"):
        finite_difference_gradients(None, "not data", None, eps=float("nan"))


def test_a_huge_whole_eps_is_named_short_not_printed_in_full():
    net, X, Y, _ = small_problem()
    with pytest.raises(BpkitError, match="too large for a float") as refused:
        finite_difference_gradients(net, X, Y, eps=10**400)
    assert len(str(refused.value)) < 200


@pytest.mark.parametrize("eps", [1, 1e-4, np.float64(1e-4), np.float32(0.25), Fraction(1, 4)])
def test_eps_may_be_any_positive_real_number(eps):
    # The loss of a linear unit is quadratic in each weight: any eps gives the exact gradient.
    net = Network([1, 1], weights=[np.array([[0.3, -1.2]])])
    x, target = np.array([[0.5], [2.0]]), np.array([[1.0], [0.0]])
    (estimate,) = finite_difference_gradients(net, x, target, eps=eps)
    np.testing.assert_allclose(estimate, net.gradients(x, target)[0], rtol=1e-6)


@pytest.mark.parametrize(("eps", "message"), [
    (1e-300, "eps=1e-300 is too small to change w("),
    (1e300, "eps=1e+300"),
    (1e200, "eps=1e+200"),
])
def test_an_eps_too_small_to_move_a_weight_or_too_large_for_the_loss_is_refused(eps, message):
    net, X, Y, before = small_problem()
    with pytest.raises(BpkitError, match=re.escape(message)):
        finite_difference_gradients(net, X, Y, eps=eps)
    assert_unchanged(net, before)


@pytest.mark.parametrize("net", [None, "Network([2, 2, 1])", [np.ones((2, 3))], 3.0])
def test_something_other_than_a_network_is_refused(net):
    X, Y = np.array([[0.5, -1.0]]), np.array([[1.0]])
    with pytest.raises(BpkitError, match="net must be a bpkit Network"):
        finite_difference_gradients(net, X, Y)


@pytest.mark.parametrize(("X", "Y", "named"), [
    ("0.5, -1.0", [[1.0]], "X"), ([[0.5, float("nan")]], [[1.0]], "X"),
    ([[0.5, -1.0, 2.0]], [[1.0]], "X"), ([[0.5, -1.0]], "1", "Y"),
    ([[0.5, -1.0]], [[1.0], [0.0]], "Y"), ([[0.5, -1.0]], [[float("inf")]], "Y"),
    ([[0.5, -1.0]], None, "Y"),
])
def test_bad_inputs_or_targets_are_refused_naming_which(X, Y, named):
    net, _, _, before = small_problem()
    with pytest.raises(BpkitError, match=named):
        finite_difference_gradients(net, X, Y)
    assert_unchanged(net, before)


# ----- check_gradients and compare_gradients: one call, the count and the largest gap -----------
def test_the_articles_start_agrees_on_all_thirteen_links():
    net = article_network("squared")
    check = check_gradients(net, XOR_X[:1], XOR_Y[:1])
    assert check.count == 13 and check.method == "finite difference"
    assert check.largest_gap < 1e-8
    assert check.backprop == tuple(g for layer in net.gradients(XOR_X[:1], XOR_Y[:1])
                                   for g in layer.ravel())
    assert str(check) == ("13 gradients compared: the largest |finite difference - backprop| "
                          "is 0 (rounded to 8 decimals)")


def test_the_articles_gradient_is_minus_the_slope_of_its_reported_error():
    # The article's network reports 1/2 (h - y)^2 but takes delta(D0) = y - h: backprop gives
    # minus the slope the finite differences measure, a gap of twice the gradient.
    ref = reference.article_step(sign=-1.0)
    check = check_gradients(article_network("article"), XOR_X[:1], XOR_Y[:1])
    for link, backprop, estimate in zip(check.links, check.backprop, check.estimate):
        assert backprop == pytest.approx(ref.gradient[link])
        assert estimate == pytest.approx(-ref.gradient[link], abs=1e-8)
    assert check.largest_gap == pytest.approx(2 * abs(ref.gradient["w(X0->Z1)"]), rel=1e-8)
    assert check.worst_link == "w(X0->Z1)"
    assert str(check).endswith("is 8 (rounded to 8 decimals, at w(X0->Z1))")
    table = check.table()
    assert table.header == ("link", "backprop", "finite difference",
                            "finite difference - backprop")
    assert table.rows[0] == ("w(X0->Z1)", ref.gradient["w(X0->Z1)"], -ref.gradient["w(X0->Z1)"],
                             -2 * ref.gradient["w(X0->Z1)"])


def test_a_random_tanh_network_on_every_xor_sample_agrees_and_is_left_alone():
    net = Network((2, 3, 1), activation="tanh", weights="random", seed=1)
    before = net.weights
    check = check_gradients(net, XOR_X, XOR_Y, eps=1e-5)
    assert check.count == 13 and check.largest_gap < 1e-8
    assert_unchanged(net, before)


def test_compare_gradients_finds_and_names_the_one_wrong_estimate():
    net = article_network("squared")
    estimates = net.symbolic().full_gradients(net.weights, XOR_X, XOR_Y)
    assert compare_gradients(net, XOR_X, XOR_Y, estimates, "sympy").largest_gap < 1e-12
    estimates[1][0, 2] += 0.25
    check = compare_gradients(net, XOR_X, XOR_Y, estimates, "  sympy's full derivative ")
    assert check.method == "sympy's full derivative"
    assert check.largest_gap == pytest.approx(0.25)
    assert check.worst_link == "w(Z2->D0)"
    assert "is 0.25 (rounded to 8 decimals, at w(Z2->D0))" in str(check)


@pytest.mark.parametrize(("estimates", "fragment"), [
    (None, "estimates must be a list of 2 arrays with shapes [(3, 3), (1, 4)]"),
    ("zeros", "estimates must be a list of 2 arrays"),
    ([np.zeros((3, 3))], "estimates must be a list of 2 arrays"),
    ([np.zeros((3, 3)), np.zeros((4, 1))], "estimates[1] must have shape (1, 4)"),
    ([np.zeros((3, 3)), [[0, 0, "0", 0]]], "estimates[1] must be real numbers"),
    ([np.zeros((3, 3)), [[0, 0, float("nan"), 0]]], "estimates[1] contains NaN"),
])
def test_compare_gradients_refuses_estimates_not_shaped_like_the_weights(estimates, fragment):
    net = article_network("squared")
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        compare_gradients(net, XOR_X, XOR_Y, estimates, "sympy")


@pytest.mark.parametrize("method", [None, "", "   ", 3, ["finite difference"]])
def test_compare_gradients_wants_a_name_for_the_estimate(method):
    net = article_network("squared")
    with pytest.raises(BpkitError, match="method must be a short text naming the estimate"):
        compare_gradients(net, XOR_X, XOR_Y, net.weights, method)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda net: check_gradients(net, XOR_X, XOR_Y, eps=0), "eps (the finite-difference step"),
    (lambda net: check_gradients(net, [[0, 0, 0]], [[0]]), "X (the inputs)"),
    (lambda net: compare_gradients(net, XOR_X, [[0]], net.weights, "sympy"), "Y has 1"),
    (lambda net: check_gradients(None, XOR_X, XOR_Y), "net must be a bpkit Network"),
])
def test_the_checks_refuse_what_the_gradients_refuse_and_change_nothing(call, fragment):
    net = article_network("squared")
    before = net.weights
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        call(net)
    assert_unchanged(net, before)
