"""A question: its answer, hints, worked solution, and the wrong answers it can name.

``Question.check`` reads what the learner typed (``practice.answers``, never evaluated) and
gives a ``Verdict``: right, a wrong answer a known mistake produces (named from the catalogue,
``practice.mistakes``; several when different slips give the same number), or what the number
tells (the wrong sign, too few figures, rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.practice.answers import (
    DIRECTIONS,
    parse_answer,
    parse_direction,
    parse_shape,
    shape_of,
    shape_value,
    shape_words,
    significant_figures,
)
from bpkit.core.practice.mistakes import MISTAKES
from bpkit.core.practice.verdict import Verdict, right, wrong

MISCONCEPTIONS: dict[str, str] = {key: entry.message for key, entry in MISTAKES.items()}
"""The catalogue's messages by key (``practice.mistakes.MISTAKES`` holds what each one is)."""


@dataclass(frozen=True)
class Diagnosis:
    """A wrong answer that one mistake produces, and the message that names it."""

    mistake: str
    """A key of ``MISTAKES`` (or any short name, for a question made by hand)."""
    value: float
    """The answer the mistake gives (for a direction question: +1, -1 or 0; for a shape
    question: its ``answers.shape_value``)."""
    message: str

    def __post_init__(self) -> None:
        """Refuse a diagnosis that could not be matched or shown, naming the bad field."""
        if not isinstance(self.mistake, str) or not isinstance(self.message, str):
            raise BpkitError("a Diagnosis's mistake and message must be text, such as "
                             f"'forgot_alpha' and {MISCONCEPTIONS['forgot_alpha'][:20]!r}...; got "
                             f"{type(self.mistake).__name__} and "
                             f"{type(self.message).__name__}")
        object.__setattr__(self, "value", validate.real_number(
            self.value, "a Diagnosis's value (the wrong answer it recognises)"))


def diagnosis(key: str, value: float) -> Diagnosis:
    """The diagnosis of the catalogue's mistake ``key``, which gives ``value``."""
    return Diagnosis(key, value, MISTAKES[key].message)


ANSWER_FORMS = ("number", "direction", "shape")
"""What a question's answer box reads: a number, a direction (up, down or same), or an array's
shape (rows and columns, such as (7, 5))."""


@dataclass(frozen=True)
class Question:
    """A question with an answer, hints to reveal one by one, a worked solution, and diagnoses.

    ``diagnoses`` are the wrong answers known mistakes produce. One the answer itself matches
    is dropped (typing the answer is never called a mistake); where a typed answer matches two
    mistakes, the learner is told both.
    """

    prompt: str
    """HTML with LaTeX in $...$ (shown in an HTMLMath widget)."""
    answer: float
    """The number; for a direction question +1 (up), -1 (down) or 0 (same); for a shape
    question ``answers.shape_value(rows, columns)``."""
    tolerance: float = 1e-6
    """Relative tolerance; ``abs_tolerance`` covers answers at or near 0."""
    hints: list[str] = field(default_factory=list)
    solution: str = ""
    """The worked solution: text and a LaTeX block in $$...$$."""
    abs_tolerance: float = 1e-9
    diagnoses: tuple[Diagnosis, ...] = ()
    answer_form: str = "number"
    """'number'; 'direction' for a question answered with up, down or same; 'shape' for one
    answered with an array's rows and columns, such as (7, 5) (checked exactly)."""
    figures: int | None = None
    """How many significant figures the prompt asks for (None: no such request)."""

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
                             f"down or same), or 'shape' (rows and columns, such as (7, 5)); "
                             f"got {self.answer_form!r:.40}")
        object.__setattr__(self, "answer", validate.real_number(self.answer, "the answer"))
        if self.answer_form == "direction" and self.answer not in DIRECTIONS:
            raise BpkitError(f"a direction question's answer must be 1 (up), -1 (down) or 0 "
                             f"(same); got {self.answer!r}")
        if self.answer_form == "shape":
            shape_of(self.answer)  # refuses a number that is no shape's
        object.__setattr__(self, "tolerance",
                           validate.positive_number(self.tolerance, "the tolerance"))
        object.__setattr__(self, "abs_tolerance",
                           validate.positive_number(self.abs_tolerance, "abs_tolerance"))
        if self.figures is not None:
            object.__setattr__(self, "figures", validate.whole_number(
                self.figures, "figures (the significant figures asked for)", 1, 17))
        object.__setattr__(self, "hints", list(self.hints))
        object.__setattr__(self, "diagnoses", self._told_apart(self.diagnoses))

    def _told_apart(self, diagnoses: object) -> tuple[Diagnosis, ...]:
        """The diagnoses apart from the answer, each mistake's value once."""
        if (isinstance(diagnoses, (str, bytes)) or not isinstance(diagnoses, Sequence)
                or not all(isinstance(d, Diagnosis) for d in diagnoses)):
            raise BpkitError("a Question's diagnoses must be a list of Diagnosis (a wrong "
                             f"answer and its message); got {diagnoses!r:.60}")
        kept: list[Diagnosis] = []
        for found in diagnoses:
            repeated = any(found.mistake == d.mistake and not self._apart(found.value, d.value)
                           for d in kept)
            if self._apart(found.value, self.answer) and not repeated:
                kept.append(found)
        return tuple(kept)

    def _apart(self, first: float, second: float) -> bool:
        """True if no typed answer is within the tolerance of both values."""
        if self.answer_form != "number":
            return first != second
        return not math.isclose(first, second, rel_tol=2 * self.tolerance,
                                abs_tol=2 * self.abs_tolerance)

    def _near(self, value: float, target: float) -> bool:
        """True if ``value`` is ``target`` within the question's tolerances."""
        if self.answer_form != "number":
            return value == target
        return math.isclose(value, target, rel_tol=self.tolerance, abs_tol=self.abs_tolerance)

    def is_close(self, value: float) -> bool:
        """True if ``value`` is the answer within the question's tolerances."""
        value = validate.real_number(value, "the value to compare with the answer")
        return self._near(value, self.answer)

    def _read(self, text: str) -> float:
        """The typed answer as a number (a direction as +1, -1 or 0, a shape by shape_value)."""
        if self.answer_form == "shape":
            return shape_value(*parse_shape(text))
        return parse_direction(text) if self.answer_form == "direction" else parse_answer(text)

    def _shown(self, value: float) -> str:
        """An answer as the learner writes it: a number, up / down / same, or (7, 5)."""
        if self.answer_form == "shape":
            return shape_words(value)
        return DIRECTIONS[value] if self.answer_form == "direction" else number(value, 6)

    def check(self, text: str) -> Verdict:
        """The verdict on a typed answer; unreadable text gets a message, never an exception."""
        try:
            value = self._read(text)
        except BpkitError as err:
            return wrong(str(err), "unreadable")
        if self._near(value, self.answer):
            return right(f"Correct: {self._shown(self.answer)}.")
        matches = [found for found in self.diagnoses if self._near(value, found.value)]
        if matches:
            return _named(matches)
        if self.answer_form == "direction":
            return wrong(f"Not {self._shown(value)}. Look at the signs of z and \u03b4, or "
                         "take a hint.")
        if self.answer_form == "shape":
            return self._shape_verdict(value)
        return self._number_verdict(text, value)

    def _shape_verdict(self, value: float) -> Verdict:
        """What a wrong shape no mistake explains still tells: whether its rows or columns fit."""
        (rows, columns), (right_rows, right_columns) = shape_of(value), shape_of(self.answer)
        part = ("its rows are right; check the columns" if rows == right_rows else
                "its columns are right; check the rows" if columns == right_columns else
                "try again")
        return wrong(f"Not {self._shown(value)}: {part}, or take a hint.")

    def _number_verdict(self, text: str, value: float) -> Verdict:
        """What a wrong number no mistake explains still tells: sign, figures, rounding."""
        if self.answer != 0 and self._near(-value, self.answer):
            return wrong(f"{number(value)} has the right size but the wrong sign.", "sign")
        figures = significant_figures(text)
        if (figures is not None and self.figures is not None and figures < self.figures
                and value == float(f"{self.answer:.{figures}g}")):
            return wrong(f"{text.strip()} is the answer rounded to {figures} significant "
                         f"figure{'s' if figures > 1 else ''}: keep more figures (give "
                         f"{self.figures}).", "too_few_figures")
        if math.isclose(value, self.answer, rel_tol=1e-2):
            return wrong(f"{number(value)} is close: check your rounding (keep more digits "
                         "until the end).", "rounding")
        return wrong(f"{number(value)} is not it. Try again, or take a hint.")


def _named(matches: list[Diagnosis]) -> Verdict:
    """The verdict on an answer some slips give: each slip once, every one named."""
    first = {d.mistake: d for d in reversed(matches)}  # each key's first diagnosis
    named = [first[key] for key in dict.fromkeys(d.mistake for d in matches)]
    if len(named) == 1:
        return wrong(named[0].message, named[0].mistake)
    listed = " ".join(f"({i}) {d.message}" for i, d in enumerate(named, start=1))
    return wrong(f"{len(named)} different slips give this number. {listed}",
                 *(d.mistake for d in named))


__all__ = ["ANSWER_FORMS", "MISCONCEPTIONS", "Diagnosis", "Question", "diagnosis"]
