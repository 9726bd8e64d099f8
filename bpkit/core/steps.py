r"""Every computation of a step, one at a time: its general formula, then the same with numbers.

The formulas are sympy's (``bpkit.symbolic.derive``), printed once per network layout with a
placeholder where each symbol stands. The worked form fills those places with the trace's numbers
(``bpkit.fmt.latex_number``, negatives in parentheses) and ends with the result, e.g.
``a_{Z_{1}} = 1 \cdot 1 + 1 \cdot 0 + 1 \cdot 0 = 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import sympy as sp

from bpkit.core import functions, naming
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number
from bpkit.core.naming import PHASES
from bpkit.core.symbolic import SymbolicNetwork, derive
from bpkit.core.trace import StepTrace

KINDS = ("weighted sum", "activation", "delta", "gradient", "update")
"""What a single computation can be."""

_SLOT = re.compile("⟦([^⟧]+)⟧")
_DOUBLE_PARENTHESES = re.compile(r"\\left\(\(([^()]*)\)( ?)\\right\)")


@dataclass(frozen=True)
class Computation:
    """One computation of a step: what it is about, its formula, and the formula with numbers."""

    phase: str
    """'forward', 'deltas' or 'update'."""
    kind: str
    """'weighted sum', 'activation', 'delta', 'gradient' or 'update'."""
    name: str
    """The unit ('Z1') or link ('w(X0->Z1)') the computation is about."""
    formula: str
    """LaTeX of the general formula (sympy's), with the unit or link on the left."""
    substituted: str
    """LaTeX with the trace's numbers in the formula's places, and the result."""
    value: float
    """The result, exactly the number the trace holds."""


@dataclass(frozen=True)
class _Template:
    """One computation's LaTeX, printed once per layout: left side, formula, numbered slots."""

    phase: str
    kind: str
    name: str
    lhs: str
    operator: str
    formula: str
    slots: str
    """The formula's right side with ⟦symbol name⟧ where each number goes."""


# ----- printing sympy expressions ---------------------------------------------------------------
def _print(names: dict[sp.Symbol, str], expr: sp.Expr, slots: bool = False) -> str:
    """LaTeX for ``expr`` in the order it was built; with ``slots``, every symbol as ⟦name⟧."""
    if slots:
        names = {s: f"⟦{s.name}⟧" for s in expr.free_symbols}
    return sp.latex(expr, order="none", mul_symbol="dot", symbol_names=names)


def _product(*factors: sp.Expr) -> sp.Expr:
    """An unevaluated product, so the factors print in the order the article reads them."""
    return sp.Mul(*factors, evaluate=False)


def _sum(*terms: sp.Expr) -> sp.Expr:
    """An unevaluated sum, kept in link order."""
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def _gradient_symbol(sn: SymbolicNetwork, link: str) -> tuple[sp.Symbol, str]:
    """A symbol standing for dJ/dw of one link, and its LaTeX (a partial derivative)."""
    weight = sn.latex_names[sn.links[link][0]]
    return (sp.Symbol(f"dJ/d{link}", real=True),
            rf"\frac{{\partial J}}{{\partial {weight}}}")


_ALPHA = sp.Symbol("alpha", positive=True)


# ----- the formulas, from the symbolic network ----------------------------------------------------
def _weighted_sum(sn: SymbolicNetwork, unit: str) -> sp.Expr:
    """The weighted sum sympy derived for ``unit``, each term weight first, in link order."""
    terms = []
    for weight, _source, target in sn.links.values():
        if target == unit:
            terms.append(_product(weight, sp.diff(sn.weighted_sum[unit], weight)))
    return _sum(*terms)


def _output_delta(sn: SymbolicNetwork, unit: str, loss_name: str) -> sp.Expr:
    """The output delta dJ/dh * f'(a): the loss's own factor, then f'(a)."""
    k = naming.target_names(sn.sizes, len(sn.sizes) - 1).index(unit)
    dj_dh = functions.loss(loss_name).output_gradient.subs(
        {functions.h: sn.z[unit], functions.y: sn.targets[k]}, simultaneous=True)
    return _product(dj_dh, _f_prime(sn, unit))


def _hidden_delta(sn: SymbolicNetwork, unit: str) -> sp.Expr:
    """The shortcut delta = f'(a) * sum(w * delta of the unit on the other end)."""
    terms = [_product(w, sn.delta[t]) for w, s, t in sn.links.values() if s == unit]
    return _product(_f_prime(sn, unit), _sum(*terms))


def _f_prime(sn: SymbolicNetwork, unit: str) -> sp.Expr:
    """f'(a) of a unit, as sympy derived it, at the unit's weighted sum."""
    activation = sn.activations[sn.layer_of(unit) - 1]
    return activation.derivative.subs(functions.a, sn.a[unit])


def _gradient(sn: SymbolicNetwork, link: str) -> sp.Expr:
    """The gradient dJ/dw sympy derived for one link: source activation times target delta."""
    weight, _, target = sn.links[link]
    source_z = sp.diff(sn.weighted_sum[target], weight)
    return _product(source_z, sn.delta[target])


@cache
def _templates(sizes: tuple[int, ...], activations: tuple[str, ...],
               loss_name: str) -> dict[str, list[_Template]]:
    """Every computation's LaTeX for one layout, by phase, in teaching order (printed once)."""
    sn = derive(sizes, activations, loss_name)
    names = {**sn.latex_names, _ALPHA: r"\alpha"}
    last = len(sizes) - 1

    def make(phase: str, kind: str, name: str, lhs: sp.Expr, expr: sp.Expr,
             operator: str = "=") -> _Template:
        return _Template(phase, kind, name, _print(names, lhs), operator, _print(names, expr),
                         _print(names, expr, slots=True))

    forward = []
    for layer in range(1, last + 1):
        for unit in naming.target_names(sizes, layer):
            forward.append(make("forward", "weighted sum", unit, sn.a[unit],
                                _weighted_sum(sn, unit)))
            forward.append(make("forward", "activation", unit, sn.z[unit],
                                sn.activation[unit]))
    deltas = [make("deltas", "delta", unit, sn.delta[unit], _output_delta(sn, unit, loss_name))
              for unit in naming.target_names(sizes, last)]
    for layer in range(last - 1, 0, -1):
        deltas += [make("deltas", "delta", unit, sn.delta[unit], _hidden_delta(sn, unit))
                   for unit in naming.target_names(sizes, layer)]
    update = []
    for link, (weight, _, _) in sn.links.items():
        gradient, names[gradient] = _gradient_symbol(sn, link)
        update.append(make("update", "gradient", link, gradient, _gradient(sn, link)))
        rule = _sum(weight, sp.Mul(-1, _ALPHA, gradient, evaluate=False))
        update.append(make("update", "update", link, weight, rule, operator=":="))
    return {"forward": forward, "deltas": deltas, "update": update}


# ----- numbers ------------------------------------------------------------------------------------
def _numbers(trace: StepTrace, sample: int) -> dict[str, float]:
    """Every symbol's number for one sample, keyed by the sympy symbol's name."""
    values: dict[str, float] = {"alpha": trace.lr}
    for name, unit in trace.units.items():
        values[name if unit.layer == 0 else f"z_{name}"] = float(unit.z[sample])
        if unit.a is not None:
            values[f"a_{name}"] = float(unit.a[sample])
            values[f"delta_{name}"] = float(unit.delta[sample])
    targets = trace.targets[sample]
    if len(targets) == 1:
        values["y"] = float(targets[0])
    values.update({f"y{k}": float(t) for k, t in enumerate(targets)})
    for name, link in trace.links.items():
        values[name] = link.old
        values[f"dJ/d{name}"] = link.gradient
    return values


def _fill(slots: str, numbers: dict[str, float]) -> str:
    """Put each number, formatted for LaTeX, in its ⟦symbol⟧ place (one pair of parentheses)."""
    filled = _SLOT.sub(lambda m: latex_number(numbers[m[1]]), slots)
    return _DOUBLE_PARENTHESES.sub(r"\\left(\1\2\\right)", filled)


def latex_result(value: float) -> str:
    """A number standing alone (a result): LaTeX without parentheses around a negative."""
    text = latex_number(value)
    return text[1:-1] if text.startswith("(") else text


def _value(trace: StepTrace, template: _Template, sample: int) -> float:
    """The trace's own number for one computation."""
    if template.kind in ("gradient", "update"):
        link = trace.links[template.name]
        return link.gradient if template.kind == "gradient" else link.new
    unit = trace.units[template.name]
    series = {"weighted sum": unit.a, "activation": unit.z, "delta": unit.delta}[template.kind]
    return float(series[sample])


def _worked(trace: StepTrace, template: _Template, sample: int,
            numbers: dict[str, float]) -> tuple[str, str]:
    """The formula line and the line with numbers, for one computation."""
    formula = f"{template.lhs} {template.operator} {template.formula}"
    value = _value(trace, template, sample)
    if template.kind == "gradient" and trace.n_samples > 1:
        n = trace.n_samples
        formula = (rf"{template.lhs} = \frac{{1}}{{{n}}} \sum_{{\text{{samples}}}} "
                   f"{template.formula}")
        per_sample = [_fill(template.slots, _numbers(trace, s)) for s in range(n)]
        worked = rf"\frac{{1}}{{{n}}} \left({' + '.join(per_sample)}\right)"
    else:
        worked = _fill(template.slots, numbers)
    result = latex_result(value)
    if worked == latex_number(value):
        worked = result
    tail = "" if worked == result else f" = {result}"
    return formula, f"{template.lhs} {template.operator} {worked}{tail}"


# ----- public -----------------------------------------------------------------------------------
def _check_phase(phase: str) -> None:
    if phase not in PHASES:
        raise BpkitError(f"unknown phase {phase!r}: expected one of {', '.join(PHASES)}")


def _check_sample(trace: StepTrace, sample: int) -> int:
    n = trace.n_samples
    if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < n:
        raise BpkitError(f"sample must be a whole number from 0 to {n - 1} (this step used "
                         f"{n} sample(s)); got {sample!r}")
    return sample


def computations(trace: StepTrace, phase: str, sample: int = 0) -> list[Computation]:
    """Every computation of one phase of ``trace``, in teaching order, for one sample.

    forward: layer by layer, each unit's weighted sum then its activation. deltas: the output
    delta(s), then each hidden layer backwards. update: for each link its gradient, then
    w := w - alpha * gradient. With a batch, gradients are the mean over all its samples.
    """
    _check_phase(phase)
    _check_sample(trace, sample)
    numbers = _numbers(trace, sample)
    steps = []
    for template in _templates(trace.sizes, tuple(trace.activations), trace.loss_name)[phase]:
        formula, substituted = _worked(trace, template, sample, numbers)
        steps.append(Computation(template.phase, template.kind, template.name, formula,
                                 substituted, _value(trace, template, sample)))
    return steps


def explain(trace: StepTrace, phase: str, name: str, sample: int = 0,
            kind: str | None = None) -> Computation:
    """One computation by unit or link name, e.g. ``explain(trace, "deltas", "Z1")``.

    A name with two computations in a phase (forward: weighted sum and activation; update:
    gradient and update) gives the last one, its result, unless ``kind`` picks the other.
    """
    if kind is not None and kind not in KINDS:
        raise BpkitError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    steps = computations(trace, phase, sample)
    found = [c for c in steps if c.name == name and (kind is None or c.kind == kind)]
    if not found:
        names = list(dict.fromkeys(c.name for c in steps))
        kinds = sorted({c.kind for c in steps})
        raise BpkitError(f"no {kind or 'computation'} for {name!r} in the {phase} phase: "
                         f"names are {', '.join(names)}; kinds are {', '.join(kinds)}")
    return found[-1]


def aligned(steps: list[Computation], formulas: bool = True) -> str:
    """LaTeX ``aligned`` block of computations: each formula (optional), then with numbers."""
    if not steps:
        raise BpkitError("no computations to show: pass the list computations(...) returns")
    lines = []
    for step in steps:
        lhs, operator, rhs = _split(step.substituted)
        if formulas:
            lines.append(f"{lhs} &{operator} {_split(step.formula)[2]}")
            lines.append(f"&{operator} {rhs}")
        else:
            lines.append(f"{lhs} &{operator} {rhs}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def _split(line: str) -> tuple[str, str, str]:
    """A line's left side, its ``=`` or ``:=``, and its right side."""
    match = re.search(r" (:?=) ", line)
    if match is None:
        return line, "", ""
    return line[:match.start()], match[1], line[match.end():]
