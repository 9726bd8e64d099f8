"""Part II practice on the graph and the matrices (notebooks 10 and 11): forks and shapes.

``fork_question`` builds a small expression in autograd ``Value``s where one value is used
more than once and asks for the gradient the reverse sweep leaves at it; the shares come from
``reverse_sweep``. ``shape_question`` asks the shape of one array of a backprop pass in matrix
form, read off ``Network.backprop`` on a seeded batch. Their wrong answers are the catalogue's
(``practice.mistakes``): one branch of the fork, the shares multiplied, the incoming gradient
forgotten; a shape transposed, a bias column left out or added, n where a layer's size belongs.
"""

from __future__ import annotations

import html
import math
import operator
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np

from bpkit.core.autograd import Value, topological_order
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import latex_number
from bpkit.core.lessons.matrix_form import pass_shapes
from bpkit.core.lessons.sweep import reverse_sweep
from bpkit.core.network import Network, with_bias
from bpkit.core.practice.answers import shape_value
from bpkit.core.practice.prose import given, numbered
from bpkit.core.practice.question import Diagnosis, Question, diagnosis
from bpkit.core.practice.setting import checked_seed

Number = Value | float


def choice(value: object, what: str, choices: Sequence[str]) -> str | None:
    """``value`` if it is None or one of ``choices``, else a BpkitError listing them."""
    if value is None or (isinstance(value, str) and value in choices):
        return value
    raise BpkitError(f"{what} must be one of {', '.join(map(repr, choices))}, or None to draw "
                     f"one from the seed; got {value!r:.40}")


# ----- a fork in a graph --------------------------------------------------------------------------
def _named(value: Number, label: str) -> Number:
    if isinstance(value, Value):
        value.label = label
    return value


def _tanh(value: Number) -> Number:
    return value.tanh() if isinstance(value, Value) else math.tanh(value)


def _sigmoid(value: Number) -> Number:
    return value.sigmoid() if isinstance(value, Value) else 1 / (1 + math.exp(-value))


def _times_plus(x: Number, v: dict[str, Number]) -> Number:
    return _tanh(_named(_named(x * v["y"], "x·y") + x, "x·y + x"))


def _sum_times_product(x: Number, v: dict[str, Number]) -> Number:
    return _named(x + v["y"], "x + y") * _named(x * v["c"], "x·c")


def _units(x: Number, v: dict[str, Number], count: int, f: Callable[[Number], Number]) -> Number:
    """½ (h − t)² where h sums v_k · f(w_k · x) over ``count`` units: x feeds every unit."""
    h = reduce(operator.add, [v[f"v{k}"] * _named(f(_named(v[f"w{k}"] * x, f"a{k}")), f"z{k}")
                              for k in range(1, count + 1)])
    error = _named(_named(h, "h") - v["t"], "h − t")
    return 0.5 * _named(error**2, "(h − t)²")


def _two_units(x: Number, v: dict[str, Number]) -> Number:
    return _units(x, v, 2, _sigmoid)


def _three_units(x: Number, v: dict[str, Number]) -> Number:
    return _units(x, v, 3, _tanh)


@dataclass(frozen=True)
class ForkGraph:
    """One kind of fork: its formula, the numbers it needs, and the function that builds it."""

    formula: str
    """LaTeX of f, in x and the other names."""
    uses: str
    """Where x goes, in words."""
    names: tuple[str, ...]
    build: Callable[[Number, dict[str, Number]], Number]


FORKS: dict[str, ForkGraph] = {
    "x·y + x": ForkGraph(r"f = \tanh(x \cdot y + x)", "the multiply x·y and the add",
                         ("y",), _times_plus),
    "(x + y)·(x·c)": ForkGraph(r"f = (x + y) \cdot (x \cdot c)", "the add x + y and the "
                               "multiply x·c", ("y", "c"), _sum_times_product),
    "two units": ForkGraph(r"f = \tfrac{1}{2}\left(v_1 \sigma(w_1 x) + v_2 \sigma(w_2 x) - t"
                           r"\right)^2", "two sigmoid units, through w1·x and w2·x",
                           ("w1", "w2", "v1", "v2", "t"), _two_units),
    "three units": ForkGraph(r"f = \tfrac{1}{2}\left(\sum_{k=1}^{3} v_k \tanh(w_k x) - t"
                             r"\right)^2", "three tanh units, through w1·x, w2·x and w3·x, "
                             "as X0 feeds the article's three hidden units",
                             ("w1", "w2", "w3", "v1", "v2", "v3", "t"), _three_units),
}
"""Every kind of fork a question draws, by name."""
FORK_NUMBERS = (-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0)
"""The numbers a fork's x and the others are drawn from (a target t from 0 and 1)."""


@dataclass(frozen=True)
class Fork:
    """A drawn fork: its kind, x, and the other numbers."""

    kind: str
    x: float
    values: dict[str, float]

    def graph(self) -> tuple[Value, Value]:
        """The graph of f in Values, swept backwards, and the Value of x.

        Every number is a Value of its own but the target t, a constant of the loss.
        """
        x = Value(self.x, "x")
        root = FORKS[self.kind].build(x, {k: v if k == "t" else Value(v, k)
                                          for k, v in self.values.items()})
        root.label = "f"
        reverse_sweep(root)
        return root, x

    def at(self, x: float) -> float:
        """The value of f at another x, in plain floats (no graph), for finite differences."""
        return float(FORKS[self.kind].build(float(x), dict(self.values)))


def _latex_label(label: str) -> str:
    """A node's label in LaTeX: the multiply dot as cdot, 'a1' as 'a_{1}'."""
    text = html.escape(label).replace("·", r" \cdot ").replace("−", "-").replace("²", "^2")
    return re.sub(r"([avwz])(\d)", r"\1_{\2}", text)


def drawn_fork(seed: int, graph: str | None = None) -> Fork:
    """The fork of ``seed``: its kind (``graph``, or drawn) and its numbers.

    Numbers are drawn again until the answer and every wrong answer are apart (by 1 %) and the
    answer is not 0, so each slip has a number of its own.
    """
    rng = random.Random(checked_seed(seed))
    kind = choice(graph, "graph (the kind of fork)", tuple(FORKS)) or rng.choice(list(FORKS))
    for _ in range(DRAWS):
        values = {name: float(rng.choice((0, 1)) if name == "t" else rng.choice(FORK_NUMBERS))
                  for name in FORKS[kind].names}
        fork = Fork(kind, rng.choice(FORK_NUMBERS), values)
        answer, *wrong = _fork_answers(fork)
        if abs(answer) > 1e-3 and all(not math.isclose(a, b, rel_tol=1e-2, abs_tol=1e-4)
                                      for i, a in enumerate((answer, *wrong))
                                      for b in wrong[i:]):
            break
    return fork


TIMES = {2: "twice", 3: "three times"}
DRAWS = 100
"""How many times a builder draws its numbers again to keep the wrong answers apart."""


def _fork_answers(fork: Fork) -> list[float]:
    """The gradient at x, then each slip's: one branch each, multiplied, no incoming gradient."""
    root, x = fork.graph()
    shares = next(step.shares for step in reverse_sweep(root) if step.node is x)
    amounts = [share.amount for share in shares]
    return [x.grad, *amounts, math.prod(amounts), sum(share.local for share in shares)]


def fork_question(seed: int, graph: str | None = None) -> Question:
    """Ask for the gradient the reverse sweep leaves at x, a value used more than once.

    ``graph`` picks the kind of fork (a key of ``FORKS``); None draws one from ``seed``.
    """
    fork = drawn_fork(seed, graph)
    kind = FORKS[fork.kind]
    root, x = fork.graph()
    steps = reverse_sweep(root)
    shares = next(step.shares for step in steps if step.node is x)
    amounts = [share.amount for share in shares]
    numbers = ", ".join(f"${_latex_label(name)} = {given(value)}$" for name, value in
                        (("x", fork.x), *fork.values.items()))
    forward = ", ".join(f"${_latex_label(n.label)} = {given(n.data)}$"
                        for n in topological_order(root) if n.label and n.parents)
    prompt = (f"<p>A small graph of autograd Values (notebook 10): ${kind.formula}$, with "
              f"{numbers}. The value x is used {TIMES[len(shares)]}: it feeds {kind.uses}.</p>"
              f"<p>The forward pass gives {forward}.</p>")
    shown = steps[:[step.node for step in steps].index(x) + 1]
    on_path = {x}  # the nodes x reaches f through; the others' gradients are not asked for
    for node in topological_order(root):
        if any(parent in on_path for parent in node.parents):
            on_path.add(node)
    swept = "".join(f"<li>{html.escape(step.text, quote=False)}</li>" for step in shown
                    if step.node in on_path)
    sum_text = " + ".join(latex_number(a) for a in amounts)
    solution = (f"<p>The reverse sweep, node by node, from f back to x:</p><ol>{swept}</ol>"
                f"<p>So $\\partial f / \\partial x = {sum_text} = {given(x.grad)}$: one share "
                "per use of x, added.</p>")
    wrong = [diagnosis("fork_one_branch", amount) for amount in amounts]
    wrong += [diagnosis("fork_multiplied", math.prod(amounts)),
              diagnosis("fork_forgot_incoming", sum(share.local for share in shares))]
    return numbered(
        prompt, "What gradient does the reverse sweep leave at x, ∂f/∂x?", x.grad,
        ["Each use of x sends a share back to x, and the shares add: gradients add at forks.",
         "A share is the local derivative of the node that used x (for x·y it is y, for an "
         "add 1) times the gradient that reached that node.",
         "Sweep from f back: f's gradient is 1, and each node passes on its gradient times its "
         "local derivatives, until every node that uses x has its gradient."],
        solution, wrong)


# ----- the shape of an array ----------------------------------------------------------------------
@dataclass(frozen=True)
class ShapeSetting:
    """A drawn net and batch size, every array of one pass by name, and the one drawn to ask."""

    net: Network
    n: int
    arrays: dict[str, np.ndarray]
    """By notebook 11's names: 'z0', then per layer l 'Wl', 'al', 'zl', 'δl', '∂J/∂Wl'."""
    drawn: str

    @property
    def layers(self) -> int:
        return len(self.net.weights)


def _sizes(rng: random.Random) -> tuple[list[int], int]:
    """Layer sizes and a batch size that keep every wrong shape apart from the right one."""
    while True:
        sizes = [rng.randint(2, 5), *(rng.randint(2, 8) for _ in range(rng.choice((1, 2)))),
                 rng.randint(1, 4)]
        n = rng.randint(4, 12)
        taken = {*sizes, *(s + 1 for s in sizes[:-1])}
        if (len(set(sizes)) == len(sizes) and n not in taken
                and all(sizes[k] != sizes[k - 1] + 1 for k in range(1, len(sizes)))):
            return sizes, n


def drawn_shapes(seed: int) -> ShapeSetting:
    """The net and batch of ``seed``, and every array of one backprop pass on it."""
    rng = random.Random(checked_seed(seed))
    sizes, n = _sizes(rng)
    net = Network(sizes, activation=rng.choice(("tanh", "sigmoid")), weights="random",
                  seed=rng.randrange(2**31))
    data = np.random.default_rng(rng.randrange(2**31))
    done = net.backprop(with_bias(data.uniform(-1, 1, (n, sizes[0]))),
                        data.uniform(0, 1, (n, sizes[-1])))
    arrays = {"z0": done.z[0]}
    for k in range(1, len(sizes)):
        arrays |= {f"W{k}": net.weights[k - 1], f"a{k}": done.a[k - 1], f"z{k}": done.z[k],
                   f"δ{k}": done.deltas[k - 1], f"∂J/∂W{k}": done.gradients[k - 1]}
    return ShapeSetting(net, n, arrays, rng.choice(list(arrays)))


def _parts(name: str) -> tuple[str, int]:
    """An array's name split into its kind and layer: 'δ2' -> ('δ', 2)."""
    kind = name.rstrip("0123456789")
    return kind, int(name[len(kind):])


def _array_latex(name: str) -> str:
    kind, layer = _parts(name)
    return {"W": "W", "a": "a", "z": "z", "δ": r"\delta", "∂J/∂W": r"\partial J / \partial W"
            }[kind] + f"_{{{layer}}}"


def _shape_slips(setting: ShapeSetting, name: str) -> list[Diagnosis]:
    """The wrong shapes of one array, each from the pass's own arrays."""
    arrays, n = setting.arrays, setting.n
    rows, columns = arrays[name].shape
    kind, layer = _parts(name)
    weights = kind in ("W", "∂J/∂W")
    biased = weights or (kind == "z" and layer < setting.layers)
    found = [diagnosis("shape_transposed", shape_value(columns, rows))]
    if biased:
        found.append(diagnosis("shape_no_bias_column", shape_value(rows, columns - 1)))
    else:
        found.append(diagnosis("shape_extra_bias_column", shape_value(rows, columns + 1)))
    if weights:
        found += [diagnosis("shape_bias_row", shape_value(rows + 1, columns)),
                  diagnosis("shape_batch_size", shape_value(n, columns)),
                  diagnosis("shape_batch_size", shape_value(rows, n))]
        if layer > 1:
            earlier = arrays[f"{kind}{layer - 1}"].shape
            found.append(diagnosis("shape_previous_layer", shape_value(*earlier)))
    else:
        found.append(diagnosis("shape_one_sample", shape_value(1, columns)))
    if not weights and layer > 0:
        before = (arrays[f"{kind}{layer - 1}"] if layer > 1 or kind == "z"
                  else arrays["z0"][:, 1:])  # a0 and δ0 do not exist: the inputs' own size
        found.append(diagnosis("shape_previous_layer", shape_value(*before.shape)))
    return found


def shape_question(seed: int, array: str | None = None) -> Question:
    """Ask the shape of one array of backprop in matrix form, for a drawn net and batch.

    ``array`` names it as notebook 11 does: 'z0', 'W1', 'a1', 'z1', 'δ1', '∂J/∂W1' (layers
    from 1); None draws one from ``seed``. Every shape is read off ``Network.backprop``.
    """
    setting = drawn_shapes(seed)
    names = list(setting.arrays)
    if array is not None and (not isinstance(array, str) or array not in names):
        raise BpkitError(f"array must be one of {', '.join(names)} for this net, or None to "
                         f"draw one from the seed; got {array!r:.40}")
    name = array or setting.drawn
    net, n = setting.net, setting.n
    table = pass_shapes(net, n)
    row = next(r for r in table.rows if r[0] == name)
    sizes = "-".join(map(str, net.sizes))
    layers = ", ".join(f"layer {k}: {s} unit{'s' if s > 1 else ''}"
                       for k, s in enumerate(net.sizes))
    shape = setting.arrays[name].shape
    prompt = (f"<p>A {sizes} net ({layers}; {net.activations[0]} hidden units) runs one "
              f"backprop pass on a batch of $n = {n}$ samples, in bpkit's matrix form of "
              f"notebook 11: $z_0$ is the input layer with its bias unit $X_0$, and $W_l$ is "
              f"<code>net.weights[l - 1]</code>.</p>")
    return Question(
        prompt=f"{prompt}<p><b>What is the shape of ${_array_latex(name)}$?</b> Type it as "
               "(rows, columns).</p>",
        answer=shape_value(*shape), hints=_shape_hints(name, row[1]),
        solution=(f"<p>{name} = {html.escape(row[1], quote=False)}: "
                  f"{html.escape(row[3], quote=False)}. So its shape is "
                  f"{shape[0]} by {shape[1]}, ({shape[0]}, {shape[1]}).</p><p>Every array of "
                  f"the pass (<code>pass_shapes(net, {n})</code>):</p>{table.to_html()}"),
        diagnoses=tuple(_shape_slips(setting, name)), answer_form="shape")


def _shape_hints(name: str, formula: str) -> list[str]:
    weights = name.startswith(("W", "∂"))
    first = ("W_l has one row per unit of layer l that receives weights, and one column per "
             "unit of layer l − 1; its gradient ∂J/∂W_l has its shape." if weights else
             "bpkit keeps one sample per row: an array with a value per sample has n rows.")
    return [first,
            "Only z of a layer that feeds another layer carries the bias unit 1, as column 0.",
            f"The formula: {html.escape(name)} = {html.escape(formula)}."]


__all__ = ["FORKS", "Fork", "drawn_fork", "drawn_shapes", "fork_question",
           "shape_question"]
