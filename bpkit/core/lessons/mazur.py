"""Mazur's step-by-step example: a 2-2-2 sigmoid net, one sample, and his names for its parts.

Matt Mazur, "A Step by Step Backpropagation Example" (2015),
https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/ . His inputs i1, i2,
hidden units h1, h2 and outputs o1, o2 are bpkit's X1, X2, Z1, Z2, D0, D1. His weights w1..w8
are numbered target by target, source by source (w1: i1 -> h1, w2: i2 -> h1, ..., w8: h2 -> o2),
the order of bpkit's weight arrays without their bias column; his b1 is the bias weight of both
hidden units and b2 that of both outputs. He does not update the biases; bpkit's step does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpkit.core import naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, with_bias
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
MAZUR_PUBLISHED = {
    "w1": "0.149780716", "w2": "0.19956143", "w3": "0.24975114", "w4": "0.29950229",
    "w5": "0.35891648", "w6": "0.408666186", "w7": "0.511301270", "w8": "0.561370121",
    "E_total after 1 round": "0.291027924",
    "out_o1 after 10,000 rounds": "0.015912196",
    "out_o2 after 10,000 rounds": "0.984065734",
    "E_total after 10,000 rounds": "0.0000351085",
}
"""Figures Mazur PRINTS in his post, copied as text with his digits, not computed by bpkit.

w1..w8 are his weights after his one step (rounded as he prints them; his biases stay). The
rest are his later figures: the error after that first round, and the two outputs and the
error after 10,000 rounds of the same step.
"""
ORDERS = ("old weights", "output layer first")
"""The two update orders bpkit replays his rounds in: every delta from the old weights (his
text, and bpkit), or the output weights updated first and the hidden deltas computed through
the new ones (misconception 7)."""


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


def mazur_network() -> MazurNetwork:
    """His network at his start: sigmoid hidden and output units, squared loss, his weights.

    A ``MazurNetwork``: a ``Network`` that can also replay his rounds (``after_rounds``), set
    his later figures beside bpkit's (``figures``) and scan Z1's two paths (``z1_paths``).
    """
    net = MazurNetwork(MAZUR_SIZES, activation="sigmoid", output_activation="sigmoid",
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


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def his_rounds(weights: list[np.ndarray], rounds: int,
               order: str = "old weights") -> tuple[list[np.ndarray], np.ndarray]:
    """``rounds`` of his step on his sample at his rate, biases kept: new weights and every E.

    The 2-2-2 sigmoid net with squared error written out in numpy, so 10,000 rounds take a
    fraction of a second (tests check each round against bpkit's own step and
    ``mazur_update``). ``order`` is one of ``ORDERS``. The errors are E after 0, 1, ..., rounds.
    """
    if order not in ORDERS:
        raise BpkitError(f"order must be one of {', '.join(map(repr, ORDERS))}; got {order!r:.40}")
    hidden, out = (np.array(w, dtype=float) for w in weights)
    x, y, alpha = with_bias(MAZUR_X)[0], MAZUR_Y[0], MAZUR_ALPHA
    errors = np.empty(rounds + 1)
    for k in range(rounds + 1):
        z = _sigmoid(hidden @ x)
        h = _sigmoid(out @ np.concatenate(([1.0], z)))
        errors[k] = 0.5 * float(((h - y) ** 2).sum())
        if k == rounds:
            break
        d_out = (h - y) * h * (1 - h)  # delta(D0), delta(D1) from the old weights
        new_out = out.copy()
        new_out[:, 1:] -= alpha * np.outer(d_out, z)  # column 0, his b2, kept
        back = new_out if order == "output layer first" else out
        d_hidden = (d_out @ back[:, 1:]) * z * (1 - z)
        hidden[:, 1:] -= alpha * np.outer(d_hidden, x[1:])  # his b1 kept
        out = new_out
    return [hidden, out], errors


class MazurNetwork(Network):
    """His network: a ``Network`` that also replays his rounds and checks his printed figures."""

    @property
    def published(self) -> dict[str, str]:
        """His printed figures (``MAZUR_PUBLISHED``): text with his digits, not computed."""
        return dict(MAZUR_PUBLISHED)

    def after_rounds(self, rounds: int, order: str = "old weights") -> MazurNetwork:
        """A new network: this one after ``rounds`` of his step (biases kept), in ``order``."""
        count = validate.whole_number(rounds, "rounds", low=0, high=100_000,
                                      why="each round is a step on his one sample")
        twin = self.copy()
        twin.weights = his_rounds(self.weights, count, order)[0]
        return twin

    def his_printed_step(self) -> MazurNetwork:
        """His network with the weights he prints after his step (rounded), biases kept."""
        net = mazur_network()
        for his_name, (link,) in ((n, ls) for n, ls in mazur_links().items() if n[0] == "w"):
            net.set_weight(link, float(MAZUR_PUBLISHED[his_name]))
        return net

    def figures(self) -> Table:
        """His later printed figures beside bpkit's replay of his rounds in both ``ORDERS``.

        Each computed value is written to the digits he prints. Only for his start: his
        figures are for it, so a network whose weights were moved is refused.
        """
        start = mazur_network()
        if not all(np.array_equal(w, s) for w, s in zip(self.weights, start.weights)):
            raise BpkitError("his figures are for his start; call figures() on mazur_network()")
        runs = {order: his_rounds(self.weights, 10_000, order) for order in ORDERS}
        rows = []
        for figure, his in MAZUR_PUBLISHED.items():
            if figure.startswith("w"):
                continue
            digits = len(his.split(".")[1])
            if figure.startswith("E_total"):
                pick = {order: errors[1 if "after 1 round" in figure else -1]
                        for order, (_, errors) in runs.items()}
            else:
                unit = 0 if "o1" in figure else 1
                pick = {order: self._outputs(weights)[unit]
                        for order, (weights, _) in runs.items()}
            rows.append([figure, his, *(f"{pick[order]:.{digits}f}" for order in ORDERS)])
        nearly = runs["old weights"][1][-2]
        rows.append(["E_total after 9,999 rounds", None, f"{nearly:.10f}", None])
        return Table.of(["figure", "Mazur prints", *ORDERS], rows)

    def _outputs(self, weights: list[np.ndarray]) -> np.ndarray:
        return self.forward(with_bias(MAZUR_X), weights)[1][-1][0]

    def z1_terms(self, his_name: str, value: float) -> tuple[float, float]:
        """Z1's two path terms, w5 · δ(D0) and w7 · δ(D1), with his weight ``his_name`` moved.

        bpkit's backprop on his sample; this network's weights stay as they are.
        """
        if his_name not in ("w5", "w7"):
            raise BpkitError(f"his_name must be 'w5' or 'w7' (Z1's links to D0 and D1); "
                             f"got {his_name!r:.40}")
        moved = self.copy()
        moved.set_weight(mazur_links()[his_name][0], validate.real_number(value, "value"))
        deltas = moved.backprop(with_bias(MAZUR_X), MAZUR_Y).deltas[-1][0]
        w5, w7 = (moved.weight(mazur_links()[name][0]) for name in ("w5", "w7"))
        return w5 * float(deltas[0]), w7 * float(deltas[1])

    def z1_paths(self, his_name: str, low: float = -20.0, high: float = 20.0) -> PathScan:
        """Move w5 or w7 from ``low`` to ``high``: where, if anywhere, Z1's two paths cancel.

        Z1's f'(a) does not depend on w5 or w7, so δ(Z1) = 0 exactly when the two terms add
        to 0. Moving w7 changes only the path through D1, w7 · δ(D1); moving w5 only the path
        through D0. A scan of 801 values, then the lowest point refined by golden section and
        each cancelling value by bisection, each evaluation bpkit's backprop.
        """
        low, high = (validate.real_number(v, name) for v, name in ((low, "low"), (high, "high")))
        if not low < high:
            raise BpkitError(f"low must be below high; got low = {low}, high = {high}")
        index = 1 if his_name == "w7" else 0
        terms = lambda v: self.z1_terms(his_name, v)  # noqa: E731
        grid = np.linspace(low, high, 801)
        both = np.array([terms(v) for v in grid])
        moving, sums = both[:, index], both.sum(axis=1)
        k = int(np.argmin(moving))
        a, b = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        ratio = (np.sqrt(5) - 1) / 2
        for _ in range(60):  # golden section on the moving path's term
            c, d = b - ratio * (b - a), a + ratio * (b - a)
            a, b = (a, d) if terms(c)[index] < terms(d)[index] else (c, b)
        cancels = []
        for i in np.flatnonzero(np.sign(sums[:-1]) != np.sign(sums[1:])):
            lo, hi = grid[i], grid[i + 1]
            for _ in range(60):  # bisection on the sum of both terms
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if np.sign(sum(terms(mid))) == np.sign(sums[i]) else (lo, mid)
            cancels.append((lo + hi) / 2)
        at = (a + b) / 2
        start = self.weight(mazur_links()[his_name][0])
        return PathScan(his_name, start, float(terms(start)[1 - index]), terms(at)[index],
                        float(at), tuple(float(v) for v in cancels), (low, high))


@dataclass(frozen=True)
class PathScan:
    """What moving one of Z1's outgoing weights does to its two paths (``z1_paths``)."""

    his_name: str
    """The weight moved: 'w5' (Z1 -> D0) or 'w7' (Z1 -> D1)."""
    start: float
    """Its value at his start."""
    other: float
    """The other path's term, which this weight does not change."""
    lowest: float
    """The lowest value of the moved path's term over the scan."""
    lowest_at: float
    """Where it is lowest."""
    cancels: tuple[float, ...]
    """Every value of the weight in the scan where the two terms add to 0 (none: empty)."""
    scanned: tuple[float, float]
    """The range scanned."""
