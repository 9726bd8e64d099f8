"""A linear network is one plane: h = c0 + c1 X1 + c2 X2 + ..., whatever its weights.

With f(a) = a in every layer, each weighted sum is a weighted sum of the inputs, so the output
is one too. sympy composes the layers and collects the output by input: each coefficient c is a
formula in the weights, and all the weights act only through these few numbers. ``best_fit``
finds the plane closest to some targets (least squares, solved exactly): the best any linear
model, and so any linear network, can do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from bpkit.core import naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, checked_network
from bpkit.core.symbolic import SymbolicNetwork, unit_latex


@dataclass(frozen=True)
class Plane:
    """One output of a linear network as the plane h = c0 + c1 X1 + c2 X2 + ... it computes."""

    symbolic: SymbolicNetwork
    """The network's formulas; the c's are written in its weight symbols."""
    output: int
    """Which output unit (0 for the article's D0)."""
    composed: sp.Expr
    """h with every layer substituted in: a formula in the inputs X1, X2, ... and the weights."""
    coefficients: tuple[sp.Expr, ...]
    """c0 (the constant), then c1, c2, ... (the factor of X1, X2, ...), formulas in the weights."""

    @property
    def unit(self) -> str:
        """The output unit's name, e.g. D0."""
        return naming.target_names(self.symbolic.sizes, len(self.symbolic.sizes) - 1)[self.output]

    @property
    def inputs(self) -> list[sp.Symbol]:
        """The input symbols X1, X2, ... (X0, the bias, is 1)."""
        return self.symbolic.inputs[1:]

    def collected(self) -> sp.Expr:
        """The plane written out: c0 + c1 X1 + c2 X2 + ..."""
        c0, *slopes = self.coefficients
        return c0 + sp.Add(*(c * x for c, x in zip(slopes, self.inputs)))

    def remainder(self) -> sp.Expr:
        """The composed output minus the plane c0 + c1 X1 + ..., simplified (0: nothing lost)."""
        return sp.simplify(self.composed - self.collected())

    def latex(self) -> list[str]:
        """LaTeX lines: h = c0 + c1 X1 + ..., then each c as a formula in the article's names."""
        h = f"z_{{{unit_latex(self.unit)}}}"
        terms = " + ".join(["c_{0}", *(f"c_{{{k}}} {unit_latex(x.name)}"
                                       for k, x in enumerate(self.inputs, start=1))])
        return [f"{h} = {terms}", *(f"c_{{{k}}} = {self.symbolic.latex(c)}"
                                    for k, c in enumerate(self.coefficients))]

    def at(self, net: Network) -> np.ndarray:
        """The numbers c0, c1, ... at a network's weights (a linear network of this layout)."""
        checked_network(net)
        if not _is_linear(net) or net.sizes != self.symbolic.sizes:
            raise BpkitError(f"net must be a linear network of this plane's layout "
                             f"{list(self.symbolic.sizes)} (every activation 'identity'); got "
                             f"{net!r}")
        weights = dict(zip(self.symbolic.links_in_order,
                           (float(w) for layer in net.weights for w in layer.ravel())))
        return np.array([float(c.subs(weights)) for c in self.coefficients])

    def predict(self, coefficients: object, X: object) -> np.ndarray:
        """The plane's h = c0 + c1 X1 + ... for each sample of X, given numbers c0, c1, ..."""
        inputs = validate.as_batch(X, len(self.inputs), "X (the inputs)")
        return self._design(inputs) @ self._checked_coefficients(coefficients)

    def best_fit(self, X: object, Y: object) -> np.ndarray:
        """The c0, c1, ... whose plane has the least squared error on (X, Y): exact, by sympy.

        It solves the normal equations, where the gradient of the squared error in the c's is
        0; if several planes tie (too few distinct samples), the one with the smallest c's.
        """
        inputs, targets = validate.samples(X, Y, len(self.inputs), self.symbolic.sizes[-1])
        design = sp.Matrix(self._design(inputs)).applyfunc(sp.Rational)
        target = sp.Matrix(targets[:, self.output]).applyfunc(sp.Rational)
        best = (design.T * design).pinv() * (design.T * target)
        return np.array([float(c) for c in best])

    def _design(self, inputs: np.ndarray) -> np.ndarray:
        """One row per sample: 1 (for c0), then X1, X2, ..."""
        return np.column_stack([np.ones(len(inputs)), inputs])

    def _checked_coefficients(self, coefficients: object) -> np.ndarray:
        """``coefficients`` as a float array of c0, c1, ..., else raise naming the length."""
        count = len(self.coefficients)
        values = validate.real_array(coefficients, "coefficients")
        if values.shape != (count,):
            raise BpkitError(f"coefficients must be {count} numbers c0, c1, ... (one constant, "
                             f"then one per input); got shape {values.shape}")
        validate.require_finite(values, "coefficients")
        return values


def linear_plane(net: Network, output: int = 0) -> Plane:
    """A linear network's output as one plane, its c's formulas in the weights (sympy).

    ``net`` must have f(a) = a in every layer, e.g. ``article_network("squared")``; ``output``
    picks the output unit (0 for D0).
    """
    checked_network(net)
    if not _is_linear(net):
        raise BpkitError(f"net must be linear, with f(a) = a in every layer (activation "
                         f"'identity', output_activation 'identity'), to be one plane; got "
                         f"activations {list(net.activations)}")
    output = validate.index(output, net.sizes[-1], "output",
                            f"the network has {net.sizes[-1]} output unit(s)")
    sym = net.symbolic()
    composed = _composed_output(sym, output)
    poly = sp.Poly(sp.expand(composed), *sym.inputs[1:])
    coefficients = (poly.coeff_monomial(1), *(poly.coeff_monomial(x) for x in sym.inputs[1:]))
    return Plane(sym, output, composed, coefficients)


def _is_linear(net: Network) -> bool:
    """True if every layer of ``net`` has f(a) = a."""
    return all(name == "identity" for name in net.activations)


def _composed_output(sym: SymbolicNetwork, output: int) -> sp.Expr:
    """One output's z with every layer substituted in: a formula in X1, X2, ... and the weights."""
    known: dict[sp.Symbol, sp.Expr] = {sym.inputs[0]: sp.Integer(1)}
    known.update({sym.z[bias]: sp.Integer(1) for bias in sym.bias_units})
    for layer in range(1, len(sym.sizes)):
        for unit in naming.target_names(sym.sizes, layer):
            z = sym.activation[unit].subs(sym.a[unit], sym.weighted_sum[unit])
            known[sym.z[unit]] = z.subs(known)
    last = naming.target_names(sym.sizes, len(sym.sizes) - 1)[output]
    return known[sym.z[last]]
