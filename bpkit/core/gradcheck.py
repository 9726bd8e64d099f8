"""Gradients by central finite differences: a check on backprop that uses no calculus at all."""

from __future__ import annotations

import numpy as np

from bpkit.core.network import Network


def finite_difference_gradients(net: Network, X: object, Y: object,
                                eps: float = 1e-6) -> list[np.ndarray]:
    """dJ/dw estimated as (J(w + eps) - J(w - eps)) / (2 eps), one weight at a time."""
    base = net.weights
    probe = net.copy()
    estimates = []
    for layer, w in enumerate(base):
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            shifted = [v.copy() for v in base]
            shifted[layer][index] = w[index] + eps
            probe.weights = shifted
            up = probe.loss(X, Y)
            shifted[layer][index] = w[index] - eps
            probe.weights = shifted
            down = probe.loss(X, Y)
            grad[index] = (up - down) / (2 * eps)
        estimates.append(grad)
    return estimates
