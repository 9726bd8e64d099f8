"""A question in a notebook cell: prompt, answer box, Check, Hint and Show solution buttons."""

from __future__ import annotations

import html

import ipywidgets as widgets

from bpkit.core.errors import BpkitError
from bpkit.core.practice.question import Question
from bpkit.core.practice.verdict import Verdict
from bpkit.widgets.view import WidgetView

PLACEHOLDERS = {"number": "your answer, e.g. 1.4 or -7/5", "direction": "up, down or same",
                "shape": "(rows, columns)"}
"""What the answer box suggests, by the question's answer form."""


class QuestionWidget(WidgetView):
    """A question in a notebook: prompt, answer box, Check, Hint and Show solution buttons."""

    def __init__(self, question: Question) -> None:
        if not isinstance(question, Question):
            raise BpkitError("question must be a Question, such as forward_question(setting, "
                             f"'D0') or Question('What is 7/5?', 1.4); got {question!r:.60}")
        self.question = question
        self.hints_shown = 0
        self.prompt = widgets.HTMLMath(question.prompt)
        self.answer_box = widgets.Text(placeholder=PLACEHOLDERS[question.answer_form],
                                       description="Answer:", continuous_update=False)
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.hint_button = widgets.Button(description="Hint")
        self.solution_button = widgets.Button(description="Show solution")
        self.feedback = widgets.HTML()
        self.hints_area = widgets.HTMLMath()
        self.solution_area = widgets.HTMLMath()
        self.check_button.on_click(lambda _: self.submit(self.answer_box.value))
        self.answer_box.observe(lambda change: self.submit(change["new"]), names="value")
        self.hint_button.on_click(lambda _: self.hint())
        self.solution_button.on_click(lambda _: self.reveal())
        self.widget = widgets.VBox([
            self.prompt,
            widgets.HBox([self.answer_box, self.check_button, self.hint_button,
                          self.solution_button]),
            self.feedback, self.hints_area, self.solution_area,
        ])

    def submit(self, text: str) -> Verdict:
        """Check a typed answer and show the verdict (unreadable text gets a message)."""
        feedback = self.question.check(text)
        colour = "green" if feedback.correct else "#b00020"
        mark = "&#10004;" if feedback.correct else "&#10008;"
        self.feedback.value = (f'<span style="color:{colour};font-size:1.2em">{mark} '
                               f"{html.escape(feedback.message, quote=False)}</span>")
        return feedback

    def hint(self) -> str:
        """Reveal the next hint (all shown so far stay visible); returns the new one."""
        shown = "".join(f"<li>{h}</li>" for h in self.question.hints[:self.hints_shown])
        if self.hints_shown >= len(self.question.hints):
            text = "No more hints: show the solution."
            self.hints_area.value = f"<ol>{shown}</ol><p>{text}</p>"
            return text
        text = self.question.hints[self.hints_shown]
        self.hints_shown += 1
        self.hints_area.value = f"<ol>{shown}<li>{text}</li></ol>"
        return text

    def reveal(self) -> str:
        """Show the worked solution; returns it."""
        self.solution_area.value = self.question.solution
        return self.question.solution

    def static_html(self) -> str:
        """The question's text; the answer box, hints and solution need the kernel."""
        hints = len(self.question.hints)
        return (f"<div>{self.question.prompt}</div><p>Answer box, Check, {hints} hint"
                f"{'s' if hints != 1 else ''} and Show solution appear here.</p>")

    def __repr__(self) -> str:
        return f"QuestionWidget(answer hidden, {len(self.question.hints)} hints)"
