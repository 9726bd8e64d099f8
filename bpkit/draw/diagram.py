"""The network drawn once, then relabelled in place: weights, a and z, deltas, or old -> new.

Layers run left to right, bias units are grey squares, every link is drawn. ``label`` only
changes the text and colours of artists that already exist, so a slider or a step player can
redraw many times without building a new figure; ``to_png`` then draws again only the labels
that changed, over a cached picture of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from bpkit.core.article import CONVENTIONS
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.naming import PHASES
from bpkit.core.trace import StepTrace, Unit
from bpkit.draw import lecture
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.frames import Frames, png_bytes


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
LABEL_CHARS = 9
"""Narrowest link label, in characters, that labels are placed apart for."""
UNIT_CHARS = 9
"""Narrowest unit text, in characters, that link labels are kept clear of."""

LINK = {"color": "#4d4d4d", "linewidth": 1.2, "alpha": 1.0}
CHANGED = {"color": "#e66101", "linewidth": 2.6, "alpha": 1.0}
UNCHANGED = {"color": "#b3b3b3", "linewidth": 0.8, "alpha": 0.8}
HIGHLIGHT = {"color": "#c51b7d", "linewidth": 4.5, "alpha": 1.0}
LABEL_TEXT = {"normal": "#1a1a1a", "muted": "#8c8c8c", "changed": "#a33a00",
              "highlight": "#c51b7d"}
LABEL_BOX = "white"
HIGHLIGHT_BOX = "#fff3a8"
UNIT_FILL = {"bias": "#d9d9d9", "input": "#dceefb", "hidden": "#dceefb", "output": "#fde0c5"}
UNIT_EDGE = "#333333"


DiagramFigure = NotebookFigure
"""The figure class draw() returns (kept as a name for callers)."""


def _link_key(name: str) -> str:
    """Accept a link as 'w(X0->Z1)' or 'X0->Z1' and return the article's 'w(X0->Z1)'."""
    return name if name.startswith("w(") else f"w({name})"


class NetworkDiagram:
    """A drawing of a layered network whose labels ``show`` rewrites for each trace and view."""

    def __init__(self, unit_names: Sequence[Sequence[str]], large: bool = False) -> None:
        if len(unit_names) < 2 or any(len(layer) == 0 for layer in unit_names):
            raise BpkitError("a diagram needs at least two layers of unit names, e.g. "
                             "[['X0', 'X1', 'X2'], ['Z0', 'Z1', 'Z2', 'Z3'], ['D0']]")
        self.unit_names = [list(layer) for layer in unit_names]
        self.large = large
        self.style = LARGE if large else NORMAL
        self.positions = self._layout()
        self.kinds = self._kinds()
        self.figure, self.axes = self._blank_figure()
        self.links: dict[str, Line2D] = {}
        """Each link's line, by the article's name, e.g. 'w(X0->Z1)'."""
        self.link_labels: dict[str, Text] = {}
        """Each link's label (its weight, or old -> new)."""
        self.unit_labels: dict[str, Text] = {}
        """Each unit's box and text (its name and its numbers)."""
        self._bundles: list[list[tuple[str, str]]] = []
        self._placements: dict[tuple[int, int], dict[str, float]] = {}
        self._placed_for: tuple[int, int] | None = None
        self._draw_links()
        self._draw_units()
        self.title = self.axes.text(0.01, 0.985, "", transform=self.axes.transAxes,
                                    ha="left", va="top", fontsize=self.style.title_font,
                                    fontweight="bold")
        self.footer = self.axes.text(0.01, 0.012, "", transform=self.axes.transAxes,
                                     ha="left", va="bottom", color="#555555",
                                     fontsize=self.style.link_font)
        self.view: str | None = None
        self.highlighted: str | None = None
        self._place_labels(LABEL_CHARS, UNIT_CHARS)
        self._frames = Frames(self.figure, self.axes, [
            *(artist for name in self.links for artist in (self.links[name],
                                                           self.link_labels[name])),
            *self.unit_labels.values(), self.title, self.footer,
        ])

    # ----- drawing once ------------------------------------------------------------------
    def _layout(self) -> dict[str, tuple[float, float]]:
        """Each unit's (x, y): layer index across, units stacked top to bottom, centred."""
        positions = {}
        for layer, names in enumerate(self.unit_names):
            top = (len(names) - 1) / 2
            for k, name in enumerate(names):
                positions[name] = (float(layer), top - k)
        return positions

    def _kinds(self) -> dict[str, str]:
        """'bias', 'input', 'hidden' or 'output' for every unit (bias units come first)."""
        last = len(self.unit_names) - 1
        kinds = {}
        for layer, names in enumerate(self.unit_names):
            for k, name in enumerate(names):
                if layer < last and k == 0:
                    kinds[name] = "bias"
                else:
                    kinds[name] = "input" if layer == 0 else "output" if layer == last else "hidden"
        return kinds

    def _blank_figure(self) -> tuple[Figure, Axes]:
        """A Figure outside pyplot (nothing to close, nothing shown twice) with fixed limits."""
        n_layers = len(self.unit_names)
        tallest = max(len(names) for names in self.unit_names)
        gap = INCH_PER_LAYER + 0.6 * max(0, tallest - 4)
        width = (gap * (n_layers - 1) + 2.2) * self.style.scale
        height = (INCH_PER_UNIT * (tallest - 1) + 2.0) * self.style.scale
        figure = DiagramFigure(figsize=(width, height), dpi=self.style.dpi)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        half = (tallest - 1) / 2
        x_pad = 2.2 / 2 / gap
        y_pad = 2.0 / 2 / INCH_PER_UNIT
        axes.set_xlim(-x_pad, n_layers - 1 + x_pad)
        axes.set_ylim(-half - y_pad, half + y_pad)
        return figure, axes

    def _inches(self, dx: float, dy: float) -> tuple[float, float]:
        """A data-space offset in inches on the figure."""
        width, height = self.figure.get_size_inches()
        x0, x1 = self.axes.get_xlim()
        y0, y1 = self.axes.get_ylim()
        return dx * width / (x1 - x0), dy * height / (y1 - y0)

    def _draw_links(self) -> None:
        """A line per link and its label; ``_place_labels`` puts the labels along the lines."""
        for layer in range(len(self.unit_names) - 1):
            bundle = []
            for target in self.unit_names[layer + 1]:
                if self.kinds[target] == "bias":
                    continue
                for source in self.unit_names[layer]:
                    bundle.append((source, target))
                    name = f"w({source}->{target})"
                    (x0, y0), (x1, y1) = self.positions[source], self.positions[target]
                    (line,) = self.axes.plot([x0, x1], [y0, y1], zorder=1,
                                             solid_capstyle="round", **LINK)
                    self.links[name] = line
                    self.link_labels[name] = self.axes.text(
                        (x0 + x1) / 2, (y0 + y1) / 2, "", ha="center", va="center", zorder=2,
                        fontsize=self.style.link_font, color=LABEL_TEXT["normal"],
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": LABEL_BOX,
                              "edgecolor": "none", "alpha": 0.9},
                    )
            self._bundles.append(bundle)

    def _place_labels(self, label_chars: int, unit_chars: int) -> None:
        """Move every link label along its link so labels stay apart and off the unit boxes.

        Placements are remembered per text width, so relabelling with numbers of the same
        length (the usual case: a slider, a step player) moves nothing and costs nothing.
        """
        key = (max(label_chars, LABEL_CHARS), max(unit_chars, UNIT_CHARS))
        if key == self._placed_for:
            return
        if key not in self._placements:
            self._placements[key] = {}
            for bundle in self._bundles:
                places = self._label_places(bundle, *key)
                self._placements[key].update(
                    (f"w({s}->{t})", place) for (s, t), place in zip(bundle, places))
        for name, t in self._placements[key].items():
            source, target = name[2:-1].split("->")
            (x0, y0), (x1, y1) = self.positions[source], self.positions[target]
            self.link_labels[name].set_position((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
        self._placed_for = key

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
        sx, sy = np.array([self._inches(*p0) for p0, _ in ends]).T
        dx, dy = np.array([self._inches(p1[0] - p0[0], p1[1] - p0[1]) for p0, p1 in ends]).T
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

    def _draw_units(self) -> None:
        """A box per unit: grey squares for bias units, rounded boxes for the others."""
        for name, (x, y) in self.positions.items():
            kind = self.kinds[name]
            box = "square,pad=0.45" if kind == "bias" else "round,pad=0.45"
            self.unit_labels[name] = self.axes.text(
                x, y, name, ha="center", va="center", multialignment="center", zorder=3,
                fontsize=self.style.unit_font, color="#111111",
                bbox={"boxstyle": box, "facecolor": UNIT_FILL[kind], "edgecolor": UNIT_EDGE,
                      "linewidth": 1.2, "linestyle": "--" if kind == "bias" else "-"},
            )

    # ----- relabelling in place ------------------------------------------------------------
    def label(self, trace: StepTrace, view: str = "forward", sample: int = 0,
             highlight: str | None = None) -> None:
        """Label every unit and link with ``trace``'s numbers for one view, in place."""
        if view not in PHASES:
            raise BpkitError(f"unknown phase {view!r}: expected one of {', '.join(PHASES)}")
        if [list(n) for n in trace.unit_names] != self.unit_names:
            raise BpkitError(f"this trace is for a network of sizes {list(trace.sizes)}, but "
                             f"the diagram was drawn for {self._sizes()}")
        if (isinstance(sample, bool) or not isinstance(sample, (int, np.integer))
                or not 0 <= sample < trace.n_samples):
            raise BpkitError(f"sample must be a whole number from 0 to {trace.n_samples - 1} "
                             f"(the trace has {trace.n_samples} sample(s)); got {sample!r}")
        target = self._highlight_key(highlight)
        units = trace.units
        unit_texts = {name: self._unit_text(units[name], view, sample) for name in units}
        link_texts, looks = {}, {}
        for name, link in trace.links.items():
            if view == "update":
                link_texts[name] = f"{number(link.old)} → {number(link.new)}"
                looks[name] = "changed" if link.new != link.old else "muted"
            else:
                link_texts[name] = number(link.old)
                looks[name] = "normal"
        self._place_labels(max(map(len, link_texts.values())),
                           max(len(line) for text in unit_texts.values()
                               for line in text.split("\n")))
        for name, text in self.unit_labels.items():
            text.set_text(unit_texts[name])
            self._style_unit(text, name, name == target)
        for name, label in self.link_labels.items():
            label.set_text(link_texts[name])
            self._style_link(name, "highlight" if name == target else looks[name])
        self.title.set_text(self._title(trace, view, sample))
        self.footer.set_text(self._footer(view))
        self.view = view
        self.highlighted = target

    def _sizes(self) -> list[int]:
        last = len(self.unit_names) - 1
        return [len(n) - (0 if i == last else 1) for i, n in enumerate(self.unit_names)]

    def _highlight_key(self, highlight: str | None) -> str | None:
        """The unit or link to emphasise, by its article name; unknown names are refused."""
        if highlight is None:
            return None
        if highlight in self.unit_labels:
            return highlight
        key = _link_key(highlight)
        if key in self.links:
            return key
        raise BpkitError(f"nothing named {highlight!r} to highlight: give a unit like 'Z1' or "
                         f"a link like 'w(X0->Z1)'")

    def _unit_text(self, unit: Unit, view: str, sample: int) -> str:
        """A unit's name and the numbers the view is about."""
        lines = [unit.name]
        no_delta = unit.delta is None
        if view == "forward":
            if not no_delta:
                lines.append(f"a = {number(unit.a[sample])}")
            lines.append(f"z = {number(unit.z[sample])}")
        elif view == "deltas":
            lines.append("no δ" if no_delta else f"δ = {number(unit.delta[sample])}")
        else:
            lines.append(f"z = {number(unit.z[sample])}")
            if not no_delta:
                lines.append(f"δ = {number(unit.delta[sample])}")
        return "\n".join(lines)

    def _style_unit(self, text: Text, name: str, emphasised: bool) -> None:
        patch = text.get_bbox_patch()
        if emphasised:
            patch.set_edgecolor(HIGHLIGHT["color"])
            patch.set_linewidth(3.5)
            patch.set_facecolor(HIGHLIGHT_BOX)
            text.set_fontweight("bold")
        else:
            patch.set_edgecolor(UNIT_EDGE)
            patch.set_linewidth(1.2)
            patch.set_facecolor(UNIT_FILL[self.kinds[name]])
            text.set_fontweight("normal")

    def _style_link(self, name: str, look: str) -> None:
        """Colour and width for a link and its label: normal, changed, muted or highlight."""
        line = self.links[name]
        label = self.link_labels[name]
        settings = {"normal": LINK, "changed": CHANGED, "muted": UNCHANGED,
                    "highlight": HIGHLIGHT}[look]
        line.set(**settings)
        line.set_zorder(1.5 if look in ("highlight", "changed") else 1)
        label.set_color(LABEL_TEXT[look])
        label.set_fontweight("bold" if look in ("highlight", "changed") else "normal")
        label.get_bbox_patch().set_facecolor(HIGHLIGHT_BOX if look == "highlight" else LABEL_BOX)
        label.set_zorder(2.5 if look == "highlight" else 2)

    def _title(self, trace: StepTrace, view: str, sample: int) -> str:
        """One line saying which sample, which view and the headline number."""
        x = ", ".join(number(v) for v in trace.inputs[sample])
        y = ", ".join(number(v) for v in trace.targets[sample])
        where = f"sample ({x}) → y = {y}" if trace.n_samples == 1 else (
            f"sample {sample + 1} of {trace.n_samples}: ({x}) → y = {y}")
        outputs = ", ".join(number(v) for v in trace.outputs[sample])
        convention = CONVENTIONS.get(trace.loss_name, f"{trace.loss_name} loss")
        if view == "forward":
            return f"Forward pass · {where} · output h = {outputs}"
        if view == "deltas":
            return f"Backward pass: deltas δ = dJ/da · {where} · {convention}"
        return (f"Update w := w − α·gradient · α = {number(trace.lr)} · {convention} · "
                f"loss {number(trace.loss)} → {number(trace.loss_after)}")

    def _footer(self, view: str) -> str:
        """The legend: what the shapes and colours mean in this view."""
        legend = "grey squares: bias units (z = 1)"
        if view == "forward":
            return f"{legend} · links: weight w · units: a = weighted sum, z = activation"
        if view == "deltas":
            return f"{legend} · links: weight w · input and bias units have no δ"
        return f"{legend} · links: old → new weight · orange: changed · grey: unchanged"

    # ----- output ------------------------------------------------------------------------
    def to_png(self) -> bytes:
        """The diagram as it is now, as PNG bytes (fixed dpi, for an ipywidgets.Image)."""
        return png_bytes(self._frames.render())


def draw(trace: StepTrace, view: str = "forward", sample: int = 0,
         large: bool | None = None) -> Figure:
    """A static diagram of one trace and view, as a matplotlib Figure for a notebook cell."""
    diagram = NetworkDiagram(trace.unit_names, large=lecture.large(large))
    diagram.label(trace, view=view, sample=sample)
    return diagram.figure
