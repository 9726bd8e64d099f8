"""An init-scale slider on a deep network: |delta| per layer for sigmoid, tanh and relu.

``DepthExplorer()`` shows ``delta_profiles`` at one weight scale and depth, drawn on a log axis
with a table of the numbers. ``update(scale=..., depth=...)`` does the same from Python; a value
it cannot use raises a BpkitError, says why in the readout and leaves everything as it was.
"""

from __future__ import annotations

import contextlib
import functools
import html

import ipywidgets as widgets

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.lessons.depth import (
    DEPTH,
    MAX_DEPTH,
    WIDTH,
    DeltaProfile,
    delta_profiles,
    depth_data,
)
from bpkit.core.table import Table
from bpkit.draw.depth import delta_profiles_plot
from bpkit.widgets.view import WidgetView, picture_layout, png_tag

SCALES = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)
"""The weight scales the slider offers: weights are uniform in [-scale, scale]."""
READOUT_STYLE = ("<style>.bpkit-depth-tables th, .bpkit-depth-tables td "
                 "{padding: 1px 10px; text-align: right}</style>")
"""Spaces the readout's columns apart (kept out of the readout, whose text is all numbers)."""
DEPTH_RANGE = (2, 20)
"""The depth slider's range of hidden layers (``update`` takes up to MAX_DEPTH)."""


@functools.lru_cache(maxsize=64)
def _profiles(scale: float, depth: int, width: int, seed: int) -> dict[str, DeltaProfile]:
    return delta_profiles(scale, depth, width, seed)


class DepthExplorer(WidgetView):
    """Sliders for the weights' scale and the depth; each move reruns backprop and redraws."""

    def __init__(self, scale: float = 1.0, depth: int = DEPTH, width: int = WIDTH,
                 seed: int = 0) -> None:
        self.profiles = delta_profiles(scale, depth, width, seed)  # refuses bad values first
        self.width, self.seed = width, seed
        self.start = (float(scale), int(depth))
        self.scale, self.depth = self.start
        self._syncing = False
        self.scale_slider = widgets.SelectionSlider(
            options=sorted({*SCALES, self.scale}), value=self.scale, description="scale",
            continuous_update=False, layout=widgets.Layout(width="420px"))
        self.depth_slider = widgets.IntSlider(
            min=DEPTH_RANGE[0], max=max(DEPTH_RANGE[1], self.depth), value=self.depth,
            description="depth", continuous_update=False, layout=widgets.Layout(width="420px"))
        self.reset_button = widgets.Button(description="Reset", icon="undo",
                                           tooltip="back to the starting scale and depth")
        self.image = widgets.Image(format="png", layout=picture_layout())
        self.readout = widgets.HTML()
        """The numbers shown (under a message about a value that could not be used)."""
        self.readout.add_class("bpkit-depth-readout")
        for control in (self.scale_slider, self.depth_slider):
            control.observe(self._on_control, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        controls = widgets.HBox([self.scale_slider, self.depth_slider, self.reset_button],
                                layout=widgets.Layout(flex_flow="row wrap"))
        beside = widgets.HBox([self.image, self.readout],
                              layout=widgets.Layout(flex_flow="row wrap",
                                                    align_items="flex-start"))
        self.widget = widgets.VBox([widgets.HTML(READOUT_STYLE), controls, beside])
        self.widget.add_class("bpkit-depth")
        self._show()

    def update(self, scale: float | None = None,
               depth: int | None = None) -> dict[str, DeltaProfile]:
        """Set the scale and/or the depth, recompute once, redraw once; return the profiles."""
        try:
            new_scale = self.scale if scale is None else validate.positive_number(
                scale, "scale (weights are uniform in [-scale, scale])")
            new_depth = self.depth if depth is None else validate.whole_number(
                depth, "depth (hidden layers)", 2, MAX_DEPTH)
            profiles = _profiles(new_scale, new_depth, self.width, self.seed)
        except Exception as error:
            self._set_controls()  # a control moved to the bad value goes back
            self.readout.value = self._readout(str(error))
            raise
        self.scale, self.depth, self.profiles = float(new_scale), int(new_depth), profiles
        self._show()
        return profiles

    def reset(self) -> dict[str, DeltaProfile]:
        """Back to the starting scale and depth."""
        return self.update(*self.start)

    def _on_control(self, _change: object) -> None:
        if self._syncing:
            return
        with contextlib.suppress(BpkitError):  # update showed why and put the controls back
            self.update(self.scale_slider.value, self.depth_slider.value)

    def _set_controls(self) -> None:
        self._syncing = True
        try:
            if self.scale not in self.scale_slider.options:
                self.scale_slider.options = sorted({*self.scale_slider.options, self.scale})
            self.scale_slider.value = self.scale
            self.depth_slider.max = max(self.depth_slider.max, self.depth)
            self.depth_slider.value = self.depth
        finally:
            self._syncing = False

    def _show(self) -> None:
        self._set_controls()
        self.image.value = delta_profiles_plot(self.profiles)._repr_png_()
        self.readout.value = self._readout()

    def _readout(self, refused: str = "") -> str:
        """The mean |delta| of every layer per activation, and a summary per activation."""
        note = "" if not refused else (
            '<div style="color:#a50026;border:1px solid #a50026;padding:4px 8px;'
            f'margin-bottom:6px"><b>Not applied:</b> {html.escape(refused)}</div>')
        samples = len(depth_data(self.width, seed=self.seed)[0])
        head = (f"<p>weights uniform in [−{number(self.scale)}, {number(self.scale)}] · "
                f"{self.depth} hidden layers of {self.width} units · {samples} samples</p>")
        names = list(self.profiles)
        layers = next(iter(self.profiles.values())).layers
        deltas = Table.of(["layer", *(f"mean |δ| {n}" for n in names)],
                          [[layer, *(self.profiles[n].mean_abs_delta[k] for n in names)]
                           for k, layer in enumerate(layers)])
        summary = Table.of(["activation", "hidden 1 ÷ last hidden", "mean f'(a)", "flat share"],
                           [[n, p.first_over_last, p.slope, p.flat]
                            for n, p in self.profiles.items()])
        tables = "".join(t.to_html(css_class="bpkit-readout-table") for t in (summary, deltas))
        return (f'<div class="bpkit-depth-tables" style="line-height:1.4">'
                f"{note}{head}{tables}</div>")

    def static_html(self) -> str:
        """The plot and the numbers as they are now, without the controls."""
        return (f"{READOUT_STYLE}{png_tag(self.image.value, 'mean |delta| per layer')}"
                f"{self.readout.value}")

    def __repr__(self) -> str:
        return f"DepthExplorer(scale={number(self.scale)}, depth={self.depth})"
