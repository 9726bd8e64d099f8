"""Training pictures: each plot draws what it is given and returns a Figure."""

import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import TwoSlopeNorm
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core.fmt import number
from bpkit.draw import plots


@pytest.fixture(autouse=True)
def no_figures_left_open():
    yield
    assert plt.get_fignums() == []


def rendered(fig):
    """Draw the figure to PNG bytes (warnings, if any, happen at draw time)."""
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    return fig


def legend_texts(fig):
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def trained_tanh_net():
    net = Network([2, 3, 1], activation="tanh", output_activation="sigmoid",
                  weights="random", seed=1)
    net.train(XOR_X, XOR_Y, 0.5, 3000)
    return net


# ----- loss curves --------------------------------------------------------------------------------
def test_loss_curves_mark_a_diverged_run():
    good = article_network("squared").train(XOR_X, XOR_Y, 0.05, 100)
    bad = article_network("squared").train(XOR_X, XOR_Y, 0.5, 100)
    assert bad.diverged and not good.diverged
    fig = rendered(plots.loss_curves({"good": good, "too large": bad}))
    ax = fig.axes[0]
    assert len(ax.lines) == 3  # two curves and the X that ends the diverged one
    texts = legend_texts(fig)
    assert f"too large: diverged at epoch {bad.diverged_at}" in texts
    assert f"good: loss {number(good.losses[-1])} after 100 epochs" in texts
    assert ax.get_yscale() == "log"
    marker = ax.lines[2]
    assert marker.get_marker() == "X"
    assert marker.get_xdata()[0] == bad.epochs_run
    assert ax.get_ylim()[1] < 1e6 < max(bad.losses)  # the blow-up does not squash the others
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), good.losses)


def test_loss_curves_linear_scale_and_no_divergence():
    runs = {f"lr {lr}": article_network("squared").train(XOR_X, XOR_Y, lr, 50)
            for lr in (0.01, 0.05)}
    fig = rendered(plots.loss_curves(runs, log=False))
    assert fig.axes[0].get_yscale() == "linear"
    assert len(fig.axes[0].lines) == 2
    assert not any("diverged" in t for t in legend_texts(fig))


@pytest.mark.parametrize("bad", [{}, [], {"a": 3}, None])
def test_loss_curves_bad_input(bad):
    with pytest.raises(BpkitError, match=r"History|histories"):
        plots.loss_curves(bad)


# ----- decision boundary --------------------------------------------------------------------------
def test_decision_boundary_of_a_trained_net():
    net = trained_tanh_net()
    fig = rendered(plots.decision_boundary(net, resolution=60))
    ax = fig.axes[0]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert any(list(c.levels) == [0.5] for c in contours)
    points = [c for c in ax.collections if not isinstance(c, ContourSet)]
    assert sum(len(p.get_offsets()) for p in points) == 4
    labels = {t.get_text() for t in ax.texts}
    assert labels == {f"h = {number(v, 3)}" for v in net.predict(XOR_X)[:, 0]}
    assert legend_texts(fig) == ["h = 0.5", "target 0", "target 1"]
    assert len(fig.axes) == 2  # the plot and its colour bar


def test_decision_boundary_without_a_half_contour():
    fig = rendered(plots.decision_boundary(article_network(), resolution=20))
    contours = [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    assert len(contours) == 1  # only the filled one: h is 4..10, never 0.5
    assert "h = 4" in {t.get_text() for t in fig.axes[0].texts}


def test_decision_boundary_of_the_linear_optimum_is_flat():
    net = article_network("squared")
    net.train(XOR_X, XOR_Y, 0.1, 2000)
    fig = rendered(plots.decision_boundary(net, resolution=20))
    assert "nearly constant" in fig.axes[0].get_title()
    assert "h = 0.5" not in legend_texts(fig)


INSIDE = [(x, y) for x in np.linspace(0.25, 0.75, 5) for y in np.linspace(0.25, 0.75, 5)]
"""Points of the square away from the four samples' markers and labels."""


def colours_at(fig, points):
    """The rendered RGB colour of the plot at each (X1, X2), read from the drawn pixels."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())
    pixels = fig.axes[0].transData.transform(points)
    return {tuple(int(v) for v in image[image.shape[0] - int(y) - 1, int(x), :3])
            for x, y in pixels}


def output_colour(value, low=0.0, high=1.0):
    """The colour map's 8-bit RGB colour for an output on the scale low..high."""
    rgba = plt.get_cmap(plots.OUTPUT_COLOURS)(TwoSlopeNorm(0.5, low, high)(value))
    return np.round(np.array(rgba[:3]) * 255)


def constant_net(h):
    """A network whose output is h for every input: only the bias Z0 -> D0 is not 0."""
    return Network([2, 3, 1], weights=[np.zeros((3, 3)), np.array([[h, 0.0, 0.0, 0.0]])])


def test_an_output_flat_at_one_half_up_to_1e_7_is_drawn_in_one_colour():
    net = article_network("squared")
    net.train(XOR_X, XOR_Y, 0.1, 1000)
    h = net.predict(XOR_X)[:, 0]
    assert h.min() < 0.5 < h.max() and np.ptp(h) < 1e-6  # straddles 0.5 by float noise
    fig = rendered(plots.decision_boundary(net))
    colours = colours_at(fig, INSIDE)
    assert len(colours) == 1
    np.testing.assert_allclose(colours.pop(), output_colour(0.5), atol=1)
    assert fig.axes[1].get_ylim() == (0.0, 1.0)  # the colour bar still runs from 0 to 1


@pytest.mark.parametrize(("h", "top"), [(0.5, 1.0), (0.3, 1.0), (0.95, 1.0), (4.0, 4.0),
                                        (-0.5, 1.0)])
def test_a_constant_output_is_one_colour_that_says_its_value(h, top):
    fig = rendered(plots.decision_boundary(constant_net(h), resolution=30))
    colours = colours_at(fig, INSIDE)
    low = min(h, 0.0)
    assert len(colours) == 1
    np.testing.assert_allclose(colours.pop(), output_colour(h, low, top), atol=1)
    assert fig.axes[1].get_ylim() == (low, top)
    assert "nearly constant" in fig.axes[0].get_title()


def test_a_curved_output_keeps_its_bands_and_the_scale_from_0_to_1():
    net = trained_tanh_net()
    fig = rendered(plots.decision_boundary(net, resolution=60))
    assert len(colours_at(fig, INSIDE)) > 3
    low, high = fig.axes[1].get_ylim()
    assert low <= 0.0 and high >= 1.0
    assert "nearly constant" not in fig.axes[0].get_title()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"resolution": 1}, "from 2 to 1,000"), ({"resolution": 2.5}, "whole number"),
    ({"output": 1}, "output must be"), ({"X": [[0, 0]], "Y": [[0], [1]]}, "sample"),
])
def test_decision_boundary_bad_input(kwargs, message):
    with pytest.raises(BpkitError, match=message):
        plots.decision_boundary(article_network(), **kwargs)


@pytest.mark.parametrize("resolution", [10**400, 1001, True, None, "20"])
def test_decision_boundary_resolution_is_at_most_a_thousand_points_a_side(resolution):
    with pytest.raises(BpkitError, match=re.escape(
            "resolution must be a whole number from 2 to 1,000 (points per side of the square)")):
        plots.decision_boundary(article_network(), resolution=resolution)


@pytest.mark.parametrize("net", [None, "net", [2, 3, 1], article_network().weights])
def test_decision_boundary_says_what_a_network_is(net):
    with pytest.raises(BpkitError, match=re.escape(
            "net must be a bpkit Network, such as Network([2, 3, 1])")):
        plots.decision_boundary(net)


def test_decision_boundary_needs_two_inputs():
    with pytest.raises(BpkitError, match="two inputs"):
        plots.decision_boundary(Network([3, 2, 1]))


# ----- learning rates -----------------------------------------------------------------------------
def test_learning_rate_curves_draw_one_labelled_curve_per_rate_and_mark_divergence():
    histories = {lr: article_network("squared").train(XOR_X, XOR_Y, lr, 200)
                 for lr in (0.001, 0.05, 0.5)}
    slow, good, wild = histories.values()
    assert wild.diverged and not slow.diverged and not good.diverged
    fig = rendered(plots.learning_rate_curves(histories))
    ax = fig.axes[0]
    assert ax.get_title() == "Loss per epoch for different learning rates"
    assert legend_texts(fig) == [
        rf"$\alpha$ = 0.001: loss {number(slow.losses[-1])} after 200 epochs",
        rf"$\alpha$ = 0.05: loss {number(good.losses[-1])} after 200 epochs",
        rf"$\alpha$ = 0.5: diverged at epoch {wild.diverged_at}",
    ]
    assert len(ax.lines) == 4  # three curves and the X that ends the diverged one
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), good.losses)


def test_learning_rate_curves_bad_input():
    run = article_network().train(XOR_X, XOR_Y, 0.01, 2)
    for histories, message in [({}, "non-empty dict"), ([run], "non-empty dict"),
                               ({0.1: "run"}, "History"), ({0.0: run}, "learning rate"),
                               ({"fast": run}, "learning rate")]:
        with pytest.raises(BpkitError, match=message):
            plots.learning_rate_curves(histories)


# ----- symmetry -----------------------------------------------------------------------------------
def test_equal_start_hidden_units_stay_identical():
    net = Network([2, 3, 1], activation="tanh", weights=0.5)
    history = net.train(XOR_X, XOR_Y, 0.5, 200, snapshot_every=10)
    fig = rendered(plots.hidden_units_plot(history))
    assert "stay identical" in fig.get_suptitle()
    assert len(fig.axes) == 3
    for ax in fig.axes:
        assert len(ax.lines) == 3
        first = ax.lines[0].get_ydata()
        assert all(np.array_equal(line.get_ydata(), first) for line in ax.lines)
    assert len(fig.axes[0].lines[0].get_xdata()) == len(history.snapshots) == 21


def test_random_start_breaks_the_symmetry():
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=2)
    history = net.train(XOR_X, XOR_Y, 0.5, 100, snapshot_every=20)
    fig = rendered(plots.hidden_units_plot(history))
    assert "symmetry is broken" in fig.get_suptitle()


def test_hidden_units_plot_needs_snapshots():
    history = article_network().train(XOR_X, XOR_Y, 0.01, 5)
    with pytest.raises(BpkitError, match="snapshot_every"):
        plots.hidden_units_plot(history)
    history = article_network().train(XOR_X, XOR_Y, 0.01, 5, snapshot_every=1)
    with pytest.raises(BpkitError, match="hidden layer"):
        plots.hidden_units_plot(history, layer=1)


@pytest.mark.parametrize("history", [None, "run", {"run": 1}, [1.0, 0.5]])
def test_hidden_units_plot_says_what_a_history_is(history):
    with pytest.raises(BpkitError, match=re.escape(
            "history must be a History (what Network.train returns)")):
        plots.hidden_units_plot(history)


# ----- names, titles and switches -----------------------------------------------------------------
def a_run():
    return article_network("squared").train(XOR_X, XOR_Y, 0.1, 3)


@pytest.mark.parametrize("name", [1.5, None, b"run", ("lr", 0.1), True])
def test_each_curve_is_named_by_text(name):
    with pytest.raises(BpkitError, match=re.escape("each name in histories must be text, "
                                                   "such as 'lr = 0.1'")):
        plots.loss_curves({name: a_run()})


@pytest.mark.parametrize("log", [None, "yes", 1, 0, []])
def test_the_log_switch_is_true_or_false(log):
    with pytest.raises(BpkitError, match=re.escape(
            "log must be True (a log-scale loss axis) or False")):
        plots.loss_curves({"run": a_run()}, log=log)


@pytest.mark.parametrize("title", [None, 3, ["Loss"], b"Loss"])
def test_the_title_is_text(title):
    with pytest.raises(BpkitError, match="title must be text"):
        plots.loss_curves({"run": a_run()}, title=title)


def test_history_curve_names_one_run_by_its_rate_or_a_label():
    run = a_run()
    assert legend_texts(rendered(plots.history_curve(run)))[0].startswith("lr = 0.1: loss ")
    assert legend_texts(plots.history_curve(run, "mine", log=False))[0].startswith("mine: ")


@pytest.mark.parametrize("label", [["run"], {}, np.array([1.0]), 0.1, b"run"])
def test_history_curve_label_must_be_text(label):
    with pytest.raises(BpkitError, match=re.escape("label must be text, such as 'lr = 0.1'")):
        plots.history_curve(a_run(), label)


@pytest.mark.parametrize("history", [None, {"run": 1}, "run"])
def test_history_curve_says_what_a_history_is(history):
    with pytest.raises(BpkitError, match=re.escape("history must be a History")):
        plots.history_curve(history)
