"""The init-scale slider: each scale and depth shows delta_profiles; bad values change nothing."""

import html
import re

import matplotlib
import pytest

from bpkit import BpkitError, delta_profiles
from bpkit.core.fmt import number
from bpkit.widgets import DepthExplorer
from bpkit.widgets.depth import SCALES

matplotlib.use("Agg")


def shown_numbers(explorer):
    text = html.unescape(re.sub(r"<[^>]+>", " ", explorer.readout.value))
    return text


def expected_in_readout(explorer, scale, depth):
    profiles = delta_profiles(scale, depth)
    text = shown_numbers(explorer)
    for name, profile in profiles.items():
        assert profile.mean_abs_delta == explorer.profiles[name].mean_abs_delta
        for value in (*profile.mean_abs_delta, profile.first_over_last, profile.slope,
                      profile.flat):
            assert number(value) in text


def test_it_opens_on_scale_one_and_shows_bpkits_numbers():
    explorer = DepthExplorer()
    assert (explorer.scale, explorer.depth) == (1.0, 10)
    assert tuple(explorer.scale_slider.options) == SCALES
    expected_in_readout(explorer, 1.0, 10)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_moving_the_sliders_recomputes():
    explorer = DepthExplorer()
    explorer.scale_slider.value = 0.75
    assert explorer.scale == 0.75
    expected_in_readout(explorer, 0.75, 10)
    explorer.depth_slider.value = 4
    expected_in_readout(explorer, 0.75, 4)
    assert "4 hidden layers" in shown_numbers(explorer)
    explorer.reset()
    assert (explorer.scale_slider.value, explorer.depth_slider.value) == (1.0, 10)


def test_update_from_python_takes_any_positive_scale():
    explorer = DepthExplorer()
    explorer.update(scale=0.6, depth=30)
    assert explorer.scale_slider.value == 0.6 and explorer.depth_slider.value == 30
    expected_in_readout(explorer, 0.6, 30)


@pytest.mark.parametrize("kwargs", [{"scale": -1}, {"scale": 0}, {"scale": "2"},
                                    {"scale": True}, {"depth": 1}, {"depth": 2.5},
                                    {"depth": 10**400}, {"scale": float("nan")}])
def test_a_bad_value_is_refused_and_changes_nothing(kwargs):
    explorer = DepthExplorer()
    explorer.update(scale=0.5)
    before = (explorer.scale, explorer.depth, explorer.profiles, explorer.image.value,
              explorer.scale_slider.value, explorer.depth_slider.value)
    with pytest.raises(BpkitError):
        explorer.update(**kwargs)
    after = (explorer.scale, explorer.depth, explorer.profiles, explorer.image.value,
             explorer.scale_slider.value, explorer.depth_slider.value)
    assert after == before
    assert "Not applied" in explorer.readout.value
    expected_in_readout(explorer, 0.5, 10)


def test_a_slider_moved_to_a_value_that_overflows_goes_back():
    explorer = DepthExplorer()
    explorer.scale_slider.options = (*SCALES, 1e200)  # the slider moves to its first option
    shown = explorer.scale
    assert shown == explorer.scale_slider.value
    explorer.scale_slider.value = 1e200
    assert explorer.scale == shown and explorer.scale_slider.value == shown
    assert "Not applied" in explorer.readout.value and "overflow" in explorer.readout.value


def test_without_a_kernel_it_shows_the_plot_and_numbers():
    explorer = DepthExplorer()
    page = explorer._repr_mimebundle_()["text/html"]
    assert "data:image/png;base64," in page and "mean |δ| sigmoid" in html.unescape(page)
    assert repr(explorer) == "DepthExplorer(scale=1, depth=10)"
    assert explorer._repr_mimebundle_()["text/plain"] == repr(explorer)


@pytest.mark.parametrize("kwargs", [{"scale": 0}, {"depth": 1}, {"width": 0}, {"seed": "0"}])
def test_bad_starting_values_are_refused(kwargs):
    with pytest.raises(BpkitError):
        DepthExplorer(**kwargs)
