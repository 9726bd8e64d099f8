"""Activations and losses, each defined once as a sympy expression.

The numeric function the network calls and its derivative are both derived from that one
expression (sympy's ``diff`` then ``lambdify``), so the formula a learner reads and the number
the network computes cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp

from bpkit.core.errors import BpkitError

a = sp.Symbol("a", real=True)
"""The weighted sum of a unit, the argument of every activation."""
h = sp.Symbol("h", real=True)
"""The network's output (the activation of an output unit)."""
y = sp.Symbol("y", real=True)
"""The target for that output."""

NumericFn = Callable[..., np.ndarray]


def _numeric(expr: sp.Expr, *args: sp.Symbol) -> NumericFn:
    """Turn a sympy expression into a numpy function of its symbols.

    A constant expression (the identity's derivative is 1) gives that number as a float, which
    multiplies an array like an array of that constant would.
    """
    return sp.lambdify(args, sp.Float(expr) if expr.is_number else expr, "numpy")


@dataclass(frozen=True)
class Activation:
    """An activation f(a): its formula, and f and f' as numpy functions derived from it."""

    name: str
    formula: sp.Expr

    @cached_property
    def derivative(self) -> sp.Expr:
        """f'(a) as sympy derives it: the form a learner reads, e.g. 1 - tanh(a)^2."""
        return sp.diff(self.formula, a)

    @cached_property
    def f(self) -> NumericFn:
        """f(a) as a numpy function."""
        return _numeric(self.formula, a)

    @cached_property
    def df(self) -> NumericFn:
        """f'(a) as a numpy function, from the simplified derivative (stable for large |a|)."""
        return _numeric(sp.simplify(self.derivative), a)

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        """Apply the activation's formula to a sympy expression (f(a) with a := expr)."""
        return self.formula.subs(a, expr)


@dataclass(frozen=True)
class Loss:
    """A per-output loss J(h, y), and the objective whose derivative gives the output delta.

    For an honest loss the objective is the loss itself. The ``article`` convention reports the
    squared error but takes its delta from the negated squared error, which is exactly
    "delta = actual - predicted": gradient descent on it climbs the squared error.
    """

    name: str
    formula: sp.Expr
    objective: sp.Expr
    description: str
    needs_unit_interval: bool = False

    @cached_property
    def output_gradient(self) -> sp.Expr:
        """d(objective)/dh, derived by sympy: the factor the output delta starts from."""
        return sp.simplify(sp.diff(self.objective, h))

    @cached_property
    def value(self) -> NumericFn:
        """J(h, y) as a numpy function."""
        return _numeric(self.formula, h, y)

    @cached_property
    def d_dh(self) -> NumericFn:
        """d(objective)/dh as a numpy function."""
        return _numeric(self.output_gradient, h, y)

    def __call__(self, output: sp.Expr, target: sp.Expr) -> sp.Expr:
        """The loss formula with h := output and y := target."""
        return self.formula.subs({h: output, y: target}, simultaneous=True)

    def objective_at(self, output: sp.Expr, target: sp.Expr) -> sp.Expr:
        """The objective with h := output and y := target (what the deltas differentiate)."""
        return self.objective.subs({h: output, y: target}, simultaneous=True)


_squared_error = sp.Rational(1, 2) * (h - y) ** 2

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("identity", a),
        Activation("sigmoid", 1 / (1 + sp.exp(-a))),
        Activation("tanh", sp.tanh(a)),
        Activation("relu", sp.Max(0, a)),
    )
}

LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "squared",
            _squared_error,
            _squared_error,
            "half squared error 1/2 (h - y)^2: its output delta is predicted - actual",
        ),
        Loss(
            "logistic",
            -(y * sp.log(h) + (1 - y) * sp.log(1 - h)),
            -(y * sp.log(h) + (1 - y) * sp.log(1 - h)),
            "cross-entropy -[y log h + (1 - y) log(1 - h)], for a sigmoid output",
            needs_unit_interval=True,
        ),
        Loss(
            "article",
            _squared_error,
            -_squared_error,
            "the article's convention: output delta = actual - predicted (the wrong sign)",
        ),
    )
}


def activation(name: str | Activation) -> Activation:
    """Look an activation up by name, with a clear error for an unknown one."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise BpkitError(
            f"unknown activation {name!r}: expected one of {', '.join(sorted(ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]


def loss(name: str | Loss) -> Loss:
    """Look a loss up by name, with a clear error for an unknown one."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str) or name not in LOSSES:
        raise BpkitError(f"unknown loss {name!r}: expected one of {', '.join(sorted(LOSSES))}")
    return LOSSES[name]
