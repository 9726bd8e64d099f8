"""Backprop in matrix form: the shape of every array of a pass, the dimension check, the bugs.

bpkit keeps a batch as a matrix with one sample per row, so for layers l = 1..L (W_l is
``net.weights[l - 1]``, column 0 its bias weights, and z_(l-1) has the bias unit 1 as column 0):

1. output delta:  δ_L = (h − y) ⊙ f′(a_L)            (the squared loss ½ (h − y)²)
2. hidden delta:  δ_l = (δ_(l+1) W_(l+1)[:, 1:]) ⊙ f′(a_l)
3. gradient:      ∂J/∂W_l = δ_lᵀ z_(l−1) / n
4. bias:          ∂J/∂b_l = column 0 of ∂J/∂W_l, the batch mean of δ_l

``bug_gradients`` computes the same pass with one classic mistake in it, and ``classic_bugs``
sets each beside finite differences, so a learner sees the gradient check catch it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit.core import functions, validate
from bpkit.core.article import ALPHA
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.gradcheck import GradientCheck, finite_difference_gradients
from bpkit.core.network import Network, checked_network, with_bias
from bpkit.core.table import Table

BUGS: dict[str, str] = {
    "sum": "summed over the batch instead of the mean: no / n",
    "no half": "the derivative of (h − y)² without its ½: 2 (h − y) as dJ/dh",
    "transposed W": "W_(l+1)[:, 1:]ᵀ where the hidden delta needs W_(l+1)[:, 1:]",
    "article sign": "the article's output delta y − h: every gradient flipped",
    "no f' output": "the output delta without f′(a_L)",
    "no f' hidden": "the hidden deltas without f′(a_l)",
    "bias not dropped": "δ_(l+1) W_(l+1) with the bias column kept",
    "transposed gradient": "z_(l−1)ᵀ δ_l instead of δ_lᵀ z_(l−1)",
    "updated weights": f"hidden deltas from weights already updated (alpha = {ALPHA:g})",
}
"""The classic mistakes of a vectorised backprop, by name, each with what it does wrong."""

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


def _squared(net: Network) -> Network:
    checked = checked_network(net)
    if checked.loss_name != "squared":
        raise BpkitError(f"the classic bugs are written for the squared loss ½ (h − y)², whose "
                         f"dJ/dh is h − y; this net uses loss={checked.loss_name!r}: make it with "
                         "loss='squared'")
    return checked


def _bug_name(bug: object) -> str:
    if not isinstance(bug, str) or bug not in BUGS:
        raise BpkitError(f"unknown bug {bug!r:.40}: expected one of "
                         f"{', '.join(map(repr, BUGS))}")
    return bug


def matrix_pass(net: Network, z0: np.ndarray, targets: np.ndarray, bug: str | None,
          lr: float = ALPHA) -> list[np.ndarray]:
    """The matrix-form backprop of a squared-loss net, with one named bug in it (or none).

    Every product goes through ``product`` and ``elementwise``, so a bug whose shapes do not
    fit is refused with the dimension check's message.
    """
    weights = net.weights
    a, z = net.forward(z0, weights)
    slopes = f_prime(net, a)
    n, layers = len(z0), len(weights)
    dh = {"no half": 2.0, "article sign": -1.0}.get(bug or "", 1.0) * (z[layers] - targets)
    delta = dh if bug == "no f' output" else elementwise(
        "h − y", dh, f"f′(a{layers})", slopes[-1])
    deltas = [delta]
    gradients: list[np.ndarray] = []
    for k in range(layers, 0, -1):
        if bug == "transposed gradient":
            gradient = product(f"z{k - 1}ᵀ", z[k - 1].T, f"δ{k}", deltas[0])
        else:
            gradient = product(f"δ{k}ᵀ", deltas[0].T, f"z{k - 1}", z[k - 1])
        gradients.insert(0, gradient if bug == "sum" else gradient / n)
        if k == 1:
            break
        w, name = weights[k - 1][:, 1:], f"W{k}[:, 1:]"
        if bug == "updated weights":
            w, name = (weights[k - 1] - lr * gradients[0])[:, 1:], f"the updated W{k}[:, 1:]"
        elif bug == "bias not dropped":
            w, name = weights[k - 1], f"W{k}"
        elif bug == "transposed W":
            w, name = w.T, f"W{k}[:, 1:]ᵀ"
        back = product(f"δ{k}", deltas[0], name, w)
        slope = np.ones_like(slopes[k - 2]) if bug == "no f' hidden" else slopes[k - 2]
        deltas.insert(0, elementwise(f"δ{k} {name}", back, f"f′(a{k - 1})", slope))
    return gradients


def bug_gradients(net: Network, X: object, Y: object, bug: str) -> list[np.ndarray]:
    """dJ/dW as a backprop with one classic bug computes it (``BUGS`` names them).

    A bug whose shapes do not fit on this net, such as a transposed W between layers of
    different sizes, is refused with the dimension check's message.
    """
    checked = _squared(net)
    name = _bug_name(bug)
    checked.loss(X, Y)  # X and Y checked as for any pass
    inputs, targets = validate.samples(X, Y, checked.sizes[0], checked.sizes[-1])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return matrix_pass(checked, with_bias(inputs), targets, name)


def common_factor(buggy: Sequence[np.ndarray],
                  right: Sequence[np.ndarray]) -> float | None:
    """The factor c if every buggy gradient is c times the right one (c ≠ 1), else None."""
    flat_bug = np.concatenate([np.ravel(g) for g in buggy])
    flat_right = np.concatenate([np.ravel(g) for g in right])
    size = float(flat_right @ flat_right)
    if size == 0.0:
        return None
    c = float(flat_bug @ flat_right) / size
    if np.allclose(flat_bug, c * flat_right, rtol=1e-7, atol=1e-10) and abs(c - 1) > 1e-7:
        return c
    return None


def classic_bugs(net: Network, X: object, Y: object,
                 bugs: Sequence[str] | None = None) -> Table:
    """Each classic bug on this net and batch beside finite differences: how far off it is.

    One row per bug: the largest |finite difference − buggy backprop| and its link, the factor
    when every buggy gradient is one multiple of the right one, or the dimension check's
    message when the bug's shapes do not fit. ``bugs`` default to every name in ``BUGS``.
    """
    checked = _squared(net)
    names = list(BUGS) if bugs is None else bugs
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence) or not names:
        raise BpkitError(f"bugs must be a list of bug names such as ['sum', 'no half'] (or "
                         f"None for all of them); got {bugs!r:.60}")
    chosen = [_bug_name(name) for name in names]
    estimates = finite_difference_gradients(checked, X, Y)
    right = checked.gradients(X, Y)
    links = tuple(name for layer in checked.link_names for row in layer for name in row)
    fd = tuple(float(v) for arr in estimates for v in np.ravel(arr))
    rows: list[list[object]] = []
    for name in chosen:
        try:
            buggy = bug_gradients(checked, X, Y, name)
        except BpkitError as err:
            rows.append([name, f"refused by the shapes: {err}", None])
            continue
        if [g.shape for g in buggy] != checked.weight_shapes:
            got = ", ".join(shape_text(g.shape) for g in buggy)
            rows.append([name, f"refused by the shapes: the gradients are {got}, but W has "
                         f"{', '.join(map(shape_text, checked.weight_shapes))}", None])
            continue
        check = GradientCheck("finite difference", links,
                              tuple(float(v) for arr in buggy for v in np.ravel(arr)), fd)
        caught = (f"largest gap {number(check.largest_gap)} at {check.worst_link}"
                  if check.largest_gap > 1e-6 else "no gap on this net: the check misses it")
        rows.append([name, caught, common_factor(buggy, right)])
    return Table.of(["bug", "gradient check", "buggy / right"], rows)


__all__ = [
    "BACKPROP_EQUATIONS", "BUGS", "QUANTITIES", "bug_gradients", "classic_bugs",
    "elementwise", "f_prime", "pass_shapes", "product", "shape_trick",
]
