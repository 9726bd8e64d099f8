"""Part II practice (notebook 14): seeded questions of 08's kind on what 09 to 12 teach.

Four kinds, each a builder that takes a seed and returns a ``Question``:

- ``two_paths_question``: a hidden delta in a net with two outputs (09), a sum over two paths;
- ``shape_question``: the shape of one array of backprop in matrix form (11), typed as (7, 5);
- ``fork_question``: the gradient at a value used more than once in an autograd graph (10);
- ``depth_question``: a delta passed back through a chain of sigmoid or tanh layers (12), each
  layer multiplying it by f'(a) · w.

Every number comes from bpkit (``Network.backprop``, the replay of a slip, ``reverse_sweep``,
``lessons.depth``); each wrong answer a known slip produces is named by the catalogue
(``practice.mistakes``), as in Part I. ``random_part2_question(seed, kind)`` picks among them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from functools import cache

import numpy as np
import sympy as sp

from bpkit.core import functions, naming
from bpkit.core.computations import aligned, delta_paths, latex_result
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number
from bpkit.core.lessons.depth import deep_network, depth_data, slope_bound
from bpkit.core.network import Network, with_bias
from bpkit.core.practice.mistakes import MISTAKES
from bpkit.core.practice.part2_forks_shapes import DRAWS, choice, fork_question, shape_question
from bpkit.core.practice.prose import given, numbered, samples_text, weights_table
from bpkit.core.practice.question import Diagnosis, Question, diagnosis
from bpkit.core.practice.replay import replay
from bpkit.core.practice.setting import Setting, checked_seed
from bpkit.core.practice.wrong_answers import hidden_delta_slips, slipped
from bpkit.core.symbolic import unit_latex

CURVED = ("sigmoid", "tanh")
"""The hidden activations Part II's questions draw: each has f'(a) in its z form."""


def z_form_latex(activation: str) -> str:
    """f'(a) of an activation in its z form, as LaTeX for a hint (from the activation itself)."""
    return f"${sp.latex(functions.activation(activation).z_form)}$"


# ----- two paths back: a hidden delta with two outputs --------------------------------------------
GRID = tuple(k / 20 for k in range(-20, 21) if k)
"""Weights a two-output net draws: multiples of 0.05 from -1 to 1, never 0 (Mazur's are 0.15 to
0.6)."""
INPUTS = tuple(k / 20 for k in range(1, 21))
TARGETS = (0.01, 0.25, 0.5, 0.75, 0.99)
RATES = (0.5, 0.25, 1.0)
"""Learning rates of the step whose updated weights one slip uses (Mazur's is 0.5)."""


def two_output_setting(seed: int, activation: str | None = None) -> Setting:
    """A net in Mazur's layout (2-2-2, now and then 2-3-2) with weights, sample and α drawn.

    The outputs are sigmoids with the squared loss, as his; the hidden units are ``activation``
    (sigmoid or tanh; None draws one).
    """
    rng = random.Random(checked_seed(seed))
    hidden = choice(activation, "activation (the hidden units' f)", CURVED) or rng.choice(CURVED)
    sizes = (2, rng.choice((2, 2, 3)), 2)
    net = Network(sizes, activation=hidden, output_activation="sigmoid", loss="squared",
                  weights=0.0)
    net.weights = [np.array([[rng.choice(GRID) for _ in range(cols)] for _ in range(rows)])
                   for rows, cols in net.weight_shapes]
    x = [[rng.choice(INPUTS) for _ in range(2)]]
    y = [[rng.choice(TARGETS) for _ in range(2)]]
    return Setting(net, np.array(x), np.array(y), rng.choice(RATES))


def _described(setting: Setting, unit: str) -> str:
    """A two-output setting in words, with the forward pass up to the outputs given."""
    net, trace = setting.net, setting.trace()
    kind = functions.activation(net.activations[0]).words.split(", ", 1)[0]
    found = trace.units[unit]
    outputs = ", ".join(f"$h_{{{k}}} = z_{{D_{{{k}}}}} = {given(trace.units[f'D{k}'].z[0])}$"
                        for k in range(net.sizes[-1]))
    return (f"<p>A net in Mazur's layout (notebook 09): inputs $X_1, X_2$, {net.sizes[1]} "
            f"{kind} hidden units, two sigmoid outputs $D_0$ and $D_1$, squared error "
            r"$J = \tfrac{1}{2}\sum_k (h_k - y_k)^2$; the step uses "
            rf"$\alpha = {latex_result(setting.lr)}$.</p>{samples_text(setting)}"
            f"<p>Weights $w$ (rows: the unit a link goes into; columns: where it comes from):"
            f"</p>{weights_table(net)}<p>The forward pass gives "
            f"$a_{{{unit_latex(unit)}}} = {given(found.a[0])}$, "
            f"$z_{{{unit_latex(unit)}}} = {given(found.z[0])}$, and {outputs}.</p>")


def _slope_slips(setting: Setting, value_of: Callable[[object], float]) -> list[Diagnosis]:
    """The f'(a) slips the Part I replay does not make: f'(a) left out of one layer only."""
    z0 = with_bias(setting.x)
    return [diagnosis(key, float(value_of(replay(setting.net, z0, setting.y, setting.lr,
                                                 MISTAKES[key].slip))))
            for key in ("forgot_hidden_derivative", "forgot_output_derivative")]


def two_paths_question(seed: int, unit: str | None = None) -> Question:
    """Ask for a hidden unit's delta in a two-output net: f'(a) times a sum over two paths.

    ``unit`` is the hidden unit ('Z1', 'Z2', ...); None draws one from ``seed``. The forward
    pass is given, so the question is the deltas alone.
    """
    setting = two_output_setting(seed)
    trace = setting.trace()
    hidden = naming.target_names(setting.net.sizes, 1)
    rng = random.Random(checked_seed(seed) + 1)
    unit = choice(unit, "unit (a hidden unit of this net)", tuple(hidden)) or rng.choice(hidden)
    column = hidden.index(unit)
    lines = delta_paths(trace)
    shown = [c for c in lines if c.name in ("D0", "D1") or unit in c.highlighted[:2]]
    found = trace.units[unit]
    act = functions.activation(setting.net.activations[0])
    alone = [float(act.df(found.a[0])) * c.value for c in shown if c.kind == "path term"]
    name = unit_latex(unit)
    slope = z_form_latex(act.name)
    value = found.delta[0]
    return numbered(
        _described(setting, unit), f"What is $\\delta_{{{name}}}$?", value,
        [f"{unit} sends its z along two links, to D0 and to D1: its delta sums one term "
         "w · δ per path, then multiplies the sum by f'(a).",
         "Each output's delta first: δ(Dk) = (h_k − y_k) · f'(a), with the sigmoid's f'(a) = "
         f"{z_form_latex('sigmoid')} at the output's own z.",
         f"Then δ({unit}) = f'(a) · (w({unit}->D0) · δ(D0) + w({unit}->D1) · δ(D1)), with "
         f"f'(a) = {slope} at z({unit})."],
        f"$$\n{aligned(shown)}\n$$\n\n<p>So $\\delta_{{{name}}} = {given(value)}$, both paths "
        f"added. One path alone would give ${'$ or $'.join(map(given, alone))}$.</p>",
        [*slipped(setting, lambda done: done.deltas[0][0, column]),
         *_slope_slips(setting, lambda done: done.deltas[0][0, column]),
         *hidden_delta_slips(trace, unit)])


# ----- depth: a delta through a chain of layers ---------------------------------------------------
LAYERS = (2, 3, 4)
"""Hidden layers in a depth question's chain."""
SCALES = (1.5, 2.0, 3.0)
"""Weight scales of ``deep_network`` a depth question draws."""
SMALLEST_WEIGHT = 0.2
"""A chain's weights are drawn again while one is smaller than this: each must matter."""


@cache
def largest_slope(activation: str) -> float:
    """``slope_bound`` as a float, found by sympy once per activation (1/4 for the sigmoid)."""
    return float(slope_bound(activation))


def depth_chain(seed: int, activation: str | None = None) -> tuple[Network, np.ndarray,
                                                                   np.ndarray]:
    """A chain of one unit per layer (``deep_network(..., width=1)``) and its one sample."""
    rng = random.Random(checked_seed(seed))
    name = choice(activation, "activation (the hidden units' f)", CURVED) or rng.choice(CURVED)
    layers, scale = rng.choice(LAYERS), rng.choice(SCALES)
    for _ in range(DRAWS):
        drawn = rng.randrange(2**31)
        net = deep_network(name, scale, layers, 1, drawn)
        if all(abs(w[0, 1]) >= SMALLEST_WEIGHT for w in net.weights[1:]):
            break
    X, Y = depth_data(1, 1, drawn)
    return net, X, Y


def depth_question(seed: int, activation: str | None = None) -> Question:
    """Ask for the delta of the first hidden unit of a chain, given the output's delta.

    Each layer passes δ back multiplied by its own f'(a) · w; ``activation`` is 'sigmoid' or
    'tanh' (None draws one from ``seed``).
    """
    net, X, Y = depth_chain(seed, activation)
    z0 = with_bias(X)
    done = net.backprop(z0, Y)
    act = functions.activation(net.activations[0])
    units = [names[1] for names in net.unit_names[1:-1]]
    a = [float(sums[0, 0]) for sums in done.a[:-1]]
    z = [float(layer[0, 1]) for layer in done.z[1:-1]]
    w = [float(weights[0, 1]) for weights in net.weights[1:]]
    slopes = [float(act.df(value)) for value in a]
    top = float(done.deltas[-1][0, 0])
    answer = float(done.deltas[0][0, 0])
    bound = largest_slope(act.name)
    z_form = functions.activation(act.name).df_of_z
    other = functions.activation("tanh" if act.name == "sigmoid" else "sigmoid").df_of_z
    factors = [s * weight for s, weight in zip(slopes, w)]
    wrong = [*_chain_slips(net, z0, Y),
             diagnosis("forgot_weight", top * math.prod(slopes)),
             diagnosis("depth_summed", top * sum(factors)),
             diagnosis("slope_bound_used", top * math.prod(bound * weight for weight in w)),
             diagnosis("slope_of_a", top * math.prod(z_form(v) * k for v, k in zip(a, w))),
             diagnosis("other_slope", top * math.prod(other(v) * k for v, k in zip(z, w)))]
    chain = " → ".join(f"${unit_latex(u)}$" for u in [*units, "D0"])
    rows = "".join(f"<tr><td>${unit_latex(u)}$</td><td>${given(ai)}$</td><td>${given(zi)}$</td>"
                   f"<td>${_link(u, nxt)} = {given(wi)}$</td></tr>"
                   for u, nxt, ai, zi, wi in zip(units, [*units[1:], "D0"], a, z, w))
    prompt = (f"<p>A chain of {len(units)} {act.name} hidden units, one per layer, and a linear "
              f"output (notebook 12's deep net, one unit wide): {chain}. On one sample the "
              f"forward pass gave, for each hidden unit, its a and z and the weight of the link "
              f"it sends on:</p><table><tr><th>unit</th><th>a</th><th>z</th><th>link out</th>"
              f"</tr>{rows}</table><p>The output's delta is $\\delta_{{D_{{0}}}} = "
              f"{given(top)}$.</p>")
    return numbered(
        prompt, f"What is $\\delta_{{{unit_latex(units[0])}}}$, the first hidden unit's delta?",
        answer,
        ["In a chain each unit has one link out, so its delta has one path: δ = f'(a) · w · δ "
         "of the unit the link goes to.",
         f"For {'the sigmoid' if act.name == 'sigmoid' else 'tanh'}, f'(a) = "
         f"{z_form_latex(act.name)}, at each unit's own z.",
         "Start at D0 and go back one layer at a time: each layer multiplies δ by its own "
         "factor f'(a) · w, so the factors multiply."],
        _depth_solution(units, z, w, slopes, done.deltas, act.name, top, answer, bound),
        wrong)


def _link(source: str, target: str) -> str:
    return f"w_{{{unit_latex(source)} \\to {unit_latex(target)}}}"


def _chain_slips(net: Network, z0: np.ndarray, Y: np.ndarray) -> list[Diagnosis]:
    """f'(a) left out of every hidden delta, replayed on the chain (the output is linear)."""
    done = replay(net, z0, Y, 1.0, MISTAKES["forgot_hidden_derivative"].slip)
    return [diagnosis("forgot_hidden_derivative", float(done.deltas[0][0, 0]))]


def _depth_solution(units: list[str], z: list[float], w: list[float], slopes: list[float],
                    deltas: list[np.ndarray], name: str, top: float, answer: float,
                    bound: float) -> str:
    """Layer by layer from the top: f'(a) in its z form, then δ = f'(a) · w · δ above."""
    form = functions.activation(name).z_form
    rows = []
    above = [*units[1:], "D0"]
    for k in reversed(range(len(units))):
        u, nxt = unit_latex(units[k]), unit_latex(above[k])
        with_z = sp.latex(form.xreplace({functions.z: sp.Symbol(latex_number(z[k], 7))}))
        rows.append(f"f'(a_{{{u}}}) &= {with_z} = "
                    f"{latex_result(slopes[k])}")
        factors = r" \cdot ".join(latex_number(v) for v in (slopes[k], w[k],
                                                             float(deltas[k + 1][0, 0])))
        rows.append(f"\\delta_{{{u}}} &= f'(a_{{{u}}}) \\cdot {_link(units[k], above[k])} "
                    f"\\cdot \\delta_{{{nxt}}} = {factors} = "
                    f"{latex_result(float(deltas[k][0, 0]))}")
    product = math.prod(s * weight for s, weight in zip(slopes, w))
    ceiling = math.prod(bound * abs(weight) for weight in w)
    block = " \\\\\n".join(rows)
    return (f"$$\n\\begin{{aligned}}\n{block}\n\\end{{aligned}}\n$$\n\n<p>So "
            f"$\\delta_{{{unit_latex(units[0])}}} = {given(answer)}$: the {len(units)} factors "
            f"f'(a) · w multiply to ${given(product)}$, times $\\delta_{{D_{{0}}}} = "
            f"{given(top)}$. The most they could be, with f'(a) at its largest "
            f"({latex_result(bound)}), is ${given(ceiling)}$ in size.</p>")


# ----- every kind ---------------------------------------------------------------------------------
PART2_BUILDERS: dict[str, Callable[[int], Question]] = {
    "two paths": two_paths_question,
    "shape": shape_question,
    "fork": fork_question,
    "depth": depth_question,
}
"""Every kind of Part II question, by name: each builder takes a seed."""


def random_part2_question(seed: int, kind: str | None = None) -> Question:
    """A Part II question of ``kind`` (or a kind drawn from ``seed``), its numbers from ``seed``.

    ``random_part2_question(seed, kind)`` is ``PART2_BUILDERS[kind](seed)``.
    """
    if kind is not None and (not isinstance(kind, str) or kind not in PART2_BUILDERS):
        raise BpkitError(f"unknown Part II question kind {kind!r:.40}: expected one of "
                         f"{', '.join(map(repr, PART2_BUILDERS))}, or None for any")
    rng = random.Random(checked_seed(seed))
    return PART2_BUILDERS[kind or rng.choice(list(PART2_BUILDERS))](seed)


__all__ = ["PART2_BUILDERS", "depth_question", "fork_question", "random_part2_question",
           "shape_question", "two_paths_question"]
