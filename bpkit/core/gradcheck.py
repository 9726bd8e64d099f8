"""Gradients by central finite differences: a check on backprop that uses no calculus at all."""

from __future__ import annotations

import math

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, checked_network


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

    ``net`` is left as it is; X and Y are checked as for ``net.loss``.
    """
    step = validate.positive_number(eps, "eps (the finite-difference step, such as 1e-6)")
    checked = checked_network(net)
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
