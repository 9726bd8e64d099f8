"""Predict, then reveal: questions with answers bpkit computes, for settings the article never used.

A learner types a number (or a direction: up, down, same); ``parse_answer`` and
``parse_direction`` read it without ever evaluating text (a regex, then ``float`` or
``fractions.Fraction``). Each question builder changes the article's weights, samples and alpha
(drawn from a seed), runs bpkit, and takes the answer and the worked solution from that run.

A wrong answer that a known misconception produces is recognised and named: bpkit replays the
step with that one slip (the article's sign, a forgotten f'(a), the sum over a batch instead of
the mean, ...) on the question's own settings, and the feedback says what the learner probably
did and the idea that fixes it.
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

from bpkit.core import functions, naming, validate
from bpkit.core.article import CONVENTIONS, SIZES, XOR_X, XOR_Y
from bpkit.core.computations import Computation, aligned, computations, explain, latex_result
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number, number
from bpkit.core.network import Network, checked_network, with_bias
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
    **dict.fromkeys((0x2212, 0x2012, 0x2013), "-"),  # minus signs and dashes
    **dict.fromkeys((0x2044, 0x2215), "/"),  # fraction slash, division slash
    **dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF), None),  # invisible characters
}
"""Characters that still look like number ASCII after NFKC, and what they stand for."""

_SCRIPT_FORMS = {"<super>": "superscript", "<sub>": "subscript", "<fraction>": "fraction"}
"""Compatibility forms NFKC would flatten into digits that mean something else ('2²' -> '22')."""


# ----- reading an answer ------------------------------------------------------------------------
def _refuse_script_forms(text: str, shown: str) -> None:
    """Refuse superscripts, subscripts and fraction characters, saying what to type instead."""
    for char in text:
        form = _SCRIPT_FORMS.get(unicodedata.decomposition(char).split(" ", 1)[0])
        if form == "fraction":
            raise BpkitError(f"{shown} has the fraction character {char}: type it with a slash "
                             "and plain digits, e.g. 1/2 for \u00bd")
        if form:
            raise BpkitError(f"{shown} has the {form} {char}: bpkit reads plain numbers, not "
                             "powers or indices. Work a power out and type the number (4 for "
                             "2\u00b2), or write 1e-3 for 10\u207b\u00b3")


def _plain(text: str) -> str:
    """``text`` in ASCII where it only looks different: NFKC, then minus signs and digits.

    NFKC turns full-width forms ('\uff0d0.6', '\uff13\uff0f\uff15') into ASCII; the minus
    signs, slashes and invisible characters it keeps are mapped by hand, and digits of other
    scripts become their ASCII digit.
    """
    normal = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in normal)


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


def _readable(text: object, example: str) -> tuple[str, str]:
    """The typed text as plain ASCII and as quoted for messages; refuses what cannot be read."""
    if not isinstance(text, str):
        raise BpkitError(f"the answer must be text such as {example!r}; got {_described(text)}")
    cleaned = text.strip()
    if len(cleaned) > _MAX_LENGTH:
        raise BpkitError(f"that answer is {len(cleaned)} characters long (at most "
                         f"{_MAX_LENGTH}): type one answer such as {example}")
    shown = _quoted(cleaned)
    _refuse_script_forms(cleaned, shown)
    return _plain(cleaned).strip(), shown


def parse_answer(text: str) -> float:
    """A learner's typed number: '4', '-4', ' 1.4 ', '7/5', '-7/5', '1e-3'; else a BpkitError.

    The text is NFKC-normalised, so full-width digits and signs ('\uff0d0.6', '\uff13\uff0f\uff15')
    read as their ASCII; superscripts, subscripts and fraction characters are refused (NFKC
    would read '2\u00b2' as 22). Commas are refused with what to write instead.
    """
    plain, shown = _readable(text, "1.4")
    if not plain:
        raise BpkitError(f"no answer yet: type {_EXAMPLES}")
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


DIRECTIONS = {1.0: "up", -1.0: "down", 0.0: "same"}
"""A direction question's answers, +1, -1 and 0, by the word a learner types."""
_DIRECTION_WORDS = {
    **dict.fromkeys(("up", "goes up", "rises", "rise", "increases", "increase", "higher",
                     "\u2191"), 1.0),
    **dict.fromkeys(("down", "goes down", "falls", "fall", "decreases", "decrease", "lower",
                     "\u2193"), -1.0),
    **dict.fromkeys(("same", "the same", "stays", "stays the same", "unchanged",
                     "no change"), 0.0),
}


def parse_direction(text: str) -> float:
    """A learner's typed direction: 'up' (+1), 'down' (-1) or 'same' (0); else a BpkitError.

    Case and surrounding spaces do not matter, full-width letters read as ASCII, and a few
    synonyms ('rises', 'falls', 'unchanged') are understood. Nothing is evaluated.
    """
    plain, shown = _readable(text, "up")
    words = " ".join(plain.lower().rstrip(".!").split())
    if not words:
        raise BpkitError("no answer yet: type up, down or same")
    if words in _DIRECTION_WORDS:
        return _DIRECTION_WORDS[words]
    if _DECIMAL.fullmatch(words) or _FRACTION.fullmatch(words):
        raise BpkitError(f"{shown} is a number: this question asks which way the weight moves. "
                         "Type up, down or same")
    raise BpkitError(f"{shown} is not a direction bpkit can read: type up, down or same")


# ----- misconceptions -----------------------------------------------------------------------------
MISCONCEPTIONS: dict[str, str] = {
    "article_sign": (
        "That is what the article's sign gives: \u03b4(D0) = actual \u2212 predicted = y \u2212 h. "
        "The derivative of J = \u00bd(h \u2212 y)\u00b2 gives \u03b4(D0) = h \u2212 y "
        "(predicted \u2212 actual); with the article's sign every step climbs the error."),
    "correct_sign": (
        "That is what the correct sign gives, \u03b4(D0) = h \u2212 y. This question follows the "
        "article's convention, \u03b4(D0) = y \u2212 h (actual \u2212 predicted), to show where "
        "its step goes."),
    "gradient_as_weight": (
        "That is the gradient z \u00b7 \u03b4 itself, not the new weight. The new weight starts "
        "from the old one: w \u2212 \u03b1 \u00b7 gradient."),
    "step_as_weight": (
        "That is the step \u03b1 \u00b7 gradient on its own. Subtract it from the old weight: "
        "the new weight is w \u2212 \u03b1 \u00b7 gradient."),
    "forgot_alpha": (
        "That is w \u2212 gradient: the learning rate \u03b1 is missing. Each weight moves by "
        "\u03b1 times its gradient, w \u2212 \u03b1 \u00b7 gradient."),
    "forgot_derivative": (
        "That leaves out f'(a). A delta is f'(a) times what comes back to the unit: for tanh "
        "f'(a) = 1 \u2212 z\u00b2, for sigmoid f'(a) = z(1 \u2212 z); only a linear unit has "
        "f'(a) = 1."),
    "one_path": (
        "That follows only one path back. A hidden unit's delta sums w \u00b7 \u03b4 over every "
        "link leaving it (here one to each output), then multiplies by f'(a)."),
    "updated_weights": (
        "That computes the hidden deltas from output weights that were already updated. "
        "Compute every delta from the old weights first, then change every weight together."),
    "batch_sum": (
        "That is the sum of z \u00b7 \u03b4 over the batch. J is the mean loss over the "
        "samples, so the gradient is the mean of z \u00b7 \u03b4: divide the sum by the number "
        "of samples."),
    "stray_two": (
        "That has a stray factor 2. The derivative of \u00bd(h \u2212 y)\u00b2 is h \u2212 y: "
        "the \u00bd cancels the 2 that the square brings down."),
    "missing_two": (
        "That is off by a factor 2 (a \u00bd too many). Differentiating \u00bd(h \u2212 y)\u00b2 "
        "brings down a 2 that cancels the \u00bd, so \u03b4(D0) = h \u2212 y, not "
        "\u00bd(h \u2212 y)."),
    "forgot_activation": (
        "That leaves out f: a unit's activation is z = f(a), not its weighted sum a."),
    "forgot_bias": (
        "That leaves out the bias: each weighted sum also adds the bias weight times the bias "
        "unit's activation, which is always 1 (X0 = 1, Z0 = 1)."),
    "weights_only_fall": (
        "Not every weight falls. Backprop does not \u201cpunish\u201d a unit by lowering its "
        "weights: when the gradient z \u00b7 \u03b4 is negative, w \u2212 \u03b1 \u00b7 z "
        "\u00b7 \u03b4 is larger than w, and the weight rises."),
    "article_direction": (
        "That is the way the article's sign would move it: y \u2212 h flips every delta, so "
        "every weight moves the wrong way and the error climbs. With \u03b4(D0) = h \u2212 y, "
        "a positive z \u00b7 \u03b4 moves w down and a negative one moves it up."),
    "correct_direction": (
        "That is the way the correct sign, \u03b4(D0) = h \u2212 y, would move it. This question "
        "follows the article's convention, y \u2212 h, which moves every weight the other way."),
    "weight_stays": (
        "Only a link whose source activation z or target delta \u03b4 is 0 keeps its weight. "
        "Here neither is 0, so the weight moves: the sign of z \u00b7 \u03b4 says which way."),
    "zero_gradient": (
        "Look at the gradient z \u00b7 \u03b4: one of its factors is 0 here, so "
        "w \u2212 \u03b1 \u00b7 0 = w and the weight stays."),
    "fd_over_eps": (
        "That divides by \u03b5, but w \u2212 \u03b5 and w + \u03b5 are 2\u03b5 apart: the "
        "central difference is (J(w + \u03b5) \u2212 J(w \u2212 \u03b5)) / (2\u03b5)."),
    "fd_backwards": (
        "That is J(w \u2212 \u03b5) \u2212 J(w + \u03b5), the wrong way round: the slope is the "
        "change in J going from w \u2212 \u03b5 up to w + \u03b5."),
    "fd_one_sided": (
        "That is a one-sided difference through J(w). The question asks for the central one, "
        "(J(w + \u03b5) \u2212 J(w \u2212 \u03b5)) / (2\u03b5), the more accurate of the two."),
}
"""Each misconception the feedback recognises, by key: what the learner probably did, and the
idea that fixes it (see /work/shared/teaching-conventions.md)."""


@dataclass(frozen=True)
class Diagnosis:
    """A wrong answer that one misconception produces, and the message that names it."""

    misconception: str
    """A key of ``MISCONCEPTIONS`` (or any short name, for a question made by hand)."""
    value: float
    """The answer the misconception gives (for a direction question: +1, -1 or 0)."""
    message: str

    def __post_init__(self) -> None:
        """Refuse a diagnosis that could not be matched or shown, naming the bad field."""
        if not isinstance(self.misconception, str) or not isinstance(self.message, str):
            raise BpkitError("a Diagnosis's misconception and message must be text, such as "
                             f"'forgot_alpha' and {MISCONCEPTIONS['forgot_alpha'][:20]!r}...; got "
                             f"{type(self.misconception).__name__} and "
                             f"{type(self.message).__name__}")
        object.__setattr__(self, "value", validate.real_number(
            self.value, "a Diagnosis's value (the wrong answer it recognises)"))


def _diagnosis(key: str, value: float) -> Diagnosis:
    """The diagnosis of one misconception in ``MISCONCEPTIONS``, giving ``value``."""
    return Diagnosis(key, value, MISCONCEPTIONS[key])


# ----- a question -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer, a message for the learner, and the misconception it names."""

    correct: bool
    message: str
    misconception: str | None = None


ANSWER_FORMS = ("number", "direction")
"""What a question's answer box reads: a number, or a direction (up, down or same)."""


@dataclass(frozen=True)
class Question:
    """A question with an answer, hints to reveal one by one, a worked solution, and diagnoses.

    ``diagnoses`` are the wrong answers known misconceptions produce. Only those a learner's
    answer can be told apart by are kept: each must differ from the answer and from every other
    diagnosis at the question's tolerance; the others fall back to the generic messages.
    """

    prompt: str
    """HTML with LaTeX in $...$ (shown in an HTMLMath widget)."""
    answer: float
    """The number; for a direction question +1 (up), -1 (down) or 0 (same)."""
    tolerance: float = 1e-6
    """Relative tolerance; ``abs_tolerance`` covers answers at or near 0."""
    hints: list[str] = field(default_factory=list)
    solution: str = ""
    """The worked solution: text and a LaTeX block in $$...$$."""
    abs_tolerance: float = 1e-9
    diagnoses: tuple[Diagnosis, ...] = ()
    answer_form: str = "number"
    """'number', or 'direction' for a question answered with up, down or same."""

    def __post_init__(self) -> None:
        """Refuse a question that could not be asked or checked, naming the bad field."""
        if not isinstance(self.prompt, str) or not isinstance(self.solution, str):
            raise BpkitError("a Question's prompt and solution must be text; got "
                             f"{type(self.prompt).__name__} and {type(self.solution).__name__}")
        if (isinstance(self.hints, (str, bytes)) or not isinstance(self.hints, Sequence)
                or not all(isinstance(hint, str) for hint in self.hints)):
            raise BpkitError(f"a Question's hints must be a list of texts, one per hint; "
                             f"got {self.hints!r:.60}")
        if not isinstance(self.answer_form, str) or self.answer_form not in ANSWER_FORMS:
            raise BpkitError(f"a Question's answer_form must be 'number' or 'direction' (up, "
                             f"down or same); got {self.answer_form!r:.40}")
        object.__setattr__(self, "answer", validate.real_number(self.answer, "the answer"))
        if self.answer_form == "direction" and self.answer not in DIRECTIONS:
            raise BpkitError(f"a direction question's answer must be 1 (up), -1 (down) or 0 "
                             f"(same); got {self.answer!r}")
        object.__setattr__(self, "tolerance",
                           validate.positive_number(self.tolerance, "the tolerance"))
        object.__setattr__(self, "abs_tolerance",
                           validate.positive_number(self.abs_tolerance, "abs_tolerance"))
        object.__setattr__(self, "hints", list(self.hints))
        object.__setattr__(self, "diagnoses", self._told_apart(self.diagnoses))

    def _told_apart(self, diagnoses: object) -> tuple[Diagnosis, ...]:
        """The diagnoses that differ from the answer and from every other misconception's."""
        if (isinstance(diagnoses, (str, bytes)) or not isinstance(diagnoses, Sequence)
                or not all(isinstance(d, Diagnosis) for d in diagnoses)):
            raise BpkitError("a Question's diagnoses must be a list of Diagnosis (a wrong "
                             f"answer and its message); got {diagnoses!r:.60}")
        wrong = [d for d in diagnoses if self._apart(d.value, self.answer)]
        kept: list[Diagnosis] = []
        for diagnosis in wrong:
            clashes = any(other.misconception != diagnosis.misconception
                          and not self._apart(diagnosis.value, other.value) for other in wrong)
            repeated = any(not self._apart(diagnosis.value, other.value) for other in kept)
            if not clashes and not repeated:
                kept.append(diagnosis)
        return tuple(kept)

    def _apart(self, first: float, second: float) -> bool:
        """True if no typed answer is within the tolerance of both values."""
        if self.answer_form == "direction":
            return first != second
        return not math.isclose(first, second, rel_tol=2 * self.tolerance,
                                abs_tol=2 * self.abs_tolerance)

    def _near(self, value: float, target: float) -> bool:
        """True if ``value`` is ``target`` within the question's tolerances."""
        if self.answer_form == "direction":
            return value == target
        return math.isclose(value, target, rel_tol=self.tolerance, abs_tol=self.abs_tolerance)

    def is_close(self, value: float) -> bool:
        """True if ``value`` is the answer within the question's tolerances."""
        value = validate.real_number(value, "the value to compare with the answer")
        return self._near(value, self.answer)

    def _read(self, text: str) -> float:
        """The typed answer as a number (a direction as +1, -1 or 0)."""
        return parse_direction(text) if self.answer_form == "direction" else parse_answer(text)

    def _shown(self, value: float) -> str:
        """An answer as the learner writes it: a number, or up / down / same."""
        return DIRECTIONS[value] if self.answer_form == "direction" else number(value, 6)

    def check(self, text: str) -> Feedback:
        """The verdict on a typed answer; unreadable text gets a message, never an exception."""
        try:
            value = self._read(text)
        except BpkitError as err:
            return Feedback(False, str(err))
        if self._near(value, self.answer):
            return Feedback(True, f"Correct: {self._shown(self.answer)}.")
        for diagnosis in self.diagnoses:
            if self._near(value, diagnosis.value):
                return Feedback(False, diagnosis.message, diagnosis.misconception)
        if self.answer_form == "direction":
            return Feedback(False, f"Not {self._shown(value)}. Look at the signs of z and "
                                   "\u03b4, or take a hint.")
        if self.answer != 0 and self._near(-value, self.answer):
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
    """A changed version of the article's step: the network, its samples and alpha."""

    net: Network
    x: np.ndarray
    """The samples' inputs (X1, X2), shape (n, n_inputs): one sample, or a batch."""
    y: np.ndarray
    """Their targets, shape (n, n_outputs)."""
    lr: float

    def __post_init__(self) -> None:
        """Refuse a setting a question could not be built on, naming the bad field."""
        net = checked_network(self.net)
        x = validate.as_batch(self.x, net.sizes[0], "a Setting's x (the samples' inputs)")
        y = validate.as_batch(self.y, net.sizes[-1], "a Setting's y (their targets)")
        if len(x) != len(y):
            raise BpkitError(f"a Setting needs one target row per input row: x of "
                             f"{net.sizes[0]} number(s) and y of {net.sizes[-1]} per sample; "
                             f"got {len(x)} input and {len(y)} target rows")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "lr", validate.positive_number(self.lr, "a Setting's lr"))

    @property
    def n_samples(self) -> int:
        """How many samples one step of this setting averages over."""
        return len(self.x)

    def trace(self) -> StepTrace:
        """One step from this setting, on a copy (the setting's network is left as it is)."""
        return self.net.preview_step(self.x, self.y, self.lr)


def random_setting(seed: int, loss: str = "squared", activation: str = "identity",
                   outputs: int = 1, batch: bool = False) -> Setting:
    """The article's layout with hand-friendly weights, an XOR sample and alpha drawn from ``seed``.

    ``loss="squared"`` uses the correct sign (delta(D0) = predicted - actual), ``"article"``
    the article's; ``activation`` is the hidden units' f (the output stays linear).
    ``outputs=2`` adds an output D1 whose target is 1 - XOR, so each hidden delta sums two
    paths; ``batch=True`` takes all four XOR samples instead of one.
    """
    rng = random.Random(_checked_seed(seed))
    _checked_choice(loss, "loss", tuple(CONVENTIONS), "the output delta's sign convention")
    _checked_choice(activation, "activation", tuple(functions.ACTIVATIONS),
                    "the hidden units' f")
    n_outputs = validate.whole_number(outputs, "outputs", 1, 2,
                                      "D0 alone, or D0 and D1 with target 1 - XOR")
    if not isinstance(batch, bool):
        raise BpkitError(f"batch must be True (all four XOR samples) or False (one sample); "
                         f"got {batch!r:.40}")
    net = Network((*SIZES[:-1], n_outputs), activation=activation,
                  output_activation="identity", loss=loss)
    net.weights = [np.array([[rng.choice(NICE_WEIGHTS) for _ in range(cols)]
                             for _ in range(rows)]) for rows, cols in net.weight_shapes]
    targets = np.hstack([XOR_Y, 1 - XOR_Y])[:, :n_outputs]
    sample = rng.randrange(len(XOR_X))
    rows = slice(None) if batch else slice(sample, sample + 1)
    return Setting(net, XOR_X[rows], targets[rows], rng.choice(NICE_RATES))


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
    return validate.instance(setting, Setting, "setting",
                             "a Setting, such as random_setting(seed)")


def _one_sample(setting: object, asks: str) -> Setting:
    """Return ``setting`` if it holds one sample; a question about one sample refuses a batch."""
    checked = checked_setting(setting)
    if checked.n_samples != 1:
        raise BpkitError(f"this question asks {asks} for one sample, and the setting holds "
                         f"{checked.n_samples}: use random_setting(seed) (batch=False), or ask "
                         "a new-weight, up-or-down or finite-difference question about a batch")
    return checked


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


_HIDDEN_UNITS = {
    "identity": "linear hidden units, $f(a) = a$",
    "tanh": r"tanh hidden units, $f(a) = \tanh(a)$",
    "sigmoid": r"sigmoid hidden units, $f(a) = 1 / (1 + e^{-a})$",
    "relu": r"relu hidden units, $f(a) = \max(0, a)$",
}
_SIGNS = {"squared": "squared error, ${delta} = {h} - {y}$ (predicted − actual)",
          "article": "the article's sign, ${delta} = {y} - {h}$ (actual − predicted)"}
"""The output delta of each sign convention, with LaTeX for delta, h and y put in."""


def _standalone(value: float, digits: int) -> str:
    """A number standing alone in LaTeX, to ``digits`` significant figures (no parentheses)."""
    text = latex_number(validate.real_number(value, "the value to write"), digits)
    return text[1:-1] if text.startswith("(") else text


def _given(value: float) -> str:
    """A number given in a prompt: 7 significant figures, so 4 survive the learner's sums."""
    return _standalone(value, 7)


def _samples_text(setting: Setting) -> str:
    """The setting's samples: one sample's input and target in words, a batch as a table."""
    inputs = setting.net.unit_names[0][1:]
    outputs = setting.net.unit_names[-1]
    if setting.n_samples == 1:
        values = ", ".join(f"${unit_latex(name)} = {latex_number(v)}$"
                           for name, v in zip(inputs, setting.x[0]))
        target = ", ".join(f"${_target(setting, name)} = {latex_number(v)}$"
                           for name, v in zip(outputs, setting.y[0]))
        return f"<p>One sample: input {values} (bias $X_0 = 1$), target {target}.</p>"
    header = "".join(f"<th>${unit_latex(n)}$</th>" for n in inputs)
    header += "".join(f"<th>${_target(setting, n)}$</th>" for n in outputs)
    rows = "".join("<tr><td>" + "</td><td>".join(f"${latex_number(v)}$" for v in (*x, *y))
                   + "</td></tr>" for x, y in zip(setting.x, setting.y))
    return (f"<p>One step on the whole batch of {setting.n_samples} samples (bias $X_0 = 1$ "
            f"in each), J the mean loss over them:</p><table><tr>{header}</tr>{rows}</table>")


def _target(setting: Setting, output: str) -> str:
    """The target's symbol as the solutions write it: y, or y_k for output Dk of several."""
    return "y" if setting.net.sizes[-1] == 1 else f"y_{{{output.removeprefix('D')}}}"


def _describe(setting: Setting) -> str:
    """The setting in words: activation, loss convention, alpha, samples, targets, weights."""
    net = setting.net
    hidden = _HIDDEN_UNITS.get(net.activations[0], f"{net.activations[0]} hidden units")
    symbols = ({"delta": r"\delta_{D_{0}}", "h": "h", "y": "y"} if net.sizes[-1] == 1 else
               {"delta": r"\delta_{D_{k}}", "h": "h_{k}", "y": "y_{k}"})
    sign = _SIGNS[net.loss_name].format(**symbols) if net.loss_name in _SIGNS else (
        f"loss {net.loss_name}")
    second = (", and a second output $D_{1}$ whose target is 1 − XOR"
              if net.sizes[-1] == 2 else "")
    return (f"<p>The article's network with {hidden}{second}; {sign}; learning rate "
            f"$\\alpha = {latex_number(setting.lr)}$.</p>{_samples_text(setting)}"
            f"<p>Weights $w$ (rows: the unit a link goes into; columns: where it comes "
            f"from):</p>{weights_table(net)}")


SIGNIFICANT_FIGURES = 4
"""How many significant figures a built question asks for."""
ANSWER_TOLERANCE = 5e-4
"""Relative tolerance of the built questions, for 4 significant figures: the answer rounded to
4 figures always passes (its error is at most half a unit in the 4th figure), while one 0.1 %
off does not, nor a rougher 0.0071 for 0.0071996."""
ASK_DIGITS = (f"Give {SIGNIFICANT_FIGURES} significant figures (more is fine; a fraction such "
              "as 7/5 works too).")
ASK_DIRECTION = "Type up, down or same."
_ZERO = 1e-12
"""Built questions' absolute tolerance: only float noise around an answer of exactly 0."""


def _question(setting: Setting, ask: str, answer: float, hints: list[str],
              lines: list[Computation], conclusion: str,
              diagnoses: Sequence[Diagnosis] = (), given: str = "") -> Question:
    """A built question: the setting, what to find, hints, diagnoses and the worked solution."""
    return Question(
        prompt=f"{_describe(setting)}{given}<p><b>{ask}</b> {ASK_DIGITS}</p>",
        answer=float(answer),
        tolerance=ANSWER_TOLERANCE,
        abs_tolerance=_ZERO,
        hints=hints,
        solution=f"$$\n{aligned(lines)}\n$$\n\n<p>{conclusion}</p>",
        diagnoses=tuple(diagnoses),
    )


def _formula_hint(computation: Computation) -> str:
    """A hint that shows the general formula of one computation."""
    return f"The formula: ${computation.formula}$"


def _result(value: float) -> str:
    """A question's answer in its conclusion: 6 significant figures, more than it asks for."""
    return _standalone(value, 6)


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


# ----- every factor in a solution -----------------------------------------------------------------
_DERIVATIVE_FORMS: dict[str, tuple[str, Callable[[str], str]]] = {
    "tanh": (r"1 - \tanh^{2}{\left(a_{⟦u⟧} \right)} = 1 - z_{⟦u⟧}^{2}",
             lambda z: rf"1 - {z}^{{2}}"),
    "sigmoid": (r"\sigma\left(a_{⟦u⟧}\right) \left(1 - \sigma\left(a_{⟦u⟧}\right)\right) "
                r"= z_{⟦u⟧} \left(1 - z_{⟦u⟧}\right)",
                lambda z: rf"{z} \left(1 - {z}\right)"),
}
"""f'(a) written with a and beside it with z, and the z form with a number put in."""


def _derivative_line(trace: StepTrace, unit: str, activation: str) -> Computation:
    """f'(a) of a hidden unit as its own line: the a form, the z form, the number."""
    found = trace.units[unit]
    value = float(functions.activation(activation).df(found.a[:1])[0])
    z = latex_number(float(found.z[0]), 7)
    name = unit_latex(unit)
    lhs = f"f'\\left(a_{{{name}}}\\right)"
    form, with_z = _DERIVATIVE_FORMS.get(
        activation, (f"\\text{{{activation}}}'(a_{{⟦u⟧}})", lambda _: latex_number(value)))
    return Computation(
        "deltas", "derivative", unit, f"{lhs} = {form.replace('⟦u⟧', name)}",
        f"{lhs} = {with_z(z)} = {latex_result(value)}", value)


def _every_factor(trace: StepTrace, lines: list[Computation]) -> list[Computation]:
    """``lines`` with each curved hidden unit's a, z and f'(a) shown before its delta."""
    shown = {(line.name, line.kind) for line in lines}
    complete = []
    for line in lines:
        if line.kind == "delta" and trace.units[line.name].kind == "hidden":
            activation = trace.activations[trace.units[line.name].layer - 1]
            if activation != "identity":
                complete += [explain(trace, "forward", line.name, kind=kind)
                             for kind in ("weighted sum", "activation")
                             if (line.name, kind) not in shown]
                complete.append(_derivative_line(trace, line.name, activation))
        complete.append(line)
    return complete


# ----- a learner's slips, replayed ----------------------------------------------------------------
@dataclass(frozen=True)
class _Slip:
    """One way a learner's step differs from backprop's (every field at its default: none)."""

    sign: float = 1.0
    """Times the output delta: -1 takes the other sign convention."""
    scale: float = 1.0
    """Times the output delta: 2 for a stray factor 2, 0.5 for a missing one."""
    derivative: bool = True
    """False: f'(a) left out of every delta."""
    path: int | None = None
    """The last hidden layer's deltas from the link to this output only (one path of the sum)."""
    updated: bool = False
    """Hidden deltas from the next layer's weights after their update (update order)."""
    batch_sum: bool = False
    """The gradient summed over the batch instead of averaged."""
    alpha: bool = True
    """False: w - gradient, the learning rate left out."""


@dataclass(frozen=True)
class _Replay:
    """The numbers of one step done with a slip: deltas and new weights, per layer."""

    deltas: list[np.ndarray]
    new_weights: list[np.ndarray]


def _replay(setting: Setting, slip: _Slip) -> _Replay:
    """The step of ``setting`` as a learner with ``slip`` computes it (no slip: backprop's)."""
    net = setting.net
    weights = net.weights
    a, z = net.forward(with_bias(setting.x))
    h, y = z[-1], setting.y
    if slip.derivative:
        first = functions.output_layer(net.activations[-1], net.loss_name).delta(a[-1], h, y)
    else:
        first = functions.loss(net.loss_name).d_dh(h, y)
    deltas = [np.broadcast_to(slip.sign * slip.scale * first, h.shape)]
    new_weights = list(weights)
    rate = setting.lr if slip.alpha else 1.0
    for layer in range(len(weights) - 1, -1, -1):
        gradient = np.dot(deltas[0].T, z[layer]) / (1 if slip.batch_sum else len(h))
        new_weights[layer] = weights[layer] - rate * gradient
        if layer == 0:
            break
        coming_back = deltas[0]
        if slip.path is not None and layer == len(weights) - 1:  # the paths to the outputs
            coming_back = np.where(np.arange(coming_back.shape[1]) == slip.path, coming_back, 0)
        outgoing = new_weights[layer] if slip.updated else weights[layer]
        from_next = np.dot(coming_back, outgoing[:, 1:])
        f = functions.activation(net.activations[layer - 1])
        deltas.insert(0, f.df(a[layer - 1]) * from_next if slip.derivative else from_next)
    return _Replay(deltas, new_weights)


def _slips(setting: Setting) -> list[tuple[str, _Slip]]:
    """Every slip the feedback recognises, by misconception, for this setting's network."""
    sign = "correct_sign" if setting.net.loss_name == "article" else "article_sign"
    halves = ([("stray_two", _Slip(scale=2.0)), ("missing_two", _Slip(scale=0.5))]
              if setting.net.loss_name in CONVENTIONS else [])  # the 1/2 of 1/2 (h - y)^2
    paths = [("one_path", _Slip(path=p)) for p in range(setting.net.sizes[-1])
             if setting.net.sizes[-1] > 1]
    return [(sign, _Slip(sign=-1.0)), *halves, ("forgot_derivative", _Slip(derivative=False)),
            *paths, ("updated_weights", _Slip(updated=True)),
            ("batch_sum", _Slip(batch_sum=True)), ("forgot_alpha", _Slip(alpha=False))]


def _slipped(setting: Setting, value_of: Callable[[_Replay], float]) -> list[Diagnosis]:
    """Each misconception's wrong answer: ``value_of`` the step replayed with that slip."""
    found = []
    with np.errstate(all="ignore"):
        for key, slip in _slips(setting):
            value = float(value_of(_replay(setting, slip)))
            if math.isfinite(value):
                found.append(_diagnosis(key, value))
    return found


def _position(trace: StepTrace, unit: str) -> tuple[int, int]:
    """Where a receiving unit's delta sits: (index into the deltas, column)."""
    layer = trace.units[unit].layer
    return layer - 1, naming.target_names(trace.sizes, layer).index(unit)


def _predicted(setting: Setting, weights: list[np.ndarray], output: int = 0) -> float:
    """The output the network gives its first sample with ``weights``."""
    return float(setting.net.forward(with_bias(setting.x[:1]), weights)[1][-1][0, output])


# ----- question builders ------------------------------------------------------------------------
def forward_question(setting: Setting, unit: str = "D0") -> Question:
    """Ask for the activation z of ``unit`` in the forward pass."""
    setting = _one_sample(setting, "about the forward pass")
    trace = setting.trace()
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
        needed, f"So $z_{{{unit_latex(unit)}}} = {_result(target.value)}$.",
        _forward_slips(setting, trace, unit))


def _forward_slips(setting: Setting, trace: StepTrace, unit: str) -> list[Diagnosis]:
    """Forward-pass slips: z = a (f left out), and every bias link left out."""
    net, z0 = setting.net, with_bias(setting.x)
    layer = trace.units[unit].layer
    column = net.unit_names[layer].index(unit)
    linear = Network(net.sizes, weights=net.weights)
    unbiased = [np.where(np.arange(w.shape[1]) == 0, 0.0, w) for w in net.weights]
    return [_diagnosis("forgot_activation", linear.forward(z0)[1][layer][0, column]),
            _diagnosis("forgot_bias", net.forward(z0, unbiased)[1][layer][0, column])]


def delta_question(setting: Setting, unit: str = "Z1") -> Question:
    """Ask for the delta of ``unit``; the forward pass's outputs h are given."""
    setting = _one_sample(setting, "for a delta")
    trace = setting.trace()
    target, needed = _worked_up_to(trace, unit, "deltas")
    output_delta = needed[0]
    if trace.units[unit].kind == "hidden":
        needed = [c for c in needed if trace.units[c.name].kind == "output" or c.name == unit]
    layer, column = _position(trace, unit)
    own = trace.units[output_delta.name if trace.units[unit].kind == "hidden" else unit]
    h, y = own.z[0], trace.targets[0, trace.unit_names[-1].index(own.name)]
    return _question(
        setting, f"What is $\\delta_{{{unit_latex(unit)}}}$?", target.value,
        ["Start at the output: its delta is the loss's own factor times f'(a).",
         _formula_hint(output_delta),
         f"Here $h = {_given(h)}$ and $y = {latex_result(y)}$."
         if unit == output_delta.name else
         "A hidden unit's delta is f'(a) times the sum of w times delta over its links to the "
         "next layer."],
        _every_factor(trace, needed),
        f"So $\\delta_{{{unit_latex(unit)}}} = {_result(target.value)}$.",
        _slipped(setting, lambda replay: replay.deltas[layer][0, column]),
        given=_outputs_given(trace))


def _outputs_given(trace: StepTrace) -> str:
    """The forward pass's outputs, given in a prompt so a question can start after it."""
    outputs = [name for name, unit in trace.units.items() if unit.kind == "output"]
    values = ", ".join(f"$h_{{{name.removeprefix('D')}}} = z_{{{unit_latex(name)}}} = "
                       f"{_given(trace.units[name].z[0])}$" if len(outputs) > 1 else
                       f"$h = z_{{{unit_latex(name)}}} = {_given(trace.units[name].z[0])}$"
                       for name in outputs)
    return f"<p>The forward pass gives {values}.</p>"


def _batch_given(trace: StepTrace, name: str) -> str:
    """Each sample's z at the link's source and delta at its target, for a batch question."""
    found = trace.links[name]
    source, target = unit_latex(found.source), unit_latex(found.target)
    rows = "".join(f"<tr><td>{s + 1}</td><td>${_given(z)}$</td><td>${_given(d)}$</td></tr>"
                   for s, (z, d) in enumerate(zip(found.source_z, found.target_delta)))
    return (f"<p>The forward and backward passes give, sample by sample:</p><table><tr>"
            f"<th>sample</th><th>$z_{{{source}}}$</th><th>$\\delta_{{{target}}}$</th></tr>"
            f"{rows}</table>")


def _link_lines(trace: StepTrace, name: str) -> list[Computation]:
    """The lines a link's new weight needs: its source's z, the deltas it uses, gradient, update."""
    found = trace.links[name]
    gradient = explain(trace, "update", name, kind="gradient")
    update = explain(trace, "update", name)
    if trace.n_samples > 1:
        return [gradient, update]
    source_lines = ([c for c in computations(trace, "forward") if c.name == found.source]
                    if trace.units[found.source].a is not None else [])
    delta_lines = [c for c in computations(trace, "deltas")
                   if trace.units[c.name].kind == "output" or c.name == found.target]
    return [*source_lines, *_every_factor(trace, delta_lines), gradient, update]


def _weight_latex(trace: StepTrace, name: str) -> str:
    """LaTeX for the weight on a link, such as the one of w(X0->Z1)."""
    found = trace.links[name]
    return f"w_{{{unit_latex(found.source)} \\to {unit_latex(found.target)}}}"


def _given_for_link(trace: StepTrace, name: str) -> str:
    """What a link question gives: the outputs h (one sample) or each sample's z and delta."""
    return _batch_given(trace, name) if trace.n_samples > 1 else _outputs_given(trace)


def new_weight_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask for the weight on ``link`` ('w(X0->Z1)' or 'X0->Z1') after one step.

    On a batch setting the prompt gives each sample's z and delta, and the question is about
    the mean over the batch.
    """
    trace = checked_setting(setting).trace()
    name = _link(trace, link)
    found = trace.links[name]
    weight = _weight_latex(trace, name)
    at = (found.layer, found.row, found.col)
    answer_slips = [_diagnosis("gradient_as_weight", found.gradient),
                    _diagnosis("step_as_weight", trace.lr * found.gradient)]
    mean = (" The batch gradient is the mean over the samples of z times delta."
            if trace.n_samples > 1 else "")
    return _question(
        setting, f"After one step, what is ${weight}$ (now ${latex_result(found.old)}$)?",
        found.new,
        ["The gradient of a link is the activation at its source times the delta at its "
         f"target; the new weight is w - alpha * gradient.{mean}",
         _formula_hint(explain(trace, "update", name, kind="gradient")),
         _formula_hint(explain(trace, "update", name))],
        _link_lines(trace, name),
        f"So the new ${weight} = {_result(found.new)}$.",
        [*_slipped(setting, lambda replay: replay.new_weights[at[0]][at[1:]]), *answer_slips],
        given=_given_for_link(trace, name))


def direction_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask whether the weight on ``link`` goes up, down or stays the same in one step."""
    trace = checked_setting(setting).trace()
    name = _link(trace, link)
    found = trace.links[name]
    weight = _weight_latex(trace, name)
    change = found.new - found.old
    answer = 0.0 if abs(change) <= _ZERO * max(1.0, abs(found.old)) else math.copysign(1, change)
    way = {1.0: "rises", -1.0: "falls", 0.0: "stays the same"}[answer]
    why = ("Its gradient is 0, so" if answer == 0 else
           f"Its gradient is {'negative' if answer > 0 else 'positive'}, so")
    return Question(
        prompt=(f"{_describe(setting)}{_given_for_link(trace, name)}<p><b>In one step, will "
                f"${weight}$ (now ${latex_result(found.old)}$) go up or down?</b> "
                f"{ASK_DIRECTION}</p>"),
        answer=answer,
        hints=["The step is w := w - alpha * gradient, and alpha is positive: the sign of the "
               "gradient decides which way w moves.",
               "The gradient is z at the link's source times delta at its target: look at the "
               "sign of each factor.",
               _formula_hint(explain(trace, "update", name, kind="gradient"))],
        solution=(f"$$\n{aligned(_link_lines(trace, name))}\n$$\n\n<p>{why} "
                  f"${weight}$ {way}: ${latex_result(found.old)} \\to "
                  f"{_result(found.new)}$.</p>"),
        diagnoses=_direction_slips(setting.net, answer),
        answer_form="direction",
    )


def _direction_slips(net: Network, answer: float) -> list[Diagnosis]:
    """The wrong directions, named: the other sign, 'weights only fall', a change of 0."""
    if answer == 0:
        return [_diagnosis("zero_gradient", 1.0), _diagnosis("zero_gradient", -1.0)]
    if answer > 0:
        flipped = _diagnosis("weights_only_fall", -1.0)
    else:
        flipped = _diagnosis("correct_direction" if net.loss_name == "article"
                             else "article_direction", 1.0)
    return [flipped, _diagnosis("weight_stays", 0.0)]


FINITE_STEP = 0.01
"""The finite-difference question's epsilon: J is given at w - eps, w and w + eps."""


def finite_difference_question(setting: Setting, link: str = "w(X0->Z1)") -> Question:
    """Ask for dJ/dw on ``link`` by a central difference, from J given at w - eps, w, w + eps."""
    setting = checked_setting(setting)
    trace = setting.trace()
    name = _link(trace, link)
    found = trace.links[name]
    weight = _weight_latex(trace, name)
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
        rf"{{2 \cdot {eps}}} = {_result(estimate)}", estimate)
    return _question(
        setting, f"Estimate $\\partial J / \\partial {weight}$ by the central difference.",
        estimate,
        ["The slope of J at w is about the change in J divided by the change in w.",
         r"The central difference is $(J(w + \varepsilon) - J(w - \varepsilon)) / "
         r"(2 \varepsilon)$.",
         f"Here $2 \\varepsilon = {latex_number(2 * FINITE_STEP)}$."],
        [central, explain(trace, "update", name, kind="gradient")],
        _finite_difference_conclusion(trace, name, estimate),
        [_diagnosis("fd_over_eps", (above - below) / FINITE_STEP),
         _diagnosis("fd_backwards", (below - above) / (2 * FINITE_STEP)),
         _diagnosis("fd_one_sided", (above - at) / FINITE_STEP),
         _diagnosis("fd_one_sided", (at - below) / FINITE_STEP)],
        given=given)


def _loss_with(setting: Setting, link: str, value: float) -> float:
    """J of the setting's samples with one weight set to ``value``, rounded as a prompt shows it."""
    probe = setting.net.copy()
    probe.set_weight(link, value)
    return float(number(probe.loss(setting.x, setting.y), 10))


def _finite_difference_conclusion(trace: StepTrace, name: str, estimate: float) -> str:
    """The estimate beside backprop's z * delta, and what their agreement shows."""
    gradient = trace.links[name].gradient
    compared = (f"So the estimate is ${_result(estimate)}$; backprop's $z \\cdot \\delta$ gives "
                f"${_result(gradient)}$.")
    if trace.loss_name == "article":
        return (f"{compared} With the article's sign, z · δ is minus the slope of J: that is why "
                "its step climbs the error.")
    if gradient == estimate:
        return f"{compared} They agree exactly: backprop's gradient is the slope of J."
    digits = max(0, math.floor(-math.log10(abs(estimate - gradient) / max(abs(gradient),
                                                                          _ZERO))))
    agree = "10 significant figures or more" if digits >= 10 else f"{digits} significant figures"
    return f"{compared} They agree to {agree}, a check on backprop that needs no calculus."


def prediction_question(setting: Setting) -> Question:
    """Ask what the network predicts (at D0) for the same sample after one step."""
    setting = _one_sample(setting, "for a prediction")
    trace = setting.trace()
    after = setting.net.copy()
    after.weights = trace.new_weights
    replay = after.step(setting.x, setting.y, setting.lr)
    updates = [c for c in computations(trace, "update")
               if c.kind == "update" and c.value != trace.links[c.name].old]
    before, now = trace.outputs[0, 0], trace.outputs_after[0, 0]
    return _question(
        setting,
        "After one step, what does the network predict at $D_{0}$ for the same input?",
        now,
        ["Compute every delta, then every new weight w - alpha * gradient.",
         "Links whose source activation is 0 keep their weight.",
         "Then run the forward pass again with the new weights."],
        [*_every_factor(trace, computations(trace, "deltas")), *updates,
         *computations(replay, "forward")],
        f"So the prediction moves from ${latex_result(before)}$ to "
        f"${_result(now)}$ (the target is ${latex_result(trace.targets[0, 0])}$).",
        _slipped(setting, lambda slipped: _predicted(setting, slipped.new_weights)),
        given=_outputs_given(trace))


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
    rng = random.Random(_checked_seed(seed))
    setting_seed = rng.randrange(2**31)
    kind = kind or rng.choice(list(BUILDERS))
    signed = kind in ("delta", "new weight", "prediction", "up or down")
    setting = random_setting(
        setting_seed,
        loss="article" if signed and rng.random() < 0.25 else "squared",
        activation=rng.choice(_ACTIVATIONS_DRAWN),
        outputs=2 if rng.random() < 1 / 3 else 1,
        batch=kind not in _ONE_SAMPLE_KINDS and rng.random() < 1 / 3)
    hidden, output = (naming.target_names(setting.net.sizes, layer) for layer in (1, 2))
    if kind == "forward":
        return forward_question(setting, rng.choice(hidden + output))
    if kind == "delta":
        return delta_question(setting, rng.choice(output + hidden))
    if kind == "prediction":
        return prediction_question(setting)
    return BUILDERS[kind](setting, _drawn_link(setting, rng, kind))


def _drawn_link(setting: Setting, rng: random.Random, kind: str) -> str:
    """A link into a layer drawn at random whose weight moves (a clear slope, for a difference)."""
    trace = setting.trace()
    layer = rng.randrange(len(setting.net.weights))
    links = [link for link in trace.links.values() if link.layer == layer]
    smallest = 1e-3 if kind == "finite difference" else _ZERO
    moving = [link for link in links if abs(link.gradient) > smallest]
    if not moving:
        return max(links, key=lambda link: abs(link.gradient)).name
    return rng.choice(moving).name

