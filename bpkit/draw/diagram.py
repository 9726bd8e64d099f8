"""The network drawn once, then relabelled in place: weights, a and z, deltas, or old -> new.

Layers run left to right, bias units are grey squares, every link is drawn. Where things go and
what they say come from ``layout``; this module makes the matplotlib artists and styles them.
``label`` only changes the text, colours and places of artists that already exist, so a slider
or a step player can redraw many times without building a new figure. ``to_svg`` writes it as
vector lines and real text (what the explorers and players show: sharp on any screen);
``to_png`` draws again only the labels that changed, over a cached picture of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from bpkit.core import naming
from bpkit.core.errors import BpkitError
from bpkit.core.trace import StepTrace, checked_trace
from bpkit.draw import lecture
from bpkit.draw.figure import NotebookFigure, svg_bytes
from bpkit.draw.frames import Frames, png_bytes
from bpkit.draw.layout import LARGE, NORMAL, Layout, labels

LINK = {"color": "#4d4d4d", "linewidth": 1.2, "alpha": 1.0}
CHANGED = {"color": "#e66101", "linewidth": 2.6, "alpha": 1.0}
UNCHANGED = {"color": "#b3b3b3", "linewidth": 0.8, "alpha": 0.8}
HIGHLIGHT = {"color": "#c51b7d", "linewidth": 4.5, "alpha": 1.0}
LINK_LOOKS = {"normal": LINK, "changed": CHANGED, "muted": UNCHANGED, "highlight": HIGHLIGHT}
"""A link's line for each look a label can have."""
LABEL_TEXT = {"normal": "#1a1a1a", "muted": "#8c8c8c", "changed": "#a33a00",
              "highlight": "#c51b7d"}
LABEL_BOX = "white"
HIGHLIGHT_BOX = "#fff3a8"
UNIT_FILL = {"bias": "#d9d9d9", "input": "#dceefb", "hidden": "#dceefb", "output": "#fde0c5"}
UNIT_EDGE = "#333333"


class NetworkDiagram:
    """A drawing of a layered network whose labels ``label`` rewrites for each trace and phase."""

    def __init__(self, unit_names: Sequence[Sequence[str]], large: bool | None = False) -> None:
        self.large = lecture.large(large)
        self.style = LARGE if self.large else NORMAL
        self.layout = Layout(unit_names, self.style)
        """Where the units and labels go (pure numbers, see ``layout.py``)."""
        self.unit_names = self.layout.unit_names
        self.figure, self.axes = self._blank_figure()
        self.links: dict[str, Line2D] = {}
        """Each link's line, by the article's name, e.g. 'w(X0->Z1)'."""
        self.link_labels: dict[str, Text] = {}
        """Each link's label (its weight, or old -> new)."""
        self.unit_labels: dict[str, Text] = {}
        """Each unit's box and text (its name and its numbers)."""
        self._draw_links()
        self._draw_units()
        self.title = self.axes.text(0.01, 0.985, "", transform=self.axes.transAxes,
                                    ha="left", va="top", fontsize=self.style.title_font,
                                    fontweight="bold")
        self.footer = self.axes.text(0.01, 0.012, "", transform=self.axes.transAxes,
                                     ha="left", va="bottom", color="#555555",
                                     fontsize=self.style.link_font)
        self.phase: str | None = None
        """The phase the labels show (one of naming.PHASES), None before the first ``label``."""
        self.emphasised: tuple[str, ...] = ()
        """Every unit and link emphasised, by article name, in the order given."""
        self._move_link_labels(self.layout.label_positions())
        self._frames = Frames(self.figure, self.axes, [
            *(artist for name in self.links for artist in (self.links[name],
                                                           self.link_labels[name])),
            *self.unit_labels.values(), self.title, self.footer,
        ])

    # ----- drawing once ------------------------------------------------------------------
    def _blank_figure(self) -> tuple[Figure, Axes]:
        """A Figure outside pyplot (nothing to close, nothing shown twice) with fixed limits."""
        figure = NotebookFigure(figsize=self.layout.size, dpi=self.style.dpi)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        axes.set_xlim(*self.layout.xlim)
        axes.set_ylim(*self.layout.ylim)
        return figure, axes

    def _draw_links(self) -> None:
        """A line per link and its label, which ``label`` moves to the layout's place."""
        for name, (source, target) in self.layout.links.items():
            (x0, y0), (x1, y1) = self.layout.positions[source], self.layout.positions[target]
            (line,) = self.axes.plot([x0, x1], [y0, y1], zorder=1, solid_capstyle="round",
                                     **LINK)
            self.links[name] = line
            self.link_labels[name] = self.axes.text(
                (x0 + x1) / 2, (y0 + y1) / 2, "", ha="center", va="center", zorder=2,
                fontsize=self.style.link_font, color=LABEL_TEXT["normal"],
                bbox={"boxstyle": "round,pad=0.15", "facecolor": LABEL_BOX,
                      "edgecolor": "none", "alpha": 0.9},
            )

    def _draw_units(self) -> None:
        """A box per unit: grey squares for bias units, rounded boxes for the others."""
        for name, (x, y) in self.layout.positions.items():
            kind = self.layout.kinds[name]
            box = "square,pad=0.45" if kind == "bias" else "round,pad=0.45"
            self.unit_labels[name] = self.axes.text(
                x, y, name, ha="center", va="center", multialignment="center", zorder=3,
                fontsize=self.style.unit_font, color="#111111",
                bbox={"boxstyle": box, "facecolor": UNIT_FILL[kind], "edgecolor": UNIT_EDGE,
                      "linewidth": 1.2, "linestyle": "--" if kind == "bias" else "-"},
            )

    # ----- relabelling in place ------------------------------------------------------------
    def label(self, trace: StepTrace, phase: str = "forward", sample: int = 0,
              highlight: str | Sequence[str] | None = None) -> None:
        """Label every unit and link with ``trace``'s numbers for one phase, in place.

        ``highlight`` emphasises one unit ('Z1') or link ('X0->Z1' or 'w(X0->Z1)'), or every
        unit and link of a list, such as a path: ['Z1', 'w(Z1->D0)', 'D0'].
        """
        checked_trace(trace)
        if [list(names) for names in trace.unit_names] != self.unit_names:
            raise BpkitError(f"this trace is for a network of sizes {list(trace.sizes)}, but "
                             f"the diagram was drawn for "
                             f"{list(naming.sizes_from_names(self.unit_names))}")
        said = labels(trace, phase, sample)
        targets = self.layout.highlight_keys(highlight)
        self._move_link_labels(self.layout.label_positions(said.link_chars, said.unit_chars))
        for name, text in self.unit_labels.items():
            text.set_text(said.units[name])
            self._style_unit(text, name, name in targets)
        for name, label in self.link_labels.items():
            label.set_text(said.links[name])
            self._style_link(name, "highlight" if name in targets else said.looks[name])
        self.title.set_text(said.title)
        self.footer.set_text(said.footer)
        self.phase = phase
        self.emphasised = targets

    @property
    def highlighted(self) -> str | None:
        """The (first) unit or link emphasised, by its article name, or None."""
        return self.emphasised[0] if self.emphasised else None

    def _move_link_labels(self, places: dict[str, tuple[float, float]]) -> None:
        for name, place in places.items():
            self.link_labels[name].set_position(place)

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
            patch.set_facecolor(UNIT_FILL[self.layout.kinds[name]])
            text.set_fontweight("normal")

    def _style_link(self, name: str, look: str) -> None:
        """Colour and width for a link and its label: normal, changed, muted or highlight."""
        line = self.links[name]
        label = self.link_labels[name]
        line.set(**LINK_LOOKS[look])
        line.set_zorder(1.5 if look in ("highlight", "changed") else 1)
        label.set_color(LABEL_TEXT[look])
        label.set_fontweight("bold" if look in ("highlight", "changed") else "normal")
        label.get_bbox_patch().set_facecolor(HIGHLIGHT_BOX if look == "highlight" else LABEL_BOX)
        label.set_zorder(2.5 if look == "highlight" else 2)

    # ----- output ------------------------------------------------------------------------
    def to_png(self) -> bytes:
        """The diagram as it is now, as PNG bytes (fixed dpi, for an ipywidgets.Image)."""
        return png_bytes(self._frames.render())

    def to_svg(self) -> bytes:
        """The diagram as it is now, as SVG: sharp on any screen, however wide it is shown."""
        return svg_bytes(self.figure)


def draw(trace: StepTrace, phase: str = "forward", sample: int = 0,
         large: bool | None = None) -> Figure:
    """A static diagram of one trace and phase, as a matplotlib Figure for a notebook cell."""
    diagram = NetworkDiagram(checked_trace(trace).unit_names, large=large)
    diagram.label(trace, phase, sample)
    return diagram.figure
