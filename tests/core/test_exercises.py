import math
import re

import numpy as np
import pytest
import reference

from bpkit import ALPHA, XOR_X, XOR_Y, BpkitError, Network, steps
from bpkit.core import naming
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
    weights_table,
)
from bpkit.core.fmt import latex_number
from bpkit.core.symbolic import unit_latex

HIDDEN = np.array([[0.5, -1.0, 2.0], [1.5, 0.5, -0.5], [-1.0, 2.0, 0.5]])
OUTPUT = np.array([[0.5, 1.5, -1.0, 2.0]])


def changed_setting(sample=3, lr=0.2):
    net = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    return Setting(net, XOR_X[sample:sample + 1], XOR_Y[sample:sample + 1], lr)


def by_reference(sample=3, lr=0.2):
    """The step of changed_setting, by the scalar reference (f(a) = a, correct sign)."""
    return reference.step(SIZES, [HIDDEN, OUTPUT], XOR_X[sample], XOR_Y[sample], lr)


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
    ref = by_reference()
    for unit in ("D0", "Z2"):
        assert math.isclose(forward_question(changed_setting(), unit).answer, ref.z[unit])
    fresh = Network(SIZES, weights=[HIDDEN, OUTPUT]).predict(XOR_X[3])[0, 0]
    assert forward_question(changed_setting()).answer == fresh


def test_delta_question_answer():
    ref = by_reference()
    for unit in ("D0", "Z1", "Z2", "Z3"):
        assert math.isclose(delta_question(changed_setting(), unit).answer, ref.delta[unit])


@pytest.mark.parametrize("link", ["w(X0->Z1)", "w(X1->Z3)", "w(Z2->D0)", "w(Z0->D0)"])
def test_new_weight_question_answer(link):
    fresh = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    fresh.step(XOR_X[3], XOR_Y[3], 0.2)
    q = new_weight_question(changed_setting(), link)
    assert q.answer == fresh.weight(link)
    assert math.isclose(q.answer, by_reference().new[link])


def test_new_weight_question_takes_either_form_of_a_link_name():
    for link in ("w(X1->Z3)", "w(Z2->D0)"):
        source, target = naming.parse_link(link)
        short = new_weight_question(changed_setting(), f"{source}->{target}")
        assert short == new_weight_question(changed_setting(), link)
        assert math.isclose(short.answer, by_reference().new[link])


def test_prediction_question_answer_and_correct_sign():
    fresh = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    before = fresh.predict(XOR_X[3])[0, 0]
    fresh.step(XOR_X[3], XOR_Y[3], 0.02)
    q = prediction_question(changed_setting(lr=0.02))
    assert math.isclose(q.answer, fresh.predict(XOR_X[3])[0, 0])
    assert math.isclose(q.answer, by_reference(lr=0.02).h_after)
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
    setting = changed_setting(lr=0.2)
    q = forward_question(setting)
    assert rf"\alpha = {latex_number(setting.lr)}" in q.prompt
    for name, value in zip(("X1", "X2"), setting.x[0]):
        assert f"${unit_latex(name)} = {latex_number(value)}$" in q.prompt
    assert weights_table(setting.net) in q.prompt


def test_weights_table_has_a_row_per_receiving_unit_and_a_cell_per_weight():
    net = changed_setting().net
    table = weights_table(net)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    expected = []
    for layer, weights in enumerate(net.weights):
        expected.append("<th>into</th>" + "".join(f"<th>${unit_latex(s)}$</th>"
                                                  for s in net.unit_names[layer]))
        for row, links in zip(weights, net.link_names[layer]):
            target = unit_latex(naming.parse_link(links[0])[1])
            expected.append(f"<th>${target}$</th>"
                            + "".join(f"<td>${latex_number(w)}$</td>" for w in row))
    assert rows == expected


def test_builders_leave_the_setting_alone():
    setting = changed_setting()
    before = setting.net.weights
    for build in BUILDERS.values():
        build(setting)
    assert all(np.array_equal(a, b) for a, b in zip(before, setting.net.weights))


def test_bad_unit_or_link():
    with pytest.raises(BpkitError, match="Z1, Z2, Z3, D0"):
        forward_question(changed_setting(), "X1")
    missing = re.escape("no link named 'w(X0->D0)': links are w(X0->Z1)")
    with pytest.raises(BpkitError, match=missing):
        new_weight_question(changed_setting(), "w(X0->D0)")
    with pytest.raises(BpkitError, match="not a link name"):
        new_weight_question(changed_setting(), "X0-Z1")
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


