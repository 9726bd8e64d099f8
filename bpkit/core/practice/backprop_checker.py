"""A check of a learner's vectorised backprop that names the mistake behind a wrong answer.

The learner's ``backprop(net, z0, Y)`` returns dJ/dW for every layer, a list shaped like
``net.weights`` (squared loss, mean over the batch). ``check_backprop`` runs it on the nets of
``CASES`` and names a wrong answer by keys of ``practice.mistakes.MISTAKES`` only when one
explanation holds on EVERY net: each candidate slip is replayed (``practice.replay``), and each
layer's factor against it is explained by known factors (sign, n, 1/n, 2, ½), per layer where the
layers differ. Explanations that give the same numbers everywhere are all named; none gives
'wrong_values' with the factors or the gap. The learner's code is called, never read as text.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.lessons.matrix_form import shape_text
from bpkit.core.network import Network, with_bias
from bpkit.core.practice import learner_code as code
from bpkit.core.practice.guard import STOPS, Judge, backprop_error, own_pass_copy, stopped
from bpkit.core.practice.mistakes import MISTAKES, NO_SLIP
from bpkit.core.practice.replay import replay
from bpkit.core.practice.verdict import Verdict, right, wrong


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

    @property
    def layout(self) -> str:
        """The sizes as a learner reads them: 3-5-2."""
        return "-".join(map(str, self.sizes))

    def __str__(self) -> str:
        return (f"a {self.layout} net ({self.activation} hidden units, {self.output_activation} "
                f"outputs) with a batch of {self.n}")


CASES = (
    Case((3, 5, 2), "tanh", "sigmoid", 7, 3),
    Case((2, 2, 2), "sigmoid", "sigmoid", 4, 1),
    Case((2, 3, 3, 1), "tanh", "identity", 3, 2),
    Case((4, 3, 2), "sigmoid", "tanh", 5, 4),
)
"""Layers of different sizes, a square W (where a transposed W still runs), two hidden layers,
one and two outputs, and batch sizes that all differ, so each mistake shows."""

SLIPS = ("forgot_output_derivative", "forgot_hidden_derivative", "forgot_derivative",
         "slope_at_z", "transposed_w", "wrong_bias_column")
"""The catalogue's slips replayed as they are (and one_path, updated_weights: see _bases)."""
ROLES = {"all": "in every layer", "output": "in the output layer's gradient only (grads[-1])",
         "first": "in layer 1's gradient only (grads[0])",
         "hidden": "in every layer but the output's (grads[:-1])",
         "upper": "in every layer but layer 1 (grads[1:])"}
"""Which layers a per-layer slip is in, named by role so it means the same at any depth."""
_ROLE_SETS = {"all": {0, 1, 2}, "output": {2}, "first": {0}, "hidden": {0, 1}, "upper": {1, 2}}
_GROUPS = {"article_sign": "sign", "gradient_sign": "sign", "stray_two": "two",
           "missing_two": "two", "batch_sum": "batch", "mean_twice": "batch",
           "mean_over_outputs": "outputs"}
ATOMS = (("article_sign", "all"), ("stray_two", "all"), ("missing_two", "all"),
         ("mean_over_outputs", "all"),
         *((key, role) for key in ("batch_sum", "mean_twice") for role in ROLES),
         *(("gradient_sign", role) for role in ROLES if role != "all"))
"""Every known factor of a layer's gradient and the layers it is in: the sign, 2, ½ and one over
the number of outputs act on the output delta (every layer); the sum (n), n twice (1/n) and a
flipped sign per layer."""
COMBOS = [c for size in range(4) for c in itertools.combinations(range(len(ATOMS)), size)
          if all(_GROUPS[ATOMS[i][0]] != _GROUPS[ATOMS[j][0]]
                 or not _ROLE_SETS[ATOMS[i][1]] & _ROLE_SETS[ATOMS[j][1]]
                 for i, j in itertools.combinations(c, 2))]
"""Every product of at most three atoms, no two acting alike on one layer; the simplest first."""
_INCIDENCE = np.array([[i in c for i in range(len(ATOMS))] for c in COMBOS], float)


def _layer(k: int) -> str:
    """How a message names layer k's gradient: by the equations' W_k and the list index."""
    return f"layer {k}'s gradient (grads[{k - 1}], for W{k})"


def _said(key: str, case: Case, context: str = "") -> Verdict:
    """A verdict naming one mistake on one net: the catalogue's message, then the context."""
    return wrong(f"{MISTAKES[key].message} On {case}{': ' + context if context else '.'}", key)


def _arrays(got: object, right: list[np.ndarray],
            case: Case) -> tuple[list[np.ndarray], bool] | Verdict:
    """The learner's arrays shaped like ``right`` and whether any was float32, or a verdict."""
    want = [r.shape for r in right]
    expected = (f"a list of {len(right)} arrays, one per layer of weights, shaped "
                f"{', '.join(map(shape_text, want))}")
    if got is None:
        return wrong("not written yet: backprop returned None (is its `return grads` line "
                     "missing?). Write its body, run its cell, then run this check again.",
                     "not_written")
    if isinstance(got, np.ndarray) or not isinstance(got, (list, tuple)):
        kind = (f"one array of shape {shape_text(got.shape)}" if isinstance(got, np.ndarray)
                else f"{type(got).__name__} {got!r:.40}")
        return _said("not_numbers", case, f"your backprop returned {kind}; expected {expected} "
                     "(like net.weights).")
    if len(got) != len(right):
        return _said("wrong_count", case, f"your backprop returned {len(got)} array(s); "
                     f"expected {expected}.")
    try:
        arrays = [validate.real_array(item, f"grads[{i}]") for i, item in enumerate(got)]
    except BpkitError as err:
        return _said("not_numbers", case, f"{err}.")
    shapes = [arr.shape for arr in arrays]
    if len(want) > 1 and shapes != want and shapes == want[::-1]:
        return _said("reversed", case, f"grads[0] has shape {shape_text(shapes[0])}, but layer "
                     f"1's is {shape_text(want[0])}, like net.weights[0].")
    for k, (shape, need, arr) in enumerate(zip(shapes, want, arrays), start=1):
        if shape != need:
            key = {need[::-1]: "transposed_gradient", (need[0] + 1, need[1]): "bias_not_dropped",
                   (need[0], need[1] - 1): "no_bias_column"}.get(shape, "wrong_shape")
            return _said(key, case, f"{_layer(k)} has shape {shape_text(shape)} where W{k} has "
                         f"{shape_text(need)}.")
        if not np.isfinite(arr).all():
            return _said("not_finite", case, f"{_layer(k)} holds nan or inf.")
    return arrays, any(getattr(item, "dtype", None) in code.SINGLE_DTYPES for item in got)


@dataclass
class _Run:
    """One case as the learner's backprop did it: its gradients, or the verdict that stopped it."""

    case: Case
    net: Network
    z0: np.ndarray
    Y: np.ndarray
    right: list[np.ndarray]
    got: list[np.ndarray] | None = None
    single: bool = False
    stop: Verdict | None = None


def _run(judge: Judge, backprop: Callable[..., object], case: Case) -> _Run:
    """Run the learner's backprop on one case, on copies, and read what it returned."""
    net = case.net()
    z0, Y = case.batch()
    run = _Run(case, net, z0, Y, net.backprop(z0, Y).gradients)  # before the learner's code
    theirs, z0_in, Y_in = own_pass_copy(net), z0.copy(), Y.copy()
    done = judge.call(backprop, theirs, z0_in, Y_in)
    if done.stop is not None:
        name = getattr(backprop, "__name__", None)
        run.stop = stopped(done, f"your function {name if isinstance(name, str) else ''}")
    elif done.error is not None:
        run.stop = backprop_error(judge, backprop, done.error, str(case))
    elif not all(np.array_equal(a, b) for a, b in zip(theirs.weights, net.weights)):
        run.stop = _said("changed_weights", case)
    elif not (np.array_equal(z0_in, z0) and np.array_equal(Y_in, Y)):
        run.stop = _said("changed_inputs", case)
    else:
        read = judge.read(_arrays, done.value, run.right, case)
        run.stop = read if isinstance(read, Verdict) else None
        run.got, run.single = (None, False) if run.stop is not None else read
    return run


# ----- naming a wrong answer: candidate slips, and each layer's factor against them ------------
Options = list[list[tuple[list[np.ndarray], int]]]  # per run, each way: (gradients, from layer)


def _replayed(run: _Run, slip: object, lr: float = 0.1) -> list[np.ndarray] | None:
    """The gradients of one step with ``slip`` on this run's net, or None if it cannot run."""
    try:
        with np.errstate(all="ignore"):
            return replay(run.net, run.z0, run.Y, lr, slip).gradients
    except BpkitError:
        return None


def _bases(runs: list[_Run]) -> list[tuple[str, str, Options]]:
    """Each candidate slip (key '' for none), its context, and what it gives on each run.

    Hidden deltas from updated weights are tried at the α that fits: the last hidden layer's
    gradient is affine in α, so a replay at α = 1 gives its slope and the learner's gap its α.
    """
    def once(slip: object, lr: float = 0.1) -> Options:
        return [[(g, 0)] if (g := _replayed(run, slip, lr)) is not None else [] for run in runs]
    bases = [("", "", [[(run.right, 0)] for run in runs])]
    bases += [(key, "", once(MISTAKES[key].slip)) for key in SLIPS]
    bases.append(("one_path", "", [
        [(g, 0) for k in (0, -1)  # the first unit's path, or the last (= in a loop, not +=)
         if (g := _replayed(run, replace(NO_SLIP, path=k))) is not None] for run in runs]))
    updated, run, k = MISTAKES["updated_weights"].slip, runs[0], len(runs[0].right) - 2
    slope = run.right[k] - (_replayed(run, updated, 1.0) or run.right)[k]
    size = float(np.vdot(slope, slope))
    alpha = float(np.vdot(run.right[k] - run.got[k], slope)) / size if size > 1e-20 else 0.0
    if 1e-6 < alpha < 1e6:
        bases.append(("updated_weights", f"(with α = {number(alpha)})", once(updated, alpha)))
    return bases


def _factors(got: list[np.ndarray], base: list[np.ndarray], first: int) -> np.ndarray | None:
    """Each layer's factor against ``base`` (nan: not judged), or None where one has none."""
    found = [np.nan if k < first else code.factor(g, b) for k, (g, b) in enumerate(zip(got, base))]
    return None if any(f is None for f in found) else np.array(found, float)


@cache
def _predicted(n: int, layers: int, outputs: int) -> tuple[np.ndarray, np.ndarray]:
    """log|factor| and its sign's parity, per combo and layer, on a net of this n and shape."""
    select = {"all": range(layers), "output": [layers - 1], "first": [0],
              "hidden": range(layers - 1), "upper": range(1, layers)}
    value = {"article_sign": -1.0, "gradient_sign": -1.0, "stray_two": 2.0, "missing_two": 0.5,
             "batch_sum": float(n), "mean_twice": 1.0 / n, "mean_over_outputs": 1.0 / outputs}
    atoms = np.ones((len(ATOMS), layers))
    for i, (key, role) in enumerate(ATOMS):
        atoms[i, list(select[role])] = value[key]
    return _INCIDENCE @ np.log(np.abs(atoms)), (_INCIDENCE @ (atoms < 0)) % 2


def _matching(factors: np.ndarray, n: int, outputs: int) -> np.ndarray:
    """Which combos give these layer factors (nan: any) on a net of this batch and outputs."""
    logs, odd = _predicted(n, len(factors), outputs)
    judged = ~np.isnan(factors)
    with np.errstate(divide="ignore"):
        near = np.abs(logs[:, judged] - np.log(np.abs(factors[judged]))) <= 1e-5
    return (near & (odd[:, judged] == (factors[judged] < 0))).all(axis=1)


def _explanations(runs: list[_Run]) -> list[tuple[float, list[tuple[str, str]]]]:
    """Every explanation that holds on every run: (its size, its (key, context) parts).

    A constant factor no combo explains is 'scaled', which counts as more than one mistake.
    """
    found = []
    for key, context, options in _bases(runs):
        head = [(key, context)] if key else []
        vectors = [[f for g, first in ways if (f := _factors(run.got, g, first)) is not None]
                   for run, ways in zip(runs, options)]
        if not all(vectors):
            continue
        scalable = key != "updated_weights"  # its α was fitted without any factor
        holds = np.ones(len(COMBOS), bool) if scalable else _INCIDENCE.sum(axis=1) == 0
        for run, ways in zip(runs, vectors):
            shape = (run.case.n, run.case.sizes[-1])
            holds &= np.logical_or.reduce([_matching(f, *shape) for f in ways])
        for index in np.flatnonzero(holds):
            parts = [(atom, ROLES[role]) for atom, role in (ATOMS[i] for i in COMBOS[index])]
            if head or parts:
                found.append((len(head) + len(parts), head + parts))
        c = float(np.nanmax(vectors[0][0]))
        if scalable and not holds.any() and abs(c - 1) > 1e-5 and c and all(
                any(np.allclose(v[~np.isnan(v)], c, rtol=1e-5) for v in ways) for ways in vectors):
            found.append((len(head) + 1.5, [*head, ("scaled", f"(×{number(c)})")]))
    return found


def _what(key: str, context: str) -> str:
    """One part of an explanation: the catalogue's few words, and where or how much."""
    if key in ("article_sign", "stray_two", "missing_two", "mean_over_outputs") or not context:
        return MISTAKES[key].what
    return f"{MISTAKES[key].what}{',' if context.startswith('in ') else ''} {context}"


def _factor_text(run: _Run) -> str | None:
    """'grads[0] ×7, grads[1] ×1': each layer's factor against the right gradient, if all are."""
    found = _factors(run.got, run.right, 0)
    return found if found is None else ", ".join(f"grads[{k}] ×{code.shown(f)}"
                                                 for k, f in enumerate(found))


def _explained(runs: list[_Run]) -> Verdict | None:
    """The verdict naming the simplest explanation(s) that hold on every run, or None."""
    found = _explanations(runs)
    least = min((size for size, _ in found), default=None)
    options: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for parts in (parts for size, parts in found if size == least):
        options.setdefault(tuple(key for key, _ in parts), parts)
    if not options:
        return None
    texts = [" plus ".join(_what(*part) for part in parts) for parts in options.values()]
    keys = list(dict.fromkeys(key for combo in options for key in combo))
    which = "every net the checker ran" if len(runs) == len(CASES) else "each net your code ran on"
    nets = (f"{which} ({', '.join(r.case.layout for r in runs)}, with batches of "
            f"{', '.join(str(r.case.n) for r in runs)})")
    said = (f"your gradients are what this gives: {texts[0]}." if len(texts) == 1 else
            "your gradients are what each of these gives (the numbers cannot tell them apart): "
            + "; or ".join(f"({i}) {text}" for i, text in enumerate(texts, start=1)) + ".")
    seen = f" On the {runs[0].case.layout} net: {t}." if (t := _factor_text(runs[0])) else ""
    messages = " ".join(MISTAKES[key].message for key in keys)
    return wrong(f"Not yet. On {nets}, {said}{seen} {messages}", *keys)


def _unexplained(runs: list[_Run]) -> Verdict:
    """No explanation holds everywhere: each net's factors per layer, or where the gap is."""
    tables = [_factor_text(run) for run in runs]
    lead = f"Not yet. {MISTAKES['wrong_values'].message}"
    if all(tables):
        shown = "; ".join(f"{r.case.layout} net (n = {r.case.n}): {t}"
                          for r, t in zip(runs, tables))
        return wrong(f"{lead} Each layer's gradient is a multiple of the right one, but no one "
                     f"mistake gives these factors on every net: {shown}. Each should be 1: one "
                     "that changes from net to net is a division or multiplication by a size "
                     "(the gradient is the sum over the batch divided by n = len(z0), the number "
                     "of samples, and by nothing else), and −1 a sign flipped in that layer.",
                     "wrong_values")
    run = next(r for r in runs if code.agreement(r.got, r.right) is None)
    layers = len(run.right)
    k = max(i for i in range(1, layers + 1)
            if code.agreement([run.got[i - 1]], [run.right[i - 1]]) is None)
    g, r = run.got[k - 1], run.right[k - 1]
    if g.shape[0] == g.shape[1] and code.agreement([g], [r.T]) is not None:
        return _said("transposed_gradient", run.case, f"{_layer(k)} is transposed (W{k} is "
                     "square, so its shape looks right).")
    row, col = np.unravel_index(int(np.argmax(np.abs(g - r))), g.shape)
    should, gave = code.should_gave(float(r[row, col]), float(g[row, col]))
    at = f"at {run.net.link_names[k - 1][row][col]} it should be {should}, yours is {gave}"
    fine = f"layers {k + 1} to {layers} are" if k + 1 < layers else f"layer {layers} is"
    look = (f"look at the output delta δ{k} = (h − y) ⊙ f′(a{k})" if k == layers else
            f"{fine} right, so look at δ{k} = (δ{k + 1} W{k + 1}[:, 1:]) ⊙ f′(a{k})")
    return wrong(f"{lead} On {run.case}, {_layer(k)} is wrong ({at}): {look}, and at its "
                 f"gradient δ{k}ᵀ z{k - 1} / n.", "wrong_values")


def check_backprop(backprop: Callable[..., object]) -> Verdict:
    """Run a learner's ``backprop(net, z0, Y)`` on every case and name what is wrong, if anything.

    ``backprop`` must return dJ/dW for each layer, a list shaped like ``net.weights``, for the
    squared loss and the mean over the batch. Its exceptions are caught and reported with their
    line; a stub that raises NotImplementedError or returns None is "not written yet". An answer
    right to single precision (float32) is right, and the verdict says so.
    """
    if not callable(backprop) or isinstance(backprop, type):
        raise BpkitError(f"backprop must be your function, called as backprop(net, z0, Y); got "
                         f"{backprop!r:.40}")
    judge, runs = Judge(), []
    for case in CASES:  # a stop that is not the learner's own answer ends the check at once
        runs.append(_run(judge, backprop, case))
        if runs[-1].stop is not None and runs[-1].stop.mistake in STOPS:
            return runs[-1].stop
    stops = [run.stop for run in runs if run.stop is not None]
    if (unwritten := next((v for v in stops if v.mistake == "not_written"), None)) is not None:
        return unwritten
    errors = [v for v in stops if v.mistake == "error"]
    shaped = [v for v in stops if v.mistake != "error"]
    valued = [run for run in runs if run.got is not None]
    levels = [code.agreement(run.got, run.right) for run in valued]
    if shaped or not valued:
        verdict = (shaped or errors)[0]
    elif all(levels) and errors:
        return wrong(f"{errors[0].message} (On the other nets it gives the right gradients.)",
                     *errors[0].mistakes)
    elif all(levels):
        done = (f"your backprop gives Network.backprop's gradients, layer by layer, on all "
                f"{len(CASES)} nets ({', '.join(c.layout for c in CASES)}) and their batches")
        note = f"; {code.single_note(any(r.single for r in valued))}" if "single" in levels else ""
        return right(f"Right{' to single precision' if note else ''}: {done}{note}.")
    else:
        verdict = _explained(valued) or _unexplained(valued)
    if errors and verdict is not errors[0]:
        return wrong(f"{verdict.message} {errors[0].message}", *verdict.mistakes)
    return verdict


__all__ = ["ATOMS", "CASES", "ROLES", "SLIPS", "Case", "check_backprop"]
