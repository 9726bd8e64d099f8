"""Bad input: a clear BpkitError naming the problem, and the weights untouched afterwards."""

import math

import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network


def assert_refused(net: Network, call, *fragments: str) -> None:
    """``call(net)`` raises a BpkitError mentioning every fragment, and the weights stay put."""
    before = net.weights
    with pytest.raises(BpkitError) as caught:
        call(net)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    for kept, original in zip(net.weights, before):
        np.testing.assert_array_equal(kept, original)


EVERY_CALL = [
    lambda net, X, Y: net.loss(X, Y),
    lambda net, X, Y: net.gradients(X, Y),
    lambda net, X, Y: net.step(X, Y, 0.1),
    lambda net, X, Y: net.train(X, Y, 0.1, 5),
]


@pytest.mark.parametrize("call", EVERY_CALL)
@pytest.mark.parametrize(("X", "Y", "fragments"), [
    ([0.0, 0.0, 0.0], 0.0, ["X (the inputs)", "shape (3,)", "(n, 2)"]),
    (np.zeros((4, 3)), XOR_Y, ["X (the inputs)", "shape (4, 3)"]),
    (XOR_X, np.zeros((4, 2)), ["Y (the targets)", "shape (4, 2)"]),
    (XOR_X, XOR_Y[:3], ["X has 4 sample(s) but Y has 3"]),
    (np.zeros((0, 2)), np.zeros((0, 1)), ["empty batch"]),
    ([[0.0, math.nan]], [0.0], ["NaN", "(0, 1)"]),
    ([[0.0, 1.0]], [math.inf], ["infinite"]),
    ("0, 1", [1.0], ["not text"]),
    ([["0", "1"]], [1.0], ["real numbers"]),
    ([[0.0, 1.0], [1.0]], [1.0, 0.0], ["rectangular"]),
    (np.zeros((2, 2, 2)), [1.0], ["shape (2, 2, 2)"]),
])
def test_bad_samples_are_refused(call, X, Y, fragments):
    assert_refused(article_network(), lambda net: call(net, X, Y), *fragments)


def test_predict_refuses_bad_inputs():
    with pytest.raises(BpkitError, match="shape"):
        article_network().predict([1.0, 2.0, 3.0])


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, "0.1", None, True])
def test_bad_learning_rates_are_refused(lr):
    assert_refused(article_network(), lambda net: net.step(XOR_X, XOR_Y, lr),
                   "learning rate", "positive finite number")
    assert_refused(article_network(), lambda net: net.train(XOR_X, XOR_Y, lr, 3),
                   "learning rate")


@pytest.mark.parametrize("epochs", [0, -1, 2.5, "10"])
def test_bad_epoch_counts_are_refused(epochs):
    assert_refused(article_network(), lambda net: net.train(XOR_X, XOR_Y, 0.1, epochs), "epochs")


def test_bad_training_mode_is_refused():
    assert_refused(article_network(), lambda net: net.train(XOR_X, XOR_Y, 0.1, 3, mode="mini"),
                   "'batch'", "'online'")


def test_a_step_that_overflows_is_refused_and_keeps_the_weights():
    net = Network([2, 3, 1], weights=1e150)
    assert_refused(net, lambda n: n.step(XOR_X, XOR_Y, 1.0), "diverged", "unchanged")


@pytest.mark.parametrize(("kwargs", "fragments"), [
    ({"activation": "softmax"}, ["unknown activation 'softmax'", "identity", "tanh"]),
    ({"output_activation": "Sigmoid"}, ["unknown activation 'Sigmoid'"]),
    ({"activation": ["tanh", "tanh"]}, ["2 name(s)", "1 hidden layer(s)"]),
    ({"loss": "mse"}, ["unknown loss 'mse'", "article", "logistic", "squared"]),
    ({"weights": "zeros"}, ["weights='zeros'", "'random'"]),
    ({"weights": math.nan}, ["finite"]),
    ({"weights": [np.ones((3, 3))]}, ["2 arrays", "(3, 3), (1, 4)"]),
    ({"weights": [np.ones((3, 3)), np.ones((1, 3))]}, ["weights[1]", "(1, 4)", "(1, 3)"]),
    ({"weights": [np.ones((3, 3)), np.full((1, 4), np.inf)]}, ["weights[1]", "infinite"]),
])
def test_bad_construction_is_refused(kwargs, fragments):
    with pytest.raises(BpkitError) as caught:
        Network([2, 3, 1], **kwargs)
    for fragment in fragments:
        assert fragment in str(caught.value)


@pytest.mark.parametrize("sizes", [[2], [2, 0, 1], [2, 1.5, 1], "231", 3])
def test_bad_sizes_are_refused(sizes):
    with pytest.raises(BpkitError, match="size"):
        Network(sizes)


def test_assigning_bad_weights_keeps_the_old_ones():
    net = article_network()
    assert_refused(net, lambda n: setattr(n, "weights", [np.ones((3, 3))]), "2 arrays")
    assert_refused(net, lambda n: setattr(n, "weights", [np.ones((3, 3)), np.ones((4, 1))]),
                   "weights[1]")
    assert_refused(net, lambda n: n.set_weight("w(X0->Z1)", math.nan), "NaN")
    assert_refused(net, lambda n: n.set_weight("w(X9->Z1)", 2.0), "no link named 'w(X9->Z1)'")


def test_set_weight_changes_exactly_one_weight():
    net = article_network()
    net.set_weight("w(X2->Z3)", 0.25)
    assert net.weight("w(X2->Z3)") == 0.25
    assert net.weights[0][2, 2] == 0.25
    assert np.count_nonzero(net.weights[0] != 1.0) == 1


def test_logistic_loss_outside_zero_one_is_refused():
    net = Network([2, 3, 1], loss="logistic")  # identity output: h = 4 on (0, 0)
    for call in EVERY_CALL:
        assert_refused(net, lambda n, c=call: c(n, XOR_X, XOR_Y), "logistic",
                       "strictly between 0 and 1", "output_activation='sigmoid'")
    sigmoid = Network([2, 3, 1], output_activation="sigmoid", loss="logistic")
    assert_refused(sigmoid, lambda n: n.loss(XOR_X, XOR_Y * 2), "targets Y between 0 and 1")
    assert math.isfinite(sigmoid.loss(XOR_X, XOR_Y))


def test_weights_property_returns_copies():
    net = article_network()
    net.weights[0][0, 0] = 99.0
    assert net.weight("w(X0->Z1)") == 1.0
