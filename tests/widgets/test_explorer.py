"""The explorer driven from Python: its readout shows what a fresh Network.step computes."""

import html
from html.parser import HTMLParser

import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core.article import ALPHA
from bpkit.core.fmt import number
from bpkit.widgets.explorer import Explorer

LINKS = [name for layer in article_network().link_names for row in layer for name in row]


class _Cells(HTMLParser):
    """Collect table rows (lists of cell texts) and paragraph texts from the readout."""

    def __init__(self):
        super().__init__()
        self.rows, self.paragraphs, self._row, self._text, self._in = [], [], None, "", None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th", "p"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(self._text)
        elif tag == "p":
            self.paragraphs.append(self._text)
        elif tag == "tr":
            self.rows.append(self._row)
            self._row = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def parsed(explorer):
    cells = _Cells()
    cells.feed(explorer.readout.value)
    return cells


def fresh_step(weights=None, lr=ALPHA, sample=0, sign="article"):
    """What the explorer should show, computed independently with a new Network."""
    net = article_network(sign)
    for link, value in (weights or {}).items():
        net.set_weight(link if link.startswith("w(") else f"w({link})", value)
    return net.step(XOR_X[sample:sample + 1], XOR_Y[sample:sample + 1], lr)


def count_calls(monkeypatch, explorer, method):
    calls = []
    original = getattr(explorer, method)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(explorer, method, counted)
    return calls


SETTINGS = [
    {},
    {"weights": {"X0->Z1": 0.5, "w(Z2->D0)": -1.3}, "lr": 0.25, "sample": 1},
    {"weights": {"X1->Z3": 2.7, "X2->Z2": -0.4}, "lr": 0.01, "sample": 2, "sign": "squared"},
    {"weights": {name: 0.1 * k - 0.6 for k, name in enumerate(LINKS)}, "lr": 1.7, "sample": 3,
     "sign": "article"},
]


@pytest.mark.parametrize("settings", SETTINGS)
def test_forward_readout_shows_each_units_a_and_z_and_the_output(settings):
    explorer = Explorer("forward")
    trace = explorer.update(**settings)
    expected = fresh_step(**settings)
    rows = {row[0]: row[1:] for row in parsed(explorer).rows[1:]}
    for name, unit in expected.units.items():
        a = "" if unit.a is None else number(unit.a[0])
        assert rows[name] == [a, number(unit.z[0])], name
    h = number(expected.outputs[0, 0])
    assert f"output h = {h}" in parsed(explorer).paragraphs
    assert trace.outputs[0, 0] == expected.outputs[0, 0]


@pytest.mark.parametrize("settings", SETTINGS)
def test_deltas_readout_shows_each_delta(settings):
    explorer = Explorer("deltas")
    explorer.update(**settings)
    expected = fresh_step(**settings)
    rows = {row[0]: row[1:] for row in parsed(explorer).rows[1:]}
    with_delta = {n: u for n, u in expected.units.items() if u.delta is not None}
    assert set(rows) == set(with_delta) == {"Z1", "Z2", "Z3", "D0"}
    for name, unit in with_delta.items():
        assert rows[name] == [number(unit.delta[0])]


@pytest.mark.parametrize("settings", SETTINGS)
def test_update_readout_shows_losses_and_the_new_weights(settings):
    explorer = Explorer("update")
    explorer.update(**settings)
    expected = fresh_step(**settings)
    cells = parsed(explorer)
    losses = f"before the step = {number(expected.loss)}, after = {number(expected.loss_after)}"
    assert any(losses in p for p in cells.paragraphs)
    rows = {row[0]: row[1:] for row in cells.rows[1:]}
    assert len(rows) == 13
    for name, link in expected.links.items():
        assert rows[name[2:-1]] == [number(link.old), number(link.gradient), number(link.new)]


def test_starts_from_the_article_and_its_numbers_match_the_article():
    explorer = Explorer("update")
    trace = explorer.trace
    expected = fresh_step()
    for name, link in expected.links.items():
        assert trace.links[name].new == link.new
    # the article's facts, recomputed here by hand: h = 4, delta = -4, X0 links -> 1 + 0.1 * 4
    h = 1 + 3 * (1 * 1 + 1 * 0 + 1 * 0)
    delta = XOR_Y[0, 0] - h
    assert number(trace.outputs[0, 0]) == number(h)
    assert trace.links["w(X0->Z1)"].new == pytest.approx(1 - ALPHA * 1 * (delta * 1))
    rows = {row[0]: row[1:] for row in parsed(explorer).rows[1:]}
    assert rows["X0->Z1"][-1] == number(1 - ALPHA * delta) == "1.4"
    assert explorer.sign_toggle.value == "article"
    assert explorer.lr_slider.value == ALPHA
    assert [s.value for s in explorer.sliders.values()] == [1.0] * 13


def test_widgets_follow_update_and_there_is_one_slider_per_weight():
    explorer = Explorer("forward")
    assert [s.description for s in explorer.sliders.values()] == [n[2:-1] for n in LINKS]
    explorer.update(weights={"X0->Z2": -2.5}, lr=0.5, sample=2, sign="squared")
    assert explorer.sliders["w(X0->Z2)"].value == -2.5
    assert explorer.lr_slider.value == 0.5
    assert explorer.sample_picker.value == 2
    assert explorer.sample_picker.label == "(1, 0) -> 1"
    assert explorer.sign_toggle.value == "squared"
    assert explorer.weights["w(X0->Z2)"] == -2.5


def test_a_value_outside_a_sliders_range_widens_the_slider():
    explorer = Explorer("forward")
    explorer.update(weights={"X1->Z1": 5.5}, lr=40.0)
    assert explorer.sliders["w(X1->Z1)"].value == 5.5
    assert explorer.lr_slider.value == pytest.approx(40.0)
    assert explorer.trace.links["w(X1->Z1)"].old == 5.5
    assert explorer.trace.lr == 40.0


def test_moving_a_slider_recomputes_once_and_changes_the_image(monkeypatch):
    explorer = Explorer("forward")
    steps = count_calls(monkeypatch, explorer, "_step")
    pngs = count_calls(monkeypatch, explorer.diagram, "to_png")
    before = explorer.image.value
    explorer.sliders["w(X0->Z1)"].value = 2.0
    assert len(steps) == 1 and len(pngs) == 1
    assert explorer.image.value != before
    assert explorer.trace.links["w(X0->Z1)"].old == 2.0
    expected = fresh_step({"X0->Z1": 2.0})
    assert explorer.trace.outputs[0, 0] == expected.outputs[0, 0]


def test_one_update_of_many_values_computes_once_and_repeats_come_from_the_cache(monkeypatch):
    explorer = Explorer("update")
    steps = count_calls(monkeypatch, explorer, "_step")
    pngs = count_calls(monkeypatch, explorer.diagram, "to_png")
    changes = {"weights": {"X0->Z1": 0.3, "X1->Z1": -0.7, "Z3->D0": 2.0}, "lr": 0.3,
               "sample": 3, "sign": "squared"}
    explorer.update(**changes)
    assert len(steps) == 1 and len(pngs) == 1
    explorer.reset()  # the start and the changes were both computed before: no new step
    explorer.update(**changes)
    explorer.update(**changes)
    assert len(steps) == 1
    explorer.update(lr=0.31)
    assert len(steps) == 2


def test_reset_restores_the_start():
    explorer = Explorer("deltas")
    start_png, start_readout = explorer.image.value, explorer.readout.value
    explorer.update(weights={"X2->Z3": -3.0}, lr=2.0, sample=1, sign="squared")
    assert explorer.readout.value != start_readout
    explorer.reset_button.click()
    assert explorer.image.value == start_png
    assert explorer.readout.value == start_readout
    assert explorer.settings.weights == (1.0,) * 13
    assert (explorer.lr_slider.value, explorer.sample_picker.value,
            explorer.sign_toggle.value) == (ALPHA, 0, "article")
    assert explorer.trace.links["w(X0->Z1)"].new == fresh_step().links["w(X0->Z1)"].new


@pytest.mark.parametrize(("changes", "message"), [
    ({"lr": 1e300}, "diverged"),
    ({"lr": -0.5}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"),
    ({"lr": "fast"}, "learning rate"),
    ({"weights": {"X9->Z1": 1.0}}, "X9->Z1"),
    ({"weights": {"X0->Z1": float("inf")}}, "X0->Z1"),
    ({"sample": 4}, "sample"),
    ({"sign": "backwards"}, "sign"),
])
def test_a_bad_value_shows_a_message_and_keeps_the_previous_state(changes, message):
    explorer = Explorer("update")
    explorer.update(weights={"X0->Z1": 0.5}, sample=1)
    trace, png, settings = explorer.trace, explorer.image.value, explorer.settings
    slider_values = [s.value for s in explorer.sliders.values()]
    returned = explorer.update(**changes)
    assert returned is trace and explorer.trace is trace
    assert explorer.settings == settings
    assert explorer.image.value == png
    assert [s.value for s in explorer.sliders.values()] == slider_values
    assert explorer.lr_slider.value == ALPHA
    text = html.unescape(explorer.readout.value)
    assert "Not applied" in text
    assert message in text
    # the previous numbers are still shown under the message
    assert number(trace.loss_after) in text


def test_a_control_set_to_a_diverging_value_is_undone_with_a_message():
    explorer = Explorer("forward")
    trace = explorer.trace
    explorer.lr_slider.max = 300  # exponent: room for a learning rate that overflows
    explorer.lr_slider.value = 1e300
    assert "diverged" in explorer.readout.value
    assert explorer.trace is trace
    assert explorer.lr_slider.value == ALPHA
    explorer.sliders["w(X0->Z1)"].value = 0.7  # and it keeps working afterwards
    assert "Not applied" not in explorer.readout.value
    assert explorer.trace.links["w(X0->Z1)"].old == 0.7


def test_phase_and_network_are_checked():
    with pytest.raises(BpkitError, match="phase"):
        Explorer("backwards")
    with pytest.raises(BpkitError, match="2 inputs"):
        Explorer(net=Network([3, 2, 1]))
    with pytest.raises(BpkitError, match="logistic"):
        Explorer(net=Network([2, 2, 1], output_activation="sigmoid", loss="logistic"))


def test_another_network_starts_from_its_own_weights_and_loss():
    net = Network([2, 2, 1], activation="tanh", weights="random", seed=4, loss="squared")
    explorer = Explorer("update", net=net)
    assert len(explorer.sliders) == 3 * 2 + 3
    assert explorer.sign_toggle.value == "squared"
    expected = net.preview_step(XOR_X[:1], XOR_Y[:1], ALPHA)
    for name, link in expected.links.items():
        assert explorer.trace.links[name].new == pytest.approx(link.new, abs=1e-15)
    explorer.update(sample=3, sign="article")
    again = Network([2, 2, 1], activation="tanh", loss="article", weights=net.weights)
    expected = again.step(XOR_X[3:], XOR_Y[3:], ALPHA)
    np.testing.assert_allclose(explorer.trace.new_weights[0], expected.new_weights[0])
    explorer.reset()
    assert explorer.sign_toggle.value == "squared"


def test_large_mode_and_display_delegate_to_the_widget():
    explorer = Explorer("forward", large=True)
    assert "font-size:1.45em" in explorer.readout.value
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        explorer.widget.model_id)
    assert bundle["text/plain"] == "Explorer(phase='forward', sizes=[2, 3, 1])"
    assert explorer.image in explorer.widget.children
    assert explorer.readout in explorer.widget.children


def test_lecture_mode_makes_explorers_large_unless_asked_otherwise(monkeypatch):
    from bpkit.widgets.explorer import Explorer

    monkeypatch.setenv("BPKIT_LECTURE", "1")
    assert Explorer("forward").large and not Explorer("forward", large=False).large
    monkeypatch.delenv("BPKIT_LECTURE")
    assert not Explorer("forward").large
