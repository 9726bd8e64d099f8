"""Two-input data sets for the playground, made with numpy from a seed (nothing is downloaded).

Every set lies in the unit square, like the article's XOR inputs, with targets 0 and 1 for one
output unit. ``make_dataset("moons", noise=0.1, test_share=0.5)`` shuffles the points and keeps
``test_share`` of them apart as a test set, which training never sees. "xor" is the article's
four points alone: too few to split, so its test set is the same four points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bpkit.core import validate
from bpkit.core.article import XOR_X, XOR_Y
from bpkit.core.errors import BpkitError

POINTS = 200
"""Points in a generated set (train and test together)."""
MAX_POINTS = 5_000
"""The most points a set may have: every frame of the playground computes the loss on them."""
MAX_NOISE = 0.5
"""The largest noise: a jitter of standard deviation 0.5 x ``JITTER`` of the square's side."""
JITTER = 0.2
"""Noise 1 would move each point by a Gaussian of this standard deviation (square side 1)."""
TEST_SHARE = (0.1, 0.9)
"""The smallest and largest share of the points kept for testing."""


@dataclass(frozen=True)
class Dataset:
    """A seeded two-input set, split into the points trained on and the points tested on."""

    name: str
    X_train: np.ndarray
    """Inputs trained on, shape (n, 2), in the unit square (up to the noise)."""
    Y_train: np.ndarray
    """Targets 0 or 1, shape (n, 1)."""
    X_test: np.ndarray
    Y_test: np.ndarray
    noise: float
    test_share: float
    seed: int

    def __repr__(self) -> str:
        if self.name == "xor":  # noise and the split do not apply: say so, not their settings
            return (f"Dataset('xor', the article's {len(self.X_train)} points, trained and "
                    f"tested on alike)")
        return (f"Dataset({self.name!r}, {len(self.X_train)} train + {len(self.X_test)} test, "
                f"noise {self.noise:g})")


def _xor_cloud(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points spread over the square, target 1 where exactly one input is above 0.5 (XOR)."""
    X = rng.uniform(0.0, 1.0, (n, 2))
    X += np.where(X > 0.5, 0.05, -0.05)  # a gap along the middle lines, as the corners have
    return X, ((X[:, 0] > 0.5) != (X[:, 1] > 0.5)).astype(float)


def _circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A disc (target 1) inside a ring (target 0), both around the square's middle."""
    inner = rng.random(n) < 0.5
    radius = np.where(inner, rng.uniform(0.0, 0.2, n), rng.uniform(0.3, 0.48, n))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = 0.5 + radius[:, None] * np.column_stack((np.cos(angle), np.sin(angle)))
    return X, inner.astype(float)


def _moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles: the upper one target 0, the lower one target 1."""
    lower = rng.random(n) < 0.5
    t = rng.uniform(0.0, np.pi, n)
    x = np.where(lower, 1 - np.cos(t), np.cos(t))
    y = np.where(lower, 0.5 - np.sin(t), np.sin(t))
    return np.column_stack(((x + 1) / 3, (y + 0.5) / 3 + 0.25)), lower.astype(float)


def _spiral(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two spiral arms winding out from the middle, one per target."""
    arm = rng.random(n) < 0.5
    t = rng.uniform(0.25, 1.0, n)
    angle = 3 * np.pi * t + np.where(arm, np.pi, 0.0)
    X = 0.5 + 0.45 * t[:, None] * np.column_stack((np.cos(angle), np.sin(angle)))
    return X, arm.astype(float)


def _blobs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs: lower left target 0, upper right target 1."""
    upper = rng.random(n) < 0.5
    centre = np.where(upper[:, None], 0.7, 0.3)
    return centre + rng.normal(0.0, 0.08, (n, 2)), upper.astype(float)


MAKERS: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "xor cloud": _xor_cloud, "circles": _circles, "moons": _moons, "spiral": _spiral,
    "blobs": _blobs,
}
DATASETS = ("xor", *MAKERS)
"""The data sets by name: the article's four XOR points, then the generated ones."""


def make_dataset(name: str = "xor cloud", noise: float = 0.1, test_share: float = 0.5,
                 points: int = POINTS, seed: int = 0) -> Dataset:
    """A data set by name (one of ``DATASETS``), jittered by ``noise`` and split for testing.

    ``noise`` from 0 to ``MAX_NOISE`` moves each point by a Gaussian of standard deviation
    noise x ``JITTER`` (the square's side is 1); ``test_share`` of the points, shuffled from
    ``seed``, form the test set. "xor" is the article's four points: noise, split and points
    do not apply to it.
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise BpkitError(f"unknown data set {name!r:.40}: expected one of {', '.join(DATASETS)}")
    jitter = validate.real_number(noise, "noise", f"a number from 0 to {MAX_NOISE}")
    if not 0 <= jitter <= MAX_NOISE:
        raise BpkitError(f"noise must be a number from 0 to {MAX_NOISE}; got {jitter:g}")
    share = validate.real_number(test_share, "test_share",
                                 f"a share from {TEST_SHARE[0]} to {TEST_SHARE[1]}")
    if not TEST_SHARE[0] <= share <= TEST_SHARE[1]:
        raise BpkitError(f"test_share (the share of points kept for testing) must be from "
                         f"{TEST_SHARE[0]} to {TEST_SHARE[1]}; got {share:g}")
    count = validate.whole_number(points, "points", 10, MAX_POINTS,
                                  "the playground computes the loss on all of them each frame")
    seed = validate.whole_number(seed, "seed", 0, 2**63 - 1, "it seeds numpy's generator")
    if name == "xor":
        return Dataset(name, XOR_X.copy(), XOR_Y.copy(), XOR_X.copy(), XOR_Y.copy(), jitter,
                       share, seed)
    rng = np.random.default_rng((seed, DATASETS.index(name)))
    X, y = MAKERS[name](rng, count)
    X = X + rng.normal(0.0, jitter * JITTER, X.shape)
    order = rng.permutation(count)
    cut = count - max(1, min(count - 1, round(share * count)))
    train, test = order[:cut], order[cut:]
    Y = y.reshape(-1, 1)
    return Dataset(name, X[train], Y[train], X[test], Y[test], jitter, share, seed)
