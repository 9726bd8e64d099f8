"""Measure 3: full-batch training on XOR in bpkit, micrograd, PyTorch and a hand-fused numpy loop.

Every implementation trains the same 2-3-1 net from the same start with the same update
(w := w - lr * dJ/dw, J = mean over the 4 samples of 1/2 (h - y)^2) and returns its weights in
bpkit's layout: ``weights[l][j, 0]`` is the bias weight into unit j, ``weights[l][j, 1:]`` the
others. The runs must agree to 1e-9 before their times mean anything.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import Row, median, missing, optional, seconds

from bpkit import XOR_X, XOR_Y, Network

EPOCHS = 10_000
LR = 0.1
SIZES = (2, 3, 1)
AGREE = 1e-9
TARGETS = {"micrograd": 15.0, "pytorch": 10.0}
"""bpkit must be at least this many times faster than each peer."""
MODULES = {"micrograd": "micrograd", "pytorch": "torch"}
"""Each peer's importable module (from the ``bench`` extra)."""
FLOOR_RATIO = 2.0
"""bpkit may take at most this many times as long as the hand-fused loop (issue 8: the one
readable backprop is worth the last third of the speed)."""

Weights = list[np.ndarray]
Trainer = Callable[[Weights, str, int], Weights]


def start(hidden: str) -> Weights:
    """The article's start (all weights 1) for a linear net; a seeded random one for tanh."""
    if hidden == "identity":
        return Network(list(SIZES)).weights
    return Network(list(SIZES), activation="tanh", weights="random", seed=0).weights


def train_bpkit(weights: Weights, hidden: str, epochs: int) -> Weights:
    """Train with bpkit's own loop, Network.train (one Network.backprop per epoch)."""
    net = Network(list(SIZES), activation=hidden, loss="squared", weights=weights)
    net.train(XOR_X, XOR_Y, LR, epochs)
    return net.weights


def train_floor(weights: Weights, hidden: str, epochs: int) -> Weights:
    """The same algorithm written out by hand for this one net: the floor numpy allows.

    Bias column and buffers made once, the output error reused for the loss and the deltas,
    updates in place; the loss is still computed every epoch, as a training loop reports it.
    """
    w1, w2 = (w.copy() for w in weights)
    n = XOR_X.shape[0]
    x1 = np.hstack([np.ones((n, 1)), XOR_X])
    z1 = np.ones((n, w1.shape[0] + 1))
    losses = []
    for _ in range(epochs):
        a1 = x1 @ w1.T
        hidden_z = np.tanh(a1) if hidden == "tanh" else a1
        z1[:, 1:] = hidden_z
        error = z1 @ w2.T - XOR_Y
        losses.append(0.5 * float((error * error).sum()) / n)
        g2 = error.T @ z1 / n
        d1 = error @ w2[:, 1:]
        if hidden == "tanh":
            d1 *= 1 - hidden_z * hidden_z
        g1 = d1.T @ x1 / n
        w1 -= LR * g1
        w2 -= LR * g2
    return [w1, w2]


def train_micrograd(weights: Weights, hidden: str, epochs: int) -> Weights:
    """Train micrograd's MLP of linear neurons as its README trains, one scalar at a time."""
    if hidden != "identity":
        raise ValueError("micrograd has no tanh neuron; it runs the linear net only")
    from micrograd.nn import MLP

    model = MLP(SIZES[0], list(SIZES[1:]))
    for layer, w in zip(model.layers, weights):
        for neuron, row in zip(layer.neurons, w):
            neuron.nonlin = False  # linear neurons: f(a) = a, as in the article
            neuron.b.data = float(row[0])
            for value, weight in zip(neuron.w, row[1:]):
                value.data = float(weight)
    samples = [([float(v) for v in x], float(y[0])) for x, y in zip(XOR_X, XOR_Y)]
    for _ in range(epochs):
        loss = sum(((model(x) - y) ** 2) * 0.5 for x, y in samples) * (1 / len(samples))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
    return [np.array([[n.b.data, *(v.data for v in n.w)] for n in layer.neurons])
            for layer in model.layers]


def train_pytorch(weights: Weights, hidden: str, epochs: int) -> Weights:
    """PyTorch eager on the CPU: float64, one thread, nn.Linear layers and torch.optim.SGD."""
    import torch

    torch.set_num_threads(1)
    layers = [torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.Linear(SIZES[1], SIZES[2])]
    model = torch.nn.Sequential(layers[0], *([torch.nn.Tanh()] if hidden == "tanh" else []),
                                layers[1]).double()
    with torch.no_grad():
        for layer, w in zip(layers, weights):
            layer.bias.copy_(torch.from_numpy(w[:, 0]))
            layer.weight.copy_(torch.from_numpy(w[:, 1:]))
    x = torch.from_numpy(XOR_X)
    y = torch.from_numpy(XOR_Y)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = 0.5 * ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return [np.column_stack([layer.bias.detach().numpy(), layer.weight.detach().numpy()])
            for layer in layers]


def trainers(hidden: str) -> tuple[dict[str, Trainer], list[str]]:
    """The implementations that can run here, and the peers that are not installed."""
    found: dict[str, Trainer] = {"bpkit": train_bpkit, "numpy floor": train_floor}
    peers = {"micrograd": train_micrograd, "pytorch": train_pytorch}
    if hidden != "identity":
        del peers["micrograd"]  # it has no tanh neuron
    absent = []
    for name, train in peers.items():
        if optional(MODULES[name]) is not None:
            found[name] = train
        else:
            absent.append(name)
    return found, absent


def difference(a: Weights, b: Weights) -> float:
    """The largest absolute difference between two sets of weights."""
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


def compare(hidden: str, epochs: int = EPOCHS,
            repeats: int = 3) -> tuple[dict[str, list[float]], float]:
    """Seconds per implementation (runs interleaved), and their largest weight difference."""
    found, _ = trainers(hidden)
    first = start(hidden)
    for train in found.values():
        train(first, hidden, 5)  # warm up: imports, lambdified functions, allocator
    times: dict[str, list[float]] = {name: [] for name in found}
    finals: dict[str, Weights] = {}
    for _ in range(repeats):
        for name, train in found.items():
            times[name].append(seconds(lambda train=train, name=name: finals.__setitem__(
                name, train(first, hidden, epochs))))
    spread = max(difference(finals["bpkit"], other) for other in finals.values())
    if spread > AGREE:
        raise AssertionError(f"the {hidden} runs disagree: weights differ by up to {spread:.3g}")
    return times, spread


def rows(repeats: int = 5) -> list[Row]:
    """Times, the agreement of the weights, and bpkit's ratios against each peer."""
    table = []
    for hidden, label in (("identity", "linear 2-3-1, all weights 1"),
                          ("tanh", "tanh 2-3-1, seeded random start")):
        times, spread = compare(hidden, repeats=repeats)
        _, absent = trainers(hidden)
        ours = median(times["bpkit"])
        for name, runs in times.items():
            table.append(Row(f"train {EPOCHS:,} epochs, {label}: {name} (median of {repeats})",
                             f"{median(runs):.3f} s"))
        table.append(Row(f"  {label}: largest weight difference between them",
                         f"{spread:.1e}", f"<= {AGREE:g}", spread <= AGREE))
        for name, factor in TARGETS.items():
            if name in times:
                ratio = median(times[name]) / ours
                table.append(Row(f"  {label}: bpkit faster than {name}", f"{ratio:.1f}x",
                                 f">= {factor:g}x", ratio >= factor))
            elif name in absent:
                table.append(Row(f"  {label}: bpkit against {name}",
                                 f"skipped: {missing(MODULES[name])}"))
        floor = ours / median(times["numpy floor"])
        table.append(Row(f"  {label}: bpkit time / hand-fused numpy loop", f"{floor:.2f}x",
                         f"<= {FLOOR_RATIO:g}x", floor <= FLOOR_RATIO))
    return table
