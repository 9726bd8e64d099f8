"""A step-through player: one computation of a phase at a time, formula, numbers and diagram.

``StepPlayer(trace, "deltas")`` walks through ``bpkit.computations`` of one phase (one of
``naming.PHASES``) with Previous / Next buttons or a Play button: it shows "line k of N", the
general formula, the same formula with the trace's numbers, and the diagram with that unit or
link highlighted. ``paths=True`` plays the deltas path by path (``bpkit.delta_paths``): each
hidden delta's terms one at a time, each path highlighted, then their sum with every path.
The slider holds the position; everything else is drawn from it.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping

import ipywidgets as widgets

from bpkit.core import validate
from bpkit.core.computations import Computation, computations, delta_paths
from bpkit.core.errors import BpkitError
from bpkit.core.trace import StepTrace
from bpkit.draw import lecture
from bpkit.draw.diagram import NetworkDiagram
from bpkit.widgets.view import WidgetView, picture_layout, svg_tag

INTERVAL_MS = 1800
"""How long Play stays on each computation."""


class StepPlayer(WidgetView):
    """Previous, Next and Play through the computations of one phase of a step."""

    def __init__(self, trace: StepTrace, phase: str, sample: int = 0,
                 large: bool | None = None, paths: bool = False) -> None:
        if not isinstance(trace, StepTrace):
            raise BpkitError("trace must be a StepTrace, the result of net.step(X, Y, lr) or "
                             f"net.preview_step(X, Y, lr); got {trace!r:.60}")
        if not isinstance(paths, bool):
            raise BpkitError(f"paths must be True (each hidden delta path by path) or False; "
                             f"got {paths!r:.40}")
        if paths and phase != "deltas":
            raise BpkitError(f"paths=True plays the deltas phase path by path: give phase "
                             f"'deltas', not {phase!r:.40}")
        self.paths = paths
        """True if the deltas are played path by path (``bpkit.delta_paths``)."""
        self.lines: list[Computation] = (delta_paths(trace, sample) if paths
                                         else computations(trace, phase, sample))
        """The computations, in the order they are played."""
        self.trace = trace
        self.phase = phase
        self.sample = sample
        self.large = lecture.large(large)
        self.diagram = NetworkDiagram(trace.unit_names, large=self.large)
        last = len(self.lines) - 1
        self.previous_button = widgets.Button(description="Previous", icon="step-backward")
        self.next_button = widgets.Button(description="Next", icon="step-forward")
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=INTERVAL_MS)
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="line",
                                        readout=False)
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.counter = widgets.HTML()
        """'line k of N' and what the computation is."""
        self.formula = widgets.HTMLMath()
        """The computation's formula, then the same with numbers (LaTeX in $$...$$)."""
        self.image = widgets.Image(format="svg+xml", layout=picture_layout())
        """The diagram with the computation's unit or link highlighted."""
        self.previous_button.on_click(lambda _button: self.previous())
        self.next_button.on_click(lambda _button: self.next())
        self.slider.observe(self._on_position, names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play,
                                 self.slider, self.counter])
        self.widget = widgets.VBox([controls, self.formula, self.image])
        self.widget.add_class("bpkit-player")
        """The whole player, ready to display."""
        self._show()

    # ----- moving ------------------------------------------------------------------------
    def go(self, index: int) -> Computation:
        """Show computation ``index`` (clamped to the first and last); return it."""
        last = len(self.lines) - 1
        whole = isinstance(index, numbers.Integral) and not isinstance(index, bool)
        self.slider.value = validate.index(min(max(index, 0), last) if whole else index,
                                           last + 1, "a line position")
        return self.current  # the slider's observer has shown it, and Play follows

    def next(self) -> Computation:
        """The next computation (stays on the last)."""
        return self.go(self.index + 1)

    def previous(self) -> Computation:
        """The previous computation (stays on the first)."""
        return self.go(self.index - 1)

    @property
    def index(self) -> int:
        """The position now (0 is the first computation): the slider's value."""
        return int(self.slider.value)

    @property
    def current(self) -> Computation:
        """The computation shown now."""
        return self.lines[self.index]

    def _on_position(self, _change: Mapping[str, object]) -> None:
        """The slider moved (by Play, by hand, or by ``go``): show that computation."""
        self._show()

    # ----- showing -----------------------------------------------------------------------
    def _show(self) -> None:
        """Counter, formulas, buttons and diagram for the computation at ``index``."""
        index, line, total = self.index, self.current, len(self.lines)
        self.counter.value = (f"<b>line {index + 1} of {total}</b>: {line.kind} of "
                              f"{html.escape(line.name)}")
        size = "1.5em" if self.large else "1.1em"
        self.formula.value = (
            f'<div style="font-size:{size}">'
            f"<div>formula: $${html.escape(line.formula, quote=False)}$$</div>"
            f"<div>with the numbers: $${html.escape(line.substituted, quote=False)}$$</div>"
            "</div>"
        )
        self.previous_button.disabled = index == 0
        self.next_button.disabled = index == total - 1
        self.diagram.label(self.trace, self.phase, self.sample, highlight=line.highlighted)
        self.image.value = self.diagram.to_svg()

    def static_html(self) -> str:
        """The computation shown now: counter, formulas and diagram, without the buttons."""
        return (f"<p>{self.counter.value}</p>{self.formula.value}"
                f"{svg_tag(self.image.value, f'{self.current.name} highlighted')}")

    def __repr__(self) -> str:
        paths = ", paths=True" if self.paths else ""
        return (f"StepPlayer(phase={self.phase!r}, sample={self.sample}, "
                f"lines={len(self.lines)}{paths})")
