"""Network.train's fast epochs compute exactly what Network.step computes, step by step."""

import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, Network

CASES = [
    ([2, 3, 1], "identity", "identity", "squared"),
    ([2, 3, 1], "tanh", "identity", "article"),
    ([2, 4, 4, 1], ["relu", "tanh"], "sigmoid", "logistic"),
    ([2, 3, 2], "sigmoid", "identity", "squared"),
]


def targets(sizes):
    return XOR_Y if sizes[-1] == 1 else np.hstack([XOR_Y, 1 - XOR_Y])


def twins(sizes, hidden, output, loss, seed):
    """Two identical random networks (one to train, one to step by hand) and their targets."""
    net = Network(sizes, activation=hidden, output_activation=output, loss=loss,
                  weights="random", seed=seed)
    return net, net.copy(), targets(sizes)


@pytest.mark.parametrize(("sizes", "hidden", "output", "loss"), CASES)
def test_batch_training_equals_repeated_steps_bit_for_bit(sizes, hidden, output, loss):
    trained, stepped, Y = twins(sizes, hidden, output, loss, seed=4)
    history = trained.train(XOR_X, Y, lr=0.2, epochs=25)
    losses = [stepped.loss(XOR_X, Y)]
    for _ in range(25):
        losses.append(stepped.step(XOR_X, Y, 0.2).loss_after)
    assert history.losses == losses
    assert all(np.array_equal(a, b) for a, b in zip(trained.weights, stepped.weights))


@pytest.mark.parametrize(("sizes", "hidden", "output", "loss"), CASES)
def test_online_training_equals_one_step_per_sample(sizes, hidden, output, loss):
    trained, stepped, Y = twins(sizes, hidden, output, loss, seed=5)
    history = trained.train(XOR_X, Y, lr=0.3, epochs=3, mode="online")
    for _ in range(3):
        for i in range(len(XOR_X)):
            stepped.step(XOR_X[i:i + 1], Y[i:i + 1], 0.3)
    assert all(np.array_equal(a, b) for a, b in zip(trained.weights, stepped.weights))
    assert history.losses[-1] == stepped.loss(XOR_X, Y)


def test_divergence_keeps_the_last_finite_weights_and_reports_the_epoch():
    net = Network([2, 3, 1], loss="article")
    stepped = net.copy()
    history = net.train(XOR_X, XOR_Y, lr=0.1, epochs=50)
    assert history.diverged
    for _ in range(history.diverged_at - 1):
        stepped.step(XOR_X, XOR_Y, 0.1)
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, stepped.weights))
    assert len(history.losses) == history.diverged_at
    assert np.isfinite(history.losses).all()


def test_snapshots_and_callbacks_see_the_epochs_weights_and_losses():
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=1)
    seen = []
    history = net.train(XOR_X, XOR_Y, lr=0.1, epochs=10, snapshot_every=5,
                        callback=lambda epoch, loss: seen.append((epoch, loss)),
                        callback_every=4)
    assert [epoch for epoch, _ in history.snapshots] == [0, 5, 10]
    assert all(np.array_equal(a, b) for a, b in zip(history.snapshots[-1][1], net.weights))
    assert seen == [(4, history.losses[4]), (8, history.losses[8]), (10, history.losses[10])]
