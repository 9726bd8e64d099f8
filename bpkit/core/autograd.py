"""A small scalar autograd engine: backpropagation as the chain rule on a graph of numbers.

Each operation on a ``Value`` gives a new Value that keeps its parents and, for each parent, the
local derivative d(result)/d(parent), a number known as soon as the result is computed.
``backward`` sorts the graph so every Value comes after its parents, then walks it from the output
back: each parent receives its local derivative times the gradient that reached the result. A
Value used twice receives from both uses, and the two add ("gradients add at forks").

``network_loss`` writes a bpkit ``Network``'s loss in Values, so one ``backward`` gives the same
dJ/dw as ``Network.gradients``, one multiply and one add at a time.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from functools import partialmethod, reduce

import numpy as np
import sympy as sp

from bpkit.core import functions, validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, checked_network, with_bias

Weights = list[list[list["Value"]]]
"""``weights[l][j][i]`` is the Value of ``Network.weights[l][j, i]``."""


class Value:
    """A number in a computation: its data, its gradient, and the operation that made it."""

    def __init__(self, data: float, label: str = "") -> None:
        self.data = validate.real_number(data, "a Value's data", "a finite number such as 2.0")
        if not isinstance(label, str):
            raise BpkitError(f"a Value's label must be text such as 'w1'; got {label!r:.40}")
        self.label, self.grad, self.op = label, 0.0, ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        """d(self)/d(parent) for each parent, in the same order."""

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

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

    def exp(self) -> Value:
        """The exponential e ** self, which is also its own local derivative."""
        try:
            data = math.exp(self.data)
        except OverflowError:
            data = math.inf
        return _result(data, "exp", (self,), (data,))

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

    # The other operations are made of those above, so each local derivative is written once.
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
        raise BpkitError("the exponent must be a number, not a Value: write b ** x as "
                         "(x * math.log(b)).exp()")

    __radd__, __rmul__ = __add__, __mul__

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
            stack.extend((parent, False) for parent in node.parents if parent not in done)
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


def network_loss(net: Network, X: object, Y: object) -> tuple[Value, Weights]:
    """The objective J of ``net`` on a batch as a Value, and the weights it was built from.

    J is the batch mean of the loss summed over the outputs, written with the loss's objective
    from ``functions.LOSSES`` (what the deltas differentiate: for the 'article' loss that is the
    negated squared error, so J.data is -net.loss(X, Y)). After ``J.backward()`` each weight's
    grad is dJ/dw. The logistic loss is written in h, so an output that rounds to 0 or 1 makes
    its log refuse.
    """
    net = checked_network(net)
    net.loss(X, Y)  # checks X and Y as the network does
    inputs, targets = validate.samples(X, Y, net.sizes[0], net.sizes[-1])
    weights = [[[Value(w, name) for w, name in zip(row, names)] for row, names in zip(*layer)]
               for layer in zip(net.weights, net.link_names)]
    objective = functions.loss(net.loss_name).objective
    terms = [_from_formula(objective, {functions.h: out, functions.y: float(target)})
             for z0, row in zip(with_bias(inputs), targets)
             for out, target in zip(_outputs(z0, weights, net.activations), row)]
    return _value(reduce(operator.add, terms)) / len(inputs), weights


def gradients(net: Network, X: object, Y: object) -> list[np.ndarray]:
    """dJ/dw for every weight of ``net`` by the engine, shaped like ``net.weights``."""
    loss, weights = network_loss(net, X, Y)
    loss.backward()
    return [np.array([[w.grad for w in row] for row in layer]) for layer in weights]


def _outputs(z0: Sequence[float], weights: Weights, activations: Sequence[str]) -> list[Value]:
    """One sample's forward pass: per unit a = sum of w * z over its links, then z = f(a)."""
    z: list[Value | float] = [float(x) for x in z0]  # X0 = 1, then the inputs
    for layer, name in zip(weights, activations):
        sums = [reduce(operator.add, [w * zi for w, zi in zip(row, z)]) for row in layer]
        z = [1.0, *(a.activate(name) for a in sums)]  # 1.0: the next layer's bias unit
    return z[1:]


def _from_formula(expr: sp.Expr, values: dict[sp.Symbol, Value | float]) -> Value | float:
    """A loss formula computed with Value operations, so the graph holds its every step."""
    if expr.is_Symbol:
        return values[expr]
    if expr.is_Number:
        return float(expr)
    args = [_from_formula(arg, values) for arg in expr.args]
    if expr.is_Add or expr.is_Mul:
        return reduce(operator.add if expr.is_Add else operator.mul, args)
    if expr.is_Pow:
        return _value(args[0]) ** args[1]
    if isinstance(expr, sp.log):
        return _value(args[0]).log()
    raise BpkitError(f"the autograd engine has no rule for {expr.func.__name__} in {expr}")
