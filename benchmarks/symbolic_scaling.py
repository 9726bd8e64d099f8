"""Measure 4: how long sympy takes to derive every delta and gradient, as the net grows.

Each layout is derived from scratch: a new SymbolicNetwork (not the cached ``derive``), after
clearing sympy's own cache, so the time includes making the symbols, the layer-by-layer
deltas and every gradient formula, as in a fresh kernel.
"""

from __future__ import annotations

import itertools

from common import Row, median, seconds
from sympy.core.cache import clear_cache

from bpkit.core.symbolic import SymbolicNetwork

LAYOUTS = [
    ("seed net 2-3-1 (the article's: linear, its loss)", (2, 3, 1), "identity", "article", 0.5),
    ("2-4-4-1, tanh hidden", (2, 4, 4, 1), "tanh", "squared", None),
    ("2-8-8-1, tanh hidden", (2, 8, 8, 1), "tanh", "squared", 3.0),
    ("4-16-1, tanh hidden", (4, 16, 1), "tanh", "squared", None),
]
"""(label, sizes, hidden activation, loss, target in seconds or None)."""


def n_weights(sizes: tuple[int, ...]) -> int:
    """How many weights (bias weights included) a layout has."""
    return sum((m + 1) * n for m, n in itertools.pairwise(sizes))


def derive_all(sizes: tuple[int, ...], hidden: str, loss: str) -> int:
    """Derive every delta and gradient from scratch; return how many gradients there are."""
    clear_cache()
    activations = [hidden] * (len(sizes) - 2) + ["identity"]
    network = SymbolicNetwork(sizes, activations, loss)
    deltas = network.deltas
    gradients = network.gradients
    assert len(deltas) == sum(sizes[1:])  # one per unit that receives links
    return len(gradients)


def rows(repeats: int = 3) -> list[Row]:
    """Seconds per layout and per weight; the per-weight figures show how time grows."""
    table = []
    per_weight = []
    for label, sizes, hidden, loss, target in LAYOUTS:
        assert derive_all(sizes, hidden, loss) == n_weights(sizes)
        took = median([seconds(lambda s=sizes, h=hidden, lo=loss: derive_all(s, h, lo))
                       for _ in range(repeats)])
        weights = n_weights(sizes)
        per_weight.append(took / weights)
        table.append(Row(f"sympy: every delta and gradient, {label}: {weights} weights",
                         f"{took:.3f} s ({took / weights * 1e3:.2f} ms/weight)",
                         "" if target is None else f"< {target:g} s",
                         None if target is None else took < target))
    spread = max(per_weight) / min(per_weight)
    table.append(Row("  sympy: largest / smallest time per weight (linear growth: near 1)",
                     f"{spread:.1f}x", "<= 3x (roughly linear)", spread <= 3.0))
    return table
