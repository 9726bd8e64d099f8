import html

import pytest

from bpkit import (
    ALPHA,
    XOR_X,
    XOR_Y,
    BpkitError,
    Question,
    Setting,
    article_network,
    new_weight_question,
    number,
    random_question,
)
from bpkit.widgets.questions import QuestionWidget


def test_widget_submit_never_raises():
    widget = QuestionWidget(Question("What is 7/5?", 1.4, hints=["a", "b"], solution="$$x$$"))
    assert widget.submit("7/5").correct
    assert "Correct" in widget.feedback.value
    for bad in ["", "abc", "__import__('os')", "<script>alert(1)</script>", "1/0", None]:
        feedback = widget.submit(bad)
        assert not feedback.correct
    assert "<script>" not in widget.feedback.value


def test_widget_hints_one_at_a_time_and_solution():
    widget = QuestionWidget(Question("?", 1.0, hints=["first", "second"], solution="worked"))
    assert widget.hint() == "first"
    assert "first" in widget.hints_area.value and "second" not in widget.hints_area.value
    assert widget.hint() == "second"
    assert widget.hint().startswith("No more hints")
    assert "first" in widget.hints_area.value and "second" in widget.hints_area.value
    assert widget.solution_area.value == ""
    assert widget.reveal() == "worked" == widget.solution_area.value


def test_widget_buttons_and_enter_call_the_entry_points():
    widget = QuestionWidget(random_question(1, "delta"))
    widget.answer_box.value = "nonsense"
    assert "not a number" in widget.feedback.value
    widget.answer_box.value = repr(widget.question.answer)
    assert "Correct" in widget.feedback.value
    widget.hint_button.click()
    assert widget.hints_shown == 1
    widget.solution_button.click()
    assert widget.solution_area.value == widget.question.solution
    widget.answer_box.value = "1,5"
    widget.check_button.click()
    assert "dot" in widget.feedback.value


def test_widget_displays_as_its_widget_and_its_text_hides_the_answer():
    question = Question("What is 7/5?", 1.4, hints=["a", "b"], solution="$$x$$")
    widget = QuestionWidget(question)
    bundle = widget._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        widget.widget.model_id)
    assert bundle["text/plain"] == "QuestionWidget(answer hidden, 2 hints)"
    assert "1.4" not in repr(widget)


@pytest.mark.parametrize("question", [None, "What is 7/5?", 1.4, {"prompt": "?", "answer": 1}])
def test_something_other_than_a_question_is_refused_naming_what_to_pass(question):
    with pytest.raises(BpkitError, match="question must be a Question, such as"):
        QuestionWidget(question)


@pytest.mark.parametrize("typed", ["1e400", "10**400", "nan", "-inf", "1" * 500, "1,4", "7/0",
                                   "\x00", "1.4; import os"])
def test_bad_typed_answers_replace_the_verdict_with_a_message(typed):
    widget = QuestionWidget(Question("What is 7/5?", 1.4))
    widget.answer_box.value = "7/5"
    assert "Correct" in widget.feedback.value
    widget.answer_box.value = typed  # what Enter in the text box sends
    assert "Correct" not in widget.feedback.value
    assert "&#10008;" in widget.feedback.value
    assert widget.submit(typed).message in html.unescape(widget.feedback.value)


def test_without_a_kernel_a_question_shows_its_text():
    question = Question("What is 7/5?", 1.4, hints=["Divide.", "7 / 5 = 1.4"])
    page = QuestionWidget(question)._repr_mimebundle_()["text/html"]
    assert "What is 7/5?" in page and "2 hints" in page and "Run All Cells" in page
    assert "1.4" not in page  # the answer stays hidden


def article_warm_up():
    return Setting(article_network("squared"), XOR_X[:1], XOR_Y[:1], ALPHA)


def test_the_feedback_names_the_misconception_behind_a_wrong_answer():
    widget = QuestionWidget(new_weight_question(article_warm_up(), "w(X0->Z1)"))
    wrong = next(d for d in widget.question.diagnoses if d.mistake == "article_sign")
    widget.answer_box.value = number(wrong.value)
    shown = html.unescape(widget.feedback.value)
    assert wrong.message in shown and "&#10008;" in widget.feedback.value
    widget.answer_box.value = "\uff0d0.6"  # a full-width minus: not the answer, -0.6
    assert "wrong sign" in html.unescape(widget.feedback.value)
    widget.answer_box.value = "\uff10\uff0e\uff16"  # full-width 0.6
    assert "Correct" in widget.feedback.value


def test_a_direction_question_takes_words_in_its_box():
    question = random_question(3, "up or down")
    widget = QuestionWidget(question)
    assert widget.answer_box.placeholder == "up, down or same"
    right = {1.0: "up", -1.0: "down", 0.0: "same"}[question.answer]
    widget.hint()
    for typed in ("0.6", "__import__('os')", "sideways", "2\u00b2"):
        assert not widget.submit(typed).correct
        assert widget.hints_shown == 1  # a refused answer changes nothing else
    widget.answer_box.value = right.upper()
    assert "Correct" in widget.feedback.value
    assert QuestionWidget(random_question(3, "delta")).answer_box.placeholder.startswith(
        "your answer")


def test_without_a_kernel_a_built_question_shows_its_prompt_but_not_its_answer():
    for seed in range(12):
        question = random_question(seed)
        page = QuestionWidget(question)._repr_mimebundle_()["text/html"]
        assert question.prompt in page and "Run All Cells" in page
        assert question.solution not in page and "Correct" not in page
        if question.answer_form == "number":
            assert f"= {number(question.answer, 6)}$" not in page
