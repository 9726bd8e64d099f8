"""A player over the reverse sweep of an autograd graph, filling in the gradients node by node.

``SweepPlayer(root)`` shows ``root``'s graph with every value and no gradient; each step
finishes one more node, output first, in the order of ``GraphLayout.sweep``, and says how its
gradient is made: one share per use, local derivative × the gradient of the user, added.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping

import ipywidgets as widgets

from bpkit.core import validate
from bpkit.core.autograd import Value
from bpkit.core.errors import BpkitError
from bpkit.core.lessons.sweep import SweepStep, reverse_sweep
from bpkit.draw import lecture
from bpkit.draw.graph import draw_graph, graph_layout
from bpkit.widgets.view import WidgetView, picture_layout, png_tag

INTERVAL_MS = 1500
"""How long Play stays on each node."""


class SweepPlayer(WidgetView):
    """Previous, Next and Play through the reverse sweep of ``root``'s graph, one node a step."""

    def __init__(self, root: Value, fold: bool = False, large: bool | None = None) -> None:
        root = validate.instance(root, Value, "root", "a Value, such as Value(2.0) * Value(3.0)")
        self.large = lecture.large(large)
        self.fold = fold
        self.layout = graph_layout(root, fold)  # checks fold
        self.root = root
        by_node = {step.node: step for step in reverse_sweep(root)}  # runs root.backward()
        self.steps: list[SweepStep] = [by_node[node] for node in self.layout.sweep]
        """The drawn nodes' steps, in the order the player finishes them."""
        last = len(self.steps)
        self.previous_button = widgets.Button(description="Previous", icon="step-backward")
        self.next_button = widgets.Button(description="Next", icon="step-forward")
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=INTERVAL_MS)
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="nodes done",
                                        readout=True, style={"description_width": "initial"})
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.counter = widgets.HTML()
        """What the step did: the node finished and how its gradient was made."""
        self.image = widgets.Image(format="png", layout=picture_layout())
        self.previous_button.on_click(lambda _button: self.previous())
        self.next_button.on_click(lambda _button: self.next())
        self.slider.observe(self._on_position, names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play,
                                 self.slider])
        self.widget = widgets.VBox([controls, self.counter, self.image])
        self.widget.add_class("bpkit-sweep-player")
        self._show()

    # ----- moving ------------------------------------------------------------------------
    def go(self, index: int) -> str:
        """Show the graph with ``index`` nodes finished (clamped to 0 and all); return the text."""
        last = len(self.steps)
        whole = isinstance(index, numbers.Integral) and not isinstance(index, bool)
        if not whole:
            raise BpkitError(f"index must be a whole number of nodes, 0 to {last}; got "
                             f"{index!r:.40}")
        self.slider.value = min(max(int(index), 0), last)
        return self.text

    def next(self) -> str:
        """Finish one more node (stays at the end)."""
        return self.go(self.index + 1)

    def previous(self) -> str:
        """Undo the last node finished (stays at the start)."""
        return self.go(self.index - 1)

    @property
    def index(self) -> int:
        """How many nodes are finished now: the slider's value."""
        return int(self.slider.value)

    @property
    def text(self) -> str:
        """What the step shown now says (plain text)."""
        if self.index == 0:
            return (f"the forward pass: every value is known, no gradient yet; next, "
                    f"{len(self.steps)} nodes from the output back")
        return f"node {self.index} of {len(self.steps)}: {self.steps[self.index - 1].text}"

    def _on_position(self, _change: Mapping[str, object]) -> None:
        self._show()

    # ----- showing -----------------------------------------------------------------------
    def _show(self) -> None:
        size = "1.4em" if self.large else "1.05em"
        self.counter.value = f'<div style="font-size:{size}">{html.escape(self.text)}</div>'
        self.previous_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.steps)
        figure = draw_graph(self.root, done=self.index, fold=self.fold, large=self.large)
        self.image.value = figure._repr_png_()

    def static_html(self) -> str:
        """Every gradient filled in, and the steps as a list: the sweep without the buttons."""
        figure = draw_graph(self.root, fold=self.fold, large=self.large)
        items = "".join(f"<li>{html.escape(step.text)}</li>" for step in self.steps)
        return (f"{png_tag(figure._repr_png_(), 'the graph with every gradient')}"
                f"<ol>{items}</ol>")

    def __repr__(self) -> str:
        return f"SweepPlayer(nodes={len(self.steps)}, done={self.index})"
