import html

import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.widgets import progress


@pytest.fixture
def shown(monkeypatch):
    """Capture what train_with_progress displays instead of printing it."""
    captured = []
    monkeypatch.setattr("bpkit.widgets.progress.display",
                        lambda *objs, **_kw: captured.extend(objs))
    return captured


def test_train_with_progress_matches_train(shown):
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=4)
    twin = net.copy()
    history = progress.train_with_progress(net, XOR_X, XOR_Y, 0.3, 250)
    expected = twin.train(XOR_X, XOR_Y, 0.3, 250)
    assert history.losses == expected.losses
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, twin.weights))
    (box,) = shown
    bar, label = box.widget.children
    assert (bar.value, bar.max, bar.bar_style) == (250, 250, "success")
    assert label.value == history.message


def test_train_with_progress_is_throttled(monkeypatch):
    moves = []

    def watch(box, **_kw):
        bar, _label = box.widget.children
        bar.observe(lambda change: moves.append(change["new"]), names="value")

    monkeypatch.setattr("bpkit.widgets.progress.display", watch)
    progress.train_with_progress(article_network("squared"), XOR_X, XOR_Y, 0.05, 5000)
    assert 50 <= len(moves) <= progress.MAX_PROGRESS_UPDATES + 1
    assert moves == sorted(moves) and moves[-1] == 5000


def test_train_with_progress_shows_divergence(shown):
    history = progress.train_with_progress(article_network(), XOR_X, XOR_Y, 0.5, 100)
    assert history.diverged
    bar, label = shown[0].widget.children
    assert bar.bar_style == "danger"
    assert f"diverged at epoch {history.diverged_at}" in label.value


def test_train_with_progress_bad_input(shown):
    with pytest.raises(BpkitError, match="epochs"):
        progress.train_with_progress(article_network(), XOR_X, XOR_Y, 0.1, 0)
    with pytest.raises(BpkitError, match="learning rate"):
        progress.train_with_progress(article_network(), XOR_X, XOR_Y, -1, 10)
    bar, label = shown[-1].widget.children
    assert bar.bar_style == "danger" and "learning rate" in label.value


def test_train_with_progress_without_a_frontend(capsys):
    history = progress.train_with_progress(article_network("squared"), XOR_X, XOR_Y, 0.05, 10)
    assert history.epochs_run == 10
    assert "TrainingProgress(" in capsys.readouterr().out


@pytest.mark.parametrize("net", [None, "article", [2, 3, 1]])
def test_train_with_progress_refuses_what_is_not_a_network_before_showing_a_bar(shown, net):
    with pytest.raises(BpkitError, match="net must be a bpkit Network"):
        progress.train_with_progress(net, XOR_X, XOR_Y, 0.1, 10)
    assert shown == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"lr": 10**400}, "learning rate"), ({"lr": "0.1"}, "learning rate"),
    ({"mode": "sideways"}, "mode"), ({"X": None}, "X"), ({"snapshot_every": -1}, "snapshot"),
])
def test_train_with_progress_shows_a_refusal_on_the_bar_and_leaves_the_weights(shown, changes,
                                                                              message):
    net = article_network()
    weights = net.weights
    run = {"X": XOR_X, "Y": XOR_Y, "lr": 0.1, "epochs": 10, **changes}
    with pytest.raises(BpkitError, match=message):
        progress.train_with_progress(net, **run)
    bar, label = shown[-1].widget.children
    assert bar.bar_style == "danger" and message in label.value
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, weights))


@pytest.mark.parametrize("epochs", [0, -3, 2.5, True, "10", None])
def test_train_with_progress_refuses_bad_epochs_before_showing_a_bar(shown, epochs):
    with pytest.raises(BpkitError, match="epochs"):
        progress.train_with_progress(article_network(), XOR_X, XOR_Y, 0.1, epochs)
    assert shown == []


def test_an_interrupted_run_leaves_the_bar_saying_it_stopped(shown):
    class Interrupted(Network):
        def train(self, *args, callback=None, **kwargs):
            callback(3, 0.5)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        progress.train_with_progress(Interrupted([2, 3, 1]), XOR_X, XOR_Y, 0.1, 10)
    bar, label = shown[-1].widget.children
    assert bar.bar_style == "danger"
    assert label.value == "stopped at epoch 3 of 10: KeyboardInterrupt"


def test_the_stored_picture_is_updated_to_say_how_the_run_ended(monkeypatch):
    pictures = []

    class Handle:
        def update(self, view):
            pictures.append(view._repr_mimebundle_()["text/html"])

    monkeypatch.setattr("bpkit.widgets.progress.display", lambda *objs, **_kw: Handle())
    history = progress.train_with_progress(article_network("squared"), XOR_X, XOR_Y, 0.05, 10)
    assert html.escape(history.message) in pictures[-1]
    assert "run it to watch the bar" in pictures[-1]
