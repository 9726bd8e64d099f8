import math

import numpy as np
import pytest

from bpkit import ALPHA, XOR_X, XOR_Y, BpkitError, Network, steps
from bpkit.core.article import SIZES
from bpkit.core.exercises import (
    BUILDERS,
    NICE_RATES,
    Feedback,
    Question,
    Setting,
    delta_question,
    forward_question,
    new_weight_question,
    parse_answer,
    prediction_question,
    random_question,
    random_setting,
)

HIDDEN = np.array([[0.5, -1.0, 2.0], [1.5, 0.5, -0.5], [-1.0, 2.0, 0.5]])
OUTPUT = np.array([[0.5, 1.5, -1.0, 2.0]])


def changed_setting(sample=3, lr=0.2):
    net = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    return Setting(net, XOR_X[sample:sample + 1], XOR_Y[sample:sample + 1], lr)


def by_hand(sample=3):
    """The forward pass and deltas of changed_setting, by numpy alone (f(a) = a)."""
    x = np.array([1.0, *XOR_X[sample]])
    z_hidden = HIDDEN @ x
    h = OUTPUT[0] @ np.array([1.0, *z_hidden])
    delta_out = h - XOR_Y[sample, 0]
    delta_hidden = OUTPUT[0, 1:] * delta_out
    return x, z_hidden, h, delta_out, delta_hidden


# ----- parse_answer -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("4", 4.0), ("-4", -4.0), (" 1.4 ", 1.4), ("7/5", 1.4), ("-7/5", -1.4), ("1e-3", 0.001),
    ("+2", 2.0), (".5", 0.5), ("3.", 3.0), ("7 / 5", 1.4), ("\u22124", -4.0), ("2E2", 200.0),
    ("0", 0.0), ("-0.6", -0.6),
])
def test_parse_accepts(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("", "no answer yet"), ("   ", "no answer yet"), ("abc", "not a number"),
    ("__import__('os')", "not a number"), ("1/0", "divides by zero"),
    ("nan", "not a finite number"), ("inf", "not a finite number"),
    ("-Infinity", "not a finite number"), ("1,4", "use a dot for decimals: write 1.4"),
    ("1e999", "too large"), ("2**3", "not a number"), ("1+1", "not a number"),
    ("0x10", "not a number"), ("1_000", "not a number"), ("1" * 80, "characters long"),
    ("4 5", "not a number"), ("1e-99999", "not a number"),
])
def test_parse_rejects_with_a_clear_message(text, message):
    with pytest.raises(BpkitError, match=message):
        parse_answer(text)


def test_parse_rejects_non_text():
    with pytest.raises(BpkitError, match="must be text"):
        parse_answer(1.4)


# ----- Question.check -----------------------------------------------------------------------------
def test_check_verdicts():
    q = Question("What is 1 - 0.1 * (-4)?", 1.4)
    assert q.check("1.4") == Feedback(True, "Correct: 1.4.")
    assert q.check("7/5").correct
    assert q.check("1.4000001").correct
    assert not q.check("1.41").correct
    assert "close" in q.check("1.401").message
    assert "wrong sign" in q.check("-1.4").message
    wrong = q.check("3")
    assert not wrong.correct and "hint" in wrong.message
    bad = q.check("1,4")
    assert not bad.correct and "dot" in bad.message


def test_check_near_zero_uses_the_absolute_tolerance():
    q = Question("?", 0.0)
    assert q.check("0").correct and q.check("1e-12").correct
    assert not q.check("1e-3").correct


# ----- builders: answers equal what a fresh network computes --------------------------------------
def test_forward_question_answer():
    _, z_hidden, h, _, _ = by_hand()
    assert math.isclose(forward_question(changed_setting(), "D0").answer, h)
    assert math.isclose(forward_question(changed_setting(), "Z2").answer, z_hidden[1])
    fresh = Network(SIZES, weights=[HIDDEN, OUTPUT]).predict(XOR_X[3])[0, 0]
    assert forward_question(changed_setting()).answer == fresh


def test_delta_question_answer():
    _, _, _, delta_out, delta_hidden = by_hand()
    assert math.isclose(delta_question(changed_setting(), "D0").answer, delta_out)
    for k in range(3):
        q = delta_question(changed_setting(), f"Z{k + 1}")
        assert math.isclose(q.answer, delta_hidden[k])


@pytest.mark.parametrize("link", ["w(X0->Z1)", "w(X1->Z3)", "w(Z2->D0)", "w(Z0->D0)"])
def test_new_weight_question_answer(link):
    fresh = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    fresh.step(XOR_X[3], XOR_Y[3], 0.2)
    q = new_weight_question(changed_setting(), link)
    assert q.answer == fresh.weight(link)
    x, z_hidden, _, delta_out, delta_hidden = by_hand()
    if link == "w(X1->Z3)":
        assert math.isclose(q.answer, HIDDEN[2, 1] - 0.2 * x[1] * delta_hidden[2])
    if link == "w(Z2->D0)":
        assert math.isclose(q.answer, OUTPUT[0, 2] - 0.2 * z_hidden[1] * delta_out)


def test_prediction_question_answer_and_correct_sign():
    fresh = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    before = fresh.predict(XOR_X[3])[0, 0]
    fresh.step(XOR_X[3], XOR_Y[3], 0.02)
    q = prediction_question(changed_setting(lr=0.02))
    assert math.isclose(q.answer, fresh.predict(XOR_X[3])[0, 0])
    target = XOR_Y[3, 0]
    assert abs(q.answer - target) < abs(before - target)  # the correct sign moves towards y


def test_solution_is_built_from_the_steps_computations():
    setting = changed_setting()
    trace = setting.net.preview_step(setting.x, setting.y, setting.lr)
    q = new_weight_question(setting, "w(Z2->D0)")
    for kind in ("gradient", "update"):
        line = steps.explain(trace, "update", "w(Z2->D0)", kind=kind).substituted
        rhs = line.split("= ", 1)[1]
        assert rhs in q.solution
    assert steps.explain(trace, "deltas", "D0").formula.split(" = ", 1)[1] in q.solution
    assert q.solution.startswith("$$") and r"\begin{aligned}" in q.solution


def test_prompt_shows_the_changed_numbers():
    q = forward_question(changed_setting(lr=0.2))
    assert r"\alpha = 0.2" in q.prompt
    assert "$(-1)$" in q.prompt and "$1.5$" in q.prompt
    assert "<table>" in q.prompt


def test_builders_leave_the_setting_alone():
    setting = changed_setting()
    before = setting.net.weights
    for build in BUILDERS.values():
        build(setting)
    assert all(np.array_equal(a, b) for a, b in zip(before, setting.net.weights))


def test_bad_unit_or_link():
    with pytest.raises(BpkitError, match="Z1, Z2, Z3, D0"):
        forward_question(changed_setting(), "X1")
    with pytest.raises(BpkitError, match="no link named"):
        new_weight_question(changed_setting(), "w(X0->D0)")
    with pytest.raises(BpkitError, match="unknown question kind"):
        random_question(0, "essay")


# ----- seeded variants ----------------------------------------------------------------------------
def test_random_setting_differs_from_the_article():
    for seed in range(20):
        setting = random_setting(seed)
        weights = np.concatenate([w.ravel() for w in setting.net.weights])
        assert not np.any(weights == 1.0)
        assert setting.lr != ALPHA and setting.lr in NICE_RATES
        assert setting.net.loss_name == "squared"
        assert any(np.array_equal(setting.x[0], row) for row in XOR_X)


def test_seeded_questions_repeat_and_vary():
    first = random_question(7)
    again = random_question(7)
    assert (first.prompt, first.answer) == (again.prompt, again.answer)
    prompts = {random_question(seed).prompt for seed in range(10)}
    assert len(prompts) == 10


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_every_kind_accepts_its_own_answer(kind):
    for seed in range(5):
        q = random_question(seed, kind)
        assert q.check(repr(q.answer)).correct
        assert q.check(f"{q.answer:.4g}").correct  # 4 significant figures pass
        assert len(q.hints) == 3 and q.solution


def test_tanh_setting_question():
    setting = random_setting(3, activation="tanh")
    q = forward_question(setting, "Z1")
    trace = setting.net.preview_step(setting.x, setting.y, setting.lr)
    assert q.answer == trace.units["Z1"].z[0]
    assert r"\tanh" in q.solution


