"""Checkers for a backward rule a learner writes: multiply's, then tanh's.

A backward rule gets the numbers a node saw going forward and ``grad``, the gradient that
arrives at the node's output, and returns the gradient each input receives. The checker calls
the learner's function on a few sets of numbers, compares with the autograd engine's own rule,
and names what is wrong: a known mistake (swapped gradients, the incoming gradient forgotten,
1 - a^2 for 1 - z^2, ...), or which input's gradient is right and which is not. A stub that
returns None or raises NotImplementedError is "not written yet"; an exception in the learner's
code is reported with its line, never raised. The learner's code is called, never read as text.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bpkit.core.autograd import Value
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.practice.learner_code import learner_line
from bpkit.core.practice.verdict import Verdict, right, wrong

TOLERANCE = 1e-9
"""Relative tolerance when comparing a learner's gradient with the engine's."""


# ----- the solutions (what the checkers accept; the notebook reveals them) ---------------------
def multiply_backward(a: float, b: float, grad: float) -> tuple[float, float]:
    """The gradients reaching a and b, given the gradient grad that reaches a·b."""
    return grad * b, grad * a


def tanh_backward(a: float, z: float, grad: float) -> float:
    """The gradient reaching a, given z = tanh(a) and the gradient grad that reaches z."""
    return grad * (1 - z**2)


# ----- what each operation's rule gets, returns, and the mistakes it can show -----------------
Numbers = tuple[float, ...]


@dataclass(frozen=True)
class Mistake:
    """A wrong rule the checker recognises: its name, what it computes, and what to say."""

    name: str
    rule: Callable[..., Numbers]
    message: str


@dataclass(frozen=True)
class Operation:
    """One operation's backward rule: its arguments, its outputs, its right answer, its traps."""

    function: str
    arguments: tuple[str, str, str]
    outputs: tuple[str, ...]
    """What each returned number is, e.g. ("a", "b") for the gradients reaching a and b."""
    points: tuple[tuple[float, float, float], ...]
    expected: Callable[[float, float, float], Numbers]
    mistakes: tuple[Mistake, ...]
    parts: dict[str, Callable[[float, float, float], float]]
    """Names for one returned number, to say what a wrong one is (e.g. "grad × b")."""
    returns: str


def _engine_multiply(a: float, b: float, grad: float) -> Numbers:
    """The engine's multiply node: the gradients reaching a and b when grad reaches a·b."""
    x, y = Value(a), Value(b)
    (x * y * grad).backward()  # the product's own gradient is then grad
    return x.grad, y.grad


def _engine_tanh(a: float, z: float, grad: float) -> Numbers:
    """The engine's tanh node: the gradient reaching a when grad reaches z = tanh(a)."""
    x = Value(a)
    (x.tanh() * grad).backward()
    return (x.grad,)


MULTIPLY = Operation(
    function="multiply_backward", arguments=("a", "b", "grad"), outputs=("a", "b"),
    points=((2.0, -3.0, 0.5), (-1.5, 0.25, -2.0), (0.75, 4.0, 3.0)),
    expected=_engine_multiply,
    mistakes=(
        Mistake("swapped", lambda a, b, g: (g * a, g * b),
                "the gradients are swapped: a's gradient is grad times the OTHER factor, b "
                "(and b's is grad × a), because d(a·b)/da = b"),
        Mistake("forgot_incoming", lambda a, b, g: (b, a),
                "you returned the local derivatives b and a but forgot the incoming gradient "
                "(the chain rule): multiply each by grad, the gradient that reaches a·b"),
        Mistake("forward_value", lambda a, b, g: (a * b, a * b),
                "you returned the product a·b, the node's forward value, not a gradient"),
        Mistake("forward_value", lambda a, b, g: (g * a * b, g * a * b),
                "you returned grad × a·b, the node's forward value times grad: each input's "
                "gradient is grad times the local derivative, b for a and a for b"),
        Mistake("add_rule", lambda a, b, g: (g, g),
                "that is the add node's rule, which passes grad on unchanged; a multiply node "
                "scales it by the other factor"),
        Mistake("inputs_returned", lambda a, b, g: (a, b),
                "you returned the inputs a and b themselves, not their gradients"),
        Mistake("flipped_sign", lambda a, b, g: (-g * b, -g * a),
                "the sign is flipped: the gradients are +grad × b and +grad × a"),
    ),
    parts={"grad × b": lambda a, b, g: g * b, "grad × a": lambda a, b, g: g * a,
           "a": lambda a, b, g: a, "b": lambda a, b, g: b, "grad": lambda a, b, g: g,
           "a·b": lambda a, b, g: a * b, "grad × a·b": lambda a, b, g: g * a * b,
           "-grad × b": lambda a, b, g: -g * b, "-grad × a": lambda a, b, g: -g * a},
    returns="two numbers, (the gradient reaching a, the gradient reaching b)",
)

TANH = Operation(
    function="tanh_backward", arguments=("a", "z", "grad"), outputs=("a",),
    points=((0.5, math.tanh(0.5), 1.5), (-1.2, math.tanh(-1.2), -0.4), (2.0, math.tanh(2.0), 3.0)),
    expected=_engine_tanh,
    mistakes=(
        Mistake("a_for_z", lambda a, z, g: (g * (1 - a**2),),
                "you used 1 - a² where tanh's slope is 1 - z², in z = tanh(a), the node's "
                "output (1 - tanh(a)² in a)"),
        Mistake("forgot_incoming", lambda a, z, g: (1 - z**2,),
                "you returned tanh's slope 1 - z² but forgot the incoming gradient (the chain "
                "rule): multiply it by grad"),
        Mistake("z_not_slope", lambda a, z, g: (g * z,),
                "you multiplied grad by z, the node's output; multiply by the slope 1 - z²"),
        Mistake("sigmoid_slope", lambda a, z, g: (g * z * (1 - z),),
                "z (1 - z) is the sigmoid's slope; tanh's is 1 - z²"),
        Mistake("forgot_square", lambda a, z, g: (g * (1 - z),),
                "you used 1 - z; tanh's slope is 1 - z², with z squared"),
        Mistake("passed_through", lambda a, z, g: (g,),
                "you passed grad on unchanged (the identity's rule); tanh's node multiplies it "
                "by its slope 1 - z²"),
        Mistake("flipped_sign", lambda a, z, g: (g * (z**2 - 1),),
                "the sign is flipped: the slope is 1 - z², which is positive"),
        Mistake("forward_value", lambda a, z, g: (z,),
                "you returned z, the node's forward value, not a gradient"),
    ),
    parts={},
    returns="one number, the gradient reaching a",
)

OPERATIONS = {"multiply": MULTIPLY, "tanh": TANH}
"""The operations whose backward rule a learner writes, by the name ``check_backward`` takes."""


class _LearnerError(Exception):
    """An exception the learner's code raised, with the line it came from."""

    def __init__(self, err: Exception, where: str) -> None:
        super().__init__(f"{type(err).__name__}: {err}{where}")


def check_backward(operation: str, rule: object) -> Verdict:
    """Check a learner's backward rule for ``operation`` ('multiply' or 'tanh').

    ``rule`` is called with numbers, as rule(a, b, grad) for multiply and rule(a, z, grad)
    for tanh (z = tanh(a)), and must return the gradient(s) reaching the input(s).
    """
    if not isinstance(operation, str) or operation not in OPERATIONS:
        raise BpkitError(f"operation must be one of {', '.join(map(repr, OPERATIONS))}; got "
                         f"{operation!r:.40}")
    op = OPERATIONS[operation]
    if not callable(rule) or isinstance(rule, type):
        raise BpkitError(f"rule must be your function, such as {op.function} (the name, "
                         f"without brackets); got {type(rule).__name__} {rule!r:.40}")
    name = getattr(rule, "__name__", op.function)
    try:
        got = [_call(rule, point) for point in op.points]
    except NotImplementedError:
        return _not_written(op, name, "raises NotImplementedError")
    except _LearnerError as err:
        return wrong(f"{name} raised {err}. Fix it and run the check again.", "error")
    if all(result is None for result in got):
        return _not_written(op, name, "returns None")
    return _judged(op, name, got)


def _not_written(op: Operation, name: str, what: str) -> Verdict:
    return wrong(f"{name} is not written yet (it {what}). Write its body to return "
                 f"{op.returns}, then run this check again.", "not written")


def _call(rule: Callable[..., object], point: Sequence[float]) -> object:
    """The learner's result on one set of numbers; their exception, with its line, if it raises."""
    try:
        return rule(*point)
    except NotImplementedError:
        raise
    except Exception as err:  # a learner's bug is reported, never raised
        raise _LearnerError(err, _where(rule, err)) from None


def _where(rule: Callable[..., object], err: Exception) -> str:
    """' (line N: code)' for the learner's line the exception came from, if there is one."""
    found = learner_line(rule, err)
    if found is None:
        if isinstance(err, TypeError):
            return " when called with three numbers (it must take three arguments)"
        return ""
    number, code = found
    return f" (line {number}{f': {code}' if code else ''})"


def _numbers(result: object, count: int) -> Numbers | str:
    """The learner's result as ``count`` floats, or a sentence saying what it was instead."""
    items = (result,) if count == 1 and not isinstance(result, (tuple, list)) else result
    if isinstance(items, (str, bytes)) or not isinstance(items, (tuple, list)):
        return f"{type(result).__name__} {result!r:.40}"
    if len(items) != count:
        return f"{len(items)} number(s), {result!r:.60}"
    found = []
    for item in items:
        if isinstance(item, Value):
            return f"a Value, {item!r:.60} (give its number, .data)"
        try:
            found.append(float(item) if isinstance(item, numbers.Real) and not isinstance(
                item, bool) else math.nan)
        except OverflowError:  # an integer too large for a float
            found.append(math.inf)
    if not all(map(math.isfinite, found)):
        return f"{result!r:.60}, not {count} finite number(s)"
    return tuple(found)


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=TOLERANCE, abs_tol=1e-12)


def _matches(values: Sequence[Numbers], rule: Callable[..., Numbers],
             points: Sequence[tuple[float, float, float]]) -> bool:
    return all(all(map(_close, got, rule(*point))) for got, point in zip(values, points))


def _judged(op: Operation, name: str, got: list[object]) -> Verdict:
    """The verdict on results that came back: right, a known mistake, or which part is wrong."""
    values = [_numbers(result, len(op.outputs)) for result in got]
    for point, value in zip(op.points, values):
        if isinstance(value, str):
            shown = ", ".join(f"{n} = {number(x)}" for n, x in zip(op.arguments, point))
            return wrong(f"{name}({shown}) returned {value}: it must return {op.returns}.",
                         "not_numbers")
    numbers_got: list[Numbers] = values  # type: ignore[assignment]  # all tuples by now
    if _matches(numbers_got, op.expected, op.points):
        return right(f"{name} is right: on {len(op.points)} sets of numbers it gives the "
                     "gradients the autograd engine gives.")
    for mistake in op.mistakes:
        if _matches(numbers_got, mistake.rule, op.points):
            return wrong(f"Not yet: {mistake.message}.", mistake.name)
    return _which_part(op, name, numbers_got)


def _which_part(op: Operation, name: str, got: list[Numbers]) -> Verdict:
    """A wrong result no mistake explains: which gradient is right, and what the wrong one is."""
    point = op.points[0]
    expected = op.expected(*point)
    shown = ", ".join(f"{n} = {number(x)}" for n, x in zip(op.arguments, point))
    right = [all(_close(g[i], op.expected(*p)[i]) for g, p in zip(got, op.points))
             for i in range(len(op.outputs))]
    if len(op.outputs) == 2 and any(right):
        good, bad = (0, 1) if right[0] else (1, 0)
        verdict = (f"the gradient reaching {op.outputs[good]} is right but "
                   f"{op.outputs[bad]}'s is not")
        mistake, wrong_ones = f"{op.outputs[bad]}_wrong", [bad]
    else:
        verdict = ("neither gradient is right" if len(op.outputs) == 2
                   else "the gradient reaching a is not right")
        mistake, wrong_ones = "wrong", list(range(len(op.outputs)))
    parts = []
    for i in wrong_ones:
        pattern = next((label for label, part in op.parts.items()
                        if all(_close(g[i], part(*p)) for g, p in zip(got, op.points))), None)
        seems = f", which is {pattern}" if pattern else ""
        parts.append(f"{op.outputs[i]}'s should be {number(expected[i])}, {name} gave "
                     f"{number(got[0][i])}{seems}")
    lines = [f"Not yet: {verdict}.", f"With {shown}: {'; '.join(parts)}."]
    return wrong(" ".join(lines), mistake)


__all__ = ["OPERATIONS", "check_backward"]
