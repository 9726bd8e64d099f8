"""Gradients by central finite differences: a check on backprop that uses no calculus at all.

``check_gradients(net, X, Y)`` sets backprop's gradient of every link beside the finite
difference and reports how many were compared and the largest gap; ``compare_gradients`` does the
same against any other estimate, such as sympy's full derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.network import Network, checked_network
from bpkit.core.table import Table

MAX_PASSES = 20_000
"""The most forward passes finite differences make, 2 per weight (so 10,000 weights): about
0.1 ms each on a 2-core machine, so 2 s. Notebook 12's widest timed net makes 9,090."""
MAX_MULTIPLY_ADDS = 10**9
"""The most multiply-adds those passes make in all (passes × samples × weights): about 1 s at the
0.3 to 1 ns each measured on a 2-core machine. 10-1000-1000-1 on 64 samples would make 1.3e14."""
SHOWN_DECIMALS = 8
"""Gaps are shown rounded to 8 decimals: a central difference with eps = 1e-6 is good to about
that, so smaller gaps are rounding, not disagreement."""


def _shifted_loss(probe: Network, weights: list[np.ndarray], where: tuple[int, tuple[int, ...]],
                  value: float, X: object, Y: object) -> float:
    """The loss with the one weight at ``where`` set to ``value`` (every other weight as given)."""
    layer, index = where
    shifted = [w.copy() for w in weights]
    shifted[layer][index] = value
    probe.weights = shifted
    return probe.loss(X, Y)


def _estimate(probe: Network, weights: list[np.ndarray], where: tuple[int, tuple[int, ...]],
              link: str, eps: float, X: object, Y: object) -> float:
    """(J(w + eps) - J(w - eps)) / (2 eps) for the one weight at ``where`` (named ``link``)."""
    layer, index = where
    w = float(weights[layer][index])
    up, down = w + eps, w - eps
    if up == w or down == w:
        raise BpkitError(f"eps={eps!r} is too small to change {link} = {w:g} (a float keeps "
                         "about 16 significant digits): use a larger eps such as 1e-6")
    if not (math.isfinite(up) and math.isfinite(down)):
        raise BpkitError(f"eps={eps!r} moves {link} = {w:g} beyond the largest float: "
                         "use a small eps such as 1e-6")
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            difference = (_shifted_loss(probe, weights, where, up, X, Y)
                          - _shifted_loss(probe, weights, where, down, X, Y))
    except BpkitError as err:
        raise BpkitError(f"moving {link} = {w:g} by eps={eps!r} fails (a small eps such as "
                         f"1e-6 is usual): {err}") from None
    with np.errstate(over="ignore", invalid="ignore"):
        gradient = difference / (2 * eps)
    if not math.isfinite(gradient):
        raise BpkitError(f"moving {link} = {w:g} by eps={eps!r} makes the loss or the "
                         "estimate overflow to inf or nan: use a small eps such as 1e-6")
    return gradient


def finite_difference_gradients(net: Network, X: object, Y: object,
                                eps: float = 1e-6) -> list[np.ndarray]:
    """dJ/dw estimated as (J(w + eps) - J(w - eps)) / (2 eps), one weight at a time.

    ``net`` is left as it is; X and Y are checked as for ``net.loss``. A network and batch that
    would take more than ``MAX_PASSES`` passes or ``MAX_MULTIPLY_ADDS`` multiply-adds (see
    ``finite_difference_cost``) are refused before the first pass.
    """
    step = validate.positive_number(eps, "eps (the finite-difference step, such as 1e-6)")
    checked = checked_network(net)
    inputs, _ = validate.samples(X, Y, checked.sizes[0], checked.sizes[-1])
    passes, work = finite_difference_cost(checked.sizes, len(inputs))
    if passes > MAX_PASSES or work > MAX_MULTIPLY_ADDS:
        raise BpkitError(
            f"finite differences on {list(checked.sizes)} with {len(inputs)} sample(s) would make "
            f"{passes:,} forward passes (2 per weight) and {work:.2g} multiply-adds; at most "
            f"{MAX_PASSES:,} passes and {MAX_MULTIPLY_ADDS:.0e} multiply-adds (a few seconds) "
            "are made: use a smaller network or fewer samples")
    checked.loss(X, Y)  # X, Y and the loss at the current weights, checked before any probe
    base = checked.weights
    names = checked.link_names
    probe = checked.copy()
    estimates = []
    for layer, w in enumerate(base):
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            link = names[layer][index[0]][index[1]]
            grad[index] = _estimate(probe, base, (layer, index), link, step, X, Y)
        estimates.append(grad)
    return estimates


def finite_difference_cost(sizes: Sequence[int], samples: int) -> tuple[int, int]:
    """(forward passes, multiply-adds) of ``finite_difference_gradients`` on ``samples`` samples.

    Two passes per weight, each about one multiply-add per weight and sample.
    """
    weights = sum(rows * columns for rows, columns in validate.weight_shapes(sizes))
    return 2 * weights, 2 * weights * weights * samples


@dataclass(frozen=True)
class GradientCheck:
    """Backprop's gradient of every link beside another estimate of dJ/dw, and how far apart."""

    method: str
    """What the estimate is, e.g. 'finite difference'."""
    links: tuple[str, ...]
    """Every link, in the order of the flattened weight arrays."""
    backprop: tuple[float, ...]
    """dJ/dw as the network's backprop computes it (with its own loss and sign)."""
    estimate: tuple[float, ...]
    """dJ/dw by the other method, link by link."""

    def __post_init__(self) -> None:
        """Refuse a check whose parts do not line up, naming the bad one."""
        if not isinstance(self.method, str) or not self.method:
            raise BpkitError(f"method must name the estimate, such as 'finite difference'; "
                             f"got {self.method!r:.40}")
        if (isinstance(self.links, (str, bytes)) or not isinstance(self.links, tuple)
                or not self.links or not all(isinstance(link, str) for link in self.links)):
            raise BpkitError(f"links must be a tuple of link names such as ('w(X0->Z1)',); "
                             f"got {self.links!r:.40}")
        for what in ("backprop", "estimate"):
            values = getattr(self, what)
            if not isinstance(values, tuple) or len(values) != len(self.links):
                raise BpkitError(f"{what} must be a tuple of {len(self.links)} numbers, one per "
                                 f"link; got {values!r:.40}")
            for value in values:
                validate.real_number(value, f"each {what} value")

    @property
    def count(self) -> int:
        """How many gradients were compared."""
        return len(self.links)

    @property
    def gaps(self) -> tuple[float, ...]:
        """|estimate - backprop| per link."""
        return tuple(abs(e - b) for e, b in zip(self.estimate, self.backprop))

    @property
    def largest_gap(self) -> float:
        """The largest |estimate - backprop| over every link."""
        return max(self.gaps)

    @property
    def worst_link(self) -> str:
        """The link with the largest gap."""
        return self.links[self.gaps.index(self.largest_gap)]

    def __str__(self) -> str:
        gap = round(self.largest_gap, SHOWN_DECIMALS)
        where = f", at {self.worst_link}" if gap else ""
        return (f"{self.count} gradients compared: the largest |{self.method} - backprop| is "
                f"{number(gap)} (rounded to {SHOWN_DECIMALS} decimals{where})")

    def table(self) -> Table:
        """One row per link: backprop, the estimate and their difference, to 8 decimals."""
        rows = [[link, *(round(v, SHOWN_DECIMALS) for v in (b, e, e - b))]
                for link, b, e in zip(self.links, self.backprop, self.estimate)]
        return Table.of(["link", "backprop", self.method, f"{self.method} - backprop"], rows)


def compare_gradients(net: Network, X: object, Y: object, estimates: Sequence[np.ndarray],
                      method: str) -> GradientCheck:
    """Backprop's gradients of ``net`` on X, Y beside ``estimates``, arrays shaped like weights.

    ``method`` names where the estimates come from, e.g. "sympy's full derivative".
    """
    if not isinstance(method, str) or not method.strip():
        raise BpkitError(f"method must be a short text naming the estimate, such as "
                         f"'finite difference'; got {method!r:.40}")
    checked = checked_network(net)
    arrays = validate.weight_arrays(estimates, checked.weight_shapes, "estimates")
    backprop = checked.gradients(X, Y)
    links = tuple(name for layer in checked.link_names for row in layer for name in row)
    return GradientCheck(method.strip(), links, _flat(backprop), _flat(arrays))


def check_gradients(net: Network, X: object, Y: object, eps: float = 1e-6) -> GradientCheck:
    """Backprop's gradients of ``net`` on X, Y beside central finite differences, link by link.

    ``net`` is left as it is; see ``finite_difference_gradients`` for ``eps``.
    """
    estimates = finite_difference_gradients(net, X, Y, eps)
    return compare_gradients(net, X, Y, estimates, "finite difference")


def _flat(arrays: Sequence[np.ndarray]) -> tuple[float, ...]:
    """Every number of ``arrays``, in order, as plain floats."""
    return tuple(float(v) for arr in arrays for v in np.ravel(arr))
