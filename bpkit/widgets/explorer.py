"""Sliders for every weight and the learning rate: move one, see a step's numbers change.

``Explorer("forward")`` shows the article's network on one XOR sample with a slider per weight;
each move takes one gradient-descent step (``Network.step``) and redraws the diagram and a
readout of the phase's numbers. ``explorer.update(...)`` does the same from Python, so the
numbers can be checked without a browser.
"""

from __future__ import annotations

import html
import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

import ipywidgets as widgets

from bpkit.core.article import ALPHA, CONVENTIONS, XOR_X, XOR_Y, article_network
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.naming import PHASES
from bpkit.core.network import Network
from bpkit.core.trace import StepTrace
from bpkit.draw import lecture
from bpkit.draw.diagram import NetworkDiagram
from bpkit.widgets.view import WidgetView

SIGNS = CONVENTIONS
"""The two loss conventions the toggle switches between (Network loss names), and their labels."""
OUTPUT_DELTA = {"article": "δ(D0) = actual − predicted", "squared": "δ(D0) = predicted − actual"}
WEIGHT_RANGE = (-3.0, 3.0)
LR_EXPONENTS = (-3.0, 1.0)
"""The learning-rate slider runs from 10^-3 to 10^1."""
CACHE_SIZE = 256


@dataclass(frozen=True)
class Settings:
    """Everything a step depends on; equal settings give the same trace (the cache key)."""

    weights: tuple[float, ...]
    """Every weight, in the order of ``Explorer.link_names``."""
    lr: float
    sample: int
    sign: str


def _short(link: str) -> str:
    """'w(X0->Z1)' -> 'X0->Z1', the slider label."""
    return link[2:-1]


def _sample_label(index: int) -> str:
    """An XOR row as a learner reads it, e.g. '(0, 1) -> 1'."""
    inputs = ", ".join(number(v) for v in XOR_X[index])
    return f"({inputs}) -> {number(XOR_Y[index][0])}"


class Explorer(WidgetView):
    """Weight, learning-rate, sample and sign controls on one step of the article's network."""

    def __init__(self, phase: str = "forward", large: bool | None = None,
                 net: Network | None = None) -> None:
        if phase not in PHASES:
            raise BpkitError(f"unknown phase {phase!r}: expected one of {', '.join(PHASES)}")
        base = net if net is not None else article_network()
        if base.sizes[0] != XOR_X.shape[1] or base.sizes[-1] != XOR_Y.shape[1]:
            raise BpkitError(f"the explorer steps on the XOR samples, so the network needs "
                             f"{XOR_X.shape[1]} inputs and {XOR_Y.shape[1]} output; this one "
                             f"has sizes {list(base.sizes)}")
        if base.loss_name not in SIGNS:
            raise BpkitError(f"the explorer toggles between the losses 'article' and 'squared'; "
                             f"this network uses {base.loss_name!r}")
        self.phase = phase
        self.large = lecture.large(large)
        self._sizes = tuple(base.sizes)
        self._activations = base.activations
        self.link_names: list[str] = [name for layer in base.link_names for row in layer
                                      for name in row]
        """Every weight's link name, e.g. 'w(X0->Z1)', in weight-array order."""
        self._start = Settings(tuple(float(w) for layer in base.weights for w in layer.ravel()),
                               ALPHA, 0, base.loss_name)
        self._traces: OrderedDict[Settings, StepTrace] = OrderedDict()
        self._pngs: OrderedDict[Settings, bytes] = OrderedDict()
        self._holding = False
        self.diagram = NetworkDiagram(base.unit_names, large=self.large)
        self._build_widgets(base)
        self.settings = self._start
        self.trace: StepTrace = self._trace(self._start)
        """The step the explorer currently shows."""
        self._render()

    # ----- widgets -----------------------------------------------------------------------
    def _build_widgets(self, base: Network) -> None:
        start = self._start
        width = "280px" if self.large else "235px"
        self.sliders: dict[str, widgets.FloatSlider] = {}
        """One slider per weight, by link name."""
        groups = []
        for layer in base.link_names:
            for row in layer:
                target = row[0][2:-1].split("->")[1]
                column = [widgets.HTML(f"<b>weights into {target}</b>")]
                for link in row:
                    slider = widgets.FloatSlider(
                        value=start.weights[self.link_names.index(link)],
                        min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1], step=0.1,
                        description=_short(link), continuous_update=False,
                        readout_format=".2f", style={"description_width": "62px"},
                        layout=widgets.Layout(width=width),
                    )
                    self.sliders[link] = slider
                    column.append(slider)
                groups.append(widgets.VBox(column))
        self.lr_slider = widgets.FloatLogSlider(
            value=start.lr, base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1], step=0.1,
            description="α (lr)", continuous_update=False, readout_format=".3g",
            layout=widgets.Layout(width="320px"),
        )
        self.sample_picker = widgets.Dropdown(
            options=[(_sample_label(i), i) for i in range(len(XOR_X))], value=start.sample,
            description="sample", layout=widgets.Layout(width="220px"),
        )
        self.sign_toggle = widgets.ToggleButtons(
            options=[(label, name) for name, label in SIGNS.items()], value=start.sign,
            tooltips=[OUTPUT_DELTA[name] for name in SIGNS],
        )
        self.reset_button = widgets.Button(
            description="Reset", icon="undo",
            tooltip=f"back to the start: the first weights, α = {number(start.lr)}, "
                    f"sample {_sample_label(start.sample)}, {SIGNS[start.sign]}",
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        """The diagram, replaced in place by a new PNG after every change."""
        self.readout = widgets.HTML()
        """The phase's numbers (or a message about a value that could not be used)."""
        for control in [*self.sliders.values(), self.lr_slider, self.sample_picker,
                        self.sign_toggle]:
            control.observe(self._on_change, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        controls = widgets.HBox([self.sample_picker, self.sign_toggle, self.lr_slider,
                                 self.reset_button],
                                layout=widgets.Layout(flex_flow="row wrap"))
        weights = widgets.HBox(groups, layout=widgets.Layout(flex_flow="row wrap"))
        self.readout.add_class("bpkit-readout")
        self.widget = widgets.VBox([controls, weights, self.image, self.readout])
        self.widget.add_class("bpkit-explorer")
        self.widget.add_class(f"bpkit-phase-{self.phase}")
        """The whole explorer, ready to display."""

    @contextmanager
    def _held(self) -> Iterator[None]:
        """Set many widgets without each one triggering a recompute."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _show_settings(self, settings: Settings) -> None:
        """Put ``settings`` on the widgets, widening a slider whose range is too narrow."""
        with self._held():
            for link, value in zip(self.link_names, settings.weights):
                slider = self.sliders[link]
                if value > slider.max:
                    slider.max = math.ceil(value)
                if value < slider.min:
                    slider.min = math.floor(value)
                slider.value = value
            exponent = math.log10(settings.lr)
            if exponent > self.lr_slider.max:
                self.lr_slider.max = math.ceil(exponent)
            if exponent < self.lr_slider.min:
                self.lr_slider.min = math.floor(exponent)
            self.lr_slider.value = settings.lr
            self.sample_picker.value = settings.sample
            self.sign_toggle.value = settings.sign

    def _settings_from_widgets(self) -> Settings:
        return Settings(tuple(float(self.sliders[link].value) for link in self.link_names),
                        float(self.lr_slider.value), int(self.sample_picker.value),
                        str(self.sign_toggle.value))

    def _on_change(self, _change: Mapping[str, object]) -> None:
        """A learner moved a control: one recompute, one redraw; a bad value is undone."""
        if self._holding:
            return
        if not self._apply(self._settings_from_widgets()):
            self._show_settings(self.settings)

    # ----- computing ---------------------------------------------------------------------
    def _step(self, settings: Settings) -> StepTrace:
        """One gradient-descent step for ``settings`` on a fresh network (no cache)."""
        net = Network(self._sizes, activation=list(self._activations[:-1]),
                      output_activation=self._activations[-1], loss=settings.sign,
                      weights=self._weight_arrays(settings.weights))
        rows = slice(settings.sample, settings.sample + 1)
        return net.step(XOR_X[rows], XOR_Y[rows], settings.lr)

    def _weight_arrays(self, flat: tuple[float, ...]) -> list[list[list[float]]]:
        """The flat weights in ``link_names`` order, shaped as the network's weight arrays."""
        arrays, position = [], 0
        for n_in, n_out in zip(self._sizes[:-1], self._sizes[1:]):
            rows = []
            for _ in range(n_out):
                rows.append(list(flat[position:position + n_in + 1]))
                position += n_in + 1
            arrays.append(rows)
        return arrays

    def _trace(self, settings: Settings) -> StepTrace:
        """The step for ``settings``, computed once and then remembered."""
        if settings in self._traces:
            self._traces.move_to_end(settings)
            return self._traces[settings]
        trace = self._step(settings)
        self._traces[settings] = trace
        if len(self._traces) > CACHE_SIZE:
            self._traces.popitem(last=False)
        return trace

    def _apply(self, settings: Settings) -> bool:
        """Show the step for ``settings``; on a BpkitError show the message, keep the old one."""
        try:
            trace = self._trace(settings)
        except BpkitError as error:
            self._show_error(str(error))
            return False
        self.settings = settings
        self.trace = trace
        self._render()
        return True

    def _requested(self, weights: Mapping[str, float] | None, lr: float | None,
                   sample: int | None, sign: str | None) -> Settings:
        """The current settings with the requested changes, checked (BpkitError if bad)."""
        settings = self.settings
        if weights:
            values = list(settings.weights)
            for link, value in weights.items():
                key = link if str(link).startswith("w(") else f"w({link})"
                if key not in self.link_names:
                    raise BpkitError(f"no weight on a link named {link!r}: names look like "
                                     f"{_short(self.link_names[0])!r}")
                values[self.link_names.index(key)] = _finite(value, f"the weight {link}")
            settings = replace(settings, weights=tuple(values))
        if lr is not None:
            settings = replace(settings, lr=_finite(lr, "the learning rate (alpha)"))
        if sample is not None:
            if isinstance(sample, bool) or not isinstance(sample, int) or not (
                    0 <= sample < len(XOR_X)):
                raise BpkitError(f"sample must be a row number from 0 to {len(XOR_X) - 1}; "
                                 f"got {sample!r}")
            settings = replace(settings, sample=sample)
        if sign is not None:
            if sign not in SIGNS:
                raise BpkitError(f"sign must be 'article' (the article's sign) or 'squared' "
                                 f"(the correct one); got {sign!r}")
            settings = replace(settings, sign=sign)
        return settings

    # ----- the Python entry points ---------------------------------------------------------
    def update(self, weights: Mapping[str, float] | None = None, lr: float | None = None,
               sample: int | None = None, sign: str | None = None) -> StepTrace:
        """Set any of the controls at once, recompute once, redraw once; return the trace.

        Weights are given by link, as 'X0->Z1' or 'w(X0->Z1)'. A value that cannot be used
        (a link that does not exist, a learning rate that makes the step overflow, ...) shows
        its message in the readout and leaves everything as it was.
        """
        try:
            settings = self._requested(weights, lr, sample, sign)
        except BpkitError as error:
            self._show_error(str(error))
            return self.trace
        if self._apply(settings):
            self._show_settings(settings)
        return self.trace

    def reset(self) -> StepTrace:
        """Back to the start: the network's first weights, α = 0.1, sample (0, 0), its sign."""
        self._apply(self._start)
        self._show_settings(self._start)
        return self.trace

    @property
    def weights(self) -> dict[str, float]:
        """The weights now, by link name ('w(X0->Z1)')."""
        return dict(zip(self.link_names, self.settings.weights))

    # ----- display -----------------------------------------------------------------------
    def _render(self) -> None:
        """Redraw the diagram (one PNG, remembered per settings) and the readout."""
        png = self._pngs.get(self.settings)
        if png is None:
            self.diagram.label(self.trace, self.phase)
            png = self.diagram.to_png()
            self._pngs[self.settings] = png
            if len(self._pngs) > CACHE_SIZE // 4:
                self._pngs.popitem(last=False)
        self.image.value = png
        self._readout_body = self._readout_html()
        self.readout.value = self._framed(self._readout_body)

    def _show_error(self, message: str) -> None:
        """The message above the numbers still shown (which are the previous step's)."""
        note = (f'<div style="color:#a50026;border:1px solid #a50026;padding:4px 8px;'
                f'margin-bottom:6px"><b>Not applied:</b> {html.escape(message)}</div>')
        self.readout.value = self._framed(note + getattr(self, "_readout_body", ""))

    def _framed(self, body: str) -> str:
        size = "1.45em" if self.large else "1em"
        return f'<div style="font-size:{size};line-height:1.4">{body}</div>'

    def _readout_html(self) -> str:
        """The numbers of the phase, as an HTML table, under a line saying what was stepped."""
        trace, settings = self.trace, self.settings
        head = (f"<p>sample {html.escape(_sample_label(settings.sample))} · α = "
                f"{number(trace.lr)} · {SIGNS[settings.sign]}: "
                f"{OUTPUT_DELTA[settings.sign]}</p>")
        units = trace.units.values()
        if self.phase == "forward":
            rows = [(u.name, "" if u.a is None else number(u.a[0]), number(u.z[0]))
                    for u in units]
            outputs = ", ".join(number(h) for h in trace.outputs[0])
            return (head + _table(["unit", "a (weighted sum)", "z (activation)"], rows)
                    + f"<p>output h = {outputs}</p>")
        if self.phase == "deltas":
            rows = [(u.name, number(u.delta[0])) for u in units if u.delta is not None]
            return (head + f"<p>loss J = {number(trace.loss)}</p>" + _table(["unit", "δ"], rows)
                    + "<p>input and bias units have no δ</p>")
        change = "down" if trace.loss_after < trace.loss else "unchanged"
        if trace.loss_after > trace.loss:
            change = ("up: the article's sign steps uphill" if settings.sign == "article"
                      else "up: the step overshot the minimum (α too large)")
        rows = [(_short(ln.name), number(ln.old), number(ln.gradient), number(ln.new))
                for ln in trace.links.values()]
        return (head + f"<p>loss J before the step = {number(trace.loss)}, after = "
                f"{number(trace.loss_after)} ({change})</p>"
                + _table(["link", "old w", "gradient", "new w"], rows))

    def __repr__(self) -> str:
        return f"Explorer(phase={self.phase!r}, sizes={list(self._sizes)})"


def _finite(value: object, what: str) -> float:
    """A number from a control or a caller, refused with a clear message if it is not one."""
    if isinstance(value, (bool, str, bytes)):
        raise BpkitError(f"{what} must be a number; got {value!r:.40}")
    try:
        number_value = float(value)
    except (TypeError, ValueError):
        raise BpkitError(f"{what} must be a number; got {value!r:.40}") from None
    if not math.isfinite(number_value):
        raise BpkitError(f"{what} must be a finite number; got {number_value}")
    return number_value


def _table(header: list[str], rows: list[tuple[str, ...]]) -> str:
    """A small HTML table; numbers right-aligned."""
    cells = "".join(f'<th style="text-align:left;padding:1px 10px">{html.escape(h)}</th>'
                    for h in header)
    lines = [f"<tr>{cells}</tr>"]
    for row in rows:
        first, *rest = row
        lines.append(f'<tr><td style="padding:1px 10px">{html.escape(first)}</td>'
                     + "".join(f'<td style="text-align:right;padding:1px 10px">{v}</td>'
                               for v in rest) + "</tr>")
    return f"<table>{''.join(lines)}</table>"
