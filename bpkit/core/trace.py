"""A record of one gradient-descent step: every number it computed, by the article's names.

A diagram, a table or a slider readout is drawn from a trace without recomputing anything.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Unit:
    """One unit's numbers in a step, one entry per sample of the batch."""

    name: str
    layer: int
    kind: str
    """'input', 'bias', 'hidden' or 'output'."""
    a: np.ndarray | None
    """Weighted sum per sample; None for input and bias units, which have none."""
    z: np.ndarray
    """Activation per sample (the input value for input units, 1 for bias units)."""
    delta: np.ndarray | None
    """dJ/da per sample; None for input and bias units, which have no delta."""


@dataclass(frozen=True)
class Link:
    """One weight's numbers in a step: the link it sits on, its gradient and its update."""

    name: str
    source: str
    target: str
    layer: int
    """Index into ``weights``: the layer the link feeds, minus one."""
    row: int
    col: int
    source_z: np.ndarray
    """Activation at the source, per sample."""
    target_delta: np.ndarray
    """Delta at the target, per sample."""
    gradient: float
    """Mean over the batch of source_z * target_delta."""
    old: float
    new: float


@dataclass(frozen=True)
class StepTrace:
    """Everything one step computed: forward values, deltas, gradients, old and new weights."""

    unit_names: list[list[str]]
    activations: tuple[str, ...]
    loss_name: str
    lr: float
    inputs: np.ndarray
    targets: np.ndarray
    a: list[np.ndarray]
    """Weighted sums per non-input layer, shape (n, units without bias)."""
    z: list[np.ndarray]
    """Activations per layer, shape (n, units); bias columns (value 1) included."""
    deltas: list[np.ndarray]
    """Deltas per non-input layer, shape (n, units without bias)."""
    gradients: list[np.ndarray]
    old_weights: list[np.ndarray]
    new_weights: list[np.ndarray]
    loss: float
    loss_after: float
    outputs_after: np.ndarray

    @property
    def outputs(self) -> np.ndarray:
        """The network's outputs h before the step, shape (n, n_out)."""
        return self.z[-1]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer without bias units, e.g. (2, 3, 1) for the article's network."""
        last = len(self.unit_names) - 1
        return tuple(len(n) - (0 if i == last else 1) for i, n in enumerate(self.unit_names))

    @property
    def n_samples(self) -> int:
        """How many samples the step averaged over."""
        return self.inputs.shape[0]

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Every unit by name (X0, X1, ..., Z0, ..., D0), in layer order."""
        units: dict[str, Unit] = {}
        last = len(self.unit_names) - 1
        for layer, names in enumerate(self.unit_names):
            offset = 0 if layer == last else 1
            for index, name in enumerate(names):
                z = self.z[layer][:, index]
                if layer > 0 and index >= offset:
                    kind = "output" if layer == last else "hidden"
                    a = self.a[layer - 1][:, index - offset]
                    delta = self.deltas[layer - 1][:, index - offset]
                    units[name] = Unit(name, layer, kind, a, z, delta)
                else:
                    units[name] = Unit(name, layer, "input" if index else "bias", None, z, None)
        return units

    @cached_property
    def links(self) -> dict[str, Link]:
        """Every link by name, e.g. ``w(X0->Z1)``, in weight-array order."""
        units = self.units
        links: dict[str, Link] = {}
        for layer, grad in enumerate(self.gradients):
            sources = self.unit_names[layer]
            targets = [u for u in self.unit_names[layer + 1] if units[u].kind != "bias"]
            for row, target in enumerate(targets):
                for col, source in enumerate(sources):
                    name = f"w({source}->{target})"
                    links[name] = Link(
                        name, source, target, layer, row, col,
                        units[source].z, units[target].delta, float(grad[row, col]),
                        float(self.old_weights[layer][row, col]),
                        float(self.new_weights[layer][row, col]),
                    )
        return links

    def unit_table(self) -> tuple[list[str], list[list[object]]]:
        """Header and rows: one row per sample and unit, with a, z and delta (blank if none)."""
        header = ["sample", "unit", "a", "z", "delta"]
        rows = []
        for sample in range(self.n_samples):
            for unit in self.units.values():
                rows.append([
                    sample, unit.name,
                    None if unit.a is None else float(unit.a[sample]),
                    float(unit.z[sample]),
                    None if unit.delta is None else float(unit.delta[sample]),
                ])
        return header, rows

    def link_table(self) -> tuple[list[str], list[list[object]]]:
        """Header and rows: one row per link, with its gradient, old and new weight."""
        header = ["link", "gradient", "old weight", "new weight"]
        rows = [[ln.name, ln.gradient, ln.old, ln.new] for ln in self.links.values()]
        return header, rows

    def _table(self, table: str) -> tuple[list[str], list[list[object]]]:
        if table == "units":
            return self.unit_table()
        if table == "links":
            return self.link_table()
        raise ValueError(f"unknown table {table!r}: expected 'units' or 'links'")

    def to_csv(self, table: str = "links") -> str:
        """The 'units' or 'links' table as CSV text (full precision, blank where no value)."""
        header, rows = self._table(table)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v
                             for v in row])
        return out.getvalue()

    def to_latex(self, table: str = "links", digits: int = 4) -> str:
        """The 'units' or 'links' table as a LaTeX tabular for handouts (booktabs rules)."""
        header, rows = self._table(table)
        text_columns = 2 if table == "units" else 1
        align = "l" * text_columns + "r" * (len(header) - text_columns)
        lines = [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
                 " & ".join(_latex_text(h) for h in header) + r" \\", r"\midrule"]
        for row in rows:
            cells = [_latex_cell(v, digits) for v in row]
            lines.append(" & ".join(cells) + r" \\")
        lines += [r"\bottomrule", r"\end{tabular}"]
        return "\n".join(lines) + "\n"


def _latex_text(text: str) -> str:
    r"""A header or name as LaTeX: unit names get subscripts, arrows become \\to."""
    return text.replace("->", r"$\to$").replace("delta", r"$\delta$")


def _latex_cell(value: object, digits: int) -> str:
    """One table cell as LaTeX: numbers rounded to ``digits`` significant figures."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"${value:.{digits}g}$"
    return _latex_text(str(value))
