"""Mazur's step-by-step example: a 2-2-2 sigmoid net, one sample, and his names for its parts.

Matt Mazur, "A Step by Step Backpropagation Example" (2015),
https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/ . His inputs i1, i2,
hidden units h1, h2 and outputs o1, o2 are bpkit's X1, X2, Z1, Z2, D0, D1. His weights w1..w8
are numbered target by target, source by source (w1: i1 -> h1, w2: i2 -> h1, ..., w8: h2 -> o2),
the order of bpkit's weight arrays without their bias column; his b1 is the bias weight of both
hidden units and b2 that of both outputs. He does not update the biases; bpkit's step does.
"""

from __future__ import annotations

import numpy as np

from bpkit.core import naming
from bpkit.core.network import Network
from bpkit.core.table import Table
from bpkit.core.trace import StepTrace, checked_trace

MAZUR_X = np.array([[0.05, 0.10]])
"""His one sample's inputs (i1, i2), bpkit's (X1, X2)."""
MAZUR_Y = np.array([[0.01, 0.99]])
"""His targets for o1 and o2, bpkit's D0 and D1."""
MAZUR_ALPHA = 0.5
"""His learning rate."""
MAZUR_SIZES = (2, 2, 2)
"""Two inputs, two hidden units, two outputs; every hidden and output unit is a sigmoid."""
MAZUR_START = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "b1": 0.35,
               "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55, "b2": 0.60}
"""His published starting weights and biases, by his names."""


def mazur_units() -> dict[str, str]:
    """His unit names and bpkit's: i1 -> X1, i2 -> X2, h1 -> Z1, h2 -> Z2, o1 -> D0, o2 -> D1."""
    ours = naming.unit_names(MAZUR_SIZES)
    theirs = {}
    for letter, names in zip("iho", ours):
        units = names[1:] if letter != "o" else names  # his names leave out bias units
        theirs.update({f"{letter}{k}": name for k, name in enumerate(units, start=1)})
    return theirs


def mazur_links() -> dict[str, tuple[str, ...]]:
    """Each of his weight and bias names and the bpkit link(s) it is, in his order.

    w1..w8 count the non-bias links target by target, as bpkit's weight arrays hold them;
    b1 and b2 are the bias of a whole layer, so each is two bpkit links (one per unit).
    """
    links: dict[str, tuple[str, ...]] = {}
    count = 0
    for layer in range(1, len(MAZUR_SIZES)):
        bias = naming.unit_names(MAZUR_SIZES)[layer - 1][0]
        targets = naming.target_names(MAZUR_SIZES, layer)
        for target in targets:
            for source in naming.unit_names(MAZUR_SIZES)[layer - 1][1:]:
                count += 1
                links[f"w{count}"] = (naming.link_name(source, target),)
        links[f"b{layer}"] = tuple(naming.link_name(bias, target) for target in targets)
    return links


def mazur_network() -> Network:
    """His network at his start: sigmoid hidden and output units, squared loss, his weights."""
    net = Network(MAZUR_SIZES, activation="sigmoid", output_activation="sigmoid",
                  loss="squared", weights=0.0)
    for his_name, links in mazur_links().items():
        for link in links:
            net.set_weight(link, MAZUR_START[his_name])
    return net


def mazur_names() -> Table:
    """His names beside bpkit's: each weight, the link in his unit names, bpkit's link, its start.

    The start column is read from ``mazur_network()``, so the table shows what bpkit holds.
    """
    units = mazur_units()
    back = {ours: his for his, ours in units.items()}
    net = mazur_network()
    rows = []
    for his_name, links in mazur_links().items():
        ends = [naming.parse_link(link) for link in links]
        if his_name.startswith("b"):
            his_link = f"bias -> {', '.join(back[target] for _, target in ends)}"
        else:
            his_link = f"{back[ends[0][0]]} -> {back[ends[0][1]]}"
        rows.append([his_name, his_link, ", ".join(links), net.weight(links[0])])
    return Table.of(["Mazur", "his link", "bpkit", "start"], rows)


def mazur_update(trace: StepTrace) -> dict[str, float]:
    """Each link's new weight as Mazur updates it: like ``trace``, but bias weights kept.

    He computes every delta from the old weights, as bpkit does, and moves every weight but
    the biases; so only the bias links (source X0 or Z0) differ from the trace's new weights.
    """
    kinds = naming.unit_kinds(checked_trace(trace).unit_names)
    return {name: link.old if kinds[link.source] == "bias" else link.new
            for name, link in trace.links.items()}
