"""The article's names for units and links: X0..X2, Z0..Z3, D0 and w(X0->Z1).

Layer 0 is the input layer (letter X), the last layer is the output layer (letter D), and a
single hidden layer is Z. With several hidden layers they are Z1, Z2, ... and a unit is named
like Z1_3. Every layer but the output has a bias unit, numbered 0, whose activation is always 1.
"""

from __future__ import annotations


def layer_prefix(layer: int, n_layers: int) -> str:
    """The letter (or letter and number) that names the units of one layer."""
    if layer == 0:
        return "X"
    if layer == n_layers - 1:
        return "D"
    if n_layers == 3:
        return "Z"
    return f"Z{layer}_"


def unit_names(sizes: list[int] | tuple[int, ...]) -> list[list[str]]:
    """Every unit's name, layer by layer; bias units (index 0) come first in non-output layers."""
    n_layers = len(sizes)
    names = []
    for layer, size in enumerate(sizes):
        prefix = layer_prefix(layer, n_layers)
        if layer == n_layers - 1:
            names.append([f"{prefix}{k}" for k in range(size)])
        else:
            names.append([f"{prefix}{k}" for k in range(size + 1)])
    return names


def link_name(source: str, target: str) -> str:
    """The article's name for the weight on a link, e.g. ``w(X0->Z1)``."""
    return f"w({source}->{target})"


def target_names(sizes: list[int] | tuple[int, ...], layer: int) -> list[str]:
    """Names of the units that receive weights in ``layer`` (its non-bias units), in row order."""
    names = unit_names(sizes)[layer]
    return names if layer == len(sizes) - 1 else names[1:]
