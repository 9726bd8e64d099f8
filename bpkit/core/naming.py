"""The article's names for units and links: X0..X2, Z0..Z3, D0 and w(X0->Z1).

Layer 0 is the input layer (letter X), the last layer is the output layer (letter D), and a
single hidden layer is Z. With several hidden layers they are Z1, Z2, ... and a unit is named
like Z1_3. Every layer but the output has a bias unit, numbered 0, whose activation is always 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bpkit.core.errors import BpkitError


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


PHASES = ("forward", "deltas", "update")
"""The three phases of a step, in the order they happen: every module names them so."""


def link_key(link: str) -> str:
    """A link given as 'X0->Z1' or 'w(X0->Z1)', always as the article's 'w(X0->Z1)'."""
    source, target = parse_link(link)
    return link_name(source, target)


_LINK = re.compile(r"w\((\w+)->(\w+)\)|(\w+)->(\w+)")
"""A link name: 'w(X0->Z1)' or 'X0->Z1', unit names made of letters, digits and '_'."""


def parse_link(link: object) -> tuple[str, str]:
    """The source and target unit of a link named 'w(X0->Z1)' or 'X0->Z1'."""
    found = _LINK.fullmatch(link) if isinstance(link, str) else None
    if found is None:
        raise BpkitError(f"{link!r} is not a link name: write one as 'w(X0->Z1)' or 'X0->Z1'")
    source, target = (found[1], found[2]) if found[1] else (found[3], found[4])
    return source, target


def unit_kind(unit_names: Sequence[Sequence[str]], layer: int, index: int) -> str:
    """'bias', 'input', 'hidden' or 'output' for the unit at ``unit_names[layer][index]``."""
    last = len(unit_names) - 1
    if layer < last and index == 0:
        return "bias"
    return "input" if layer == 0 else "output" if layer == last else "hidden"


def unit_kinds(unit_names: Sequence[Sequence[str]]) -> dict[str, str]:
    """Every unit's kind ('bias', 'input', 'hidden' or 'output') by name, in layer order."""
    return {name: unit_kind(unit_names, layer, index)
            for layer, names in enumerate(unit_names) for index, name in enumerate(names)}


def sizes_from_names(unit_names: Sequence[Sequence[str]]) -> tuple[int, ...]:
    """Units per layer without bias units, e.g. (2, 3, 1) for the article's names."""
    last = len(unit_names) - 1
    return tuple(len(names) - (0 if layer == last else 1)
                 for layer, names in enumerate(unit_names))
