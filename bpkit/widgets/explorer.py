"""Sliders for every weight and the learning rate: move one, see a step's numbers change.

``Explorer("forward")`` shows the article's network on one XOR sample with a slider per weight.
Every control feeds one function, ``trace_for(settings)``: the gradient-descent step those
settings give, computed once and then remembered. The diagram and a readout of the phase's
numbers are drawn from that trace. ``explorer.update(...)`` does the same from Python, so the
numbers can be checked without a browser; a value it cannot use raises a BpkitError and
leaves the explorer as it was (moved by hand, the control goes back and the readout says why).
"""

from __future__ import annotations

import contextlib
import functools
import html
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace

import ipywidgets as widgets

from bpkit.core import naming, validate
from bpkit.core.article import ALPHA, CONVENTIONS, XOR_X, XOR_Y, article_network
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.network import Network, checked_network
from bpkit.core.table import Table
from bpkit.core.trace import StepTrace
from bpkit.draw import lecture
from bpkit.draw.diagram import NetworkDiagram
from bpkit.widgets.view import WidgetView, picture_layout, png_tag

OUTPUT_DELTA = {"article": "δ(D0) = actual − predicted", "squared": "δ(D0) = predicted − actual"}
"""The output delta each loss of the toggle gives (``CONVENTIONS`` names the losses)."""
WEIGHT_RANGE = (-3.0, 3.0)
LR_EXPONENTS = (-3.0, 1.0)
"""The learning-rate slider runs from 10^-3 to 10^1."""
CACHE_SIZE = 256
"""How many steps ``trace_for`` remembers."""


def sample_label(index: int) -> str:
    """An XOR row as a learner reads it, e.g. '(0, 1) -> 1' (the sample picker's labels)."""
    inputs = ", ".join(number(v) for v in XOR_X[index])
    return f"({inputs}) -> {number(XOR_Y[index][0])}"


def explorable_loss(name: object) -> str:
    """Return ``name`` if the loss toggle offers it ('article' or 'squared'), else raise."""
    if not isinstance(name, str) or name not in CONVENTIONS:
        offered = " or ".join(f"{key!r} ({label})" for key, label in CONVENTIONS.items())
        raise BpkitError(f"the explorer toggles between the losses {offered}; got {name!r}")
    return name


def explorable_network(net: object) -> Network:
    """Return ``net`` if the explorer can step it on XOR (2 inputs, 1 output), else raise."""
    net = checked_network(net)
    if net.sizes[0] != XOR_X.shape[1] or net.sizes[-1] != XOR_Y.shape[1]:
        raise BpkitError(f"the explorer steps on the XOR samples, so the network needs "
                         f"{XOR_X.shape[1]} inputs and {XOR_Y.shape[1]} output; this one "
                         f"has sizes {list(net.sizes)}")
    explorable_loss(net.loss_name)
    return net


def weight_changes(weights: object) -> dict[str, float]:
    """``weights`` by link key ('w(X0->Z1)'), each one real number; else a BpkitError."""
    if not isinstance(weights, Mapping):
        raise BpkitError("weights must be a dict from link to number, such as "
                         f"{{'X0->Z1': 0.5, 'w(Z1->D0)': -1.2}}; got {weights!r:.60}")
    changes: dict[str, float] = {}
    for link, value in weights.items():
        key = naming.link_key(link)
        if key in changes:
            raise BpkitError(f"weights gives {key} twice ('X0->Z1' and 'w(X0->Z1)' name the "
                             "same link); give each link once")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise BpkitError(f"the weight {key} must be one number such as 0.5; "
                             f"got {value!r:.60}")
        changes[key] = value
    return changes


@dataclass(frozen=True)
class Settings:
    """Everything one explorer step depends on: equal settings always give the same trace."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    """Per non-input layer, as ``Network.activations``."""
    loss: str
    """'article' or 'squared'."""
    weights: tuple[tuple[str, float], ...]
    """(link, weight) for every link, e.g. ('w(X0->Z1)', 1.0), in the network's order."""
    lr: float
    sample: int
    """The XOR row the step is taken on."""

    @classmethod
    def of(cls, net: Network, lr: float = ALPHA, sample: int = 0) -> Settings:
        """A network's layout, loss and weights, with a learning rate and an XOR row (checked)."""
        links = [name for layer in explorable_network(net).link_names
                 for row in layer for name in row]
        lr = validate.positive_number(lr, "the learning rate (alpha)")
        sample = validate.index(sample, len(XOR_X), "sample",
                                f"the XOR data has {len(XOR_X)} rows")
        return cls(net.sizes, net.activations, net.loss_name,
                   tuple((name, net.weight(name)) for name in links), lr, sample)

    def network(self) -> Network:
        """A new network with these settings' layout, loss and weights."""
        net = Network(self.sizes, activation=list(self.activations[:-1]),
                      output_activation=self.activations[-1], loss=self.loss)
        for link, value in self.weights:
            net.set_weight(link, value)
        return net

    def changed(self, weights: Mapping[str, float] | None = None, lr: float | None = None,
                sample: int | None = None, loss: str | None = None) -> Settings:
        """These settings with some values changed, each checked (BpkitError if it is bad)."""
        net = replace(self, loss=self.loss if loss is None else explorable_loss(loss)).network()
        for link, value in weight_changes({} if weights is None else weights).items():
            net.set_weight(link, value)
        return Settings.of(net, self.lr if lr is None else lr,
                           self.sample if sample is None else sample)


@functools.lru_cache(maxsize=CACHE_SIZE)
def trace_for(settings: Settings) -> StepTrace:
    """The step an explorer shows for ``settings``: one gradient-descent step on its XOR row."""
    if not isinstance(settings, Settings):
        raise BpkitError(f"trace_for takes explorer Settings, such as Settings.of(net); "
                         f"got {settings!r:.60}")
    rows = slice(settings.sample, settings.sample + 1)
    return settings.network().step(XOR_X[rows], XOR_Y[rows], settings.lr)


CONTROLS_BY_PHASE = {"forward": ("sample",), "deltas": ("sample", "loss"),
                     "update": ("sample", "loss", "lr")}
"""The controls each view shows besides the weights: only those that change what it shows (the
forward pass depends on neither the loss nor alpha, the deltas not on alpha)."""


class Explorer(WidgetView):
    """Weight, learning-rate, sample and loss controls on one step of the article's network.

    It opens on the correct loss (``article_network("squared")``), with the article's sign one
    click away on the loss toggle wherever the sign changes what is shown.
    """

    def __init__(self, phase: str = "forward", large: bool | None = None,
                 net: Network | None = None) -> None:
        validate.phase(phase)
        base = article_network("squared") if net is None else explorable_network(net)
        self.phase = phase
        self.large = lecture.large(large)
        self.start = Settings.of(base)
        """Where the explorer starts and Reset returns: the network's weights, α = 0.1, row 0."""
        self.settings = self.start
        """The settings shown now."""
        self.trace = trace_for(self.start)
        """The step shown now."""
        self.diagram = NetworkDiagram(base.unit_names, large=self.large)
        self._syncing = False
        self._build_controls(base)
        self._show()

    # ----- controls ----------------------------------------------------------------------
    def _build_controls(self, base: Network) -> None:
        # a link's name, "X0->Z1", must fit beside its slider at the lecture view's 20 px too
        width, name_width = ("340px", "100px") if self.large else ("235px", "62px")
        self.sliders: dict[str, widgets.FloatSlider] = {}
        """One slider per weight, by link name ('w(X0->Z1)')."""
        groups = []
        for layer in base.link_names:
            for row in layer:
                target = naming.parse_link(row[0])[1]
                column: list[widgets.Widget] = [widgets.HTML(f"<b>weights into {target}</b>")]
                for link in row:
                    self.sliders[link] = widgets.FloatSlider(
                        min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1], step=0.1,
                        description="->".join(naming.parse_link(link)),
                        continuous_update=False, readout_format=".2f",
                        style={"description_width": name_width},
                        layout=widgets.Layout(width=width))
                    column.append(self.sliders[link])
                groups.append(widgets.VBox(column))
        self.lr_slider = widgets.FloatLogSlider(
            base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1], step=0.1,
            description="α (lr)", continuous_update=False, readout_format=".3g",
            layout=widgets.Layout(width="320px"))
        self.sample_picker = widgets.Dropdown(
            options=[(sample_label(i), i) for i in range(len(XOR_X))], description="sample",
            layout=widgets.Layout(width="220px"))
        self.loss_toggle = widgets.ToggleButtons(
            options=[(label, name) for name, label in CONVENTIONS.items()],
            tooltips=[OUTPUT_DELTA[name] for name in CONVENTIONS])
        start = self.start
        self.reset_button = widgets.Button(
            description="Reset", icon="undo",
            tooltip=f"back to the start: the first weights, α = {number(start.lr)}, "
                    f"sample {sample_label(start.sample)}, {CONVENTIONS[start.loss]}")
        self.image = widgets.Image(format="png", layout=picture_layout())
        """The diagram, replaced in place by a new PNG after every change."""
        self.readout = widgets.HTML()
        """The phase's numbers (under a message about a value that could not be used)."""
        self.readout.add_class("bpkit-readout")
        for control in [*self.sliders.values(), self.lr_slider, self.sample_picker,
                        self.loss_toggle]:
            control.observe(self._on_control, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        by_name = {"sample": self.sample_picker, "loss": self.loss_toggle, "lr": self.lr_slider}
        shown = [by_name[name] for name in CONTROLS_BY_PHASE[self.phase]]
        controls = widgets.HBox([*shown, self.reset_button],
                                layout=widgets.Layout(flex_flow="row wrap"))
        weights = widgets.VBox(groups, layout=widgets.Layout(flex="0 0 auto"))
        beside = widgets.HBox([weights, self.readout],  # a slider and its numbers on one screen
                              layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.widget = widgets.VBox([controls, beside, self.image])
        """The whole explorer, ready to display."""
        self.widget.add_class("bpkit-explorer")
        self.widget.add_class(f"bpkit-phase-{self.phase}")

    def _set_controls(self, settings: Settings) -> None:
        """Show ``settings`` on the controls, each slider's range its first one widened to fit."""
        self._syncing = True
        try:
            for link, value in settings.weights:
                _fit(self.sliders[link], value, value, WEIGHT_RANGE)
            _fit(self.lr_slider, settings.lr, math.log10(settings.lr), LR_EXPONENTS)
            self.sample_picker.value = settings.sample
            self.loss_toggle.value = settings.loss
        finally:
            self._syncing = False

    def _on_control(self, _change: Mapping[str, object]) -> None:
        """A learner moved a control: ``update`` with every control's value (a refusal is shown)."""
        if self._syncing:
            return
        with contextlib.suppress(BpkitError):  # update showed why and put the controls back
            self.update({link: slider.value for link, slider in self.sliders.items()},
                        self.lr_slider.value, self.sample_picker.value, self.loss_toggle.value)

    # ----- the Python entry points ---------------------------------------------------------
    def update(self, weights: Mapping[str, float] | None = None, lr: float | None = None,
               sample: int | None = None, loss: str | None = None) -> StepTrace:
        """Set any of the controls at once, recompute once, redraw once; return the trace.

        Weights are a dict by link, such as {'X0->Z1': 0.5, 'w(Z1->D0)': -1.2}. A value that
        cannot be used (a link that does not exist, a step that overflows, ...) raises a
        BpkitError, shows its message in the readout and leaves everything as it was.
        """
        try:
            settings = self.settings.changed(weights, lr, sample, loss)
            trace = trace_for(settings)
        except Exception as error:
            self._set_controls(self.settings)  # a control moved to the bad value goes back
            self.readout.value = self._readout(str(error))
            raise
        self.settings, self.trace = settings, trace
        self._show()
        return trace

    def reset(self) -> StepTrace:
        """Back to the start: the network's first weights, α = 0.1, sample (0, 0), its loss."""
        self.settings, self.trace = self.start, trace_for(self.start)
        self._show()
        return self.trace

    @property
    def weights(self) -> dict[str, float]:
        """The weights now, by link name ('w(X0->Z1)')."""
        return dict(self.settings.weights)

    # ----- display -----------------------------------------------------------------------
    def _show(self) -> None:
        """Show the settings on the controls and the trace on the diagram and the readout."""
        self._set_controls(self.settings)
        self.diagram.label(self.trace, self.phase)
        self.image.value = self.diagram.to_png()
        self.readout.value = self._readout()

    def _readout(self, refused: str = "") -> str:
        """The phase's numbers under a line saying what was stepped; a refusal above them."""
        trace, settings = self.trace, self.settings
        note = "" if not refused else (
            '<div style="color:#a50026;border:1px solid #a50026;padding:4px 8px;'
            f'margin-bottom:6px"><b>Not applied:</b> {html.escape(refused)}</div>')
        head = (f"<p>sample {html.escape(sample_label(settings.sample))} · α = "
                f"{number(trace.lr)} · {CONVENTIONS[settings.loss]}: "
                f"{OUTPUT_DELTA[settings.loss]}</p>")
        size = "1.45em" if self.large else "1em"
        body = f"{note}{head}{self._numbers()}"
        return f'<div style="font-size:{size};line-height:1.4">{body}</div>'

    def _numbers(self) -> str:
        """The phase's numbers as HTML: a table and a line or two around it."""
        trace, units = self.trace, self.trace.units.values()
        if self.phase == "forward":
            table = Table.of(["unit", "a (weighted sum)", "z (activation)"],
                             [[u.name, None if u.a is None else float(u.a[0]), float(u.z[0])]
                              for u in units])
            outputs = ", ".join(number(h) for h in trace.outputs[0])
            return f"{_html(table)}<p>output h = {outputs}</p>"
        if self.phase == "deltas":
            table = Table.of(["unit", "δ"], [[u.name, float(u.delta[0])]
                                             for u in units if u.delta is not None])
            return (f"<p>loss J = {number(trace.loss)}</p>{_html(table)}"
                    "<p>input and bias units have no δ</p>")
        change = "down" if trace.loss_after < trace.loss else "unchanged"
        if trace.loss_after > trace.loss:
            change = ("up: the article's sign steps uphill" if self.settings.loss == "article"
                      else "up: the step overshot the minimum (α too large)")
        return (f"<p>loss J before the step = {number(trace.loss)}, after = "
                f"{number(trace.loss_after)} ({change})</p>{_html(trace.table('links'))}")

    def static_html(self) -> str:
        """The diagram and the numbers as they are now, without the controls."""
        return f"{png_tag(self.image.value, f'the {self.phase} diagram')}{self.readout.value}"

    def __repr__(self) -> str:
        return f"Explorer(phase={self.phase!r}, sizes={list(self.settings.sizes)})"


def _fit(slider: widgets.FloatSlider | widgets.FloatLogSlider, value: float, position: float,
         first_range: tuple[float, float]) -> None:
    """Set ``value``, the range ``first_range`` stretched to whole numbers around ``position``."""
    low = min(first_range[0], math.floor(position))
    high = max(first_range[1], math.ceil(position))
    slider.min, slider.max = min(slider.min, low), max(slider.max, high)  # room for the value
    slider.value = value
    slider.min, slider.max = low, high


def _html(table: Table) -> str:
    """A readout table: the shared table's HTML, its columns spaced apart."""
    table_html = table.to_html(css_class="bpkit-readout-table")
    return f'<div style="border-spacing:10px 1px">{table_html}</div>'
