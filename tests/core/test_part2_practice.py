"""Part II practice (notebook 14): each kind of question against an independent computation.

For every kind, on 200 seeds or more: the answer equals numpy by hand or finite differences
(never the code that built it), every wrong answer it can name differs from the answer, and
typing a wrong answer names its slip by the catalogue's message. Then typed shapes, and bad
arguments.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit import (
    MISCONCEPTIONS,
    PART2_BUILDERS,
    BpkitError,
    Question,
    depth_question,
    fork_question,
    parse_shape,
    random_part2_question,
    shape_question,
    two_paths_question,
)
from bpkit.core.practice.answers import shape_of, shape_value
from bpkit.core.practice.part2 import depth_chain, two_output_setting
from bpkit.core.practice.part2_forks_shapes import FORKS, drawn_fork, drawn_shapes

SEEDS = range(200)


def typed(question: Question, value: float) -> str:
    """What a learner types for ``value``: a shape as (rows, columns), a number to 6 figures."""
    if question.answer_form == "shape":
        rows, columns = shape_of(value)
        return f"({rows}, {columns})"
    return f"{value:.6g}"


def named_apart(question: Question) -> set[str]:
    """Check every diagnosis of a question; return the keys its verdicts named."""
    named = set()
    for found in question.diagnoses:
        assert not question.is_close(found.value), found
        verdict = question.check(typed(question, found.value))
        assert not verdict.correct
        assert found.mistake in verdict.mistakes
        for key in verdict.mistakes:
            assert MISCONCEPTIONS[key] in verdict.message
        named |= set(verdict.mistakes)
    assert question.check(typed(question, question.answer)).correct
    return named


# ----- by hand ------------------------------------------------------------------------------------
def sigmoid(a):
    return 1 / (1 + np.exp(-a))


F = {"sigmoid": (sigmoid, lambda a: sigmoid(a) * (1 - sigmoid(a))),
     "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2)}
"""Each hidden activation and its slope, written here, not taken from bpkit."""


def two_output_deltas(seed: int) -> np.ndarray:
    """The hidden deltas of the seed's two-output net, by numpy: sigmoid outputs, ½ (h − y)²."""
    setting = two_output_setting(seed)
    f, df = F[setting.net.activations[0]]
    W1, W2 = setting.net.weights
    x, y = setting.x[0], setting.y[0]
    a1 = W1 @ np.concatenate(([1.0], x))
    h = sigmoid(W2 @ np.concatenate(([1.0], f(a1))))
    output = (h - y) * h * (1 - h)
    return df(a1) * (W2[:, 1:].T @ output)


def chain_delta(seed: int) -> float:
    """The first hidden delta of the seed's chain, by numpy, one layer at a time."""
    net, X, Y = depth_chain(seed)
    f, df = F[net.activations[0]]
    z, sums = float(X[0, 0]), []
    for w in net.weights[:-1]:
        sums.append(w[0, 0] + w[0, 1] * z)
        z = f(sums[-1])
    h = net.weights[-1][0, 0] + net.weights[-1][0, 1] * z
    delta = h - Y[0, 0]
    for a, w in zip(reversed(sums), reversed(net.weights[1:])):
        delta = df(a) * w[0, 1] * delta
    return float(delta)


def expected_shape(sizes: list[int], n: int, name: str) -> tuple[int, int]:
    """An array's shape by the rules of notebook 11: a row per sample, the bias as column 0."""
    if name == "z0":
        return n, sizes[0] + 1
    kind = name.rstrip("0123456789")
    layer = int(name[len(kind):])
    last = layer == len(sizes) - 1
    weights = (sizes[layer], sizes[layer - 1] + 1)
    return {"W": weights, "∂J/∂W": weights, "a": (n, sizes[layer]), "δ": (n, sizes[layer]),
            "z": (n, sizes[layer] + (0 if last else 1))}[kind]


# ----- each kind on 200 seeds ---------------------------------------------------------------------
def test_two_paths_against_numpy_by_hand():
    named = set()
    for seed in SEEDS:
        deltas = two_output_deltas(seed)
        for k, delta in enumerate(deltas, start=1):
            q = two_paths_question(seed, f"Z{k}")
            assert math.isclose(q.answer, delta, rel_tol=1e-12, abs_tol=1e-15)
            named |= named_apart(q)
            paths = [d for d in q.diagnoses if d.mistake == "one_path"]
            assert len(paths) == 2 or any("+" in d.mistake for d in q.diagnoses)
        drawn = two_paths_question(seed)
        assert any(math.isclose(drawn.answer, d, rel_tol=1e-12) for d in deltas)
    assert named >= {"one_path", "forgot_hidden_derivative", "forgot_derivative", "article_sign",
                     "updated_weights", "slope_of_a", "other_slope", "forgot_weight"}


def test_two_paths_agrees_with_finite_differences_of_the_bias_weight():
    for seed in range(0, 200, 10):  # dJ/dw(X0->Zk) = X0 · δ(Zk) = δ(Zk) on one sample
        setting = two_output_setting(seed)
        q = two_paths_question(seed, "Z1")
        probe, eps = setting.net.copy(), 1e-6
        w = probe.weight("X0->Z1")
        probe.set_weight("X0->Z1", w + eps)
        above = probe.loss(setting.x, setting.y)
        probe.set_weight("X0->Z1", w - eps)
        below = probe.loss(setting.x, setting.y)
        assert math.isclose(q.answer, (above - below) / (2 * eps), rel_tol=1e-6, abs_tol=1e-10)


def test_shapes_against_the_rules_of_notebook_11():
    named = set()
    for seed in SEEDS:
        setting = drawn_shapes(seed)
        sizes, n = list(setting.net.sizes), setting.n
        for name in setting.arrays:
            q = shape_question(seed, name)
            assert q.answer_form == "shape"
            assert shape_of(q.answer) == expected_shape(sizes, n, name)
            named |= named_apart(q)
        drawn = shape_question(seed)
        assert shape_of(drawn.answer) == expected_shape(sizes, n, setting.drawn)
    assert named >= {"shape_transposed", "shape_no_bias_column", "shape_extra_bias_column",
                     "shape_batch_size", "shape_previous_layer", "shape_bias_row",
                     "shape_one_sample"}


def test_fork_against_finite_differences():
    named = set()
    for seed in SEEDS:
        for graph in (None, *FORKS):
            fork = drawn_fork(seed, graph)
            q = fork_question(seed, graph)
            eps = 1e-6
            slope = (fork.at(fork.x + eps) - fork.at(fork.x - eps)) / (2 * eps)
            assert math.isclose(q.answer, slope, rel_tol=1e-6, abs_tol=1e-8)
            named |= named_apart(q)
            branches = [d for d in q.diagnoses if d.mistake == "fork_one_branch"]
            assert len(branches) == len(re.findall(r"\d+ × ", q.solution.split("<li>x:")[1]))
    assert named >= {"fork_one_branch", "fork_multiplied", "fork_forgot_incoming"}


def test_depth_against_numpy_by_hand():
    named = set()
    for seed in SEEDS:
        q = depth_question(seed)
        assert math.isclose(q.answer, chain_delta(seed), rel_tol=1e-10, abs_tol=1e-15)
        named |= named_apart(q)
    assert named >= {"depth_summed", "forgot_hidden_derivative", "forgot_weight",
                     "slope_bound_used", "slope_of_a"}


def test_depth_names_the_sigmoids_bound_on_its_own_and_tanhs_beside_a_forgotten_slope():
    for seed in range(40):
        sigmoid_q, tanh_q = depth_question(seed, "sigmoid"), depth_question(seed, "tanh")
        bound = next(d for d in sigmoid_q.diagnoses if d.mistake == "slope_bound_used")
        assert sigmoid_q.check(typed(sigmoid_q, bound.value)).mistake == "slope_bound_used"
        bound = next(d for d in tanh_q.diagnoses if d.mistake == "slope_bound_used")
        assert set(tanh_q.check(typed(tanh_q, bound.value)).mistakes) == {
            "forgot_hidden_derivative", "slope_bound_used"}  # tanh's bound is 1


def test_the_same_seed_gives_the_same_question_and_another_seed_another():
    for kind, build in PART2_BUILDERS.items():
        first, again = build(7), build(7)
        assert (first.prompt, first.answer) == (again.prompt, again.answer), kind
        assert len({build(seed).prompt for seed in range(10)}) > 5, kind
        assert random_part2_question(7, kind).prompt == first.prompt


def test_random_part2_question_draws_every_kind():
    forms = {random_part2_question(seed).answer_form for seed in range(60)}
    assert forms == {"number", "shape"}
    kinds = set()
    for seed in range(60):
        prompt = random_part2_question(seed).prompt
        kinds.add(next(kind for kind, build in PART2_BUILDERS.items()
                       if build(seed).prompt == prompt))
    assert kinds == set(PART2_BUILDERS)


def test_every_question_has_hints_one_by_one_and_a_worked_solution():
    for kind, build in PART2_BUILDERS.items():
        for seed in range(20):
            q = build(seed)
            assert len(q.hints) == 3 and len(set(q.hints)) == 3, kind
            assert q.solution and "<b>" in q.prompt, kind


# ----- the property -------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**9), kind=st.sampled_from(sorted(PART2_BUILDERS)))
def test_typing_the_answer_passes_and_typing_a_slip_never_does(seed, kind):
    q = random_part2_question(seed, kind)
    assert q.check(typed(q, q.answer)).correct
    if q.answer_form == "number":
        assert q.check(f"{q.answer:.4g}").correct  # the 4 figures asked for
    for found in q.diagnoses:
        verdict = q.check(typed(q, found.value))
        assert not verdict.correct and found.mistake in verdict.mistakes


# ----- typed shapes -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["(7, 5)", "7, 5", "7x5", "7 × 5", "7 X 5", "7 by 5", "[7, 5]",
                                  " ( 7 ,5 ) ", "7 5", "\uff087\uff0c5\uff09", "(7;5)"])
def test_a_shape_is_read_in_any_usual_form(text):
    assert parse_shape(text) == (7, 5)


@pytest.mark.parametrize(("text", "message"), [
    ("", "no answer yet"), ("7", "is one number: a shape here has two"),
    ("35", "is one number"), ("1/2", "is one number"), ("(7, 5", "unmatched bracket"),
    ("7, 5)", "unmatched bracket"), ("7*5", "looks like a product"), ("7·5", "product"),
    ("7, 5, 2", "has 3 parts"), ("7,", "is missing a size"), ("x 5", "missing a size"),
    ("0, 5", "has a size 0"), ("-7, 5", "negative size"), ("7.5, 2", "not whole"),
    ("n, 5", "'n' is not a size"), ("abc", "not a shape bpkit can read"),
    ("100000, 3", "no array here has 100,000"), ("7², 5", "superscript"),
    ("__import__('os')", "not a shape"), ("(7, 5)" * 20, "characters long"),
])
def test_a_bad_shape_gets_a_message_saying_what_to_type(text, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        parse_shape(text)


@pytest.mark.parametrize("value", [None, 7, (7, 5), b"7, 5", ["7", "5"]])
def test_a_shape_must_be_text(value):
    with pytest.raises(BpkitError, match="must be text"):
        parse_shape(value)


def test_a_shape_question_reads_what_is_typed_and_never_fails_on_it():
    q = shape_question(3, "W1")
    rows, columns = shape_of(q.answer)
    assert q.check(f"{rows}x{columns}").correct and q.check(f"[{rows}, {columns}]").correct
    unreadable = q.check("seven by five")
    assert not unreadable.correct and unreadable.mistake == "unreadable"
    assert "not a shape" in unreadable.message
    assert "rows are right" in q.check(f"({rows}, {columns + 40})").message
    assert "columns are right" in q.check(f"({rows + 40}, {columns})").message
    assert q.check(f"({columns}, {rows})").mistake == "shape_transposed"


def test_a_shape_is_one_exact_number_and_back():
    assert shape_of(shape_value(7, 5)) == (7, 5)
    assert shape_value(7, 5) != shape_value(5, 7)
    for bad in (1.5, -1.0, 0.0, 7.0, 1e30):
        with pytest.raises(BpkitError, match="not a shape's number"):
            shape_of(bad)
    with pytest.raises(BpkitError, match="columns must be a whole number"):
        shape_value(7, 0)


def test_a_shape_question_refuses_an_answer_that_is_no_shape():
    with pytest.raises(BpkitError, match="not a shape's number"):
        Question("What shape?", 1.5, answer_form="shape")
    with pytest.raises(BpkitError, match="or 'shape'"):
        Question("What shape?", 1.5, answer_form="matrix")


def test_a_shape_widget_asks_for_rows_and_columns():
    from bpkit.widgets import QuestionWidget

    widget = QuestionWidget(shape_question(3, "δ1"))
    assert widget.answer_box.placeholder == "(rows, columns)"
    assert widget.submit("(1, 1)").correct is False


# ----- bad arguments ------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "message"), [
    (lambda: two_paths_question(3, "Z9"), "unit (a hidden unit of this net) must be one of"),
    (lambda: two_paths_question(3, "D0"), "'Z1', 'Z2'"),
    (lambda: shape_question(3, "W9"), "array must be one of z0, W1"),
    (lambda: shape_question(3, "delta1"), "or None to draw one from the seed"),
    (lambda: fork_question(3, "x*y"), "graph (the kind of fork) must be one of"),
    (lambda: depth_question(3, "relu"), "'sigmoid', 'tanh'"),
    (lambda: random_part2_question(3, "essay"), "unknown Part II question kind 'essay'"),
    (lambda: random_part2_question(-1), "seed must be a whole number of at least 0"),
    (lambda: depth_question(1.5), "seed must be a whole number"),
    (lambda: fork_question(True), "seed must be a whole number"),
])
def test_bad_arguments_are_refused_with_a_clear_message(call, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        call()
