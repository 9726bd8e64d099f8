"""Deltas layer by layer in a deep network: how f'(a) and the weights shrink or grow them.

``delta_profile("sigmoid", scale=1.0)`` runs ``Network.backprop`` once on a deep, narrow
network whose weights are drawn uniformly from [-scale, scale] and reports the mean |delta| of
every layer, with the mean f'(a) and the share of units where f'(a) is almost 0. ``slope_bound``
has sympy find the largest f'(a) of an activation; ``deltas_during`` follows the deltas of a
training run, epoch by epoch, to explain a plateau.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.calculus.util import maximum

from bpkit.core import functions, validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import History, Network, checked_network, with_bias
from bpkit.core.table import Table

DEPTH = 10
"""Hidden layers of the deep network the notebook compares activations on."""
WIDTH = 10
"""Units in every hidden layer (and inputs) of that network."""
SAMPLES = 32
"""Samples in its seeded data set."""
MAX_DEPTH = 50
"""The most hidden layers ``delta_profile`` builds."""
MAX_WIDTH = 200
"""The most units per layer ``delta_profile`` builds."""
FLAT = 0.01
"""A unit is flat where f'(a) is below this share of the activation's largest f'(a): it passes
(almost) no delta back, whatever comes in."""
DATA_STREAM = 1
"""The data come from numpy's generator seeded (DATA_STREAM, seed): a stream apart from the
weights, which ``Network(weights="random", seed=seed)`` draws from the generator seeded seed."""


def slope_bound(activation: str) -> sp.Expr:
    """The largest f'(a) over every real a, as sympy finds it (1/4 for the sigmoid).

    sympy maximises f'(a) on each side of a = 0 and takes the value at 0, so an activation with
    a kink there (relu, whose f' is a step) is handled like a smooth one.
    """
    act = functions.activation(activation)
    positive = sp.Symbol("p", positive=True)
    candidates = [act.derivative.subs(functions.a, 0)]
    for side in (1, -1):
        branch = act.derivative.subs(functions.a, side * positive)
        candidates.append(maximum(branch, positive, sp.Interval.open(0, sp.oo))
                          if branch.has(positive) else branch)
    return sp.Max(*candidates)


def _checked_shape(depth: object, width: object) -> tuple[int, int]:
    return (validate.whole_number(depth, "depth (hidden layers)", 1, MAX_DEPTH),
            validate.whole_number(width, "width (units per layer)", 1, MAX_WIDTH))


def deep_network(activation: str = "sigmoid", scale: float = 1.0, depth: int = DEPTH,
                 width: int = WIDTH, seed: int = 0) -> Network:
    """``width`` inputs, ``depth`` hidden layers of ``width`` units, one identity output.

    The weights are ``Network(weights="random", seed=seed)``'s, uniform in [-1, 1], times
    ``scale``: every scale and every activation shares one draw, so only the scale differs.
    """
    size = validate.positive_number(scale, "scale (weights are uniform in [-scale, scale])")
    depth, width = _checked_shape(depth, width)
    net = Network([width] * (depth + 1) + [1], activation=activation, weights="random",
                  seed=seed)
    net.weights = [size * w for w in net.weights]
    return net


def depth_data(width: int = WIDTH, samples: int = SAMPLES,
               seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded data set: inputs X uniform in [-1, 1], shape (samples, width), targets in [0, 1]."""
    width = validate.whole_number(width, "width (inputs per sample)", 1, MAX_WIDTH)
    samples = validate.whole_number(samples, "samples", 1, 10_000)
    seed = validate.whole_number(seed, "seed", 0, 2**63 - 1, "it seeds numpy's generator")
    rng = np.random.default_rng((DATA_STREAM, seed))
    return rng.uniform(-1.0, 1.0, (samples, width)), rng.uniform(0.0, 1.0, (samples, 1))


@dataclass(frozen=True)
class DeltaProfile:
    """One backprop pass of a deep network: its deltas and slopes, layer by layer."""

    activation: str
    scale: float
    mean_abs_delta: tuple[float, ...]
    """Mean |delta| over samples and units, per layer: hidden 1, 2, ..., then the output."""
    mean_slope: tuple[float, ...]
    """Mean f'(a) over samples and units, per hidden layer."""
    flat_share: tuple[float, ...]
    """Per hidden layer, the share of (sample, unit) pairs where f'(a) < FLAT * largest f'."""
    bounds: tuple[float, ...]
    """Per hidden layer l, the most ``factors[l]`` can be: the largest f'(a) (sympy's
    ``slope_bound``) times the largest sum of |w| into one unit of layer l + 1 (bias excluded),
    times (units in l + 1) / (units in l). In a chain of one unit per layer: 1/4 |w| for the
    sigmoid."""

    @property
    def factors(self) -> tuple[float, ...]:
        """Per hidden layer, mean |delta| there over mean |delta| in the layer above it."""
        deltas = self.mean_abs_delta
        return tuple(_ratio(deltas[k], deltas[k + 1]) for k in range(len(deltas) - 1))

    @property
    def layers(self) -> tuple[str, ...]:
        """The layers' names: 'hidden 1', ..., 'output'."""
        hidden = len(self.mean_abs_delta) - 1
        return (*(f"hidden {k}" for k in range(1, hidden + 1)), "output")

    @property
    def first_over_last(self) -> float:
        """Mean |delta| of hidden layer 1 over the last hidden layer's: < 1 shrinks, > 1 grows."""
        return _ratio(self.mean_abs_delta[0], self.mean_abs_delta[-2])

    @property
    def mean_factor(self) -> float:
        """What one hidden layer keeps of |delta|, on average (a geometric mean).

        The factors from the last hidden layer back to hidden 1 multiply to
        ``first_over_last``; this is its (hidden layers - 1)-th root.
        """
        return self.first_over_last ** (1 / (len(self.mean_abs_delta) - 2))

    @property
    def slope(self) -> float:
        """Mean f'(a) over every hidden layer."""
        return float(np.mean(self.mean_slope))

    @property
    def flat(self) -> float:
        """The share of flat (sample, unit) pairs over every hidden layer."""
        return float(np.mean(self.flat_share))

    def table(self) -> Table:
        """One row per layer: mean |delta|, mean f'(a), the share of flat units."""
        rows = [[name, delta, slope, share] for name, delta, slope, share in zip(
            self.layers, self.mean_abs_delta, (*self.mean_slope, None),
            (*self.flat_share, None))]
        return Table.of(["layer", "mean |δ|", "mean f'(a)", "flat share"], rows)


def _ratio(top: float, bottom: float) -> float:
    """Top / bottom, or nan where bottom is 0 (every unit of a relu layer off: no delta)."""
    return top / bottom if bottom else math.nan


def delta_profile(activation: str = "sigmoid", scale: float = 1.0, depth: int = DEPTH,
                  width: int = WIDTH, seed: int = 0) -> DeltaProfile:
    """Mean |delta| per layer of ``deep_network(...)`` on ``depth_data(width, seed=seed)``.

    Needs at least 2 hidden layers (a first and a last to compare).
    """
    depth, width = _checked_shape(depth, width)
    if depth < 2:
        raise BpkitError(f"depth must be at least 2 hidden layers (a first and a last to "
                         f"compare); got {depth}")
    net = deep_network(activation, scale, depth, width, seed)
    X, Y = depth_data(width, seed=seed)
    with np.errstate(over="ignore", invalid="ignore"):
        done = net.backprop(with_bias(X), Y)
    mean_abs = tuple(float(np.abs(delta).mean()) for delta in done.deltas)
    if not all(np.isfinite(mean_abs)):
        raise BpkitError(f"the deltas overflow to inf or nan at scale {scale:g}: try a "
                         f"smaller scale or fewer layers")
    act = functions.activation(activation)
    largest = float(slope_bound(activation))
    slopes = [np.broadcast_to(act.df(a), a.shape) for a in done.a[:-1]]
    bounds = tuple(largest * float(np.abs(w[:, 1:]).sum(axis=1).max()) * w.shape[0]
                   / (w.shape[1] - 1) for w in net.weights[1:])
    return DeltaProfile(act.name, float(scale), mean_abs,
                        tuple(float(s.mean()) for s in slopes),
                        tuple(float((s < FLAT * largest).mean()) for s in slopes), bounds)


def delta_profiles(scale: float = 1.0, depth: int = DEPTH, width: int = WIDTH, seed: int = 0,
                   activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
                   ) -> dict[str, DeltaProfile]:
    """``delta_profile`` for each activation at one scale, on the same draw of weights and data."""
    if isinstance(activations, (str, bytes)) or not isinstance(activations, Sequence) \
            or not activations:
        raise BpkitError(f"activations must be a non-empty list of names such as "
                         f"['sigmoid', 'tanh']; got {activations!r:.40}")
    return {functions.activation(name).name: delta_profile(name, scale, depth, width, seed)
            for name in activations}


@dataclass(frozen=True)
class TrainingDeltas:
    """The deltas of a training run at its snapshots: why the loss moves fast or slowly."""

    epochs: tuple[int, ...]
    losses: tuple[float, ...]
    mean_abs_delta: tuple[tuple[float, ...], ...]
    """Per snapshot, mean |delta| per layer (hidden layers, then the output)."""
    largest_gradient: tuple[tuple[float, ...], ...]
    """Per snapshot, the largest |dJ/dw| per weight array (into hidden 1, ..., into output)."""
    largest_weight: tuple[tuple[float, ...], ...]
    """Per snapshot, the largest |w| per weight array."""

    def table(self, epochs: Sequence[int] | None = None) -> Table:
        """One row per snapshot (or per epoch listed): J, |delta|, |gradient| and |w| by layer.

        The columns are the output's and the last hidden layer's mean |delta|, their ratio, the
        largest |dJ/dw| into each, and the largest |w| into the output.
        """
        chosen = self.epochs if epochs is None else _listed_epochs(epochs, self.epochs)
        rows = []
        for epoch in chosen:
            k = self.epochs.index(epoch)
            deltas, grads = self.mean_abs_delta[k], self.largest_gradient[k]
            rows.append([epoch, self.losses[k], deltas[-1], deltas[-2], deltas[-2] / deltas[-1],
                         grads[-2], grads[-1], self.largest_weight[k][-1]])
        return Table.of(["epoch", "J", "mean |δ| output", "mean |δ| hidden",
                         "hidden ÷ output", "largest |dJ/dw| into hidden",
                         "largest |dJ/dw| into output", "largest |w| into output"], rows)


def _listed_epochs(epochs: object, kept: tuple[int, ...]) -> list[int]:
    if isinstance(epochs, (str, bytes)) or not isinstance(epochs, Sequence) or not epochs:
        raise BpkitError(f"epochs must be a non-empty list of snapshot epochs such as "
                         f"[0, 1000]; got {epochs!r:.40}")
    for epoch in epochs:
        if isinstance(epoch, bool) or epoch not in kept:
            raise BpkitError(f"epoch {epoch!r:.20} has no snapshot: the run kept epochs "
                             f"{kept[0]}, {kept[1] if len(kept) > 1 else ''}... {kept[-1]}")
    return list(epochs)


def deltas_during(net: Network, history: History, X: object, Y: object) -> TrainingDeltas:
    """Backprop at every snapshot of ``history`` (``net.train(..., snapshot_every=N)``) on X, Y.

    ``net`` is the network that was trained (its layout and activations); it is left as it is.
    """
    checked = checked_network(net)
    validate.instance(history, History, "history", "a History from net.train(...)")
    if not history.snapshots:
        raise BpkitError("history has no snapshots: train with snapshot_every=N, such as "
                         "net.train(X, Y, 0.1, 10000, snapshot_every=500)")
    if [w.shape for w in history.snapshots[0][1]] != checked.weight_shapes:
        raise BpkitError(f"history's weights do not fit this network (sizes "
                         f"{list(checked.sizes)}): pass the network that was trained")
    if len(checked.sizes) < 3:
        raise BpkitError(f"the network needs a hidden layer to compare with the output; it has "
                         f"sizes {list(checked.sizes)}")
    inputs, targets = validate.samples(X, Y, checked.sizes[0], checked.sizes[-1])
    with np.errstate(over="ignore", invalid="ignore"):
        passes = [checked.backprop(with_bias(inputs), targets, weights)
                  for _, weights in history.snapshots]
    return TrainingDeltas(
        tuple(epoch for epoch, _ in history.snapshots),
        tuple(done.loss for done in passes),
        tuple(tuple(float(np.abs(d).mean()) for d in done.deltas) for done in passes),
        tuple(tuple(float(np.abs(g).max()) for g in done.gradients) for done in passes),
        tuple(tuple(float(np.abs(w).max()) for w in weights) for _, weights in history.snapshots),
    )
