"""The network in sympy: every weighted sum, activation, delta and gradient as a formula.

Weights, inputs and targets are symbols, so each formula is the general one; ``values``
evaluates them at numbers to show they equal what the numeric network computes, and
``symbol_values`` reads every symbol's number from a step's trace. Deltas are
derived layer by layer (dJ/da of a unit from the deltas of the layer after it), which keeps
derivation fast as the network grows; the fully composed derivatives, slower, are built only
when asked for, to prove the layer-by-layer ones right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import sympy as sp

from bpkit.core import functions, naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.functions import a as a_symbol
from bpkit.core.trace import StepTrace, checked_trace

NetworkLayout = tuple[tuple[int, ...], tuple[str, ...], str]
"""A network's layout as ``derive`` caches it: sizes, activation names, loss name."""


def unit_latex(name: str) -> str:
    """LaTeX for a unit name: X1 -> X_{1}, Z1_3 -> Z^{(1)}_{3}."""
    deep = re.fullmatch(r"([A-Z])(\d+)_(\d+)", name)
    if deep:
        return f"{deep[1]}^{{({deep[2]})}}_{{{deep[3]}}}"
    plain = re.fullmatch(r"([A-Z])(\d+)", name)
    return f"{plain[1]}_{{{plain[2]}}}" if plain else name


def proved_zero(difference: sp.Expr) -> bool:
    """True if sympy simplifies ``difference`` to exactly 0 (tanh and cosh rewritten as exp)."""
    return sp.simplify(difference.rewrite(sp.exp)) == 0


@dataclass(frozen=True)
class ShortcutTerms:
    """One unit's shortcut delta, piece by piece, in the order the article reads it.

    A hidden unit: delta = f'(a) * (w * delta + w * delta + ...) over its outgoing links.
    An output unit: delta = (the loss's own factor dJ/dh) * f'(a).
    """

    unit: str
    f_prime: sp.Expr
    """f'(a), as sympy derives it, at the unit's weighted sum."""
    links: tuple[tuple[sp.Symbol, sp.Symbol], ...]
    """(weight, delta of the target) for each outgoing link, in link order; empty for outputs."""
    loss_factor: sp.Expr | None
    """d(objective)/dh at h = the output's activation z; None for a hidden unit."""

    def factors(self, evaluate: bool = True) -> tuple[sp.Expr, sp.Expr]:
        """The delta's two factors in reading order; unevaluated, the sum keeps link order."""
        if self.loss_factor is not None:
            return self.loss_factor, self.f_prime
        terms = [sp.Mul(w, delta, evaluate=evaluate) for w, delta in self.links]
        return self.f_prime, sp.Add(*terms, evaluate=evaluate)


class SymbolicNetwork:
    """sympy symbols and derived formulas for one network layout (its weights stay symbols)."""

    def __init__(self, sizes: Sequence[int], activations: Sequence[str], loss: str) -> None:
        self.sizes, names, loss_name = checked_layout(sizes, activations, loss)
        self.unit_names = naming.unit_names(self.sizes)
        self.activations = [functions.activation(name) for name in names]
        self.loss_function = functions.loss(loss_name)
        self.latex_names: dict[sp.Symbol, str] = {}
        last = len(self.sizes) - 1

        self.inputs = [self._symbol(n, unit_latex(n)) for n in self.unit_names[0]]
        """X0 (the bias, always 1), X1, X2, ..."""
        self.targets = [self._symbol("y" if self.sizes[-1] == 1 else f"y{k}",
                                     "y" if self.sizes[-1] == 1 else f"y_{{{k}}}")
                        for k in range(self.sizes[-1])]
        """The target y for each output unit."""
        self.z: dict[str, sp.Symbol] = dict(zip(self.unit_names[0], self.inputs))
        """Each unit's activation symbol: X1 for inputs, z_Z1, z_D0 (= h) for the rest."""
        self.a: dict[str, sp.Symbol] = {}
        """Each receiving unit's weighted-sum symbol, e.g. a_Z1."""
        self.delta: dict[str, sp.Symbol] = {}
        """Each receiving unit's delta symbol, e.g. delta_Z1."""
        self.weights: list[list[list[sp.Symbol]]] = []
        """``weights[l][j][i]`` is the symbol for ``Network.weights[l][j, i]``."""
        for layer in range(1, last + 1):
            for name in self.unit_names[layer]:
                self.z[name] = self._symbol(f"z_{name}", f"z_{{{unit_latex(name)}}}")
            for name in naming.target_names(self.sizes, layer):
                self.a[name] = self._symbol(f"a_{name}", f"a_{{{unit_latex(name)}}}")
                self.delta[name] = self._symbol(f"delta_{name}",
                                                rf"\delta_{{{unit_latex(name)}}}")
            self.weights.append([
                [self._symbol(naming.link_name(s, t),
                              rf"w_{{{unit_latex(s)} \to {unit_latex(t)}}}")
                 for s in self.unit_names[layer - 1]]
                for t in naming.target_names(self.sizes, layer)
            ])

    def _symbol(self, name: str, latex: str) -> sp.Symbol:
        symbol = sp.Symbol(name, real=True)
        self.latex_names[symbol] = latex
        return symbol

    # ----- structure ---------------------------------------------------------------------
    def layer_of(self, unit: str) -> int:
        """The layer index of a unit name."""
        every = [name for names in self.unit_names for name in names]
        if not isinstance(unit, str) or unit not in every:
            raise BpkitError(f"no unit named {unit!r:.40} in this network: its units are "
                             f"{', '.join(every)}")
        return next(layer for layer, names in enumerate(self.unit_names) if unit in names)

    def _with_delta(self, unit: object) -> str:
        """Return ``unit`` if it has a weighted sum and a delta, else raise naming those that do."""
        if not isinstance(unit, str) or unit not in self.a:
            raise BpkitError(f"{unit!r:.40} has no delta: units with one are "
                             f"{', '.join(self.a)} (input and bias units have none)")
        return unit

    def _link(self, link: object) -> str:
        """The article's name of a link of this network ('X0->Z1' or 'w(X0->Z1)'), else raise."""
        key = naming.link_key(link)
        if key not in self.links:
            raise BpkitError(f"no link named {key!r} in this network: links are "
                             f"{', '.join(self.links)}")
        return key

    @property
    def bias_units(self) -> list[str]:
        """Names of the bias units, whose activation is the constant 1."""
        return [names[0] for names in self.unit_names[:-1]]

    @cached_property
    def links(self) -> dict[str, tuple[sp.Symbol, str, str]]:
        """Every weight by link name: (symbol, source unit, target unit)."""
        links = {}
        for layer, rows in enumerate(self.weights, start=1):
            for target, row in zip(naming.target_names(self.sizes, layer), rows):
                for source, weight in zip(self.unit_names[layer - 1], row):
                    links[weight.name] = (weight, source, target)
        return links

    def _incoming(self, unit: str) -> list[tuple[sp.Symbol, str]]:
        return [(w, s) for w, s, t in self.links.values() if t == unit]

    def _outgoing(self, unit: str) -> list[tuple[sp.Symbol, str]]:
        return [(w, t) for w, s, t in self.links.values() if s == unit]

    # ----- forward -----------------------------------------------------------------------
    @cached_property
    def weighted_sum(self) -> dict[str, sp.Expr]:
        """Each unit's weighted sum a = sum of w * z over its incoming links (source z symbols)."""
        return {u: sp.Add(*(w * self.z[s] for w, s in self._incoming(u))) for u in self.a}

    @cached_property
    def activation(self) -> dict[str, sp.Expr]:
        """Each receiving unit's activation z = f(a), in terms of its own weighted-sum symbol."""
        return {u: self._act(u)(self.a[u]) for u in self.a}

    def _act(self, unit: str) -> functions.Activation:
        return self.activations[self.layer_of(unit) - 1]

    @cached_property
    def loss(self) -> sp.Expr:
        """J for one sample, summed over the outputs, in terms of the output activations."""
        outputs = naming.target_names(self.sizes, len(self.sizes) - 1)
        return sp.Add(*(self.loss_function(self.z[u], y) for u, y in zip(outputs, self.targets)))

    # ----- backward, layer by layer --------------------------------------------------------
    @cached_property
    def deltas(self) -> dict[str, sp.Expr]:
        """dJ/da for each receiving unit, derived by sympy one layer at a time.

        An output delta is d(objective)/da with h = f(a). A hidden delta differentiates
        sum_k delta_k * a_k, with z of the unit written as f(a), with respect to its a: the
        chain rule dJ/da = sum_k dJ/da_k * da_k/da, leaving the next layer's deltas as symbols.
        """
        derived = {}
        last = len(self.sizes) - 1
        outputs = naming.target_names(self.sizes, last)
        for unit, target in zip(outputs, self.targets):
            h = self._act(unit)(self.a[unit])
            derived[unit] = sp.diff(self.loss_function.objective_at(h, target), self.a[unit])
        for layer in range(last - 1, 0, -1):
            for unit in naming.target_names(self.sizes, layer):
                downstream = sp.Add(*(self.delta[t] * self.weighted_sum[t]
                                      for _, t in self._outgoing(unit)))
                composed = downstream.subs(self.z[unit], self.activation[unit])
                derived[unit] = sp.diff(composed, self.a[unit])
        return derived

    def shortcut_terms(self, unit: str) -> ShortcutTerms:
        """The pieces of ``unit``'s shortcut delta, in reading order (written here only).

        A hidden unit's f'(a) and its outgoing links' (w, delta); an output unit's loss factor
        dJ/dh and f'(a). ``shortcut`` and the worked steps (``bpkit.steps``) both build on it.
        """
        self._with_delta(unit)
        f_prime = self._act(unit).derivative.subs(a_symbol, self.a[unit])
        outputs = naming.target_names(self.sizes, len(self.sizes) - 1)
        if unit not in outputs:
            links = tuple((w, self.delta[t]) for w, t in self._outgoing(unit))
            return ShortcutTerms(unit, f_prime, links, None)
        target = self.targets[outputs.index(unit)]
        loss_factor = self.loss_function.output_gradient.subs(
            {functions.h: self.z[unit], functions.y: target}, simultaneous=True)
        return ShortcutTerms(unit, f_prime, (), loss_factor)

    @cached_property
    def shortcut(self) -> dict[str, sp.Expr]:
        """The article's shortcut, written out: delta = f'(a) * sum(w * delta of the target).

        For an output unit the sum is replaced by d(objective)/dh, the loss's own factor, with
        the output h written as f(a).
        """
        written = {}
        for unit in self.a:
            formula = sp.Mul(*self.shortcut_terms(unit).factors())
            written[unit] = formula.subs(self.z[unit], self.activation[unit])
        return written

    def shortcut_matches(self, unit: str) -> bool:
        """True if sympy proves the shortcut formula equal to the derived delta for ``unit``."""
        self._with_delta(unit)
        return proved_zero(self.deltas[unit] - self.shortcut[unit])

    @cached_property
    def gradients(self) -> dict[str, sp.Expr]:
        """dJ/dw for each link: d(a of the target)/dw times the target's delta (z * delta)."""
        return {name: sp.diff(self.weighted_sum[t], w) * self.delta[t]
                for name, (w, _, t) in self.links.items()}

    # ----- the whole composition, for proofs ----------------------------------------------
    def objective_in_layer(self, layer: int) -> sp.Expr:
        """The objective for one sample as a function of the weighted sums a of ``layer``."""
        layer = validate.whole_number(layer, "layer", 1, len(self.sizes) - 1,
                                      "the layers with weighted sums; layer 0 is the inputs")
        return self._objective_in_layer(layer)

    @cache  # noqa: B019 -- one SymbolicNetwork per layout, kept for the session on purpose
    def _objective_in_layer(self, layer: int) -> sp.Expr:
        last = len(self.sizes) - 1
        if layer == last:
            outputs = naming.target_names(self.sizes, last)
            return sp.Add(*(self.loss_function.objective_at(self.activation[u], y)
                            for u, y in zip(outputs, self.targets)))
        later = {}
        for unit in naming.target_names(self.sizes, layer + 1):
            later[self.a[unit]] = self.weighted_sum[unit].subs(self._as_function_of(layer))
        return self._objective_in_layer(layer + 1).subs(later, simultaneous=True)

    def _as_function_of(self, layer: int) -> dict[sp.Symbol, sp.Expr]:
        """Activations of ``layer`` written as f(a), with its bias unit's activation set to 1."""
        subs = {self.z[u]: self.activation[u] for u in naming.target_names(self.sizes, layer)}
        subs[self.z[self.unit_names[layer][0]]] = sp.Integer(1)
        return subs

    @cached_property
    def full_objective(self) -> sp.Expr:
        """The objective for one sample in terms of the inputs, targets and weights only."""
        first = {self.a[u]: self.weighted_sum[u] for u in naming.target_names(self.sizes, 1)}
        return self._objective_in_layer(1).subs(first, simultaneous=True)

    def full_delta(self, unit: str) -> sp.Expr:
        """dJ/da of ``unit`` differentiated through the whole composition above it."""
        self._with_delta(unit)
        return sp.diff(self._objective_in_layer(self.layer_of(unit)), self.a[unit])

    def delta_proved(self, unit: str) -> bool:
        """True if the layer-by-layer delta equals dJ/da through the whole composition.

        The next layer's delta symbols are replaced by their own full derivatives, written in
        terms of this layer's weighted sums, and sympy simplifies the difference to zero.
        """
        later = self._later_deltas_in_full(self.layer_of(self._with_delta(unit)))
        layer_by_layer = self.deltas[unit].subs(later, simultaneous=True)
        return proved_zero(layer_by_layer - self.full_delta(unit))

    def shortcut_minus_derivative(self, unit: str) -> sp.Expr:
        """The shortcut delta minus dJ/da through the whole network, simplified: 0 proves it.

        The shortcut's later deltas are written as their own full derivatives, so both sides
        are formulas in this layer's weighted sums, the later weights and y; a difference that
        simplifies to 0 says they are one function, equal at every value of those symbols.
        """
        later = self._later_deltas_in_full(self.layer_of(self._with_delta(unit)))
        shortcut = self.shortcut[unit].subs(later, simultaneous=True)
        return sp.simplify((shortcut - self.full_delta(unit)).rewrite(sp.exp))

    def _later_deltas_in_full(self, layer: int) -> dict[sp.Symbol, sp.Expr]:
        """The next layer's delta symbols as their full derivatives in ``layer``'s sums a."""
        if layer == len(self.sizes) - 1:
            return {}
        this_layer = self._as_function_of(layer)
        later = {self.a[t]: self.weighted_sum[t].subs(this_layer)
                 for t in naming.target_names(self.sizes, layer + 1)}
        return {self.delta[t]: self.full_delta(t).subs(later, simultaneous=True)
                for t in naming.target_names(self.sizes, layer + 1)}

    def full_gradient(self, link: str) -> sp.Expr:
        """dJ/dw differentiated from the fully composed objective (no delta symbols).

        ``link`` is 'w(X0->Z1)' or 'X0->Z1'.
        """
        return sp.diff(self.full_objective, self.links[self._link(link)][0])

    # ----- numbers ---------------------------------------------------------------------------
    def values(self, weights: Sequence[np.ndarray], x: Sequence[float],
               y: Sequence[float] | float) -> dict[str, dict[str, float]]:
        """Evaluate every formula for one sample, layer by layer, by sympy substitution.

        Returns ``{"a": {...}, "z": {...}, "delta": {...}, "gradient": {...}}`` keyed by unit
        or link name: the numbers the numeric network must reproduce.
        """
        weights = self._weight_arrays(weights)
        inputs, targets = self._one_sample(x, y)
        known: dict[sp.Symbol, sp.Expr] = {self.inputs[0]: sp.Integer(1)}
        known.update({s: sp.Float(v) for s, v in zip(self.inputs[1:], inputs)})
        known.update({s: sp.Float(v) for s, v in zip(self.targets, targets)})
        for layer, rows in enumerate(self.weights):
            known.update({s: sp.Float(weights[layer][j][i])
                          for j, row in enumerate(rows) for i, s in enumerate(row)})
        out: dict[str, dict[str, float]] = {"a": {}, "z": {}, "delta": {}, "gradient": {}}
        for layer in range(1, len(self.sizes)):
            if layer < len(self.sizes) - 1:
                known[self.z[self.unit_names[layer][0]]] = sp.Integer(1)
            for unit in naming.target_names(self.sizes, layer):
                known[self.a[unit]] = self.weighted_sum[unit].subs(known)
                known[self.z[unit]] = self.activation[unit].subs(known)
                out["a"][unit] = _finite(known[self.a[unit]], f"a of {unit}")
                out["z"][unit] = _finite(known[self.z[unit]], f"z of {unit}")
        for layer in range(len(self.sizes) - 1, 0, -1):
            for unit in naming.target_names(self.sizes, layer):
                known[self.delta[unit]] = self.deltas[unit].subs(known)
                out["delta"][unit] = _finite(known[self.delta[unit]], f"the delta of {unit}")
        for name, expr in self.gradients.items():
            out["gradient"][name] = _finite(expr.subs(known), f"the gradient of {name}")
        return out

    def full_deltas_at(self, weights: Sequence[np.ndarray], x: Sequence[float],
                       y: Sequence[float] | float) -> dict[str, float]:
        """dJ/da of every unit through the whole network (``full_delta``), at one sample's numbers.

        Each full derivative is a formula in its layer's weighted sums, the later weights and
        y; the sums come from ``values`` at these weights, so no delta symbol is used.
        """
        weights = self._weight_arrays(weights)
        sums = self.values(weights, x, y)["a"]
        at: dict[sp.Symbol, float] = {self.a[unit]: value for unit, value in sums.items()}
        at.update({s: float(v) for s, v in zip(self.links_in_order,
                                               (v for w in weights for v in w.ravel()))})
        at.update(zip(self.targets, map(float, self._one_sample(x, y)[1])))
        return {unit: _finite(self.full_delta(unit).subs(at), f"dJ/da of {unit}")
                for unit in self.a}

    def _one_sample(self, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
        """One sample's inputs and targets as flat float arrays, checked; else a BpkitError."""
        inputs, targets = validate.samples(x, y, self.sizes[0], self.sizes[-1])
        if len(inputs) != 1:
            raise BpkitError(f"values takes one sample: x of {self.sizes[0]} number(s) and y of "
                             f"{self.sizes[-1]}; got {len(inputs)} samples")
        return inputs[0], targets[0]

    def _weight_arrays(self, weights: object) -> list[np.ndarray]:
        """``weights`` as float arrays shaped as ``Network.weights`` for this layout, or raise."""
        return validate.weight_arrays(weights, validate.weight_shapes(self.sizes))

    def symbol_values(self, trace: StepTrace, sample: int = 0) -> dict[sp.Symbol, float]:
        """Every symbol's number in one sample of a step: X, y, z, a, delta and the weights.

        The weights are the ones the step started from. ``trace`` must come from a network
        with this layout (sizes, activations and loss).
        """
        checked_trace(trace)
        layout = (trace.sizes, tuple(trace.activations), trace.loss_name)
        mine = (self.sizes, tuple(act.name for act in self.activations), self.loss_function.name)
        if layout != mine:
            raise BpkitError(f"the trace's layout {layout} is not this symbolic network's "
                             f"{mine}: derive the symbolic network of the trace's network")
        validate.index(sample, trace.n_samples, "sample",
                       f"this step used {trace.n_samples} sample(s)")
        numbers: dict[sp.Symbol, float] = {}
        for name, unit in trace.units.items():
            numbers[self.z[name]] = float(unit.z[sample])
            if name in self.a:
                numbers[self.a[name]] = float(unit.a[sample])
                numbers[self.delta[name]] = float(unit.delta[sample])
        numbers.update(zip(self.targets, map(float, trace.targets[sample])))
        numbers.update({self.links[name][0]: link.old for name, link in trace.links.items()})
        return numbers

    @cached_property
    def _full_gradient_function(self):  # noqa: ANN202 -- a lambdified sympy function
        args = [*self.inputs, *self.targets, *self.links_in_order]
        exprs = [self.full_gradient(name) for name in self.links]
        return sp.lambdify(args, exprs, "numpy", cse=True)

    @cached_property
    def links_in_order(self) -> list[sp.Symbol]:
        """The weight symbols in the order of the flattened weight arrays."""
        return [w for rows in self.weights for row in rows for w in row]

    def full_gradients(self, weights: Sequence[np.ndarray], X: np.ndarray,
                       Y: np.ndarray) -> list[np.ndarray]:
        """dJ/dw from the fully composed objective, averaged over a batch, shaped like weights."""
        weights = self._weight_arrays(weights)
        X, Y = validate.samples(X, Y, self.sizes[0], self.sizes[-1])
        flat = [float(v) for w in weights for v in w.ravel()]
        total = np.zeros(len(flat))
        for x, y in zip(X, Y):
            total += np.array(self._full_gradient_function(1.0, *x, *y, *flat), dtype=float)
        total /= X.shape[0]
        shaped, start = [], 0
        for w in weights:
            shaped.append(total[start:start + w.size].reshape(w.shape))
            start += w.size
        return shaped

    # ----- display ---------------------------------------------------------------------------
    def latex(self, expr: sp.Expr) -> str:
        """LaTeX for an expression, with the article's names (w_{X_0 -> Z_1}, delta_{Z_1})."""
        if not isinstance(expr, sp.Basic):
            raise BpkitError(f"expr must be a sympy expression, such as sym.deltas['Z1']; got "
                             f"{type(expr).__name__} {expr!r:.40}")
        return sp.latex(expr, symbol_names=self.latex_names)


def _finite(value: sp.Expr, what: str) -> float:
    """A formula's value as a float, refused if it is complex, infinite or undefined."""
    try:
        number = complex(value)
    except TypeError:  # sympy's complex infinity, or an undefined value
        number = complex(np.nan)
    if number.imag != 0 or not np.isfinite(number.real):
        raise BpkitError(f"{what} has no finite real value at these numbers ({value}): "
                         "use smaller weights or inputs, or targets the loss is defined for")
    return number.real


def checked_layout(sizes: object, activations: object, loss: object) -> NetworkLayout:
    """A layout as tuples and names, checked: sizes, one activation per non-input layer, a loss."""
    sizes = validate.layer_sizes(sizes)
    needed = len(sizes) - 1
    example = ("identity",) * needed
    if isinstance(activations, (str, bytes)) or not isinstance(activations, Sequence):
        raise BpkitError(f"activations must be a list of {needed} activation name(s), one per "
                         f"layer after the input (hidden layers, then the output), such as "
                         f"{example}; got {activations!r:.60}")
    if len(activations) != needed:
        raise BpkitError(f"activations lists {len(activations)} name(s), but sizes "
                         f"{list(sizes)} have {needed} layer(s) after the input: give one name "
                         f"per layer (hidden layers, then the output), such as {example}")
    names = tuple(functions.activation(name).name for name in activations)
    return sizes, names, functions.loss(loss).name


def derive(sizes: Sequence[int], activations: Sequence[str], loss: str) -> SymbolicNetwork:
    """The symbolic network for a layout, derived once per session (lists or tuples work).

    ``derive.cache_clear()`` forgets every layout derived so far.
    """
    return _derive(*checked_layout(sizes, activations, loss))


@cache
def _derive(sizes: tuple[int, ...], activations: tuple[str, ...], loss: str) -> SymbolicNetwork:
    return SymbolicNetwork(sizes, activations, loss)


derive.cache_clear = _derive.cache_clear  # type: ignore[attr-defined]
derive.cache_info = _derive.cache_info  # type: ignore[attr-defined]
