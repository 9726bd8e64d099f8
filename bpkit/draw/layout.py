"""Where a network diagram's pieces go and what they say: positions, sizes and text, no drawing.

Pure numbers and strings (numpy and bpkit.core only), so they can be tested without a figure:
``Layout`` places the units, sizes the figure and slides each link's label along its link so
labels stay apart and off the unit boxes; ``labels`` writes every text of one trace and phase.
``diagram.py`` turns both into matplotlib artists.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpkit.core import naming, validate
from bpkit.core.article import CONVENTIONS
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.trace import Link, StepTrace, Unit, checked_phase, checked_trace


@dataclass(frozen=True)
class Style:
    """Sizes for one display size: normal (a laptop) or large (a projector)."""

    scale: float
    """Figure size relative to the normal one."""
    unit_font: float
    link_font: float
    title_font: float
    dpi: int


NORMAL = Style(scale=1.0, unit_font=11, link_font=10.5, title_font=12, dpi=90)
LARGE = Style(scale=1.3, unit_font=16, link_font=14, title_font=17, dpi=80)

INCH_PER_LAYER = 3.8
"""Width between layers for up to four units a layer; wider layers get more room."""
INCH_PER_UNIT = 1.35
"""Height between two units of a layer."""
BORDER = (2.2, 2.0)
"""Room around the outermost units, in inches across and down (before scaling)."""
LABEL_CHARS = 9
"""Narrowest link label, in characters, that labels are placed apart for."""
UNIT_CHARS = 9
"""Narrowest unit text, in characters, that link labels are kept clear of."""
MAX_CHARS = 1_000
"""Widest label, in characters, that labels are placed for."""

Point = tuple[float, float]


class Layout:
    """Where a layered network's units and link labels sit, and how big its figure is.

    Coordinates are data units: layer index across, units stacked top to bottom around 0.
    Link labels are placed per text width (widest label, widest unit line) and remembered,
    so relabelling with numbers of the same length (a slider, a step player) costs nothing.
    """

    def __init__(self, unit_names: Sequence[Sequence[str]], style: Style = NORMAL) -> None:
        self.unit_names = checked_unit_names(unit_names)
        if not isinstance(style, Style):
            raise BpkitError(f"style must be a layout Style, NORMAL or LARGE; got {style!r:.40}")
        self.style = style
        self.kinds = naming.unit_kinds(self.unit_names)
        """'bias', 'input', 'hidden' or 'output' for every unit."""
        self.positions = unit_positions(self.unit_names)
        """Each unit's centre (x, y)."""
        self.bundles = link_bundles(self.unit_names, self.kinds)
        """The links between each pair of neighbouring layers, as (source, target) pairs."""
        self.links = {naming.link_name(s, t): (s, t) for bundle in self.bundles for s, t in bundle}
        """Each link's (source, target) by the article's name, e.g. 'w(X0->Z1)'."""
        n_layers = len(self.unit_names)
        tallest = max(len(names) for names in self.unit_names)
        self._gap = INCH_PER_LAYER + 0.6 * max(0, tallest - 4)
        self.size = ((self._gap * (n_layers - 1) + BORDER[0]) * style.scale,
                     (INCH_PER_UNIT * (tallest - 1) + BORDER[1]) * style.scale)
        """The figure's (width, height) in inches."""
        half = (tallest - 1) / 2
        x_pad = BORDER[0] / 2 / self._gap
        y_pad = BORDER[1] / 2 / INCH_PER_UNIT
        self.xlim = (-x_pad, n_layers - 1 + x_pad)
        self.ylim = (-half - y_pad, half + y_pad)
        self._placements: dict[tuple[int, int], dict[str, Point]] = {}

    def inches(self, dx: float, dy: float) -> Point:
        """A data-space offset in inches on the figure."""
        width, height = self.size
        return (dx * width / (self.xlim[1] - self.xlim[0]),
                dy * height / (self.ylim[1] - self.ylim[0]))

    def highlight_key(self, name: object) -> str | None:
        """The unit or link to emphasise, by its article name; None stays None.

        Links may be given as 'X0->Z1' or 'w(X0->Z1)'; anything not in the diagram is refused.
        """
        if name is None:
            return None
        if isinstance(name, str) and name in self.positions:
            return name
        try:
            key = naming.link_key(name)
        except BpkitError:
            key = None
        if key in self.links:
            return key
        raise BpkitError(f"nothing named {name!r} to highlight: give a unit like 'Z1' or "
                         f"a link like 'w(X0->Z1)'")

    def highlight_keys(self, names: object) -> tuple[str, ...]:
        """The units and links to emphasise, by article name, from None, one name or a list.

        Each name is checked as ``highlight_key`` does; repeats count once, in the order given.
        """
        if names is None or isinstance(names, str):
            key = self.highlight_key(names)
            return () if key is None else (key,)
        if not _list_of(names, lambda name: isinstance(name, str)) or not names:
            raise BpkitError(f"highlight must be a unit like 'Z1', a link like 'w(X0->Z1)', "
                             f"or a non-empty list of them; got {names!r:.60}")
        return tuple(dict.fromkeys(self.highlight_key(name) for name in names))

    def label_positions(self, label_chars: int = LABEL_CHARS,
                        unit_chars: int = UNIT_CHARS) -> dict[str, Point]:
        """Where each link's label sits, for labels and unit texts at most this many characters.

        Widths below LABEL_CHARS and UNIT_CHARS count as those, so short numbers share one
        placement. Placements are computed once per width and remembered.
        """
        key = (max(_chars(label_chars, "label_chars"), LABEL_CHARS),
               max(_chars(unit_chars, "unit_chars"), UNIT_CHARS))
        if key not in self._placements:
            places: dict[str, Point] = {}
            for bundle in self.bundles:
                for (source, target), t in zip(bundle, self._label_places(bundle, *key)):
                    (x0, y0), (x1, y1) = self.positions[source], self.positions[target]
                    places[naming.link_name(source, target)] = (x0 + t * (x1 - x0),
                                                                y0 + t * (y1 - y0))
            self._placements[key] = places
        return dict(self._placements[key])

    def _label_places(self, bundle: list[tuple[str, str]], label_chars: int,
                      unit_chars: int) -> list[float]:
        """Where along each link (0 = source, 1 = target) its label sits, chosen so labels apart.

        Labels are level boxes ``label_chars`` characters wide, kept off unit boxes
        ``unit_chars`` wide. Each sweep moves every label to the spot on its own link that is
        farthest from the other labels (in label sizes) and, second, from the other links'
        lines (a label on a crossing is ambiguous). A few seeded starts; the best one wins.
        """
        half_w = label_chars * 0.62 * self.style.link_font / 72 / 2
        half_h = 1.5 * self.style.link_font / 72 / 2
        unit_half_w = (unit_chars * 0.7 / 2 + 0.45) * self.style.unit_font / 72
        ends = [(self.positions[s], self.positions[t]) for s, t in bundle]
        sx, sy = np.array([self.inches(*p0) for p0, _ in ends]).T
        dx, dy = np.array([self.inches(p1[0] - p0[0], p1[1] - p0[1]) for p0, p1 in ends]).T
        margin = np.minimum(0.45, (unit_half_w + half_w) / np.abs(dx))
        steps = np.linspace(0.0, 1.0, 31)
        ranges = margin[:, None] + steps[None, :] * (1 - 2 * margin)[:, None]
        length = np.hypot(dx, dy)
        # how far a label box reaches across each link's direction
        reach = (half_w * np.abs(dy) + half_h * np.abs(dx)) / length
        sources = np.array([s for s, _ in bundle])
        targets = np.array([t for _, t in bundle])
        crossing = (sources[:, None] != sources[None, :]) & (targets[:, None] != targets[None, :])

        def clearances(i: int, t: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, ...]:
            """For label i at each t: nearest other label and nearest crossing line."""
            x, y = sx[i] + t * dx[i], sy[i] + t * dy[i]
            ox, oy = sx + places * dx, sy + places * dy
            labels = np.maximum(np.abs(x[:, None] - ox) / (2 * half_w),
                                np.abs(y[:, None] - oy) / (2 * half_h))
            labels[:, i] = np.inf
            along = ((x[:, None] - sx) * dx + (y[:, None] - sy) * dy) / length**2
            along = np.clip(along, 0.0, 1.0)
            lines = np.hypot(x[:, None] - sx - along * dx, y[:, None] - sy - along * dy) / reach
            lines[:, ~crossing[i]] = np.inf
            return labels.min(axis=1), lines.min(axis=1)

        rng = np.random.default_rng(0)
        starts = [np.full(len(bundle), 0.5)] + [
            rng.uniform(margin, 1 - margin) for _ in range(5)]
        best, best_score = starts[0], -np.inf
        for places in starts:
            for _sweep in range(6):
                for i in range(len(bundle)):
                    labels, lines = clearances(i, ranges[i], places)
                    score = (np.minimum(labels, 1.25) + 0.5 * np.minimum(lines, 1.0)
                             - 0.05 * np.abs(ranges[i] - 0.5))
                    places[i] = ranges[i][np.argmax(score)]
            found = [clearances(i, places[i:i + 1], places) for i in range(len(bundle))]
            total = (min(1.25, *(labels[0] for labels, _ in found))
                     + 0.5 * min(1.0, *(lines[0] for _, lines in found)))
            if total > best_score:
                best, best_score = places, total
        return [float(t) for t in best]


def checked_unit_names(unit_names: object) -> list[list[str]]:
    """``unit_names`` as lists if they name a network's units as bpkit does, else raise."""
    example = "[['X0', 'X1', 'X2'], ['Z0', 'Z1', 'Z2', 'Z3'], ['D0']]"
    expected = f"a network's unit names (net.unit_names or trace.unit_names), such as {example}"
    if not _list_of(unit_names, lambda layer: _list_of(layer, lambda name: isinstance(name, str))):
        raise BpkitError(f"unit_names must be {expected}; got {unit_names!r:.60}")
    names = [list(layer) for layer in unit_names]
    if len(names) < 2 or any(len(layer) == 0 for layer in names):
        raise BpkitError(f"a diagram needs at least two layers of unit names, e.g. {example}")
    sizes = naming.sizes_from_names(names)
    if min(sizes) < 1 or naming.unit_names(validate.layer_sizes(sizes)) != names:
        raise BpkitError(f"unit_names must be {expected}; got {names!r:.60}")
    return names


def _list_of(value: object, item_ok: Callable[[object], bool]) -> bool:
    """True if ``value`` is a list or tuple (not text) whose every item passes ``item_ok``."""
    return (isinstance(value, Sequence) and not isinstance(value, (str, bytes))
            and all(item_ok(item) for item in value))


def _chars(value: object, what: str) -> int:
    """A text width in characters, from 0 to MAX_CHARS."""
    return validate.whole_number(value, what, 0, MAX_CHARS, "characters in a label")


def unit_positions(unit_names: Sequence[Sequence[str]]) -> dict[str, Point]:
    """Each unit's (x, y): layer index across, units stacked top to bottom, centred on 0."""
    positions = {}
    for layer, names in enumerate(unit_names):
        top = (len(names) - 1) / 2
        for k, name in enumerate(names):
            positions[name] = (float(layer), top - k)
    return positions


def link_bundles(unit_names: Sequence[Sequence[str]],
                 kinds: dict[str, str]) -> list[list[tuple[str, str]]]:
    """Per pair of neighbouring layers, every link as (source, target): target by target.

    Bias units receive no links.
    """
    return [[(source, target) for target in receivers if kinds[target] != "bias"
             for source in senders]
            for senders, receivers in itertools.pairwise(unit_names)]


# ----- what the diagram says ---------------------------------------------------------------------
@dataclass(frozen=True)
class Labels:
    """Every text of a diagram for one trace, phase and sample, and how each link looks."""

    units: dict[str, str]
    """Each unit's name and numbers, one per line."""
    links: dict[str, str]
    """Each link's weight, or 'old → new' in the update phase."""
    looks: dict[str, str]
    """Each link's look: 'normal', 'changed' or 'muted' (unchanged in the update phase)."""
    title: str
    footer: str

    @property
    def link_chars(self) -> int:
        """The widest link label, in characters."""
        return max(map(len, self.links.values()))

    @property
    def unit_chars(self) -> int:
        """The widest line of any unit's text, in characters."""
        return max(len(line) for text in self.units.values() for line in text.split("\n"))


def labels(trace: StepTrace, phase: str = "forward", sample: int = 0) -> Labels:
    """What the diagram says for one phase of ``trace`` and one of its samples."""
    checked_phase(checked_trace(trace), phase)
    validate.index(sample, trace.n_samples, "sample",
                   f"the trace has {trace.n_samples} sample(s)")
    links = trace.links.values()
    return Labels(
        units={name: unit_text(unit, phase, sample) for name, unit in trace.units.items()},
        links={link.name: link_text(link, phase) for link in links},
        looks={link.name: link_look(link, phase) for link in links},
        title=title(trace, phase, sample),
        footer=footer(phase),
    )


def unit_text(unit: Unit, phase: str, sample: int) -> str:
    """A unit's name and the numbers the phase is about, one per line.

    An input or bias unit holds a value, not a sum: it reads as the article writes it, X1 = 0,
    Z0 = 1 (its activation z is that value).
    """
    if unit.kind in ("input", "bias"):
        value = f"{unit.name} = {number(unit.z[sample])}"
        return f"{value}\nno δ" if phase == "deltas" else value
    lines = [unit.name]
    if phase == "forward":
        if unit.a is not None:
            lines.append(f"a = {number(unit.a[sample])}")
        lines.append(f"z = {number(unit.z[sample])}")
    elif phase == "deltas":
        lines.append("no δ" if unit.delta is None else f"δ = {number(unit.delta[sample])}")
    else:
        lines.append(f"z = {number(unit.z[sample])}")
        if unit.delta is not None:
            lines.append(f"δ = {number(unit.delta[sample])}")
    return "\n".join(lines)


def link_text(link: Link, phase: str) -> str:
    """A link's label: its weight, or 'old → new' in the update phase."""
    if phase == "update":
        return f"{number(link.old)} → {number(link.new)}"
    return number(link.old)


def link_look(link: Link, phase: str) -> str:
    """'changed' or 'muted' for a link that the update moved or not; 'normal' before it."""
    if phase == "update":
        return "changed" if link.new != link.old else "muted"
    return "normal"


def delta_meaning(loss_name: str) -> str:
    """What a delta is under a loss: −dJ/da under the article's sign, dJ/da otherwise."""
    return "δ = −dJ/da" if loss_name == "article" else "δ = dJ/da"


def title(trace: StepTrace, phase: str, sample: int) -> str:
    """One line saying which sample, which phase and the headline number."""
    x = ", ".join(number(v) for v in trace.inputs[sample])
    y = ", ".join(number(v) for v in trace.targets[sample])
    where = f"sample ({x}) → y = {y}" if trace.n_samples == 1 else (
        f"sample {sample + 1} of {trace.n_samples}: ({x}) → y = {y}")
    outputs = ", ".join(number(v) for v in trace.outputs[sample])
    convention = CONVENTIONS.get(trace.loss_name, f"{trace.loss_name} loss")
    if phase == "forward":
        return f"Forward pass · {where} · output h = {outputs}"
    if phase == "deltas":
        return f"Deltas {delta_meaning(trace.loss_name)} · {where} · {convention}"
    return (f"Update w := w − α·gradient · α = {number(trace.lr)} · {convention} · "
            f"loss {number(trace.loss)} → {number(trace.loss_after)}")


def footer(phase: str) -> str:
    """The legend: what the shapes and colours mean in this phase."""
    legend = "grey squares: bias units (z = 1)"
    if phase == "forward":
        return f"{legend} · links: weight w · units: a = weighted sum, z = activation"
    if phase == "deltas":
        return f"{legend} · links: weight w · input and bias units have no δ"
    return f"{legend} · links: old → new weight · orange: changed · grey: unchanged"
