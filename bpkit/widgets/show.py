"""Rendering for notebook cells: tables, typeset formulas and code, numbers through bpkit.fmt."""

from __future__ import annotations

import ast
import inspect
import io
import re
import textwrap
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from IPython.display import Math
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from bpkit.core import functions, validate
from bpkit.core.computations import Computation, aligned
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network
from bpkit.core.symbolic import SymbolicNetwork
from bpkit.core.table import Table
from bpkit.core.trace import StepTrace, checked_trace

EQUATION_KINDS = ("weighted sum", "activation", "delta", "shortcut", "gradient")
"""The families of formulas ``equations`` shows."""


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    """A table for a notebook cell; floats are written by ``bpkit.fmt.number``, None blank."""
    return Table.of(header, rows)


@dataclass(frozen=True)
class SourceCode:
    """Python source for a notebook cell: highlighted with inline colours, plain as text."""

    data: str
    language: str = "python"

    def _repr_html_(self) -> str:
        """The code as HTML with its colours inline (no stylesheet to depend on)."""
        return highlight(self.data, PythonLexer(), HtmlFormatter(noclasses=True, nobackground=True))

    def __repr__(self) -> str:
        return self.data


def source(obj: object) -> SourceCode:
    """A function's or class's source code, highlighted as Python, e.g. ``Network.backprop``."""
    try:
        text = inspect.getsource(obj)
    except (OSError, TypeError):
        raise BpkitError(f"no Python source to show for {obj!r:.60}: give a function, method "
                         "or class written in Python, e.g. Network.backprop") from None
    return SourceCode(textwrap.dedent(text))


def line_by_line(obj: object, notes: Mapping[str, str]) -> SourceCode:
    """A function's code with the equation each line computes written beside it, as a comment.

    ``notes`` maps a fragment of a line to what that line computes (e.g. ``BACKPROP_EQUATIONS``
    for ``Network.backprop``); every fragment must be found. The docstring is left out, and a
    noted line's own comment gives way to its note, so the code still runs as shown.
    """
    code = source(obj).data
    if (not isinstance(notes, Mapping) or not notes
            or not all(isinstance(k, str) and k.strip() and isinstance(v, str)
                       for k, v in notes.items())):
        raise BpkitError(f"notes must map a fragment of a line to its equation, such as "
                         f"BACKPROP_EQUATIONS; got {notes!r:.60}")
    body = ast.parse(code).body[0]
    first = getattr(body, "body", [None])[0]
    doc = (range(first.lineno - 1, first.end_lineno) if isinstance(first, ast.Expr)
           and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
           else range(0))
    comments = {token.start[0] - 1: token.start[1] for token in tokenize.generate_tokens(
        io.StringIO(code).readline) if token.type == tokenize.COMMENT}
    lines = code.splitlines()
    beside = {}
    for fragment, note in notes.items():
        found = [i for i, line in enumerate(lines) if fragment in line and i not in doc]
        if not found:
            raise BpkitError(f"no line of {getattr(obj, '__qualname__', 'this code')} "
                             f"contains {fragment!r:.60}: each note needs its line")
        beside.update(dict.fromkeys(found, note))
    kept = {i: lines[i][:comments.get(i, len(lines[i]))].rstrip() for i in beside}
    width = max(map(len, kept.values()))
    shown = [f"{kept[i]:<{width}}  # {beside[i]}" if i in beside else line
             for i, line in enumerate(lines) if i not in doc]
    return SourceCode("\n".join(shown) + "\n")


def math(*lines: str) -> Math:
    """Several LaTeX lines typeset as one aligned block, aligned at each line's first = or :=."""
    if not lines or not all(isinstance(line, str) for line in lines):
        raise BpkitError(f"math takes one or more lines of LaTeX text, such as "
                         f"show.math('a = 1', 'b = 2'); got {lines!r:.60}")
    aligned = [line if "&" in line else re.sub(r" (:?=) ", r" &\1 ", line, count=1)
               for line in lines]
    return Math(r"\begin{aligned}" + r" \\ ".join(aligned) + r"\end{aligned}")


def computations(lines: Sequence[Computation], formulas: bool = True) -> Math:
    """Computations of a step typeset as one block: each formula (optional), then its numbers."""
    return Math(aligned(lines, formulas))


def _data(X: object, Y: object) -> tuple[np.ndarray, np.ndarray]:
    """A training set checked as bpkit checks one: X of shape (n, inputs), Y with n targets."""
    inputs = validate.real_array(X, "X (the inputs)")
    if inputs.ndim != 2 or inputs.shape[1] == 0:
        raise BpkitError(f"X (the inputs) must be a batch of shape (n, inputs) with one input "
                         f"or more, such as XOR_X; got shape {inputs.shape}")
    targets = validate.real_array(Y, "Y (the targets)")
    outputs = targets.shape[1] if targets.ndim == 2 else 1
    if outputs == 0:
        raise BpkitError(f"Y (the targets) must have one target or more per sample, such as "
                         f"XOR_Y; got shape {targets.shape}")
    return validate.samples(inputs, targets, inputs.shape[1], outputs)


def dataset(X: object, Y: object) -> Table:
    """The training set as a table: one row per sample, inputs X1, X2, ... and target y."""
    X, Y = _data(X, Y)
    header = [f"X{i + 1}" for i in range(X.shape[1])] + ["y" if Y.shape[1] == 1 else "Y"]
    rows = [[*map(float, x), *map(float, y)] for x, y in zip(X, Y)]
    return table(["sample", *header], [[i, *row] for i, row in enumerate(rows)])


def weights(source: Network | StepTrace) -> Table:
    """Every weight by link name; for a step trace also its gradient and new value."""
    if isinstance(source, StepTrace):
        return source.table("links")
    if not isinstance(source, Network):
        raise BpkitError(f"source must be a Network (its weights) or a StepTrace (each weight's "
                         f"gradient and update); got {type(source).__name__} {source!r:.40}")
    links = [name for layer in source.link_names for row in layer for name in row]
    return table(["link", "weight"], [[name, source.weight(name)] for name in links])


def units(trace: StepTrace) -> Table:
    """Every unit's weighted sum a, activation z and delta, for each sample of a step."""
    return checked_trace(trace).table("units")


def equations(sym: SymbolicNetwork, kind: str) -> Math:
    """One family of a network's formulas, one line per unit or link.

    ``kind``: 'weighted sum', 'activation', 'delta' (as sympy derives it), 'shortcut' or
    'gradient'.
    """
    if not isinstance(sym, SymbolicNetwork):
        raise BpkitError(f"sym must be a SymbolicNetwork, such as net.symbolic() or "
                         f"derive((2, 3, 1), ('identity', 'identity'), 'squared'); got "
                         f"{type(sym).__name__} {sym!r:.40}")
    if not isinstance(kind, str) or kind not in EQUATION_KINDS:
        raise BpkitError(f"unknown kind of equation {kind!r:.40}: expected one of "
                         f"{', '.join(map(repr, EQUATION_KINDS))}")
    lhs = {"weighted sum": sym.a, "activation": sym.z, "delta": sym.delta, "shortcut": sym.delta}
    exprs = {"weighted sum": sym.weighted_sum, "activation": sym.activation,
             "delta": sym.deltas, "shortcut": sym.shortcut, "gradient": sym.gradients}[kind]
    names = list(exprs)
    if kind in ("delta", "shortcut"):  # backwards: each delta after the ones it is built from
        names.sort(key=sym.layer_of, reverse=True)
    lines = []
    for name in names:
        if kind == "gradient":  # z(source) times delta(target), in that order everywhere
            symbol, source, target = sym.links[name]
            left = rf"\frac{{\partial J}}{{\partial {sym.latex(symbol)}}}"
            right = rf"{sym.latex(sym.z[source])} \cdot {sym.latex(sym.delta[target])}"
        else:
            left, right = sym.latex(lhs[kind][name]), sym.latex(exprs[name])
        lines.append(f"{left} = {right}")
    return math(*lines)


def activation(name: str) -> Math:
    """An activation's formula and the derivative sympy derives from it."""
    act = functions.activation(name)
    return math(f"f(a) = {sp.latex(act.formula)}", f"f'(a) = {sp.latex(act.derivative)}")


def loss(name: str) -> Math:
    """A loss J(h, y) and the factor d(objective)/dh its output delta starts from."""
    chosen = functions.loss(name)
    return math(f"J(h, y) = {sp.latex(chosen.formula)}",
                rf"\text{{output delta factor}} = {sp.latex(chosen.output_gradient)}")


__all__ = [
    "activation", "computations", "dataset", "equations", "line_by_line", "loss", "math", "source",
    "table", "units", "weights",
]
