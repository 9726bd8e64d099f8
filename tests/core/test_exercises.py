import math
import re
from fractions import Fraction

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
    ("4 5", "not a number"), ("1e-99999", "too small"),
])
def test_parse_rejects_with_a_clear_message(text, message):
    with pytest.raises(BpkitError, match=message):
        parse_answer(text)


def test_parse_rejects_non_text():
    with pytest.raises(BpkitError, match="must be text"):
        parse_answer(1.4)


@pytest.mark.parametrize(("value", "named"), [
    (None, "got None"), (1.4, "got float 1.4"), (b"1.4", "got bytes"), (["1"], "got list"),
    (True, "got bool"), (Fraction(7, 5), "got Fraction"),
])
def test_parse_names_what_it_got_instead_of_text(value, named):
    with pytest.raises(BpkitError, match=f"must be text such as '1.4'; {re.escape(named)}"):
        parse_answer(value)


@pytest.mark.parametrize(("text", "thousand", "decimal"), [
    ("1,000", "1000", "1.0"), ("-1,000", "-1000", "-1.0"), ("12,345", "12345", "12.345"),
    ("2,500", "2500", "2.5"), ("\uff11\uff0c\uff10\uff10\uff10", "1000", "1.0"),
])
def test_parse_refuses_a_comma_before_three_digits_as_ambiguous(text, thousand, decimal):
    # '1,000' is a thousand in English and one in much of Europe: bpkit does not guess.
    with pytest.raises(BpkitError, match="ambiguous") as refused:
        parse_answer(text)
    assert f"write {thousand} or {decimal}," in str(refused.value)


@pytest.mark.parametrize(("text", "written"), [
    ("0,5", "0.5"), ("0,500", "0.500"), ("-1,5", "-1.5"), ("1,2345", "1.2345"), (",5", ".5"),
    ("3,", "3."), ("1,25", "1.25"),
])
def test_parse_tells_a_decimal_comma_to_use_a_dot(text, written):
    # Not three digits after the comma, or nothing but 0 before it: only a decimal comma fits.
    with pytest.raises(BpkitError, match=f"use a dot for decimals: write {re.escape(written)},"):
        parse_answer(text)
    assert parse_answer(written) == float(written)


@pytest.mark.parametrize(("text", "message"), [
    ("1,000,000", "has thousands commas: write 1000000 "),
    ("-1,000.5", "has thousands commas: write -1000.5 "),
    ("1.000,5", "dots for thousands and a decimal comma: write 1000.5 "),
    ("1,2,3", "no commas"), (",", "no commas"),
])
def test_parse_refuses_other_commas_saying_what_to_write(text, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        parse_answer(text)


@pytest.mark.parametrize(("text", "value"), [
    ("\u22120.5", -0.5), ("\u20130.5", -0.5), ("\uff11\uff0e\uff15", 1.5),
    ("\uff0d\uff17\uff0f\uff15", -1.4), ("\u3000 1.5\u3000", 1.5), ("\u0663", 3.0),
    ("7\u20445", 1.4), ("1.4\u200b", 1.4), ("\ufeff2", 2.0), ("1/2", 0.5), ("1 / -2", -0.5),
    ("1e-310", 1e-310), ("0e-999", 0.0),
])
def test_parse_reads_unicode_look_alikes_as_the_number_they_show(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("-", "a sign with no number"), ("+", "a sign with no number"),
    ("\u2212", "a sign with no number"), ("\u3000", "no answer yet"), ("\t\n", "no answer yet"),
    ("1e400", "too large"), ("-1e400", "too large"), ("1e-400", "too small to tell apart from 0"),
    ("\u221e", "not a finite number"), ("-NaN", "not a finite number"),
    ("\uff49\uff4e\uff46", "not a finite number"), ("2\u00b2", "not a number"),
    ("\u00bd", "not a number"), ("1/2/3", "not a number"), ("1.5/2", "not a number"),
    ("x" * 10**6, "1000000 characters long (at most 60)"), ("1\x00", "not a number"),
])
def test_parse_rejects_neighbours_naming_the_problem(text, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        parse_answer(text)


def test_parse_echoes_unprintable_text_escaped():
    with pytest.raises(BpkitError, match=re.escape("'1\\n2' is not a number")):
        parse_answer("1\n2")


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


@pytest.mark.parametrize(("typed", "message"), [
    ("1,000", "ambiguous"), (None, "must be text"), (1000, "must be text"),
    (["1000"], "must be text"), ("1e400", "too large"), ("", "no answer yet"),
    ("9" * 100, "characters long"), ("nan", "not a finite number"),
])
def test_check_refuses_unreadable_answers_with_feedback_not_an_exception(typed, message):
    q = Question("What is 10 cubed?", 1000.0)
    feedback = q.check(typed)
    assert not feedback.correct and message in feedback.message
    assert q.answer == 1000.0


def test_check_accepts_the_unambiguous_spellings_of_the_answer():
    q = Question("What is 10 cubed?", 1000.0)
    for typed in ("1000", "1e3", "\uff11\uff10\uff10\uff10", "2000/2"):
        assert q.check(typed).correct


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




@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"answer": "x"}, "the answer must be a finite number; got 'x'"),
    ({"answer": math.nan}, "the answer must be a finite number; got nan"),
    ({"answer": 10**400}, "too large for a float"),
    ({"hints": "think"}, "hints must be a list of texts"),
    ({"hints": [1]}, "hints must be a list of texts"),
    ({"hints": None}, "hints must be a list of texts"),
    ({"hints": {}}, "hints must be a list of texts"),
    ({"hints": 3}, "hints must be a list of texts"),
    ({"prompt": None}, "prompt and solution must be text"),
    ({"tolerance": 0}, "the tolerance must be a positive finite number"),
])
def test_a_question_that_could_not_be_checked_is_refused_when_it_is_made(kwargs, fragment):
    arguments = {"prompt": "What is 7/5?", "answer": 1.4, **kwargs}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Question(**arguments)


@pytest.mark.parametrize("value", ["1.4", None, math.nan, 10**400, [1.4]])
def test_is_close_refuses_what_is_not_one_finite_number(value):
    with pytest.raises(BpkitError, match="the value to compare with the answer must be"):
        Question("What is 7/5?", 1.4).is_close(value)


# ----- refused input: the setting, units, seeds and names ----------------------------------------
@pytest.mark.parametrize("build", [forward_question, delta_question, new_weight_question,
                                   prediction_question])
@pytest.mark.parametrize("setting", [None, 3, "seed", changed_setting().net])
def test_every_builder_says_what_a_setting_is(build, setting):
    with pytest.raises(BpkitError, match=re.escape(
            "setting must be a Setting, such as random_setting(seed)")):
        build(setting)


@pytest.mark.parametrize("build", [forward_question, delta_question])
@pytest.mark.parametrize(("unit", "fragment"), [
    (None, "unit must be a unit name such as 'Z1': one of Z1, Z2, Z3, D0; got None"),
    (["Z1"], "unit must be a unit name"),
    ({}, "unit must be a unit name"),
    ("Q7", "there is no unit named 'Q7': ask about one of Z1, Z2, Z3, D0"),
    ("X1", "'X1' is an input unit, which has no weighted sum or delta"),
    ("Z0", "'Z0' is a bias unit, which has no weighted sum or delta"),
])
def test_a_unit_without_a_weighted_sum_is_refused_naming_the_ones_with_one(build, unit,
                                                                          fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        build(changed_setting(), unit)


@pytest.mark.parametrize("link", [None, 1, ["w(X0->Z1)"]])
def test_a_link_that_is_not_text_is_refused(link):
    with pytest.raises(BpkitError, match="not a link name"):
        new_weight_question(changed_setting(), link)


def test_a_link_in_either_spelling_gives_the_same_question():
    assert (new_weight_question(changed_setting(), "X0->Z1")
            == new_weight_question(changed_setting(), "w(X0->Z1)"))


@pytest.mark.parametrize("make", [random_question, random_setting])
@pytest.mark.parametrize("seed", [True, -1, 1.5, "3", None, [3], b"3"])
def test_a_seed_must_be_a_whole_number_of_at_least_0(make, seed):
    with pytest.raises(BpkitError, match="seed must be a whole number of at least 0"):
        make(seed)


@pytest.mark.parametrize("make", [random_question, random_setting])
def test_any_whole_seed_of_at_least_0_works(make):
    assert make(0) is not None
    assert make(10**30) is not None


@pytest.mark.parametrize("kind", [[], ["forward"], {}, 1, "essay"])
def test_an_unknown_question_kind_lists_the_kinds(kind):
    with pytest.raises(BpkitError, match="expected one of 'forward', 'delta', 'new weight', "
                                         "'prediction', or None"):
        random_question(0, kind)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"loss": "logistic"}, "loss (the output delta's sign convention) must be one of "
                           "'article', 'squared'; got 'logistic'"),
    ({"loss": None}, "loss (the output delta's sign convention) must be one of"),
    ({"activation": ["tanh"]}, "activation (the hidden units' f) must be one of 'identity', "
                               "'sigmoid', 'tanh', 'relu'; got ['tanh']"),
    ({"activation": "softmax"}, "activation (the hidden units' f) must be one of"),
])
def test_random_setting_names_its_losses_and_activations(kwargs, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        random_setting(0, **kwargs)


def test_random_setting_takes_the_articles_sign_and_any_activation():
    assert random_setting(0, loss="article", activation="relu").net.activations == (
        "relu", "identity")


# ----- a Setting made by hand ---------------------------------------------------------------------
def test_a_setting_reads_one_sample_given_as_lists():
    setting = Setting(changed_setting().net, [1, 1], 0, 0.2)
    assert setting.x.shape == (1, 2) and setting.y.shape == (1, 1)
    assert forward_question(setting) == forward_question(changed_setting())


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("net", None, "net must be a bpkit Network"),
    ("net", "article", "net must be a bpkit Network"),
    ("x", [1, 1, 1], "a Setting's x (one sample's inputs) has shape (3,)"),
    ("x", XOR_X, "a Setting holds one sample: x of 2 number(s) and y of 1; got 4 input"),
    ("x", [math.nan, 1], "a Setting's x (one sample's inputs) contains NaN"),
    ("x", "1 1", "a Setting's x (one sample's inputs) must be numbers, not text"),
    ("y", None, "a Setting's y (its target) has a missing value (None)"),
    ("y", [1, 0], "a Setting holds one sample"),
    ("lr", 0, "a Setting's lr must be a positive finite number; got 0"),
    ("lr", True, "a Setting's lr must be a positive finite number; got True"),
])
def test_a_setting_that_no_question_could_use_is_refused_when_it_is_made(field, value,
                                                                         fragment):
    arguments = {"net": changed_setting().net, "x": [1, 1], "y": [0], "lr": 0.2, field: value}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Setting(**arguments)
