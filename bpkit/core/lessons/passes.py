"""In what sense backprop is fast: passes through the network counted and timed.

Central finite differences need J twice per weight, each J one forward pass; backprop gets
every gradient from one forward and one backward pass. ``count_passes`` counts them by
running bpkit's own ``finite_difference_gradients`` and ``Network.gradients`` on a network that
counts its passes; ``time_gradients`` times both on growing networks with
``time.perf_counter``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.gradcheck import finite_difference_cost, finite_difference_gradients
from bpkit.core.lessons.depth import depth_data
from bpkit.core.network import Network, Pass, checked_network
from bpkit.core.table import Table

TIMING_WIDTHS = (2, 4, 8, 16, 32)
"""Hidden widths of the timed networks [4, width, width, 1]: the weights grow about as width²."""
TIMING_INPUTS = 4
TIMING_SAMPLES = 8
MAX_TIMED_WIDTH = 64
"""The widest timed network: finite differences on it already take about a second."""
MAX_TIMED_PASSES = 40_000
"""The most forward passes of finite differences one ``time_gradients`` call makes, over every
width and repeat: about 3 s on a 2-core machine (65 µs a pass). Notebook 12's widths 2 to 32
with 3 repeats make 14,424 (1 s), [64] makes 36,360 and [64] * 50 would make 1,818,000."""


@dataclass
class Counts:
    """Passes through the network so far: forward (input to output), backward (deltas back)."""

    forward: int = 0
    backward: int = 0


class CountingNetwork(Network):
    """A Network that counts its forward and backward passes (its copies count with it).

    Its ``loss`` is J from one forward pass, all finite differences need; a plain Network reads
    J from ``backprop``, whose deltas finite differences would throw away.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.counts = Counts()
        """The passes made so far, by this network and its copies."""

    @classmethod
    def of(cls, net: Network) -> CountingNetwork:
        """A counting twin of ``net``: same layout and weights, counts at 0."""
        twin = cls.__new__(cls)
        twin.__dict__.update(checked_network(net).copy().__dict__)
        twin.counts = Counts()
        return twin

    def forward(self, z0: np.ndarray, weights: Sequence[np.ndarray] | None = None,
                ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """``Network.forward``, counted."""
        self.counts.forward += 1
        return super().forward(z0, weights)

    def backprop(self, z0: np.ndarray, targets: np.ndarray,
                 weights: Sequence[np.ndarray] | None = None) -> Pass:
        """``Network.backprop`` (which runs ``forward`` once), its backward pass counted."""
        done = super().backprop(z0, targets, weights)
        self.counts.backward += 1
        return done

    def loss(self, X: object, Y: object) -> float:
        """J from one forward pass (the output layer's loss, averaged over the batch)."""
        z0, targets = self._samples(X, Y)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            a, z = self.forward(z0)
            value = float(self._output.value(a[-1], z[-1], targets).sum()) / len(z0)
        if not np.isfinite(value):
            raise BpkitError("the loss J overflows to inf or nan at these weights and inputs")
        return value


@dataclass(frozen=True)
class PassCount:
    """How many passes one way of getting every dJ/dw made, on a network of ``weights`` weights."""

    method: str
    weights: int
    forward: int
    backward: int


def count_passes(net: Network, X: object, Y: object) -> tuple[PassCount, PassCount]:
    """Count the passes of finite differences and of backprop for every gradient of ``net``.

    Returns (finite differences, backprop). ``net`` is left as it is.
    """
    size = sum(w.size for w in checked_network(net).weights)
    probe = CountingNetwork.of(net)
    finite_difference_gradients(probe, X, Y)
    fd = PassCount("finite differences", size, probe.counts.forward, probe.counts.backward)
    probe = CountingNetwork.of(net)
    probe.gradients(X, Y)
    return fd, PassCount("backprop", size, probe.counts.forward, probe.counts.backward)


@dataclass(frozen=True)
class GradientTiming:
    """Both ways of getting every gradient of one network: passes counted, seconds timed."""

    sizes: tuple[int, ...]
    finite_differences: PassCount
    backprop: PassCount
    fd_seconds: float
    """The fastest of the repeats of ``finite_difference_gradients``, in seconds."""
    backprop_seconds: float
    """The fastest of the repeats of ``Network.gradients`` (one backprop), in seconds."""

    @property
    def weights(self) -> int:
        """How many weights (and so gradients) the network has."""
        return self.backprop.weights


def _fastest(work: object, repeats: int) -> float:
    """The shortest wall time of ``repeats`` calls of ``work()``, by time.perf_counter."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def time_gradients(widths: Sequence[int] = TIMING_WIDTHS, repeats: int = 3,
                   seed: int = 0) -> list[GradientTiming]:
    """Count and time finite differences and backprop on [4, width, width, 1] sigmoid networks.

    Each network has random weights from ``seed`` and a seeded batch of 8 samples. A call
    that would make more than ``MAX_TIMED_PASSES`` passes in all is refused before the first.
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise BpkitError(f"widths must be a non-empty list of hidden widths such as "
                         f"[2, 4, 8]; got {widths!r:.40}")
    checked = [validate.whole_number(w, "each width", 1, MAX_TIMED_WIDTH,
                                     "finite differences are slow on big networks")
               for w in widths]
    repeats = validate.whole_number(repeats, "repeats", 1, 100)
    passes = sum(finite_difference_cost([TIMING_INPUTS, width, width, 1], TIMING_SAMPLES)[0]
                 for width in checked) * (repeats + 1)  # counted once, then timed repeats times
    if passes > MAX_TIMED_PASSES:
        shown = checked if len(checked) <= 8 else f"{len(checked)} widths up to {max(checked)}"
        raise BpkitError(f"timing widths {shown} with repeats={repeats} would make {passes:,} "
                         f"forward passes of finite differences; at most {MAX_TIMED_PASSES:,} "
                         "(about 3 s) are made: time fewer or narrower networks, or fewer repeats")
    X, Y = depth_data(TIMING_INPUTS, TIMING_SAMPLES, seed)
    results = []
    for width in checked:
        net = Network([TIMING_INPUTS, width, width, 1], activation="sigmoid",
                      weights="random", seed=seed)
        fd, bp = count_passes(net, X, Y)
        fd_time = _fastest(lambda net=net: finite_difference_gradients(
            CountingNetwork.of(net), X, Y), repeats)
        bp_time = _fastest(lambda net=net: CountingNetwork.of(net).gradients(X, Y), repeats)
        results.append(GradientTiming(net.sizes, fd, bp, fd_time, bp_time))
    return results


def timing_table(timings: Sequence[GradientTiming]) -> Table:
    """One row per network: weights, passes and milliseconds of each method, and the ratio.

    The finite differences' milliseconds per forward pass show what a pass costs: about the
    same at every size timed here, where numpy's fixed cost per call outweighs the W
    multiply-adds of a pass, so their time grows like their 2W + 1 passes, not like W².
    """
    if isinstance(timings, (str, bytes)) or not isinstance(timings, Sequence) or not timings \
            or not all(isinstance(t, GradientTiming) for t in timings):
        raise BpkitError(f"timings must be a non-empty list of what time_gradients returns; "
                         f"got {timings!r:.40}")
    rows = [[str(list(t.sizes)), t.weights, t.finite_differences.forward,
             t.backprop.forward + t.backprop.backward, 1000 * t.fd_seconds,
             1000 * t.backprop_seconds, 1000 * t.fd_seconds / t.finite_differences.forward,
             t.fd_seconds / t.backprop_seconds] for t in timings]
    return Table.of(["network", "weights", "FD passes", "backprop passes", "FD ms",
                     "backprop ms", "FD ms per pass", "FD ÷ backprop time"], rows)
