import math
import re
from fractions import Fraction

import numpy as np
import pytest
import reference

from bpkit import (
    ALPHA,
    ANSWER_TOLERANCE,
    BUILDERS,
    MISCONCEPTIONS,
    XOR_X,
    XOR_Y,
    BpkitError,
    Diagnosis,
    Network,
    Question,
    Setting,
    delta_question,
    direction_question,
    explain,
    finite_difference_gradients,
    finite_difference_question,
    forward_question,
    new_weight_question,
    parse_answer,
    parse_direction,
    prediction_question,
    random_question,
    random_setting,
)
from bpkit.core import naming
from bpkit.core.article import SIZES
from bpkit.core.fmt import latex_number
from bpkit.core.practice.builders import FINITE_STEP
from bpkit.core.practice.prose import weights_table
from bpkit.core.practice.setting import NICE_RATES
from bpkit.core.practice.verdict import Verdict
from bpkit.core.symbolic import unit_latex

HIDDEN = np.array([[0.5, -1.0, 2.0], [1.5, 0.5, -0.5], [-1.0, 2.0, 0.5]])
OUTPUT = np.array([[0.5, 1.5, -1.0, 2.0]])


def changed_setting(sample=3, lr=0.2):
    net = Network(SIZES, loss="squared", weights=[HIDDEN, OUTPUT])
    return Setting(net, XOR_X[sample:sample + 1], XOR_Y[sample:sample + 1], lr)


def typed(question, value):
    """What a learner types for ``value``: the word of a direction, or the number to 6 figures."""
    if question.answer_form == "direction":
        return {1.0: "up", -1.0: "down", 0.0: "same"}[value]
    return f"{value:.6g}"


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
    ("\uff49\uff4e\uff46", "not a finite number"), ("1/2/3", "not a number"),
    ("1.5/2", "not a number"),
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
    assert q.check("1.4") == Verdict(True, "Correct: 1.4.")
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
        line = explain(trace, "update", "w(Z2->D0)", kind=kind).substituted
        rhs = line.split("= ", 1)[1]
        assert rhs in q.solution
    assert explain(trace, "deltas", "D0").formula.split(" = ", 1)[1] in q.solution
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
        assert q.check(typed(q, q.answer)).correct
        if q.answer_form == "number":
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
@pytest.mark.parametrize("build", list(BUILDERS.values()))
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
                                         "'prediction', 'up or down', 'finite difference', "
                                         "or None"):
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
def test_a_setting_holds_a_batch_too():
    setting = Setting(changed_setting().net, XOR_X, XOR_Y, 0.2)
    assert setting.n_samples == 4 and setting.x.shape == (4, 2)
    assert setting.trace().n_samples == 4


def test_a_setting_reads_one_sample_given_as_lists():
    setting = Setting(changed_setting().net, [1, 1], 0, 0.2)
    assert setting.x.shape == (1, 2) and setting.y.shape == (1, 1)
    assert forward_question(setting) == forward_question(changed_setting())


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("net", None, "net must be a bpkit Network"),
    ("net", "article", "net must be a bpkit Network"),
    ("x", [1, 1, 1], "a Setting's x (the samples' inputs) has shape (3,)"),
    ("x", XOR_X, "a Setting needs one target row per input row: x of 2 number(s) and y of 1 "
                 "per sample; got 4 input and 1 target rows"),
    ("x", [math.nan, 1], "a Setting's x (the samples' inputs) contains NaN"),
    ("x", "1 1", "a Setting's x (the samples' inputs) must be numbers, not text"),
    ("y", None, "a Setting's y (their targets) has a missing value (None)"),
    ("y", [1, 0], "got 1 input and 2 target rows"),
    ("lr", 0, "a Setting's lr must be a positive finite number; got 0"),
    ("lr", True, "a Setting's lr must be a positive finite number; got True"),
])
def test_a_setting_that_no_question_could_use_is_refused_when_it_is_made(field, value,
                                                                         fragment):
    arguments = {"net": changed_setting().net, "x": [1, 1], "y": [0], "lr": 0.2, field: value}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Setting(**arguments)


# ----- NFKC, and characters NFKC would misread ---------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("\uff0d0.6", -0.6), ("\uff13\uff0f\uff15", 0.6), ("\uff0d\uff13\uff0f\uff15", -0.6),
    ("\ufe630.5", -0.5), ("\U0001d7cf.5", 1.5), ("0\uff0e6", 0.6), ("\u00a01.5\u00a0", 1.5),
])
def test_parse_reads_what_nfkc_makes_ascii(text, value):
    # full-width forms from a Chinese or Japanese input method, small and mathematical forms
    assert parse_answer(text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("2\u00b2", "has the superscript \u00b2"), ("10\u207b\u00b3", "has the superscript"),
    ("x\u2081", "has the subscript \u2081"), ("4\u2082", "has the subscript"),
    ("\u00bd", "has the fraction character \u00bd: type it with a slash"),
    ("2\u00bd", "has the fraction character"),
])
def test_parse_refuses_superscripts_subscripts_and_fraction_characters(text, message):
    # NFKC alone would read 2² as 22 and 2½ as 21/2
    with pytest.raises(BpkitError, match=re.escape(message)):
        parse_answer(text)


def test_a_superscript_message_says_what_to_type_instead():
    with pytest.raises(BpkitError, match="type the number \\(4 for 2\u00b2\\)"):
        parse_answer("2\u00b2")


# ----- parse_direction --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("up", 1.0), (" UP ", 1.0), ("Up.", 1.0), ("rises", 1.0), ("goes  up", 1.0), ("\u2191", 1.0),
    ("\uff55\uff50", 1.0), ("down", -1.0), ("Falls!", -1.0), ("\u2193", -1.0),
    ("same", 0.0), ("stays the same", 0.0), ("unchanged", 0.0),
])
def test_parse_direction_reads_the_words(text, value):
    assert parse_direction(text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("", "no answer yet: type up, down or same"), ("   ", "no answer yet"),
    ("0.6", "'0.6' is a number: this question asks which way the weight moves"),
    ("-7/5", "is a number"), ("sideways", "not a direction bpkit can read: type up, down"),
    ("__import__('os')", "not a direction"), ("u p", "not a direction"),
    ("up" * 40, "80 characters long"), ("up\u00b2", "superscript"),
])
def test_parse_direction_refuses_everything_else_with_a_message(text, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        parse_direction(text)


@pytest.mark.parametrize("value", [None, 1, b"up", ["up"]])
def test_parse_direction_refuses_non_text(value):
    with pytest.raises(BpkitError, match="the answer must be text such as 'up'"):
        parse_direction(value)


# ----- relative tolerance at 4 significant figures ------------------------------------------------
def numeric_questions(count=200):
    questions = (random_question(seed) for seed in range(count))
    return [q for q in questions if q.answer_form == "number"]


def test_every_prompt_says_what_form_the_answer_takes():
    for seed in range(60):
        q = random_question(seed)
        expected = ("Give 4 significant figures" if q.answer_form == "number"
                    else "Type up, down or same.")
        assert expected in q.prompt


def test_answers_inside_the_relative_tolerance_pass_and_outside_are_refused():
    questions = numeric_questions()
    assert len(questions) >= 150
    for q in (q for q in questions if q.answer != 0):
        for factor in (1 + 0.99 * ANSWER_TOLERANCE, 1 - 0.99 * ANSWER_TOLERANCE):
            assert q.check(repr(q.answer * factor)).correct, q.answer
        assert q.check(f"{q.answer:.4g}").correct
        for factor in (1 + 1.01 * ANSWER_TOLERANCE, 1 - 1.01 * ANSWER_TOLERANCE, 1.003, 1.014):
            verdict = q.check(repr(q.answer * factor))
            assert not verdict.correct, (q.answer, factor)


def test_zero_never_passes_for_a_small_answer():
    small = [q for q in numeric_questions() if 0 < abs(q.answer) < 1e-2]
    assert small  # saturated tanh and sigmoid units give tiny deltas
    for q in small:
        assert not q.check("0").correct
        assert not q.check(f"{q.answer:.1g}").correct or math.isclose(
            float(f"{q.answer:.1g}"), q.answer, rel_tol=ANSWER_TOLERANCE)


def test_the_tanh_delta_of_the_issue_needs_four_figures():
    q = delta_question(random_setting(5, activation="tanh"), "Z1")
    assert q.check(f"{q.answer:.4g}").correct and q.check(f"{q.answer:.5f}").correct
    truncated = math.floor(q.answer * 1e4) / 1e4  # 0.0071 for 0.0071996: 1.4 % off
    assert not q.check(repr(truncated)).correct
    assert not q.check(repr(q.answer * 1.003)).correct  # 0.3 % off
    assert not q.check("0").correct


def test_a_question_made_by_hand_keeps_its_own_tolerance():
    q = Question("What is 7/5?", 1.4, tolerance=1e-2)
    assert q.check("1.41").correct and not q.check("1.5").correct


# ----- misconceptions named ---------------------------------------------------------------------
QUESTION_MISTAKES = {
    "article_sign", "correct_sign", "stray_two", "missing_two", "output_as_delta",
    "forgot_derivative", "slope_of_a", "other_slope", "one_path", "weight_into_unit",
    "forgot_weight", "updated_weights", "batch_sum", "mean_over_active", "first_sample_only",
    "gradient_as_weight", "step_as_weight", "forgot_alpha", "article_alpha", "weight_unchanged",
    "prediction_unchanged", "weights_only_fall", "article_direction", "correct_direction",
    "weight_stays", "zero_gradient", "forgot_activation", "forgot_bias", "fd_over_eps",
    "fd_not_divided", "fd_backwards", "fd_one_sided"}
"""Every mistake a built question can name."""


def test_each_misconception_gets_its_own_message_on_200_random_questions():
    offered = set()
    questions = [random_question(seed) for seed in range(240)]
    for q in questions:
        messages = {}
        for diagnosis in q.diagnoses:
            verdict = q.check(typed(q, diagnosis.value))
            assert not verdict.correct
            assert diagnosis.mistake in verdict.mistakes
            for key in verdict.mistakes:  # two slips with one number: both are named
                assert MISCONCEPTIONS[key] in verdict.message
            if len(verdict.mistakes) == 1:
                messages[diagnosis.mistake] = verdict.message
            offered.update(verdict.mistakes)
        assert len(set(messages.values())) == len(messages)  # one message per misconception
    assert offered >= QUESTION_MISTAKES - {"zero_gradient"}


def test_offered_diagnoses_differ_from_the_answer_at_the_tolerance():
    for seed in range(120):
        q = random_question(seed)
        for found in q.diagnoses:
            assert not q.is_close(found.value)
            if q.answer_form == "number":
                assert not math.isclose(found.value, q.answer, rel_tol=2 * ANSWER_TOLERANCE)


def test_the_articles_step_names_each_slip_with_the_number_it_gives():
    ref = reference.article_step()
    uphill = reference.article_step(sign=-1.0)
    article = Setting(Network(SIZES, weights=1.0), XOR_X[:1], XOR_Y[:1], ALPHA)
    q = new_weight_question(article, "w(X0->Z1)")
    gradient, old = ref.gradient["w(X0->Z1)"], ref.old["w(X0->Z1)"]
    # every delta from the old weights, except that D0's links are updated first
    late_delta = ref.new["w(Z1->D0)"] * ref.delta["D0"]
    expected = {
        "article_sign": uphill.new["w(X0->Z1)"], "gradient_as_weight": gradient,
        "step_as_weight": ALPHA * gradient, "forgot_alpha": old - gradient,
        "updated_weights": old - ALPHA * ref.z["X0"] * late_delta,
        "stray_two": old - 2 * ALPHA * gradient, "missing_two": old - ALPHA * gradient / 2,
        "weight_unchanged": old,
    }
    found = {d.mistake: d.value for d in q.diagnoses}
    assert found.keys() == expected.keys()  # identity units: no f'(a) to forget, one path
    for key, value in expected.items():
        assert math.isclose(found[key], value), key
        assert q.check(typed(q, value)).mistake == key


def test_prediction_after_updating_the_output_weights_first_is_recognised():
    article = Setting(Network(SIZES, weights=1.0), XOR_X[:1], XOR_Y[:1], ALPHA)
    q = prediction_question(article)
    changes = {link: value for link, value in reference.article_step().new.items()
               if link.endswith("D0)")}
    late = changes["w(Z0->D0)"] * reference.article_step().delta["D0"]
    changes["w(X0->Z1)"] = changes["w(X0->Z2)"] = changes["w(X0->Z3)"] = 1 - ALPHA * late
    net = Network(SIZES, weights=1.0)
    for link, value in changes.items():
        net.set_weight(link, value)
    wrong = net.predict(XOR_X[0])[0, 0]
    verdict = q.check(typed(q, wrong))
    assert verdict.mistake == "updated_weights"
    uphill = reference.article_step(sign=-1.0).h_after
    assert q.check(typed(q, uphill)).mistake == "article_sign"


def test_a_forgotten_derivative_is_recognised_in_a_tanh_delta():
    setting = random_setting(5, activation="tanh")
    q = delta_question(setting, "Z1")
    trace = setting.trace()
    derivative = 1 - trace.units["Z1"].z[0] ** 2
    without = trace.units["Z1"].delta[0] / derivative
    assert q.check(typed(q, without)).mistake == "forgot_derivative"


def test_a_hidden_delta_with_two_outputs_sums_two_paths_and_one_path_is_named():
    setting = random_setting(2, activation="sigmoid", outputs=2)
    trace = setting.trace()
    weights = [w.tolist() for w in setting.net.weights]
    ref = reference.step((2, 3, 2), weights, setting.x[0], setting.y[0], setting.lr,
                         activation="sigmoid")
    q = delta_question(setting, "Z2")
    assert math.isclose(q.answer, ref.delta["Z2"])
    derivative = reference.F["sigmoid"][1](ref.a["Z2"])
    paths = [derivative * ref.old[f"w(Z2->{out})"] * ref.delta[out] for out in ("D0", "D1")]
    assert math.isclose(q.answer, sum(paths))
    offered = {d.value for d in q.diagnoses if d.mistake == "one_path"}
    assert offered and all(any(math.isclose(v, p) for p in paths) for v in offered)
    for value in offered:
        assert q.check(typed(q, value)).mistake == "one_path"
    delta_line = explain(trace, "deltas", "Z2").substituted
    assert delta_line.split("= ", 1)[1] in q.solution
    two_terms = r"\\left\([^()]*\\cdot[^()]* \+ [^()]*\\cdot[^()]*\\right\)"
    assert re.search(two_terms, delta_line)  # f'(a) times (w * delta + w * delta)


def test_a_batch_question_takes_the_mean_and_names_the_sum():
    setting = Setting(changed_setting().net, XOR_X, XOR_Y, 0.05)
    q = new_weight_question(setting, "w(X1->Z2)")
    fresh = Network(SIZES, weights=[HIDDEN, OUTPUT])
    fresh.step(XOR_X, XOR_Y, 0.05)
    assert math.isclose(q.answer, fresh.weight("w(X1->Z2)"))
    terms = [reference.step(SIZES, [HIDDEN, OUTPUT], x, y, 0.05).gradient["w(X1->Z2)"]
             for x, y in zip(XOR_X, XOR_Y)]
    old = HIDDEN[1, 1]
    assert math.isclose(q.answer, old - 0.05 * sum(terms) / 4)
    verdict = q.check(typed(q, old - 0.05 * sum(terms)))
    assert verdict.mistake == "batch_sum"
    assert "sample by sample" in q.prompt and r"\frac{1}{4}" in q.solution


@pytest.mark.parametrize("build", [forward_question, delta_question, prediction_question])
def test_one_sample_questions_refuse_a_batch_saying_what_to_ask(build):
    with pytest.raises(BpkitError, match="for one sample, and the setting holds 4"):
        build(Setting(changed_setting().net, XOR_X, XOR_Y, 0.05))


def test_stray_and_missing_factor_two_in_the_output_delta():
    q = delta_question(changed_setting(), "D0")
    ref = by_reference()
    assert q.check(typed(q, 2 * ref.delta["D0"])).mistake == "stray_two"
    assert q.check(typed(q, ref.delta["D0"] / 2)).mistake == "missing_two"
    assert q.check(typed(q, -ref.delta["D0"])).mistake == "article_sign"


def test_an_article_sign_question_names_the_correct_sign_as_the_slip():
    setting = random_setting(3, loss="article")
    q = new_weight_question(setting, "w(Z1->D0)")
    correct = new_weight_question(random_setting(3), "w(Z1->D0)").answer
    assert q.check(typed(q, correct)).mistake == "correct_sign"
    assert "article's convention" in q.check(typed(q, correct)).message


def test_forward_slips_a_for_z_and_the_bias_left_out():
    setting = random_setting(4, activation="sigmoid")
    trace = setting.trace()
    q = forward_question(setting, "Z2")
    assert q.check(typed(q, trace.units["Z2"].a[0])).mistake == "forgot_activation"
    unbiased = reference.F["sigmoid"][0](trace.units["Z2"].a[0] - setting.net.weight("X0->Z2"))
    assert q.check(typed(q, unbiased)).mistake == "forgot_bias"


def test_a_slip_that_gives_the_right_answer_is_not_offered():
    # with linear units f'(a) = 1: forgetting it changes nothing, so nothing is named
    q = delta_question(changed_setting(), "Z1")
    assert "forgot_derivative" not in {d.mistake for d in q.diagnoses}
    assert q.check(typed(q, q.answer)).correct


def test_two_slips_that_give_one_number_are_both_named_and_the_answer_is_never_a_slip():
    twins = [Diagnosis("forgot_alpha", 2.0, "first"), Diagnosis("batch_sum", 2.0001, "second"),
             Diagnosis("stray_two", 1.4000001, "the answer itself"),
             Diagnosis("step_as_weight", 0.4, "kept")]
    q = Question("What is 7/5?", 1.4, tolerance=1e-3, diagnoses=twins)
    assert [d.message for d in q.diagnoses] == ["first", "second", "kept"]
    both = q.check("2")
    assert both.mistakes == ("forgot_alpha", "batch_sum") and "(1) first (2) second" in both.message
    assert q.check("0.4") == Verdict(False, "kept", ("step_as_weight",))
    assert q.check("1.4").correct


def test_one_misconception_may_give_two_values():
    paths = [Diagnosis("one_path", 0.5, "one path"), Diagnosis("one_path", 0.9, "one path"),
             Diagnosis("one_path", 0.9, "one path")]
    q = Question("?", 1.4, tolerance=1e-3, diagnoses=paths)
    assert [d.value for d in q.diagnoses] == [0.5, 0.9]
    assert q.check("0.9").mistake == q.check("0.5").mistake == "one_path"


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"diagnoses": "forgot_alpha"}, "diagnoses must be a list of Diagnosis"),
    ({"diagnoses": [1.4]}, "diagnoses must be a list of Diagnosis"),
    ({"diagnoses": None}, "diagnoses must be a list of Diagnosis"),
    ({"answer_form": "essay"}, "answer_form must be 'number' or 'direction'"),
    ({"answer_form": None}, "answer_form must be 'number' or 'direction'"),
    ({"answer_form": "direction"}, "a direction question's answer must be 1 (up), -1 (down)"),
])
def test_a_question_with_bad_diagnoses_or_form_is_refused(kwargs, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Question("What is 7/5?", 1.4, **kwargs)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"value": "2"}, "a Diagnosis's value (the wrong answer it recognises) must be a finite"),
    ({"value": math.inf}, "must be a finite number; got inf"),
    ({"mistake": None}, "mistake and message must be text"),
    ({"message": 3}, "mistake and message must be text"),
])
def test_a_diagnosis_that_could_not_be_matched_is_refused(kwargs, fragment):
    arguments = {"mistake": "forgot_alpha", "value": 2.0, "message": "m", **kwargs}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Diagnosis(**arguments)


# ----- up or down ---------------------------------------------------------------------------------
def test_direction_question_follows_the_step():
    for seed in range(30):
        setting = random_setting(seed, activation="tanh", outputs=1 + seed % 2)
        for link in ("w(X0->Z1)", "w(Z3->D0)"):
            q = direction_question(setting, link)
            fresh = setting.net.copy()
            before = fresh.weight(link)
            fresh.step(setting.x, setting.y, setting.lr)
            assert q.answer == float(np.sign(fresh.weight(link) - before))
            assert q.answer_form == "direction"


def test_a_weight_that_rises_names_the_punishing_misconception():
    rising = next(q for q in (random_question(seed, "up or down") for seed in range(50))
                  if q.answer == 1.0 and "article's sign" not in q.prompt)
    assert rising.check("up").correct and rising.check(" Rises ").correct
    verdict = rising.check("down")
    assert verdict.mistake == "weights_only_fall" and "rises" in verdict.message
    assert rising.check("same").mistake == "weight_stays"
    assert "is a number" in rising.check("0.6").message


def test_a_weight_that_falls_names_the_articles_sign_for_up():
    falling = next(q for q in (random_question(seed, "up or down") for seed in range(50))
                   if q.answer == -1.0 and "article's sign" not in q.prompt)
    assert falling.check("up").mistake == "article_direction"


def test_a_link_from_an_input_of_0_stays_the_same():
    article = Setting(Network(SIZES, weights=1.0), XOR_X[:1], XOR_Y[:1], ALPHA)
    q = direction_question(article, "w(X1->Z1)")
    assert q.answer == 0.0 and q.check("same").correct
    assert q.check("up").mistake == q.check("down").mistake == "zero_gradient"


def test_random_questions_include_a_weight_that_rises():
    rises = [q for q in (random_question(seed, "new weight") for seed in range(40))
             if q.answer > float(re.search(r"\(now \$(-?[\d.]+)\$\)", q.prompt)[1])]
    assert rises


# ----- finite differences -------------------------------------------------------------------------
def test_finite_difference_question_is_the_central_difference_of_the_loss():
    setting = changed_setting(sample=1)
    q = finite_difference_question(setting, "w(X2->Z3)")
    estimate = finite_difference_gradients(setting.net, setting.x, setting.y, eps=FINITE_STEP)
    assert math.isclose(q.answer, estimate[0][2, 2], rel_tol=1e-8)
    ref = by_reference(sample=1)
    assert math.isclose(q.answer, ref.gradient["w(X2->Z3)"], rel_tol=1e-8)  # J is a parabola
    assert q.check(typed(q, 2 * q.answer)).mistake == "fd_over_eps"
    assert q.check(typed(q, -q.answer)).mistake == "fd_backwards"
    assert "agree" in q.solution


def test_finite_difference_names_a_one_sided_difference_where_it_differs():
    q = finite_difference_question(random_setting(2, activation="tanh"), "w(X0->Z1)")
    one_sided = [d for d in q.diagnoses if d.mistake == "fd_one_sided"]
    for diagnosis in one_sided:
        assert q.check(typed(q, diagnosis.value)).mistake == "fd_one_sided"


def test_finite_difference_with_the_articles_sign_says_why_they_disagree():
    q = finite_difference_question(random_setting(3, loss="article"), "w(Z1->D0)")
    assert "minus the slope of J" in q.solution


# ----- coverage of random questions ---------------------------------------------------------------
def test_random_questions_cover_every_setting_and_kind():
    questions = [random_question(seed) for seed in range(240)]
    prompts = " ".join(q.prompt for q in questions)
    for fragment in ("tanh hidden units", "sigmoid hidden units", "linear hidden units",
                     "the article's sign", "a second output", "the whole batch",
                     "central difference", "go up or down"):
        assert fragment in prompts, fragment
    weights = re.findall(r"what is \$w_\{\w_\{\d\} \\to (\w)", prompts)
    assert {"Z", "D"} <= set(weights)  # links into every layer


def test_solutions_show_f_prime_for_tanh_and_sigmoid_units():
    setting = random_setting(5, activation="tanh")
    q = delta_question(setting, "Z1")
    trace = setting.trace()
    derivative = 1 - math.tanh(trace.units["Z1"].a[0]) ** 2
    assert r"f'\left(a_{Z_{1}}\right) &= 1 - \tanh" in q.solution
    assert rf"= {latex_number(derivative)}" in q.solution and "z_{Z_{1}}^{2}" in q.solution
    sigmoid = delta_question(random_setting(5, activation="sigmoid"), "Z1")
    assert r"z_{Z_{1}} \left(1 - z_{Z_{1}}\right)" in sigmoid.solution


# ----- random_setting's new choices ---------------------------------------------------------------
def test_random_setting_with_two_outputs_and_a_batch():
    setting = random_setting(3, outputs=2, batch=True)
    assert setting.net.sizes == (2, 3, 2)
    assert np.array_equal(setting.x, XOR_X)
    assert np.array_equal(setting.y[:, 1], 1 - XOR_Y[:, 0])


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"outputs": 3}, "outputs must be a whole number from 1 to 2"),
    ({"outputs": True}, "outputs must be a whole number"),
    ({"batch": 1}, "batch must be True (all four XOR samples) or False"),
    ({"batch": "yes"}, "batch must be True"),
])
def test_random_setting_refuses_other_outputs_and_batches(kwargs, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        random_setting(0, **kwargs)


def test_a_logistic_output_has_no_half_to_lose_but_its_other_slips_are_named():
    net = Network(SIZES, activation="tanh", output_activation="sigmoid", loss="logistic",
                  weights=[HIDDEN, OUTPUT])
    q = new_weight_question(Setting(net, XOR_X[1:2], XOR_Y[1:2], 0.2), "w(X0->Z1)")
    named = {d.mistake for d in q.diagnoses}
    assert not named & {"stray_two", "missing_two"}
    assert {"article_sign", "forgot_derivative", "forgot_alpha"} <= named


def test_zero_does_not_pass_for_a_saturated_tanh_delta_below_1e_4():
    # the issue's case: an absolute tolerance of 1e-4 let "0" pass for a delta of about 7.5e-5
    tiny = next(q for seed in range(100) for unit in ("Z1", "Z2", "Z3")
                if 0 < abs((q := delta_question(random_setting(seed, activation="tanh"),
                                                unit)).answer) < 1e-4)
    assert not tiny.check("0").correct and not tiny.check("-0").correct
    assert not tiny.check(repr(tiny.answer * 1.01)).correct
    assert tiny.check(f"{tiny.answer:.4g}").correct
