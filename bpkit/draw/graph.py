"""The computational graph of an autograd Value, drawn left to right: op, value and gradient.

Inputs and weights sit on the left, the output on the right, each node one column after the
nodes it is computed from. To stay legible for a whole network, a chain of unlabelled add
nodes is drawn as one add node (each passes its gradient on unchanged), and an unlabelled
number is written into the operation that uses it ("× 0.5") instead of as a node of its own.
For the reverse sweep, ``done`` nodes show their gradient, the others "grad ?".
Text is as large as the network diagram's (layout's NORMAL or LARGE style); the boxes are
measured, so arrows run from box edge to box edge and the figure fits the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from bpkit.core import validate
from bpkit.core.autograd import Value, topological_order
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.draw import lecture
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.layout import LARGE, NORMAL, Style

OP_SYMBOLS = {"+": "+", "*": "×"}
FILL = {"leaf": "#dceefb", "op": "#f7f7f7", "labelled": "#fde0c5", "current": "#fff3a8"}
GRAD_COLOUR, MUTED = "#b2182b", "#8c8c8c"
EDGE, EDGE_HIGHLIGHT = "#7a7a7a", "#c51b7d"
MAX_NODES = 400
"""The most nodes a drawing takes: a bigger graph is unreadable on a screen."""
BOX_PAD = 0.3
"""Room between a node's text and its box edge, in font sizes (matplotlib's box pad)."""
Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""A rectangle in inches: a node's (centre x, centre y, width, height), or the whole drawing's
(left, right, bottom, top)."""
GRAD_GAP, ROW_GAP, COLUMN_GAP, TITLE_GAP, MARGIN = 0.04, 0.18, 0.75, 0.15, 0.12
"""Inches: box to its grad line, grad line to the next box, box to box across, the top box
to the title, and the border."""


@dataclass(frozen=True)
class GraphLayout:
    """Where each drawn node goes (column, row), what it says, and the edges between them."""

    nodes: list[Value]
    position: dict[Value, tuple[float, float]]
    edges: list[tuple[Value, Value]]
    """(from, to): the value flows forward from the first to the second."""
    titles: dict[Value, str]
    columns: int
    rows: int

    @property
    def sweep(self) -> list[Value]:
        """The drawn nodes in the order the sweep finishes them: by column from the output.

        Top to bottom within a column; every node comes after all the nodes it feeds.
        """
        return sorted(self.nodes, key=lambda n: (-self.position[n][0], -self.position[n][1]))


def graph_layout(root: Value, fold: bool = True) -> GraphLayout:
    """The layout of ``root``'s graph: columns by depth, rows ordered to keep edges short."""
    root = validate.instance(root, Value, "root", "a Value, such as Value(2.0) * Value(3.0)")
    if not isinstance(fold, bool):
        raise BpkitError(f"fold must be True or False; got {fold!r:.40}")
    order = topological_order(root)
    if len(order) > MAX_NODES:
        raise BpkitError(f"the graph has {len(order)} nodes, more than the {MAX_NODES} a "
                         "drawing can show legibly: draw one sample, or a smaller network")
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for parent in node.parents:
            users[parent].append(node)
    hidden = {n for n in order if fold and n is not root and not n.label and (
        not n.parents or (n.op == "+" and len(users[n]) == 1 and users[n][0].op == "+"))}
    shown = [n for n in order if n not in hidden]
    inputs = {n: _shown_parents(n, hidden) for n in shown}
    titles = {n: _title(n, hidden) for n in shown}
    column = _columns(shown, inputs)
    rows = _rows(shown, inputs, column)
    height = max(len(r) for r in rows.values())
    position = {n: (float(column[n]), (height - 1) / 2 - i + (len(rows[column[n]]) - 1) / 2
                    - (height - 1) / 2)
                for c, members in rows.items() for i, n in enumerate(members)}
    edges = [(parent, n) for n in shown for parent in inputs[n]]
    return GraphLayout(shown, position, edges, titles, max(column.values()) + 1, height)


def _shown_parents(node: Value, hidden: set[Value]) -> list[Value]:
    """The drawn nodes that feed ``node``: a hidden add's own inputs, a hidden number none."""
    found = []
    for parent in node.parents:
        if parent not in hidden:
            found.append(parent)
        elif parent.parents:  # an add folded into this one
            found.extend(_shown_parents(parent, hidden))
    return found


def _title(node: Value, hidden: set[Value]) -> str:
    """A node's first line: its label and operation, with any folded number written in."""
    numbers = [number(p.data) for p in node.parents if p in hidden and not p.parents]
    op = OP_SYMBOLS.get(node.op, node.op)
    if numbers and node.op == "*":
        op = f"× {' × '.join(numbers)}"
    elif numbers:
        op = f"{op} {', '.join(numbers)}"
    return " ".join(part for part in (node.label, f"[{op}]" if op else "") if part)


def _columns(shown: list[Value], inputs: dict[Value, list[Value]]) -> dict[Value, int]:
    """Each node's column: one after its latest input; an input just before its first use."""
    column: dict[Value, int] = {}
    for node in shown:  # parents first
        column[node] = 1 + max((column[p] for p in inputs[node]), default=-1)
    users: dict[Value, list[Value]] = {node: [] for node in shown}
    for node in shown:
        for parent in inputs[node]:
            users[parent].append(node)
    for node in reversed(shown):  # pull inputs and constant-only nodes next to their use
        if users[node] and (not inputs[node] or all(not inputs[p] for p in inputs[node])):
            latest = min(column[u] for u in users[node]) - 1
            if not inputs[node] or latest - column[node] >= 2:
                column[node] = latest
    for node in shown:  # an input pulled right of a node it feeds would point backwards
        column[node] = max([column[node], *(column[p] + 1 for p in inputs[node])])
    return column


def _rows(shown: list[Value], inputs: dict[Value, list[Value]],
          column: dict[Value, int]) -> dict[int, list[Value]]:
    """The nodes of each column, top to bottom, sorted a few times by their neighbours' rows."""
    rows: dict[int, list[Value]] = {}
    for node in shown:
        rows.setdefault(column[node], []).append(node)
    neighbours: dict[Value, list[Value]] = {node: list(inputs[node]) for node in shown}
    for node in shown:
        for parent in inputs[node]:
            neighbours[parent].append(node)
    for _ in range(6):
        place = {n: i - (len(members) - 1) / 2 for members in rows.values()
                 for i, n in enumerate(members)}
        for members in rows.values():
            members.sort(key=lambda n: sum(place[m] for m in neighbours[n]) / max(
                1, len(neighbours[n])) if neighbours[n] else place[n])
    return dict(sorted(rows.items()))


def draw_graph(root: Value, done: int | None = None, title: str = "",
               fold: bool = True, large: bool | None = None) -> NotebookFigure:
    """``root``'s graph with every node's value, and the gradients the sweep has reached.

    ``done``: how many nodes of the reverse sweep (output first) show their gradient; None
    for all of them (call ``root.backward()`` first), 0 for none. The node finished last is
    highlighted, with the edges its gradient came back along. ``large``: projector sizes; None
    follows the lecture view (``BPKIT_LECTURE=1``), as the network diagram does.
    """
    layout = graph_layout(root, fold)
    sweep = layout.sweep
    count = len(sweep) if done is None else validate.whole_number(
        done, "done (nodes of the sweep with their gradient)", 0, len(sweep))
    if not isinstance(title, str):
        raise BpkitError(f"title must be text; got {title!r:.40}")
    style = LARGE if lecture.large(large) else NORMAL
    figure = NotebookFigure(dpi=style.dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))  # one data unit is one inch: boxes are measured
    axes.set_axis_off()
    finished = set(sweep[:count])
    current = sweep[count - 1] if 0 < count < len(sweep) else None
    boxes = {node: _node_text(axes, layout, node, current, style) for node in layout.nodes}
    grads = {node: _grad_text(axes, node, node in finished, style) for node in layout.nodes}
    place, (left, right, bottom, top) = _place(layout, boxes, grads, style)
    for parent, start, end in _edge_ends(layout, place):
        lit = current is not None and parent is current
        axes.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", shrinkA=0, shrinkB=0,
                                       mutation_scale=0.9 * style.unit_font, zorder=1,
                                       color=EDGE_HIGHLIGHT if lit else EDGE,
                                       linewidth=2.4 if lit else 1.0))
    for node, (x, y, _, height) in place.items():
        boxes[node].set_position((x, y))
        grads[node].set_position((x, y - height / 2 - GRAD_GAP))
    if title:
        heading = axes.text(left, top + TITLE_GAP, title, ha="left", va="bottom",
                            fontsize=style.title_font, fontweight="bold")
        width, height = _inches(heading)
        right, top = max(right, left + width), top + TITLE_GAP + height
    left, right, bottom, top = left - MARGIN, right + MARGIN, bottom - MARGIN, top + MARGIN
    axes.set_xlim(left, right)
    axes.set_ylim(bottom, top)
    figure.set_size_inches(right - left, top - bottom)
    return figure


def _node_text(axes: Axes, layout: GraphLayout, node: Value, current: Value | None,
               style: Style) -> Text:
    """A node's box: its title and value, coloured by kind, edged strongly if it is current."""
    kind = "current" if node is current else "labelled" if node.label and node.parents \
        else "leaf" if not node.parents else "op"
    return axes.text(0, 0, f"{layout.titles[node]}\n{number(node.data)}", ha="center",
                     va="center", fontsize=style.unit_font, zorder=3,
                     multialignment="center",
                     bbox={"boxstyle": f"round,pad={BOX_PAD}", "facecolor": FILL[kind],
                           "edgecolor": EDGE_HIGHLIGHT if node is current else "#333333",
                           "linewidth": 2.0 if node is current else 0.8})


def _grad_text(axes: Axes, node: Value, finished: bool, style: Style) -> Text:
    """The line under a node: its gradient once the sweep reached it, else "grad ?"."""
    return axes.text(0, 0, f"grad {number(node.grad)}" if finished else "grad ?",
                     ha="center", va="top", fontsize=style.link_font, zorder=3,
                     color=GRAD_COLOUR if finished else MUTED, fontweight="bold")


def _inches(text: Text, shown: str | None = None) -> tuple[float, float]:
    """How wide and tall ``text`` is in inches, or would be saying ``shown``."""
    said = text.get_text()
    if shown is not None:
        text.set_text(shown)
    figure = text.get_figure()
    box = text.get_window_extent(figure.canvas.get_renderer())
    text.set_text(said)
    return box.width / figure.dpi, box.height / figure.dpi


def _place(layout: GraphLayout, boxes: dict[Value, Text], grads: dict[Value, Text],
           style: Style) -> tuple[dict[Value, Box], Box]:
    """Each node's box (centre x, centre y, width, height), and the edges of the whole drawing.

    A column is as wide as its widest box or gradient (either one, so the picture keeps its
    size through the sweep), and rows are as far apart as the tallest box and its grad line.
    """
    pad = 2 * BOX_PAD * style.unit_font / 72
    size = {n: tuple(side + pad for side in _inches(text)) for n, text in boxes.items()}
    grad_width = {n: max(_inches(grads[n], f"grad {number(n.grad)}")[0],
                         _inches(grads[n], "grad ?")[0]) for n in layout.nodes}
    grad_height = max(_inches(text)[1] for text in grads.values())
    widths = [0.0] * layout.columns
    for node in layout.nodes:
        column = int(layout.position[node][0])
        widths[column] = max(widths[column], size[node][0], grad_width[node])
    gap = COLUMN_GAP * style.scale
    centres = [sum(widths[:c]) + gap * c + widths[c] / 2 for c in range(layout.columns)]
    pitch = max(h for _, h in size.values()) + GRAD_GAP + grad_height + ROW_GAP * style.scale
    place = {n: (centres[int(x)], y * pitch, *size[n]) for n, (x, y) in layout.position.items()}
    top = max(y + h / 2 for _, y, _, h in place.values())
    bottom = min(y - h / 2 - GRAD_GAP - grad_height for _, y, _, h in place.values())
    return place, (0.0, sum(widths) + gap * (layout.columns - 1), bottom, top)


def _edge_ends(layout: GraphLayout, place: dict[Value, Box]) -> list[tuple[Value, Point, Point]]:
    """Each edge's parent and arrow, from the parent's right edge to the child's left edge.

    A node's incoming arrows end spread down its left edge, top input highest, so they
    do not pile into one point.
    """
    incoming: dict[Value, list[Value]] = {node: [] for node in layout.nodes}
    for parent, child in layout.edges:
        incoming[child].append(parent)
    ends = []
    for child, parents in incoming.items():
        x, y, width, height = place[child]
        parents.sort(key=lambda p: -place[p][1])
        for i, parent in enumerate(parents):
            px, py, pwidth, _ = place[parent]
            spread = 0.6 * height * (0.5 - (i + 0.5) / len(parents))
            ends.append((parent, (px + pwidth / 2, py), (x - width / 2, y + spread)))
    return ends


__all__ = ["GraphLayout", "draw_graph", "graph_layout"]
