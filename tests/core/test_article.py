"""The article's worked example: its single step in both sign conventions, then what training
its network really does (points 4 to 6). Every expected step number comes from the scalar
reference step (tests/reference.py); every training fact from numpy's least squares or a replay.
"""

import warnings

import numpy as np
import pytest
import reference

from bpkit import (
    ALPHA,
    CONVENTIONS,
    XOR_X,
    XOR_Y,
    Network,
    article_network,
)
from bpkit.core.article import SIZES, START_WEIGHT

X00, Y00 = XOR_X[0], XOR_Y[0, 0]
SIGNS = {"article": -1.0, "squared": 1.0}
QUOTED = {"article": {"h": 4.0, "delta(D0)": -4.0, "delta(Z1)": -4.0, "w(Z1->D0)": 1.4,
                      "h after": 7.28},
          "squared": {"h": 4.0, "delta(D0)": 4.0, "delta(Z1)": 4.0, "w(Z1->D0)": 0.6,
                      "h after": 1.68}}
"""The numbers the article's worked example prints (and their correct-sign counterparts)."""


def article_reference(loss):
    return reference.article_step(tuple(X00), Y00, ALPHA, SIGNS[loss])


# ----- the single step ---------------------------------------------------------------------------
def test_the_network_starts_as_the_article_says():
    net = article_network()
    assert net.sizes == SIZES and net.activations == ("identity", "identity")
    for weights in net.weights:
        np.testing.assert_array_equal(weights, START_WEIGHT)


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_seed_step_matches_the_reference(loss):
    ref = article_reference(loss)
    net = article_network(loss)
    trace = net.step(X00, Y00, ALPHA)
    for name, unit in trace.units.items():
        assert unit.z[0] == pytest.approx(ref.z[name]), name
        if unit.a is not None:
            assert unit.a[0] == pytest.approx(ref.a[name]), name
            assert unit.delta[0] == pytest.approx(ref.delta[name]), name
    for name, link in trace.links.items():
        assert link.gradient == pytest.approx(ref.gradient[name]), name
        assert link.new == pytest.approx(ref.new[name]), name
    assert trace.outputs_after[0, 0] == pytest.approx(ref.h_after)
    assert net.predict(X00)[0, 0] == pytest.approx(ref.h_after)


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_bpkit_gives_the_numbers_the_worked_example_quotes(loss):
    """4, -4, 1.4 and 7.28 (article's sign); 4, 0.6 and 1.68 (correct sign)."""
    trace = article_network(loss).step(X00, Y00, ALPHA)
    found = {"h": trace.outputs[0, 0], "delta(D0)": trace.units["D0"].delta[0],
             "delta(Z1)": trace.units["Z1"].delta[0], "w(Z1->D0)": trace.links["w(Z1->D0)"].new,
             "h after": trace.outputs_after[0, 0]}
    assert found == pytest.approx(QUOTED[loss])
    ref = article_reference(loss)
    assert [ref.z["D0"], ref.delta["D0"], ref.delta["Z1"], ref.new["w(Z1->D0)"], ref.h_after] == (
        pytest.approx(list(QUOTED[loss].values())))


def test_article_sign_goes_uphill_and_correct_sign_goes_downhill():
    article = article_network("article").step(X00, Y00, ALPHA)
    correct = article_network("squared").step(X00, Y00, ALPHA)
    assert article.loss == correct.loss == pytest.approx(article_reference("article").loss)
    assert article.loss_after == pytest.approx(article_reference("article").loss_after)
    assert correct.loss_after == pytest.approx(article_reference("squared").loss_after)
    assert article.loss_after > article.loss
    assert correct.loss_after < correct.loss


def test_article_delta_is_minus_the_squared_error_gradient():
    article = article_network("article")
    correct = article_network("squared")
    for g_article, g_correct in zip(article.gradients(X00, Y00), correct.gradients(X00, Y00)):
        np.testing.assert_array_equal(g_article, -g_correct)


def test_inputs_with_value_zero_get_no_update():
    trace = article_network("squared").step(X00, Y00, ALPHA)
    zero_inputs = {name for name, unit in trace.units.items()
                   if unit.kind == "input" and unit.z[0] == 0}
    assert zero_inputs == {"X1", "X2"}
    for name, link in trace.links.items():
        if link.source in zero_inputs:
            assert link.gradient == 0 and link.new == link.old, name


def test_conventions_name_the_two_losses_a_network_takes():
    assert set(CONVENTIONS) == set(SIGNS)
    for loss in CONVENTIONS:
        assert article_network(loss).loss_name == loss


# ----- points 4 to 6: what training the article's network really does ---------------------------
def best_linear_fit() -> np.ndarray:
    """Least-squares predictions of the best affine function of (X1, X2) on XOR."""
    design = np.column_stack([np.ones(len(XOR_X)), XOR_X])
    coef, *_ = np.linalg.lstsq(design, XOR_Y, rcond=None)
    return design @ coef


def test_linear_network_is_one_linear_function_and_converges_to_the_best_fit():
    best = best_linear_fit()
    best_loss = 0.5 * float(np.mean((best - XOR_Y) ** 2))
    net = article_network("squared")
    history = net.train(XOR_X, XOR_Y, lr=ALPHA, epochs=3000)
    assert not history.diverged
    np.testing.assert_allclose(net.predict(XOR_X), best, atol=1e-9)
    assert history.losses[-1] == pytest.approx(best_loss, abs=1e-12)
    # XOR is symmetric: the best affine fit is the mean target, its loss half the variance
    np.testing.assert_allclose(best, XOR_Y.mean())
    assert best_loss == pytest.approx(0.5 * XOR_Y.var())


def test_linear_network_collapses_to_an_affine_map():
    net = Network(list(SIZES), weights="random", seed=3)
    grid = np.random.default_rng(0).uniform(-2, 2, size=(50, 2))
    design = np.column_stack([np.ones(len(grid)), grid])
    coef, *_ = np.linalg.lstsq(design, net.predict(grid), rcond=None)
    np.testing.assert_allclose(design @ coef, net.predict(grid), atol=1e-12)


@pytest.mark.parametrize("activation", ["identity", "tanh", "sigmoid"])
def test_equal_start_keeps_hidden_units_identical(activation):
    net = Network(list(SIZES), activation=activation, weights=0.5)
    history = net.train(XOR_X, XOR_Y, lr=0.5, epochs=2000, snapshot_every=500)
    assert len(history.snapshots) == 2000 // 500 + 1
    for _, (hidden, output) in history.snapshots:
        assert np.all(hidden == hidden[0])
        assert np.all(output[0, 1:] == output[0, 1])
    assert not np.allclose(net.predict(XOR_X), XOR_Y, atol=0.1)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_start_with_nonlinear_hidden_units_learns_xor(activation, seed):
    net = Network(list(SIZES), activation=activation, weights="random", seed=seed)
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


def test_online_mode_updates_once_per_sample_as_the_reference_does():
    online = article_network("squared")
    online.train(XOR_X, XOR_Y, lr=ALPHA, epochs=1, mode="online")
    link_names = online.link_names
    weights = [w.tolist() for w in article_network("squared").weights]
    for x, y in zip(XOR_X, XOR_Y):
        new = reference.step(SIZES, weights, x, y, ALPHA).new
        weights = [[[new[link] for link in row] for row in layer] for layer in link_names]
    for kept, expected in zip(online.weights, weights):
        np.testing.assert_allclose(kept, expected)
    batch = article_network("squared")
    batch.train(XOR_X, XOR_Y, lr=ALPHA, epochs=1)
    assert not np.allclose(batch.weights[1], online.weights[1])


def test_history_records_the_loss_before_and_after_each_epoch():
    net = article_network("squared")
    start = net.loss(XOR_X, XOR_Y)
    calls = []
    history = net.train(XOR_X, XOR_Y, lr=ALPHA, epochs=10,
                        callback=lambda e, v: calls.append(e), callback_every=5)
    assert history.losses[0] == start
    assert history.losses[-1] == net.loss(XOR_X, XOR_Y)
    assert len(history.losses) == 11 and calls == [5, 10]
    assert "trained 10 epochs" in history.message
