"""One reference step, in plain Python arithmetic, that every test compares bpkit against.

Written from the article's recipe with scalar loops and the article's names, sharing no code
with bpkit's numpy backprop: forward sums a = sum(w * z), z = f(a); output delta = sign * (h - y)
* f'(a); hidden delta = f'(a) * sum over outgoing links of w * delta; gradient = z(source) *
delta(target); w := w - alpha * gradient. sign=-1 replays the article's (uphill) convention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

F = {"identity": (lambda a: a, lambda a: 1.0),
     "tanh": (math.tanh, lambda a: 1.0 - math.tanh(a) ** 2),
     "sigmoid": (lambda a: 1 / (1 + math.exp(-a)),
                 lambda a: math.exp(-a) / (1 + math.exp(-a)) ** 2)}


@dataclass
class ReferenceStep:
    """A step's numbers by name: a, z and delta per unit; gradient, old and new w per link."""

    a: dict[str, float]
    z: dict[str, float]
    delta: dict[str, float]
    gradient: dict[str, float]
    old: dict[str, float]
    new: dict[str, float]
    loss: float
    loss_after: float
    h_after: float


def names(sizes):
    """X0..Xn, Z0..Zm (one hidden layer) or Z1_0.. (several), D0..: bias units first."""
    last = len(sizes) - 1
    layers = []
    for layer, size in enumerate(sizes):
        prefix = "X" if layer == 0 else "D" if layer == last else (
            "Z" if len(sizes) == 3 else f"Z{layer}_")
        count = size if layer == last else size + 1
        layers.append([f"{prefix}{k}" for k in range(count)])
    return layers


def _forward(layers, weights, x, activation):
    a, z = {}, {name: 1.0 if k == 0 else float(x[k - 1]) for k, name in enumerate(layers[0])}
    for layer in range(1, len(layers)):
        f = F["identity" if layer == len(layers) - 1 else activation][0]
        receivers = layers[layer] if layer == len(layers) - 1 else layers[layer][1:]
        if layer < len(layers) - 1:
            z[layers[layer][0]] = 1.0
        for row, target in enumerate(receivers):
            a[target] = sum(weights[layer - 1][row][col] * z[source]
                            for col, source in enumerate(layers[layer - 1]))
            z[target] = f(a[target])
    return a, z


def step(sizes, weights, x, y, lr, sign=1.0, activation="identity"):
    """One step on one sample. ``weights[l][j][i]``: into unit j of layer l+1 from unit i of l."""
    layers = names(sizes)
    ys = [float(v) for v in (y if hasattr(y, "__len__") else [y])]
    a, z = _forward(layers, weights, x, activation)
    outputs = layers[-1]
    delta = {}
    for k, unit in enumerate(outputs):
        delta[unit] = sign * (z[unit] - ys[k]) * 1.0  # linear output: f'(a) = 1
    for layer in range(len(layers) - 2, 0, -1):
        df = F[activation][1]
        for row, unit in enumerate(layers[layer][1:], start=1):
            nxt = layers[layer + 1] if layer + 1 == len(layers) - 1 else layers[layer + 1][1:]
            delta[unit] = df(a[unit]) * sum(weights[layer][j][row] * delta[t]
                                            for j, t in enumerate(nxt))
    gradient, old, new = {}, {}, {}
    stepped = [[list(row) for row in w] for w in weights]
    for layer in range(1, len(layers)):
        receivers = layers[layer] if layer == len(layers) - 1 else layers[layer][1:]
        for row, target in enumerate(receivers):
            for col, source in enumerate(layers[layer - 1]):
                name = f"w({source}->{target})"
                gradient[name] = z[source] * delta[target]
                old[name] = weights[layer - 1][row][col]
                new[name] = old[name] - lr * gradient[name]
                stepped[layer - 1][row][col] = new[name]
    loss = sum(0.5 * (z[u] - ys[k]) ** 2 for k, u in enumerate(outputs))
    _, z_after = _forward(layers, stepped, x, activation)
    loss_after = sum(0.5 * (z_after[u] - ys[k]) ** 2 for k, u in enumerate(outputs))
    return ReferenceStep(a, z, delta, gradient, old, new, loss, loss_after,
                         z_after[outputs[0]])


def article_step(x=(0.0, 0.0), y=0.0, lr=0.1, sign=1.0, changes=None, activation="identity"):
    """The article's 2-3-1 net, every weight 1 but ``changes`` ({'w(X0->Z1)': 2.0, ...})."""
    weights = [[[1.0] * 3 for _ in range(3)], [[1.0] * 4]]
    layers = names((2, 3, 1))
    for link, value in (changes or {}).items():
        source, target = link.removeprefix("w(").removesuffix(")").split("->")
        layer = 0 if target.startswith("Z") else 1
        receivers = layers[1][1:] if layer == 0 else layers[2]
        weights[layer][receivers.index(target)][layers[layer].index(source)] = float(value)
    return step((2, 3, 1), weights, x, y, lr, sign, activation)
