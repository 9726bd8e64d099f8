"""Losses and gradients against a 50-digit mpmath reference, on 1,200 seeded random networks.

The reference shares no code with bpkit: the forward pass, the loss and the chain rule are
written here once more with mpmath's own exp, log, tanh at 50 significant digits, from the same
float64 weights and inputs (an mpf of a float is exact). The nets cover every activation and
every loss, and a quarter of them are saturated: weights large enough that a sigmoid output
rounds to 0 or 1 in float64, where the logistic loss must still be exact.

Pass: relative error <= 1e-9, or absolute error <= 1e-12 where the reference is below 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest
from mpmath import mp, mpf

from bpkit import Network

DIGITS = 50
NETS = 1_200
REL, ABS = 1e-9, 1e-12
ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu"]
LOSSES = ["squared", "article", "logistic"]


def f(name: str, a: mpf) -> mpf:
    """The activation at 50 digits."""
    return {"identity": lambda: a, "sigmoid": lambda: 1 / (1 + mp.exp(-a)),
            "tanh": lambda: mp.tanh(a), "relu": lambda: max(mpf(0), a)}[name]()


def df(name: str, a: mpf) -> mpf:
    """Its derivative at 50 digits, written from the textbook forms."""
    if name == "sigmoid":
        s = 1 / (1 + mp.exp(-a))
        return s * (1 - s)
    return {"identity": mpf(1), "tanh": 1 - mp.tanh(a) ** 2,
            "relu": mpf(1) if a > 0 else mpf(0)}[name]


def loss_and_dj_dh(loss: str, h: mpf, y: mpf) -> tuple[mpf, mpf]:
    """One output's reported loss and d(objective)/dh (the article's objective is -J)."""
    if loss == "logistic":
        return -(y * mp.log(h) + (1 - y) * mp.log(1 - h)), (h - y) / (h * (1 - h))
    sign = -1 if loss == "article" else 1
    return (h - y) ** 2 / 2, sign * (h - y)


def exact_weights(net: Network) -> list[list[list[mpf]]]:
    """The network's float64 weights as mpf numbers (exactly)."""
    return [[[mpf(float(v)) for v in row] for row in layer] for layer in net.weights]


def reference(net: Network, X: np.ndarray, Y: np.ndarray,
              W: list[list[list[mpf]]] | None = None) -> tuple[mpf, list[list[list[mpf]]]]:
    """J (mean over samples, summed over outputs) and dJ/dw for every weight, at 50 digits.

    ``W`` defaults to the network's own weights; the layout, activations and loss are its.
    """
    W = exact_weights(net) if W is None else W
    acts = net.activations
    total = mpf(0)
    grads = [[[mpf(0)] * len(row) for row in layer] for layer in W]
    for x, y in zip(X, Y):
        zs, sums = [[mpf(1)] + [mpf(float(v)) for v in x]], []
        for layer, w in enumerate(W):
            a = [mp.fsum(wi * zi for wi, zi in zip(row, zs[-1])) for row in w]
            out = [f(acts[layer], ai) for ai in a]
            sums.append(a)
            zs.append(out if layer == len(W) - 1 else [mpf(1), *out])
        parts = [loss_and_dj_dh(net.loss_name, h, mpf(float(t))) for h, t in zip(zs[-1], y)]
        total += mp.fsum(p[0] for p in parts)
        delta = [p[1] * df(acts[-1], a) for p, a in zip(parts, sums[-1])]
        for layer in range(len(W) - 1, -1, -1):
            for j, d in enumerate(delta):
                for i, z in enumerate(zs[layer]):
                    grads[layer][j][i] += d * z
            if layer:
                delta = [df(acts[layer - 1], sums[layer - 1][i]) *
                         mp.fsum(W[layer][j][i + 1] * delta[j] for j in range(len(delta)))
                         for i in range(len(sums[layer - 1]))]
    n = len(X)
    return total / n, [[[g / n for g in row] for row in layer] for layer in grads]


def random_problem(seed: int) -> tuple[Network, np.ndarray, np.ndarray]:
    """A seeded random net, batch and targets; about one in four saturated."""
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 4)), *rng.integers(1, 5, int(rng.integers(1, 3))),
             int(rng.integers(1, 3))]
    loss = LOSSES[seed % 3]
    output = "sigmoid" if loss == "logistic" else ACTIVATIONS[seed // 3 % 4]
    hidden = [ACTIVATIONS[int(i)] for i in rng.integers(0, 4, len(sizes) - 2)]
    net = Network(sizes, activation=hidden, output_activation=output, loss=loss,
                  weights="random", seed=seed)
    saturated = seed % 4 == 0
    weights = [w * rng.choice([0.5, 2.0, 4.0]) for w in net.weights]
    if saturated:  # output sums of 30 to 40 (h = 1 - 1e-13 .. 1 - 4e-18 for a sigmoid)
        weights[-1][:, 0] = rng.choice([-1, 1], len(weights[-1])) * rng.uniform(30, 40)
    net.weights = weights
    n = int(rng.integers(1, 5))
    X = rng.uniform(-2, 2, (n, sizes[0]))
    Y = rng.uniform(0, 1, (n, sizes[-1]))
    if saturated:
        Y = np.round(Y)  # targets of exactly 0 and 1: h - y cancels where h rounds to y
    return net, X, Y


def near_a_relu_kink(net: Network, X: np.ndarray) -> bool:
    """True if some relu unit's sum is within 1e-6 of 0, where relu has no derivative."""
    a, _ = net.forward(np.column_stack([np.ones(len(X)), X]))
    return any(np.abs(s).min() < 1e-6 for s, name in zip(a, net.activations) if name == "relu")


def worst_error(value: float, exact: mpf) -> float:
    """The error as the pass rule measures it: relative, or absolute for a tiny reference."""
    gap = abs(mpf(float(value)) - exact)
    return float(gap / abs(exact)) / REL if abs(exact) >= ABS else float(gap) / ABS


@mp.workdps(DIGITS)
def test_losses_and_gradients_match_a_50_digit_reference_on_1200_random_nets():
    checked, worst = 0, (0.0, None)
    for seed in range(NETS):
        net, X, Y = random_problem(seed)
        if near_a_relu_kink(net, X):
            continue
        exact_loss, exact_grads = reference(net, X, Y)
        errors = [worst_error(net.loss(X, Y), exact_loss)]
        for layer, grad in enumerate(net.gradients(X, Y)):
            errors += [worst_error(g, exact_grads[layer][j][i])
                       for (j, i), g in np.ndenumerate(grad)]
        checked += 1
        worst = max(worst, (max(errors), seed), key=lambda pair: pair[0])
    assert checked >= 1_000
    assert worst[0] <= 1.0, f"seed {worst[1]}: {worst[0]:.3g} times the allowed error"


@pytest.mark.parametrize("w", [34.0, 36.0, 37.0, 60.0, 700.0])
def test_the_logistic_gradient_is_exact_where_the_sigmoid_output_rounds_to_one(w):
    net = Network([1, 1], output_activation="sigmoid", loss="logistic", weights=[[[0.0, w]]])
    with mp.workdps(400):  # enough digits that 1 - h is not 0 even at w = 700
        h = 1 / (1 + mp.exp(-w))  # rounds to 1.0 in float64 from w = 37 on
        exact = [float(h), float(h - 1), float(-mp.log(1 - h)), float(-mp.log(h))]
    gradients = [net.gradients([[1.0]], [[y]])[0][0, 1] for y in (0.0, 1.0)]  # (h - y) * x
    losses = [net.loss([[1.0]], [[y]]) for y in (0.0, 1.0)]
    assert gradients + losses == pytest.approx(exact, rel=1e-13, abs=0)


@mp.workdps(DIGITS)
def test_the_reference_itself_agrees_with_50_digit_finite_differences():
    eps = mpf(10) ** -15
    for seed in range(0, 60, 7):
        net, X, Y = random_problem(seed)
        if near_a_relu_kink(net, X):
            continue
        _, grads = reference(net, X, Y)
        for layer, w in enumerate(net.weights):
            for (j, i), _value in np.ndenumerate(w):
                moved = []
                for sign in (1, -1):
                    W = exact_weights(net)
                    W[layer][j][i] += sign * eps
                    moved.append(reference(net, X, Y, W)[0])
                numeric = (moved[0] - moved[1]) / (2 * eps)
                if net.loss_name == "article":  # its deltas descend -J (the article's sign)
                    numeric = -numeric
                gap = abs(numeric - grads[layer][j][i])
                assert gap <= mpf(10) ** -25 * (1 + abs(numeric)), (seed, layer, j, i)


@pytest.mark.parametrize("loss", ["squared", "article"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("w", [-300.0, -40.0, -20.0, -3.0, 0.7, 3.0, 20.0, 36.0, 40.0, 300.0])
@pytest.mark.parametrize("target", ["end", 0.5, -0.25])
def test_the_squared_loss_keeps_h_minus_y_where_a_sigmoid_or_tanh_output_saturates(
        loss, activation, w, target):
    """h rounds to the end it tends to (1 for a sigmoid at a = 40, while 1 - h is 4.2e-18): the
    delta (h - y) f'(a) and the loss (h - y)^2 / 2 still match 400 digits, so a = 40 with y = 1
    gives -1.8e-35, not 0."""
    net = Network([1, 1], output_activation=activation, loss=loss, weights=[[[0.0, w]]])
    with mp.workdps(400):
        h = f(activation, mpf(w))
        y = (mpf(1) if w > 0 else mpf(-1 if activation == "tanh" else 0)) if target == "end" \
            else mpf(target)
        sign = -1 if loss == "article" else 1
        exact = [float(sign * (h - y) * df(activation, mpf(w))), float((h - y) ** 2 / 2)]
    got = [net.gradients([[1.0]], [[float(y)]])[0][0, 1], net.loss([[1.0]], [[float(y)]])]
    assert got == pytest.approx(exact, rel=1e-12, abs=0)


def test_a_saturated_sigmoid_output_with_its_target_gives_the_exact_small_gradient():
    net = Network([1, 1], output_activation="sigmoid", weights=[[[0.0, 40.0]]])
    with mp.workdps(100):
        h = 1 / (1 + mp.exp(-40))
        exact = float((h - 1) * h * (1 - h))  # (h - y) f'(a) with y = 1, x = 1
    assert exact == pytest.approx(-1.8049e-35, rel=1e-4)
    assert net.gradients([[1.0]], [[1.0]])[0][0, 1] == pytest.approx(exact, rel=1e-13, abs=0)
