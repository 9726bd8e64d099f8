"""A setting for a question: the article's step changed (weights, samples, alpha) by a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from bpkit.core import functions, validate
from bpkit.core.article import CONVENTIONS, SIZES, XOR_X, XOR_Y
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, checked_network
from bpkit.core.trace import StepTrace

NICE_WEIGHTS = (-1.0, -0.5, 0.5, 1.5, 2.0)
"""Weights a learner can multiply by hand, none of them the article's 1."""
NICE_RATES = (0.01, 0.02, 0.05)
"""Learning rates other than the article's 0.1, small enough that one step does not overshoot."""


@dataclass(frozen=True)
class Setting:
    """A changed version of the article's step: the network, its samples and alpha."""

    net: Network
    x: np.ndarray
    """The samples' inputs (X1, X2), shape (n, n_inputs): one sample, or a batch."""
    y: np.ndarray
    """Their targets, shape (n, n_outputs)."""
    lr: float

    def __post_init__(self) -> None:
        """Refuse a setting a question could not be built on, naming the bad field."""
        net = checked_network(self.net)
        x = validate.as_batch(self.x, net.sizes[0], "a Setting's x (the samples' inputs)")
        y = validate.as_batch(self.y, net.sizes[-1], "a Setting's y (their targets)")
        if len(x) != len(y):
            raise BpkitError(f"a Setting needs one target row per input row: x of "
                             f"{net.sizes[0]} number(s) and y of {net.sizes[-1]} per sample; "
                             f"got {len(x)} input and {len(y)} target rows")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "lr", validate.positive_number(self.lr, "a Setting's lr"))

    @property
    def n_samples(self) -> int:
        """How many samples one step of this setting averages over."""
        return len(self.x)

    def trace(self) -> StepTrace:
        """One step from this setting, on a copy (the setting's network is left as it is)."""
        return self.net.preview_step(self.x, self.y, self.lr)


def random_setting(seed: int, loss: str = "squared", activation: str = "identity",
                   outputs: int = 1, batch: bool = False) -> Setting:
    """The article's layout with hand-friendly weights, an XOR sample and alpha drawn from ``seed``.

    ``loss="squared"`` uses the correct sign (delta(D0) = predicted - actual), ``"article"``
    the article's; ``activation`` is the hidden units' f (the output stays linear).
    ``outputs=2`` adds an output D1 whose target is 1 - XOR, so each hidden delta sums two
    paths; ``batch=True`` takes all four XOR samples instead of one.
    """
    rng = random.Random(checked_seed(seed))
    checked_choice(loss, "loss", tuple(CONVENTIONS), "the output delta's sign convention")
    checked_choice(activation, "activation", tuple(functions.ACTIVATIONS),
                    "the hidden units' f")
    n_outputs = validate.whole_number(outputs, "outputs", 1, 2,
                                      "D0 alone, or D0 and D1 with target 1 - XOR")
    if not isinstance(batch, bool):
        raise BpkitError(f"batch must be True (all four XOR samples) or False (one sample); "
                         f"got {batch!r:.40}")
    net = Network((*SIZES[:-1], n_outputs), activation=activation,
                  output_activation="identity", loss=loss)
    net.weights = [np.array([[rng.choice(NICE_WEIGHTS) for _ in range(cols)]
                             for _ in range(rows)]) for rows, cols in net.weight_shapes]
    targets = np.hstack([XOR_Y, 1 - XOR_Y])[:, :n_outputs]
    sample = rng.randrange(len(XOR_X))
    rows = slice(None) if batch else slice(sample, sample + 1)
    return Setting(net, XOR_X[rows], targets[rows], rng.choice(NICE_RATES))


def checked_seed(seed: object) -> int:
    """A seed for ``random.Random``: a whole number of at least 0 (not a bool), else raise."""
    return validate.whole_number(seed, "seed", 0, None, "it seeds the random choices")


def checked_choice(value: object, what: str, choices: tuple[str, ...], meaning: str) -> str:
    """Return ``value`` if it is one of the ``choices`` (names), else raise listing them."""
    if not isinstance(value, str) or value not in choices:
        raise BpkitError(f"{what} ({meaning}) must be one of {', '.join(map(repr, choices))}; "
                         f"got {value!r:.40}")
    return value


def checked_setting(setting: object) -> Setting:
    """Return ``setting`` if it is a Setting, else raise naming where one comes from."""
    return validate.instance(setting, Setting, "setting",
                             "a Setting, such as random_setting(seed)")


def one_sample(setting: object, asks: str) -> Setting:
    """Return ``setting`` if it holds one sample; a question about one sample refuses a batch."""
    checked = checked_setting(setting)
    if checked.n_samples != 1:
        raise BpkitError(f"this question asks {asks} for one sample, and the setting holds "
                         f"{checked.n_samples}: use random_setting(seed) (batch=False), or ask "
                         "a new-weight, up-or-down or finite-difference question about a batch")
    return checked
