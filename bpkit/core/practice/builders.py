"""Question builders: each changes the article's step (a ``Setting``), runs bpkit, and asks.

The answer and the worked solution come from that run; the wrong answers it names come from
replaying the learner's slips on the same setting (``practice.wrong_answers``). A new weight or
prediction that one step barely moves (by less than 1 %) is asked as its change instead, so
typing the old value can never pass.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from bpkit.core import naming
from bpkit.core.computations import Computation, computations, explain, latex_result
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number, number
from bpkit.core.practice import prose
from bpkit.core.practice.prose import ZERO, built_question, formula_hint, result
from bpkit.core.practice.question import Question, diagnosis
from bpkit.core.practice.setting import (
    Setting,
    checked_seed,
    checked_setting,
    one_sample,
    random_setting,
)
from bpkit.core.practice.wrong_answers import (
    direction_slips,
    finite_difference_slips,
    forward_slips,
    hidden_delta_slips,
    position,
    predicted,
    slipped,
)
from bpkit.core.trace import StepTrace


def _receiving(trace: StepTrace, unit: object) -> None:
    """Refuse a unit that has no weighted sum (an input or bias unit), naming the valid ones."""
    valid = [name for name, u in trace.units.items() if u.a is not None]
    if not isinstance(unit, str):
        raise BpkitError(f"unit must be a unit name such as {valid[0]!r}: one of "
                         f"{', '.join(valid)}; got {unit!r:.40}")
    if unit not in valid:
        kind = {"input": "an input", "bias": "a bias"}.get(
            trace.units[unit].kind if unit in trace.units else "")
        what = (f"{unit!r} is {kind} unit, which has no weighted sum or delta" if kind else
                f"there is no unit named {unit!r:.40}")
        raise BpkitError(f"{what}: ask about one of {', '.join(valid)}")


def _link(trace: StepTrace, link: object) -> str:
    """The link's name as the trace spells it, 'w(X0->Z1)'; refuses a link it does not have."""
    name = naming.link_key(link)
    if name not in trace.links:
        raise BpkitError(f"no link named {name!r}: links are {', '.join(trace.links)}")
    return name


def _worked_up_to(trace: StepTrace, unit: str,
                  phase: str) -> tuple[Computation, list[Computation]]:
    """The computation giving ``unit``'s value in ``phase``, and every one up to it."""
    _receiving(trace, unit)
    done = computations(trace, phase)
    target = explain(trace, phase, unit)
    return target, done[:done.index(target) + 1]



# ----- question builders ------------------------------------------------------------------------
def forward_question(setting: Setting, unit: str = "D0") -> Question:
    """Ask for the activation z of ``unit`` in the forward pass."""
    setting = one_sample(setting, "about the forward pass")
    trace = setting.trace()
    target, needed = _worked_up_to(trace, unit, "forward")
    if trace.units[unit].kind == "hidden":
        needed = [c for c in needed if c.name == unit]
    last_hint = ("Work layer by layer: the hidden units first, then the output."
                 if trace.units[unit].kind == "output" else formula_hint(needed[-1]))
    return built_question(
        setting, f"Forward pass: what is $z_{{{prose.unit_latex(unit)}}}$?", target.value,
        ["A unit's weighted sum a adds w times the activation at each link's source "
         "(the bias units X0 and Z0 are 1); its activation is z = f(a).",
         formula_hint(needed[-2]), last_hint],
        needed, f"So $z_{{{prose.unit_latex(unit)}}} = {result(target.value)}$.",
        forward_slips(setting, trace, unit))


def delta_question(setting: Setting, unit: str = "Z1") -> Question:
    """Ask for the delta of ``unit``; the forward pass's outputs h are given."""
    setting = one_sample(setting, "for a delta")
    trace = setting.trace()
    target, needed = _worked_up_to(trace, unit, "deltas")
    output_delta = needed[0]
    if trace.units[unit].kind == "hidden":
        needed = [c for c in needed if trace.units[c.name].kind == "output" or c.name == unit]
    layer, column = position(trace, unit)
    own = trace.units[output_delta.name if trace.units[unit].kind == "hidden" else unit]
    h, y = own.z[0], trace.targets[0, trace.unit_names[-1].index(own.name)]
    return built_question(
        setting, f"What is $\\delta_{{{prose.unit_latex(unit)}}}$?", target.value,
        ["Start at the output: its delta is the loss's own factor times f'(a).",
         formula_hint(output_delta),
         f"Here $h = {prose.given(h)}$ and $y = {latex_result(y)}$."
         if unit == output_delta.name else
         "A hidden unit's delta is f'(a) times the sum of w times delta over its links to the "
         "next layer."],
        prose.every_factor(trace, needed),
        f"So $\\delta_{{{prose.unit_latex(unit)}}} = {result(target.value)}$.",
        [*slipped(setting, lambda replay: replay.deltas[layer][0, column]),
         *(hidden_delta_slips(trace, unit) if trace.units[unit].kind == "hidden" else [])],
        given=prose.outputs_given(trace))


MOVES = 0.01
"""A new weight or prediction is asked as itself only if one step moves it by at least 1 %."""


def moves(old: float, new: float) -> bool:
    """True if one step moves a value far enough that typing the old one is plainly wrong."""
    return abs(new - old) >= MOVES * abs(old) and new != old


def new_weight_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask for the weight on ``link`` ('w(X0->Z1)' or 'X0->Z1') after one step.

    On a batch setting the prompt gives each sample's z and delta, and the question is about
    the mean over the batch. A step of less than 1 % of the weight is asked as the change
    new − old, which typing the old weight cannot pass.
    """
    trace = checked_setting(setting).trace()
    name = _link(trace, link)
    found = trace.links[name]
    weight = prose.weight_latex(trace, name)
    at = (found.layer, found.row, found.col)
    whole = moves(found.old, found.new)
    shift = 0.0 if whole else found.old  # a change question's answers are new − old
    answer_slips = [diagnosis("gradient_as_weight", found.gradient),
                    diagnosis("step_as_weight", trace.lr * found.gradient),
                    diagnosis("weight_unchanged", found.old - shift)]
    mean = (" The batch gradient is the mean over the samples of z times delta."
            if trace.n_samples > 1 else "")
    ask = (f"After one step, what is ${weight}$ (now ${latex_result(found.old)}$)?" if whole
           else f"By how much does ${weight}$ (now ${latex_result(found.old)}$) change in one "
                "step? Give the new weight minus the old one.")
    return built_question(
        setting, ask, found.new - shift,
        ["The gradient of a link is the activation at its source times the delta at its "
         f"target; the new weight is w - alpha * gradient.{mean}",
         formula_hint(explain(trace, "update", name, kind="gradient")),
         formula_hint(explain(trace, "update", name))],
        prose.link_lines(trace, name),
        f"So the new ${weight} = {result(found.new)}$" + (
            "." if whole else f", a change of ${result(found.new - found.old)}$."),
        [*slipped(setting, lambda replay: replay.new_weights[at[0]][at[1:]] - shift),
         *answer_slips],
        given=prose.given_for_link(trace, name))


def direction_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask whether the weight on ``link`` goes up, down or stays the same in one step."""
    trace = checked_setting(setting).trace()
    name = _link(trace, link)
    found = trace.links[name]
    weight = prose.weight_latex(trace, name)
    change = found.new - found.old
    answer = 0.0 if abs(change) <= ZERO * max(1.0, abs(found.old)) else math.copysign(1, change)
    way = {1.0: "rises", -1.0: "falls", 0.0: "stays the same"}[answer]
    why = ("Its gradient is 0, so" if answer == 0 else
           f"Its gradient is {'negative' if answer > 0 else 'positive'}, so")
    return Question(
        prompt=(f"{prose.describe(setting)}{prose.given_for_link(trace, name)}<p><b>In one "
                f"step, will ${weight}$ (now ${latex_result(found.old)}$) go up or down?</b> "
                f"{prose.ASK_DIRECTION}</p>"),
        answer=answer,
        hints=["The step is w := w - alpha * gradient, and alpha is positive: the sign of the "
               "gradient decides which way w moves.",
               "The gradient is z at the link's source times delta at its target: look at the "
               "sign of each factor.",
               formula_hint(explain(trace, "update", name, kind="gradient"))],
        solution=(f"$$\n{prose.aligned(prose.link_lines(trace, name))}\n$$\n\n<p>{why} "
                  f"${weight}$ {way}: ${latex_result(found.old)} \\to "
                  f"{result(found.new)}$.</p>"),
        diagnoses=direction_slips(setting.net, answer),
        answer_form="direction",
    )


FINITE_STEP = 0.01
"""The finite-difference question's epsilon: J is given at w - eps, w and w + eps."""


def finite_difference_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask for dJ/dw on ``link`` by a central difference, from J given at w - eps, w, w + eps."""
    setting = checked_setting(setting)
    trace = setting.trace()
    name = _link(trace, link)
    found = trace.links[name]
    weight = prose.weight_latex(trace, name)
    below, at, above = (_loss_with(setting, name, found.old + shift)
                        for shift in (-FINITE_STEP, 0.0, FINITE_STEP))
    eps = latex_number(FINITE_STEP)
    estimate = (above - below) / (2 * FINITE_STEP)
    given = (f"<p>Move ${weight}$ (now ${latex_result(found.old)}$) by "
             f"$\\varepsilon = {eps}$, every other weight as it is; J is then</p><p>"
             f"$J(w - \\varepsilon) = {latex_number(below, 10)}$, $J(w) = "
             f"{latex_number(at, 10)}$, $J(w + \\varepsilon) = {latex_number(above, 10)}$.</p>")
    central = Computation(
        "update", "gradient", name,
        r"\text{estimate} = \frac{J(w + \varepsilon) - J(w - \varepsilon)}{2 \varepsilon}",
        rf"\text{{estimate}} = \frac{{{latex_number(above, 10)} - {latex_number(below, 10)}}}"
        rf"{{2 \cdot {eps}}} = {result(estimate)}", estimate)
    return built_question(
        setting, f"Estimate $\\partial J / \\partial {weight}$ by the central difference.",
        estimate,
        ["The slope of J at w is about the change in J divided by the change in w.",
         r"The central difference is $(J(w + \varepsilon) - J(w - \varepsilon)) / "
         r"(2 \varepsilon)$.",
         f"Here $2 \\varepsilon = {latex_number(2 * FINITE_STEP)}$."],
        [central, explain(trace, "update", name, kind="gradient")],
        _finite_difference_conclusion(trace, name, estimate),
        finite_difference_slips(below, at, above, FINITE_STEP),
        given=given)


def _loss_with(setting: Setting, link: str, value: float) -> float:
    """J of the setting's samples with one weight set to ``value``, rounded as a prompt shows it."""
    probe = setting.net.copy()
    probe.set_weight(link, value)
    return float(number(probe.loss(setting.x, setting.y), 10))


def _finite_difference_conclusion(trace: StepTrace, name: str, estimate: float) -> str:
    """The estimate beside backprop's z * delta, and what their agreement shows."""
    gradient = trace.links[name].gradient
    compared = (f"So the estimate is ${result(estimate)}$; backprop's $z \\cdot \\delta$ gives "
                f"${result(gradient)}$.")
    if trace.loss_name == "article":
        return (f"{compared} With the article's sign, z · δ is minus the slope of J: that is why "
                "its step climbs the error.")
    if gradient == estimate:
        return f"{compared} They agree exactly: backprop's gradient is the slope of J."
    digits = max(0, math.floor(-math.log10(abs(estimate - gradient) / max(abs(gradient),
                                                                          ZERO))))
    agree = "10 significant figures or more" if digits >= 10 else f"{digits} significant figures"
    return f"{compared} They agree to {agree}, a check on backprop that needs no calculus."


def prediction_question(setting: Setting) -> Question:
    """Ask what the network predicts (at D0) for the same sample after one step.

    A step that moves the prediction by less than 1 % is asked as the change instead.
    """
    setting = one_sample(setting, "for a prediction")
    trace = setting.trace()
    after = setting.net.copy()
    after.weights = trace.new_weights
    replay = after.step(setting.x, setting.y, setting.lr)
    updates = [c for c in computations(trace, "update")
               if c.kind == "update" and c.value != trace.links[c.name].old]
    before, now = trace.outputs[0, 0], trace.outputs_after[0, 0]
    whole = moves(before, now)
    shift = 0.0 if whole else before
    ask = ("After one step, what does the network predict at $D_{0}$ for the same input?"
           if whole else "After one step, by how much does the prediction at $D_{0}$ for the "
           "same input change? Give the new prediction minus the old one.")
    return built_question(
        setting, ask, now - shift,
        ["Compute every delta, then every new weight w - alpha * gradient.",
         "Links whose source activation is 0 keep their weight.",
         "Then run the forward pass again with the new weights."],
        [*prose.every_factor(trace, computations(trace, "deltas")), *updates,
         *computations(replay, "forward")],
        f"So the prediction moves from ${latex_result(before)}$ to "
        f"${result(now)}$ (the target is ${latex_result(trace.targets[0, 0])}$).",
        [*slipped(setting, lambda slipped: predicted(setting, slipped.new_weights) - shift),
         diagnosis("prediction_unchanged", before - shift)],
        given=prose.outputs_given(trace))


BUILDERS: dict[str, Callable[[Setting], Question]] = {
    "forward": forward_question,
    "delta": delta_question,
    "new weight": new_weight_question,
    "prediction": prediction_question,
    "up or down": direction_question,
    "finite difference": finite_difference_question,
}
"""Every kind of question, by name."""
_ONE_SAMPLE_KINDS = ("forward", "delta", "prediction")
_ACTIVATIONS_DRAWN = ("identity", "tanh", "sigmoid")


def random_question(seed: int, kind: str | None = None) -> Question:
    """A question of ``kind`` (or any kind) with settings, unit or link drawn from ``seed``.

    The settings vary too: linear, tanh or sigmoid hidden units; now and then the article's
    sign, a second output (two paths back to each hidden unit) or the whole batch.
    """
    if kind is not None and (not isinstance(kind, str) or kind not in BUILDERS):
        raise BpkitError(f"unknown question kind {kind!r:.40}: expected one of "
                         f"{', '.join(map(repr, BUILDERS))}, or None for any")
    rng = random.Random(checked_seed(seed))
    setting_seed = rng.randrange(2**31)
    kind = kind or rng.choice(list(BUILDERS))
    signed = kind in ("delta", "new weight", "prediction", "up or down")
    drawn = {"loss": "article" if signed and rng.random() < 0.25 else "squared",
             "activation": rng.choice(_ACTIVATIONS_DRAWN),
             "outputs": 2 if rng.random() < 1 / 3 else 1,
             "batch": kind not in _ONE_SAMPLE_KINDS and rng.random() < 1 / 3}
    setting = random_setting(setting_seed, **drawn)
    for _ in range(_REDRAWS):  # a step too small to see is drawn again (weights, sample, alpha)
        if _visible_step(setting, kind):
            break
        setting = random_setting(rng.randrange(2**31), **drawn)
    hidden, output = (naming.target_names(setting.net.sizes, layer) for layer in (1, 2))
    if kind == "forward":
        return forward_question(setting, rng.choice(hidden + output))
    if kind == "delta":
        return delta_question(setting, rng.choice(output + hidden))
    if kind == "prediction":
        return prediction_question(setting)
    return BUILDERS[kind](setting, _drawn_link(setting, rng, kind))


_REDRAWS = 20
"""How often ``random_question`` draws a setting again when its step is too small to see."""


def _visible_step(setting: Setting, kind: str) -> bool:
    """True unless a new-weight or prediction question's step would move it by under 1 %."""
    trace = setting.trace()
    if kind == "new weight":
        return any(moves(link.old, link.new) for link in trace.links.values())
    if kind == "prediction":
        return moves(trace.outputs[0, 0], trace.outputs_after[0, 0])
    return True


def _drawn_link(setting: Setting, rng: random.Random, kind: str) -> str:
    """A link drawn at random whose weight moves (by 1 % for a new weight, clearly for a slope).

    A layer is drawn first, then a link into it; a layer with no such link gives way to another.
    """
    trace = setting.trace()
    smallest = 1e-3 if kind == "finite difference" else ZERO

    def fit(link: object) -> bool:
        if kind == "new weight":
            return moves(link.old, link.new)
        return abs(link.gradient) > smallest

    layers = list(range(len(setting.net.weights)))
    rng.shuffle(layers)
    for layer in layers:
        moving = [link for link in trace.links.values() if link.layer == layer and fit(link)]
        if moving:
            return rng.choice(moving).name
    return max(trace.links.values(), key=lambda link: abs(link.gradient)).name
