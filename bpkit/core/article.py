"""The article's worked example: the XOR data, its 2-3-1 linear network, alpha = 0.1."""

from __future__ import annotations

import numpy as np

from bpkit.core.functions import LOSSES
from bpkit.core.network import Network

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
"""The four XOR inputs (X1, X2)."""
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
"""The XOR targets, one per input row."""
SIZES = (2, 3, 1)
"""Two inputs (X1, X2), three hidden units (Z1..Z3), one output (D0); bias units X0, Z0."""
ALPHA = 0.1
"""The article's learning rate."""
START_WEIGHT = 1.0
"""The article sets every weight to 1."""
CONVENTIONS = {name: LOSSES[name].convention for name in ("article", "squared")}
"""The two output-delta conventions (Network loss names), as learners read them."""


def article_network(loss: str = "article", activation: str = "identity") -> Network:
    """The article's network from its start: f(a) = a everywhere, every weight 1.

    ``loss="article"`` replays the article's sign (delta(D0) = actual - predicted);
    ``loss="squared"`` is the correct one (delta(D0) = predicted - actual).
    """
    return Network(SIZES, activation=activation, output_activation="identity", loss=loss,
                   weights=START_WEIGHT)
