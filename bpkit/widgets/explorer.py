"""Sliders for every weight and the learning rate: move one, see a step's numbers change.

``Explorer("forward")`` shows the article's network on one XOR sample with a slider per weight;
``Explorer("forward", net=mazur_network(), X=MAZUR_X, Y=MAZUR_Y, lr=0.5)`` any network on its
own samples. Every control feeds one function, ``trace_for(settings)``: the gradient-descent
step those settings give, computed once and then remembered. The diagram and a readout of the
phase's numbers are drawn from that trace. ``explorer.update(...)`` does the same from Python,
so the numbers can be checked without a browser; a value it cannot use raises a BpkitError and
leaves the explorer as it was (moved by hand, the control goes back and the readout says why).

A weight slider updates while it is dragged. That cannot pile up work: ipywidgets sends a
slider's newest value only once the kernel has answered the last one. The α slider updates on
release, so a value typed into its box is taken as typed.
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
import numpy as np

from bpkit.core import naming, validate
from bpkit.core.article import ALPHA, CONVENTIONS, XOR_X, XOR_Y, article_network
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.functions import LOSSES
from bpkit.core.network import Network, checked_network
from bpkit.core.table import Table
from bpkit.core.trace import StepTrace
from bpkit.draw import lecture
from bpkit.draw.diagram import NetworkDiagram
from bpkit.widgets.view import WidgetView, picture_layout, svg_tag

OUTPUT_DELTA = {name: f"δ(D0) = {LOSSES[name].output_delta}" for name in CONVENTIONS}
"""The output delta each loss of the toggle gives (``CONVENTIONS`` names the losses)."""
WEIGHT_RANGE = (-3.0, 3.0)
LR_EXPONENTS = (-3.0, 1.0)
"""The learning-rate slider runs from 10^-3 to 10^1."""
CACHE_SIZE = 256
"""How many steps ``trace_for`` remembers."""
MAX_SAMPLES = 100
"""The most samples an explorer's sample picker offers."""
WEIGHT_STEPS = (0.1, 0.05, 0.01)
"""A weight slider moves by the largest of these on whose multiples every start weight lies."""


def row_label(inputs: object, targets: object) -> str:
    """A sample as a learner reads it: '(0, 1) -> 1', or '(0.05, 0.1) -> (0.01, 0.99)'."""
    x = ", ".join(number(float(v)) for v in np.ravel(inputs))
    y = [number(float(v)) for v in np.ravel(targets)]
    return f"({x}) -> {y[0] if len(y) == 1 else '(' + ', '.join(y) + ')'}"


def sample_label(index: int) -> str:
    """An XOR row as a learner reads it, e.g. '(0, 1) -> 1' (the sample picker's labels)."""
    return row_label(XOR_X[index], XOR_Y[index])


@dataclass(frozen=True)
class Samples:
    """The samples an explorer steps on, one at a time, kept as tuples (settings are remembered).

    ``article`` marks the article's XOR rows: only there does the loss toggle offer the
    article's sign beside the correct one.
    """

    inputs: tuple[tuple[float, ...], ...]
    targets: tuple[tuple[float, ...], ...]
    article: bool = False

    @classmethod
    def of(cls, net: Network, X: object, Y: object) -> Samples:
        """A network's own samples, checked against it; the article's sign is refused here."""
        if X is None or Y is None:
            raise BpkitError("give both X and Y (the samples to step on, such as MAZUR_X and "
                             "MAZUR_Y), or neither for the article's XOR rows")
        net = checked_network(net)
        if net.loss_name == "article":
            raise BpkitError("loss='article' replays the article's sign on its XOR example: "
                             "leave out X and Y to explore it there (the loss toggle offers "
                             "it), or give your samples a network with loss='squared'")
        inputs, targets = validate.samples(X, Y, net.sizes[0], net.sizes[-1])
        if len(inputs) > MAX_SAMPLES:
            raise BpkitError(f"an explorer steps on one sample at a time, picked from at most "
                             f"{MAX_SAMPLES}; X has {len(inputs)}: give a few rows")
        return cls(tuple(map(tuple, inputs.tolist())), tuple(map(tuple, targets.tolist())))

    def __len__(self) -> int:
        return len(self.inputs)

    def fitted(self, net: object) -> Network:
        """``net`` if these (already checked) samples fit its layout and loss, else a BpkitError.

        A slider move calls this: it compares widths only, the values were checked once. The
        article's rows take a network the article's loss toggle can step (``explorable_network``).
        """
        if self.article:
            return explorable_network(net)
        net = checked_network(net)
        if net.loss_name == "article" or (len(self.inputs[0]), len(self.targets[0])) != (
                net.sizes[0], net.sizes[-1]):
            Samples.of(net, self.inputs, self.targets)  # refuses, naming what does not fit
        return net

    def label(self, index: int) -> str:
        """Sample ``index`` as the sample picker writes it."""
        return row_label(self.inputs[index], self.targets[index])

    def rows(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Sample ``index`` as a batch of one: inputs (1, n_in) and targets (1, n_out)."""
        return np.array(self.inputs[index:index + 1]), np.array(self.targets[index:index + 1])


XOR_SAMPLES = Samples(tuple(map(tuple, XOR_X.tolist())), tuple(map(tuple, XOR_Y.tolist())),
                      article=True)
"""The article's four XOR rows, where the explorer starts unless given samples."""


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
    """The row of ``samples`` the step is taken on."""
    samples: Samples = XOR_SAMPLES
    """The samples to pick from: the XOR rows unless the explorer was given its own."""

    @classmethod
    def of(cls, net: Network, lr: float = ALPHA, sample: int = 0,
           samples: Samples | None = None) -> Settings:
        """A network's layout, loss and weights, with a learning rate and a row (checked)."""
        samples = XOR_SAMPLES if samples is None else samples
        net = samples.fitted(net)
        links = [name for layer in net.link_names for row in layer for name in row]
        lr = validate.positive_number(lr, "the learning rate (alpha)")
        has = (f"the XOR data has {len(samples)} rows" if samples.article
               else f"the explorer has {len(samples)} sample(s)")
        sample = validate.index(sample, len(samples), "sample", has)
        return cls(net.sizes, net.activations, net.loss_name,
                   tuple((name, net.weight(name)) for name in links), lr, sample, samples)

    def network(self) -> Network:
        """A new network with these settings' layout, loss and weights."""
        net = Network(self.sizes, activation=list(self.activations[:-1]),
                      output_activation=self.activations[-1], loss=self.loss)
        for link, value in self.weights:
            net.set_weight(link, value)
        return net

    def changed(self, weights: Mapping[str, float] | None = None, lr: float | None = None,
                sample: int | None = None, loss: str | None = None) -> Settings:
        """These settings with some values changed, each checked (BpkitError if it is bad).

        The loss changes only on the article's XOR rows (its sign or the correct one); with
        other samples the network keeps its own loss.
        """
        if loss is not None and not self.samples.article and loss != self.loss:
            raise BpkitError(f"this explorer has no loss toggle: it steps on its own samples "
                             f"with the network's loss {self.loss!r}; got loss={loss!r:.40}")
        if loss is not None:
            loss = explorable_loss(loss) if self.samples.article else self.loss
        net = replace(self, loss=self.loss if loss is None else loss).network()
        for link, value in weight_changes({} if weights is None else weights).items():
            net.set_weight(link, value)
        return Settings.of(net, self.lr if lr is None else lr,
                           self.sample if sample is None else sample, self.samples)


@functools.lru_cache(maxsize=CACHE_SIZE)
def trace_for(settings: Settings) -> StepTrace:
    """The step an explorer shows for ``settings``: one gradient-descent step on its row."""
    if not isinstance(settings, Settings):
        raise BpkitError(f"trace_for takes explorer Settings, such as Settings.of(net); "
                         f"got {settings!r:.60}")
    return settings.network().step(*settings.samples.rows(settings.sample), settings.lr)


CONTROLS_BY_PHASE = {"forward": ("sample",), "deltas": ("sample", "loss"),
                     "update": ("sample", "loss", "lr")}
"""The controls each view shows besides the weights: only those that change what it shows (the
forward pass depends on neither the loss nor alpha, the deltas not on alpha)."""


class Explorer(WidgetView):
    """Weight, learning-rate, sample and loss controls on one step of a network.

    By default the article's network on its XOR rows: it opens on the correct loss
    (``article_network("squared")``), with the article's sign one click away on the loss toggle
    wherever the sign changes what is shown. Given ``X`` and ``Y`` (and the ``net`` to step on
    them), any network on its own samples, with its own loss and no toggle. ``lr`` is where the
    learning rate starts (α = 0.1 unless given).
    """

    def __init__(self, phase: str = "forward", large: bool | None = None,
                 net: Network | None = None, X: object = None, Y: object = None,
                 lr: float | None = None) -> None:
        validate.phase(phase)
        if X is None and Y is None:
            samples = XOR_SAMPLES
            base = article_network("squared") if net is None else explorable_network(net)
        elif net is None:
            raise BpkitError("with your own X and Y, give the network to step on them too, "
                             "such as Explorer('forward', net=mazur_network(), X=MAZUR_X, "
                             "Y=MAZUR_Y)")
        else:
            samples = Samples.of(net, X, Y)
            base = net
        self.phase = phase
        self.large = lecture.large(large)
        self.start = Settings.of(base, ALPHA if lr is None else lr, 0, samples)
        """Where the explorer starts and Reset returns: the network's weights, α, row 0."""
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
        step = _weight_step(value for _, value in self.start.weights)
        for layer in base.link_names:
            for row in layer:
                target = naming.parse_link(row[0])[1]
                column: list[widgets.Widget] = [widgets.HTML(f"<b>weights into {target}</b>")]
                for link in row:
                    self.sliders[link] = widgets.FloatSlider(
                        min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1], step=step,
                        description="->".join(naming.parse_link(link)),
                        continuous_update=True, readout_format=".2f",  # live while dragged
                        style={"description_width": name_width},
                        layout=widgets.Layout(width=width))
                    column.append(self.sliders[link])
                groups.append(widgets.VBox(column))
        self.lr_slider = widgets.FloatLogSlider(
            base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1], step=0.1,
            description="α (lr)", continuous_update=False, readout_format=".3g",
            layout=widgets.Layout(width="320px"))
        samples = self.start.samples
        self.sample_picker = widgets.Dropdown(
            options=[(samples.label(i), i) for i in range(len(samples))], description="sample",
            layout=widgets.Layout(width="220px" if samples.article else "320px"))
        toggled = CONVENTIONS if samples.article else {self.start.loss: _loss_words(self.start)}
        self.loss_toggle = widgets.ToggleButtons(
            options=[(label, name) for name, label in toggled.items()],
            tooltips=[OUTPUT_DELTA.get(name, label) for name, label in toggled.items()])
        start = self.start
        self.reset_button = widgets.Button(
            description="Reset", icon="undo",
            tooltip=f"back to the start: the first weights, α = {number(start.lr)}, "
                    f"sample {samples.label(start.sample)}, {_loss_words(start)}")
        self.image = widgets.Image(format="svg+xml", layout=picture_layout())
        """The diagram, replaced in place by a new SVG after every change."""
        self.readout = widgets.HTML()
        """The phase's numbers (under a message about a value that could not be used)."""
        self.readout.add_class("bpkit-readout")
        for control in [*self.sliders.values(), self.lr_slider, self.sample_picker,
                        self.loss_toggle]:
            control.observe(self._on_control, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        by_name = {"sample": self.sample_picker, "loss": self.loss_toggle, "lr": self.lr_slider}
        offered = {"sample": len(samples) > 1, "loss": samples.article, "lr": True}
        shown = [by_name[name] for name in CONTROLS_BY_PHASE[self.phase] if offered[name]]
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
        """Back to the start: the network's first weights, its first α, sample and loss."""
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
        self.readout.value = self._readout()  # the numbers first; the diagram follows
        self.diagram.label(self.trace, self.phase)
        self.image.value = self.diagram.to_svg()

    def _readout(self, refused: str = "") -> str:
        """The phase's numbers under a line saying what was stepped; a refusal above them."""
        trace, settings = self.trace, self.settings
        note = "" if not refused else (
            '<div style="color:#a50026;border:1px solid #a50026;padding:4px 8px;'
            f'margin-bottom:6px"><b>Not applied:</b> {html.escape(refused)}</div>')
        said = (f"{CONVENTIONS[settings.loss]}: {OUTPUT_DELTA[settings.loss]}"
                if settings.samples.article else _loss_words(settings))
        head = (f"<p>sample {html.escape(settings.samples.label(settings.sample))} · α = "
                f"{number(trace.lr)} · {html.escape(said)}</p>")
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
        return f"{svg_tag(self.image.value, f'the {self.phase} diagram')}{self.readout.value}"

    def __repr__(self) -> str:
        return f"Explorer(phase={self.phase!r}, sizes={list(self.settings.sizes)})"


def _loss_words(settings: Settings) -> str:
    """The loss as the readout names it, e.g. 'correct sign' or 'squared loss, sigmoid outputs'.

    On the article's XOR rows, its sign or the correct one; else the network's own loss and
    output activation.
    """
    if settings.samples.article:
        return CONVENTIONS[settings.loss]
    outputs = "output" if settings.sizes[-1] == 1 else "outputs"
    return f"{settings.loss} loss, {settings.activations[-1]} {outputs}"


def _weight_step(values: object) -> float:
    """The largest of WEIGHT_STEPS on whose multiples every value lies (else the smallest)."""
    values = list(values)
    for step in WEIGHT_STEPS:
        if all(abs(v / step - round(v / step)) < 1e-9 for v in values):
            return step
    return WEIGHT_STEPS[-1]


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
