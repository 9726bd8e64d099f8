"""A step-through player: one computation of a phase at a time, formula, numbers and diagram.

``StepPlayer(trace, "deltas")`` walks through ``bpkit.steps.computations`` with Previous / Next
buttons or a Play button: it shows "step k of N", the general formula, the same formula with the
trace's numbers, and the diagram with that unit or link highlighted.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping

import ipywidgets as widgets

from bpkit.core.errors import BpkitError
from bpkit.core.steps import Computation, computations
from bpkit.core.trace import StepTrace
from bpkit.draw import lecture
from bpkit.draw.diagram import NetworkDiagram
from bpkit.widgets.view import WidgetView

INTERVAL_MS = 1800
"""How long Play stays on each computation."""


class StepPlayer(WidgetView):
    """Previous, Next and Play through the computations of one phase of a step."""

    def __init__(self, trace: StepTrace, phase: str, sample: int = 0,
                 large: bool | None = None) -> None:
        self.steps: list[Computation] = computations(trace, phase, sample)
        """The computations, in the order they are played."""
        self.trace = trace
        self.phase = phase
        self.sample = sample
        self.large = lecture.large(large)
        self.index = 0
        """The position now (0 is the first computation)."""
        self.diagram = NetworkDiagram(trace.unit_names, large=self.large)
        self._pngs: dict[int, bytes] = {}
        last = len(self.steps) - 1
        self.previous_button = widgets.Button(description="Previous", icon="step-backward")
        self.next_button = widgets.Button(description="Next", icon="step-forward")
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=INTERVAL_MS)
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="step",
                                        readout=False)
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.counter = widgets.HTML()
        """'step k of N' and what the computation is."""
        self.formula = widgets.HTMLMath()
        """The computation's formula, then the same with numbers (LaTeX in $$...$$)."""
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        """The diagram with the computation's unit or link highlighted."""
        self.previous_button.on_click(lambda _button: self.previous())
        self.next_button.on_click(lambda _button: self.next())
        self.slider.observe(self._on_position, names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play,
                                 self.slider, self.counter])
        self.widget = widgets.VBox([controls, self.formula, self.image])
        self.widget.add_class("bpkit-player")
        """The whole player, ready to display."""
        self._show(0)

    # ----- moving ------------------------------------------------------------------------
    def go(self, index: int) -> Computation:
        """Show computation ``index`` (clamped to the first and last); return it."""
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise BpkitError(f"a step position must be a whole number; got {index!r:.40}")
        index = min(max(int(index), 0), len(self.steps) - 1)
        if index == self.slider.value:
            self._show(index)
        else:
            self.slider.value = index  # the slider's observer shows it, and Play follows
        return self.steps[index]

    def next(self) -> Computation:
        """The next computation (stays on the last)."""
        return self.go(self.index + 1)

    def previous(self) -> Computation:
        """The previous computation (stays on the first)."""
        return self.go(self.index - 1)

    @property
    def current(self) -> Computation:
        """The computation shown now."""
        return self.steps[self.index]

    def _on_position(self, change: Mapping[str, object]) -> None:
        """The slider moved (by Play, by hand, or by ``go``): show that computation."""
        self._show(int(change["new"]))

    # ----- showing -----------------------------------------------------------------------
    def _show(self, index: int) -> None:
        self.index = index
        step = self.steps[index]
        total = len(self.steps)
        self.counter.value = (f"<b>step {index + 1} of {total}</b>: {step.kind} of "
                              f"{html.escape(step.name)}")
        size = "1.5em" if self.large else "1.1em"
        self.formula.value = (
            f'<div style="font-size:{size}">'
            f"<div>formula: $${html.escape(step.formula, quote=False)}$$</div>"
            f"<div>with the numbers: $${html.escape(step.substituted, quote=False)}$$</div>"
            "</div>"
        )
        self.previous_button.disabled = index == 0
        self.next_button.disabled = index == total - 1
        png = self._pngs.get(index)
        if png is None:
            self.diagram.label(self.trace, self.phase, self.sample, highlight=step.name)
            png = self._pngs[index] = self.diagram.to_png()
        self.image.value = png

    def __repr__(self) -> str:
        return (f"StepPlayer(phase={self.phase!r}, sample={self.sample}, "
                f"steps={len(self.steps)})")
