"""The sympy side: formulas derived once, equal to the numeric network's numbers."""

import math
import re

import numpy as np
import pytest
import reference
import sympy as sp

from bpkit import (
    ACTIVATIONS,
    ALPHA,
    LOSSES,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    SymbolicNetwork,
    article_network,
    derive,
)
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
def test_the_shortcut_minus_the_full_derivative_simplifies_to_zero(sizes, acts, loss):
    sym = derive(sizes, acts, loss)
    for unit in sym.a:
        gap = sym.shortcut_minus_derivative(unit)
        assert isinstance(gap, sp.Expr) and gap == 0, (unit, gap)


def test_the_difference_is_taken_with_the_later_deltas_written_out():
    # Left as a symbol, delta(D0) would survive in the difference; written as a_D0 - y it cancels.
    sym = article_network("squared").symbolic()
    assert sym.delta["D0"] in sym.shortcut["Z1"].free_symbols
    assert sym.shortcut_minus_derivative("Z1").free_symbols == set()


@pytest.mark.parametrize(("sizes", "acts", "loss"), LAYOUTS)
def test_full_deltas_at_a_sample_equal_the_numeric_step(sizes, acts, loss):
    net = Network(sizes, activation=list(acts[:-1]), output_activation=acts[-1], loss=loss,
                  weights="random", seed=9)
    x = np.random.default_rng(5).uniform(-1, 1, sizes[0])
    target = np.random.default_rng(6).uniform(0.1, 0.9, sizes[-1])
    full = net.symbolic().full_deltas_at(net.weights, x, target)
    trace = net.preview_step(x, target, 0.1)
    assert set(full) == set(net.symbolic().a)
    for unit, value in full.items():
        assert value == pytest.approx(trace.units[unit].delta[0], rel=1e-10, abs=1e-14), unit


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_full_deltas_at_the_articles_start_are_the_reference_deltas(loss):
    ref = reference.article_step(sign={"article": -1.0, "squared": 1.0}[loss])
    net = article_network(loss)
    full = net.symbolic().full_deltas_at(net.weights, XOR_X[0], XOR_Y[0])
    assert full == pytest.approx({unit: ref.delta[unit] for unit in full})


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"weights": None}, "weights must be a list of 2 arrays with shapes [(3, 3), (1, 4)]"),
    ({"weights": [np.ones((3, 3)), np.ones((4, 1))]}, "weights[1] must have shape (1, 4)"),
    ({"x": [0, math.nan]}, "X (the inputs) contains NaN"),
    ({"x": XOR_X, "y": XOR_Y}, "values takes one sample"),
    ({"y": "1"}, "Y (the targets) must be numbers, not text"),
])
def test_full_deltas_at_refuse_what_values_refuses(kwargs, fragment):
    net = article_network("squared")
    arguments = {"weights": net.weights, "x": [0, 1], "y": 1, **kwargs}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        net.symbolic().full_deltas_at(**arguments)


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


@pytest.mark.parametrize(("sizes", "acts", "loss"), LAYOUTS)
def test_shortcut_terms_are_the_outgoing_links_or_the_loss_factor(sizes, acts, loss):
    sym = derive(sizes, acts, loss)
    outputs = [u for u in sym.a if sym.layer_of(u) == len(sizes) - 1]
    for unit in sym.a:
        terms = sym.shortcut_terms(unit)
        f_prime = ACTIVATIONS[acts[sym.layer_of(unit) - 1]].derivative.subs(a, sym.a[unit])
        assert terms.unit == unit and terms.f_prime == f_prime
        if unit in outputs:
            k = outputs.index(unit)
            expected = LOSSES[loss].output_gradient.subs(
                {h: sym.z[unit], y: sym.targets[k]}, simultaneous=True)
            assert terms.links == () and terms.loss_factor == expected
            assert terms.factors() == (expected, f_prime)
        else:
            outgoing = [(w, sym.delta[t]) for w, s, t in sym.links.values() if s == unit]
            assert list(terms.links) == outgoing and terms.loss_factor is None
            assert terms.factors()[1] == sp.Add(*(w * d for w, d in outgoing))


@pytest.mark.parametrize(("sizes", "acts", "loss"), LAYOUTS)
def test_the_shortcut_is_the_product_of_its_terms(sizes, acts, loss):
    sym = derive(sizes, acts, loss)
    for unit in sym.a:
        product = sp.Mul(*sym.shortcut_terms(unit).factors(evaluate=False))
        as_function_of_a = product.subs(sym.z[unit], sym.activation[unit])
        assert sp.simplify(as_function_of_a - sym.shortcut[unit]) == 0, unit


def test_unevaluated_factors_keep_link_order():
    sym = derive((2, 3, 2), ("identity", "identity"), "squared")
    _, links = sym.shortcut_terms("Z2").factors(evaluate=False)
    assert links.args == tuple(sp.Mul(w, d, evaluate=False)
                               for w, d in sym.shortcut_terms("Z2").links)


def test_shortcut_terms_of_a_unit_without_a_delta_names_the_ones_with_one():
    sym = article_network().symbolic()
    with pytest.raises(BpkitError, match="'X1' has no delta: units with one are Z1, Z2, Z3, D0"):
        sym.shortcut_terms("X1")


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_symbol_values_of_the_articles_step_are_the_reference_numbers(loss):
    sign = {"article": -1.0, "squared": 1.0}[loss]
    net = article_network(loss)
    trace = net.step(XOR_X[:1], XOR_Y[:1], ALPHA)
    ref = reference.article_step(tuple(XOR_X[0]), XOR_Y[0, 0], ALPHA, sign)
    sym = net.symbolic()
    values = sym.symbol_values(trace)
    expected = {sym.targets[0]: XOR_Y[0, 0]}
    expected.update({sym.z[u]: ref.z[u] for u in sym.z})
    expected.update({sym.a[u]: ref.a[u] for u in sym.a})
    expected.update({sym.delta[u]: ref.delta[u] for u in sym.delta})
    expected.update({w: ref.old[name] for name, (w, _, _) in sym.links.items()})
    assert values == pytest.approx(expected)


@pytest.mark.parametrize(("sizes", "acts", "loss"), LAYOUTS)
def test_symbol_values_satisfy_every_formula(sizes, acts, loss):
    net = Network(sizes, activation=list(acts[:-1]), output_activation=acts[-1], loss=loss,
                  weights="random", seed=11)
    X = np.random.default_rng(3).uniform(-1, 1, (3, sizes[0]))
    Y = np.random.default_rng(4).uniform(0.1, 0.9, (3, sizes[-1]))
    trace = net.step(X, Y, 0.1)
    sym = net.symbolic()
    for sample in range(3):
        values = sym.symbol_values(trace, sample)
        assert set(values) == {*sym.z.values(), *sym.a.values(), *sym.delta.values(),
                               *sym.targets, *sym.links_in_order}
        for unit in sym.a:
            assert float(sym.weighted_sum[unit].subs(values)) == pytest.approx(values[sym.a[unit]])
            assert float(sym.activation[unit].subs(values)) == pytest.approx(values[sym.z[unit]])
            assert float(sym.shortcut[unit].subs(values)) == pytest.approx(
                values[sym.delta[unit]], rel=1e-10, abs=1e-14)


def test_symbol_values_refuse_another_layout_and_a_missing_sample():
    trace = article_network("squared").step(XOR_X[:2], XOR_Y[:2], ALPHA)
    with pytest.raises(BpkitError, match="not this symbolic network's"):
        article_network("article").symbolic().symbol_values(trace)
    with pytest.raises(BpkitError, match="sample must be a whole number from 0 to 1"):
        article_network("squared").symbolic().symbol_values(trace, 2)


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


# ----- refused input ------------------------------------------------------------------------------
def test_derive_takes_lists_or_tuples_and_caches_one_network_per_layout():
    from_lists = derive([2, 3, 1], ["identity", "identity"], "squared")
    assert from_lists is derive((2, 3, 1), ("identity", "identity"), "squared")
    assert from_lists.sizes == (2, 3, 1)
    assert from_lists is article_network("squared").symbolic()


@pytest.mark.parametrize("make", [derive, SymbolicNetwork])
@pytest.mark.parametrize(("sizes", "activations", "loss", "fragment"), [
    ("231", ("identity", "identity"), "squared", "sizes must be a list of layer sizes"),
    ([2, 0, 1], ("identity", "identity"), "squared", "sizes[1] (a layer size) must be"),
    ([2, 1.5, 1], ("identity", "identity"), "squared", "sizes[1] (a layer size) must be"),
    ([2], ("identity",), "squared", "needs an input and an output layer"),
    ([2, 3, 1], "identity", "squared",
     "activations must be a list of 2 activation name(s), one per layer after the input "
     "(hidden layers, then the output), such as ('identity', 'identity'); got 'identity'"),
    ([2, 3, 1], None, "squared", "activations must be a list of 2 activation name(s)"),
    ([2, 3, 1], ["tanh"], "squared",
     "activations lists 1 name(s), but sizes [2, 3, 1] have 2 layer(s) after the input"),
    ([2, 3, 1], [], "squared", "activations lists 0 name(s)"),
    ([2, 3, 1], ["tanh", "softmax"], "squared", "unknown activation 'softmax'"),
    ([2, 3, 1], [["tanh"], "identity"], "squared", "unknown activation ['tanh']"),
    ([2, 3, 1], ["tanh", "identity"], ["squared"], "unknown loss ['squared']"),
    ([2, 3, 1], ["tanh", "identity"], "cubed", "unknown loss 'cubed'"),
])
def test_a_layout_that_cannot_be_derived_is_refused(make, sizes, activations, loss, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        make(sizes, activations, loss)


@pytest.mark.parametrize("unit", ["Q1", None, ["Z1"], {}, np.array([1.0])])
def test_layer_of_names_every_unit(unit):
    with pytest.raises(BpkitError, match="in this network: its units are X0, X1, X2, Z0"):
        article_network().symbolic().layer_of(unit)


@pytest.mark.parametrize("method", ["shortcut_terms", "shortcut_matches", "full_delta",
                                    "delta_proved", "shortcut_minus_derivative"])
@pytest.mark.parametrize("unit", ["X1", "Z0", "Q", None, [1], {}])
def test_every_method_about_a_delta_names_the_units_with_one(method, unit):
    sym = article_network().symbolic()
    with pytest.raises(BpkitError, match="has no delta: units with one are Z1, Z2, Z3, D0"):
        getattr(sym, method)(unit)


def test_full_gradient_takes_a_link_in_either_spelling_and_lists_the_links():
    sym = article_network().symbolic()
    assert sym.full_gradient("X0->Z1") == sym.full_gradient("w(X0->Z1)")
    with pytest.raises(BpkitError, match=re.escape("no link named 'w(X0->D0)' in this network: "
                                                   "links are w(X0->Z1), w(X1->Z1)")):
        sym.full_gradient("X0->D0")
    with pytest.raises(BpkitError, match="not a link name"):
        sym.full_gradient(["w(X0->Z1)"])


@pytest.mark.parametrize("layer", [0, 3, -1, 1.0, True, "1", [1]])
def test_objective_in_layer_takes_a_layer_with_weighted_sums(layer):
    with pytest.raises(BpkitError, match=re.escape(
            "layer must be a whole number from 1 to 2 (the layers with weighted sums; "
            "layer 0 is the inputs)")):
        article_network().symbolic().objective_in_layer(layer)


def test_objective_in_layer_is_still_remembered():
    sym = article_network().symbolic()
    assert sym.objective_in_layer(1) is sym.objective_in_layer(1)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"weights": None}, "weights must be a list of 2 arrays with shapes [(3, 3), (1, 4)], "
                        "as Network.weights; got None"),
    ({"weights": [np.ones((3, 3))]}, "weights must be a list of 2 arrays"),
    ({"weights": [np.ones((3, 3)), np.ones((4, 1))]},
     "weights[1] must have shape (1, 4) (units in the next layer, units in this one + bias); "
     "got (4, 1)"),
    ({"weights": [np.ones((3, 3)), [[1, 1, "1", 1]]]}, "weights[1] must be real numbers"),
    ({"weights": [np.ones((3, 3)), [[1, 1, math.inf, 1]]]}, "weights[1] contains an infinite"),
    ({"x": None}, "X (the inputs) has a missing value (None)"),
    ({"x": [0, 1, 1]}, "X (the inputs) has shape (3,)"),
    ({"x": [0, math.nan]}, "X (the inputs) contains NaN"),
    ({"x": XOR_X, "y": XOR_Y}, "values takes one sample: x of 2 number(s) and y of 1; got 4"),
    ({"y": "1"}, "Y (the targets) must be numbers, not text"),
    ({"y": 10**400}, "Y (the targets) holds an integer too large for a float"),
    ({"y": 1j}, "Y (the targets) must be real numbers, not complex numbers"),
    ({"y": [0, 1]}, "X has 1 sample(s) but Y has 2"),
])
def test_values_refuse_numbers_that_are_not_one_sample_of_this_layout(kwargs, fragment):
    net = article_network("squared")
    arguments = {"weights": net.weights, "x": [0, 1], "y": 1, **kwargs}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        net.symbolic().values(**arguments)


def test_values_take_the_sample_as_lists_arrays_or_a_bare_target():
    net = article_network("squared")
    sym = net.symbolic()
    weights = [w.tolist() for w in net.weights]
    assert sym.values(weights, [0, 1], 1) == sym.values(net.weights, np.array([[0, 1]]), [[1]])


def test_values_without_a_finite_real_value_are_refused():
    sym = derive((1, 1), ("identity",), "logistic")  # delta = 1 / (1 - h) - 0 / h at h = 1
    with pytest.raises(BpkitError, match="the delta of D0 has no finite real value at these "
                                         "numbers"):
        sym.values([np.array([[0.5, 0.5]])], [1], 0)


@pytest.mark.parametrize("trace", [None, "trace", Network([2, 3, 1]), {}])
def test_symbol_values_say_what_a_trace_is(trace):
    with pytest.raises(BpkitError, match=re.escape(
            "trace must be a StepTrace, the result of net.step(...) or net.preview_step(...)")):
        article_network().symbolic().symbol_values(trace)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"weights": "ones"}, "weights must be a list of 2 arrays"),
    ({"X": [[0, 0, 0]]}, "X (the inputs) has shape (1, 3)"),
    ({"Y": [0, 1]}, "X has 4 sample(s) but Y has 2"),
    ({"Y": [[None]] * 4}, "Y (the targets) has a missing value (None)"),
])
def test_full_gradients_refuse_what_backprop_refuses(kwargs, fragment):
    net = article_network("squared")
    arguments = {"weights": net.weights, "X": XOR_X, "Y": XOR_Y, **kwargs}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        net.symbolic().full_gradients(**arguments)


@pytest.mark.parametrize("expr", ["delta_Z1", 1.5, None, ["a"]])
def test_latex_takes_a_sympy_expression(expr):
    with pytest.raises(BpkitError, match=re.escape(
            "expr must be a sympy expression, such as sym.deltas['Z1']")):
        article_network().symbolic().latex(expr)
