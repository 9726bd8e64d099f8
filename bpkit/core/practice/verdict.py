"""The one verdict every piece of practice gives: a typed answer, a backward rule, a backprop."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bpkit.core.errors import BpkitError


class CheckFailedError(AssertionError):
    """A check that failed, raised by ``Verdict.assert_correct`` for a grader (nbgrader).

    A notebook shows only its message, without a traceback: IPython calls
    ``_render_traceback_`` instead of printing the stack.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\u2718 {self}"]


@dataclass(frozen=True)
class Verdict:
    """Right or not, the mistakes that explain a wrong answer, and what to tell the learner."""

    correct: bool
    message: str
    mistakes: tuple[str, ...] = ()
    """Keys of ``practice.mistakes.MISTAKES`` (such as 'forgot_alpha' or 'not_written'), the
    likeliest first; several when different slips give the same answer."""

    def __post_init__(self) -> None:
        """Refuse a verdict that could not be shown, naming the bad field."""
        if not isinstance(self.correct, bool) or not isinstance(self.message, str):
            raise BpkitError("a Verdict needs correct (True or False) and a message (text); got "
                             f"{self.correct!r:.20} and {type(self.message).__name__}")
        mistakes = (self.mistakes,) if isinstance(self.mistakes, str) else self.mistakes
        if not isinstance(mistakes, (tuple, list)) or not all(isinstance(k, str) for k in mistakes):
            raise BpkitError("a Verdict's mistakes must be a tuple of names (text) such as "
                             f"('forgot_alpha',); got {self.mistakes!r:.60}")
        mistakes = tuple(mistakes)
        object.__setattr__(self, "mistakes", mistakes)

    @property
    def mistake(self) -> str | None:
        """The likeliest mistake's key, or None (a right answer, or one no mistake explains)."""
        return self.mistakes[0] if self.mistakes else None

    def assert_correct(self) -> Verdict:
        """Return the verdict if it is right, else raise it as ``CheckFailedError``.

        ``CheckFailedError`` is an AssertionError with the verdict's message, so a grader's
        check cell (nbgrader) scores it 0.
        """
        if not self.correct:
            raise CheckFailedError(self.message)
        return self

    def graded(self) -> Verdict:
        """The verdict, shown in a notebook; under a grader, raised unless it is right.

        nbgrader sets ``NBGRADER_EXECUTION`` while it autogrades or validates (its documented
        way for a notebook to know): there a wrong or unwritten answer raises
        ``CheckFailedError``, so the graded cell scores 0. Anywhere else the learner sees the
        verdict as the cell's output, and Run All goes on to the next cell.
        """
        return self.assert_correct() if os.environ.get("NBGRADER_EXECUTION") else self

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__


def right(message: str) -> Verdict:
    """A verdict that the answer or the code is right."""
    return Verdict(True, message)


def wrong(message: str, *mistakes: str) -> Verdict:
    """A verdict that it is not, naming the mistakes that explain it (none if nothing does)."""
    return Verdict(False, message, mistakes)


__all__ = ["CheckFailedError", "Verdict", "right", "wrong"]
