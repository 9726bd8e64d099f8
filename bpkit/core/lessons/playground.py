"""A training run that moves a step at a time: the playground's state, without any widget.

``TrainingRun(PlaygroundSettings(...))`` holds a network, a data set and the run's record:
epochs and steps done, the train and test loss, and what was changed when. Every update is
``Network.step`` on the next mini-batch, so ``preview()`` (``Network.preview_step`` on that
same batch) is exactly the step the next ``step()`` takes. A step that overflows stops the run
with "diverged at epoch N"; the weights stay those from before it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.lessons.datasets import DATASETS, MAX_NOISE, TEST_SHARE, Dataset, make_dataset
from bpkit.core.network import Network
from bpkit.core.trace import StepTrace

ACTIVATION_CHOICES = ("identity", "sigmoid", "tanh", "relu")
"""The hidden units' activations on offer (the output is f(a) = a, the loss squared)."""
INITS = ("equal", "random")
"""'equal': every weight is ``scale`` (the article: 1); 'random': uniform in [-scale, scale]."""
MAX_HIDDEN_LAYERS, MAX_UNITS = 3, 8
LR_RANGE = (1e-4, 10.0)
"""The smallest and largest learning rate the playground takes."""
MAX_SCALE = 10.0
"""The largest starting weight (equal) or spread (random)."""
ARCHITECTURE = ("hidden", "init", "scale", "seed")
"""Settings that make a new network: changing one starts the run again."""
DATA = ("dataset", "noise", "test_share")
"""Settings that make a new data set: the network keeps its weights and trains on."""
ROUNDING_LOSS = (100 * float(np.finfo(float).eps)) ** 2
"""A squared loss below this, about 4.9e-28, is 0 up to rounding: every |h - y| is then under
100 float steps at 1 (2.2e-14), where a float near 1 keeps about 16 digits."""


def loss_text(loss: float) -> str:
    """A loss as a learner reads it: ``number(loss)``, or "0 up to rounding" below ROUNDING_LOSS.

    A run that fits its targets ends with a loss such as 4e-31, rounding and not a meaningful
    size, so it is shown as 0 up to rounding.
    """
    value = validate.real_number(loss, "loss", "a loss, such as history.losses[-1]")
    if value < 0:
        raise BpkitError(f"a loss is never below 0; got {value:g}")
    return "0 up to rounding" if value < ROUNDING_LOSS else number(value)


@dataclass(frozen=True)
class PlaygroundSettings:
    """What a playground run is made of: data set, network, and how it trains."""

    dataset: str = "xor cloud"
    noise: float = 0.1
    test_share: float = 0.5
    hidden: tuple[int, ...] = (4,)
    """Units per hidden layer: 1 to 3 layers of 1 to 8 units."""
    activation: str = "tanh"
    lr: float = 0.1
    batch: int = 10
    """Samples per step; a batch as large as the training set is full-batch descent."""
    init: str = "random"
    scale: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.dataset, str) or self.dataset not in DATASETS:
            raise BpkitError(f"unknown data set {self.dataset!r:.40}: expected one of "
                             f"{', '.join(DATASETS)}")
        noise = validate.real_number(self.noise, "noise", f"a number from 0 to {MAX_NOISE}")
        share = validate.real_number(self.test_share, "test_share", "a share of the points")
        _in_range(noise, 0.0, MAX_NOISE, "noise")
        _in_range(share, *TEST_SHARE, "test_share (the share of points kept for testing)")
        hidden = checked_hidden(self.hidden)
        if not isinstance(self.activation, str) or self.activation not in ACTIVATION_CHOICES:
            raise BpkitError(f"unknown activation {self.activation!r:.40}: expected one of "
                             f"{', '.join(ACTIVATION_CHOICES)}")
        lr = validate.positive_number(self.lr, "the learning rate (alpha)")
        _in_range(lr, *LR_RANGE, "the learning rate (alpha)")
        batch = validate.whole_number(self.batch, "batch (samples per step)", 1, 5_000)
        if not isinstance(self.init, str) or self.init not in INITS:
            raise BpkitError(f"init must be 'equal' (every weight = scale, as in the article) "
                             f"or 'random' (uniform in [-scale, scale]); got {self.init!r:.40}")
        scale = validate.real_number(self.scale, "scale", f"a number from 0 to {MAX_SCALE}")
        _in_range(scale, 0.0, MAX_SCALE, "scale (the starting weight or spread)")
        seed = validate.whole_number(self.seed, "seed", 0, 2**32 - 1, "it seeds numpy")
        for name, value in (("noise", noise), ("test_share", share), ("hidden", hidden),
                            ("lr", lr), ("batch", batch), ("scale", scale), ("seed", seed)):
            object.__setattr__(self, name, value)

    def changed(self, **changes: object) -> PlaygroundSettings:
        """These settings with some changed, each checked (unknown names are refused)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise BpkitError(f"unknown setting(s) {', '.join(sorted(map(str, unknown)))}: "
                             f"expected {', '.join(f.name for f in dataclasses.fields(self))}")
        return dataclasses.replace(self, **changes)

    def network(self) -> Network:
        """A new network with these settings: 2 inputs, the hidden layers, one output."""
        sizes = [2, *self.hidden, 1]
        if self.init == "equal":
            return Network(sizes, self.activation, weights=self.scale)
        net = Network(sizes, self.activation, weights="random", seed=self.seed)
        net.weights = [w * self.scale for w in net.weights]
        return net

    def data(self) -> Dataset:
        """The data set these settings name, with their noise, split and seed."""
        return make_dataset(self.dataset, self.noise, self.test_share, seed=self.seed)


def _in_range(value: float, low: float, high: float, what: str) -> None:
    if not low <= value <= high:
        raise BpkitError(f"{what} must be from {low:g} to {high:g}; got {value:g}")


def checked_hidden(hidden: object) -> tuple[int, ...]:
    """Units per hidden layer as a tuple: 1 to 3 layers, each of 1 to 8 units."""
    if (isinstance(hidden, (str, bytes)) or not isinstance(hidden, (tuple, list))
            or not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS):
        raise BpkitError(f"hidden must list the units of 1 to {MAX_HIDDEN_LAYERS} hidden "
                         f"layers, such as (4,) or (8, 8); got {hidden!r:.40}")
    return tuple(validate.whole_number(units, f"hidden[{i}] (units)", 1, MAX_UNITS)
                 for i, units in enumerate(hidden))


@dataclass(frozen=True)
class Preset:
    """A setting that shows one lesson of 06 and 07, and what to watch for."""

    settings: PlaygroundSettings
    lesson: str


_XOR_ARTICLE = PlaygroundSettings("xor", 0.0, 0.5, (3,), "identity", 0.1, 4, "equal", 1.0)
PRESETS: dict[str, Preset] = {
    "linear stuck at 0.5": Preset(
        _XOR_ARTICLE,
        "f(a) = a: the net is one plane, and the best plane on XOR says 0.5 everywhere."),
    "equal start stays symmetric": Preset(
        _XOR_ARTICLE.changed(activation="tanh", lr=0.5),
        "Every weight starts at 1: Z1, Z2 and Z3 get equal deltas and stay identical."),
    "diverging rate": Preset(
        _XOR_ARTICLE.changed(lr=0.5),
        "alpha = 0.5 overshoots further each step, until the loss overflows."),
    "sigmoid plateau": Preset(
        _XOR_ARTICLE.changed(activation="sigmoid", init="random", seed=1),
        "The loss sits near 0.125, the best plane's, for thousands of epochs, then drops."),
}
"""The playground's one-click settings, by name (the lessons of 06 and 07)."""


class TrainingRun:
    """A network training on a data set one mini-batch step at a time, and its record."""

    loss_text = staticmethod(loss_text)
    """``TrainingRun.loss_text(loss)``: a loss as the run's message writes it (see loss_text)."""

    def __init__(self, settings: PlaygroundSettings | None = None) -> None:
        self._start(PlaygroundSettings() if settings is None else validate.instance(
            settings, PlaygroundSettings, "settings", "PlaygroundSettings(...)"))

    def _start(self, settings: PlaygroundSettings) -> None:
        """A fresh run: new data, new starting weights, nothing done yet."""
        self.settings = settings
        self.data = self.settings.data()
        self.net = self.settings.network()
        self.epoch = 0
        """Epochs completed: passes over the whole training set."""
        self.steps = 0
        """Updates made since the start."""
        self.position = 0
        """Samples of the current epoch already used."""
        self.diverged_at: int | None = None
        """The epoch whose step overflowed, or None while the run is healthy."""
        self.record: list[tuple[float, float, float]] = []
        """(epochs as a fraction, train loss, test loss), one entry per ``observe``."""
        self.log: list[str] = []
        """What was changed during the run, at which step, e.g. 'step 120: activation relu'."""
        self._order = self._shuffled()
        self.observe()

    # ----- the batches ---------------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        """Samples in a step: the batch setting, at most the whole training set."""
        return min(self.settings.batch, len(self.data.X_train))

    def _shuffled(self) -> np.ndarray:
        """The order of the training points for this epoch (seeded by the seed and the epoch)."""
        n = len(self.data.X_train)
        if self.batch_size >= n:
            return np.arange(n)
        return np.random.default_rng((self.settings.seed, self.epoch)).permutation(n)

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The inputs and targets the next step trains on."""
        chosen = self._order[self.position:self.position + self.batch_size]
        return self.data.X_train[chosen], self.data.Y_train[chosen]

    @property
    def epochs(self) -> float:
        """Epochs done, counting the part of the current one."""
        return self.epoch + self.position / len(self.data.X_train)

    # ----- training -------------------------------------------------------------------------
    @property
    def diverged(self) -> bool:
        """True once a step has overflowed: the run does no more steps until it is reset."""
        return self.diverged_at is not None

    def preview(self) -> StepTrace:
        """The next step's trace (``Network.preview_step`` on the next batch); no weight moves."""
        self._refuse_if_diverged()
        return self.net.preview_step(*self.next_batch(), self.settings.lr)

    def step(self) -> StepTrace | None:
        """One update, ``Network.step`` on the next batch; None if it diverged (weights kept)."""
        self._refuse_if_diverged()
        try:
            trace = self.net.step(*self.next_batch(), self.settings.lr)
        except BpkitError:
            self.diverged_at = self.epoch + 1
            return None
        self.steps += 1
        self.position += trace.n_samples
        if self.position >= len(self.data.X_train):
            self.epoch, self.position = self.epoch + 1, 0
            self._order = self._shuffled()
        return trace

    def advance(self, steps: int) -> int:
        """Up to ``steps`` updates (fewer if the run diverges); the number made."""
        count = validate.whole_number(steps, "steps", 1, 100_000)
        done = 0
        while done < count and not self.diverged:
            if self.step() is not None:
                done += 1
        return done

    def _refuse_if_diverged(self) -> None:
        if self.diverged:
            raise BpkitError(f"{self.message}: reset the run (or pick a smaller learning "
                             f"rate) to train again")

    def observe(self) -> tuple[float, float]:
        """Record the loss on the training and the test set now; return (train, test).

        A loss that overflows ends the run as diverged (in the epoch running now).
        """
        try:
            train = self.net.loss(self.data.X_train, self.data.Y_train)
            test = self.net.loss(self.data.X_test, self.data.Y_test)
        except BpkitError:
            self.diverged_at = self.epoch + 1
            return (float("inf"), float("inf"))
        self.record.append((self.epochs, train, test))
        return train, test

    @property
    def message(self) -> str:
        """One line: where the run is, or that it diverged."""
        if self.diverged_at is not None:
            return (f"diverged at epoch {self.diverged_at} (lr = {self.settings.lr:g}): the "
                    f"loss overflowed; the weights are kept from before that step")
        _, train, test = self.record[-1]
        return (f"epoch {self.epoch}, step {self.steps}: train loss {loss_text(train)}, "
                f"test loss {loss_text(test)}")

    # ----- changes during a run -------------------------------------------------------------
    def change(self, **changes: object) -> None:
        """Change settings mid-run (``PlaygroundSettings`` names); a refusal changes nothing.

        A new data set or activation keeps the weights and trains on; a new layout, init,
        scale or seed starts the run again.
        """
        new = self.settings.changed(**changes)
        if new == self.settings:
            return
        if any(getattr(new, name) != getattr(self.settings, name) for name in ARCHITECTURE):
            self._start(new)
            return
        data = new.data() if any(getattr(new, n) != getattr(self.settings, n)
                                 for n in DATA) else self.data
        net = self.net
        if new.activation != self.settings.activation:
            net = Network(self.net.sizes, new.activation, weights=self.net.weights)
        said = [f"{name} {getattr(new, name)}" for name in changes
                if getattr(new, name) != getattr(self.settings, name)]
        self.settings, self.data, self.net = new, data, net
        if said:
            self.log.append(f"step {self.steps}: {', '.join(said)}")
        self.position = 0
        self._order = self._shuffled()
        if not self.diverged:
            self.observe()

    def __repr__(self) -> str:
        return f"TrainingRun({self.data.name!r}, {list(self.net.sizes)}, {self.message})"


VIEW = (-0.1, 1.1)
"""The square the playground draws: the unit square and a margin."""
MAX_RESOLUTION = 200
"""The most grid points per side a map is computed on."""


def unit_maps(net: Network, resolution: int = 50) -> list[np.ndarray]:
    """Each layer's activations z over a grid of the square ``VIEW``, one forward pass.

    One array per non-input layer, shape (units, resolution, resolution), bias units left out;
    the last is the output h. Row 0 is the bottom of the square (X2 lowest). A value that
    overflows is NaN (the run's next loss says it diverged).
    """
    net = validate.instance(net, Network, "net", "a bpkit Network")
    steps = validate.whole_number(resolution, "resolution", 2, MAX_RESOLUTION,
                                  "grid points per side")
    if net.sizes[0] != 2:
        raise BpkitError(f"unit maps need two inputs (X1, X2); this network has {net.sizes[0]}")
    axis = np.linspace(*VIEW, steps)
    x1, x2 = np.meshgrid(axis, axis)
    z0 = np.column_stack((np.ones(x1.size), x1.ravel(), x2.ravel()))
    with np.errstate(over="ignore", invalid="ignore"):
        _, z = net.forward(z0)
    last = len(z) - 1
    maps = []
    for layer in range(1, last + 1):
        values = z[layer] if layer == last else z[layer][:, 1:]
        values = np.where(np.isfinite(values), values, np.nan)
        maps.append(values.T.reshape(-1, steps, steps))
    return maps
