"""A check of a learner's vectorised backprop that names the mistake behind a wrong answer.

The learner writes ``backprop(net, z0, Y)``, returning dJ/dW for every layer as a list shaped
like ``net.weights`` (the squared loss, the mean over the batch). ``check_backprop`` runs it on
several small nets (layers of different sizes, square ones, two outputs, two hidden layers,
batches of several samples), compares each layer with ``Network.backprop``, and names what is
wrong: a transposed gradient, the sum instead of the mean, the ½ of the loss, the sign, a
forgotten f′(a), the bias column, updated weights. A stub that is not written yet gets a
friendly message; an exception in the learner's code is reported with its line. The learner's
code is called, never read as text.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.lessons.matrix_form import shape_text
from bpkit.core.network import Network, with_bias
from bpkit.core.practice import mistakes, replay
from bpkit.core.practice.classic_bugs import common_factor
from bpkit.core.practice.learner_code import learner_line
from bpkit.core.practice.verdict import Verdict, right, wrong

RTOL, ATOL = 1e-6, 1e-9
"""How close a learner's gradient must be to Network.backprop's to count as the same."""
RATES = (0.1, 0.5, 1.0)
"""Learning rates tried when looking for hidden deltas made from already-updated weights."""


@dataclass(frozen=True)
class Case:
    """One net and batch the checker runs the learner's backprop on (squared loss)."""

    sizes: tuple[int, ...]
    activation: str
    output_activation: str
    n: int
    seed: int

    def net(self) -> Network:
        """A fresh network of this case, random weights from its seed."""
        return Network(self.sizes, activation=self.activation,
                       output_activation=self.output_activation, loss="squared",
                       weights="random", seed=self.seed)

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The inputs z0 (with the bias unit as column 0) and targets Y of this case."""
        rng = np.random.default_rng(self.seed)
        return (with_bias(rng.uniform(-1.0, 1.0, (self.n, self.sizes[0]))),
                rng.uniform(0.0, 1.0, (self.n, self.sizes[-1])))

    def __str__(self) -> str:
        layout = "-".join(map(str, self.sizes))
        return (f"a {layout} net ({self.activation} hidden units, {self.output_activation} "
                f"outputs) with a batch of {self.n}")


CASES = (
    Case((3, 5, 2), "tanh", "sigmoid", 7, 3),
    Case((2, 2, 2), "sigmoid", "sigmoid", 4, 1),
    Case((2, 3, 3, 1), "tanh", "identity", 3, 2),
    Case((4, 3, 2), "sigmoid", "tanh", 5, 4),
)
"""Layers of different sizes, a square W (where a transposed W still runs), two hidden layers,
one and two outputs, and batch sizes that all differ, so each mistake shows."""

NOT_WRITTEN = "not written"
MISTAKES: dict[str, str] = {
    "right": "right on every net",
    NOT_WRITTEN: "the stub is still in place",
    "error": "the code raised an exception",
    "changed weights": "changed net.weights",
    "changed inputs": "changed z0 or Y in place",
    "not a list": "did not return a list of arrays",
    "wrong count": "returned the wrong number of arrays",
    "not numbers": "returned something that is not an array of numbers",
    "reversed": "returned the layers in reverse order",
    "transposed gradient": "a layer's gradient is transposed",
    "bias row": "the bias column was not dropped when sending deltas back",
    "no bias column": "a gradient without the bias column",
    "wrong shape": "a gradient of the wrong shape",
    "not finite": "a gradient holds nan or inf",
    "sum": "summed over the batch instead of the mean",
    "mean twice": "divided by n twice",
    "half": "a factor 2: the ½ in the loss",
    "extra half": "a factor ½ too many",
    "sign": "the sign flipped (the article's y − h)",
    "scaled": "every gradient off by one constant factor",
    "no f' output": "forgot f′(a) in the output delta",
    "no f' hidden": "forgot f′(a) in the hidden deltas",
    "transposed W": "W where Wᵀ belongs in the hidden delta",
    "updated weights": "used the updated weights",
    "wrong values": "a layer's gradient is wrong",
}
"""Every verdict ``check_backprop`` gives, by its key, with what it means."""


def _verdict(mistake: str, message: str) -> Verdict:
    return right(message) if mistake == "right" else wrong(message, mistake)


def _layer(k: int) -> str:
    """How a message names layer k's gradient: by the equations' W_k and the list index."""
    return f"layer {k}'s gradient (grads[{k - 1}], for W{k})"


def _error(backprop: Callable[..., object], err: Exception, case: Case) -> Verdict:
    """An exception in the learner's code, with its line and a hint for a shape mismatch."""
    if isinstance(err, NotImplementedError):
        return _verdict(NOT_WRITTEN, "not written yet: backprop still raises "
                        "NotImplementedError. Write its body (about 10 lines), run its cell, "
                        "then run this check again.")
    found = learner_line(backprop, err)
    where = "" if found is None else f" on line {found[0]}" + (f" ({found[1]})" if found[1] else "")
    text = str(err).strip() or "(no message)"
    hint = ""
    if isinstance(err, ValueError) and ("shape" in text or "mismatch" in text):
        hint = (" The shapes do not fit: print each array's .shape and compare with the shapes "
                "table; δ_(l+1) W_(l+1)[:, 1:] has a_l's shape, δ_lᵀ z_(l−1) has W_l's.")
        shapes = [(int(r), int(c)) for r, c in re.findall(r"\((\d+), ?(\d+)\)", text)]
        if len(shapes) == 2 and shapes[0][0] == shapes[1][0] and abs(
                shapes[0][1] - shapes[1][1]) == 1:
            hint += (" These two differ by one column: the bias column. Drop column 0 of W "
                     "(W[l][:, 1:]) when sending deltas back: a bias unit has no delta.")
    return _verdict("error", f"On {case}, your backprop stopped with {type(err).__name__}"
                    f"{where}: {text}.{hint}")


def _arrays(got: object, right: list[np.ndarray],
            case: Case) -> list[np.ndarray] | Verdict:
    """The learner's result as float arrays shaped like ``right``, or a verdict on what is off."""
    count = len(right)
    shapes = ", ".join(shape_text(r.shape) for r in right)
    expected = f"a list of {count} arrays, one per layer of weights, shaped {shapes}"
    if got is None:
        return _verdict(NOT_WRITTEN, "not written yet: backprop returned None (is its `return "
                        "grads` line missing?). Write its body, run its cell, then run this "
                        "check again.")
    if isinstance(got, np.ndarray) or not isinstance(got, (list, tuple)):
        kind = (f"one array of shape {shape_text(got.shape)}" if isinstance(got, np.ndarray)
                else f"{type(got).__name__} {got!r:.40}")
        return _verdict("not a list", f"On {case}, your backprop returned {kind}; "
                        f"expected {expected} (like net.weights).")
    if len(got) != count:
        return _verdict("wrong count", f"On {case}, your backprop returned {len(got)} "
                        f"array(s); expected {expected}.")
    arrays = []
    for index, item in enumerate(got):
        try:
            arrays.append(validate.real_array(item, f"grads[{index}]"))
        except BpkitError as err:
            return _verdict("not numbers", f"On {case}: {err}")
    got_shapes = [arr.shape for arr in arrays]
    want = [r.shape for r in right]
    if count > 1 and got_shapes != want and got_shapes == want[::-1]:
        return _verdict("reversed", f"On {case}, your gradients are in reverse order: grads[0] "
                        f"must be layer 1's (shape {shape_text(want[0])}, like net.weights[0]), "
                        "the output layer's comes last. Insert each new gradient at the front.")
    for k, (arr, shape) in enumerate(zip(arrays, want), start=1):
        if arr.shape == shape:
            continue
        got_text = f"shape {shape_text(arr.shape)} where W{k} has {shape_text(shape)}"
        if arr.shape == shape[::-1]:
            return _verdict("transposed gradient", f"On {case}, {_layer(k)} is transposed: "
                            f"{got_text}. It is δ{k}ᵀ z{k - 1} / n, not z{k - 1}ᵀ δ{k}: one row "
                            f"per unit of layer {k}, like W{k}.")
        if arr.shape == (shape[0] + 1, shape[1]):
            return _verdict("bias row", f"On {case}, {_layer(k)} has a row too many: "
                            f"{got_text}. The bias column was not dropped when sending deltas "
                            f"back: use W{k + 1}[:, 1:], because a bias unit has no weighted sum "
                            "and so no delta.")
        if arr.shape == (shape[0], shape[1] - 1):
            return _verdict("no bias column", f"On {case}, {_layer(k)} has no bias column: "
                            f"{got_text}. Use z{k - 1} as net.forward returns it, with the bias "
                            "unit 1 as column 0: that column's gradient is the bias's.")
        return _verdict("wrong shape", f"On {case}, {_layer(k)} has the wrong shape: expected "
                        f"{shape_text(shape)} (W{k}'s: units in layer {k}, units in layer {k - 1} "
                        f"+ 1 for the bias), got {shape_text(arr.shape)}.")
    for k, arr in enumerate(arrays, start=1):
        if not np.isfinite(arr).all():
            return _verdict("not finite", f"On {case}, {_layer(k)} holds nan or inf.")
    return arrays


def _close(got: Sequence[np.ndarray], want: Sequence[np.ndarray]) -> bool:
    return all(np.allclose(g, w, rtol=RTOL, atol=ATOL) for g, w in zip(got, want))


def _scale_parts(c: float, n: int) -> list[tuple[str, str]]:
    """The simplest product of known mistakes that scales every gradient by c, as verdicts."""
    parts = {
        "sign": (-1.0, "the sign is flipped: the output delta is (h − y) ⊙ f′(a_L), predicted "
                 "minus actual; the article's y − h makes gradient descent climb the loss"),
        "sum": (float(n), f"every gradient is {n} times too large: you summed over the batch of "
                f"{n} instead of taking the mean; divide by n = len(z0)"),
        "mean twice": (1.0 / n, f"every gradient is {n} times too small: you divided by n "
                       "twice; divide once"),
        "half": (2.0, "every gradient is 2 times too large: a factor 2 (the ½ in the loss): "
                 "the derivative of ½ (h − y)² is h − y, not 2 (h − y)"),
        "extra half": (0.5, "every gradient is half as large as it should be: the ½ of the "
                       "loss is already used up by its derivative, h − y"),
    }
    combos = [[], ["sign"], ["sum"], ["mean twice"], ["half"], ["extra half"]]
    combos += [[a, b] for a in ("sign", "sum", "mean twice") for b in ("half", "extra half")
               if a != b]
    combos += [["sign", "sum"], ["sign", "mean twice"]]
    combos += [["sign", a, b] for a in ("sum", "mean twice") for b in ("half", "extra half")]
    for combo in combos:
        if np.isclose(c, np.prod([parts[p][0] for p in combo] or [1.0]), rtol=1e-6):
            return [(p, parts[p][1]) for p in combo]
    return [("scaled", f"every gradient is {number(c)} times the right one: a stray constant "
             "factor")]


def _scale(got: Sequence[np.ndarray], want: Sequence[np.ndarray]) -> float | None:
    """The factor c if ``got`` is c times ``want`` everywhere (1 included), else None."""
    if _close(got, want):
        return 1.0
    return common_factor(got, want)


VARIANTS = {
    "no f' output": "you forgot f′(a_L) in the output delta: δ_L = (h − y) ⊙ f′(a_L)",
    "no f' hidden": "you forgot f′(a_l) in the hidden deltas: δ_l = (δ_(l+1) W_(l+1)[:, 1:]) "
                    "⊙ f′(a_l)",
    "transposed W": "your hidden deltas use W_(l+1)[:, 1:]ᵀ where they need W_(l+1)[:, 1:] "
                    "(the one-sample column form's Wᵀ δ is δ W with samples as rows); it only "
                    "runs where the two layers have the same size",
}


def _named(got: list[np.ndarray], net: Network, z0: np.ndarray, Y: np.ndarray,
           case: Case) -> Verdict | None:
    """A verdict if the learner's gradients are a known mistake (possibly times a factor)."""
    right = net.backprop(z0, Y).gradients
    c = _scale(got, right)
    tried: list[tuple[str, str, list[np.ndarray]]] = []
    for bug, text in VARIANTS.items():
        try:
            key = {"no f' output": "forgot_output_derivative",
                   "no f' hidden": "forgot_hidden_derivative", "transposed W": "transposed_w"}[bug]
            slip = mistakes.MISTAKES[key].slip
            tried.append((bug, text, replay.replay(net, z0, Y, 0.1, slip).gradients))
        except BpkitError:
            continue
    for lr in RATES:
        tried.append(("updated weights", f"your hidden deltas used weights already updated (by "
                      f"alpha = {lr:g}): every delta comes from the old weights, and the update "
                      "comes after, in step", replay.replay(
                          net, z0, Y, lr, mistakes.MISTAKES["updated_weights"].slip).gradients))
    found: list[tuple[str, str]] = []
    if c is not None:
        found = _scale_parts(c, case.n)
    else:
        for bug, text, variant in tried:
            factor = _scale(got, variant)
            if factor is not None:
                extra = [p for p in _scale_parts(factor, case.n) if factor != 1.0]
                found = [(bug, text), *extra]
                break
    if not found:
        return None
    text = "; and ".join(part for _, part in found)
    return _verdict(found[0][0], f"On {case}, {text}.")


def _located(got: list[np.ndarray], right: list[np.ndarray], net: Network,
             case: Case) -> Verdict:
    """The last layer (from the output) whose gradient is wrong, and where to look."""
    layers = len(right)
    k = max(i for i in range(1, layers + 1)
            if not np.allclose(got[i - 1], right[i - 1], rtol=RTOL, atol=ATOL))
    g, r = got[k - 1], right[k - 1]
    if g.shape[0] == g.shape[1] and np.allclose(g, r.T, rtol=RTOL, atol=ATOL):
        return _verdict("transposed gradient", f"On {case}, {_layer(k)} is transposed (W{k} is "
                        f"square, so the shape looks right): it is δ{k}ᵀ z{k - 1} / n, not "
                        f"z{k - 1}ᵀ δ{k}.")
    gaps = np.abs(g - r)
    row, col = np.unravel_index(int(np.argmax(gaps)), gaps.shape)
    link = net.link_names[k - 1][row][col]
    where = f"(the largest gap is {number(float(gaps.max()))}, at {link})"
    if k == layers:
        look = (f"look at the output delta δ{k} = (h − y) ⊙ f′(a{k}) and its gradient "
                f"δ{k}ᵀ z{k - 1} / n")
    else:
        right_ones = f"layers {k + 1} to {layers} are" if k + 1 < layers else f"layer {layers} is"
        look = (f"{right_ones} right, so look at δ{k} = (δ{k + 1} W{k + 1}[:, 1:]) ⊙ f′(a{k}) "
                f"and its gradient δ{k}ᵀ z{k - 1} / n")
    return _verdict("wrong values", f"On {case}, {_layer(k)} is wrong {where}: {look}.")


def _run(backprop: Callable[..., object], case: Case) -> Verdict | None:
    """The verdict on one case, or None if the learner's backprop is right on it."""
    net = case.net()
    z0, Y = case.batch()
    right = net.backprop(z0, Y).gradients
    theirs, z0_in, Y_in = net.copy(), z0.copy(), Y.copy()
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = backprop(theirs, z0_in, Y_in)
    except Exception as err:  # the learner's code: report it, never crash
        return _error(backprop, err, case)
    if not all(np.array_equal(a, b) for a, b in zip(theirs.weights, net.weights)):
        return _verdict("changed weights", f"On {case}, your backprop changed net.weights: it "
                        "should only compute the gradients. Every delta comes from the old "
                        "weights; the update comes after, in step.")
    if not (np.array_equal(z0_in, z0) and np.array_equal(Y_in, Y)):
        return _verdict("changed inputs", f"On {case}, your backprop changed z0 or Y in place "
                        "(for example with -= or *=): compute new arrays instead.")
    arrays = _arrays(got, right, case)
    if isinstance(arrays, Verdict):
        return arrays
    if _close(arrays, right):
        return None
    return _named(arrays, net, z0, Y, case) or _located(arrays, right, net, case)


def check_backprop(backprop: Callable[..., object]) -> Verdict:
    """Run a learner's ``backprop(net, z0, Y)`` on every case and name what is wrong, if anything.

    ``backprop`` must return dJ/dW for each layer, a list shaped like ``net.weights``, for the
    squared loss and the mean over the batch. Its exceptions are caught and reported with their
    line; a stub that raises NotImplementedError or returns None is "not written yet".
    """
    if not callable(backprop) or isinstance(backprop, type):
        raise BpkitError(f"backprop must be your function, called as backprop(net, z0, Y); got "
                         f"{backprop!r:.40}")
    verdicts = [verdict for verdict in (_run(backprop, case) for case in CASES)
                if verdict is not None]
    if not verdicts:
        nets = ", ".join("-".join(map(str, case.sizes)) for case in CASES)
        return _verdict("right", f"Right: your backprop gives Network.backprop's gradients, "
                        f"layer by layer, on all {len(CASES)} nets ({nets}) and their batches.")
    for verdict in verdicts:
        if verdict.mistake == NOT_WRITTEN:
            return verdict
    vague = ("error", "wrong values", "wrong shape")
    chosen = next((v for v in verdicts if v.mistake not in vague), verdicts[0])
    error = next((v for v in verdicts if v.mistake == "error"), None)
    if error is not None and error is not chosen:
        return _verdict(chosen.mistake, f"{chosen.message} {error.message}")
    return chosen


__all__ = ["CASES", "MISTAKES", "Case", "check_backprop"]
