"""Checkers for a backward rule a learner writes: multiply's, then tanh's.

A backward rule gets the numbers a node saw going forward and ``grad``, the gradient that
arrives at the node's output, and returns the gradient each input receives. The checker calls
the learner's function on a few sets of numbers, compares with the autograd engine's own rule,
and names what is wrong by the keys of ``practice.mistakes.MISTAKES`` (swapped gradients, the
incoming gradient forgotten, 1 − a² for 1 − z², ...), or says which input's gradient is right
and which is not. Any form of the numbers is read: a tuple, a list, a numpy array, numpy
scalars, ints, float32 (right to single precision, and the verdict says so). A stub that returns
None or raises NotImplementedError is "not written yet"; an exception in the learner's code is
reported with its line, never raised. The learner's code is called, never read as text.
"""

from __future__ import annotations

import functools
import math
import numbers
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpkit.core.autograd import Value
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.practice.guard import Judge, stopped
from bpkit.core.practice.learner_code import (
    SINGLE_DTYPES,
    SINGLE_RTOL,
    agreement,
    learner_line,
    should_gave,
    single_note,
)
from bpkit.core.practice.mistakes import MISTAKES
from bpkit.core.practice.verdict import Verdict, right, wrong


# ----- the solutions (what the checkers accept; the notebook reveals them) ---------------------
def multiply_backward(a: float, b: float, grad: float) -> tuple[float, float]:
    """The gradients reaching a and b, given the gradient grad that reaches a·b."""
    return grad * b, grad * a


def tanh_backward(a: float, z: float, grad: float) -> float:
    """The gradient reaching a, given z = tanh(a) and the gradient grad that reaches z."""
    return grad * (1 - z**2)


# ----- what each operation's rule gets, returns, and the mistakes it can show -----------------
Numbers = tuple[float, ...]
Rule = Callable[[float, float, float], Numbers]

PART_KEYS = ("a_wrong", "b_wrong")
"""The catalogue's keys for multiply's rule with one input's gradient right and the other's
wrong (the message says which, and what the wrong one is)."""


@dataclass(frozen=True)
class Operation:
    """One operation's backward rule: its arguments, its outputs, its right answer, its traps."""

    function: str
    arguments: tuple[str, str, str]
    outputs: tuple[str, ...]
    """What each returned number is, e.g. ("a", "b") for the gradients reaching a and b."""
    points: tuple[tuple[float, float, float], ...]
    expected: Rule
    traps: tuple[tuple[str, Rule], ...]
    """Each wrong rule the checker recognises, by its catalogue key."""
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
    traps=(
        ("swapped", lambda a, b, g: (g * a, g * b)),
        ("forgot_incoming", lambda a, b, g: (b, a)),
        ("forward_value", lambda a, b, g: (a * b, a * b)),
        ("forward_value_times_grad", lambda a, b, g: (g * a * b, g * a * b)),
        ("add_rule", lambda a, b, g: (g, g)),
        ("inputs_returned", lambda a, b, g: (a, b)),
        ("flipped_sign", lambda a, b, g: (-g * b, -g * a)),
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
    traps=(
        ("slope_of_a", lambda a, z, g: (g * (1 - a**2),)),
        ("forgot_incoming", lambda a, z, g: (1 - z**2,)),
        ("z_not_slope", lambda a, z, g: (g * z,)),
        ("other_slope", lambda a, z, g: (g * z * (1 - z),)),
        ("forgot_square", lambda a, z, g: (g * (1 - z),)),
        ("passed_through", lambda a, z, g: (g,)),
        ("flipped_sign", lambda a, z, g: (g * (z**2 - 1),)),
        ("forward_value", lambda a, z, g: (z,)),
    ),
    parts={},
    returns="one number, the gradient reaching a",
)

OPERATIONS = {"multiply": MULTIPLY, "tanh": TANH}
"""The operations whose backward rule a learner writes, by the name ``check_backward`` takes."""


SOLUTIONS = {multiply_backward.__code__: "multiply_backward",
             tanh_backward.__code__: "tanh_backward"}
"""bpkit's own rules, by their code: a learner's rule that is one, or calls one, is refused."""


def _solution(rule: object) -> str | None:
    """The name of bpkit's own rule that ``rule`` is (or wraps, as a partial or method), if any."""
    for _ in range(8):
        if isinstance(rule, types.MethodType):
            rule = rule.__func__
        elif isinstance(rule, functools.partial):
            rule = rule.func
        else:
            break
    return SOLUTIONS.get(rule.__code__) if isinstance(rule, types.FunctionType) else None


def check_backward(operation: str, rule: object) -> Verdict:
    """Check a learner's backward rule for ``operation`` ('multiply' or 'tanh').

    ``rule`` is called with numbers, as rule(a, b, grad) for multiply and rule(a, z, grad)
    for tanh (z = tanh(a)), and must return the gradient(s) reaching the input(s). Each call has
    a time limit (``practice.guard``), and what the rule changes in bpkit is put back.
    """
    if not isinstance(operation, str) or operation not in OPERATIONS:
        raise BpkitError(f"operation must be one of {', '.join(map(repr, OPERATIONS))}; got "
                         f"{operation!r:.40}")
    op = OPERATIONS[operation]
    if not callable(rule) or isinstance(rule, type):
        raise BpkitError(f"rule must be your function, such as {op.function} (the name, "
                         f"without brackets); got {type(rule).__name__} {rule!r:.40}")
    name = getattr(rule, "__name__", op.function)
    if not isinstance(name, str):
        name = op.function
    if (own := _solution(rule)) is not None:
        return wrong(f"{name} is bpkit's own {own}. {MISTAKES['used_bpkit'].message}",
                     "used_bpkit")
    want = [op.expected(*point) for point in op.points]  # before the learner's code runs
    judge, got = Judge(op, solutions=SOLUTIONS), []
    for point in op.points:
        outcome = judge.call(rule, *point)
        if outcome.stop is not None:
            return stopped(outcome, f"your function {name}")
        if isinstance(outcome.error, NotImplementedError):
            return _not_written(op, name, "raises NotImplementedError")
        if outcome.error is not None:
            return _raised(judge, rule, name, outcome.error)
        got.append(outcome.value)
    if all(result is None for result in got):
        return _not_written(op, name, "returns None")
    values = judge.read(lambda: [_numbers(result, len(op.outputs)) for result in got])
    return values if isinstance(values, Verdict) else _judged(op, name, values, want)


def _not_written(op: Operation, name: str, what: str) -> Verdict:
    return wrong(f"{name} is not written yet (it {what}). Write its body to return "
                 f"{op.returns}, then run this check again.", "not_written")


def _raised(judge: Judge, rule: Callable[..., object], name: str, err: BaseException) -> Verdict:
    """The learner's exception (sys.exit() too), with its line, as a verdict; never raised."""
    found = learner_line(rule, err)
    line = "" if found is None else f" (line {found[0]}{f': {found[1]}' if found[1] else ''})"
    if found is None and isinstance(err, TypeError):
        line = " when called with three numbers (it must take three arguments)"
    key = "exited" if isinstance(err, SystemExit) else "error"
    again = "" if key == "exited" else " Fix it and run the check again."
    return wrong(f"{name} raised {type(err).__name__}: {judge.text(err)}{line}. "
                 f"{MISTAKES[key].message}{again}", key)


def _number(item: object) -> float | str:
    """One returned number as a float, or what it is instead (a sentence's end)."""
    if isinstance(item, np.ndarray) and item.size == 1:
        item = item.reshape(())[()]  # a numpy scalar, keeping its dtype
    if isinstance(item, Value):
        return f"a Value, {item!r:.60} (give its number, .data)"
    if isinstance(item, (bool, np.bool_)):
        return f"{item!r}, a truth value (True or False), not a number"
    if not isinstance(item, (numbers.Real, np.integer, np.floating)):
        return f"{type(item).__name__} {item!r:.40}, not a number"
    try:
        return float(item)
    except OverflowError:  # an integer too large for a float
        return math.inf


def _numbers(result: object, count: int) -> tuple[Numbers, bool] | str:
    """``count`` floats and whether any was single precision, or what the result was instead.

    A tuple, list, other sequence or array of numbers is read (each item a number or an array
    holding one), and for one number the number alone (a 0-d array too).
    """
    if (isinstance(result, Sequence) and not isinstance(result, (str, bytes))) or (
            isinstance(result, np.ndarray) and result.ndim >= 1):
        items, alone = list(result), False
    elif count == 1:
        items, alone = [result], True
    else:
        return f"{type(result).__name__} {result!r:.60}"
    if len(items) != count:
        return f"{len(items)} number(s), {result!r:.60}"
    found = [_number(item) for item in items]
    for value in found:
        if isinstance(value, str):
            return value if alone else f"{result!r:.60}, which holds {value}"
    if not all(map(math.isfinite, found)):  # type: ignore[arg-type]  # all floats by now
        return f"{result!r:.60}, not {count} finite number(s)"
    single = any(getattr(x, "dtype", None) in SINGLE_DTYPES for x in (result, *items))
    return tuple(found), single  # type: ignore[return-value]


def _close(x: float, y: float, scale: float) -> bool:
    return abs(x - y) <= SINGLE_RTOL * max(scale, 1e-12)


def _matches(values: Sequence[Numbers], rule: Callable[..., Numbers],
             points: Sequence[tuple[float, float, float]], output: int | None = None) -> bool:
    """Whether ``values`` are ``rule``'s on every point (one output only, if given)."""
    for got, point in zip(values, points):
        theirs = rule(*point)
        want = theirs if output is None else (theirs[output],)
        mine = got if output is None else (got[output],)
        scale = max(map(abs, want))
        if not all(_close(x, y, scale) for x, y in zip(mine, want)):
            return False
    return True


def _shown(op: Operation, point: Sequence[float]) -> str:
    return ", ".join(f"{n} = {number(x)}" for n, x in zip(op.arguments, point))


def _judged(op: Operation, name: str, values: list[tuple[Numbers, bool] | str],
            want: list[Numbers]) -> Verdict:
    """The verdict on results read (``_numbers``): right, a known mistake, or which part is wrong.

    ``want`` holds the engine's gradients, computed before the learner's code ran.
    """
    for point, value in zip(op.points, values):
        if isinstance(value, str):
            return wrong(f"{name}({_shown(op, point)}) returned {value}: it must return "
                         f"{op.returns}. {MISTAKES['not_numbers'].message}", "not_numbers")
    numbers_got = [value[0] for value in values]  # type: ignore[index]  # all tuples by now
    level = agreement([np.array(g) for g in numbers_got], [np.array(w) for w in want])
    sets = f"on {len(op.points)} sets of numbers it gives the gradients the autograd engine gives"
    if level == "double":
        return right(f"{name} is right: {sets}.")
    if level == "single":
        single = any(value[1] for value in values)  # type: ignore[index]
        return right(f"{name} is right to single precision: {sets}; {single_note(single)}.")
    keys = [key for key, rule in op.traps if _matches(numbers_got, rule, op.points)]
    if keys:
        said = " Or: ".join(MISTAKES[key].message for key in keys)
        return wrong(f"Not yet. {said} {_gave(op, name, numbers_got)}", *keys)
    return _which_part(op, name, numbers_got)


def _gave(op: Operation, name: str, got: list[Numbers], labels: Sequence[str] = ()) -> str:
    """'With a = 2, ...: a's should be -1.5, f gave -3.' for every output that differs.

    On the first set of numbers where one differs; each wrong one says what it seems to be
    (``labels``, by output) when that is known.
    """
    index = next((j for j, p in enumerate(op.points) if not _matches(got[j:j + 1], op.expected,
                                                                     [p])), 0)
    point, parts = op.points[index], []
    for i, (mine, right_one) in enumerate(zip(got[index], op.expected(*point))):
        if not _close(mine, right_one, abs(right_one)):
            should, gave = should_gave(right_one, mine)
            seems = f", which is {labels[i]}" if i < len(labels) and labels[i] else ""
            parts.append(f"{op.outputs[i]}'s should be {should}, {name} gave {gave}{seems}")
    return f"With {_shown(op, point)}: {'; '.join(parts)}."


def _label(op: Operation, got: list[Numbers], i: int) -> str:
    """What output i of ``got`` is on every point, by ``op.parts``' names, or ''."""
    return next((label for label, part in op.parts.items() if all(
        _close(g[i], part(*p), abs(part(*p))) for g, p in zip(got, op.points))), "")


def _which_part(op: Operation, name: str, got: list[Numbers]) -> Verdict:
    """A wrong result no mistake explains: which gradient is right, and what the wrong one is."""
    correct = [_matches(got, op.expected, op.points, i) for i in range(len(op.outputs))]
    if len(op.outputs) == 2 and any(correct):
        key = PART_KEYS[1 if correct[0] else 0]
        verdict = MISTAKES[key].message
    else:
        verdict = ("Neither gradient is right." if len(op.outputs) == 2
                   else "The gradient reaching a is not right.")
        key = "wrong_values"
    labels = [_label(op, got, i) for i in range(len(op.outputs))]
    return wrong(f"Not yet: {verdict} {_gave(op, name, got, labels)}", key)


__all__ = ["OPERATIONS", "PART_KEYS", "check_backward"]
