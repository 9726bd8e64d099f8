"""Update order: every delta comes from the old weights, then every weight changes together.

``Network.step`` does it that way. ``update_output_layer_first`` replays a common mistake
(the article says the weights can be updated in any order): the output layer's weights change
first, and the hidden deltas are then computed through the new output weights. Its numbers show
that the order matters.
"""

from __future__ import annotations

import numpy as np

from bpkit.core import functions, validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import checked_network, with_bias
from bpkit.core.trace import StepTrace


def update_output_layer_first(net: object, X: object, Y: object, lr: float) -> StepTrace:
    """One step in the wrong order: each layer updated before the layer below takes its deltas.

    From the output back: a layer's weights change with its gradient z * delta, and the layer
    before computes its deltas through those new weights. The forward pass and the output
    deltas are the old weights', as in ``net.step``. ``net`` is left as it is; the trace holds
    the deltas and gradients this order used, and the loss and outputs after the step.
    """
    net = checked_network(net)
    rate = validate.positive_number(lr, "the learning rate (alpha)")
    net.loss(X, Y)  # X and Y checked as for a step, and the loss at the old weights finite
    inputs, targets = validate.samples(X, Y, net.sizes[0], net.sizes[-1])
    z0 = with_bias(inputs)
    done = net.backprop(z0, targets)
    old = net.weights
    new, deltas, gradients = list(old), list(done.deltas), list(done.gradients)
    for layer in range(len(old) - 1, -1, -1):
        if layer < len(old) - 1:  # a hidden layer: its deltas through the new weights above
            f_prime = functions.activation(net.activations[layer]).df(done.a[layer])
            deltas[layer] = f_prime * np.dot(deltas[layer + 1], new[layer + 1][:, 1:])
        gradients[layer] = np.dot(deltas[layer].T, done.z[layer]) / len(z0)
        new[layer] = old[layer] - rate * gradients[layer]
    if not all(np.isfinite(w).all() for w in new):
        raise BpkitError(f"this step diverged: with lr = {rate:g} the new weights overflow to "
                         "inf or nan; try a smaller lr, or smaller weights")
    after = net.copy()
    after.weights = new
    loss_after = after.loss(X, Y)  # a BpkitError if the loss overflows at the new weights
    return StepTrace(
        unit_names=net.unit_names, activations=net.activations, loss_name=net.loss_name,
        lr=rate, inputs=inputs.astype(float), targets=targets, a=done.a, z=done.z,
        deltas=deltas, gradients=gradients, old_weights=old, new_weights=new,
        loss=done.loss, loss_after=loss_after, outputs_after=after.predict(X),
    )
