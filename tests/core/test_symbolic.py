"""The sympy side: formulas derived once, equal to the numeric network's numbers."""

import numpy as np
import pytest
import sympy as sp

from bpkit import ACTIVATIONS, LOSSES, XOR_X, XOR_Y, Network, article_network, derive
from bpkit.core.functions import a, h, y

LAYOUTS = [
    ((2, 3, 1), ("identity", "identity"), "article"),
    ((2, 3, 1), ("identity", "identity"), "squared"),
    ((2, 3, 1), ("tanh", "sigmoid"), "logistic"),
    ((2, 2, 2), ("sigmoid", "tanh"), "squared"),
    ((2, 2, 2, 1), ("tanh", "relu", "identity"), "article"),
]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_numeric_activation_and_derivative_come_from_the_formula(name):
    act = ACTIVATIONS[name]
    points = np.array([-3.0, -0.7, 0.4, 2.5])
    expected = [float(act.formula.subs(a, p)) for p in points]
    np.testing.assert_allclose(act.f(points), expected, rtol=1e-12)
    slope = [float(sp.diff(act.formula, a).subs(a, p)) for p in points]
    np.testing.assert_allclose(act.df(points), slope, rtol=1e-12)
    step = 1e-6
    np.testing.assert_allclose(act.df(points), (act.f(points + step) - act.f(points - step))
                               / (2 * step), rtol=1e-6)


def test_sigmoid_derivative_is_stable_far_from_zero():
    sigmoid = ACTIVATIONS["sigmoid"]
    with np.errstate(over="ignore"):
        slopes = sigmoid.df(np.array([-800.0, 800.0]))
    np.testing.assert_array_equal(slopes, [0.0, 0.0])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_output_gradient_is_the_derivative_of_the_objective(name):
    loss = LOSSES[name]
    outputs, targets = np.array([0.2, 0.6, 0.9]), np.array([0.0, 1.0, 1.0])
    step = 1e-6
    objective = sp.lambdify((h, y), loss.objective)
    numeric = (objective(outputs + step, targets) - objective(outputs - step, targets)) / (2 * step)
    np.testing.assert_allclose(loss.d_dh(outputs, targets), numeric, rtol=1e-6)


def test_article_loss_delta_is_actual_minus_predicted():
    assert sp.simplify(LOSSES["article"].output_gradient - (y - h)) == 0
    assert sp.simplify(LOSSES["squared"].output_gradient - (h - y)) == 0


def test_logistic_with_sigmoid_output_gives_the_same_output_delta_h_minus_y():
    sym = derive((2, 3, 1), ("identity", "sigmoid"), "logistic")
    z_out = 1 / (1 + sp.exp(-sym.a["D0"]))
    assert sp.simplify(sym.deltas["D0"] - (z_out - sym.targets[0])) == 0


def test_logistic_cost_is_undefined_at_the_articles_output():
    cost = LOSSES["logistic"].formula.subs({h: 4, y: 0})
    assert not cost.is_real  # log(1 - 4) = log(-3) is not a real number


@pytest.mark.parametrize(("sizes", "acts", "loss"), LAYOUTS)
def test_layer_by_layer_deltas_equal_the_shortcut_and_the_full_chain_rule(sizes, acts, loss):
    sym = derive(sizes, acts, loss)
    for unit in sym.a:
        assert sym.shortcut_matches(unit), unit
        assert sym.delta_proved(unit), unit


@pytest.mark.parametrize(("sizes", "acts", "loss"), LAYOUTS)
def test_symbolic_values_equal_the_numeric_step(sizes, acts, loss):
    net = Network(sizes, activation=list(acts[:-1]), output_activation=acts[-1], loss=loss,
                  weights="random", seed=7)
    x = np.random.default_rng(1).uniform(-1, 1, sizes[0])
    target = np.random.default_rng(2).uniform(0.1, 0.9, sizes[-1])
    values = net.symbolic().values(net.weights, x, target)
    trace = net.step(x, target, 0.1)
    for unit, record in trace.units.items():
        if record.a is not None:
            assert values["a"][unit] == pytest.approx(record.a[0], rel=1e-12)
            assert values["z"][unit] == pytest.approx(record.z[0], rel=1e-12)
            assert values["delta"][unit] == pytest.approx(record.delta[0], rel=1e-10, abs=1e-14)
    for name, link in trace.links.items():
        assert values["gradient"][name] == pytest.approx(link.gradient, rel=1e-10, abs=1e-14)


def test_full_gradients_of_the_seed_net_on_xor_equal_backprop():
    net = article_network("squared")
    full = net.symbolic().full_gradients(net.weights, XOR_X, XOR_Y)
    for symbolic, numeric in zip(full, net.gradients(XOR_X, XOR_Y)):
        np.testing.assert_allclose(symbolic, numeric, rtol=1e-12)


def test_seed_net_formulas_use_the_articles_names():
    sym = article_network().symbolic()
    assert set(sym.a) == {"Z1", "Z2", "Z3", "D0"}
    assert str(sym.gradients["w(X0->Z1)"]) == "X0*delta_Z1"
    assert str(sym.shortcut["Z2"]) == "delta_D0*w(Z2->D0)"
    assert r"w_{X_{0} \to Z_{1}}" in sym.latex(sym.weighted_sum["Z1"])
    assert r"\delta_{D_{0}}" in sym.latex(sym.shortcut["Z1"])


def test_derivation_is_cached_per_layout():
    assert article_network().symbolic() is article_network().symbolic()
    assert article_network("squared").symbolic() is not article_network("article").symbolic()
