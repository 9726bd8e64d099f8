"""Property tests: backprop = sympy's full chain rule = central finite differences."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bpkit import ACTIVATIONS, Network, finite_difference_gradients

ACTIVATION_NAMES = ["identity", "sigmoid", "tanh", "relu"]


@st.composite
def small_problems(draw):
    """A random small network (one hidden layer of 1-3 units or two of 1-2), weights, a batch.

    Small, because sympy's fully composed derivative (the independent check) grows fast.
    """
    depth = draw(st.integers(3, 4))
    sizes = [draw(st.integers(1, 3 if depth == 3 else 2)) for _ in range(depth)]
    hidden = [draw(st.sampled_from(ACTIVATION_NAMES)) for _ in sizes[1:-1]]
    loss = draw(st.sampled_from(["squared", "article", "logistic"]))
    output = "sigmoid" if loss == "logistic" else draw(st.sampled_from(ACTIVATION_NAMES))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 3))
    X = rng.uniform(-2, 2, (n, sizes[0]))
    Y = rng.uniform(0, 1, (n, sizes[-1]))
    net = Network(sizes, activation=hidden, output_activation=output, loss=loss,
                  weights="random", seed=seed)
    return net, X, Y


def away_from_relu_kinks(net: Network, X: np.ndarray) -> bool:
    """True if no relu unit sits within 1e-3 of its kink at a = 0 (where f' jumps)."""
    inputs = np.column_stack([np.ones(len(X)), X])
    z = inputs
    for w, name in zip(net.weights, net.activations):
        a = z @ w.T
        if name == "relu" and np.min(np.abs(a)) < 1e-3:
            return False
        z = np.column_stack([np.ones(len(X)), ACTIVATIONS[name].f(a)])
    return True


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_backprop_equals_sympy_and_finite_differences(problem):
    net, X, Y = problem
    assume(away_from_relu_kinks(net, X))
    backprop = net.gradients(X, Y)
    symbolic = net.symbolic().full_gradients(net.weights, X, Y)
    numeric = finite_difference_gradients(net, X, Y, eps=1e-6)
    # The article's delta differentiates minus the loss it reports: its "gradient" points uphill.
    uphill = -1.0 if net.loss_name == "article" else 1.0
    scale = max(1.0, max(float(np.abs(g).max()) for g in backprop))
    for bp, sym, fd in zip(backprop, symbolic, numeric):
        np.testing.assert_allclose(bp, sym, rtol=1e-6, atol=1e-9 * scale)
        np.testing.assert_allclose(bp, uphill * fd, rtol=1e-6, atol=1e-7 * scale)
