"""Predict, then reveal: questions with answers bpkit computes, for settings the article never used.

A learner types a number; ``parse_answer`` reads it without ever evaluating text (a regex, then
``float`` or ``fractions.Fraction``). Each question builder changes the article's weights, sample
and alpha (drawn from a seed), runs bpkit, and takes the answer and the worked solution from that
run.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from bpkit.core import naming, steps, validate
from bpkit.core.article import CONVENTIONS, SIZES, XOR_X, XOR_Y
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number, number
from bpkit.core.functions import ACTIVATIONS
from bpkit.core.network import Network, checked_network
from bpkit.core.symbolic import unit_latex
from bpkit.core.trace import StepTrace

_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)", re.ASCII)
_NOT_FINITE = re.compile(r"[+-]?(nan|inf|infinity|\u221e)", re.IGNORECASE)
_ONE_COMMA = re.compile(r"([+-]?)(\d*),(\d*)", re.ASCII)
_THOUSANDS_COMMAS = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+)(\.\d*)?", re.ASCII)
_THOUSANDS_DOTS = re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+),(\d+)", re.ASCII)
_MAX_LENGTH = 60
_EXAMPLES = "a number such as 1.4, -4 or 7/5"

_LOOKALIKES = {
    **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},  # full-width ASCII
    0x3000: " ",  # ideographic space
    **dict.fromkeys((0x2212, 0x2012, 0x2013, 0xFE63), "-"),  # minus signs and dashes
    **dict.fromkeys((0x2044, 0x2215), "/"),  # fraction slash, division slash
    **dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF), None),  # invisible characters
}
"""Characters that look like the ASCII a number is written in, and what they stand for."""


# ----- reading an answer ------------------------------------------------------------------------
def _plain(text: str) -> str:
    """``text`` in ASCII where it only looks different: full-width forms, minus signs, digits."""
    looked_up = text.translate(_LOOKALIKES)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in looked_up)


def _comma_problem(plain: str, shown: str) -> str | None:
    """What to write instead of a number with commas in it, or None if it has no comma."""
    if "," not in plain:
        return None
    one = _ONE_COMMA.fullmatch(plain)
    if one and any(one.groups()[1:]):
        sign, whole, part = one.groups()
        if len(part) == 3 and whole and int(whole) != 0:
            decimal = f"{sign}{whole}.{part.rstrip('0') or '0'}"
            thousands = f"{sign}{int(whole + part)}"
            return (f"{shown} is ambiguous ({thousands} with a thousands comma, {decimal} with "
                    f"a decimal comma): write {thousands} or {decimal}, with a dot for decimals "
                    "and no thousands separators")
        return f"use a dot for decimals: write {plain.replace(',', '.')}, not {plain}"
    grouped = _THOUSANDS_COMMAS.fullmatch(plain)
    if grouped:
        sign, digits, fraction = grouped.groups()
        return (f"{shown} has thousands commas: write {sign}{digits.replace(',', '')}"
                f"{fraction or ''} (no thousands separators)")
    european = _THOUSANDS_DOTS.fullmatch(plain)
    if european:
        sign, digits, part = european.groups()
        return (f"{shown} uses dots for thousands and a decimal comma: write "
                f"{sign}{digits.replace('.', '')}.{part} (a dot for decimals, no separators)")
    return (f"{shown} is not a number bpkit can read: type {_EXAMPLES}, with a dot for "
            "decimals and no commas")


def _decimal_value(plain: str, shown: str) -> float:
    """The float of a text matching ``_DECIMAL``, refused if it overflows or underflows to 0."""
    value = float(plain)
    if not math.isfinite(value):
        raise BpkitError(f"{shown} is too large: floats stop near 1.8e308, and no answer "
                         "here is anywhere near that big")
    mantissa = re.split("[eE]", plain)[0]
    if value == 0 and any(digit in "123456789" for digit in mantissa):
        raise BpkitError(f"{shown} is too small to tell apart from 0 (floats stop near "
                         "1e-308): type 0 if you mean zero")
    return value


def _fraction_value(numerator: str, denominator: str, shown: str) -> float:
    """The float of numerator/denominator, refusing a division by zero."""
    if int(denominator) == 0:
        raise BpkitError(f"{shown} divides by zero, which has no value")
    return float(Fraction(int(numerator), int(denominator)))


def _quoted(text: str) -> str:
    """``text`` in single quotes for a message, with unprintable characters escaped."""
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"


def _described(value: object) -> str:
    """A non-text answer named for a message: 'None', or its type and a short repr."""
    return "None" if value is None else f"{type(value).__name__} {value!r:.30}"


def parse_answer(text: str) -> float:
    """A learner's typed number: '4', '-4', ' 1.4 ', '7/5', '-7/5', '1e-3'; else a BpkitError.

    Full-width digits and Unicode minus signs are read as their ASCII look-alikes; commas are
    refused with what to write instead (a decimal comma, or an ambiguous '1,000').
    """
    if not isinstance(text, str):
        raise BpkitError(f"the answer must be text such as '1.4'; got {_described(text)}")
    cleaned = text.strip()
    if len(cleaned) > _MAX_LENGTH:
        raise BpkitError(f"that answer is {len(cleaned)} characters long (at most "
                         f"{_MAX_LENGTH}): type one number such as 1.4, -4 or 7/5")
    plain = _plain(cleaned).strip()
    if not plain:
        raise BpkitError(f"no answer yet: type {_EXAMPLES}")
    shown = _quoted(cleaned)
    if plain in ("+", "-"):
        raise BpkitError(f"{shown} is a sign with no number after it: type {_EXAMPLES}")
    comma = _comma_problem(plain, shown)
    if comma:
        raise BpkitError(comma)
    if _NOT_FINITE.fullmatch(plain):
        raise BpkitError(f"{shown} is not a finite number: the answer is an ordinary number")
    if _DECIMAL.fullmatch(plain):
        return _decimal_value(plain, shown)
    fraction = _FRACTION.fullmatch(plain)
    if fraction:
        return _fraction_value(*fraction.groups(), shown)
    raise BpkitError(f"{shown} is not a number bpkit can read: type a number such as "
                     "1.4, -4, 7/5 or 1e-3 (a dot for decimals, no formulas)")


# ----- a question -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer, and a message for the learner."""

    correct: bool
    message: str


@dataclass(frozen=True)
class Question:
    """A question with a number for an answer, hints to reveal one by one, and a worked solution."""

    prompt: str
    """HTML with LaTeX in $...$ (shown in an HTMLMath widget)."""
    answer: float
    tolerance: float = 1e-6
    """Relative tolerance; ``abs_tolerance`` covers answers at or near 0."""
    hints: list[str] = field(default_factory=list)
    solution: str = ""
    """The worked solution: text and a LaTeX block in $$...$$."""
    abs_tolerance: float = 1e-9

    def __post_init__(self) -> None:
        """Refuse a question that could not be asked or checked, naming the bad field."""
        if not isinstance(self.prompt, str) or not isinstance(self.solution, str):
            raise BpkitError("a Question's prompt and solution must be text; got "
                             f"{type(self.prompt).__name__} and {type(self.solution).__name__}")
        if (isinstance(self.hints, (str, bytes)) or not isinstance(self.hints, Sequence)
                or not all(isinstance(hint, str) for hint in self.hints)):
            raise BpkitError(f"a Question's hints must be a list of texts, one per hint; "
                             f"got {self.hints!r:.60}")
        object.__setattr__(self, "answer", validate.real_number(self.answer, "the answer"))
        object.__setattr__(self, "tolerance",
                           validate.positive_number(self.tolerance, "the tolerance"))
        object.__setattr__(self, "abs_tolerance",
                           validate.positive_number(self.abs_tolerance, "abs_tolerance"))
        object.__setattr__(self, "hints", list(self.hints))

    def is_close(self, value: float) -> bool:
        """True if ``value`` is the answer within the question's tolerances."""
        value = validate.real_number(value, "the value to compare with the answer")
        return math.isclose(value, self.answer, rel_tol=self.tolerance,
                            abs_tol=self.abs_tolerance)

    def check(self, text: str) -> Feedback:
        """The verdict on a typed answer; unreadable text gets a message, never an exception."""
        try:
            value = parse_answer(text)
        except BpkitError as err:
            return Feedback(False, str(err))
        if self.is_close(value):
            return Feedback(True, f"Correct: {number(self.answer, 6)}.")
        if self.answer != 0 and self.is_close(-value):
            return Feedback(False, f"{number(value)} has the right size but the wrong sign.")
        if math.isclose(value, self.answer, rel_tol=1e-2):
            return Feedback(False, f"{number(value)} is close: check your rounding "
                                   "(keep more digits until the end).")
        return Feedback(False, f"{number(value)} is not it. Try again, or take a hint.")


# ----- settings the article never used ------------------------------------------------------------
NICE_WEIGHTS = (-1.0, -0.5, 0.5, 1.5, 2.0)
"""Weights a learner can multiply by hand, none of them the article's 1."""
NICE_RATES = (0.01, 0.02, 0.05)
"""Learning rates other than the article's 0.1, small enough that one step does not overshoot."""


@dataclass(frozen=True)
class Setting:
    """A changed version of the article's step: the network, one sample and alpha."""

    net: Network
    x: np.ndarray
    """One sample's inputs (X1, X2), shape (1, n_inputs)."""
    y: np.ndarray
    """Its target, shape (1, n_outputs)."""
    lr: float

    def __post_init__(self) -> None:
        """Refuse a setting a question could not be built on, naming the bad field."""
        net = checked_network(self.net)
        x = validate.as_batch(self.x, net.sizes[0], "a Setting's x (one sample's inputs)")
        y = validate.as_batch(self.y, net.sizes[-1], "a Setting's y (its target)")
        if len(x) != 1 or len(y) != 1:
            raise BpkitError(f"a Setting holds one sample: x of {net.sizes[0]} number(s) and y "
                             f"of {net.sizes[-1]}; got {len(x)} input and {len(y)} target rows")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "lr", validate.positive_number(self.lr, "a Setting's lr"))

    def trace(self) -> StepTrace:
        """One step from this setting, on a copy (the setting's network is left as it is)."""
        return self.net.preview_step(self.x, self.y, self.lr)


def random_setting(seed: int, loss: str = "squared", activation: str = "identity") -> Setting:
    """The article's layout with hand-friendly weights, an XOR sample and alpha drawn from ``seed``.

    ``loss="squared"`` uses the correct sign (delta(D0) = predicted - actual), ``"article"``
    the article's; ``activation`` is the hidden units' f (the output stays linear).
    """
    rng = random.Random(_checked_seed(seed))
    _checked_choice(loss, "loss", tuple(CONVENTIONS), "the output delta's sign convention")
    _checked_choice(activation, "activation", tuple(ACTIVATIONS), "the hidden units' f")
    net = Network(SIZES, activation=activation, output_activation="identity", loss=loss)
    net.weights = [np.array([[rng.choice(NICE_WEIGHTS) for _ in range(cols)]
                             for _ in range(rows)]) for rows, cols in net.weight_shapes]
    sample = rng.randrange(len(XOR_X))
    return Setting(net, XOR_X[sample:sample + 1], XOR_Y[sample:sample + 1],
                   rng.choice(NICE_RATES))


def _checked_seed(seed: object) -> int:
    """A seed for ``random.Random``: a whole number of at least 0 (not a bool), else raise."""
    return validate.whole_number(seed, "seed", 0, None, "it seeds the random choices")


def _checked_choice(value: object, what: str, choices: tuple[str, ...], meaning: str) -> str:
    """Return ``value`` if it is one of the ``choices`` (names), else raise listing them."""
    if not isinstance(value, str) or value not in choices:
        raise BpkitError(f"{what} ({meaning}) must be one of {', '.join(map(repr, choices))}; "
                         f"got {value!r:.40}")
    return value


def checked_setting(setting: object) -> Setting:
    """Return ``setting`` if it is a Setting, else raise naming where one comes from."""
    if not isinstance(setting, Setting):
        raise BpkitError(f"setting must be a Setting, such as random_setting(seed); got "
                         f"{type(setting).__name__} {setting!r:.40}")
    return setting


def weights_table(net: Network) -> str:
    """The weights as an HTML table: one row per receiving unit, one column per source unit."""
    rows = []
    for layer, weights in enumerate(net.weights):
        sources = net.unit_names[layer]
        header = "".join(f"<th>${unit_latex(s)}$</th>" for s in sources)
        rows.append(f"<tr><th>into</th>{header}</tr>")
        for target, row in zip(naming.target_names(net.sizes, layer + 1), weights):
            cells = "".join(f"<td>${latex_number(w)}$</td>" for w in row)
            rows.append(f"<tr><th>${unit_latex(target)}$</th>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _describe(setting: Setting) -> str:
    """The setting in words: activation, loss convention, sample, target, alpha, weights."""
    net = setting.net
    inputs = ", ".join(f"${unit_latex(name)} = {latex_number(v)}$"
                       for name, v in zip(net.unit_names[0][1:], setting.x[0]))
    targets = ", ".join(latex_number(v) for v in setting.y[0])
    sign = {"squared": "squared error, delta(D0) = predicted - actual",
            "article": "the article's sign, delta(D0) = actual - predicted"}.get(
                net.loss_name, f"loss {net.loss_name}")
    hidden = {"identity": "linear hidden units, f(a) = a"}.get(
        net.activations[0], f"{net.activations[0]} hidden units")
    return (f"<p>The article's network with {hidden}, {sign}: input {inputs} "
            f"(bias $X_0 = 1$), target "
            f"$y = {targets}$, learning rate $\\alpha = {latex_number(setting.lr)}$.</p>"
            f"<p>Weights $w$ (rows: the unit a link goes into; columns: where it comes "
            f"from):</p>{weights_table(net)}")


ANSWER_TOLERANCE = 1e-3
"""Relative tolerance of the built questions: 4 significant figures (as bpkit shows them) pass."""
ASK_DIGITS = "Give at least 4 significant figures (a fraction such as 7/5 is fine)."


def _question(setting: Setting, ask: str, answer: float, hints: list[str],
              lines: list[steps.Computation], conclusion: str) -> Question:
    """A built question: the setting, what to find, hints, and the worked lines as solution."""
    return Question(
        prompt=f"{_describe(setting)}<p><b>{ask}</b> {ASK_DIGITS}</p>",
        answer=float(answer),
        tolerance=ANSWER_TOLERANCE,
        abs_tolerance=1e-4,
        hints=hints,
        solution=f"$$\n{steps.aligned(lines)}\n$$\n\n<p>{conclusion}</p>",
    )


def _formula_hint(computation: steps.Computation) -> str:
    """A hint that shows the general formula of one computation."""
    return f"The formula: ${computation.formula}$"


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


def _worked_up_to(trace: StepTrace, unit: str,
                  phase: str) -> tuple[steps.Computation, list[steps.Computation]]:
    """The computation giving ``unit``'s value in ``phase``, and every one up to it."""
    _receiving(trace, unit)
    done = steps.computations(trace, phase)
    target = steps.explain(trace, phase, unit)
    return target, done[:done.index(target) + 1]


# ----- question builders ------------------------------------------------------------------------
def forward_question(setting: Setting, unit: str = "D0") -> Question:
    """Ask for the activation z of ``unit`` in the forward pass."""
    trace = checked_setting(setting).trace()
    target, needed = _worked_up_to(trace, unit, "forward")
    if trace.units[unit].kind == "hidden":
        needed = [c for c in needed if c.name == unit]
    last_hint = ("Work layer by layer: the hidden units first, then the output."
                 if trace.units[unit].kind == "output" else _formula_hint(needed[-1]))
    return _question(
        setting, f"Forward pass: what is $z_{{{unit_latex(unit)}}}$?", target.value,
        ["A unit's weighted sum a adds w times the activation at each link's source "
         "(the bias units X0 and Z0 are 1); its activation is z = f(a).",
         _formula_hint(needed[-2]), last_hint],
        needed, f"So $z_{{{unit_latex(unit)}}} = {steps.latex_result(target.value)}$.")


def delta_question(setting: Setting, unit: str = "Z1") -> Question:
    """Ask for the delta of ``unit``; the forward pass's output h is given."""
    trace = checked_setting(setting).trace()
    target, needed = _worked_up_to(trace, unit, "deltas")
    output_delta = needed[0]
    if trace.units[unit].kind == "hidden":
        needed = [c for c in needed if trace.units[c.name].kind == "output" or c.name == unit]
    h, y = trace.outputs[0, 0], trace.targets[0, 0]
    return _question(
        setting,
        f"The forward pass gives $h = z_{{D_{{0}}}} = {steps.latex_result(h)}$. "
        f"What is $\\delta_{{{unit_latex(unit)}}}$?",
        target.value,
        ["Start at the output: its delta is the loss's own factor times f'(a).",
         _formula_hint(output_delta),
         f"Here $h = {steps.latex_result(h)}$ and $y = {steps.latex_result(y)}$."
         if unit == output_delta.name else
         "A hidden unit's delta is f'(a) times the sum of w times delta over its links to the "
         "next layer."],
        needed, f"So $\\delta_{{{unit_latex(unit)}}} = {steps.latex_result(target.value)}$.")


def new_weight_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask for the weight on ``link`` ('w(X0->Z1)' or 'X0->Z1') after one step."""
    trace = checked_setting(setting).trace()
    name = naming.link_key(link)
    if name not in trace.links:
        raise BpkitError(f"no link named {name!r}: links are {', '.join(trace.links)}")
    found = trace.links[name]
    gradient = steps.explain(trace, "update", name, kind="gradient")
    update = steps.explain(trace, "update", name)
    source_lines = ([c for c in steps.computations(trace, "forward") if c.name == found.source]
                    if trace.units[found.source].a is not None else [])
    deltas = steps.computations(trace, "deltas")
    delta_lines = [c for c in deltas
                   if trace.units[c.name].kind == "output" or c.name == found.target]
    weight = f"w_{{{unit_latex(found.source)} \\to {unit_latex(found.target)}}}"
    return _question(
        setting, f"After one step, what is ${weight}$ (now ${steps.latex_result(found.old)}$)?",
        update.value,
        ["The gradient of a link is the activation at its source times the delta at its "
         "target; the new weight is w - alpha * gradient.",
         _formula_hint(gradient), _formula_hint(update)],
        [*source_lines, *delta_lines, gradient, update],
        f"So the new ${weight} = {steps.latex_result(update.value)}$.")


def prediction_question(setting: Setting) -> Question:
    """Ask what the network predicts for the same sample after one step."""
    trace = checked_setting(setting).trace()
    after = setting.net.copy()
    after.weights = trace.new_weights
    replay = after.step(setting.x, setting.y, setting.lr)
    updates = [c for c in steps.computations(trace, "update")
               if c.kind == "update" and c.value != trace.links[c.name].old]
    before, now = trace.outputs[0, 0], trace.outputs_after[0, 0]
    return _question(
        setting,
        f"The forward pass gives $h = {steps.latex_result(before)}$. After one step, what "
        "does the network predict for the same input?",
        now,
        ["Compute every delta, then every new weight w - alpha * gradient.",
         "Links whose source activation is 0 keep their weight.",
         "Then run the forward pass again with the new weights."],
        [*steps.computations(trace, "deltas"), *updates, *steps.computations(replay, "forward")],
        f"So the prediction moves from ${steps.latex_result(before)}$ to "
        f"${steps.latex_result(now)}$ (the target is ${steps.latex_result(trace.targets[0, 0])}$).")


BUILDERS: dict[str, Callable[[Setting], Question]] = {
    "forward": forward_question,
    "delta": delta_question,
    "new weight": new_weight_question,
    "prediction": prediction_question,
}
"""Every kind of question, by name."""


def random_question(seed: int, kind: str | None = None) -> Question:
    """A question of ``kind`` (or any kind) with settings, unit or link drawn from ``seed``."""
    if kind is not None and (not isinstance(kind, str) or kind not in BUILDERS):
        raise BpkitError(f"unknown question kind {kind!r:.40}: expected one of "
                         f"{', '.join(map(repr, BUILDERS))}, or None for any")
    rng = random.Random(_checked_seed(seed))
    setting = random_setting(rng.randrange(2**31))
    kind = kind or rng.choice(list(BUILDERS))
    hidden, output = (naming.target_names(SIZES, layer) for layer in (1, 2))
    if kind == "forward":
        return forward_question(setting, rng.choice(hidden + output))
    if kind == "delta":
        return delta_question(setting, rng.choice(output + hidden))
    if kind == "new weight":
        into_first = [link for rows in setting.net.link_names for link in rows[0]]
        return new_weight_question(setting, rng.choice(into_first))
    return prediction_question(setting)
