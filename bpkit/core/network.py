"""The network: a fully connected net with bias units, trained by backpropagation in numpy.

``Network.backprop`` is the algorithm, once: ``loss``, ``gradients``, ``step`` and ``train``
all call it. Everything else in this file checks input, keeps weights, or records a run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from bpkit.core import functions, naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.functions import Activation, Loss
from bpkit.core.symbolic import SymbolicNetwork, derive
from bpkit.core.table import Table
from bpkit.core.trace import StepTrace

WeightsSpec = float | str | Sequence[object]
Arrays = list[np.ndarray]
"""One array per layer: weights, gradients, or a, z or deltas for a batch."""

TABLE_ROWS = 10
MAX_EPOCHS = 1_000_000
"""The longest run ``train`` takes: a History keeps every epoch's loss."""
MAX_SNAPSHOTS = 10_000
"""The most weight snapshots one run keeps (``snapshot_every``)."""
"""``History.table`` shows about this many evenly spaced epochs of a long run, plus the last."""


@dataclass
class History:
    """What a training run did: the loss per epoch, and whether and where it diverged."""

    losses: list[float]
    """Loss over the whole training set before epoch 1, then after each completed epoch."""
    lr: float
    mode: str
    epochs_requested: int
    diverged_at: int | None = None
    """The epoch whose update made the loss infinite or NaN; the weights are from before it."""
    interrupted_at: int | None = None
    """The epoch running when the run was interrupted (the kernel's Interrupt button, which
    raises KeyboardInterrupt); the weights are from the epoch before it."""
    snapshots: list[tuple[int, Arrays]] = field(default_factory=list)

    @property
    def epochs_run(self) -> int:
        """Epochs completed with a finite loss."""
        return len(self.losses) - 1

    @property
    def diverged(self) -> bool:
        """True if the run stopped because the loss overflowed to inf or NaN."""
        return self.diverged_at is not None

    @property
    def message(self) -> str:
        """One line a learner can read: how the run ended."""
        if self.diverged_at is not None:
            return (f"diverged at epoch {self.diverged_at} (lr = {self.lr:g}): the loss became "
                    f"inf or nan; the weights are kept from epoch {self.diverged_at - 1}")
        if self.interrupted_at is not None:
            return (f"interrupted in epoch {self.interrupted_at} of {self.epochs_requested} "
                    f"({self.mode}, lr = {self.lr:g}): the weights are kept from epoch "
                    f"{self.epochs_run}, loss {self.losses[0]:.6g} -> {self.losses[-1]:.6g}")
        return (f"trained {self.epochs_run} epochs ({self.mode}, lr = {self.lr:g}): "
                f"loss {self.losses[0]:.6g} -> {self.losses[-1]:.6g}")

    def __str__(self) -> str:
        return self.message

    def table(self) -> Table:
        """The loss by epoch as a table (columns epoch, loss).

        A run of up to ``TABLE_ROWS`` epochs shows every epoch; a longer one shows about
        ``TABLE_ROWS`` evenly spaced epochs from 0, plus the last epoch run.
        """
        last = self.epochs_run
        spacing = max(1, math.ceil(last / TABLE_ROWS))
        epochs = list(range(0, last + 1, spacing))
        if epochs[-1] != last:
            epochs.append(last)
        return Table.of(["epoch", "loss"], [[epoch, self.losses[epoch]] for epoch in epochs])


@dataclass(slots=True)
class Pass:
    """What one backprop pass computed on a batch, layer by layer (see ``Network.backprop``)."""

    a: Arrays
    """Weighted sums per non-input layer, shape (n, units without bias)."""
    z: Arrays
    """Activations per layer, shape (n, units): z0 (X0, X1, ...) first, the outputs h last."""
    loss: float
    """J: the loss per sample summed over the outputs, averaged over the batch."""
    deltas: Arrays
    """dJ/da per non-input layer, shape (n, units without bias)."""
    gradients: Arrays
    """dJ/dw per weight array, shaped like ``Network.weights``: the batch mean."""


def with_bias(inputs: object) -> np.ndarray:
    """The input layer's activations z0: the bias unit X0 = 1 as column 0, then the inputs.

    ``inputs`` is a batch, shape (n, inputs), e.g. XOR_X; one sample is a batch of one row.
    """
    if not isinstance(inputs, np.ndarray) or inputs.ndim != 2:
        inputs = validate.real_array(inputs, "inputs")
        if inputs.ndim != 2:
            raise BpkitError(f"inputs must be a batch of shape (n, inputs), such as [[0, 1]]; "
                             f"got shape {inputs.shape}")
    return np.concatenate((np.ones((len(inputs), 1)), inputs.astype(float)), axis=1)


def update(weights: Sequence[np.ndarray], gradients: Sequence[np.ndarray],
           lr: float) -> Arrays:
    """Gradient descent's update, w := w - alpha * dJ/dw, as new arrays."""
    return [w - lr * gradient for w, gradient in zip(weights, gradients)]


class Network:
    """A layered network, e.g. ``Network([2, 3, 1])`` for the article's X0..X2 -> Z0..Z3 -> D0.

    ``weights[l]`` has shape (units in layer l+1, units in layer l + 1): row j feeds the j-th
    non-bias unit of layer l+1, column 0 is the bias weight. Arrays may be one number (all equal,
    as in the article), explicit arrays, or ``"random"`` (uniform in [-1, 1], from ``seed``).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Sequence[str] = "identity",
        output_activation: str = "identity",
        loss: str = "squared",
        weights: WeightsSpec = 1.0,
        seed: int = 0,
    ) -> None:
        self.sizes = validate.layer_sizes(sizes)
        self._activations: list[Activation] = [
            *_hidden_activations(activation, len(self.sizes) - 2),
            functions.activation(output_activation),
        ]
        self._loss: Loss = functions.loss(loss)
        needed = self._loss.output_activation
        if needed is not None and self._activations[-1].name != needed:
            raise BpkitError(f"loss={self._loss.name!r} needs output_activation={needed!r} "
                             f"(outputs between 0 and 1); got {output_activation!r}")
        self._output = functions.output_layer(self._activations[-1], self._loss)
        self.unit_names = naming.unit_names(self.sizes)
        self._input_shape = (self.sizes[0] + 1,)
        self._weight_shapes = self.weight_shapes
        self._weights = self._initial_weights(weights, seed)

    # ----- description -------------------------------------------------------------------
    @property
    def activations(self) -> tuple[str, ...]:
        """Activation name per non-input layer (hidden layers, then the output layer)."""
        return tuple(act.name for act in self._activations)

    @property
    def loss_name(self) -> str:
        """The loss this network trains on: 'squared', 'logistic' or 'article'."""
        return self._loss.name

    @property
    def weight_shapes(self) -> list[tuple[int, int]]:
        """The shape each weight array must have."""
        return validate.weight_shapes(self.sizes)

    @property
    def link_names(self) -> list[list[list[str]]]:
        """``link_names[l][j][i]``: the name of weight ``weights[l][j, i]``, e.g. w(X0->Z1)."""
        return [
            [[naming.link_name(s, t) for s in self.unit_names[layer]]
             for t in naming.target_names(self.sizes, layer + 1)]
            for layer in range(len(self.sizes) - 1)
        ]

    def __repr__(self) -> str:
        return (f"Network({list(self.sizes)}, activations={list(self.activations)}, "
                f"loss={self.loss_name!r})")

    # ----- weights -----------------------------------------------------------------------
    @property
    def weights(self) -> Arrays:
        """A copy of the weight arrays (assign a new list to change them)."""
        return [w.copy() for w in self._weights]

    @weights.setter
    def weights(self, value: Sequence[object]) -> None:
        self._weights = self._checked_weights(value)

    def weight(self, link: str) -> float:
        """One weight by its link name, 'w(X0->Z1)' or 'X0->Z1'."""
        layer, row, col = self._link_index(link)
        return float(self._weights[layer][row, col])

    def set_weight(self, link: str, value: float) -> None:
        """Set one weight by its link name ('w(X0->Z1)' or 'X0->Z1'); refuses a non-finite value."""
        layer, row, col = self._link_index(link)
        number = validate.real_number(value, f"the value for {naming.link_key(link)}")
        updated = self.weights
        updated[layer][row, col] = number
        self._weights = updated

    def _link_index(self, link: str) -> tuple[int, int, int]:
        """Where a link's weight sits: (layer, row, column) in ``weights``."""
        key = naming.link_key(link)
        for layer, rows in enumerate(self.link_names):
            for row, names in enumerate(rows):
                if key in names:
                    return layer, row, names.index(key)
        raise BpkitError(f"no link named {key!r} in this network: names look like "
                         f"{self.link_names[0][0][0]!r} or 'X0->Z1'")

    def _initial_weights(self, spec: WeightsSpec, seed: object) -> Arrays:
        """The starting weights: one number for all, 'random' from ``seed``, or given arrays."""
        seed = validate.whole_number(seed, "seed", 0, 2**63 - 1, "it seeds numpy's generator")
        if isinstance(spec, str):
            if spec != "random":
                raise BpkitError(f"weights={spec!r:.40} is not understood: give one number, "
                                 "a list of arrays, or 'random' (with seed=...)")
            rng = np.random.default_rng(seed)
            return [rng.uniform(-1.0, 1.0, shape) for shape in self.weight_shapes]
        if validate.is_real(spec):
            value = validate.real_number(spec, "weights (one number for every weight)")
            return [np.full(shape, value) for shape in self.weight_shapes]
        return self._checked_weights(spec)

    def _checked_weights(self, value: object) -> Arrays:
        return validate.weight_arrays(value, self.weight_shapes)

    def symbolic(self) -> SymbolicNetwork:
        """The sympy formulas for this network's layout (derived once per layout, then cached)."""
        return derive(self.sizes, self.activations, self.loss_name)

    def copy(self) -> Network:
        """An independent network with the same layout and weights."""
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._weights = self.weights
        return twin

    # ----- the algorithm -----------------------------------------------------------------
    def forward(self, z0: np.ndarray,
                weights: Sequence[np.ndarray] | None = None) -> tuple[Arrays, Arrays]:
        """The forward pass: per layer the weighted sums a = z_before @ W.T and z = f(a).

        ``z0`` is the input layer, one row per sample: the bias unit X0 = 1, then X1, X2, ...
        (``with_bias(inputs)``). Returns (a, z) with z[0] = z0 and z[-1] the outputs h; every
        layer but the output has its bias unit as column 0. ``weights`` default to the network's.
        """
        weights = self._checked_pass(z0, weights)
        bias_units = z0[:, :1]  # X0 = 1 in every sample: the hidden bias units are 1 too
        a, z = [], [z0]
        last = len(weights) - 1
        for layer, (w, act) in enumerate(zip(weights, self._activations)):
            a.append(np.dot(z[layer], w.T))
            out = act.f(a[layer])
            z.append(out if layer == last else np.concatenate((bias_units, out), axis=1))
        return a, z

    def backprop(self, z0: np.ndarray, targets: np.ndarray,
                 weights: Sequence[np.ndarray] | None = None) -> Pass:
        """Backpropagation on a batch of n samples: the loss J, every delta, every gradient.

        The forward pass gives a and z for each layer; then, from the output layer L back:

        1. output delta:  delta_L = dJ/dh * f'(a_L)
        2. hidden delta:  delta_l = f'(a_l) * (delta_(l+1) @ W_(l+1)[:, 1:])  (bias column dropped)
        3. gradient:      dJ/dW_l = delta_l.T @ z_(l-1) / n  (the batch mean of z * delta)
        4. update:        W_l := W_l - alpha * dJ/dW_l  (``update``, used by step and train)

        J is each sample's loss summed over the outputs, averaged over the batch. sympy derives
        dJ/dh and f' from their formulas and multiplies them out for the output layer
        (``functions.OutputLayer``: for a sigmoid output and the logistic loss that is exactly
        h - y, computed from a so it stays exact where h rounds to 1). ``z0`` is the input layer
        with its bias unit X0 (``with_bias(inputs)``), ``targets`` the (n, outputs) targets;
        ``weights`` default to the network's own.
        """
        weights = self._weights if weights is None else weights
        a, z = self.forward(z0, weights)  # a[l - 1] and z[l]: the sums and outputs of layer l
        h = self._checked_targets(targets, z[-1])
        f, n = self._activations, len(z0)  # f[l - 1]: the activation of layer l = 1..L
        loss = float(self._output.value(a[-1], h, targets).sum()) / n
        deltas = [self._output.delta(a[-1], h, targets)]  # 1. output delta: dJ/dh * f'(a_L)
        for layer in range(len(weights) - 1, 0, -1):  # 2. hidden deltas, from the back
            from_next = np.dot(deltas[0], weights[layer][:, 1:])  # the bias column dropped
            deltas.insert(0, f[layer - 1].df(a[layer - 1]) * from_next)
        # 3. gradients: the batch mean of z_before * delta (one row per target, column per source)
        gradients = [np.dot(delta.T, z_before) / n for delta, z_before in zip(deltas, z)]
        return Pass(a, z, loss, deltas, gradients)

    # ----- using it ----------------------------------------------------------------------
    def predict(self, X: object) -> np.ndarray:
        """The outputs h for inputs X (one sample or a batch), shape (n_samples, n_outputs)."""
        inputs = validate.as_batch(X, self.sizes[0], "X (the inputs)")
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self.forward(with_bias(inputs))[1][-1]
        if not np.isfinite(outputs).all():
            raise BpkitError(_overflow_message("the outputs h"))
        return outputs

    def loss(self, X: object, Y: object) -> float:
        """The loss J over a batch: summed over outputs, averaged over samples."""
        return self._checked_backprop(*self._samples(X, Y)).loss

    def gradients(self, X: object, Y: object) -> Arrays:
        """dJ/dw for every weight, shaped like ``weights``, averaged over the batch."""
        return self._checked_backprop(*self._samples(X, Y)).gradients

    def preview_step(self, X: object, Y: object, lr: float) -> StepTrace:
        """The trace of one step on a batch, leaving this network's weights as they are."""
        return self.copy().step(X, Y, lr)

    def step(self, X: object, Y: object, lr: float) -> StepTrace:
        """One gradient-descent update w := w - lr * dJ/dw on a batch; returns its trace."""
        rate = validate.positive_number(lr, "the learning rate (alpha)")
        z0, targets = self._samples(X, Y)
        done = self._checked_backprop(z0, targets)
        new = update(self._weights, done.gradients, rate)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            after = self.backprop(z0, targets, new)
        trace = StepTrace(
            unit_names=self.unit_names, activations=self.activations, loss_name=self.loss_name,
            lr=rate, inputs=z0[:, 1:], targets=targets, a=done.a, z=done.z, deltas=done.deltas,
            gradients=done.gradients, old_weights=self.weights, new_weights=new,
            loss=done.loss, loss_after=after.loss, outputs_after=after.z[-1],
        )
        if not (math.isfinite(after.loss) and all(np.isfinite(w).all() for w in new)):
            largest = max(float(np.abs(w).max()) for w in self._weights)
            raise BpkitError(f"this step diverged: with lr = {rate:g} the new weights or loss "
                             f"overflow to inf or nan; the weights are unchanged. Try a smaller "
                             f"lr, or smaller weights (the largest |w| is {largest:.3g})")
        self._weights = [w.copy() for w in new]
        return trace

    def train(
        self,
        X: object,
        Y: object,
        lr: float,
        epochs: int,
        mode: str = "batch",
        snapshot_every: int | None = None,
        callback: Callable[[int, float], object] | None = None,
        callback_every: int = 100,
    ) -> History:
        """Train for ``epochs`` epochs, full-batch ("batch") or one sample at a time ("online").

        Every argument is checked before the first update, and the weights change only when an
        epoch completes, so a run that stops early keeps the last completed epoch's weights:

        - the loss becomes inf or NaN: the History says "diverged at epoch N";
        - KeyboardInterrupt (the kernel's Interrupt button): the run stops cleanly and returns
          its History, which says "interrupted in epoch N";
        - ``callback(epoch, loss)``, called every ``callback_every`` epochs (for a progress bar),
          raises: its exception propagates, and the weights are those of the epoch it was given.
        """
        rate = validate.positive_number(lr, "the learning rate (alpha)")
        total = _checked_epochs(epochs)
        if mode not in ("batch", "online"):
            raise BpkitError(f"mode must be 'batch' (full batch) or 'online' (one sample at a "
                             f"time); got {mode!r:.40}")
        every = None if snapshot_every is None else validate.whole_number(
            snapshot_every, "snapshot_every", math.ceil(total / MAX_SNAPSHOTS), None,
            f"a run keeps at most {MAX_SNAPSHOTS:,} snapshots of the weights")
        if callback is not None and not callable(callback):
            raise BpkitError(f"callback must be a function called as callback(epoch, loss), or "
                             f"None; got {callback!r:.40}")
        callback_every = validate.whole_number(callback_every, "callback_every")
        z0, targets = self._samples(X, Y)
        done = self._checked_backprop(z0, targets)
        history = History([done.loss], rate, mode, total)
        if every:
            history.snapshots.append((0, self.weights))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                self._run_epochs(history, z0, targets, done, every, callback, callback_every)
            except KeyboardInterrupt:
                history.interrupted_at = history.epochs_run + 1
        return history

    def _run_epochs(self, history: History, z0: np.ndarray, targets: np.ndarray, done: Pass,
                    every: int | None, callback: Callable[[int, float], object] | None,
                    callback_every: int) -> None:
        """``train``'s loop: update, backprop, record; ``self._weights`` changes once an epoch."""
        weights, rate, total = self._weights, history.lr, history.epochs_requested
        for epoch in range(1, total + 1):
            if history.mode == "batch":
                weights = update(weights, done.gradients, rate)
            else:
                for i in range(len(z0)):
                    one = self.backprop(z0[i:i + 1], targets[i:i + 1], weights)
                    weights = update(weights, one.gradients, rate)
            done = self.backprop(z0, targets, weights)
            if not math.isfinite(done.loss):
                history.diverged_at = epoch
                return
            self._weights = weights
            history.losses.append(done.loss)
            if every and epoch % every == 0:
                history.snapshots.append((epoch, self.weights))
            if callback is not None and (epoch % callback_every == 0 or epoch == total):
                callback(epoch, done.loss)

    # ----- checks around the algorithm ---------------------------------------------------
    def _checked_pass(self, z0: np.ndarray,
                      weights: Sequence[np.ndarray] | None) -> Sequence[np.ndarray]:
        """The weights for a pass (the network's own if None), after a quick look at the shapes.

        ``forward`` and ``backprop`` run on arrays that ``loss``, ``step`` and ``train`` have
        already checked; called directly, they still name a wrong shape instead of failing deep
        inside numpy.
        """
        weights = self._weights if weights is None else weights
        try:
            fits = (z0.shape[1:] == self._input_shape
                    and [w.shape for w in weights] == self._weight_shapes)
        except (AttributeError, TypeError):
            fits = False
        if not fits:
            raise BpkitError(
                f"forward and backprop take z0 of shape (n, {self.sizes[0] + 1}) (X0 = 1, then "
                f"the inputs: with_bias(X)) and weights shaped like Network.weights "
                f"{self.weight_shapes}; got z0 {_shape(z0)}")
        return weights

    def _checked_targets(self, targets: np.ndarray, h: np.ndarray) -> np.ndarray:
        """``h`` if ``targets`` have its shape (one row per sample, one column per output)."""
        if not isinstance(targets, np.ndarray) or targets.shape != h.shape:
            raise BpkitError(f"backprop takes targets of shape {h.shape}, one row per sample "
                             f"and one column per output; got {_shape(targets)}")
        return h

    def _samples(self, X: object, Y: object) -> tuple[np.ndarray, np.ndarray]:
        """The input layer z0 (with X0) and the targets, from X and Y checked as arrays.

        A logistic loss also needs targets between 0 and 1.
        """
        inputs, targets = validate.samples(X, Y, self.sizes[0], self.sizes[-1])
        if self._loss.needs_unit_interval and ((targets < 0) | (targets > 1)).any():
            raise BpkitError("the logistic loss needs targets Y between 0 and 1")
        return with_bias(inputs), targets

    def _checked_backprop(self, z0: np.ndarray, targets: np.ndarray) -> Pass:
        """``backprop`` at the current weights, refusing a pass that overflows."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            done = self.backprop(z0, targets)
        if not math.isfinite(done.loss):
            raise BpkitError(_overflow_message("the loss J"))
        if not all(np.isfinite(g).all() for g in done.gradients):
            raise BpkitError(_overflow_message("a gradient dJ/dw"))
        return done


def checked_network(net: object) -> Network:
    """Return ``net`` if it is a bpkit Network, else raise naming what was expected."""
    return validate.instance(net, Network, "net", "a bpkit Network, such as Network([2, 3, 1]) "
                             "or article_network('squared')")


def _hidden_activations(activation: object, n_hidden: int) -> list[Activation]:
    """The hidden layers' activations from one name for all or a list of one name per layer."""
    if isinstance(activation, (str, functions.Activation)):
        return [functions.activation(activation)] * n_hidden
    if not isinstance(activation, Sequence):
        raise BpkitError(f"activation must be a name such as 'tanh' (one for every hidden layer) "
                         f"or a list of names, one per hidden layer; got {activation!r:.60}")
    if len(activation) != n_hidden:
        raise BpkitError(f"activation lists {len(activation)} name(s) but the network has "
                         f"{n_hidden} hidden layer(s): give one name or one per hidden layer")
    return [functions.activation(name) for name in activation]


def _checked_epochs(epochs: object) -> int:
    """The number of epochs for a run, from 1 to ``MAX_EPOCHS``."""
    return validate.whole_number(epochs, "epochs", 1, MAX_EPOCHS,
                                 "a History keeps the loss of every epoch")


def _shape(value: object) -> str:
    """An array's shape, or the type of something that is not an array, for a message."""
    return str(getattr(value, "shape", type(value).__name__))


def _overflow_message(what: str) -> str:
    """Why a forward or backward pass at the current weights and inputs has no finite value."""
    return (f"{what} overflows to inf or nan at these weights and inputs: the weighted sums "
            "are too large for floating point. Nothing was changed; use smaller weights or "
            "inputs (or scale the inputs down)")


def train_at_rates(make_net: Callable[[], Network], X: object, Y: object,
                   lrs: Sequence[float], epochs: int) -> dict[float, History]:
    """Train a fresh network from ``make_net()`` at each learning rate; the History per rate."""
    if isinstance(lrs, (str, bytes)) or not isinstance(lrs, Sequence) or not lrs:
        raise BpkitError(f"lrs must be a non-empty list of learning rates such as "
                         f"[0.01, 0.1, 0.5]; got {lrs!r:.60}")
    if not callable(make_net):
        raise BpkitError(f"make_net must be a function that returns a new Network, such as "
                         f"lambda: article_network('squared'); got {make_net!r:.40}")
    rates = [validate.positive_number(lr, f"lrs[{i}] (a learning rate)")
             for i, lr in enumerate(lrs)]
    _checked_epochs(epochs)
    histories: dict[float, History] = {}
    for rate in rates:
        histories[rate] = checked_network(make_net()).train(X, Y, rate, epochs)
    return histories
