"""Rendering for notebook cells: tables and typeset formulas, every number through bpkit.fmt."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import sympy as sp
from IPython.display import HTML, Math

from bpkit.core.fmt import number
from bpkit.core.functions import ACTIVATIONS, LOSSES
from bpkit.core.network import Network
from bpkit.core.steps import Computation, aligned
from bpkit.core.symbolic import SymbolicNetwork
from bpkit.core.trace import StepTrace


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return number(float(value))
    return html.escape(str(value))


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> HTML:
    """An HTML table; floats are written by ``bpkit.fmt.number``, None as an empty cell."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def math(*lines: str) -> Math:
    """Several LaTeX lines typeset as one aligned block, aligned at each line's first = or :=."""
    aligned = [line if "&" in line else re.sub(r" (:?=) ", r" &\1 ", line, count=1)
               for line in lines]
    return Math(r"\begin{aligned}" + r" \\ ".join(aligned) + r"\end{aligned}")


def computations(steps: Sequence[Computation], formulas: bool = True) -> Math:
    """Computations of a step typeset as one block: each formula (optional), then its numbers."""
    return Math(aligned(list(steps), formulas))


def dataset(X: np.ndarray, Y: np.ndarray) -> HTML:
    """The training set as a table: one row per sample, inputs X1, X2, ... and target y."""
    header = [f"X{i + 1}" for i in range(X.shape[1])] + ["y" if Y.shape[1] == 1 else "Y"]
    rows = [[*map(float, x), *map(float, y)] for x, y in zip(X, Y)]
    return table(["sample", *header], [[i, *row] for i, row in enumerate(rows)])


def weights(source: Network | StepTrace) -> HTML:
    """Every weight by link name; for a step trace also its gradient and new value."""
    if isinstance(source, StepTrace):
        rows = [[ln.name, ln.old, ln.gradient, ln.new] for ln in source.links.values()]
        return table(["link", "old weight", "gradient", "new weight"], rows)
    rows = [[name, float(w[j, i])]
            for names, w in zip(source.link_names, source.weights)
            for j, row in enumerate(names) for i, name in enumerate(row)]
    return table(["link", "weight"], rows)


def units(trace: StepTrace, sample: int = 0) -> HTML:
    """Every unit's weighted sum a, activation z and delta for one sample of a step."""
    rows = [[u.name, u.kind, None if u.a is None else float(u.a[sample]), float(u.z[sample]),
             None if u.delta is None else float(u.delta[sample])]
            for u in trace.units.values()]
    return table(["unit", "kind", "a", "z", "delta"], rows)


def equations(sym: SymbolicNetwork, kind: str) -> Math:
    """One family of a network's formulas, one line per unit or link.

    ``kind``: 'weighted sum', 'activation', 'delta' (as sympy derives it), 'shortcut' or
    'gradient'.
    """
    lhs = {"weighted sum": sym.a, "activation": sym.z, "delta": sym.delta, "shortcut": sym.delta}
    exprs = {"weighted sum": sym.weighted_sum, "activation": sym.activation,
             "delta": sym.deltas, "shortcut": sym.shortcut, "gradient": sym.gradients}[kind]
    lines = []
    for name, expr in exprs.items():
        if kind == "gradient":
            left = rf"\frac{{\partial J}}{{\partial {sym.latex(sym.links[name][0])}}}"
        else:
            left = sym.latex(lhs[kind][name])
        lines.append(f"{left} = {sym.latex(expr)}")
    return math(*lines)


def activation(name: str) -> Math:
    """An activation's formula and the derivative sympy derives from it."""
    act = ACTIVATIONS[name]
    return math(f"f(a) = {sp.latex(act.formula)}", f"f'(a) = {sp.latex(act.derivative)}")


def loss(name: str) -> Math:
    """A loss J(h, y) and the factor d(objective)/dh its output delta starts from."""
    chosen = LOSSES[name]
    return math(f"J(h, y) = {sp.latex(chosen.formula)}",
                rf"\text{{output delta factor}} = {sp.latex(chosen.output_gradient)}")


__all__ = [
    "activation", "computations", "dataset", "equations", "loss", "math", "table", "units",
    "weights",
]
