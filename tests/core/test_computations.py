"""The worked steps: sympy's formulas, filled with the trace's numbers, in teaching order.

Expected numbers come from the scalar reference step (tests/reference.py) or from the trace
itself; expected formulas from the symbolic network's own terms.
"""

import json
import math
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import reference
import sympy as sp

from bpkit import (
    ACTIVATIONS,
    ALPHA,
    PHASES,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    computations,
    derive,
)
from bpkit.core.computations import aligned, delta_paths, explain, latex_result
from bpkit.core.fmt import latex_number
from bpkit.core.symbolic import unit_latex

XOR_TWO_OUTPUTS = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
SIGNS = {"article": -1.0, "squared": 1.0}


def article_trace(loss):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def article_reference(loss):
    return reference.article_step(tuple(XOR_X[0]), XOR_Y[0, 0], ALPHA, SIGNS[loss])


def tanh_sigmoid_trace():
    net = Network([2, 2, 2], activation="tanh", output_activation="sigmoid",
                  weights="random", seed=3)
    return net.step(XOR_X, XOR_TWO_OUTPUTS, 0.5)


def deep_trace():
    net = Network([2, 3, 2, 1], activation=["tanh", "sigmoid"], weights="random", seed=5)
    return net.step(XOR_X, XOR_Y, 0.2)


def reference_value(ref, computation):
    """The reference step's number for a computation of the article's step."""
    by_kind = {"weighted sum": ref.a, "activation": ref.z, "delta": ref.delta,
               "gradient": ref.gradient, "update": ref.new}
    return by_kind[computation.kind][computation.name]


def trace_value(trace, computation, sample):
    """The trace's own number for a computation, looked up without computations.py."""
    if computation.kind in ("gradient", "update"):
        link = trace.links[computation.name]
        return link.gradient if computation.kind == "gradient" else link.new
    unit = trace.units[computation.name]
    return {"weighted sum": unit.a, "activation": unit.z, "delta": unit.delta}[
        computation.kind][sample]


def result(value):
    """A result as the worked lines end with it: no parentheses around a negative."""
    return latex_number(value).strip("()")


def arithmetic(latex):
    """Evaluate a worked line made only of numbers, +, -, \\cdot and \\frac{1}{n} (test helper)."""
    text = latex.replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\cdot", "*")
    text = re.sub(r"\\frac\{1\}\{(\d+)\}", r"(1/\1)*", text)
    assert re.fullmatch(r"[0-9.()+\-*/ ]+", text), text
    return eval(text, {"__builtins__": {}}, {})  # our own generated digits only


def worked_part(computation):
    """The part between '=' (or ':=') and the final '= result'."""
    rhs = re.split(r" :?= ", computation.substituted, maxsplit=1)[1]
    return rhs.rsplit(" = ", 1)[0]


def printed(sn, expr):
    """An expression as the worked steps print it: in the order built, the article's names."""
    return sp.latex(expr, order="none", mul_symbol="dot", symbol_names=sn.latex_names)


# ----- the article's step, both conventions ------------------------------------------------------
@pytest.mark.parametrize("loss", ["article", "squared"])
@pytest.mark.parametrize("phase", PHASES)
def test_values_equal_the_reference_step(loss, phase):
    trace, ref = article_trace(loss), article_reference(loss)
    found = computations(trace, phase)
    assert found, phase
    for c in found:
        assert c.phase == phase
        assert c.value == trace_value(trace, c, 0)
        assert c.value == pytest.approx(reference_value(ref, c))
        assert c.substituted.endswith(" " + result(c.value))


def test_teaching_order_and_counts():
    trace = article_trace("article")
    sizes = trace.sizes
    forward = computations(trace, "forward")
    receivers = [u for u in trace.units.values() if u.a is not None]
    assert [(c.kind, c.name) for c in forward] == [
        (kind, u.name) for u in receivers for kind in ("weighted sum", "activation")]
    deltas = computations(trace, "deltas")
    by_layer = {}
    for u in receivers:
        by_layer.setdefault(u.layer, []).append(u.name)
    assert [c.name for c in deltas] == [n for layer in range(len(sizes) - 1, 0, -1)
                                        for n in by_layer[layer]]
    update = computations(trace, "update")
    assert [(c.kind, c.name) for c in update] == [
        (kind, link) for link in trace.links for kind in ("gradient", "update")]


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_article_numbers_in_the_worked_lines(loss):
    trace, ref = article_trace(loss), article_reference(loss)
    n = latex_number
    sources = ["X0", "X1", "X2"]
    z1 = explain(trace, "forward", "Z1", kind="weighted sum")
    terms = " + ".join(rf"{n(ref.old[f'w({s}->Z1)'])} \cdot {n(ref.z[s])}" for s in sources)
    assert z1.substituted == rf"a_{{Z_{{1}}}} = {terms} = {result(ref.a['Z1'])}"
    delta = explain(trace, "deltas", "D0")
    h, y = n(ref.z["D0"]), n(XOR_Y[0, 0])
    formula = "y - z_{D_{0}}" if loss == "article" else "z_{D_{0}} - y"  # actual - predicted
    difference = f"{y} - {h}" if loss == "article" else f"{h} - {y}"
    assert formula in delta.formula
    assert delta.substituted == (rf"\delta_{{D_{{0}}}} = \left({difference}\right) \cdot {n(1)}"
                                 f" = {result(ref.delta['D0'])}")
    hidden = explain(trace, "deltas", "Z1")
    assert hidden.substituted == (rf"\delta_{{Z_{{1}}}} = {n(1)} \cdot {n(ref.old['w(Z1->D0)'])}"
                                  rf" \cdot {n(ref.delta['D0'])} = {result(ref.delta['Z1'])}")
    for link in ("w(X0->Z1)", "w(X1->Z3)", "w(Z2->D0)"):
        update = explain(trace, "update", link)
        assert update.substituted.endswith(
            rf":= {n(ref.old[link])} - {n(ALPHA)} \cdot {n(ref.gradient[link])}"
            f" = {result(ref.new[link])}")
        assert r"\alpha" in update.formula and ":=" in update.formula
    gradient = explain(trace, "update", "w(Z1->D0)", kind="gradient")
    assert gradient.substituted.endswith(
        rf"= {n(ref.z['Z1'])} \cdot {n(ref.delta['D0'])} = {result(ref.gradient['w(Z1->D0)'])}")


def test_a_link_from_a_zero_input_keeps_its_weight():
    trace, ref = article_trace("squared"), article_reference("squared")
    still = explain(trace, "update", "w(X1->Z3)")
    assert ref.z["X1"] == 0 and still.value == ref.old["w(X1->Z3)"]
    assert still.substituted.endswith(
        rf"\cdot {latex_number(0.0)} = {result(ref.old['w(X1->Z3)'])}")


def test_a_line_whose_numbers_are_its_result_is_written_once():
    trace, ref = article_trace("squared"), article_reference("squared")
    identity = explain(trace, "forward", "Z1")  # z = a: nothing to work out
    assert identity.substituted == rf"z_{{Z_{{1}}}} = {result(ref.a['Z1'])}"


# ----- a nonlinear net, a batch, a deep net ------------------------------------------------------
@pytest.mark.parametrize("sample", range(4))
def test_tanh_sigmoid_values_and_numbers(sample):
    trace = tanh_sigmoid_trace()
    for phase in PHASES:
        for c in computations(trace, phase, sample):
            assert c.value == trace_value(trace, c, sample)
    a_z1 = explain(trace, "forward", "Z1", sample, kind="weighted sum")
    weights = trace.old_weights[0][0]
    inputs = [1.0, *trace.inputs[sample]]
    for w, x in zip(weights, inputs):
        assert f"{latex_number(w)} \\cdot {latex_number(x)}" in a_z1.substituted
    z1 = explain(trace, "forward", "Z1", sample)
    assert r"\tanh" in z1.formula
    assert result(trace.units["Z1"].a[sample]) in z1.substituted
    d1 = explain(trace, "deltas", "D1", sample)
    assert "y_{1}" in d1.formula
    assert latex_number(trace.targets[sample, 1]) in d1.substituted


def test_worked_arithmetic_reproduces_the_value():
    """The printed numbers, evaluated, give the printed result (to the 4 digits shown)."""
    for trace in (article_trace("article"), article_trace("squared"), tanh_sigmoid_trace()):
        checked = 0
        for phase in PHASES:
            for c in computations(trace, phase, 1 if trace.n_samples > 1 else 0):
                if c.kind in ("weighted sum", "gradient", "update"):
                    assert math.isclose(arithmetic(worked_part(c)), c.value,
                                        rel_tol=2e-3, abs_tol=1e-4), c.substituted
                    checked += 1
        assert checked > 10


def test_batch_gradient_is_the_mean():
    trace = tanh_sigmoid_trace()
    c = explain(trace, "update", "w(X1->Z2)", kind="gradient")
    assert r"\frac{1}{4}" in c.formula and r"\frac{1}{4}" in c.substituted
    link = trace.links["w(X1->Z2)"]
    assert c.value == link.gradient
    assert math.isclose(c.value, float(np.mean(link.source_z * link.target_delta)))
    per_sample = [rf"{latex_number(z)} \cdot {latex_number(d)}"
                  for z, d in zip(link.source_z, link.target_delta)]
    assert " + ".join(per_sample) in c.substituted


def test_deep_network_every_phase():
    trace = deep_trace()
    deltas = computations(trace, "deltas", 2)
    assert [c.name for c in deltas] == ["D0", "Z2_1", "Z2_2", "Z1_1", "Z1_2", "Z1_3"]
    for phase in PHASES:
        for c in computations(trace, phase, 2):
            assert c.value == trace_value(trace, c, 2)
    assert r"Z^{(1)}_{1}" in deltas[3].formula


# ----- the formulas are the symbolic network's ---------------------------------------------------
@pytest.mark.parametrize("trace", [article_trace("article"), article_trace("squared"),
                                   tanh_sigmoid_trace(), deep_trace()],
                         ids=["article", "squared", "tanh-sigmoid", "deep"])
def test_formulas_print_the_symbolic_networks_terms(trace):
    """Each line is built from the symbolic network: its links, its shortcut terms."""
    sn = derive(trace.sizes, tuple(trace.activations), trace.loss_name)
    name = sn.latex_names
    for c in computations(trace, "forward"):
        if c.kind == "weighted sum":
            terms = [rf"{name[w]} \cdot {name[sn.z[s]]}"
                     for w, s, t in sn.links.values() if t == c.name]
            assert c.formula == f"{name[sn.a[c.name]]} = {' + '.join(terms)}"
        else:
            assert c.formula == f"{name[sn.z[c.name]]} = {printed(sn, sn.activation[c.name])}"
    for c in computations(trace, "deltas"):
        factors = sn.shortcut_terms(c.name).factors(evaluate=False)
        assert c.formula == (f"{name[sn.delta[c.name]]} = "
                             f"{printed(sn, sp.Mul(*factors, evaluate=False))}")
    for c in computations(trace, "update")[::2]:
        weight, source, target = sn.links[c.name]
        assert c.formula.endswith(rf"{name[sn.z[source]]} \cdot {name[sn.delta[target]]}")
        assert name[weight] in c.formula.split(" = ")[0]


def test_symbolic_network_is_left_untouched():
    trace = article_trace("article")
    sn = derive(trace.sizes, tuple(trace.activations), trace.loss_name)
    before = dict(sn.latex_names)
    computations(trace, "update")
    assert sn.latex_names == before


# ----- caches ------------------------------------------------------------------------------------
COLD_RUN = textwrap.dedent("""
    import json
    from bpkit import ALPHA, PHASES, XOR_X, XOR_Y, article_network, computations
    trace = article_network("article").step(XOR_X[:1], XOR_Y[:1], ALPHA)
    print(json.dumps([[c.kind, c.name, c.formula, c.substituted, c.value]
                      for phase in PHASES for c in computations(trace, phase)]))
""")


def every_line(trace):
    return [[c.kind, c.name, c.formula, c.substituted, c.value]
            for phase in PHASES for c in computations(trace, phase)]


def test_templates_from_a_cold_interpreter_equal_the_warm_ones_and_the_reference():
    """A fresh Python builds every line right, and a session that printed other layouts agrees."""
    done = subprocess.run([sys.executable, "-c", COLD_RUN], capture_output=True, text=True,
                          check=True)
    cold = json.loads(done.stdout)
    for warm_up in (article_trace("squared"), tanh_sigmoid_trace(), deep_trace()):
        every_line(warm_up)
    trace = article_trace("article")
    assert every_line(trace) == cold
    assert every_line(trace) == every_line(article_trace("article"))  # a second, cached pass
    ref = article_reference("article")
    by_kind = {"weighted sum": ref.a, "activation": ref.z, "delta": ref.delta,
               "gradient": ref.gradient, "update": ref.new}
    for kind, name, _formula, substituted, value in cold:
        assert value == pytest.approx(by_kind[kind][name])
        assert substituted.endswith(" " + result(value))


def test_a_cleared_derivation_prints_the_same_lines():
    """Clearing derive's cache gives a new symbolic network, whose lines are the same."""
    trace = article_trace("squared")
    first = every_line(trace)
    sn = derive(trace.sizes, tuple(trace.activations), trace.loss_name)
    derive.cache_clear()
    assert derive(trace.sizes, tuple(trace.activations), trace.loss_name) is not sn
    assert every_line(trace) == first


# ----- rendering ---------------------------------------------------------------------------------
def test_aligned_block():
    found = computations(article_trace("article"), "deltas")
    block = aligned(found)
    assert block.startswith(r"\begin{aligned}") and block.endswith(r"\end{aligned}")
    assert block.count(r"\\") == 2 * len(found) - 1
    assert block.count("&=") == 2 * len(found)
    short = aligned(found, formulas=False)
    assert short.count("&=") == len(found)
    lhs, rhs = found[0].substituted.split(" = ", 1)
    assert f"{lhs} &= {rhs}" in short
    update = aligned(computations(article_trace("article"), "update")[:2])
    assert "&:=" in update


def test_latex_result_drops_the_parentheses_of_a_negative():
    assert latex_result(-4.0) == latex_number(-4.0)[1:-1]
    assert latex_result(1.4) == latex_number(1.4)


def test_unit_names_print_as_the_article_writes_them():
    trace = deep_trace()
    for c in computations(trace, "deltas"):
        assert c.formula.startswith(rf"\delta_{{{unit_latex(c.name)}}} = ")


# ----- bad input ---------------------------------------------------------------------------------
def test_bad_phase_names_the_valid_ones():
    with pytest.raises(BpkitError, match="forward, deltas, update"):
        computations(article_trace("article"), "backward")


@pytest.mark.parametrize("sample", [1, -1, 1.0, True, "0"])
def test_bad_sample(sample):
    with pytest.raises(BpkitError, match="from 0 to 0"):
        computations(article_trace("article"), "forward", sample)


def test_bad_name_and_kind():
    trace = article_trace("article")
    with pytest.raises(BpkitError, match="names are D0, Z1, Z2, Z3"):
        explain(trace, "deltas", "X1")
    with pytest.raises(BpkitError, match="unknown kind"):
        explain(trace, "forward", "Z1", kind="sum")
    with pytest.raises(BpkitError, match="kinds are activation, weighted sum"):
        explain(trace, "forward", "Z1", kind="delta")
    with pytest.raises(BpkitError, match="no computations"):
        aligned([])


TRACE_EXPECTED = ("trace must be a StepTrace, the result of net.step(...) or "
                  "net.preview_step(...)")


@pytest.mark.parametrize("trace", [None, "trace", 1.5, [], {}, Network([2, 3, 1])])
def test_computations_and_explain_say_what_a_trace_is(trace):
    with pytest.raises(BpkitError, match=re.escape(TRACE_EXPECTED)):
        computations(trace, "forward")
    with pytest.raises(BpkitError, match=re.escape(TRACE_EXPECTED)):
        explain(trace, "deltas", "Z1")


@pytest.mark.parametrize("name", [None, 1, ["Z1"], {}, np.array([1.0])])
def test_explain_names_what_a_name_is(name):
    with pytest.raises(BpkitError, match=re.escape(
            "name must be a unit such as 'Z1' or a link such as 'w(X0->Z1)'")):
        explain(article_trace("squared"), "deltas", name)


def test_explain_lists_the_names_of_the_phase():
    with pytest.raises(BpkitError, match=re.escape(
            "no computation for 'w(X0->D0)' in the update phase: names are w(X0->Z1)")):
        explain(article_trace("squared"), "update", "X0->D0")


def test_explain_takes_a_link_in_either_spelling():
    trace = article_trace("squared")
    assert (explain(trace, "update", "X0->Z1", kind="gradient")
            == explain(trace, "update", "w(X0->Z1)", kind="gradient"))


@pytest.mark.parametrize("kind", [[], ["delta"], {}, 1, np.array([1.0])])
def test_explain_refuses_a_kind_that_is_not_a_name(kind):
    with pytest.raises(BpkitError, match=r"unknown kind .*expected one of weighted sum, "
                                         r"activation, delta, gradient, update, or None"):
        explain(article_trace("squared"), "deltas", "Z1", kind=kind)


@pytest.mark.parametrize(("given", "fragment"), [
    (None, "lines must be a non-empty list of computations, such as "
           "computations(trace, 'forward'); got None"),
    ("forward", "lines must be a non-empty list of computations"),
    (3, "lines must be a non-empty list of computations"),
    ({}, "lines must be a non-empty list of computations"),
    ([1], "lines[0] must be a Computation (from computations or explain); got int"),
    ([[None]], "lines[0] must be a Computation"),
])
def test_aligned_says_what_it_typesets(given, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        aligned(given)


def test_aligned_takes_any_iterable_of_computations():
    found = computations(article_trace("squared"), "forward")
    assert aligned(c for c in found) == aligned(found)
    assert aligned(tuple(found), False) == aligned(found, formulas=False)


@pytest.mark.parametrize("formulas", [None, 1, 0, "no", []])
def test_aligned_formulas_is_true_or_false(formulas):
    found = computations(article_trace("squared"), "forward")
    with pytest.raises(BpkitError, match=re.escape(
            "formulas must be True (each formula, then its numbers) or False (the numbers only)")):
        aligned(found, formulas)


@pytest.mark.parametrize("value", [None, "4", math.nan, math.inf, 10**400, 1j, True])
def test_latex_result_takes_one_finite_number(value):
    with pytest.raises(BpkitError, match="the value to write must be a finite number"):
        latex_result(value)


# ----- the deltas path by path (delta_paths) ------------------------------------------------------
def mazur_trace():
    from bpkit import MAZUR_ALPHA, MAZUR_X, MAZUR_Y, mazur_network

    return mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)


def relu_trace():
    net = Network([2, 3, 2], activation="relu", weights="random", seed=11)
    return net.step(XOR_X, XOR_TWO_OUTPUTS, 0.3)


def linear_trace():
    return article_trace("squared")


PATH_TRACES = [mazur_trace, linear_trace, tanh_sigmoid_trace, deep_trace, relu_trace]


def test_mazur_deltas_path_by_path_in_teaching_order():
    trace = mazur_trace()
    found = delta_paths(trace)
    assert [(c.kind, c.name) for c in found] == [
        ("delta", "D0"), ("delta", "D1"),
        ("path term", "w(Z1->D0)"), ("path term", "w(Z1->D1)"), ("delta", "Z1"),
        ("path term", "w(Z2->D0)"), ("path term", "w(Z2->D1)"), ("delta", "Z2")]
    assert [c.highlighted for c in found] == [
        ("D0",), ("D1",),
        ("w(Z1->D0)", "Z1", "D0"), ("w(Z1->D1)", "Z1", "D1"),
        ("Z1", "w(Z1->D0)", "D0", "w(Z1->D1)", "D1"),
        ("w(Z2->D0)", "Z2", "D0"), ("w(Z2->D1)", "Z2", "D1"),
        ("Z2", "w(Z2->D0)", "D0", "w(Z2->D1)", "D1")]
    assert all(c.phase == "deltas" for c in found)


@pytest.mark.parametrize("make", PATH_TRACES)
def test_each_hidden_delta_is_f_prime_times_the_sum_of_its_path_terms(make):
    trace = make()
    for sample in range(trace.n_samples):
        found = delta_paths(trace, sample)
        terms = {}
        for c in found:
            if c.kind == "path term":
                link = trace.links[c.name]
                assert c.value == link.old * trace.units[link.target].delta[sample]
                terms.setdefault(link.source, []).append(c.value)
            else:
                unit = trace.units[c.name]
                assert c.kind == "delta" and c.value == unit.delta[sample]
                if unit.kind == "hidden":
                    outgoing = [ln for ln in trace.links.values() if ln.source == c.name]
                    assert len(terms[c.name]) == len(outgoing)
                    activation = ACTIVATIONS[trace.activations[unit.layer - 1]]
                    slope = float(np.ravel(activation.df(unit.a[sample:sample + 1]))[0])
                    assert c.value == pytest.approx(slope * sum(terms[c.name]), rel=1e-12,
                                                    abs=1e-15)
        # the same deltas as the phase computes them, in the same order
        plain = computations(trace, "deltas", sample)
        assert [(c.name, c.value) for c in found if c.kind == "delta"] == [
            (c.name, c.value) for c in plain]


@pytest.mark.parametrize("make", PATH_TRACES)
def test_every_worked_path_line_computes_its_result(make):
    trace = make()
    for c in delta_paths(trace, trace.n_samples - 1):
        assert c.substituted.endswith(" " + result(c.value)) or c.substituted.endswith(
            f"= {result(c.value)}")
        worked = worked_part(c).replace("^{2}", "**2")  # tanh's z form, 1 - z^2
        if not re.search(r"\\frac|e\^|\\theta", worked):  # relu's f'(a) has no z form
            assert arithmetic(worked) == pytest.approx(c.value, rel=2e-3, abs=2e-4)


def test_f_prime_is_shown_in_a_and_worked_in_z_for_sigmoid_units():
    found = {c.name: c for c in delta_paths(mazur_trace())}
    trace = mazur_trace()
    for unit in ("D0", "Z1"):
        name = unit_latex(unit)
        a_form = rf"\frac{{e^{{- a_{{{name}}}}}}}{{\left(1 + e^{{- a_{{{name}}}}}\right)^{{2}}}}"
        z_form = rf"z_{{{name}}} \cdot \left(1 - z_{{{name}}}\right)"
        assert rf"f'\left(a_{{{name}}}\right) = {a_form} = {z_form}" in found[unit].formula
        z = latex_number(float(trace.units[unit].z[0]))
        assert rf"{z} \cdot \left(1 - {z}\right)" in found[unit].substituted
    z1 = found["Z1"]
    assert z1.formula.startswith(
        r"\delta_{Z_{1}} = f'\left(a_{Z_{1}}\right) \cdot \left(w_{Z_{1} \to D_{0}} \cdot "
        r"\delta_{D_{0}} + w_{Z_{1} \to D_{1}} \cdot \delta_{D_{1}}\right)")
    paths = [c for c in delta_paths(trace) if c.kind == "path term" and "Z1" in c.name]
    assert z1.substituted.endswith(
        rf"\left({latex_number(paths[0].value)} + {latex_number(paths[1].value)}\right)"
        f" = {result(z1.value)}")
    path = found["w(Z1->D0)"]
    assert path.formula == (r"\text{path}_{Z_{1} \to D_{0}} = w_{Z_{1} \to D_{0}} \cdot "
                            r"\delta_{D_{0}}")
    assert path.substituted == (
        rf"\text{{path}}_{{Z_{{1}} \to D_{{0}}}} = {latex_number(0.4)} \cdot "
        rf"{latex_number(float(trace.units['D0'].delta[0]))} = {result(path.value)}")


def test_without_a_z_form_f_prime_is_worked_in_a_and_identity_reads_one():
    relu = {c.name: c for c in delta_paths(relu_trace())}
    assert r"\theta" in relu["Z1"].formula and "z_{Z_{1}}" not in relu["Z1"].formula
    linear = {c.name: c for c in delta_paths(article_trace("squared"))}
    assert linear["Z1"].formula.endswith(r"f'\left(a_{Z_{1}}\right) = 1")
    assert linear["Z1"].substituted == (
        rf"\delta_{{Z_{{1}}}} = 1 \cdot {latex_number(4.0)} = {result(4.0)}")


def test_delta_paths_refuses_what_has_no_deltas():
    from bpkit import forward_trace

    with pytest.raises(BpkitError, match="forward pass alone"):
        delta_paths(forward_trace(article_network(), XOR_X[:1], XOR_Y[:1]))
    with pytest.raises(BpkitError, match="sample must be a whole number from 0 to 0"):
        delta_paths(mazur_trace(), 1)
    with pytest.raises(BpkitError, match="trace must be a StepTrace"):
        delta_paths(article_network())
