"""Activations and losses, each defined once as a sympy expression.

The numeric function the network calls and its derivative are both derived from that one
expression (sympy's ``diff`` then ``lambdify``), so the formula a learner reads and the number
the network computes cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import sympy as sp

from bpkit.core.errors import BpkitError

a = sp.Symbol("a", real=True)
"""The weighted sum of a unit, the argument of every activation."""
h = sp.Symbol("h", real=True)
"""The network's output (the activation of an output unit)."""
z = sp.Symbol("z", real=True)
"""A unit's activation z = f(a), in which f'(a) has a short form for sigmoid and tanh."""
y = sp.Symbol("y", real=True)
"""The target for that output."""
gap, target_gap, end = sp.symbols("g t c", real=True)
"""For an output near the value c its activation tends to (1 for a sigmoid): h = c + g, with
g = f(a) - c computed from a, and y = c - t, so that h - y = g + t keeps digits h loses."""

NumericFn = Callable[..., np.ndarray]


class softplus(sp.Function):  # noqa: N801 -- a sympy function, named as sympy names them
    """softplus(x) = log(1 + e^x), which numpy computes for any x as logaddexp(0, x).

    Written this way the logistic loss stays finite and exact where the sigmoid's output h
    rounds to 0 or 1; its derivative is the sigmoid itself.
    """

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        """The derivative of softplus(x): 1 / (1 + e^-x), the sigmoid."""
        return 1 / (1 + sp.exp(-self.args[0]))

    def _eval_rewrite_as_log(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(sp.log)._eval_evalf(prec)

    def _numpycode(self, printer: object) -> str:
        return f"{printer._module_format('numpy.logaddexp')}(0, {printer._print(self.args[0])})"


def _numeric(expr: sp.Expr, *args: sp.Symbol) -> NumericFn:
    """Turn a sympy expression into a numpy function of its symbols.

    A constant expression (the identity's derivative is 1) gives that number as a float, which
    multiplies an array like an array of that constant would.
    """
    return sp.lambdify(args, sp.Float(expr) if expr.is_number else expr, "numpy")


@dataclass(frozen=True)
class Activation:
    """An activation f(a): its formula, f and f' derived from it, and how learners read it."""

    name: str
    formula: sp.Expr
    z_form: sp.Expr | None
    """f'(a) written in the unit's own activation z = f(a) (tests prove it equal to sympy's
    f'(a)): sigmoid z (1 - z), tanh 1 - z^2; None where there is no such form (relu)."""
    words: str
    """The activation as a sentence names it, with its formula in LaTeX: 'tanh, $f(a) = ...$'."""
    unit_range: str
    """The values its units take, as a learner writes them: '(0, 1)' for sigmoid."""

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

    @cached_property
    def df_of_z(self) -> NumericFn:
        """f'(a) as a numpy function of z = f(a), from ``z_form`` (a BpkitError without one)."""
        if self.z_form is None:
            raise BpkitError(f"{self.name} has no z form of f'(a): use df, a function of a")
        return _numeric(self.z_form, z)

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
    output_activation: str | None = None
    """The output activation this loss is made for ('sigmoid' for the logistic loss), if any."""
    of_sums: sp.Expr | None = None
    """The loss in terms of the output's weighted sum a, for ``output_activation``: the same
    function as ``formula`` with h = f(a), written so it stays finite and exact for every a."""
    convention: str | None = None
    """For the two sign conventions of the article's example: 'correct sign' or "article's sign"."""
    output_delta: str = "predicted − actual"
    """The output delta of a linear output in words: 'predicted − actual' (h − y), or the
    article's 'actual − predicted' (y − h)."""

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


@dataclass(frozen=True)
class OutputLayer:
    """The output layer's J and delta dJ/da as numpy functions of (a, h, y), one formula each.

    The delta is equation 1, dJ/dh * f'(a), multiplied out by sympy. A loss made for its output
    activation (the logistic loss with a sigmoid) takes both from the loss written in a, whose
    derivative sympy shows to be exactly h - y, and which stays exact where h rounds to 0 or 1.
    """

    activation: Activation
    loss: Loss

    @property
    def from_sums(self) -> bool:
        """True if J and the delta come from the loss written in a (``Loss.of_sums``)."""
        return self.loss.of_sums is not None and self.loss.output_activation == \
            self.activation.name

    @cached_property
    def loss_formula(self) -> sp.Expr:
        """J for one output, in h and y (or in a, see ``from_sums``)."""
        return self.loss.of_sums if self.from_sums else self.loss.formula

    @cached_property
    def delta_formula(self) -> sp.Expr:
        """dJ/da for one output: dJ/dh * f'(a), or d/da of the loss written in a."""
        if self.from_sums:
            return sp.diff(self.loss.of_sums, a)
        return self.loss.output_gradient * sp.simplify(self.activation.derivative)

    @cached_property
    def loss_of_a(self) -> sp.Expr:
        """The loss formula with h = f(a): what ``loss_formula`` must equal."""
        return self.loss.formula.subs(h, self.activation.formula)

    @cached_property
    def product(self) -> sp.Expr:
        """Equation 1 as written, dJ/dh * f'(a), with h = f(a): what the delta must equal."""
        return (self.loss.output_gradient * self.activation.derivative).subs(
            h, self.activation.formula)

    @cached_property
    def ends(self) -> tuple[sp.Expr, sp.Expr] | None:
        """f(a)'s limits as a goes to +oo and -oo if both are finite (sigmoid, tanh), else None.

        None too where J comes from the loss written in a (``from_sums``).
        """
        if self.from_sums:
            return None
        limits = tuple(sp.limit(self.activation.formula, a, side) for side in (sp.oo, -sp.oo))
        return limits if all(limit.is_finite for limit in limits) else None

    @cached_property
    def value(self) -> NumericFn:
        """J(a, h, y) as a numpy function (see ``near_ends``)."""
        return self.near_ends(self.loss_formula)

    @cached_property
    def delta(self) -> NumericFn:
        """dJ/da (a, h, y) as a numpy function: the output delta (see ``near_ends``)."""
        return self.near_ends(self.delta_formula)

    def near_ends(self, expr: sp.Expr) -> NumericFn:
        """``expr`` in (a, h, y) as a numpy function that keeps h - y where h nears an end.

        Where a sigmoid or tanh output is nearer the end c it tends to than to 0, ``expr`` is
        computed with h = c + g and y = c - t (so h - y is g + t), and g = f(a) - c from a in
        the form sympy simplifies it to (-1/(e^a + 1) for a sigmoid at c = 1): at a = 40, h
        rounds to 1 but g is -4.2e-18, so the squared loss's delta stays (h - y) f'(a).
        """
        plain = _numeric(expr, a, h, y)
        if self.ends is None:
            return plain
        near = _numeric(expr.subs({h: end + gap, y: end - target_gap}, simultaneous=True),
                        a, gap, target_gap, end)
        (top, above), (bottom, below) = [
            (float(c), _numeric(sp.simplify((self.activation.formula - c).rewrite(sp.exp)), a))
            for c in self.ends]

        def numeric(sums: np.ndarray, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
            up = np.asarray(sums) > 0
            with np.errstate(over="ignore"):  # e^a overflows to inf far out: g is then 0
                g = np.where(up, above(np.maximum(sums, 0.0)), below(np.minimum(sums, 0.0)))
                c = np.where(up, top, bottom)
                return np.where(np.abs(g) < np.abs(c + g), near(sums, g, c - targets, c),
                                plain(sums, outputs, targets))
        return numeric


def output_layer(output_activation: str | Activation, loss_name: str | Loss) -> OutputLayer:
    """The output layer for an activation and a loss, by name or object (one per pair)."""
    return _output_layer(activation(output_activation), loss(loss_name))


@cache
def _output_layer(output_activation: Activation, loss_function: Loss) -> OutputLayer:
    return OutputLayer(output_activation, loss_function)


_squared_error = sp.Rational(1, 2) * (h - y) ** 2

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("identity", a, sp.Integer(1), "linear, $f(a) = a$", "any real number"),
        Activation("sigmoid", 1 / (1 + sp.exp(-a)),
                   sp.Mul(z, sp.Add(1, -z, evaluate=False), evaluate=False),
                   "sigmoid, $f(a) = 1 / (1 + e^{-a})$", "(0, 1)"),
        Activation("tanh", sp.tanh(a), sp.Add(1, -(z**2), evaluate=False),
                   r"tanh, $f(a) = \tanh(a)$", "(−1, 1)"),
        Activation("relu", sp.Max(0, a), None, r"relu, $f(a) = \max(0, a)$", "[0, ∞)"),
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
            convention="correct sign",
        ),
        Loss(
            "logistic",
            -(y * sp.log(h) + (1 - y) * sp.log(1 - h)),
            -(y * sp.log(h) + (1 - y) * sp.log(1 - h)),
            "cross-entropy -[y log h + (1 - y) log(1 - h)], for a sigmoid output",
            needs_unit_interval=True,
            output_activation="sigmoid",
            of_sums=y * softplus(-a) + (1 - y) * softplus(a),
        ),
        Loss(
            "article",
            _squared_error,
            -_squared_error,
            "the article's convention: output delta = actual - predicted (the wrong sign)",
            convention="article's sign",
            output_delta="actual − predicted",
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
