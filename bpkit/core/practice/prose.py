"""The words and formulas of a question: its setting described, what it gives, its solution.

Every number in them comes from the question's own trace; a given number has 7 significant
figures, so the 4 a learner is asked for survive their sums.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from bpkit.core import functions, naming, validate
from bpkit.core.computations import Computation, aligned, computations, explain, latex_result
from bpkit.core.fmt import latex_number
from bpkit.core.network import Network
from bpkit.core.practice.question import Diagnosis, Question
from bpkit.core.practice.setting import Setting
from bpkit.core.symbolic import unit_latex
from bpkit.core.trace import StepTrace


def weights_table(net: Network) -> str:
    """The weights as an HTML table: one row per receiving unit, one column per source unit."""
    rows = []
    for layer, weights in enumerate(net.weights):
        sources = net.unit_names[layer]
        header = "".join(f"<th>${unit_latex(s)}$</th>" for s in sources)
        rows.append(f"<tr><th>into</th>{header}</tr>")
        for target, row in zip(naming.target_names(net.sizes, layer + 1), weights):
            cells = "".join(f"<td>${latex_number(w)}$</td>" for w in row)
            rows.append(f"<tr><th>${unit_latex(target)}$</th>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"




def standalone(value: float, digits: int) -> str:
    """A number standing alone in LaTeX, to ``digits`` significant figures (no parentheses)."""
    text = latex_number(validate.real_number(value, "the value to write"), digits)
    return text[1:-1] if text.startswith("(") else text


def given(value: float) -> str:
    """A number given in a prompt: 7 significant figures, so 4 survive the learner's sums."""
    return standalone(value, 7)


def samples_text(setting: Setting) -> str:
    """The setting's samples: one sample's input and target in words, a batch as a table."""
    inputs = setting.net.unit_names[0][1:]
    outputs = setting.net.unit_names[-1]
    if setting.n_samples == 1:
        values = ", ".join(f"${unit_latex(name)} = {latex_number(v)}$"
                           for name, v in zip(inputs, setting.x[0]))
        target = ", ".join(f"${_target(setting, name)} = {latex_number(v)}$"
                           for name, v in zip(outputs, setting.y[0]))
        return f"<p>One sample: input {values} (bias $X_0 = 1$), target {target}.</p>"
    header = "".join(f"<th>${unit_latex(n)}$</th>" for n in inputs)
    header += "".join(f"<th>${_target(setting, n)}$</th>" for n in outputs)
    rows = "".join("<tr><td>" + "</td><td>".join(f"${latex_number(v)}$" for v in (*x, *y))
                   + "</td></tr>" for x, y in zip(setting.x, setting.y))
    return (f"<p>One step on the whole batch of {setting.n_samples} samples (bias $X_0 = 1$ "
            f"in each), J the mean loss over them:</p><table><tr>{header}</tr>{rows}</table>")


def _target(setting: Setting, output: str) -> str:
    """The target's symbol as the solutions write it: y, or y_k for output Dk of several."""
    return "y" if setting.net.sizes[-1] == 1 else f"y_{{{output.removeprefix('D')}}}"


def _sign_words(loss: str) -> str:
    """The output delta of a sign convention, with places for LaTeX delta, h and y."""
    found = functions.loss(loss)
    if found.convention is None:
        return f"loss {loss}"
    difference = "{h} - {y}" if found.output_delta.startswith("predicted") else "{y} - {h}"
    words = "squared error" if loss == "squared" else f"the {found.convention}"
    return f"{words}, ${{delta}} = {difference}$ ({found.output_delta})"


def describe(setting: Setting) -> str:
    """The setting in words: activation, loss convention, alpha, samples, targets, weights."""
    net = setting.net
    kind, formula = functions.activation(net.activations[0]).words.split(", ", 1)
    hidden = f"{kind} hidden units, {formula}"
    symbols = ({"delta": r"\delta_{D_{0}}", "h": "h", "y": "y"} if net.sizes[-1] == 1 else
               {"delta": r"\delta_{D_{k}}", "h": "h_{k}", "y": "y_{k}"})
    sign = _sign_words(net.loss_name).format(**symbols)
    second = (", and a second output $D_{1}$ whose target is 1 − XOR"
              if net.sizes[-1] == 2 else "")
    return (f"<p>The article's network with {hidden}{second}; {sign}; learning rate "
            f"$\\alpha = {latex_number(setting.lr)}$.</p>{samples_text(setting)}"
            f"<p>Weights $w$ (rows: the unit a link goes into; columns: where it comes "
            f"from):</p>{weights_table(net)}")


SIGNIFICANT_FIGURES = 4
"""How many significant figures a built question asks for."""
ANSWER_TOLERANCE = 5e-4
"""Relative tolerance of the built questions, for 4 significant figures: the answer rounded to
4 figures always passes (its error is at most half a unit in the 4th figure), while one 0.1 %
off does not, nor a rougher 0.0071 for 0.0071996."""
ASK_DIGITS = (f"Give {SIGNIFICANT_FIGURES} significant figures (more is fine; a fraction such "
              "as 7/5 works too).")
ASK_DIRECTION = "Type up, down or same."
ON_PAPER = {ASK_DIGITS: f"Give {SIGNIFICANT_FIGURES} significant figures.",
            ASK_DIRECTION: "Write up, down or same."}
"""What a printed sheet says instead of each on-screen instruction (nothing is typed on paper)."""


def on_paper(prompt: str) -> str:
    """A question's prompt as a printed worksheet words it: its on-screen instructions replaced."""
    for screen, paper in ON_PAPER.items():
        prompt = prompt.replace(screen, paper)
    return prompt
ZERO = 1e-12
"""Built questions' absolute tolerance: only float noise around an answer of exactly 0."""


def numbered(prompt: str, ask: str, answer: float, hints: list[str], solution: str,
             diagnoses: Sequence[Diagnosis] = ()) -> Question:
    """A question answered with a number to 4 significant figures (Part I's and Part II's)."""
    return Question(prompt=f"{prompt}<p><b>{ask}</b> {ASK_DIGITS}</p>", answer=float(answer),
                    tolerance=ANSWER_TOLERANCE, abs_tolerance=ZERO, hints=hints,
                    solution=solution, diagnoses=tuple(diagnoses), figures=SIGNIFICANT_FIGURES)


def built_question(setting: Setting, ask: str, answer: float, hints: list[str],
                   lines: list[Computation], conclusion: str,
                   diagnoses: Sequence[Diagnosis] = (), given: str = "") -> Question:
    """A built question: the setting, what to find, hints, diagnoses and the worked solution."""
    return numbered(f"{describe(setting)}{given}", ask, answer, hints,
                    f"$$\n{aligned(lines)}\n$$\n\n<p>{conclusion}</p>", diagnoses)


def formula_hint(computation: Computation) -> str:
    """A hint that shows the general formula of one computation."""
    return f"The formula: ${computation.formula}$"


def result(value: float) -> str:
    """A question's answer in its conclusion: 6 significant figures, more than it asks for."""
    return standalone(value, 6)


# ----- every factor in a solution -----------------------------------------------------------------
def derivative_line(trace: StepTrace, unit: str, activation: str) -> Computation:
    """f'(a) of a hidden unit as its own line: sympy's a form, the z form, the number."""
    found = trace.units[unit]
    act = functions.activation(activation)
    value = float(np.broadcast_to(act.df(found.a[:1]), (1,))[0])
    name = unit_latex(unit)
    lhs = f"f'\\left(a_{{{name}}}\\right)"
    forms = [sp.latex(act.derivative.subs(functions.a, sp.Symbol(f"a_{{{name}}}", real=True)))]
    worked = latex_number(value)
    if act.z_form is not None:
        forms.append(sp.latex(act.z_form.xreplace({functions.z: sp.Symbol(f"z_{{{name}}}")})))
        number_in = sp.Symbol(latex_number(float(found.z[0]), 7))
        worked = sp.latex(act.z_form.xreplace({functions.z: number_in}))
    return Computation("deltas", "derivative", unit, f"{lhs} = {' = '.join(forms)}",
                       f"{lhs} = {worked} = {latex_result(value)}", value)


def every_factor(trace: StepTrace, lines: list[Computation]) -> list[Computation]:
    """``lines`` with each curved hidden unit's a, z and f'(a) shown before its delta."""
    shown = {(line.name, line.kind) for line in lines}
    complete = []
    for line in lines:
        if line.kind == "delta" and trace.units[line.name].kind == "hidden":
            activation = trace.activations[trace.units[line.name].layer - 1]
            if activation != "identity":
                complete += [explain(trace, "forward", line.name, kind=kind)
                             for kind in ("weighted sum", "activation")
                             if (line.name, kind) not in shown]
                complete.append(derivative_line(trace, line.name, activation))
        complete.append(line)
    return complete


def outputs_given(trace: StepTrace) -> str:
    """The forward pass's outputs, given in a prompt so a question can start after it."""
    outputs = [name for name, unit in trace.units.items() if unit.kind == "output"]
    values = ", ".join(f"$h_{{{name.removeprefix('D')}}} = z_{{{unit_latex(name)}}} = "
                       f"{given(trace.units[name].z[0])}$" if len(outputs) > 1 else
                       f"$h = z_{{{unit_latex(name)}}} = {given(trace.units[name].z[0])}$"
                       for name in outputs)
    return f"<p>The forward pass gives {values}.</p>"


def batch_given(trace: StepTrace, name: str) -> str:
    """Each sample's z at the link's source and delta at its target, for a batch question."""
    found = trace.links[name]
    source, target = unit_latex(found.source), unit_latex(found.target)
    rows = "".join(f"<tr><td>{s + 1}</td><td>${given(z)}$</td><td>${given(d)}$</td></tr>"
                   for s, (z, d) in enumerate(zip(found.source_z, found.target_delta)))
    return (f"<p>The forward and backward passes give, sample by sample:</p><table><tr>"
            f"<th>sample</th><th>$z_{{{source}}}$</th><th>$\\delta_{{{target}}}$</th></tr>"
            f"{rows}</table>")


def link_lines(trace: StepTrace, name: str) -> list[Computation]:
    """The lines a link's new weight needs: its source's z, the deltas it uses, gradient, update."""
    found = trace.links[name]
    gradient = explain(trace, "update", name, kind="gradient")
    update = explain(trace, "update", name)
    if trace.n_samples > 1:
        return [gradient, update]
    source_lines = ([c for c in computations(trace, "forward") if c.name == found.source]
                    if trace.units[found.source].a is not None else [])
    delta_lines = [c for c in computations(trace, "deltas")
                   if trace.units[c.name].kind == "output" or c.name == found.target]
    return [*source_lines, *every_factor(trace, delta_lines), gradient, update]


def weight_latex(trace: StepTrace, name: str) -> str:
    """LaTeX for the weight on a link, such as the one of w(X0->Z1)."""
    found = trace.links[name]
    return f"w_{{{unit_latex(found.source)} \\to {unit_latex(found.target)}}}"


def given_for_link(trace: StepTrace, name: str) -> str:
    """What a link question gives: the outputs h (one sample) or each sample's z and delta."""
    return batch_given(trace, name) if trace.n_samples > 1 else outputs_given(trace)
