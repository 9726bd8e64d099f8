"""netgraph: a Network's loss in autograd Values gives Network.gradients, node by labelled node.

The equality is checked on the article's net, on 200 random nets drawn by hypothesis (sizes,
depth, activations, losses, weights and batches), and against torch.autograd where torch is
installed (the bench extra).
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpkit import (
    ACTIVATIONS,
    ALPHA,
    LOSSES,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
)
from bpkit.core.autograd import Value, topological_order
from bpkit.core.lessons.netgraph import engine_gradients, find_node, network_loss

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def assert_same_gradients(got, expected, rtol=1e-10):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-12)


# ----- the article's net -----------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["squared", "article"])
def test_the_article_net_gives_network_gradients(loss):
    net = article_network(loss)
    assert_same_gradients(engine_gradients(net, XOR_X, XOR_Y), net.gradients(XOR_X, XOR_Y), rtol=0)


def test_network_loss_is_the_objective_the_deltas_differentiate():
    squared, article = article_network("squared"), article_network("article")
    assert network_loss(squared, XOR_X, XOR_Y)[0].data == pytest.approx(
        squared.loss(XOR_X, XOR_Y), abs=1e-12)
    assert network_loss(article, XOR_X, XOR_Y)[0].data == pytest.approx(
        -article.loss(XOR_X, XOR_Y), abs=1e-12)


def test_network_loss_gives_the_weights_as_labelled_values():
    net = Network([2, 2, 1], activation="tanh", weights="random", seed=4)
    before = net.weights
    loss, weights = network_loss(net, XOR_X, XOR_Y)
    loss.backward()
    for layer, (values, array) in enumerate(zip(weights, net.weights)):
        assert np.array([[w.data for w in row] for row in values]).tolist() == array.tolist()
        assert [[w.label for w in row] for row in values] == net.link_names[layer]
    assert weights[0][0][0].label == "w(X0->Z1)" and loss.label == "J"
    assert all((b == a).all() for b, a in zip(before, net.weights))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_on_one_sample_the_gradient_at_a_node_of_a_is_the_delta(activation):
    net = Network([2, 3, 2], activation=activation, output_activation="sigmoid",
                  weights="random", seed=3)
    x, y = [[0.3, -0.8]], [[0.2, 0.9]]
    trace = net.preview_step(x, y, ALPHA)
    J, _ = network_loss(net, x, y)
    J.backward()
    for unit in ("Z1", "Z2", "Z3", "D0", "D1"):
        a, z = find_node(J, f"a({unit})"), find_node(J, f"z({unit})")
        assert a.grad == pytest.approx(trace.units[unit].delta[0], rel=1e-12, abs=1e-15)
        assert a.data == pytest.approx(trace.units[unit].a[0], rel=1e-12)
        assert z.data == pytest.approx(trace.units[unit].z[0], rel=1e-12)
    assert J.data == pytest.approx(trace.loss, rel=1e-12)


def test_one_sample_labels_every_unit_input_target_and_weight():
    J, weights = network_loss(article_network("squared"), XOR_X[:1], XOR_Y[:1])
    labels = [n.label for n in topological_order(J) if n.label]
    assert len(labels) == len(set(labels))
    units = ("Z1", "Z2", "Z3", "D0")
    expected = {"X0", "X1", "X2", "Z0", "y(D0)", "J", *(f"a({u})" for u in units),
                *(f"z({u})" for u in units),
                *(w.label for layer in weights for row in layer for w in row)}
    assert set(labels) == expected


def test_a_batch_labels_only_the_weights_and_j():
    J, weights = network_loss(article_network("squared"), XOR_X, XOR_Y)
    labels = {n.label for n in topological_order(J) if n.label}
    assert labels == {"J", *(w.label for layer in weights for row in layer for w in row)}


def test_the_batch_gradient_of_a_weight_adds_one_share_per_sample():
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=5)
    J, weights = network_loss(net, XOR_X, XOR_Y)
    J.backward()
    w = weights[0][0][0]
    shares = [local * n.grad for n in topological_order(J)
              for parent, local in zip(n.parents, n.local_grads) if parent is w]
    assert len(shares) == len(XOR_X)  # w(X0->Z1) feeds one multiply node per sample
    assert sum(shares) == pytest.approx(w.grad, rel=1e-12)
    assert w.grad == pytest.approx(net.gradients(XOR_X, XOR_Y)[0][0, 0], rel=1e-12)


def test_node_finds_one_labelled_node_or_says_what_there_is():
    J, _ = network_loss(article_network("squared"), XOR_X[:1], XOR_Y[:1])
    assert find_node(J, "z(D0)").data == 4.0
    with pytest.raises(BpkitError, match=r"0 nodes are labelled 'a\(Z9\)', expected one: "
                                         r"the labels are w\(Z0->D0\), Z0"):
        find_node(J, "a(Z9)")
    x = Value(1.0, "x")
    with pytest.raises(BpkitError, match="2 nodes are labelled 'x'"):
        find_node(x * Value(2.0, "x"), "x")
    with pytest.raises(BpkitError, match="root must be a Value"):
        find_node("J", "x")


# ----- 200 random nets (hypothesis) ------------------------------------------------------------
@st.composite
def nets(draw):
    """A random net and batch: 1-3 hidden layers of 1-4 units, any activations, any loss."""
    names = sorted(ACTIVATIONS)
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    sizes = [draw(st.integers(1, 3)), *hidden, draw(st.integers(1, 3))]
    loss = draw(st.sampled_from(sorted(LOSSES)))
    output = "sigmoid" if loss == "logistic" else draw(st.sampled_from(names))
    activation = [draw(st.sampled_from(names)) for _ in hidden]
    seed = draw(st.integers(0, 2**32 - 1))
    net = Network(sizes, activation=activation, output_activation=output, loss=loss,
                  weights="random", seed=seed)
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 5))
    X = rng.normal(size=(n, sizes[0])) * draw(st.sampled_from([0.1, 1.0, 3.0]))
    Y = rng.uniform(0, 1, (n, sizes[-1])) if loss == "logistic" else rng.normal(
        size=(n, sizes[-1]))
    return net, X, Y


EXAMPLES_RUN = []


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(nets())
def test_random_nets_give_network_gradients(case):
    net, X, Y = case
    EXAMPLES_RUN.append(net)
    assert_same_gradients(engine_gradients(net, X, Y), net.gradients(X, Y))


def test_the_random_nets_were_200_and_cover_every_choice():
    if len(EXAMPLES_RUN) < 200:  # run alone (-k): run the property first
        EXAMPLES_RUN.clear()
        test_random_nets_give_network_gradients()
    nets_run = EXAMPLES_RUN
    assert len(nets_run) >= 200
    assert {name for net in nets_run for name in net.activations[:-1]} == set(ACTIVATIONS)
    assert {net.activations[-1] for net in nets_run} == set(ACTIVATIONS)
    assert {net.loss_name for net in nets_run} == set(LOSSES)
    assert {len(net.sizes) for net in nets_run} == {3, 4, 5}


# ----- torch.autograd (the bench extra; skipped where torch is missing) -------------------------
def torch_peer():
    pytest.importorskip("torch")
    sys.path.insert(0, str(BENCHMARKS))
    import autograd_torch

    return autograd_torch


@pytest.mark.parametrize("loss", ["squared", "article"])
def test_the_article_net_matches_torch_autograd(loss):
    peer = torch_peer()
    net = article_network(loss)
    assert_same_gradients(engine_gradients(net, XOR_X, XOR_Y),
                          peer.torch_gradients(net, XOR_X, XOR_Y))


def test_random_nets_match_torch_autograd():
    peer = torch_peer()
    losses = set()
    for seed in range(40):
        net, X, Y = peer.random_net(seed)
        losses.add(net.loss_name)
        assert_same_gradients(engine_gradients(net, X, Y), peer.torch_gradients(net, X, Y))
    assert losses == set(LOSSES)


# ----- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("net", [None, "net", [2, 3, 1], Network])
def test_a_non_network_is_refused(net):
    for entry in (network_loss, engine_gradients):
        with pytest.raises(BpkitError, match="net must be a bpkit Network"):
            entry(net, XOR_X, XOR_Y)


@pytest.mark.parametrize(("X", "Y"), [
    ([[0.0, 1.0, 2.0]], [[1.0]]),
    (XOR_X, [[1.0]]),
    ("abc", XOR_Y),
])
def test_bad_samples_are_refused_and_the_net_is_unchanged(X, Y):
    net = article_network("squared")
    before = net.weights
    with pytest.raises(BpkitError):
        engine_gradients(net, X, Y)
    assert all((b == a).all() for b, a in zip(before, net.weights))


def test_a_logistic_output_that_rounds_to_one_is_refused_by_its_log():
    net = Network([1, 1], output_activation="sigmoid", loss="logistic",
                  weights=[np.array([[40.0, 0.0]])])
    with pytest.raises(BpkitError, match="log needs a positive number"):
        engine_gradients(net, [[0.0]], [[1.0]])
