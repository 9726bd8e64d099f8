"""Notebook renderers: tables are the shared Table, formulas typeset, source code shown."""

import ast
import inspect
import math
import re
import textwrap

import numpy as np
import pytest
import sympy as sp

from bpkit import ALPHA, XOR_X, XOR_Y, BpkitError, Network, article_network, computations
from bpkit.core.computations import aligned
from bpkit.core.fmt import number
from bpkit.core.functions import ACTIVATIONS, LOSSES
from bpkit.core.table import Table
from bpkit.widgets import show


def article_trace(loss):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def test_computations_returns_math():
    found = computations(article_trace("squared"), "forward")[:2]
    math_object = show.computations(found)
    assert math_object.data == aligned(found)
    assert aligned(found) in math_object._repr_latex_()
    assert show.computations(found, formulas=False).data == aligned(found, False)


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
    names = list(family)
    if kind in ("delta", "shortcut"):  # the output's delta first: the hidden ones use it
        names.sort(key=sym.layer_of, reverse=True)
    for line, name in zip(lines, names):
        right = line.rstrip().removesuffix(r"\end{aligned}").split("&= ", 1)[1]
        if kind == "gradient":  # written z(source) times delta(target), whatever sympy's order
            _, source, target = sym.links[name]
            assert sym.gradients[name] == sym.z[source] * sym.delta[target]
            assert right == rf"{sym.latex(sym.z[source])} \cdot {sym.latex(sym.delta[target])}"
        else:
            assert right == sym.latex(family[name])


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


def test_line_by_line_writes_each_equation_beside_the_backprop_line_that_computes_it():
    from bpkit import BACKPROP_EQUATIONS

    shown = show.line_by_line(Network.backprop, BACKPROP_EQUATIONS).data
    lines = shown.splitlines()
    for fragment, note in BACKPROP_EQUATIONS.items():
        line = next(line for line in lines if fragment in line)
        assert line.endswith(f"  # {note}"), line
    noted = [line.index("  # ") for line in lines if any(n in line for n in
                                                          BACKPROP_EQUATIONS.values())]
    assert len(set(noted)) == 1  # the notes stand in one column
    assert '"""' not in shown and "Backpropagation on a batch" not in shown  # no docstring
    assert "# 1. output delta: dJ/dh" not in shown  # a noted line's own comment gives way
    ast.parse(shown)  # still Python
    page = show.line_by_line(Network.backprop, BACKPROP_EQUATIONS)._repr_html_()
    assert "gradients" in page and "∂J/∂W_l = δ_lᵀ z_(l−1) / n" in page


def test_line_by_line_needs_every_fragment_and_notes_as_text():
    with pytest.raises(BpkitError, match=re.escape("no line of Network.step contains 'delta.T'")):
        show.line_by_line(Network.step, {"delta.T": "3."})
    with pytest.raises(BpkitError, match="notes must map a fragment of a line"):
        show.line_by_line(Network.backprop, {})
    with pytest.raises(BpkitError, match="notes must map a fragment of a line"):
        show.line_by_line(Network.backprop, {"loss": 3})
    with pytest.raises(BpkitError, match="no Python source"):
        show.line_by_line(len, {"a": "b"})


# ----- refused input ------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "rows", "fragment"), [
    ("unit z", [["Z1", 1.0]], "header must be a list of column names, such as ['unit', 'z']"),
    ([], [], "header must be a list of column names"),
    (["unit", 2], [["Z1", 1.0]], "header must be a list of column names"),
    (None, [["Z1", 1.0]], "header must be a list of column names"),
    (["unit", "z"], None, "rows must be a list of rows, each a list of 2 cells"),
    (["unit", "z"], "Z1", "rows must be a list of rows"),
    (["unit", "z"], [["Z1"]], "rows[0] must be a list of 2 cells, one per column of "
                              "['unit', 'z']; got ('Z1',)"),
    (["unit", "z"], ["Z1 1"], "rows[0] must be a list of 2 cells"),
    (["unit", "z"], [["Z1", 1.0], 3], "rows[1] must be a list of 2 cells"),
    (["unit", "z"], [["Z1", 1j]], "rows[0] holds complex 1j: a cell is text, a real number, "
                                  "or None (left blank)"),
    (["unit", "z"], [["Z1", [1.0]]], "rows[0] holds list [1.0]"),
])
def test_a_table_says_what_a_header_rows_and_cells_are(header, rows, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        show.table(header, rows)


def test_a_table_takes_tuples_numpy_numbers_and_no_rows():
    assert show.table(("a", "b"), ((np.float64(0.5), np.int64(2)),)).rows == ((0.5, 2),)
    assert show.table(["a"], []).rows == ()


@pytest.mark.parametrize(("X", "Y", "fragment"), [
    (None, XOR_Y, "X (the inputs) has a missing value (None)"),
    ("XOR", XOR_Y, "X (the inputs) must be numbers, not text"),
    ([0, 1], XOR_Y, "X (the inputs) must be a batch of shape (n, inputs) with one input or "
                    "more, such as XOR_X; got shape (2,)"),
    ([[]], [0], "X (the inputs) must be a batch of shape (n, inputs) with one input or more"),
    ([[0]], [[]], "Y (the targets) must have one target or more per sample"),
    (XOR_X, XOR_Y[:2], "X has 4 sample(s) but Y has 2"),
    (XOR_X, None, "Y (the targets) has a missing value (None)"),
    (XOR_X, [[0], [1], [1], [math.nan]], "Y (the targets) contains NaN"),
    (np.zeros((0, 2)), np.zeros((0, 1)), "X (the inputs) is an empty batch"),
])
def test_a_dataset_is_checked_as_training_data(X, Y, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        show.dataset(X, Y)


def test_a_dataset_takes_lists_and_flat_targets():
    assert show.dataset(XOR_X.tolist(), XOR_Y.ravel().tolist()) == show.dataset(XOR_X, XOR_Y)


@pytest.mark.parametrize("source", [None, "net", [1.0], Network([2, 3, 1]).weights])
def test_weights_say_what_they_show(source):
    with pytest.raises(BpkitError, match=re.escape(
            "source must be a Network (its weights) or a StepTrace (each weight's gradient and "
            "update)")):
        show.weights(source)


@pytest.mark.parametrize("trace", [None, "trace", Network([2, 3, 1])])
def test_units_say_what_a_trace_is(trace):
    with pytest.raises(BpkitError, match=re.escape("trace must be a StepTrace")):
        show.units(trace)


@pytest.mark.parametrize("lines", [(), (None,), ("a = 1", 3), (["a = 1"],), (b"a = 1",)])
def test_math_takes_lines_of_latex_text(lines):
    with pytest.raises(BpkitError, match=re.escape(
            "math takes one or more lines of LaTeX text, such as show.math('a = 1', 'b = 2')")):
        show.math(*lines)


@pytest.mark.parametrize(("given", "formulas", "fragment"), [
    (None, True, "lines must be a non-empty list of computations"),
    ([], True, "no computations to show"),
    (["a = 1"], True, "lines[0] must be a Computation"),
    ("forward", True, "lines must be a non-empty list of computations"),
    ("found", "yes", "formulas must be True (each formula, then its numbers) or False"),
])
def test_computations_say_what_they_typeset(given, formulas, fragment):
    found = computations(article_trace("squared"), "forward")
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        show.computations(found if given == "found" else given, formulas)


def test_computations_take_any_iterable_of_computations():
    found = computations(article_trace("squared"), "forward")
    assert show.computations(c for c in found).data == show.computations(found).data


@pytest.mark.parametrize("sym", [None, "sym", article_network()])
def test_equations_say_what_a_symbolic_network_is(sym):
    with pytest.raises(BpkitError, match=re.escape(
            "sym must be a SymbolicNetwork, such as net.symbolic()")):
        show.equations(sym, "delta")


@pytest.mark.parametrize("kind", ["deltas", None, ["delta"], {}])
def test_equations_name_their_kinds(kind):
    with pytest.raises(BpkitError, match=re.escape(
            "expected one of 'weighted sum', 'activation', 'delta', 'shortcut', 'gradient'")):
        show.equations(article_network().symbolic(), kind)


@pytest.mark.parametrize("name", ["softmax", None, ["tanh"], {}])
def test_activation_and_loss_name_the_known_ones(name):
    with pytest.raises(BpkitError, match=r"unknown activation .*expected one of identity, relu"):
        show.activation(name)
    with pytest.raises(BpkitError, match=r"unknown loss .*expected one of article, logistic"):
        show.loss(name)
