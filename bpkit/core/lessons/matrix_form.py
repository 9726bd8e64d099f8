"""Backprop in matrix form: the shape of every array of a pass, the dimension check, the bugs.

bpkit keeps a batch as a matrix with one sample per row, so for layers l = 1..L (W_l is
``net.weights[l - 1]``, column 0 its bias weights, and z_(l-1) has the bias unit 1 as column 0):

1. output delta:  δ_L = (h − y) ⊙ f′(a_L)            (the squared loss ½ (h − y)²)
2. hidden delta:  δ_l = (δ_(l+1) W_(l+1)[:, 1:]) ⊙ f′(a_l)
3. gradient:      ∂J/∂W_l = δ_lᵀ z_(l−1) / n
4. bias:          ∂J/∂b_l = column 0 of ∂J/∂W_l, the batch mean of δ_l

Notebook 11. The same pass with one classic mistake in it is a replay of practice's catalogue
(``bpkit.core.practice.classic_bugs``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit.core import functions, validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, checked_network, with_bias
from bpkit.core.table import Table

BACKPROP_EQUATIONS: dict[str, str] = {
    "self.forward(z0, weights)": "forward: a_l = z_(l−1) W_lᵀ, z_l = [1, f(a_l)]",
    "loss = float(": "J: the batch mean of each sample's loss",
    "deltas = [self._output.delta(": "1. δ_L = ∂J/∂h ⊙ f′(a_L)",
    "for layer in range(": "2. for l = L − 1, ..., 1 (from the back):",
    "from_next = np.dot(": "   δ_(l+1) W_(l+1)[:, 1:]  (the bias column dropped)",
    "deltas.insert(0,": "   δ_l = f′(a_l) ⊙ δ_(l+1) W_(l+1)[:, 1:]",
    "gradients = [np.dot(delta.T": "3. ∂J/∂W_l = δ_lᵀ z_(l−1) / n; 4. column 0 is ∂J/∂b_l",
}
"""A fragment of each line of ``Network.backprop`` and the equation that line computes."""

QUANTITIES = ("gradient", "delta")
"""What ``shape_trick`` builds from its two factors: a layer's gradient or its hidden delta."""


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as a learner reads it: (7, 4)."""
    return "(" + ", ".join(str(size) for size in shape) + ")"


def product(left_name: str, left: np.ndarray, right_name: str, right: np.ndarray) -> np.ndarray:
    """The matrix product left @ right, or a BpkitError naming both shapes if they do not fit."""
    if left.shape[1] != right.shape[0]:
        raise BpkitError(f"{left_name} {shape_text(left.shape)} times {right_name} "
                         f"{shape_text(right.shape)} does not fit: {left_name} has "
                         f"{left.shape[1]} columns but {right_name} has {right.shape[0]} rows")
    return left @ right


def elementwise(left_name: str, left: np.ndarray, right_name: str,
                right: np.ndarray) -> np.ndarray:
    """The element-wise product left ⊙ right, or a BpkitError naming both shapes if they differ."""
    if left.shape != right.shape:
        raise BpkitError(f"{left_name} {shape_text(left.shape)} ⊙ {right_name} "
                         f"{shape_text(right.shape)} does not fit: ⊙ multiplies arrays of one "
                         "shape")
    return left * right


def f_prime(net: Network, a: Sequence[np.ndarray]) -> list[np.ndarray]:
    """f′(a) of every layer of a pass: one array per layer, shaped like its weighted sums a.

    ``a`` is the first thing ``net.forward(z0)`` returns; each layer's own activation gives its
    derivative (sigmoid: z (1 − z), tanh: 1 − z², identity: 1).
    """
    checked = checked_network(net)
    layers = len(checked.weights)
    if isinstance(a, (str, bytes)) or not isinstance(a, Sequence) or len(a) != layers:
        raise BpkitError(f"a must be the list of {layers} weighted-sum arrays that "
                         f"net.forward(z0) returns first (a, z = net.forward(z0)); got {a!r:.60}")
    slopes = []
    for layer, (sums, name) in enumerate(zip(a, checked.activations)):
        arr = validate.real_array(sums, f"a[{layer}]")
        units = checked.sizes[layer + 1]
        if arr.ndim != 2 or arr.shape[1] != units or len(arr) == 0:
            raise BpkitError(f"a[{layer}] must have shape (n, {units}): one row per sample, one "
                             f"column per unit of layer {layer + 1}; got {shape_text(arr.shape)}")
        validate.require_finite(arr, f"a[{layer}]")
        slopes.append(np.ones_like(arr) * functions.activation(name).df(arr))
    return slopes


def _batch(net: Network, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded batch of n samples for a net: inputs in [-1, 1], targets in [0, 1]."""
    rng = np.random.default_rng(n)
    return (with_bias(rng.uniform(-1.0, 1.0, (n, net.sizes[0]))),
            rng.uniform(0.0, 1.0, (n, net.sizes[-1])))


def _checked_n(n: object) -> int:
    return validate.whole_number(n, "n (the number of samples in the batch)", 1, 10_000)


def pass_shapes(net: Network, n: int) -> Table:
    """Every array of one backprop pass on a batch of n samples: its formula and its shape.

    The shapes are read off a real pass (``Network.backprop`` on a seeded batch), and each
    product shows the dimension check: the inner sizes meet, the outer ones make the result.
    """
    checked = checked_network(net)
    size = _checked_n(n)
    z0, targets = _batch(checked, size)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        done = checked.backprop(z0, targets)
    weights, layers = checked.weights, len(checked.weights)
    rows: list[list[object]] = [["z0", "[1, X]", shape_text(z0.shape),
                                 "a row per sample; column 0 the bias unit X0 = 1, then X"]]
    for k in range(1, layers + 1):
        w, a, z = weights[k - 1], done.a[k - 1], done.z[k]
        rows.append([f"W{k}", f"net.weights[{k - 1}]", shape_text(w.shape),
                     f"a row per unit of layer {k}, a column per unit of layer {k - 1} "
                     "(column 0 the bias weight)"])
        rows.append([f"a{k}", f"z{k - 1} W{k}ᵀ", shape_text(a.shape),
                     f"{shape_text(done.z[k - 1].shape)} times {shape_text(w.T.shape)}"])
        held = (f"a{k}'s shape: the outputs h" if k == layers
                else f"a{k}'s shape and column 0, the bias unit 1")
        formula = f"f(a{k})" if k == layers else f"[1, f(a{k})]"
        rows.append([f"z{k}", formula, shape_text(z.shape), held])
    for k in range(layers, 0, -1):
        delta = done.deltas[k - 1]
        if k == layers:
            rows.append([f"δ{k}", f"(h − y) ⊙ f′(a{k})", shape_text(delta.shape),
                         f"{shape_text(done.z[k].shape)} ⊙ {shape_text(done.a[k - 1].shape)}"])
        else:
            back = weights[k][:, 1:]
            rows.append([f"δ{k}", f"(δ{k + 1} W{k + 1}[:, 1:]) ⊙ f′(a{k})", shape_text(delta.shape),
                         f"{shape_text(done.deltas[k].shape)} times {shape_text(back.shape)}, "
                         f"then ⊙ {shape_text(done.a[k - 1].shape)}"])
    for k in range(layers, 0, -1):
        gradient = done.gradients[k - 1]
        rows.append([f"∂J/∂W{k}", f"δ{k}ᵀ z{k - 1} / n", shape_text(gradient.shape),
                     f"{shape_text(done.deltas[k - 1].T.shape)} times "
                     f"{shape_text(done.z[k - 1].shape)}: W{k}'s shape"])
    return Table.of(["array", "formula", "shape", "where the shape comes from"], rows)


def _factors(done: object, weights: list[np.ndarray], k: int,
             quantity: str) -> tuple[tuple[str, np.ndarray], tuple[str, np.ndarray], str, tuple]:
    """The two factors ``shape_trick`` multiplies, and the name and shape the result must have."""
    if quantity == "gradient":
        return ((f"δ{k}", done.deltas[k - 1]), (f"z{k - 1}", done.z[k - 1]),
                f"W{k}'s shape", weights[k - 1].shape)
    return ((f"δ{k + 1}", done.deltas[k]), (f"W{k + 1}[:, 1:]", weights[k][:, 1:]),
            f"a{k}'s shape", done.a[k - 1].shape)


def shape_trick(net: Network, n: int, layer: int, quantity: str = "gradient") -> Table:
    """The dimension trick: every way to multiply two factors, and which one has the right shape.

    ``quantity="gradient"``: δ_l and z_(l−1), whose product must have W_l's shape.
    ``quantity="delta"``: δ_(l+1) and W_(l+1)[:, 1:], whose product must have a_l's shape
    (``layer`` a hidden layer). Each factor may be transposed and come first or second.
    """
    checked = checked_network(net)
    size = _checked_n(n)
    if not isinstance(quantity, str) or quantity not in QUANTITIES:
        raise BpkitError(f"quantity must be 'gradient' or 'delta'; got {quantity!r:.40}")
    layers = len(checked.weights)
    top = layers if quantity == "gradient" else layers - 1
    if top < 1:
        raise BpkitError("this network has no hidden layer, so no hidden delta: use "
                         "quantity='gradient'")
    where = "a layer with weights into it" if quantity == "gradient" else "a hidden layer"
    k = validate.whole_number(layer, "layer", 1, top, f"{where}, counted from 1")
    z0, targets = _batch(checked, size)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        done = checked.backprop(z0, targets)
    (p, first), (q, second), goal, shape = _factors(done, checked.weights, k, quantity)
    rows = []
    for left_name, left, right_name, right in (
            (f"{p}ᵀ", first.T, q, second), (f"{q}ᵀ", second.T, p, first),
            (p, first, f"{q}ᵀ", second.T), (q, second, f"{p}ᵀ", first.T),
            (p, first, q, second), (q, second, p, first),
            (f"{p}ᵀ", first.T, f"{q}ᵀ", second.T), (f"{q}ᵀ", second.T, f"{p}ᵀ", first.T)):
        shapes = f"{shape_text(left.shape)} times {shape_text(right.shape)}"
        if left.shape[1] != right.shape[0]:
            result, verdict = "does not fit", f"{left.shape[1]} ≠ {right.shape[0]}"
        else:
            out = (left.shape[0], right.shape[1])
            result = shape_text(out)
            verdict = (goal if out == shape else f"{goal} transposed" if out == shape[::-1]
                       else "fits, but not the shape needed")
        rows.append([f"{left_name} {right_name}", shapes, result, verdict])
    return Table.of(["product", "shapes", "result", "verdict"], rows)


__all__ = [
    "BACKPROP_EQUATIONS", "QUANTITIES", "elementwise", "f_prime", "pass_shapes", "product",
    "shape_trick",
]
