"""Notebook renderers: tables are the shared Table, formulas typeset, source code shown."""

import inspect
import textwrap

import pytest
import sympy as sp

from bpkit import ALPHA, XOR_X, XOR_Y, BpkitError, Network, article_network, steps
from bpkit.core.fmt import number
from bpkit.core.functions import ACTIVATIONS, LOSSES
from bpkit.core.table import Table
from bpkit.widgets import show


def article_trace(loss):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def test_computations_returns_math():
    found = steps.computations(article_trace("squared"), "forward")[:2]
    math_object = show.computations(found)
    assert math_object.data == steps.aligned(found)
    assert steps.aligned(found) in math_object._repr_latex_()
    assert show.computations(found, formulas=False).data == steps.aligned(found, False)


def test_table_is_the_shared_table_and_writes_numbers_as_fmt_does():
    shown = show.table(["unit", "z"], [["Z1", 1 / 3], ["Z0", None]])
    assert shown == Table.of(["unit", "z"], [["Z1", 1 / 3], ["Z0", None]])
    page = shown._repr_html_()
    assert number(1 / 3) in page and str(1 / 3) not in page


def test_dataset_has_one_row_per_sample():
    shown = show.dataset(XOR_X, XOR_Y)
    assert shown.header == ("sample", "X1", "X2", "y")
    assert [list(row) for row in shown.rows] == [
        [i, *map(float, x), float(y[0])] for i, (x, y) in enumerate(zip(XOR_X, XOR_Y))]


def test_weights_of_a_network_list_every_link_and_of_a_step_its_table():
    net = Network([2, 2, 1], weights="random", seed=3)
    shown = show.weights(net)
    assert shown.header == ("link", "weight")
    names = [name for layer in net.link_names for row in layer for name in row]
    assert [row[0] for row in shown.rows] == names
    assert [row[1] for row in shown.rows] == [net.weight(name) for name in names]
    trace = article_trace("article")
    assert show.weights(trace) == trace.table("links")
    assert show.units(trace) == trace.table("units")


def test_math_aligns_each_line_at_its_first_equals_sign():
    shown = show.math("a = b = c", "x := 1", "p &= q")
    assert shown.data == r"\begin{aligned}a &= b = c \\ x &:= 1 \\ p &= q\end{aligned}"


@pytest.mark.parametrize("kind", ["weighted sum", "activation", "delta", "shortcut",
                                  "gradient"])
def test_equations_give_one_line_per_unit_or_link(kind):
    sym = article_network("squared").symbolic()
    family = {"weighted sum": sym.weighted_sum, "activation": sym.activation,
              "delta": sym.deltas, "shortcut": sym.shortcut, "gradient": sym.gradients}[kind]
    lines = show.equations(sym, kind).data.split(r" \\ ")
    assert len(lines) == len(family)
    for line, expr in zip(lines, family.values()):
        assert line.rstrip().removesuffix(r"\end{aligned}").endswith(sym.latex(expr))


def test_activation_and_loss_show_their_formulas():
    tanh = ACTIVATIONS["tanh"]
    assert sp.latex(tanh.formula) in show.activation("tanh").data
    assert sp.latex(tanh.derivative) in show.activation("tanh").data
    article = LOSSES["article"]
    assert sp.latex(article.formula) in show.loss("article").data
    assert sp.latex(article.output_gradient) in show.loss("article").data


def test_source_shows_a_methods_code_as_python_from_its_first_line():
    code = show.source(Network.step)
    assert code.language == "python"
    assert code.data == textwrap.dedent(inspect.getsource(Network.step))
    assert code.data.startswith("def step(")
    assert "step" in code._repr_html_()
    assert show.source(article_network).data.startswith("def article_network(")


def test_source_of_something_without_python_code_is_refused():
    with pytest.raises(BpkitError, match="no Python source"):
        show.source(len)
    with pytest.raises(BpkitError, match="no Python source"):
        show.source(3)
