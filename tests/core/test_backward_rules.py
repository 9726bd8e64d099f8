"""backward_rules: the checkers accept the right rule and name each wrong one correctly."""

import inspect
import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from bpkit import BpkitError
from bpkit.core.autograd import Value
from bpkit.core.practice.backward_rules import (
    OPERATIONS,
    PART_KEYS,
    check_backward,
    multiply_backward,
    tanh_backward,
)
from bpkit.core.practice.mistakes import MISTAKES

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "10_graph.ipynb"


# ----- the right rule, in any of its forms ------------------------------------------------
def learners_multiply_backward(a, b, grad):
    """The solution as a learner writes it (bpkit's own is refused: see test_checker_hostile)."""
    return grad * b, grad * a


def learners_tanh_backward(a, z, grad):
    return grad * (1 - z**2)


@pytest.mark.parametrize(("operation", "rule"), [
    ("multiply", learners_multiply_backward),
    ("multiply", lambda a, b, grad: [b * grad, a * grad]),
    ("multiply", lambda a, b, grad: (np.float64(grad * b), np.float32(grad) * np.float32(a))),
    ("tanh", learners_tanh_backward),
    ("tanh", lambda a, z, grad: grad * (1 - math.tanh(a) ** 2)),
    ("tanh", lambda a, z, grad: (grad - grad * z * z,)),
    ("tanh", lambda a, z, grad: grad / math.cosh(a) ** 2),
])
def test_the_right_rule_is_right(operation, rule):
    feedback = check_backward(operation, rule)
    assert feedback.correct and feedback.mistake is None
    assert "is right" in repr(feedback) and str(feedback) == feedback.message


def test_the_right_answers_come_from_the_engine():
    for a, b, grad in OPERATIONS["multiply"].points:
        x, y = Value(a), Value(b)
        (x * y * grad).backward()
        assert multiply_backward(a, b, grad) == pytest.approx((x.grad, y.grad), rel=1e-15)
    for a, z, grad in OPERATIONS["tanh"].points:
        x = Value(a)
        out = x.tanh()
        (out * grad).backward()
        assert z == out.data and tanh_backward(a, z, grad) == pytest.approx(x.grad, rel=1e-12)


# ----- the wrong ones, each named ---------------------------------------------------------------
MULTIPLY_WRONG = [
    ("swapped", lambda a, b, grad: (grad * a, grad * b), "a's should be -1.5, <lambda> gave 1"),
    ("forgot_incoming", lambda a, b, grad: (b, a), "b's should be 1, <lambda> gave 2"),
    ("forward_value", lambda a, b, grad: (a * b, a * b), "a's should be -1.5, <lambda> gave -6"),
    ("forward_value_times_grad", lambda a, b, grad: (grad * a * b, grad * a * b), "gave -3"),
    ("add_rule", lambda a, b, grad: (grad, grad), "a's should be -1.5, <lambda> gave 0.5"),
    ("inputs_returned", lambda a, b, grad: (a, b), "a's should be -1.5, <lambda> gave 2"),
    ("flipped_sign", lambda a, b, grad: (-grad * b, -grad * a), "<lambda> gave 1.5"),
    ("b_wrong", lambda a, b, grad: (grad * b, grad * b),
     "(a's is right): it is grad times the other factor, a, because ∂(a·b)/∂b = a. "
     "With a = 2, b = -3, grad = 0.5: b's "
     "should be 1, <lambda> gave -1.5, which is grad × b."),
    ("a_wrong", lambda a, b, grad: (b, grad * a),
     "(b's is right): it is grad times the other factor, b, because ∂(a·b)/∂a = b. "
     "With a = 2, b = -3, grad = 0.5: a's "
     "should be -1.5, <lambda> gave -3, which is b."),
    ("wrong_values", lambda a, b, grad: (grad + b, grad + a),
     "Neither gradient is right. With a = 2, b = -3, grad = 0.5: a's should be -1.5, <lambda> "
     "gave -2.5; b's should be 1, <lambda> gave 2.5."),
    ("not_numbers", lambda a, b, grad: grad * b,
     "<lambda>(a = 2, b = -3, grad = 0.5) returned float -1.5: it must return two numbers"),
    ("not_numbers", lambda a, b, grad: (grad * b, grad * a, 0.0), "returned 3 number(s)"),
    ("not_numbers", lambda a, b, grad: (Value(grad * b), Value(grad * a)),
     "which holds a Value, Value(data=-1.5, grad=0) (give its number, .data)"),
    ("not_numbers", lambda a, b, grad: ("1", "2"), "which holds str '1', not a number"),
    ("not_numbers", lambda a, b, grad: (True, False),
     "returned (True, False), which holds True, a truth value (True or False), not a number"),
    ("not_numbers", lambda a, b, grad: np.array([True, False]), "a truth value"),
    ("not_numbers", lambda a, b, grad: np.array([grad * b, grad * a, 0.0]), "3 number(s)"),
    ("not_numbers", lambda a, b, grad: np.array([[grad * b, grad * a]]), "1 number(s)"),
    ("not_numbers", lambda a, b, grad: "ab", "returned str 'ab'"),
    ("not_numbers", lambda a, b, grad: {grad * b, grad * a}, "returned set"),
    ("not_numbers", lambda a, b, grad: (1j, 2.0), "which holds complex 1j, not a number"),
    ("not_numbers", lambda a, b, grad: (math.nan, 1.0), "not 2 finite number(s)"),
    ("not_numbers", lambda a, b, grad: (10**400, 1.0), "not 2 finite number(s)"),
]
TANH_WRONG = [
    ("slope_of_a", lambda a, z, grad: grad * (1 - a**2), "a's should be 1.18, <lambda> gave 1.125"),
    ("forgot_incoming", lambda a, z, grad: 1 - z**2, "<lambda> gave 0.7864"),
    ("z_not_slope", lambda a, z, grad: grad * z, "<lambda> gave 0.6932"),
    ("other_slope", lambda a, z, grad: grad * z * (1 - z), "<lambda> gave 0.3728"),
    ("forgot_square", lambda a, z, grad: grad * (1 - z), "<lambda> gave 0.8068"),
    ("passed_through", lambda a, z, grad: grad, "<lambda> gave 1.5"),
    ("flipped_sign", lambda a, z, grad: grad * (z**2 - 1), "<lambda> gave -1.18"),
    ("forward_value", lambda a, z, grad: z, "<lambda> gave 0.4621"),
    ("wrong_values", lambda a, z, grad: 2 * grad,
     "The gradient reaching a is not right. With a = 0.5, z = 0.4621, grad = 1.5: a's should "
     "be 1.18, <lambda> gave 3."),
    ("wrong_values", lambda a, z, grad: np.float32(grad * (1 - z**2) * 1.001),
     "a's should be 1.18, <lambda> gave 1.181"),
    ("wrong_values", lambda a, z, grad: grad * (1 - z**2) + 1e-4,
     "a's should be 1.1797, <lambda> gave 1.1798"),
    ("not_numbers", lambda a, z, grad: "0.5", "returned str '0.5', not a number"),
    ("not_numbers", lambda a, z, grad: True, "returned True, a truth value (True or False)"),
    ("not_numbers", lambda a, z, grad: Value(z), "returned a Value, Value(data=0.4621"),
    ("not_numbers", lambda a, z, grad: [grad, grad], "returned 2 number(s), [1.5, 1.5]"),
]


@pytest.mark.parametrize(("operation", "mistake", "rule", "says"), [
    *(pytest.param("multiply", *case, id=f"multiply-{i}-{case[0]}")
      for i, case in enumerate(MULTIPLY_WRONG)),
    *(pytest.param("tanh", *case, id=f"tanh-{i}-{case[0]}") for i, case in enumerate(TANH_WRONG)),
])
def test_each_wrong_rule_is_named(operation, mistake, rule, says):
    feedback = check_backward(operation, rule)
    assert not feedback.correct
    assert feedback.mistakes == (mistake,), feedback.message
    assert says in feedback.message
    if mistake in MISTAKES and mistake not in ("wrong_values", "not_written", "error"):
        assert MISTAKES[mistake].message in feedback.message  # the catalogue's words


def test_at_least_five_named_mistakes_per_operation():
    for operation, cases in (("multiply", MULTIPLY_WRONG), ("tanh", TANH_WRONG)):
        named = {mistake for mistake, _, _ in cases} - {"wrong_values", "not_numbers"}
        assert len(named) >= 5, operation
        assert {key for key, _ in OPERATIONS[operation].traps} <= named | set(PART_KEYS)


def test_every_trap_is_named_by_a_catalogue_key():
    for op in OPERATIONS.values():
        assert all(key in MISTAKES for key, _ in op.traps), op.function
    assert "wrong_values" in MISTAKES and "not_numbers" in MISTAKES


def test_the_numbers_tried_tell_every_mistake_apart():
    for op in OPERATIONS.values():
        rules = [op.expected, *(rule for _, rule in op.traps)]
        results = [[r(*point) for point in op.points] for r in rules]
        for first, second in itertools.combinations(range(len(rules)), 2):
            same = all(math.isclose(x, y, rel_tol=1e-6) for p, q in
                       zip(results[first], results[second]) for x, y in zip(p, q))
            assert not same, (op.function, first, second)


# ----- not written yet, and learners' exceptions -----------------------------------------------
def stub_raises(a, b, grad):
    raise NotImplementedError


def stub_returns_none(a, b, grad):
    """The gradients reaching a and b."""


def stub_raises_later(a, z, grad):
    helper = grad * 2  # noqa: F841 -- a learner's half-written body
    raise NotImplementedError("write me")


@pytest.mark.parametrize(("operation", "stub", "says"), [
    ("multiply", stub_raises, "stub_raises is not written yet (it raises NotImplementedError)"),
    ("multiply", stub_returns_none, "stub_returns_none is not written yet (it returns None)"),
    ("tanh", stub_raises_later, "stub_raises_later is not written yet"),
    ("tanh", lambda a, z, grad: None, "<lambda> is not written yet (it returns None)"),
])
def test_a_stub_is_not_written_yet_not_an_error(operation, stub, says):
    feedback = check_backward(operation, stub)
    assert not feedback.correct and feedback.mistakes == ("not_written",)
    assert feedback.message.startswith(says)
    assert "then run this check again" in feedback.message


def raises_inside(a, b, grad):
    ratio = grad / (a - a)
    return ratio, ratio


def raises_deeper(a, z, grad):
    return math.log(-abs(z)) * grad


def none_sometimes(a, b, grad):
    if a > 0:
        return grad * b, grad * a
    return None


@pytest.mark.parametrize(("operation", "rule", "kind", "line_text"), [
    ("multiply", raises_inside, "ZeroDivisionError", "ratio = grad / (a - a)"),
    ("tanh", raises_deeper, "ValueError", "return math.log(-abs(z)) * grad"),
])
def test_an_exception_in_the_learners_code_is_reported_with_its_line(operation, rule, kind,
                                                                      line_text):
    feedback = check_backward(operation, rule)
    lines, first = inspect.getsourcelines(rule)
    number = first + next(i for i, text in enumerate(lines) if line_text in text)
    assert feedback.mistakes == ("error",) and kind in feedback.message
    assert MISTAKES["error"].message in feedback.message
    assert feedback.message.startswith(f"{rule.__name__} raised {kind}: ")
    assert f"(line {number}: {line_text})" in feedback.message


def test_a_rule_with_the_wrong_arguments_is_reported_not_raised():
    feedback = check_backward("multiply", lambda a, grad: (grad, a))
    assert feedback.mistake == "error" and "TypeError" in feedback.message
    assert "it must take three arguments" in feedback.message


def test_none_on_some_numbers_only_is_wrong_not_unwritten():
    feedback = check_backward("multiply", none_sometimes)
    assert not feedback.correct and feedback.mistake == "not_numbers"
    assert "returned NoneType None: it must return two numbers" in feedback.message


# ----- bad calls of the checker -------------------------------------------------------------------
@pytest.mark.parametrize("rule", [None, "multiply_backward", 3, [multiply_backward], int])
def test_the_rule_must_be_a_function(rule):
    with pytest.raises(BpkitError, match="rule must be your function, such as "
                                         "multiply_backward"):
        check_backward("multiply", rule)


@pytest.mark.parametrize("operation", [None, "divide", "Multiply", multiply_backward])
def test_the_operation_must_be_known(operation):
    with pytest.raises(BpkitError, match="operation must be one of 'multiply', 'tanh'"):
        check_backward(operation, multiply_backward)


# ----- the notebook reveals exactly these solutions ---------------------------------------
@pytest.mark.parametrize("solution", [multiply_backward, tanh_backward])
def test_the_notebooks_revealed_solution_is_the_checked_one(solution):
    markdown = "\n".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"]
                         if c["cell_type"] == "markdown")
    revealed = re.findall(r"```python\n(.*?)```", markdown, re.S)
    lines = inspect.getsource(solution).splitlines()
    body = [line for line in lines[1:] if not line.strip().startswith('"""')]
    params = ", ".join(inspect.signature(solution).parameters)
    expected = "\n".join([f"def {solution.__name__}({params}):", *body]) + "\n"
    assert expected in revealed, (expected, revealed)
