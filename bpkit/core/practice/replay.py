"""One replay of backprop with a slip: the only wrong-way backward loop in bpkit.

The questions' wrong answers, the update order of notebook 05 (``update_output_layer_first``),
the classic bugs of notebook 11 and the checker of a learner's backprop all come from it, each
with a ``Slip`` of the catalogue (``practice.mistakes``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpkit.core import functions, validate
from bpkit.core.errors import BpkitError
from bpkit.core.lessons.matrix_form import elementwise, product
from bpkit.core.network import checked_network, with_bias
from bpkit.core.practice.mistakes import MISTAKES, NO_SLIP, Slip
from bpkit.core.trace import StepTrace


@dataclass(frozen=True)
class Replay:
    """The numbers of one backprop step done with a slip, per layer of weights (0 = first)."""

    a: list[np.ndarray]
    z: list[np.ndarray]
    deltas: list[np.ndarray]
    gradients: list[np.ndarray]
    new_weights: list[np.ndarray]


def _back_through(weights: np.ndarray, how: str, k: int,
                  updated: bool) -> tuple[np.ndarray, str]:
    """The matrix a delta goes back through from layer k, as the slip takes it, and its name."""
    name = f"the updated W{k}" if updated else f"W{k}"
    return {"W[:, 1:]": (weights[:, 1:], f"{name}[:, 1:]"),
            "W[:, 1:].T": (weights[:, 1:].T, f"{name}[:, 1:]ᵀ"),
            "W": (weights, name),
            "W[:, :-1]": (weights[:, :-1], f"{name}[:, :-1]")}[how]


def _gradient(delta: np.ndarray, z: np.ndarray, slip: Slip, applies: bool) -> np.ndarray:
    """One layer's gradient from its deltas and the activations below, as the slip takes it."""
    batch = slip.batch if applies else "mean"
    if batch == "first":
        delta, z = delta[:1], z[:1]
    total = z.T @ delta if slip.transposed_gradient else delta.T @ z
    n = len(delta)
    if batch == "sum":
        return total
    if batch == "active":
        active = np.maximum(np.count_nonzero(z, axis=0), 1)
        return total / (active[:, None] if slip.transposed_gradient else active[None, :])
    return total / (n * n if batch == "mean twice" else n)


def replay(net: object, z0: np.ndarray, targets: np.ndarray, lr: float,
           slip: Slip = NO_SLIP) -> Replay:
    """One step of backprop on inputs ``z0`` (bias column first) as a learner with ``slip`` does it.

    With no slip the numbers are ``Network.backprop``'s and the new weights ``Network.step``'s.
    Every product goes through the dimension check of notebook 11, so a slip whose shapes do not
    fit this net (a transposed W between layers of different sizes) raises a BpkitError naming
    both shapes.
    """
    weights = net.weights
    a, z = net.forward(z0)
    h = z[-1]
    if slip.output_slope and not slip.slope_at_z:
        first = functions.output_layer(net.activations[-1], net.loss_name).delta(a[-1], h, targets)
    else:
        first = functions.loss(net.loss_name).d_dh(h, targets)
        if slip.output_slope:  # f' taken at h = z instead of at a
            first = first * functions.activation(net.activations[-1]).df(h)
    deltas = [np.broadcast_to(slip.output_sign * slip.output_scale * first, h.shape)]
    gradients: list[np.ndarray] = []
    new_weights = list(weights)
    rate = lr if slip.alpha else 1.0
    for layer in range(len(weights) - 1, -1, -1):
        applies = slip.layers is None or layer in slip.layers
        gradient = _gradient(deltas[0], z[layer], slip, applies)
        gradient = gradient * (slip.gradient_sign if applies else 1.0)
        gradients.insert(0, gradient)
        if gradient.shape == weights[layer].shape:
            new_weights[layer] = weights[layer] - rate * gradient
        if layer == 0:
            break
        coming_back = deltas[0]
        if slip.path is not None:  # one path only: the link to one unit of the next layer
            width = coming_back.shape[1]
            coming_back = np.where(np.arange(width) == slip.path % width, coming_back, 0)
        outgoing, name = _back_through(new_weights[layer] if slip.updated else weights[layer],
                                       slip.back_weights, layer + 1, slip.updated)
        from_next = product(f"δ{layer + 1}", coming_back, name, outgoing)
        at = z[layer][:, 1:] if slip.slope_at_z else a[layer - 1]
        slope = np.ones_like(at) * functions.activation(net.activations[layer - 1]).df(at)
        deltas.insert(0, elementwise(f"δ{layer + 1} {name}", from_next, f"f′(a{layer})",
                                     slope if slip.hidden_slope else np.ones_like(slope)))
    return Replay(a, z, deltas, gradients, new_weights)


def update_output_layer_first(net: object, X: object, Y: object, lr: float) -> StepTrace:
    """One step in the wrong order (notebook 05): each layer updated before the one below.

    The replay of ``updated_weights``: from the output back, a layer's weights change with its
    gradient, and the layer before computes its deltas through those new weights (the article
    says the order does not matter). ``net`` is left as it is; the trace holds the deltas and
    gradients this order used, and the loss and outputs after the step.
    """
    net = checked_network(net)
    rate = validate.positive_number(lr, "the learning rate (alpha)")
    loss = net.loss(X, Y)  # X and Y checked as for a step, and the loss at the old weights finite
    inputs, targets = validate.samples(X, Y, net.sizes[0], net.sizes[-1])
    done = replay(net, with_bias(inputs), targets, rate, MISTAKES["updated_weights"].slip)
    if not all(np.isfinite(w).all() for w in done.new_weights):
        raise BpkitError(f"this step diverged: with lr = {rate:g} the new weights overflow to "
                         "inf or nan; try a smaller lr, or smaller weights")
    after = net.copy()
    after.weights = done.new_weights
    return StepTrace(
        unit_names=net.unit_names, activations=net.activations, loss_name=net.loss_name,
        lr=rate, inputs=inputs.astype(float), targets=targets, a=done.a, z=done.z,
        deltas=done.deltas, gradients=done.gradients, old_weights=net.weights,
        new_weights=done.new_weights, loss=loss, loss_after=after.loss(X, Y),
        outputs_after=after.predict(X),
    )


__all__ = ["Replay", "replay", "update_output_layer_first"]
