"""A right answer is never refused: right backprops and backward rules in many styles all pass.

Each function below is one way a learner might write a right answer: lists or arrays, tuples,
float32, Python loops over samples and units, einsum, recursion, numpy scalars, ints, lambdas,
functools.partial. ``check_backprop`` and ``check_backward`` must accept every one.
"""

import functools
import math
from collections import namedtuple
from fractions import Fraction

import numpy as np
import pytest

from bpkit import check_backprop, check_backward, f_prime

SLOPES = {"sigmoid": lambda z: z * (1 - z), "tanh": lambda z: 1 - z**2,
          "identity": np.ones_like}
"""f'(a) in its z form, by activation, for learners who compute it from z."""


# ----- backprop: one right answer per style ------------------------------------------------------
def canonical_tuple(net, z0, Y):
    """The four equations with np.dot, each new gradient put in front, returned as a tuple."""
    sums, acts = net.forward(z0)
    slopes = f_prime(net, sums)
    delta = (acts[-1] - Y) * slopes[-1]
    out = (np.dot(delta.T, acts[-2]) / len(Y),)
    for k in range(len(net.weights) - 1, 0, -1):
        delta = np.dot(delta, net.weights[k][:, 1:]) * slopes[k - 1]
        out = (np.dot(delta.T, acts[k - 1]) / len(Y), *out)
    return out


def nested_lists(net, z0, Y):
    """Plain Python lists of lists, from a pass of the four equations."""
    return [g.tolist() for g in canonical_tuple(net, z0, Y)]


def from_z_with_append_then_reverse(net, z0, Y):
    """f'(a) from z (z(1 − z), 1 − z²), gradients appended from the back, then reversed."""
    _, z = net.forward(z0)
    slopes = [SLOPES[name] for name in net.activations]
    depth = len(net.weights)
    back = (z[-1] - Y) * slopes[-1](z[-1])
    out = []
    for layer in range(depth - 1, -1, -1):
        out.append(np.dot(back.T, z[layer]) / z0.shape[0])
        if layer:
            back = np.dot(back, net.weights[layer][:, 1:]) * slopes[layer - 1](z[layer][:, 1:])
    out.reverse()
    return out


def with_einsum(net, z0, Y):
    """Every product an einsum, the mean over samples included."""
    a, z = net.forward(z0)
    slope = f_prime(net, a)
    delta = (z[-1] - Y) * slope[-1]
    result = [None] * len(net.weights)
    for k in range(len(net.weights) - 1, -1, -1):
        result[k] = np.einsum("ni,nj->ij", delta, z[k]) / len(z0)
        if k > 0:
            delta = np.einsum("ni,ij->nj", delta, net.weights[k][:, 1:]) * slope[k - 1]
    return result


def recursive(net, z0, Y):
    """Recursion over the layers: each call returns its delta's gradients and those below."""
    a, z = net.forward(z0)
    slope = f_prime(net, a)

    def below(k, delta):
        here = np.matmul(delta.T, z[k]) / len(Y)
        if k == 0:
            return [here]
        earlier = np.matmul(delta, net.weights[k][:, 1:]) * slope[k - 1]
        return [*below(k - 1, earlier), here]

    return below(len(net.weights) - 1, (z[-1] - Y) * slope[-1])


def loops_over_samples_and_units(net, z0, Y):
    """No vector operation at all: Python loops over samples, units and links."""
    a, z = net.forward(z0)
    slope = f_prime(net, a)
    weights = net.weights
    total = [np.zeros_like(w) for w in weights]
    for s in range(len(z0)):
        deltas = {len(weights) - 1: [(z[-1][s, j] - Y[s, j]) * slope[-1][s, j]
                                     for j in range(weights[-1].shape[0])]}
        for k in range(len(weights) - 2, -1, -1):
            deltas[k] = [slope[k][s, i] * sum(weights[k + 1][j, i + 1] * d
                                              for j, d in enumerate(deltas[k + 1]))
                         for i in range(weights[k].shape[0])]
        for k, w in enumerate(weights):
            for j in range(w.shape[0]):
                for i in range(w.shape[1]):
                    total[k][j, i] += z[k][s, i] * deltas[k][j] / len(z0)
    return total


def single_precision(net, z0, Y):
    """The whole pass in float32, forward included, with the activations written out."""
    funcs = {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh, "identity": lambda v: v}
    ws = [w.astype(np.float32) for w in net.weights]
    zs = [z0.astype(np.float32)]
    for k, (w, name) in enumerate(zip(ws, net.activations)):
        out = funcs[name](zs[-1] @ w.T)
        zs.append(out if k == len(ws) - 1 else np.hstack([zs[0][:, :1], out]))
    d = (zs[-1] - Y.astype(np.float32)) * SLOPES[net.activations[-1]](zs[-1])
    gs = [d.T @ zs[-2] / np.float32(len(z0))]
    for k in range(len(ws) - 1, 0, -1):
        d = (d @ ws[k][:, 1:]) * SLOPES[net.activations[k - 1]](zs[k][:, 1:])
        gs.insert(0, d.T @ zs[k - 1] / np.float32(len(z0)))
    return gs


def broadcast_mean(net, z0, Y):
    """The batch mean as .mean(axis=0) of per-sample outer products, by broadcasting."""
    a, z = net.forward(z0)
    fp = f_prime(net, a)
    deltas = [(z[-1] - Y) * fp[-1]]
    for k in range(len(net.weights) - 1, 0, -1):
        deltas.insert(0, fp[k - 1] * (deltas[0] @ net.weights[k][:, 1:]))
    return [(d[:, :, None] * zb[:, None, :]).mean(axis=0) for d, zb in zip(deltas, z)]


def preallocated_with_tensordot(net, z0, Y):
    """Deltas in a preallocated list; tensordot over the sample axis; W[:, 1:] as its own name."""
    a, z = net.forward(z0)
    fp = f_prime(net, a)
    L = len(net.weights)
    deltas = [None] * L
    deltas[L - 1] = np.multiply(z[L] - Y, fp[L - 1])
    for k in reversed(range(L - 1)):
        no_bias = net.weights[k + 1][:, 1:]
        deltas[k] = np.multiply((no_bias.T @ deltas[k + 1].T).T, fp[k])
    return [np.tensordot(deltas[k], z[k], axes=(0, 0)) / len(z0) for k in range(L)]


def per_sample_then_averaged(net, z0, Y):
    """One sample at a time through the four equations, the n gradients averaged at the end."""
    each = [canonical_tuple(net, z0[i:i + 1], Y[i:i + 1]) for i in range(len(z0))]
    return [sum(parts) / len(each) for parts in zip(*each)]


def multi_dot_and_float32_out(net, z0, Y):
    """np.linalg.multi_dot for each gradient, returned as float32 arrays in a list."""
    a, z = net.forward(z0)
    fp = f_prime(net, a)
    delta, grads = (z[-1] - Y) * fp[-1], []
    for k in range(len(net.weights) - 1, -1, -1):
        grads.insert(0, np.linalg.multi_dot([delta.T, z[k]]).astype(np.float32) / len(z0))
        delta = (delta @ net.weights[k][:, 1:]) * fp[k - 1] if k else delta
    return grads


BACKPROPS = [canonical_tuple, nested_lists, from_z_with_append_then_reverse, with_einsum,
             recursive, loops_over_samples_and_units, single_precision, broadcast_mean,
             preallocated_with_tensordot, per_sample_then_averaged, multi_dot_and_float32_out,
             lambda net, z0, Y: list(canonical_tuple(net, z0, Y))]


@pytest.mark.parametrize("backprop", BACKPROPS, ids=lambda f: f.__name__)
def test_every_right_backprop_is_right(backprop):
    verdict = check_backprop(backprop)
    assert verdict.correct and verdict.mistakes == (), verdict.message
    assert verdict.message.startswith("Right")


@pytest.mark.parametrize("backprop", [single_precision, multi_dot_and_float32_out])
def test_a_float32_backprop_is_right_to_single_precision_and_told_so(backprop):
    verdict = check_backprop(backprop)
    assert verdict.correct
    assert verdict.message.startswith("Right to single precision")
    assert "computed in single precision (float32)" in verdict.message


def test_a_float64_backprop_is_right_without_a_precision_note():
    assert "single precision" not in check_backprop(with_einsum).message


# ----- backward rules: one right answer per style ------------------------------------------------
Gradients = namedtuple("Gradients", "a b")


def multiply_as_array(a, b, grad):
    return np.array([grad * b, grad * a])


def multiply_with_ints_where_whole(a, b, grad):
    return tuple(int(v) if float(v).is_integer() else v for v in (grad * b, grad * a))


def general_product_rule(a, b, grad, *, scale=1.0):
    return [scale * grad * b, scale * grad * a]


class MultiplyNode:
    """A learner's node object whose method is the rule."""

    def backward(self, a, b, grad):
        return np.multiply(grad, (b, a))

    def __call__(self, a, b, grad):
        return self.backward(a, b, grad)


def tanh_from_a(a, z, grad):
    return grad * (1 - np.tanh(a) ** 2)


def tanh_as_0d_array(a, z, grad):
    return np.asarray(grad * (1 - z * z))


MULTIPLY_RULES = [
    lambda a, b, grad: (grad * b, grad * a),
    lambda a, b, grad: [b * grad, a * grad],
    multiply_as_array,
    lambda a, b, grad: np.array([grad * b, grad * a], dtype=np.float32),
    lambda a, b, grad: (np.float64(grad * b), np.float64(grad * a)),
    lambda a, b, grad: (np.float32(grad) * np.float32(b), np.float32(grad) * np.float32(a)),
    lambda a, b, grad: (np.array(grad * b), np.array(grad * a)),
    multiply_with_ints_where_whole,
    functools.partial(general_product_rule, scale=1.0),
    MultiplyNode(),
    MultiplyNode().backward,
    lambda a, b, grad: (Fraction(grad) * Fraction(b), Fraction(grad) * Fraction(a)),
    lambda a, b, grad: np.array([[grad * b], [grad * a]]),
    lambda a, b, grad: Gradients(a=grad * b, b=grad * a),
]
TANH_RULES = [
    lambda a, z, grad: grad * (1 - z**2),
    lambda a, z, grad: (grad * (1 - z**2),),
    lambda a, z, grad: [grad - grad * z * z],
    lambda a, z, grad: np.array([grad * (1 - z**2)]),
    tanh_as_0d_array,
    tanh_from_a,
    lambda a, z, grad: grad / math.cosh(a) ** 2,
    lambda a, z, grad: np.float32(grad) * (np.float32(1) - np.float32(z) ** 2),
    functools.partial(lambda a, z, grad, power: grad * (1 - z**power), power=2),
]


@pytest.mark.parametrize(("operation", "rule"), [
    *(("multiply", rule) for rule in MULTIPLY_RULES), *(("tanh", rule) for rule in TANH_RULES)])
def test_every_right_backward_rule_is_right(operation, rule):
    verdict = check_backward(operation, rule)
    assert verdict.correct and verdict.mistakes == (), verdict.message
    assert " is right" in verdict.message


def test_a_float32_tanh_rule_is_right_to_single_precision_and_told_so():
    verdict = check_backward("tanh", TANH_RULES[7])
    assert verdict.correct
    assert "is right to single precision" in verdict.message
    assert "computed in single precision (float32)" in verdict.message
    assert "should be" not in verdict.message


def test_there_are_at_least_twenty_right_answers_in_all():
    assert len(BACKPROPS) + len(MULTIPLY_RULES) + len(TANH_RULES) >= 20
    assert len(BACKPROPS) >= 10 and len(MULTIPLY_RULES) + len(TANH_RULES) >= 10
