"""gradcheck: central differences recover gradients known in closed form, and change nothing."""

import numpy as np
import pytest

from bpkit import Network
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
