"""Points 4 to 6 of the worked example: what training the article's network really does."""

import warnings

import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, Network, article_network


def best_linear_fit() -> np.ndarray:
    """Least-squares predictions of the best affine function of (X1, X2) on XOR."""
    design = np.column_stack([np.ones(len(XOR_X)), XOR_X])
    coef, *_ = np.linalg.lstsq(design, XOR_Y, rcond=None)
    return design @ coef


def test_linear_network_is_one_linear_function_and_converges_to_the_best_fit():
    best = best_linear_fit()
    best_loss = 0.5 * float(np.mean((best - XOR_Y) ** 2))
    net = article_network("squared")
    history = net.train(XOR_X, XOR_Y, lr=0.1, epochs=3000)
    assert not history.diverged
    np.testing.assert_allclose(net.predict(XOR_X), best, atol=1e-9)
    assert history.losses[-1] == pytest.approx(best_loss, abs=1e-12)
    np.testing.assert_allclose(best, 0.5)
    assert best_loss == pytest.approx(0.125)


def test_linear_network_collapses_to_an_affine_map():
    net = Network([2, 3, 1], weights="random", seed=3)
    grid = np.random.default_rng(0).uniform(-2, 2, size=(50, 2))
    design = np.column_stack([np.ones(len(grid)), grid])
    coef, *_ = np.linalg.lstsq(design, net.predict(grid), rcond=None)
    np.testing.assert_allclose(design @ coef, net.predict(grid), atol=1e-12)


@pytest.mark.parametrize("activation", ["identity", "tanh", "sigmoid"])
def test_equal_start_keeps_hidden_units_identical(activation):
    net = Network([2, 3, 1], activation=activation, weights=0.5)
    history = net.train(XOR_X, XOR_Y, lr=0.5, epochs=2000, snapshot_every=500)
    assert len(history.snapshots) == 5
    for _, (hidden, output) in history.snapshots:
        assert np.all(hidden == hidden[0])
        assert np.all(output[0, 1:] == output[0, 1])
    assert not np.allclose(net.predict(XOR_X), XOR_Y, atol=0.1)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_start_with_nonlinear_hidden_units_learns_xor(activation, seed):
    net = Network([2, 3, 1], activation=activation, weights="random", seed=seed)
    history = net.train(XOR_X, XOR_Y, lr=0.5, epochs=4000)
    assert not history.diverged
    assert history.losses[-1] < 1e-3
    np.testing.assert_array_equal(np.round(net.predict(XOR_X)), XOR_Y)


def test_too_large_learning_rate_is_reported_as_diverged_without_warnings():
    net = article_network("squared")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.train(XOR_X, XOR_Y, lr=0.5, epochs=1000)
    assert history.diverged
    n = history.diverged_at
    assert history.message.startswith(f"diverged at epoch {n}")
    assert history.epochs_run == n - 1
    assert all(np.isfinite(history.losses))
    assert all(np.isfinite(w).all() for w in net.weights)
    replay = article_network("squared")
    replay.train(XOR_X, XOR_Y, lr=0.5, epochs=n - 1)
    for kept, replayed in zip(net.weights, replay.weights):
        np.testing.assert_array_equal(kept, replayed)


def test_online_mode_updates_once_per_sample():
    online = article_network("squared")
    online.train(XOR_X, XOR_Y, lr=0.1, epochs=1, mode="online")
    by_hand = article_network("squared")
    for x, y in zip(XOR_X, XOR_Y):
        by_hand.step(x, y, 0.1)
    for a, b in zip(online.weights, by_hand.weights):
        np.testing.assert_allclose(a, b)
    batch = article_network("squared")
    batch.train(XOR_X, XOR_Y, lr=0.1, epochs=1)
    assert not np.allclose(batch.weights[1], online.weights[1])


def test_history_records_the_loss_before_and_after_each_epoch():
    net = article_network("squared")
    start = net.loss(XOR_X, XOR_Y)
    calls = []
    history = net.train(XOR_X, XOR_Y, lr=0.1, epochs=10, callback=lambda e, v: calls.append(e),
                        callback_every=5)
    assert history.losses[0] == start
    assert history.losses[-1] == net.loss(XOR_X, XOR_Y)
    assert len(history.losses) == 11 and calls == [5, 10]
    assert "trained 10 epochs" in history.message
