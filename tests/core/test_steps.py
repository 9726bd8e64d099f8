import math
import re

import numpy as np
import pytest
import sympy as sp

from bpkit import ALPHA, XOR_X, XOR_Y, BpkitError, Network, article_network, derive, steps
from bpkit.core.fmt import latex_number

XOR_TWO_OUTPUTS = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])


def article_trace(loss):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def tanh_sigmoid_trace():
    net = Network([2, 2, 2], activation="tanh", output_activation="sigmoid",
                  weights="random", seed=3)
    return net.step(XOR_X, XOR_TWO_OUTPUTS, 0.5)


def expected_value(trace, computation, sample):
    """The trace's own number for a computation, looked up independently of steps.py."""
    if computation.kind in ("gradient", "update"):
        link = trace.links[computation.name]
        return link.gradient if computation.kind == "gradient" else link.new
    unit = trace.units[computation.name]
    return {"weighted sum": unit.a, "activation": unit.z, "delta": unit.delta}[
        computation.kind][sample]


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


# ----- the article's step, both conventions ------------------------------------------------------
@pytest.mark.parametrize("loss", ["article", "squared"])
@pytest.mark.parametrize("phase", steps.PHASES)
def test_values_equal_the_trace(loss, phase):
    trace = article_trace(loss)
    found = steps.computations(trace, phase)
    assert found, phase
    for c in found:
        assert c.phase == phase
        assert c.value == expected_value(trace, c, 0)
        assert c.substituted.endswith(" " + latex_number(c.value).strip("()"))


def test_teaching_order_and_counts():
    trace = article_trace("article")
    forward = steps.computations(trace, "forward")
    assert [(c.kind, c.name) for c in forward[:4]] == [
        ("weighted sum", "Z1"), ("activation", "Z1"), ("weighted sum", "Z2"), ("activation", "Z2")]
    assert [c.name for c in forward[-2:]] == ["D0", "D0"]
    assert len(forward) == 2 * 4
    deltas = steps.computations(trace, "deltas")
    assert [c.name for c in deltas] == ["D0", "Z1", "Z2", "Z3"]
    update = steps.computations(trace, "update")
    assert len(update) == 2 * len(trace.links) == 26
    assert [c.kind for c in update[:2]] == ["gradient", "update"]
    assert [c.name for c in update[::2]] == list(trace.links)


def test_article_numbers_in_the_worked_lines():
    trace = article_trace("article")
    z1 = steps.explain(trace, "forward", "Z1", kind="weighted sum")
    assert z1.substituted == r"a_{Z_{1}} = 1 \cdot 1 + 1 \cdot 0 + 1 \cdot 0 = 1"
    assert z1.formula.startswith(r"a_{Z_{1}} = w_{X_{0} \to Z_{1}} \cdot X_{0}")
    d0 = steps.explain(trace, "forward", "D0")
    assert d0.kind == "activation" and d0.value == 4
    delta = steps.explain(trace, "deltas", "D0")
    assert delta.value == -4
    assert "y - z_{D_{0}}" in delta.formula
    assert delta.substituted == r"\delta_{D_{0}} = \left(0 - 4\right) \cdot 1 = -4"
    hidden = steps.explain(trace, "deltas", "Z1")
    assert hidden.substituted == r"\delta_{Z_{1}} = 1 \cdot 1 \cdot (-4) = -4"
    update = steps.explain(trace, "update", "w(X0->Z1)")
    assert update.substituted.endswith(r":= 1 - 0.1 \cdot (-4) = 1.4")
    assert r"\alpha" in update.formula and ":=" in update.formula
    gradient = steps.explain(trace, "update", "w(Z1->D0)", kind="gradient")
    assert gradient.value == -4
    assert gradient.substituted.endswith(r"= 1 \cdot (-4) = -4")


def test_correct_sign_numbers():
    trace = article_trace("squared")
    delta = steps.explain(trace, "deltas", "D0")
    assert "z_{D_{0}} - y" in delta.formula
    assert delta.substituted == r"\delta_{D_{0}} = \left(4 - 0\right) \cdot 1 = 4"
    update = steps.explain(trace, "update", "w(Z2->D0)")
    assert math.isclose(update.value, 0.6)
    assert update.substituted.endswith(r"= 1 - 0.1 \cdot 4 = 0.6")
    unchanged = steps.explain(trace, "update", "w(X1->Z3)")
    assert unchanged.value == 1
    assert unchanged.substituted.endswith(r":= 1 - 0.1 \cdot 0 = 1")


# ----- a nonlinear net, a batch, a deep net ------------------------------------------------------
@pytest.mark.parametrize("sample", range(4))
def test_tanh_sigmoid_values_and_numbers(sample):
    trace = tanh_sigmoid_trace()
    for phase in steps.PHASES:
        for c in steps.computations(trace, phase, sample):
            assert c.value == expected_value(trace, c, sample)
    a_z1 = steps.explain(trace, "forward", "Z1", sample, kind="weighted sum")
    weights = trace.old_weights[0][0]
    inputs = [1.0, *trace.inputs[sample]]
    for w, x in zip(weights, inputs):
        assert f"{latex_number(w)} \\cdot {latex_number(x)}" in a_z1.substituted
    z1 = steps.explain(trace, "forward", "Z1", sample)
    assert r"\tanh" in z1.formula and latex_number(trace.units["Z1"].a[sample]).strip("()") in (
        z1.substituted)
    d1 = steps.explain(trace, "deltas", "D1", sample)
    assert "y_{1}" in d1.formula
    assert latex_number(trace.targets[sample, 1]) in d1.substituted


def test_worked_arithmetic_reproduces_the_value():
    """The printed numbers, evaluated, give the printed result (to the 4 digits shown)."""
    for trace in (article_trace("article"), article_trace("squared"), tanh_sigmoid_trace()):
        checked = 0
        for phase in steps.PHASES:
            for c in steps.computations(trace, phase, 1 if trace.n_samples > 1 else 0):
                if c.kind in ("weighted sum", "gradient", "update"):
                    assert math.isclose(arithmetic(worked_part(c)), c.value,
                                        rel_tol=2e-3, abs_tol=1e-4), c.substituted
                    checked += 1
        assert checked > 10


def test_batch_gradient_is_the_mean():
    trace = tanh_sigmoid_trace()
    c = steps.explain(trace, "update", "w(X1->Z2)", kind="gradient")
    assert r"\frac{1}{4}" in c.formula and r"\frac{1}{4}" in c.substituted
    link = trace.links["w(X1->Z2)"]
    assert c.value == link.gradient
    assert math.isclose(c.value, float(np.mean(link.source_z * link.target_delta)))


def test_deep_network_every_phase():
    net = Network([2, 3, 2, 1], activation=["tanh", "sigmoid"], weights="random", seed=5)
    trace = net.step(XOR_X, XOR_Y, 0.2)
    deltas = steps.computations(trace, "deltas", 2)
    assert [c.name for c in deltas] == ["D0", "Z2_1", "Z2_2", "Z1_1", "Z1_2", "Z1_3"]
    for phase in steps.PHASES:
        for c in steps.computations(trace, phase, 2):
            assert c.value == expected_value(trace, c, 2)
    assert r"Z^{(1)}_{1}" in deltas[3].formula


# ----- the formulas are sympy's ------------------------------------------------------------------
@pytest.mark.parametrize("layout", [((2, 3, 1), ("identity", "identity"), "article"),
                                    ((2, 3, 1), ("identity", "identity"), "squared"),
                                    ((2, 2, 2), ("tanh", "sigmoid"), "squared")])
def test_structured_formulas_equal_symbolic_ones(layout):
    sn = derive(*layout)
    for unit in sn.a:
        assert sp.expand(steps._weighted_sum(sn, unit) - sn.weighted_sum[unit]) == 0
        if unit.startswith("D"):
            as_function_of_a = steps._output_delta(sn, unit, layout[2]).subs(
                sn.z[unit], sn.activation[unit])
            assert sp.simplify(as_function_of_a - sn.deltas[unit]) == 0
        else:
            assert sp.simplify(steps._hidden_delta(sn, unit) - sn.shortcut[unit]) == 0
    for link in sn.links:
        assert sp.expand(steps._gradient(sn, link) - sn.gradients[link]) == 0


def test_symbolic_network_is_left_untouched():
    sn = derive((2, 3, 1), ("identity", "identity"), "article")
    before = dict(sn.latex_names)
    steps.computations(article_trace("article"), "update")
    assert sn.latex_names == before


# ----- rendering ---------------------------------------------------------------------------------
def test_aligned_block():
    found = steps.computations(article_trace("article"), "deltas")
    block = steps.aligned(found)
    assert block.startswith(r"\begin{aligned}") and block.endswith(r"\end{aligned}")
    assert block.count(r"\\") == 2 * len(found) - 1
    assert block.count("&=") == 2 * len(found)
    short = steps.aligned(found, formulas=False)
    assert short.count("&=") == len(found)
    assert r"\delta_{D_{0}} &= \left(0 - 4\right) \cdot 1 = -4" in short
    update = steps.aligned(steps.computations(article_trace("article"), "update")[:2])
    assert "&:=" in update


# ----- bad input ---------------------------------------------------------------------------------
def test_bad_phase_names_the_valid_ones():
    with pytest.raises(BpkitError, match="forward, deltas, update"):
        steps.computations(article_trace("article"), "backward")


@pytest.mark.parametrize("sample", [1, -1, 1.0, True, "0"])
def test_bad_sample(sample):
    with pytest.raises(BpkitError, match="from 0 to 0"):
        steps.computations(article_trace("article"), "forward", sample)


def test_bad_name_and_kind():
    trace = article_trace("article")
    with pytest.raises(BpkitError, match="names are D0, Z1, Z2, Z3"):
        steps.explain(trace, "deltas", "X1")
    with pytest.raises(BpkitError, match="unknown kind"):
        steps.explain(trace, "forward", "Z1", kind="sum")
    with pytest.raises(BpkitError, match="kinds are activation, weighted sum"):
        steps.explain(trace, "forward", "Z1", kind="delta")
    with pytest.raises(BpkitError, match="no computations"):
        steps.aligned([])
