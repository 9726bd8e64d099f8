"""The forward pass on its own, by the article's names: for notebooks that come before the step.

``forward_trace(net, X, Y)`` runs ``Network.forward`` and nothing after it, and records each
unit's a and z as a ``StepTrace``, so the diagram (``draw(trace, "forward")``), the step-through
player and ``steps.computations(trace, "forward")`` show it. No step is taken: the numbers only a
step computes (deltas, gradients, new weights, alpha, the loss after) are NaN in it.
"""

from __future__ import annotations

import math

import numpy as np

from bpkit.core import validate
from bpkit.core.network import Network, checked_network, with_bias
from bpkit.core.trace import StepTrace


def forward_trace(net: Network, X: object, Y: object) -> StepTrace:
    """The forward pass of ``net`` on X (one sample or a batch); Y gives the targets and J.

    Its a, z, outputs h, weights and loss J are the ones a step would start from; its deltas,
    gradients, new weights, lr, loss after and outputs after are NaN, because no step was taken.
    Bad input, or weights whose loss overflows, raise ``BpkitError``; the network never changes.
    """
    net = checked_network(net)
    loss = net.loss(X, Y)  # checks X and Y, and refuses a pass that overflows
    inputs, targets = validate.samples(X, Y, net.sizes[0], net.sizes[-1])
    z0 = with_bias(inputs)
    a, z = net.forward(z0)
    weights = net.weights
    return StepTrace(
        unit_names=net.unit_names, activations=net.activations, loss_name=net.loss_name,
        lr=math.nan, inputs=z0[:, 1:], targets=targets, a=a, z=z,
        deltas=_not_computed(a), gradients=_not_computed(weights), old_weights=weights,
        new_weights=_not_computed(weights), loss=loss, loss_after=math.nan,
        outputs_after=np.full_like(z[-1], np.nan), forward_only=True,
    )


def _not_computed(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Arrays shaped like ``arrays``, all NaN: numbers the forward pass does not compute."""
    return [np.full_like(array, np.nan, dtype=float) for array in arrays]
