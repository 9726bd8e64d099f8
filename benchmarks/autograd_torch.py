"""Issue 11: bpkit's scalar autograd engine against PyTorch's autograd, weight by weight.

PyTorch differentiates the same network written with its own tensors (float64): the weighted
sums as matrix products with the bias in column 0, its own activations and the loss written
out again here, not taken from bpkit. The engine (``bpkit.core.lessons.netgraph.gradients``) must give
the same dJ/dw on the article's net and on seeded random nets of every activation and loss.
"""

from __future__ import annotations

import numpy as np
from common import Row, missing, optional

from bpkit import ACTIVATIONS, LOSSES, XOR_X, XOR_Y, Network, article_network
from bpkit.core.lessons.netgraph import engine_gradients

RANDOM_NETS = 200
AGREE = 1e-10
"""The largest difference in any dJ/dw the two may show (float64 rounding only)."""


def torch_gradients(net: Network, X: np.ndarray, Y: np.ndarray) -> list[np.ndarray]:
    """dJ/dw of ``net`` on a batch by torch.autograd, shaped like ``net.weights``."""
    import torch

    act = {"identity": lambda a: a, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
           "relu": torch.relu}
    weights = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net.weights]
    z = torch.tensor(np.asarray(X, dtype=float), dtype=torch.float64)
    y = torch.tensor(np.asarray(Y, dtype=float), dtype=torch.float64)
    for w, name in zip(weights, net.activations):
        z = act[name](torch.cat([torch.ones(len(z), 1, dtype=torch.float64), z], 1) @ w.T)
    squared = 0.5 * (z - y) ** 2
    per_output = {"squared": squared, "article": -squared,  # the article's sign: see LOSSES
                  "logistic": -(y * torch.log(z) + (1 - y) * torch.log(1 - z))}[net.loss_name]
    per_output.sum(dim=1).mean().backward()
    return [w.grad.numpy() for w in weights]


def random_net(seed: int) -> tuple[Network, np.ndarray, np.ndarray]:
    """A seeded random net and batch: any activations, 1 to 3 hidden layers, any loss."""
    rng = np.random.default_rng(seed)
    names, losses = sorted(ACTIVATIONS), sorted(LOSSES)
    hidden = [int(n) for n in rng.integers(1, 5, rng.integers(1, 4))]
    sizes = [int(rng.integers(1, 4)), *hidden, int(rng.integers(1, 4))]
    loss = losses[seed % len(losses)]
    output = "sigmoid" if loss == "logistic" else names[int(rng.integers(len(names)))]
    net = Network(sizes, activation=[names[int(rng.integers(len(names)))] for _ in hidden],
                  output_activation=output, loss=loss, weights="random", seed=seed)
    n = int(rng.integers(1, 6))
    X = rng.normal(size=(n, sizes[0]))
    Y = rng.uniform(0, 1, (n, sizes[-1])) if loss == "logistic" else rng.normal(
        size=(n, sizes[-1]))
    return net, X, Y


def largest_gap(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    """The largest |engine - torch| over every dJ/dw of one net and batch."""
    return max(float(np.max(np.abs(e - t)))
               for e, t in zip(engine_gradients(net, X, Y), torch_gradients(net, X, Y)))


def rows() -> list[Row]:
    """The engine against torch.autograd: the article's net, then the random nets."""
    measure = "autograd engine = torch.autograd (largest gap in dJ/dw)"
    if optional("torch") is None:
        return [Row(measure, f"skipped: {missing('torch')}")]
    article = max(largest_gap(article_network(loss), XOR_X, XOR_Y)
                  for loss in ("squared", "article"))
    nets = max(largest_gap(*random_net(seed)) for seed in range(RANDOM_NETS))
    return [Row(f"{measure}, article's net, 4 samples", f"{article:.1e}", f"<= {AGREE:g}",
                article <= AGREE),
            Row(f"{measure}, {RANDOM_NETS} random nets", f"{nets:.1e}", f"<= {AGREE:g}",
                nets <= AGREE)]
