"""The network: a fully connected net with bias units, trained by backpropagation in numpy."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from bpkit.core import functions, naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.functions import Activation, Loss
from bpkit.core.symbolic import SymbolicNetwork, derive
from bpkit.core.trace import StepTrace

WeightsSpec = float | str | Sequence[object]


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
    snapshots: list[tuple[int, list[np.ndarray]]] = field(default_factory=list)

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
        return (f"trained {self.epochs_run} epochs ({self.mode}, lr = {self.lr:g}): "
                f"loss {self.losses[0]:.6g} -> {self.losses[-1]:.6g}")

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class _Pass:
    """The arrays one forward and backward pass produced (internal)."""

    a: list[np.ndarray]
    z: list[np.ndarray]
    loss: float
    deltas: list[np.ndarray]
    gradients: list[np.ndarray]


@lru_cache(maxsize=16)
def _ones(n: int) -> np.ndarray:
    """A read-only column of n ones (shared: ``_with_bias`` copies it, never changes it)."""
    column = np.ones((n, 1))
    column.flags.writeable = False
    return column


@lru_cache(maxsize=16)
def _count(n: int) -> np.ndarray:
    """The batch size n as a 0-d array: numpy divides by it about twice as fast as by an int."""
    return np.array(float(n))


def _with_bias(z: np.ndarray) -> np.ndarray:
    """Prepend the bias unit's constant activation 1 to every sample."""
    return np.concatenate((_ones(z.shape[0]), z), axis=1)


class Network:
    """A layered network, e.g. ``Network([2, 3, 1])`` for the article's X0..X2 -> Z0..Z3 -> D0.

    ``weights[l]`` has shape (units in layer l+1, units in layer l + 1): row j feeds the j-th
    non-bias unit of layer l+1, column 0 is the bias weight. Weights may be one number (all equal,
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
        n_hidden = len(self.sizes) - 2
        hidden = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(hidden) != n_hidden:
            raise BpkitError(f"activation lists {len(hidden)} name(s) but the network has "
                             f"{n_hidden} hidden layer(s): give one name or one per hidden layer")
        self._acts: list[Activation] = [
            functions.activation(name) for name in [*hidden, output_activation]
        ]
        self._loss: Loss = functions.loss(loss)
        self._linear = [act.formula == functions.a for act in self._acts]
        """Per layer, whether f(a) = a: backprop then skips applying f and multiplying by f'."""
        self.unit_names = naming.unit_names(self.sizes)
        self._weights = self._initial_weights(weights, seed)

    # ----- description -------------------------------------------------------------------
    @property
    def activations(self) -> tuple[str, ...]:
        """Activation name per non-input layer (hidden layers, then the output layer)."""
        return tuple(act.name for act in self._acts)

    @property
    def loss_name(self) -> str:
        """The loss this network trains on: 'squared', 'logistic' or 'article'."""
        return self._loss.name

    @property
    def weight_shapes(self) -> list[tuple[int, int]]:
        """The shape each weight array must have."""
        return [(n, m + 1) for m, n in zip(self.sizes[:-1], self.sizes[1:])]

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
    def weights(self) -> list[np.ndarray]:
        """A copy of the weight arrays (assign a new list to change them)."""
        return [w.copy() for w in self._weights]

    @weights.setter
    def weights(self, value: Sequence[object]) -> None:
        self._weights = self._checked_weights(value)

    def weight(self, link: str) -> float:
        """One weight by its link name, e.g. ``net.weight("w(X0->Z1)")``."""
        layer, row, col = self._link_index(link)
        return float(self._weights[layer][row, col])

    def set_weight(self, link: str, value: float) -> None:
        """Set one weight by its link name; a non-finite value is refused."""
        layer, row, col = self._link_index(link)
        number = validate.as_batch(value, 1, f"the value for {link}")
        if number.size != 1:
            raise BpkitError(f"the value for {link} must be one number; got {value!r:.60}")
        updated = self.weights
        updated[layer][row, col] = number[0, 0]
        self._weights = updated

    def _link_index(self, link: str) -> tuple[int, int, int]:
        for layer, rows in enumerate(self.link_names):
            for row, names in enumerate(rows):
                if link in names:
                    return layer, row, names.index(link)
        raise BpkitError(f"no link named {link!r}: names look like "
                         f"{self.link_names[0][0][0]!r}")

    def _initial_weights(self, spec: WeightsSpec, seed: int) -> list[np.ndarray]:
        if isinstance(spec, str):
            if spec != "random":
                raise BpkitError(f"weights={spec!r} is not understood: give one number, "
                                 "a list of arrays, or 'random' (with seed=...)")
            rng = np.random.default_rng(seed)
            return [rng.uniform(-1.0, 1.0, shape) for shape in self.weight_shapes]
        if isinstance(spec, (int, float)) and not isinstance(spec, bool):
            value = float(spec)
            if not math.isfinite(value):
                raise BpkitError(f"weights must be finite; got {value}")
            return [np.full(shape, value) for shape in self.weight_shapes]
        return self._checked_weights(spec)

    def _checked_weights(self, value: object) -> list[np.ndarray]:
        shapes = self.weight_shapes
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise BpkitError(f"weights must be a list of {len(shapes)} arrays with shapes "
                             f"{shapes}; got {type(value).__name__}")
        if len(value) != len(shapes):
            raise BpkitError(f"weights must be {len(shapes)} arrays (one per layer after the "
                             f"input) with shapes {shapes}; got {len(value)}")
        checked = []
        for layer, (array, shape) in enumerate(zip(value, shapes)):
            what = f"weights[{layer}] ({self.unit_names[layer][0][0]}->"
            what += f"{self.unit_names[layer + 1][-1][0]} links)"
            try:
                arr = np.array(array, dtype=float)
            except (TypeError, ValueError):
                raise BpkitError(f"{what} must be numbers; got {array!r:.60}") from None
            if arr.shape != shape:
                raise BpkitError(f"{what} must have shape {shape} (units in the next layer, "
                                 f"units in this one + bias); got {arr.shape}")
            validate.require_finite(arr, what)
            checked.append(arr)
        return checked

    def symbolic(self) -> SymbolicNetwork:
        """The sympy formulas for this network's layout (derived once per layout, then cached)."""
        return derive(self.sizes, self.activations, self.loss_name)

    def copy(self) -> Network:
        """An independent network with the same layout and weights."""
        twin = Network.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin._weights = self.weights
        return twin

    # ----- computing ---------------------------------------------------------------------
    def predict(self, X: object) -> np.ndarray:
        """The outputs h for inputs X (one sample or a batch), shape (n_samples, n_outputs)."""
        inputs = validate.as_batch(X, self.sizes[0], "X (the inputs)")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._forward(self._weights, _with_bias(inputs))[1][-1]

    def loss(self, X: object, Y: object) -> float:
        """The loss J over a batch: summed over outputs, averaged over samples."""
        return self._pass(X, Y).loss

    def gradients(self, X: object, Y: object) -> list[np.ndarray]:
        """dJ/dw for every weight, shaped like ``weights``, averaged over the batch."""
        return self._pass(X, Y).gradients

    def preview_step(self, X: object, Y: object, lr: float) -> StepTrace:
        """The trace of one step on a batch, leaving this network's weights as they are."""
        return self.copy().step(X, Y, lr)

    def step(self, X: object, Y: object, lr: float) -> StepTrace:
        """One gradient-descent update w := w - lr * dJ/dw on a batch; returns its trace."""
        rate = validate.positive_number(lr, "the learning rate (alpha)")
        inputs, targets = validate.samples(X, Y, self.sizes[0], self.sizes[-1])
        done = self._checked_pass(self._weights, inputs, targets)
        new = [w - rate * g for w, g in zip(self._weights, done.gradients)]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            after = self._backprop(new, _with_bias(inputs), targets, need_gradients=False)
        trace = StepTrace(
            unit_names=self.unit_names, activations=self.activations, loss_name=self.loss_name,
            lr=rate, inputs=inputs, targets=targets, a=done.a, z=done.z, deltas=done.deltas,
            gradients=done.gradients, old_weights=self.weights, new_weights=new,
            loss=done.loss, loss_after=after.loss, outputs_after=after.z[-1],
        )
        if not (math.isfinite(after.loss) and all(np.isfinite(w).all() for w in new)):
            raise BpkitError(f"this step diverged: with lr = {rate:g} the new weights or loss "
                             "overflow to inf or nan; the weights are unchanged, try a smaller lr")
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

        Stops early, reporting "diverged at epoch N", if the loss becomes inf or NaN; the weights
        are then kept from the last epoch with a finite loss. ``callback(epoch, loss)`` is called
        every ``callback_every`` epochs (for a progress bar).
        """
        rate = validate.positive_number(lr, "the learning rate (alpha)")
        total = validate.positive_int(epochs, "epochs")
        if mode not in ("batch", "online"):
            raise BpkitError(f"mode must be 'batch' (full batch) or 'online' (one sample at a "
                             f"time); got {mode!r}")
        every = None if snapshot_every is None else validate.positive_int(snapshot_every,
                                                                          "snapshot_every")
        inputs, targets = validate.samples(X, Y, self.sizes[0], self.sizes[-1])
        weights = self._weights
        current = self._checked_pass(weights, inputs, targets, need_gradients=mode == "batch")
        history = History([current.loss], rate, mode, total)
        if every:
            history.snapshots.append((0, [w.copy() for w in weights]))
        first = _with_bias(inputs)  # the inputs never change: add their bias column once
        step_size = np.array(rate)  # as a 0-d array it multiplies faster, to the same result
        losses = history.losses
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if mode == "batch":  # the weights after epoch 1; each epoch computes the next ones
                following = [w - step_size * g for w, g in zip(weights, current.gradients)]
            for epoch in range(1, total + 1):
                if mode == "batch":
                    weights = following
                    loss, following = self._descend(weights, first, targets, step_size)
                else:
                    weights = self._online_epoch(weights, first, targets, step_size)
                    loss = self._forward_loss(weights, first, targets)[2]
                if not math.isfinite(loss):
                    history.diverged_at = epoch
                    break
                self._weights = weights
                losses.append(loss)
                if every and epoch % every == 0:
                    history.snapshots.append((epoch, [w.copy() for w in weights]))
                if callback is not None and (epoch % callback_every == 0 or epoch == total):
                    callback(epoch, loss)
        return history

    def _online_epoch(self, weights: list[np.ndarray], first: np.ndarray,
                      targets: np.ndarray, step_size: np.ndarray) -> list[np.ndarray]:
        """One epoch of online training: a gradient step on each sample in turn."""
        for i in range(first.shape[0]):
            weights = self._descend(weights, first[i:i + 1], targets[i:i + 1], step_size)[1]
        return weights

    # ----- the algorithm -----------------------------------------------------------------
    def _pass(self, X: object, Y: object) -> _Pass:
        inputs, targets = validate.samples(X, Y, self.sizes[0], self.sizes[-1])
        return self._checked_pass(self._weights, inputs, targets)

    def _checked_pass(self, weights: list[np.ndarray], inputs: np.ndarray, targets: np.ndarray,
                      need_gradients: bool = True) -> _Pass:
        """A pass on checked data, refusing a logistic loss outside its domain."""
        if self._loss.needs_unit_interval and ((targets < 0) | (targets > 1)).any():
            raise BpkitError("the logistic loss needs targets Y between 0 and 1")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            done = self._backprop(weights, _with_bias(inputs), targets, need_gradients)
        if self._loss.needs_unit_interval:
            h = done.z[-1]
            if ((h <= 0) | (h >= 1)).any():
                raise BpkitError(
                    f"the logistic loss needs outputs strictly between 0 and 1, but the network "
                    f"output {h.min():.6g}..{h.max():.6g} (output activation "
                    f"{self._acts[-1].name!r}); use output_activation='sigmoid' or loss='squared'"
                )
        return done

    def _forward(self, weights: list[np.ndarray],
                 first: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Weighted sums a per non-input layer and activations z per layer (bias columns in).

        ``first`` is the input layer's z: the inputs with the bias column of ones in front.
        """
        a, z = [], [first]
        ones = _ones(first.shape[0])
        last = len(weights) - 1
        for layer, (w, act, linear) in enumerate(zip(weights, self._acts, self._linear)):
            a.append(z[layer] @ w.T)
            out = a[layer] if linear else act.f(a[layer])
            z.append(out if layer == last else np.concatenate((ones, out), axis=1))
        return a, z

    def _forward_loss(self, weights: list[np.ndarray], first: np.ndarray,
                      targets: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], float]:
        """The forward pass (a and z per layer) and the loss J over the batch."""
        a, z = self._forward(weights, first)
        per_output = self._loss.value(z[-1], targets)
        if per_output.shape[1] > 1:  # summed over the outputs (one output: nothing to add)
            per_output = np.add.reduce(per_output, axis=1)
        return a, z, float(np.add.reduce(per_output, axis=None)) / first.shape[0]

    def _output_delta(self, a: list[np.ndarray], z: list[np.ndarray],
                      targets: np.ndarray) -> np.ndarray:
        """The output layer's delta: d(objective)/dh * f'(a)."""
        delta = self._loss.d_dh(z[-1], targets)
        return delta if self._linear[-1] else delta * self._acts[-1].df(a[-1])

    def _hidden_delta(self, delta: np.ndarray, weights: list[np.ndarray], a: list[np.ndarray],
                      layer: int) -> np.ndarray:
        """The delta of the hidden layer before ``layer``: f'(a) * sum(w * delta after it)."""
        summed = delta @ weights[layer][:, 1:]
        if self._linear[layer - 1]:
            return summed
        return self._acts[layer - 1].df(a[layer - 1]) * summed

    def _backprop(self, weights: list[np.ndarray], first: np.ndarray, targets: np.ndarray,
                  need_gradients: bool = True) -> _Pass:
        """Forward pass, loss, then deltas by delta = f'(a) * sum(w * delta_next), gradients.

        ``first`` is the inputs with their bias column (``_with_bias``), made once by a caller
        that passes over the same inputs many times. Callers set ``np.errstate``. For f(a) = a
        neither f nor f'(a) = 1 is applied, and the batch size divides as a 0-d array
        (``_count``): both only save time, the numbers are the same.
        """
        a, z, total = self._forward_loss(weights, first, targets)
        if not need_gradients:
            return _Pass(a, z, total, [], [])
        count = _count(first.shape[0])
        last = len(weights) - 1
        delta = self._output_delta(a, z, targets)
        deltas, grads = [delta], [delta.T @ z[last] / count]
        for layer in range(last, 0, -1):
            delta = self._hidden_delta(delta, weights, a, layer)
            deltas.append(delta)
            grads.append(delta.T @ z[layer - 1] / count)
        deltas.reverse()
        grads.reverse()
        return _Pass(a, z, total, deltas, grads)

    def _descend(self, weights: list[np.ndarray], first: np.ndarray, targets: np.ndarray,
                 step_size: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """One epoch of batch training: the loss at ``weights``, and the weights one step on.

        The arithmetic of ``_backprop`` followed by w - step_size * gradient, for the hot
        loop of ``train``: nothing is kept for a trace, and each layer's weights are stepped as
        soon as its gradient is known.
        """
        a, z, total = self._forward_loss(weights, first, targets)
        count = _count(first.shape[0])
        last = len(weights) - 1
        delta = self._output_delta(a, z, targets)
        stepped = [weights[last] - step_size * (delta.T @ z[last] / count)]
        for layer in range(last, 0, -1):
            delta = self._hidden_delta(delta, weights, a, layer)
            stepped.append(weights[layer - 1] - step_size * (delta.T @ z[layer - 1] / count))
        stepped.reverse()
        return total, stepped
