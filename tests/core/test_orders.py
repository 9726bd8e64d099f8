"""orders: the output layer updated first, then the hidden deltas through its new weights.

Expected numbers come from a scalar replay of that order written here from ``reference.step``
(the old forward pass and deltas), never typed in.
"""

import math
import re
from fractions import Fraction

import numpy as np
import pytest
import reference

from bpkit import (
    ALPHA,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    update_output_layer_first,
)

SIGN = {"squared": 1.0, "article": -1.0}


def scalar_output_first(sizes, weights, X, Y, lr, sign=1.0, activation="identity"):
    """The wrong order in scalar loops over a batch: from the output back, update a layer by the
    batch mean of z * delta, then take each sample's deltas of the layer below through the new
    weights. Returns (per-sample deltas, new weights, per-sample outputs after)."""
    layers = reference.names(sizes)
    last = len(layers) - 1
    olds = [reference.step(sizes, weights, x, y, lr, sign, activation) for x, y in zip(X, Y)]
    deltas = [{unit: old.delta[unit] for unit in layers[last]} for old in olds]
    new = {}
    for layer in range(last, 0, -1):
        receivers = layers[layer] if layer == last else layers[layer][1:]
        if layer < last:
            above = layers[layer + 1] if layer + 1 == last else layers[layer + 1][1:]
            for old, delta in zip(olds, deltas):
                for unit in receivers:
                    delta[unit] = reference.F[activation][1](old.a[unit]) * sum(
                        new[f"w({unit}->{t})"] * delta[t] for t in above)
        for target in receivers:
            for source in layers[layer - 1]:
                name = f"w({source}->{target})"
                mean = sum(old.z[source] * d[target] for old, d in zip(olds, deltas)) / len(X)
                new[name] = olds[0].old[name] - lr * mean
    stepped = [[[new[f"w({s}->{t})"] for s in layers[layer]]
                for t in (layers[layer + 1] if layer + 1 == last else layers[layer + 1][1:])]
               for layer in range(last)]
    afters = [reference.step(sizes, stepped, x, y, lr, sign, activation) for x, y in zip(X, Y)]
    return deltas, new, [[after.z[u] for u in layers[last]] for after in afters]


def weights_as_lists(net):
    return [w.tolist() for w in net.weights]


@pytest.mark.parametrize("loss", ["squared", "article"])
def test_the_articles_step_matches_the_scalar_replay_of_that_order(loss):
    net = article_network(loss)
    trace = update_output_layer_first(net, XOR_X[:1], XOR_Y[:1], ALPHA)
    (deltas,), new, ((h_after,),) = scalar_output_first(
        (2, 3, 1), weights_as_lists(net), XOR_X[:1], XOR_Y[:1, 0], ALPHA, SIGN[loss])
    for name, link in trace.links.items():
        assert link.new == pytest.approx(new[name], abs=1e-12), name
    for name, unit in trace.units.items():
        if unit.delta is not None:
            assert unit.delta[0] == pytest.approx(deltas[name], abs=1e-12), name
    assert trace.outputs_after[0, 0] == pytest.approx(h_after, abs=1e-12)
    assert trace.loss_after == pytest.approx(0.5 * (h_after - XOR_Y[0, 0]) ** 2)


@pytest.mark.parametrize("loss", ["squared", "article"])
def test_the_hidden_weights_differ_from_the_step_and_the_output_weights_do_not(loss):
    # With every weight 1: delta(Z1) becomes w_new(Z1->D0) * delta(D0), not 1 * delta(D0).
    ref = reference.article_step(sign=SIGN[loss])
    hidden_delta = ref.new["w(Z1->D0)"] * ref.delta["D0"]
    expected = ref.old["w(X0->Z1)"] - ALPHA * ref.z["X0"] * hidden_delta
    wrong = update_output_layer_first(article_network(loss), XOR_X[:1], XOR_Y[:1], ALPHA)
    right = article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)
    assert wrong.links["w(X0->Z1)"].new == pytest.approx(expected)
    assert wrong.links["w(X0->Z1)"].new != pytest.approx(right.links["w(X0->Z1)"].new)
    assert wrong.outputs_after[0, 0] != pytest.approx(right.outputs_after[0, 0])
    for name in ("w(Z0->D0)", "w(Z1->D0)", "w(Z2->D0)", "w(Z3->D0)"):
        assert wrong.links[name].new == pytest.approx(right.links[name].new)


@pytest.mark.parametrize(("sizes", "activation"), [
    ((2, 3, 1), "tanh"), ((2, 3, 2), "identity"), ((2, 3, 2), "tanh"), ((2, 2, 2, 1), "tanh"),
    ((3, 2, 2, 2), "sigmoid"),
])
def test_random_networks_and_batches_match_the_scalar_replay(sizes, activation):
    net = Network(sizes, activation=activation, weights="random", seed=5)
    rng = np.random.default_rng(6)
    X, Y = rng.uniform(-1, 1, (3, sizes[0])), rng.uniform(0, 1, (3, sizes[-1]))
    trace = update_output_layer_first(net, X, Y, 0.3)
    deltas, new, outputs = scalar_output_first(sizes, weights_as_lists(net), X, Y, 0.3,
                                               activation=activation)
    for name, link in trace.links.items():
        assert link.new == pytest.approx(new[name], abs=1e-12), name
    for name, unit in trace.units.items():
        if unit.delta is not None:
            np.testing.assert_allclose(unit.delta, [d[name] for d in deltas], atol=1e-12)
    np.testing.assert_allclose(trace.outputs_after, outputs, atol=1e-12)


def test_without_a_hidden_layer_the_order_cannot_matter():
    net = Network([2, 1], weights="random", seed=2)
    wrong = update_output_layer_first(net, XOR_X, XOR_Y, ALPHA)
    right = net.preview_step(XOR_X, XOR_Y, ALPHA)
    for mine, theirs in zip(wrong.new_weights, right.new_weights):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_a_sigmoid_network_with_the_logistic_loss_works_in_this_order_too():
    net = Network([2, 3, 1], activation="tanh", output_activation="sigmoid", loss="logistic",
                  weights="random", seed=3)
    trace = update_output_layer_first(net, XOR_X, XOR_Y, 0.5)
    right = net.preview_step(XOR_X, XOR_Y, 0.5)
    np.testing.assert_allclose(trace.deltas[-1], right.deltas[-1], rtol=1e-12)
    assert not np.allclose(trace.new_weights[0], right.new_weights[0])
    assert math.isfinite(trace.loss_after)


def test_the_network_is_left_as_it_was_and_the_trace_records_the_old_weights():
    net = article_network("squared")
    before = net.weights
    trace = update_output_layer_first(net, XOR_X[:1], XOR_Y[:1], ALPHA)
    for kept, original, recorded in zip(net.weights, before, trace.old_weights):
        np.testing.assert_array_equal(kept, original)
        np.testing.assert_array_equal(recorded, original)
    assert trace.loss == net.loss(XOR_X[:1], XOR_Y[:1])


# ----- refused input: a BpkitError naming the problem, the network left alone -------------------
@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None, True, [0.1],
                                10**400, complex(0.1, 0), Fraction(-1, 2)],
                         ids=lambda v: repr(v)[:20])
def test_a_bad_learning_rate_is_refused(lr):
    net = article_network("squared")
    before = net.weights
    with pytest.raises(BpkitError, match=re.escape("the learning rate (alpha) must be a positive")):
        update_output_layer_first(net, XOR_X[:1], XOR_Y[:1], lr)
    for kept, original in zip(net.weights, before):
        np.testing.assert_array_equal(kept, original)


@pytest.mark.parametrize(("X", "Y", "named"), [
    ("0, 0", [[0]], "X"), ([[0, float("nan")]], [[0]], "X"), ([[0, 0, 0]], [[0]], "X"),
    ([[0, 0]], [[None]], "Y"), ([[0, 0]], [[0], [1]], "Y"), ([[0, 0]], "1", "Y"),
])
def test_bad_inputs_or_targets_are_refused_naming_which(X, Y, named):
    net = article_network("squared")
    before = net.weights
    with pytest.raises(BpkitError, match=named):
        update_output_layer_first(net, X, Y, ALPHA)
    for kept, original in zip(net.weights, before):
        np.testing.assert_array_equal(kept, original)


def test_logistic_targets_outside_zero_to_one_are_refused_as_for_a_step():
    net = Network([2, 2, 1], output_activation="sigmoid", loss="logistic")
    with pytest.raises(BpkitError, match="targets Y between 0 and 1"):
        update_output_layer_first(net, [[0, 1]], [[2]], ALPHA)


@pytest.mark.parametrize("net", [None, "article", [np.ones((3, 3))], 1.0])
def test_something_other_than_a_network_is_refused(net):
    with pytest.raises(BpkitError, match="net must be a bpkit Network"):
        update_output_layer_first(net, XOR_X, XOR_Y, ALPHA)


def test_a_diverging_step_is_refused_with_the_weights_unchanged():
    net = Network([2, 3, 1], weights=1e150)
    before = net.weights
    with pytest.raises(BpkitError, match="overflow"):
        update_output_layer_first(net, [[1, 1]], [[0]], 1e150)
    for kept, original in zip(net.weights, before):
        np.testing.assert_array_equal(kept, original)
