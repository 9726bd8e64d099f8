"""The learning-rate slider: one fresh run per rate, drawn; bad arguments refused up front."""

import html

import matplotlib
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, article_network, train_at_rates
from bpkit.widgets.rates import RATES, RateExplorer

matplotlib.use("Agg")


def make_net():
    return article_network("squared")


def test_each_rate_shows_the_run_train_at_rates_gives():
    explorer = RateExplorer(make_net, XOR_X, XOR_Y, epochs=50)
    for rate in (0.1, 0.5, 0.001):
        explorer.slider.value = rate
        expected = train_at_rates(make_net, XOR_X, XOR_Y, [rate], 50)[rate]
        assert explorer.history.losses == expected.losses
        assert html.escape(expected.message) in explorer.message.value
        assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_without_a_kernel_it_shows_the_curve_at_its_start():
    explorer = RateExplorer(make_net, XOR_X, XOR_Y, epochs=20)
    page = explorer._repr_mimebundle_()["text/html"]
    assert "data:image/png;base64," in page and explorer.history.message in html.unescape(page)
    assert explorer.slider.value == 0.1 and tuple(explorer.slider.options) == RATES


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"make_net": None}, "make_net must be a function"),
    ({"X": "x"}, r"X \(the inputs\) must be numbers"),
    ({"epochs": 0}, "epochs must be a whole number from 1"),
    ({"rates": []}, "rates must be a non-empty list"),
    ({"rates": [0.1, -1]}, "a learning rate must be a positive finite number"),
    ({"start": 0.7}, "start must be one of the rates"),
])
def test_bad_arguments_are_refused_before_anything_is_shown(kwargs, fragment):
    arguments = {"make_net": make_net, "X": XOR_X, "Y": XOR_Y, **kwargs}
    with pytest.raises(BpkitError, match=fragment):
        RateExplorer(**arguments)
