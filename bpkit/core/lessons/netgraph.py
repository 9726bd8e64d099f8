"""A bpkit Network's loss written in autograd Values: the network as a graph of small nodes.

Every weighted sum is multiply and add nodes, every activation one node, and the loss the
nodes of its sympy formula, so one ``backward`` gives the same dJ/dw as ``Network.gradients``,
one local derivative at a time. On one sample every node a learner looks for has a label:
the inputs X1, ..., each weight w(S->T), each a(T) and z(T), the target y(T), and J.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce

import numpy as np
import sympy as sp

from bpkit.core import functions, naming, validate
from bpkit.core.autograd import Value, topological_order
from bpkit.core.errors import BpkitError
from bpkit.core.network import Network, checked_network

Weights = list[list[list[Value]]]
"""``weights[l][j][i]`` is the Value of ``Network.weights[l][j, i]``."""
MAX_NODES = 200_000
"""The most Values ``network_loss`` builds: building them and one ``backward`` take about 10 µs
a node on a 2-core machine, so about 2 s. Notebook 10's largest graph has 166 nodes; a
10-300-300-1 net on 64 samples would need 12 million."""


def network_loss(net: Network, X: object, Y: object) -> tuple[Value, Weights]:
    """The objective J of ``net`` on a batch as a Value, and the weight Values it was built from.

    J is the batch mean of the loss summed over the outputs, written with the loss's objective
    from ``functions.LOSSES`` (what the deltas differentiate: for the 'article' loss that is the
    negated squared error, so J.data is -net.loss(X, Y)). After ``J.backward()`` each weight's
    grad is dJ/dw. On a batch of one sample every unit's a and z is labelled too (see
    ``find_node``). The logistic loss is written in h, so an output that rounds to 0 or 1
    makes its log refuse. A graph of more than ``MAX_NODES`` Values (see ``graph_size``) is
    refused before any is built.
    """
    net = checked_network(net)
    inputs, targets = validate.samples(X, Y, net.sizes[0], net.sizes[-1])
    nodes = graph_size(net, len(inputs))
    if nodes > MAX_NODES:
        raise BpkitError(f"the graph of {list(net.sizes)} on {len(inputs)} sample(s) would have "
                         f"{nodes:,} Values (about 2 per weight per sample); at most "
                         f"{MAX_NODES:,} (about 2 s) are built: use fewer samples, such as "
                         "X[:4], or a smaller network")
    net.loss(X, Y)  # checks X and Y as the network does
    weights = [[[Value(w, name) for w, name in zip(row, names)] for row, names in zip(*layer)]
               for layer in zip(net.weights, net.link_names)]
    one = len(inputs) == 1
    objective = functions.loss(net.loss_name).objective
    terms = []
    for x, target in zip(inputs, targets):
        outputs = _forward(x, weights, net, labelled=one)
        for out, y, name in zip(outputs, target, net.unit_names[-1]):
            y = Value(float(y), f"y({name})" if one else "")
            terms.append(_from_formula(objective, {functions.h: out, functions.y: y}))
    total = reduce(operator.add, terms) if len(terms) > 1 else _as_value(terms[0])
    J = total * (1 / len(inputs)) if len(inputs) > 1 else total
    J.label = "J"
    return J, weights


def engine_gradients(net: Network, X: object, Y: object) -> list[np.ndarray]:
    """dJ/dw for every weight of ``net`` by the engine, shaped like ``net.weights``."""
    loss, weights = network_loss(net, X, Y)
    loss.backward()
    return [np.array([[w.grad for w in row] for row in layer]) for layer in weights]


def graph_size(net: Network, samples: int) -> int:
    """How many Values ``network_loss`` builds for ``net`` on ``samples`` samples (none built).

    Each weight is one Value; each sample adds its inputs and bias units, a product and a sum
    per weight and an activation per unit (2 per weight in all), and the loss's nodes per
    output; then a sum of every loss term and, for a batch, a multiplication by 1 / n.
    """
    net = checked_network(net)
    weights = sum(rows * columns for rows, columns in net.weight_shapes)
    leaves = net.sizes[0] + 1 + len(net.sizes) - 2  # inputs with X0, and each hidden bias unit
    per_sample = leaves + 2 * weights + net.sizes[-1] * _loss_nodes(net.loss_name)
    terms = samples * net.sizes[-1]
    return weights + samples * per_sample + terms - 1 + (2 if samples > 1 else 0)


def _loss_nodes(loss_name: str) -> int:
    """The Values one output's loss term adds to the graph: its target y and its formula's."""
    output = Value(0.5)
    term = _as_value(_from_formula(functions.loss(loss_name).objective,
                                   {functions.h: output, functions.y: Value(0.5)}))
    return len(topological_order(term)) - 1  # all but the output h, counted with its unit


def find_node(root: Value, label: str) -> Value:
    """The one Value labelled ``label`` in the graph of ``root``, e.g. find_node(J, 'a(Z1)')."""
    found = [n for n in topological_order(root) if n.label == label]
    if len(found) != 1:
        labels = [n.label for n in topological_order(root) if n.label]
        raise BpkitError(f"{len(found)} nodes are labelled {label!r:.40}, expected one: the "
                         f"labels are {', '.join(labels[:12])}{' ...' if len(labels) > 12 else ''}")
    return found[0]


def _forward(x: Sequence[float], weights: Weights, net: Network, labelled: bool) -> list[Value]:
    """One sample's forward pass: per unit a = sum of w * z over its links, then z = f(a)."""
    names = net.unit_names
    z = [Value(value, name if labelled else "")  # the bias unit X0 = 1, then the inputs
         for value, name in zip([1.0, *map(float, x)], names[0])]
    for layer, (rows, activation) in enumerate(zip(weights, net.activations)):
        targets = naming.target_names(net.sizes, layer + 1)
        out = []
        for row, target in zip(rows, targets):
            a = reduce(operator.add, [w * zi for w, zi in zip(row, z)])
            out.append(a.activate(activation))
            a.label, out[-1].label = (f"a({target})", f"z({target})") if labelled else ("", "")
        if layer + 1 < len(weights):  # the next layer's bias unit, z = 1
            z = [Value(1.0, names[layer + 1][0] if labelled else ""), *out]
    return out


def _as_value(number: Value | float) -> Value:
    return number if isinstance(number, Value) else Value(number)


def _from_formula(expr: sp.Expr, values: dict[sp.Symbol, Value]) -> Value | float:
    """A loss formula computed with Value operations, so the graph holds its every step."""
    if expr.is_Symbol:
        return values[expr]
    if expr.is_Number:
        return float(expr)
    args = [_from_formula(arg, values) for arg in expr.args]
    if expr.is_Add or expr.is_Mul:
        return reduce(operator.add if expr.is_Add else operator.mul, args)
    if expr.is_Pow:
        return _as_value(args[0]) ** args[1]
    if isinstance(expr, sp.log):
        return _as_value(args[0]).log()
    raise BpkitError(f"the autograd engine has no rule for {expr.func.__name__} in {expr}")
