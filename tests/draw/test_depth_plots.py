"""The depth pictures: |delta| per layer, deltas during training, passes and seconds."""

import matplotlib
import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, delta_profiles, deltas_during
from bpkit.core.fmt import number
from bpkit.core.lessons.passes import time_gradients
from bpkit.draw import delta_profiles_plot, gradient_cost_plot, training_deltas_plot

matplotlib.use("Agg")


def test_the_profile_plot_draws_each_activation_on_a_log_axis():
    profiles = delta_profiles(0.75, depth=4, width=5)
    fig = delta_profiles_plot(profiles)
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert len(lines) == 3
    for line, (name, profile) in zip(lines, profiles.items()):
        np.testing.assert_array_equal(line.get_ydata(), profile.mean_abs_delta)
        assert line.get_label().startswith(name)
        assert number(profile.first_over_last, 2) in line.get_label()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "output"]
    assert "0.75" in ax.get_title()
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_the_training_plot_follows_the_snapshots():
    net = Network([2, 3, 1], activation="sigmoid", weights="random", seed=1)
    history = net.train(XOR_X, XOR_Y, 0.1, 40, snapshot_every=10)
    record = deltas_during(net, history, XOR_X, XOR_Y)
    (ax,) = training_deltas_plot(record).axes
    assert ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["J"].get_ydata(), record.losses)
    np.testing.assert_array_equal(lines["mean |δ| hidden"].get_xdata(), record.epochs)


def test_the_cost_plot_is_log_log_with_both_methods():
    timings = time_gradients([2, 4], repeats=1)
    fig = gradient_cost_plot(timings)
    assert len(fig.axes) == 2
    left, right = fig.axes
    assert left.get_xscale() == left.get_yscale() == right.get_yscale() == "log"
    fd, bp = left.get_lines()
    assert list(fd.get_ydata()) == [t.finite_differences.forward for t in timings]
    assert list(bp.get_ydata()) == [2, 2]
    assert list(right.get_lines()[0].get_ydata()) == [t.fd_seconds for t in timings]


@pytest.mark.parametrize(("draw", "value"), [
    (delta_profiles_plot, {}), (delta_profiles_plot, {"sigmoid": 1}),
    (training_deltas_plot, None), (gradient_cost_plot, []), (gradient_cost_plot, "ab"),
])
def test_what_they_cannot_draw_is_refused(draw, value):
    with pytest.raises(BpkitError):
        draw(value)
