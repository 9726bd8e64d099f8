"""A small scalar autograd engine: backpropagation as the chain rule on a graph of numbers.

Each operation on a ``Value`` gives a new Value that keeps its parents and, for each parent, the
local derivative d(result)/d(parent), a number known as soon as the result is computed: that is
the operation's backward rule. ``backward`` sorts the graph so every Value comes after its
parents, then walks it from the output back: each parent receives its local derivative times the
gradient that reached the result. A Value used twice receives from both uses, and the two add
("gradients add at forks"). ``bpkit.core.lessons.netgraph`` writes a Network's loss in Values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partialmethod
from typing import NoReturn

import numpy as np

from bpkit.core import functions, validate
from bpkit.core.errors import BpkitError


def _refused(what: str, instead: str) -> Callable[..., NoReturn]:
    """A Value's method for what the engine does not do: it points to the number, ``.data``."""
    def refuse(self: Value, *other: object) -> NoReturn:
        raise BpkitError(f"{what} is not an operation on Values: {instead}")
    return refuse


class Value:
    """A number in a computation: its data, its gradient, and the operation that made it."""

    def __init__(self, data: float, label: str = "") -> None:
        self.data = validate.real_number(data, "a Value's data", "a finite number such as 2.0")
        if not isinstance(label, str):
            raise BpkitError(f"a Value's label must be text such as 'w1'; got {label!r:.40}")
        self.label, self.grad, self.op = label, 0.0, ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        """d(self)/d(parent) for each parent, in the same order: the backward rule's factors."""

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ----- each operation: its result, and its local derivatives --------------------------
    def __add__(self, other: Value | float) -> Value:
        other = _value(other)
        return _result(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __mul__(self, other: Value | float) -> Value:
        other = _value(other)
        return _result(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __pow__(self, exponent: float) -> Value:
        p, x = validate.real_number(exponent, "the exponent in x ** p", "a number"), self.data
        if x == 0 and p < 0:
            raise BpkitError(f"0 ** {p:g} divides by zero: a negative exponent needs x != 0")
        if x < 0 and not p.is_integer():
            raise BpkitError(f"({x:g}) ** {p:g} is not real: a negative x needs a whole exponent")
        try:
            data, slope = x**p, (p * x ** (p - 1) if p else 0.0)
        except (OverflowError, ZeroDivisionError):  # e.g. the slope of x ** 0.5 at 0
            data = slope = math.inf
        return _result(data, f"**{p:g}", (self,), (slope,))

    def log(self) -> Value:
        """The natural log of self (which must be positive); its local derivative is 1 / self."""
        if self.data <= 0:
            raise BpkitError(f"log needs a positive number; got log({self.data:g})")
        return _result(math.log(self.data), "log", (self,), (1 / self.data,))

    def activate(self, name: str) -> Value:
        """f(self) for an activation in ``functions.ACTIVATIONS``, with f'(self) as local slope."""
        act = functions.activation(name)
        with np.errstate(all="ignore"):  # sigmoid(-800) is 0: exp overflows on the way there
            data, slope = float(act.f(self.data)), float(act.df(self.data))
        return _result(data, act.name, (self,), (slope,))

    tanh = partialmethod(activate, "tanh")
    sigmoid = partialmethod(activate, "sigmoid")
    relu = partialmethod(activate, "relu")  # its slope at exactly 0 is 1/2, as in the Network

    # ----- made of the operations above, so each local derivative is written once --------
    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + -_value(other)

    def __rsub__(self, other: float) -> Value:
        return _value(other) + -self

    def __truediv__(self, other: Value | float) -> Value:
        other = _value(other)
        if other.data == 0:
            raise BpkitError(f"division by zero in {self.data:g} / 0: the divisor must not be 0")
        return self * other**-1

    def __rtruediv__(self, other: float) -> Value:
        return _value(other) / self

    def __rpow__(self, base: float) -> Value:
        raise BpkitError("the exponent must be a number, not a Value: this engine has "
                         "x ** p for a number p only")

    __radd__, __rmul__ = __add__, __mul__

    # ----- not operations of this engine: each refusal names the number, .data ------------
    __lt__, __le__, __gt__, __ge__ = (_refused(f"a {op} b", f"compare the numbers: a.data {op} "
                                               "b.data") for op in ("<", "<=", ">", ">="))
    __abs__ = _refused("abs(a)", "take the number's abs(a.data)")
    __float__ = _refused("float(a)", "a Value's number is a.data")
    __array_ufunc__ = None  # numpy defers to the Value: array + Value is refused as Value + array

    # ----- the reverse sweep ---------------------------------------------------------------
    def backward(self) -> None:
        """Fill ``grad`` of every Value this one was computed from with d(self)/d(that Value).

        Gradients are computed afresh on every call (each grad in the graph is set to 0 first),
        so calling it twice gives the same numbers, not twice them.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # the output first, each Value after everything it feeds
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad  # += : a Value used twice gets both shares


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each after its parents (a loop, not recursion)."""
    root = validate.instance(root, Value, "root", "a Value, such as Value(2.0) * Value(3.0)")
    order: list[Value] = []
    done: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_placed = stack.pop()
        if parents_placed:
            order.append(node)
        elif node not in done:
            done.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node.parents)
                         if parent not in done)
    return order


def _value(number: Value | float) -> Value:
    return number if isinstance(number, Value) else Value(number)


def _result(data: float, op: str, parents: tuple[Value, ...],
            local_grads: tuple[float, ...]) -> Value:
    """The Value an operation gives, refusing a result or slope that overflows."""
    if not all(math.isfinite(number) for number in (data, *local_grads)):
        args = ", ".join(f"{parent.data:g}" for parent in parents)
        raise BpkitError(f"{op} of {args} is not finite (its value or its slope is infinite or "
                         "too large for a float): use other numbers")
    out = Value(data)
    out.op, out.parents, out.local_grads = op, parents, local_grads
    return out
