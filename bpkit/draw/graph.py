"""The computational graph of an autograd Value, drawn left to right: op, value and gradient.

Inputs and weights sit on the left, the output on the right, each node one column after the
nodes it is computed from. To stay legible for a whole network, a chain of unlabelled add
nodes is drawn as one add node (each passes its gradient on unchanged), and an unlabelled
number is written into the operation that uses it ("× 0.5") instead of as a node of its own.
For the reverse sweep, ``done`` nodes show their gradient, the others "grad ?".
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import FancyArrowPatch

from bpkit.core import validate
from bpkit.core.autograd import Value, topological_order
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.draw import lecture
from bpkit.draw.figure import NotebookFigure

OP_SYMBOLS = {"+": "+", "*": "×"}
FILL = {"leaf": "#dceefb", "op": "#f7f7f7", "labelled": "#fde0c5", "current": "#fff3a8"}
GRAD_COLOUR, MUTED = "#b2182b", "#8c8c8c"
EDGE, EDGE_HIGHLIGHT = "#7a7a7a", "#c51b7d"
MAX_NODES = 400
"""The most nodes a drawing takes: a bigger graph is unreadable on a screen."""


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
               fold: bool = True, large: bool | None = False) -> NotebookFigure:
    """``root``'s graph with every node's value, and the gradients the sweep has reached.

    ``done``: how many nodes of the reverse sweep (output first) show their gradient; None
    for all of them (call ``root.backward()`` first), 0 for none. The node finished last is
    highlighted, with the edges its gradient came back along.
    """
    layout = graph_layout(root, fold)
    sweep = layout.sweep
    count = len(sweep) if done is None else validate.whole_number(
        done, "done (nodes of the sweep with their gradient)", 0, len(sweep))
    if not isinstance(title, str):
        raise BpkitError(f"title must be text; got {title!r:.40}")
    big = lecture.large(large)
    scale = 1.3 if big else 1.0
    width, height = 1.55 * scale * layout.columns + 0.4, 0.78 * scale * layout.rows + 0.9
    figure = NotebookFigure(figsize=(width, height), dpi=80 if big else 90)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(-0.7, layout.columns - 0.3)
    half = layout.rows / 2
    axes.set_ylim(-half - 0.1, half + 0.6 + 0.35)
    finished = set(sweep[:count])
    current = sweep[count - 1] if 0 < count < len(sweep) else None
    for parent, child in layout.edges:
        lit = current is not None and parent is current
        (x0, y0), (x1, y1) = layout.position[parent], layout.position[child]
        axes.add_patch(FancyArrowPatch((x0 + 0.36, y0), (x1 - 0.36, y1), arrowstyle="-|>",
                                       mutation_scale=9 * scale, zorder=1,
                                       color=EDGE_HIGHLIGHT if lit else EDGE,
                                       linewidth=2.4 if lit else 0.9))
    font = 8.5 * scale
    for node in layout.nodes:
        x, y = layout.position[node]
        kind = "current" if node is current else "labelled" if node.label and node.parents \
            else "leaf" if not node.parents else "op"
        axes.text(x, y + 0.08, f"{layout.titles[node]}\n{number(node.data)}", ha="center",
                  va="center", fontsize=font, zorder=3, multialignment="center",
                  bbox={"boxstyle": "round,pad=0.3", "facecolor": FILL[kind],
                        "edgecolor": EDGE_HIGHLIGHT if node is current else "#333333",
                        "linewidth": 2.0 if node is current else 0.8})
        grad = f"grad {number(node.grad)}" if node in finished else "grad ?"
        axes.text(x, y - 0.3, grad, ha="center", va="top", fontsize=font * 0.95, zorder=3,
                  color=GRAD_COLOUR if node in finished else MUTED, fontweight="bold")
    axes.text(-0.6, half + 0.85, title, ha="left", va="top", fontsize=font * 1.25,
              fontweight="bold")
    return figure


__all__ = ["GraphLayout", "draw_graph", "graph_layout"]
