"""functions: each numeric f, f', J and dJ/dh is its sympy formula, and a true derivative."""

import numpy as np
import pytest
import sympy as sp

from bpkit.core import functions
from bpkit.core.errors import BpkitError
from bpkit.core.functions import ACTIVATIONS, LOSSES, a, h, output_layer, y

POINTS = np.array([-3.0, -0.7, 0.4, 2.5])
"""Sample weighted sums, away from relu's kink at 0."""
OUTPUTS = np.array([0.2, 0.6, 0.9, 0.35])
TARGETS = np.array([0.0, 1.0, 1.0, 0.5])
STEP = 1e-6


def central_difference(fn, x, *rest):
    return (fn(x + STEP, *rest) - fn(x - STEP, *rest)) / (2 * STEP)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_f_is_the_formula_at_sample_points(name):
    act = ACTIVATIONS[name]
    expected = [float(act.formula.subs(a, p)) for p in POINTS]
    np.testing.assert_allclose(act.f(POINTS), expected, rtol=1e-13)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_df_is_sympys_derivative_and_the_slope_of_f(name):
    act = ACTIVATIONS[name]
    assert sp.simplify(act.derivative - sp.diff(act.formula, a)) == 0
    expected = [float(act.derivative.subs(a, p)) for p in POINTS]
    np.testing.assert_allclose(act.df(POINTS) * np.ones_like(POINTS), expected, rtol=1e-12)
    np.testing.assert_allclose(act.df(POINTS) * np.ones_like(POINTS),
                               central_difference(act.f, POINTS), rtol=1e-7, atol=1e-9)


def test_a_constant_derivative_multiplies_like_an_array_of_it():
    identity = ACTIVATIONS["identity"]
    deltas = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(deltas * identity.df(deltas), deltas)
    assert float(identity.df(deltas)) == 1.0


def test_sigmoid_and_tanh_slopes_vanish_far_from_zero_without_nan():
    with np.errstate(over="ignore"):
        for name in ("sigmoid", "tanh"):
            slopes = ACTIVATIONS[name].df(np.array([-800.0, 800.0]))
            np.testing.assert_array_equal(slopes, [0.0, 0.0])


def test_an_activation_applies_its_formula_to_an_expression():
    s = sp.Symbol("s")
    assert ACTIVATIONS["tanh"](2 * s) == sp.tanh(2 * s)
    assert ACTIVATIONS["identity"](s + 1) == s + 1


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_value_is_the_formula_at_sample_points(name):
    loss = LOSSES[name]
    expected = [float(loss.formula.subs({h: o, y: t})) for o, t in zip(OUTPUTS, TARGETS)]
    np.testing.assert_allclose(loss.value(OUTPUTS, TARGETS), expected, rtol=1e-13)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_d_dh_is_the_derivative_of_the_objective(name):
    loss = LOSSES[name]
    expected = [float(sp.diff(loss.objective, h).subs({h: o, y: t}))
                for o, t in zip(OUTPUTS, TARGETS)]
    np.testing.assert_allclose(loss.d_dh(OUTPUTS, TARGETS), expected, rtol=1e-12)
    objective = sp.lambdify((h, y), loss.objective)
    np.testing.assert_allclose(loss.d_dh(OUTPUTS, TARGETS),
                               central_difference(objective, OUTPUTS, TARGETS), rtol=1e-6)


def test_honest_losses_descend_their_own_value_and_the_article_climbs_it():
    for name in ("squared", "logistic"):
        loss = LOSSES[name]
        np.testing.assert_allclose(loss.d_dh(OUTPUTS, TARGETS),
                                   central_difference(loss.value, OUTPUTS, TARGETS), rtol=1e-6)
    article, squared = LOSSES["article"], LOSSES["squared"]
    np.testing.assert_array_equal(article.value(OUTPUTS, TARGETS),
                                  squared.value(OUTPUTS, TARGETS))
    np.testing.assert_allclose(article.d_dh(OUTPUTS, TARGETS), TARGETS - OUTPUTS)
    np.testing.assert_allclose(squared.d_dh(OUTPUTS, TARGETS), OUTPUTS - TARGETS)


def test_a_loss_substitutes_output_and_target_at_once():
    p, q = sp.symbols("p q")
    squared = LOSSES["squared"]
    assert sp.expand(squared(p, q) - (p - q) ** 2 / 2) == 0
    assert squared(y, h) == (y - h) ** 2 / 2  # simultaneous: h := y and y := h, not h := h
    assert sp.expand(LOSSES["article"].objective_at(p, q) + (p - q) ** 2 / 2) == 0


def test_only_the_logistic_loss_needs_outputs_in_the_unit_interval():
    assert [name for name, loss in LOSSES.items() if loss.needs_unit_interval] == ["logistic"]
    assert all(loss.description for loss in LOSSES.values())


def test_lookup_by_name_or_object():
    assert functions.activation("tanh") is ACTIVATIONS["tanh"]
    assert functions.activation(ACTIVATIONS["relu"]) is ACTIVATIONS["relu"]
    assert functions.loss("article") is LOSSES["article"]
    assert functions.loss(LOSSES["squared"]) is LOSSES["squared"]


@pytest.mark.parametrize("name", ["softmax", "Tanh", 3, None])
def test_unknown_names_are_refused_with_the_known_ones(name):
    with pytest.raises(BpkitError, match=r"unknown activation .*identity, relu, sigmoid, tanh"):
        functions.activation(name)
    with pytest.raises(BpkitError, match=r"unknown loss .*article, logistic, squared"):
        functions.loss(name)


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("activation_name", sorted(ACTIVATIONS))
def test_every_output_layer_computes_equation_1_and_the_loss_it_is_defined_by(activation_name,
                                                                              loss_name):
    needed = LOSSES[loss_name].output_activation
    if needed is not None and needed != activation_name:
        return  # refused by Network (tests/core/test_network.py)
    pair = output_layer(activation_name, loss_name)
    with_h = {h: ACTIVATIONS[activation_name].formula}
    assert sp.simplify((pair.delta_formula.subs(with_h) - pair.product).rewrite(sp.exp)) == 0
    assert sp.simplify(pair.loss_formula.subs(with_h).rewrite(sp.log) - pair.loss_of_a) == 0


def test_the_logistic_loss_with_a_sigmoid_is_written_in_a_and_its_delta_is_h_minus_y():
    pair = output_layer("sigmoid", "logistic")
    assert pair.from_sums and h not in pair.loss_formula.free_symbols
    assert sp.simplify(pair.delta_formula - (ACTIVATIONS["sigmoid"].formula - y)) == 0
    with np.errstate(over="ignore"):
        values = pair.value(np.array([800.0, -800.0]), None, np.array([0.0, 1.0]))
        deltas = pair.delta(np.array([800.0, -800.0]), None, np.array([0.0, 1.0]))
    np.testing.assert_array_equal(values, [800.0, 800.0])  # log(1 + e^800): no overflow
    np.testing.assert_array_equal(deltas, [1.0, -1.0])


def test_output_layer_names_an_unknown_activation_or_loss():
    with pytest.raises(BpkitError, match="unknown activation 'soft'"):
        output_layer("soft", "squared")
    with pytest.raises(BpkitError, match="unknown loss 'mse'"):
        output_layer("tanh", "mse")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_z_form_is_sympys_derivative_with_z_put_in(name):
    from bpkit.core.functions import a, z
    from bpkit.core.symbolic import proved_zero

    activation = ACTIVATIONS[name]
    if activation.z_form is None:
        assert name == "relu"  # the one activation without a z form here
        return
    written = activation.z_form.subs(z, activation.formula)
    assert proved_zero(written - activation.derivative)
    assert a not in activation.z_form.free_symbols
    assert activation.words.startswith(("linear", name)) and activation.unit_range
