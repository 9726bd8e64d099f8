"""The playground: train live, pause anywhere, and see that moment's next step number by number.

``Playground()`` shows controls for the data set and the network, Play / Pause / Step / Reset,
four presets, and a live picture (``PlaygroundPicture``: boundary, hidden-unit maps, losses).
Play runs as an asyncio task on the kernel's own event loop: each frame does a few training
steps and one redraw, then yields, so the kernel handles Pause, a slider or a cell between
frames. Paused, it shows the trace of the next step (``TrainingRun.preview``, i.e.
``Network.preview_step`` on the next batch) on the network diagram, and the formulas of a
picked unit or link with its numbers (``steps.computations``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import time

import ipywidgets as widgets

from bpkit.core import naming, validate
from bpkit.core.computations import Computation, computations
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.lessons.datasets import DATASETS, MAX_NOISE, TEST_SHARE
from bpkit.core.lessons.playground import (
    ACTIVATION_CHOICES,
    INITS,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    PRESETS,
    PlaygroundSettings,
    TrainingRun,
)
from bpkit.core.naming import PHASES
from bpkit.core.trace import StepTrace
from bpkit.draw.diagram import NetworkDiagram
from bpkit.draw.playground import PlaygroundPicture
from bpkit.widgets.view import WidgetView, picture_layout, png_tag

FRAME_SECONDS = 1 / 30
"""The shortest time between frames while playing (about 30 frames a second at most)."""
STEPS_PER_FRAME = 20
"""Training steps between two frames, at the start (the speed slider changes it)."""
YIELD_SECONDS = 0.005
"""The least time each frame leaves the kernel's loop: sleep(0) lets a message (a Pause click)
advance one hop a frame, about 150 ms in all; a 5 ms sleep lets it through at once (~25 ms)."""
MAX_PLAY_SECONDS = 600
"""Play pauses itself after this long, so a notebook closed while playing stops training."""
WIDE = widgets.Layout(width="300px")


class Playground(WidgetView):
    """Train a small network live on a 2-D data set; pause to trace the next step."""

    cue = ("Where the playground starts: run the notebook (Run ▸ Run All Cells), then press "
           "Play.")

    def __init__(self, settings: PlaygroundSettings | None = None,
                 steps_per_frame: int = STEPS_PER_FRAME) -> None:
        self.run = TrainingRun(settings)
        self.steps_per_frame = validate.whole_number(steps_per_frame, "steps_per_frame", 1, 500)
        self.picture = PlaygroundPicture(self.run.settings.hidden)
        self.playing = False
        """True while the background task trains and redraws."""
        self.trace: StepTrace | None = None
        """The next step's trace while paused (None while playing or after a divergence)."""
        self._task: asyncio.Task | None = None
        self._diagram: NetworkDiagram | None = None
        self._syncing = False
        self._picking = False
        self._steps: dict[str, list[Computation]] = {}
        """Every computation of the paused step, by phase (worked out once per pause)."""
        self._make_controls()
        self._make_views()
        self.widget = widgets.VBox([self.controls, self.buttons, self.status, self.image,
                                    self.paused])
        self.widget.add_class("bpkit-playground")
        self._set_controls()
        self._draw()
        self._show_pause()

    # ----- building ---------------------------------------------------------------------------
    def _make_controls(self) -> None:
        s = self.run.settings
        self.dataset = widgets.Dropdown(options=DATASETS, value=s.dataset, description="data")
        self.noise = widgets.FloatSlider(value=s.noise, min=0, max=MAX_NOISE, step=0.05,
                                         description="noise", continuous_update=False)
        self.test_share = widgets.FloatSlider(value=s.test_share, min=TEST_SHARE[0],
                                              max=TEST_SHARE[1], step=0.1,
                                              description="test share",
                                              continuous_update=False)
        self.layers = widgets.IntSlider(value=len(s.hidden), min=1, max=MAX_HIDDEN_LAYERS,
                                        description="layers", continuous_update=False)
        self.units = widgets.IntSlider(value=s.hidden[0], min=1, max=MAX_UNITS,
                                       description="units", continuous_update=False)
        self.activation = widgets.Dropdown(options=ACTIVATION_CHOICES, value=s.activation,
                                           description="activation")
        self.lr = widgets.FloatLogSlider(value=s.lr, base=10, min=-4, max=1, step=0.05,
                                         description="α (lr)", continuous_update=False,
                                         readout_format=".3g")
        self.batch = widgets.IntSlider(value=s.batch, min=1, max=len(self.run.data.X_train),
                                       description="batch", continuous_update=False)
        self.init = widgets.Dropdown(options=INITS, value=s.init, description="init")
        self.scale = widgets.FloatSlider(value=s.scale, min=0, max=3, step=0.1,
                                         description="scale", continuous_update=False)
        self.speed = widgets.IntSlider(value=self.steps_per_frame, min=1, max=200,
                                       description="steps/frame", continuous_update=False)
        for control in (self.dataset, self.noise, self.test_share, self.layers, self.units,
                        self.activation, self.lr, self.batch, self.init, self.scale):
            control.layout = WIDE
            control.observe(self._on_control, names="value")
        self.speed.layout = WIDE
        self.speed.observe(self._on_speed, names="value")
        columns = [[self.dataset, self.noise, self.test_share, self.speed],
                   [self.layers, self.units, self.activation],
                   [self.lr, self.batch, self.init, self.scale]]
        self.controls = widgets.HBox([widgets.VBox(c) for c in columns],
                                     layout=widgets.Layout(flex_flow="row wrap"))
        self.play_button = widgets.Button(description="Play", icon="play")
        self.pause_button = widgets.Button(description="Pause", icon="pause")
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.play_button.on_click(lambda _b: self._quietly(self.play))
        self.pause_button.on_click(lambda _b: self._quietly(self.pause))
        self.step_button.on_click(lambda _b: self._quietly(self.step))
        self.reset_button.on_click(lambda _b: self._quietly(self.reset))
        presets = []
        for name, preset in PRESETS.items():
            button = widgets.Button(description=name, tooltip=preset.lesson,
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda _b, chosen=name: self._quietly(self.use_preset, chosen))
            presets.append(button)
        self.buttons = widgets.HBox([self.play_button, self.pause_button, self.step_button,
                                     self.reset_button, widgets.HTML("<b>presets:</b>"),
                                     *presets], layout=widgets.Layout(flex_flow="row wrap"))

    def _make_views(self) -> None:
        self.epoch_counter = widgets.HTML()
        """'epoch E · step S', and the losses."""
        self.epoch_counter.add_class("bpkit-playground-epoch")
        self.message = widgets.HTML()
        """How the run stands: diverged, a refused setting, or what was changed when."""
        self.message.add_class("bpkit-playground-message")
        self.status = widgets.VBox([self.epoch_counter, self.message])
        self.image = widgets.Image(format="png", layout=picture_layout())
        self.image.add_class("bpkit-playground-live")
        self.phase = widgets.ToggleButtons(options=PHASES, value="deltas",
                                           description="diagram")
        self.pick = widgets.Dropdown(description="unit/link", layout=WIDE)
        self.diagram = widgets.Image(format="png", layout=picture_layout())
        self.formula = widgets.HTMLMath()
        self.readout = widgets.HTML()
        """The picked unit's or link's numbers in this step, as plain text."""
        self.readout.add_class("bpkit-playground-readout")
        self.phase.observe(lambda _c: self._show_step(), names="value")
        self.pick.observe(lambda _c: self._show_step(), names="value")
        self.paused = widgets.VBox([widgets.HBox([self.phase, self.pick]), self.readout,
                                    self.formula, self.diagram])
        self.paused.add_class("bpkit-playground-paused")

    # ----- the controls -----------------------------------------------------------------------
    def _settings_from_controls(self) -> dict[str, object]:
        return {"dataset": self.dataset.value, "noise": self.noise.value,
                "test_share": self.test_share.value,
                "hidden": (self.units.value,) * self.layers.value,
                "activation": self.activation.value, "lr": self.lr.value,
                "batch": self.batch.value, "init": self.init.value, "scale": self.scale.value}

    def _on_control(self, _change: object) -> None:
        if self._syncing:
            return
        with contextlib.suppress(BpkitError):  # update said why and put the controls back
            self.update(**self._settings_from_controls())

    def _on_speed(self, change: dict[str, object]) -> None:
        self.steps_per_frame = int(change["new"])

    def _set_controls(self) -> None:
        """The controls as the run's settings say (after a preset, a reset or a refusal)."""
        s = self.run.settings
        self._syncing = True
        try:
            with self.widget.hold_sync():
                self.dataset.value, self.noise.value = s.dataset, s.noise
                self.test_share.value = s.test_share
                self.layers.value, self.units.value = len(s.hidden), s.hidden[0]
                self.activation.value, self.lr.value = s.activation, s.lr
                self.batch.max = len(self.run.data.X_train)
                self.batch.value = min(s.batch, self.batch.max)
                self.init.value, self.scale.value = s.init, s.scale
        finally:
            self._syncing = False

    # ----- what a learner does ----------------------------------------------------------------
    def update(self, **settings: object) -> PlaygroundSettings:
        """Change settings, playing or paused (``PlaygroundSettings`` names); return them.

        A new data set or activation keeps the weights and trains on; a new layout, init,
        scale or seed starts again. A refused value is named in the message, nothing changes.
        """
        try:
            self.run.change(**settings)
        except BpkitError as error:
            self.message.value = _note(f"Not applied: {error}")
            self._set_controls()
            raise
        self._set_controls()
        self._after_change()
        return self.run.settings

    def use_preset(self, name: str) -> PlaygroundSettings:
        """Start again from one of ``PRESETS`` (paused at epoch 0, or playing on if playing)."""
        if not isinstance(name, str) or name not in PRESETS:
            raise BpkitError(f"unknown preset {name!r:.40}: expected one of {', '.join(PRESETS)}")
        self.run = TrainingRun(PRESETS[name].settings)
        self._set_controls()
        self._after_change(f"preset <b>{html.escape(name)}</b>: "
                           f"{html.escape(PRESETS[name].lesson)}")
        return self.run.settings

    def reset(self) -> None:
        """Start again with the same settings: the same starting weights and data, epoch 0."""
        self.run = TrainingRun(self.run.settings)
        self._after_change()

    def step(self) -> StepTrace | None:
        """Pause if playing, then take the step shown (one ``Network.step``); its trace."""
        self.pause()
        if self.run.diverged:
            self._show_pause()
            return None
        trace = self.run.step()
        self.run.observe()
        self._draw()
        self._show_pause()
        return trace

    def frame(self) -> bool:
        """One frame of Play: ``steps_per_frame`` steps, then a redraw; False once diverged."""
        if not self.run.diverged:
            self.run.advance(self.steps_per_frame)
            self.run.observe()
        self._draw()
        return not self.run.diverged

    def play(self, frames: int | None = None) -> None:
        """Train and redraw, frame after frame, until Pause (or ``frames`` frames, at once).

        Without ``frames``, play runs as a task on the kernel's event loop and returns at
        once; ``frames=n`` plays n frames before returning (for scripts and tests).
        """
        if frames is not None:
            count = validate.whole_number(frames, "frames", 1, 10_000)
            self.pause()
            for _ in range(count):
                if not self.frame():
                    break
            self._show_pause()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise BpkitError("Play in the background needs a running event loop (a Jupyter "
                             "kernel has one); from a script, give frames=n") from None
        if self._task is None or self._task.done():
            self.playing = True
            self.trace = None
            self.paused.layout.display = "none"
            self._task = loop.create_task(self._play_loop())

    async def _play_loop(self) -> None:
        """Frames until paused, diverged, closed or ``MAX_PLAY_SECONDS`` have passed."""
        started = time.perf_counter()
        stopped_itself = False
        try:
            while self.playing and self.widget.comm is not None:  # None: the widget closed
                begun = time.perf_counter()
                try:
                    going = self.frame()
                except BpkitError as error:  # e.g. a picture that cannot be drawn: say so, stop
                    self.message.value = _note(str(error))
                    going = False
                if not going:
                    stopped_itself = True
                    break
                if begun - started > MAX_PLAY_SECONDS:
                    self.message.value = _note(f"paused after {MAX_PLAY_SECONDS // 60} minutes "
                                               "of play: press Play to go on")
                    stopped_itself = True
                    break
                await asyncio.sleep(max(YIELD_SECONDS,
                                        FRAME_SECONDS - (time.perf_counter() - begun)))
        finally:
            self.playing = False
            if self._task is asyncio.current_task():
                self._task = None
        if stopped_itself:
            self._show_pause()

    def pause(self) -> None:
        """Stop playing (the frame being drawn is the last); show the next step's trace."""
        was_playing, self.playing = self.playing, False
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        if was_playing:
            self._show_pause()

    def pick_item(self, name: str) -> list[Computation]:
        """Show the formulas of one unit ('Z1') or link ('w(X0->Z1)') in the paused step."""
        if self.trace is None:
            raise BpkitError("nothing to pick while playing or after a divergence: pause first "
                             "(or reset a diverged run)")
        if isinstance(name, str) and "->" in name:
            name = naming.link_key(name)
        if not isinstance(name, str) or name not in self.pick.options:
            raise BpkitError(f"no unit or link {name!r:.40} in this network: names look like "
                             f"{', '.join(self.pick.options[:3])}")
        self.pick.value = name
        return self.picked()

    def picked(self) -> list[Computation]:
        """Every computation of the next step about the picked unit or link, in order."""
        if self.trace is None or self.pick.value is None:
            return []
        return [c for phase in PHASES for c in self._steps[phase] if c.name == self.pick.value]

    # ----- showing ----------------------------------------------------------------------------
    def _quietly(self, action: object, *args: object) -> None:
        """A button's action: a refusal is already shown in the message."""
        with contextlib.suppress(BpkitError):
            action(*args)

    def _after_change(self, said: str = "") -> None:
        if self.picture.hidden != self.run.net.sizes[1:-1]:
            self.picture = PlaygroundPicture(self.run.net.sizes[1:-1])
        self._draw(said)
        if not self.playing:
            self._show_pause()

    def _draw(self, said: str = "") -> None:
        """The live picture, the epoch counter and the message, as the run is now."""
        run = self.run
        with self.widget.hold_sync():
            self.image.value = self.picture.png(run)
            self.epoch_counter.value = (f"<b>epoch {run.epoch}</b> · step {run.steps} · "
                                        f"{html.escape(_losses(run))}")
            if run.diverged:
                self.message.value = _note(run.message)
            elif said:
                self.message.value = f"<p>{said}</p>"
            elif run.log:
                self.message.value = f"<p>changed: {html.escape(' · '.join(run.log[-4:]))}</p>"
            else:
                self.message.value = ""

    def _show_pause(self) -> None:
        """The next step's trace: the diagram, the pick list, the picked formulas."""
        self.trace = None if self.run.diverged else self.run.preview()
        self.paused.layout.display = None
        if self.trace is None:
            self.readout.value = "<p>no next step: the run diverged. Reset, or lower α.</p>"
            self.formula.value, self.diagram.value = "", b""
            return
        self._steps = {phase: computations(self.trace, phase) for phase in PHASES}
        names = list(dict.fromkeys(c.name for phase in PHASES for c in self._steps[phase]))
        keep = self.pick.value if self.pick.value in names else names[0]
        self._picking = True
        try:
            with self.widget.hold_sync():
                self.pick.options = names
                self.pick.value = keep
        finally:
            self._picking = False
        self._show_step()

    def _show_step(self) -> None:
        """The diagram in the chosen phase, the picked item highlighted, and its formulas."""
        if self.trace is None or self._picking:
            return
        unit_names = [list(names) for names in self.trace.unit_names]
        if self._diagram is None or self._diagram.unit_names != unit_names:
            self._diagram = NetworkDiagram(unit_names)
        chosen = self.picked()
        self._diagram.label(self.trace, self.phase.value, 0, highlight=self.pick.value)
        batch = self.trace.n_samples
        self.readout.value = (
            f"<p><b>paused: the next step</b>, on a batch of {batch} sample(s); per-sample "
            f"numbers are for sample 1 of it.</p>"
            + "".join(f"<div>{html.escape(c.kind)} of {html.escape(c.name)}: "
                      f"<b>{number(c.value)}</b></div>" for c in chosen))
        self.formula.value = "".join(
            f"<div>$${html.escape(c.formula, quote=False)}$$"
            f"$${html.escape(c.substituted, quote=False)}$$</div>" for c in chosen)
        self.diagram.value = self._diagram.to_png()

    def static_html(self) -> str:
        """The live picture and the counter as they are now, without the controls."""
        return (f"<p>{self.epoch_counter.value}</p>"
                f"{png_tag(self.image.value, 'boundary, hidden units and loss')}")

    def __repr__(self) -> str:
        state = "playing" if self.playing else "paused"
        return f"Playground({self.run.data.name!r}, {list(self.run.net.sizes)}, {state})"


def _losses(run: TrainingRun) -> str:
    """The latest train and test loss, as a line."""
    if not run.record:
        return ""
    _, train, test = run.record[-1]
    return f"train loss {number(train)} · test loss {number(test)}"


def _note(text: str) -> str:
    """A message in a red box: a divergence or a refused setting."""
    return ('<div style="color:#a50026;border:1px solid #a50026;padding:4px 8px">'
            f"{html.escape(text)}</div>")
