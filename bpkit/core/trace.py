"""A record of one gradient-descent step: every number it computed, by the article's names.

A diagram, a table or a slider readout is drawn from a trace without recomputing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bpkit.core import naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.table import Table

TABLE_KINDS = ("links", "units")
"""The tables a trace makes (``StepTrace.table``)."""


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
    forward_only: bool = False
    """True for a forward pass alone (``forward_trace``): its step fields are NaN, unset."""

    @property
    def outputs(self) -> np.ndarray:
        """The network's outputs h before the step, shape (n, n_out)."""
        return self.z[-1]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer without bias units, e.g. (2, 3, 1) for the article's network."""
        return naming.sizes_from_names(self.unit_names)

    @property
    def n_samples(self) -> int:
        """How many samples the step averaged over."""
        return self.inputs.shape[0]

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Every unit by name (X0, X1, ..., Z0, ..., D0), in layer order."""
        units: dict[str, Unit] = {}
        kinds = naming.unit_kinds(self.unit_names)
        for layer, names in enumerate(self.unit_names):
            receivers = naming.target_names(self.sizes, layer) if layer else []
            for index, name in enumerate(names):
                z = self.z[layer][:, index]
                if name in receivers:
                    column = receivers.index(name)
                    a, delta = self.a[layer - 1][:, column], self.deltas[layer - 1][:, column]
                    units[name] = Unit(name, layer, kinds[name], a, z, delta)
                else:
                    units[name] = Unit(name, layer, kinds[name], None, z, None)
        return units

    @cached_property
    def links(self) -> dict[str, Link]:
        """Every link by name, e.g. ``w(X0->Z1)``, in weight-array order."""
        units = self.units
        links: dict[str, Link] = {}
        for layer, grad in enumerate(self.gradients):
            sources = self.unit_names[layer]
            for row, target in enumerate(naming.target_names(self.sizes, layer + 1)):
                for col, source in enumerate(sources):
                    name = naming.link_name(source, target)
                    links[name] = Link(
                        name, source, target, layer, row, col,
                        units[source].z, units[target].delta, float(grad[row, col]),
                        float(self.old_weights[layer][row, col]),
                        float(self.new_weights[layer][row, col]),
                    )
        return links

    def table(self, kind: str = "links") -> Table:
        """The step's numbers as a table: 'links' or 'units'.

        'links': gradient, old and new weight per link. 'units': a, z and delta per sample and
        unit, blank where a unit has none.
        """
        if not isinstance(kind, str) or kind not in TABLE_KINDS:
            raise BpkitError(f"unknown table {kind!r:.40}: expected 'units' or 'links'")
        if kind == "links":
            return Table.of(["link", "gradient", "old weight", "new weight"],
                            [[ln.name, ln.gradient, ln.old, ln.new] for ln in self.links.values()])
        return Table.of(["sample", "unit", "a", "z", "delta"], [
            [sample, u.name, None if u.a is None else float(u.a[sample]),
             float(u.z[sample]), None if u.delta is None else float(u.delta[sample])]
            for sample in range(self.n_samples) for u in self.units.values()])


def checked_trace(trace: object) -> StepTrace:
    """Return ``trace`` if it is a StepTrace, else raise naming where one comes from."""
    return validate.instance(trace, StepTrace, "trace", "a StepTrace, the result of "
                             "net.step(...) or net.preview_step(...)")


def checked_phase(trace: StepTrace, phase: object) -> str:
    """``phase`` if ``trace`` has it: a forward pass alone (``forward_trace``) has no deltas."""
    phase = validate.phase(phase)
    if phase != "forward" and trace.forward_only:
        raise BpkitError(f"this trace is a forward pass alone (forward_trace): it has no "
                         f"{phase} phase; take a whole step with net.preview_step(X, Y, lr)")
    return phase
