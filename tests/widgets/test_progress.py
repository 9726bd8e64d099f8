import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.widgets import progress


@pytest.fixture
def shown(monkeypatch):
    """Capture what train_with_progress displays instead of printing it."""
    captured = []
    monkeypatch.setattr("bpkit.widgets.progress.display", lambda *objs: captured.extend(objs))
    return captured


def test_train_with_progress_matches_train(shown):
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=4)
    twin = net.copy()
    history = progress.train_with_progress(net, XOR_X, XOR_Y, 0.3, 250)
    expected = twin.train(XOR_X, XOR_Y, 0.3, 250)
    assert history.losses == expected.losses
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, twin.weights))
    (box,) = shown
    bar, label = box.children
    assert (bar.value, bar.max, bar.bar_style) == (250, 250, "success")
    assert label.value == history.message


def test_train_with_progress_is_throttled(monkeypatch):
    moves = []

    def watch(box):
        bar, _label = box.children
        bar.observe(lambda change: moves.append(change["new"]), names="value")

    monkeypatch.setattr("bpkit.widgets.progress.display", watch)
    progress.train_with_progress(article_network("squared"), XOR_X, XOR_Y, 0.05, 5000)
    assert 50 <= len(moves) <= progress.MAX_PROGRESS_UPDATES + 1
    assert moves == sorted(moves) and moves[-1] == 5000


def test_train_with_progress_shows_divergence(shown):
    history = progress.train_with_progress(article_network(), XOR_X, XOR_Y, 0.5, 100)
    assert history.diverged
    bar, label = shown[0].children
    assert bar.bar_style == "danger"
    assert f"diverged at epoch {history.diverged_at}" in label.value


def test_train_with_progress_bad_input(shown):
    with pytest.raises(BpkitError, match="epochs"):
        progress.train_with_progress(article_network(), XOR_X, XOR_Y, 0.1, 0)
    with pytest.raises(BpkitError, match="learning rate"):
        progress.train_with_progress(article_network(), XOR_X, XOR_Y, -1, 10)
    bar, label = shown[-1].children
    assert bar.bar_style == "danger" and "learning rate" in label.value


def test_train_with_progress_without_a_frontend(capsys):
    history = progress.train_with_progress(article_network("squared"), XOR_X, XOR_Y, 0.05, 10)
    assert history.epochs_run == 10
    assert "IntProgress" in capsys.readouterr().out
