r"""Every computation of a step, one at a time: its general formula, then the same with numbers.

The formulas are sympy's (``bpkit.symbolic.derive``), printed once per network layout with a
numbered place where each symbol stands. The worked form fills those places with the trace's
numbers (``SymbolicNetwork.symbol_values``, written by ``bpkit.fmt.latex_number``, negatives in
parentheses) and ends with the result, e.g.
``a_{Z_{1}} = 1 \cdot 1 + 1 \cdot 0 + 1 \cdot 0 = 1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import sympy as sp

from bpkit.core import functions, naming, validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number
from bpkit.core.symbolic import SymbolicNetwork, derive, unit_latex
from bpkit.core.trace import StepTrace, checked_phase, checked_trace

KINDS = ("weighted sum", "activation", "delta", "gradient", "update")
"""What a single computation of a phase can be (``delta_paths`` adds 'path term')."""

_SLOT = re.compile("⟦([0-9]+)⟧")
_DOUBLE_PARENTHESES = re.compile(r"\\left\(\(([^()]*)\)( ?)\\right\)")


@dataclass(frozen=True)
class Computation:
    """One computation of a step: what it is about, its formula, and the formula with numbers."""

    phase: str
    """'forward', 'deltas' or 'update'."""
    kind: str
    """'weighted sum', 'activation', 'delta', 'gradient' or 'update' (or, from
    ``delta_paths``, 'path term': one path of a hidden delta)."""
    name: str
    """The unit ('Z1') or link ('w(X0->Z1)') the computation is about."""
    formula: str
    """LaTeX of the general formula (sympy's), with the unit or link on the left."""
    substituted: str
    """LaTeX with the trace's numbers in the formula's places, and the result."""
    value: float
    """The result, exactly the number the trace holds."""
    highlights: tuple[str, ...] = ()
    """Every unit and link the computation reads, ``name`` first, for a diagram to emphasise;
    () means ``name`` alone. A path term: its link, unit and target; a sum: every path."""

    @property
    def highlighted(self) -> tuple[str, ...]:
        """The units and links a diagram emphasises for this computation."""
        return self.highlights or (self.name,)


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
    """The formula's right side with ⟦k⟧ where the number of ``symbols[k]`` goes."""
    symbols: tuple[sp.Symbol, ...]
    highlights: tuple[str, ...] = ()


# ----- printing sympy expressions ---------------------------------------------------------------
def _print(names: dict[sp.Symbol, str], expr: sp.Expr) -> str:
    """LaTeX for ``expr`` in the order it was built, each symbol written as ``names`` says."""
    return sp.latex(expr, order="none", mul_symbol="dot", symbol_names=names)


def _print_slots(expr: sp.Expr) -> tuple[str, tuple[sp.Symbol, ...]]:
    """LaTeX for ``expr`` with ⟦k⟧ in place of its k-th symbol, and those symbols in order."""
    symbols = tuple(sorted(expr.free_symbols, key=sp.default_sort_key))
    return _print({s: f"⟦{k}⟧" for k, s in enumerate(symbols)}, expr), symbols


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


def _delta(sn: SymbolicNetwork, unit: str) -> sp.Expr:
    """The shortcut delta as the symbolic network writes it, factors in reading order."""
    return _product(*sn.shortcut_terms(unit).factors(evaluate=False))


def _gradient(sn: SymbolicNetwork, link: str) -> sp.Expr:
    """The gradient dJ/dw sympy derived for one link: source activation times target delta."""
    weight, _, target = sn.links[link]
    source_z = sp.diff(sn.weighted_sum[target], weight)
    return _product(source_z, sn.delta[target])


@cache
def _templates(sn: SymbolicNetwork) -> dict[str, list[_Template]]:
    """Every computation's LaTeX for one layout, by phase, in teaching order (printed once)."""
    names = {**sn.latex_names, _ALPHA: r"\alpha"}
    last = len(sn.sizes) - 1

    def make(phase: str, kind: str, name: str, lhs: sp.Expr, expr: sp.Expr,
             operator: str = "=") -> _Template:
        return _Template(phase, kind, name, _print(names, lhs), operator, _print(names, expr),
                         *_print_slots(expr))

    forward = []
    for layer in range(1, last + 1):
        for unit in naming.target_names(sn.sizes, layer):
            forward.append(make("forward", "weighted sum", unit, sn.a[unit],
                                _weighted_sum(sn, unit)))
            forward.append(make("forward", "activation", unit, sn.z[unit],
                                sn.activation[unit]))
    deltas = [make("deltas", "delta", unit, sn.delta[unit], _delta(sn, unit))
              for layer in range(last, 0, -1) for unit in naming.target_names(sn.sizes, layer)]
    update = []
    for link, (weight, _, _) in sn.links.items():
        gradient, names[gradient] = _gradient_symbol(sn, link)
        update.append(make("update", "gradient", link, gradient, _gradient(sn, link)))
        rule = _sum(weight, sp.Mul(-1, _ALPHA, gradient, evaluate=False))
        update.append(make("update", "update", link, weight, rule, operator=":="))
    return {"forward": forward, "deltas": deltas, "update": update}


# ----- the deltas path by path, f'(a) in its z form ----------------------------------------------
def _z_form(activation: str, z: sp.Expr) -> sp.Expr | None:
    """f'(a) of ``activation`` written in the activation ``z``, or None if it has no z form."""
    form = functions.activation(activation).z_form
    return None if form is None else form.xreplace({functions.z: z})


def _path_symbol(sn: SymbolicNetwork, unit: str, target: str) -> tuple[sp.Symbol, str]:
    """A symbol for the path from ``unit`` to ``target`` (w times delta), and its LaTeX."""
    latex = rf"\text{{path}}_{{{unit_latex(unit)} \to {unit_latex(target)}}}"
    return sp.Symbol(f"path({unit}->{target})", real=True), latex


def _derivative_forms(sn: SymbolicNetwork, unit: str, names: dict[sp.Symbol, str]
                      ) -> tuple[sp.Symbol, str, sp.Expr]:
    """f'(a) of ``unit`` as a symbol, the line defining it (a form = z form), and its worked form.

    The worked form is the z form where there is one (numbers go in for z), else the a form.
    """
    terms = sn.shortcut_terms(unit)
    name = sn.latex_names[sn.a[unit]]
    symbol = sp.Symbol(f"f'(a_{unit})", real=True)
    names[symbol] = rf"f'\left({name}\right)"
    with_z = _z_form(sn.activations[sn.layer_of(unit) - 1].name, sn.z[unit])
    forms = [_print(names, terms.f_prime)]
    if with_z is not None and _print(names, with_z) not in forms:
        forms.append(_print(names, with_z))
    line = f"{names[symbol]} = {' = '.join(forms)}"
    return symbol, line, terms.f_prime if with_z is None else with_z


@cache
def _path_templates(sn: SymbolicNetwork) -> tuple[list[_Template],
                                                  dict[sp.Symbol, tuple[sp.Symbol, sp.Symbol]]]:
    """The deltas phase path by path for one layout, and each path symbol's (weight, delta)."""
    names = dict(sn.latex_names)
    last = len(sn.sizes) - 1
    paths: dict[sp.Symbol, tuple[sp.Symbol, sp.Symbol]] = {}
    made = []
    for layer in range(last, 0, -1):
        for unit in naming.target_names(sn.sizes, layer):
            terms = sn.shortcut_terms(unit)
            f_symbol, f_line, f_worked = _derivative_forms(sn, unit, names)
            lhs = _print(names, sn.delta[unit])
            if terms.loss_factor is not None:  # an output: the loss's factor times f'(a)
                general = _product(terms.loss_factor, f_symbol)
                worked = _product(terms.loss_factor, f_worked)
                made.append(_Template("deltas", "delta", unit, lhs, "=",
                                      rf"{_print(names, general)}, \quad {f_line}",
                                      *_print_slots(worked)))
                continue
            every, path_symbols = [unit], []
            for weight, target_delta in terms.links:
                _, target = next((s, t) for w, s, t in sn.links.values() if w == weight)
                link = naming.link_name(unit, target)
                path, names[path] = _path_symbol(sn, unit, target)
                paths[path] = (weight, target_delta)
                path_symbols.append(path)
                every += [link, target]
                term = _product(weight, target_delta)
                made.append(_Template("deltas", "path term", link, names[path], "=",
                                      _print(names, term), *_print_slots(term),
                                      (link, unit, target)))
            general = _product(f_symbol, _sum(*(_product(w, d) for w, d in terms.links)))
            worked = _product(f_worked, _sum(*path_symbols))
            made.append(_Template("deltas", "delta", unit, lhs, "=",
                                  rf"{_print(names, general)}, \quad {f_line}",
                                  *_print_slots(worked), tuple(every)))
    return made, paths


def _symbolic(trace: StepTrace) -> SymbolicNetwork:
    """The symbolic network of the trace's layout."""
    return derive(trace.sizes, tuple(trace.activations), trace.loss_name)


# ----- numbers ------------------------------------------------------------------------------------
def _numbers(sn: SymbolicNetwork, trace: StepTrace, sample: int) -> dict[sp.Symbol, float]:
    """Every symbol's number for one sample: the network's, alpha, and each link's gradient."""
    numbers = sn.symbol_values(trace, sample)
    numbers[_ALPHA] = trace.lr
    numbers.update({_gradient_symbol(sn, name)[0]: link.gradient
                    for name, link in trace.links.items()})
    return numbers


def _fill(template: _Template, numbers: dict[sp.Symbol, float]) -> str:
    """Put each number, formatted for LaTeX, in its ⟦k⟧ place (one pair of parentheses)."""
    filled = _SLOT.sub(lambda m: latex_number(numbers[template.symbols[int(m[1])]]),
                       template.slots)
    return _DOUBLE_PARENTHESES.sub(r"\\left(\1\2\\right)", filled)


def latex_result(value: float) -> str:
    """A number standing alone (a result): LaTeX without parentheses around a negative."""
    text = latex_number(validate.real_number(value, "the value to write"))
    return text[1:-1] if text.startswith("(") else text


def _value(trace: StepTrace, template: _Template, sample: int) -> float:
    """The trace's own number for one computation (a path term: its weight times its delta)."""
    if template.kind == "path term":
        link = trace.links[template.name]
        return link.old * float(trace.units[link.target].delta[sample])
    if template.kind in ("gradient", "update"):
        link = trace.links[template.name]
        return link.gradient if template.kind == "gradient" else link.new
    unit = trace.units[template.name]
    series = {"weighted sum": unit.a, "activation": unit.z, "delta": unit.delta}[template.kind]
    return float(series[sample])


def _worked(trace: StepTrace, template: _Template, sample: int,
            numbers: list[dict[sp.Symbol, float]]) -> tuple[str, str]:
    """The formula line and the line with numbers, for one computation.

    ``numbers[s]`` holds every symbol's number for sample s (every sample the line needs).
    """
    formula = f"{template.lhs} {template.operator} {template.formula}"
    value = _value(trace, template, sample)
    if template.kind == "gradient" and trace.n_samples > 1:
        n = trace.n_samples
        formula = (rf"{template.lhs} = \frac{{1}}{{{n}}} \sum_{{\text{{samples}}}} "
                   f"{template.formula}")
        per_sample = [_fill(template, numbers[s]) for s in range(n)]
        worked = rf"\frac{{1}}{{{n}}} \left({' + '.join(per_sample)}\right)"
    else:
        worked = _fill(template, numbers[sample])
    result = latex_result(value)
    if worked == latex_number(value):
        worked = result
    tail = "" if worked == result else f" = {result}"
    return formula, f"{template.lhs} {template.operator} {worked}{tail}"


# ----- public -----------------------------------------------------------------------------------
def computations(trace: StepTrace, phase: str, sample: int = 0) -> list[Computation]:
    """Every computation of one phase of ``trace``, in teaching order, for one sample.

    forward: layer by layer, each unit's weighted sum then its activation. deltas: the output
    delta(s), then each hidden layer backwards. update: for each link its gradient, then
    w := w - alpha * gradient. With a batch, gradients are the mean over all its samples.
    """
    checked_phase(checked_trace(trace), phase)
    validate.index(sample, trace.n_samples, "sample",
                   f"this step used {trace.n_samples} sample(s)")
    sn = _symbolic(trace)
    every_sample = phase == "update" and trace.n_samples > 1  # batch gradients are means
    numbers = [_numbers(sn, trace, s) if every_sample or s == sample else {}
               for s in range(trace.n_samples)]
    lines = []
    for template in _templates(sn)[phase]:
        formula, substituted = _worked(trace, template, sample, numbers)
        lines.append(Computation(template.phase, template.kind, template.name, formula,
                                 substituted, _value(trace, template, sample)))
    return lines


def delta_paths(trace: StepTrace, sample: int = 0) -> list[Computation]:
    """The deltas phase path by path, for one sample: what a hidden delta's sum is made of.

    Each output delta is its loss factor times f'(a), f'(a) written both ways (in a and, where
    it has one, in z: sigmoid z (1 - z)) and worked in z. Each hidden delta comes as one
    'path term' per link leaving it (w times the delta at the link's other end, named by the
    link), then the delta: f'(a) times the sum of those paths. ``highlights`` names what each
    one reads: a path's link, unit and target; a sum, the unit and every path.
    """
    checked_phase(checked_trace(trace), "deltas")
    validate.index(sample, trace.n_samples, "sample",
                   f"this step used {trace.n_samples} sample(s)")
    sn = _symbolic(trace)
    templates, paths = _path_templates(sn)
    numbers = _numbers(sn, trace, sample)
    numbers.update({path: numbers[weight] * numbers[delta]
                    for path, (weight, delta) in paths.items()})
    found = []
    for template in templates:
        formula, substituted = _worked(trace, template, sample, [numbers] * trace.n_samples)
        found.append(Computation(template.phase, template.kind, template.name, formula,
                                 substituted, _value(trace, template, sample),
                                 template.highlights))
    return found


def explain(trace: StepTrace, phase: str, name: str, sample: int = 0,
            kind: str | None = None) -> Computation:
    """One computation by unit or link name, e.g. ``explain(trace, "deltas", "Z1")``.

    A name with two computations in a phase (forward: weighted sum and activation; update:
    gradient and update) gives the last one, its result, unless ``kind`` picks the other.
    A link may be named 'w(X0->Z1)' or 'X0->Z1'.
    """
    if kind is not None and (not isinstance(kind, str) or kind not in KINDS):
        raise BpkitError(f"unknown kind {kind!r:.40}: expected one of {', '.join(KINDS)}, "
                         "or None for the last computation of that name")
    lines = computations(trace, phase, sample)
    name = _computation_name(name)
    found = [c for c in lines if c.name == name and (kind is None or c.kind == kind)]
    if not found:
        names = list(dict.fromkeys(c.name for c in lines))
        kinds = sorted({c.kind for c in lines})
        raise BpkitError(f"no {kind or 'computation'} for {name!r} in the {phase} phase: "
                         f"names are {', '.join(names)}; kinds are {', '.join(kinds)}")
    return found[-1]


def _computation_name(name: object) -> str:
    """A unit name as it is; a link as the article writes it, 'w(X0->Z1)'; else a BpkitError."""
    if not isinstance(name, str):
        raise BpkitError(f"name must be a unit such as 'Z1' or a link such as 'w(X0->Z1)'; "
                         f"got {name!r:.40}")
    return naming.link_key(name) if "->" in name else name


def aligned(lines: list[Computation], formulas: bool = True) -> str:
    """LaTeX ``aligned`` block of computations: each formula (optional), then with numbers."""
    checked = _checked_computations(lines)
    if not isinstance(formulas, bool):
        raise BpkitError(f"formulas must be True (each formula, then its numbers) or False "
                         f"(the numbers only); got {formulas!r:.40}")
    rows = []
    for line in checked:
        lhs, operator, rhs = _split(line.substituted)
        if formulas:
            rows.append(f"{lhs} &{operator} {_split(line.formula)[2]}")
            rows.append(f"&{operator} {rhs}")
        else:
            rows.append(f"{lhs} &{operator} {rhs}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def _checked_computations(lines: object) -> list[Computation]:
    """Return ``lines`` as a list if it holds one or more Computations (and nothing else)."""
    expected = "a non-empty list of computations, such as computations(trace, 'forward')"
    if isinstance(lines, (str, bytes, Mapping)) or not isinstance(lines, Iterable):
        raise BpkitError(f"lines must be {expected}; got {lines!r:.60}")
    listed = list(lines)
    if not listed:
        raise BpkitError(f"no computations to show: lines must be {expected}")
    for index, line in enumerate(listed):
        if not isinstance(line, Computation):
            raise BpkitError(f"lines[{index}] must be a Computation (from computations or "
                             f"explain); got {type(line).__name__} {line!r:.40}")
    return listed


def _split(line: str) -> tuple[str, str, str]:
    """A line's left side, its ``=`` or ``:=``, and its right side."""
    match = re.search(r" (:?=) ", line)
    if match is None:
        return line, "", ""
    return line[:match.start()], match[1], line[match.end():]
