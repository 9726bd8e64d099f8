"""The explorer driven from Python: readout and diagram show what the reference step computes."""

import html
import re
from html.parser import HTMLParser

import numpy as np
import pytest
import reference

from bpkit import (
    ALPHA,
    CONVENTIONS,
    MAZUR_ALPHA,
    MAZUR_START,
    MAZUR_X,
    MAZUR_Y,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    mazur_links,
    mazur_network,
)
from bpkit.core.fmt import number
from bpkit.core.naming import PHASES, link_key
from bpkit.widgets.explorer import Explorer, Settings, sample_label, trace_for

LINKS = [name for layer in article_network().link_names for row in layer for name in row]
SIGN = {"squared": 1.0, "article": -1.0}
"""The reference step's sign for each loss the explorer toggles."""


class Readout(HTMLParser):
    """The readout's table (each row a dict by column header) and its paragraph texts."""

    def __init__(self, explorer):
        super().__init__()
        self.header, self.rows, self.paragraphs = [], [], []
        self._cells, self._text = None, None
        self.feed(explorer.readout.value)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells = []
        elif tag in ("td", "th", "p"):
            self._text = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cells.append(self._text)
        elif tag == "p":
            self.paragraphs.append(self._text)
        elif tag == "tr" and not self.header:
            self.header = self._cells
        elif tag == "tr":
            self.rows.append(dict(zip(self.header, self._cells)))
        if tag in ("td", "th", "p"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def by(self, column):
        """The rows by their value in ``column`` (the unit or link name)."""
        return {row[column]: row for row in self.rows}


def reference_step(weights=None, lr=ALPHA, sample=0, loss="squared"):
    """What the explorer should show, from the hand-written reference step."""
    changes = {link_key(link): value for link, value in (weights or {}).items()}
    return reference.article_step(tuple(XOR_X[sample]), float(XOR_Y[sample, 0]), lr,
                                  SIGN[loss], changes)


def shown_link_labels(explorer):
    """The text of every link's label on the explorer's diagram, by link name."""
    return {name: label.get_text() for name, label in explorer.diagram.link_labels.items()}


SETTINGS = [
    {},
    {"weights": {"X0->Z1": 0.5, "w(Z2->D0)": -1.3}, "lr": 0.25, "sample": 1},
    {"weights": {"X1->Z3": 2.7, "X2->Z2": -0.4}, "lr": 0.01, "sample": 2, "loss": "squared"},
    {"weights": {name: 0.1 * k - 0.6 for k, name in enumerate(LINKS)}, "lr": 1.7, "sample": 3,
     "loss": "article"},
]


@pytest.mark.parametrize("settings", SETTINGS)
def test_forward_readout_shows_each_units_a_and_z_and_the_output(settings):
    explorer = Explorer("forward")
    trace = explorer.update(**settings)
    expected = reference_step(**settings)
    rows = Readout(explorer).by("unit")
    assert list(rows) == list(trace.units)
    for name, row in rows.items():
        a = number(expected.a[name]) if name in expected.a else ""
        assert (row["a (weighted sum)"], row["z (activation)"]) == (a, number(expected.z[name]))
    assert f"output h = {number(expected.z['D0'])}" in Readout(explorer).paragraphs
    assert trace.outputs[0, 0] == pytest.approx(expected.z["D0"])


@pytest.mark.parametrize("settings", SETTINGS)
def test_deltas_readout_shows_each_delta(settings):
    explorer = Explorer("deltas")
    explorer.update(**settings)
    expected = reference_step(**settings)
    rows = Readout(explorer).by("unit")
    assert set(rows) == set(expected.delta) == {"Z1", "Z2", "Z3", "D0"}
    for name, row in rows.items():
        assert row["δ"] == number(expected.delta[name]), name


@pytest.mark.parametrize("settings", SETTINGS)
def test_update_readout_shows_losses_and_the_new_weights(settings):
    explorer = Explorer("update")
    explorer.update(**settings)
    expected = reference_step(**settings)
    readout = Readout(explorer)
    losses = f"before the step = {number(expected.loss)}, after = {number(expected.loss_after)}"
    assert any(losses in p for p in readout.paragraphs)
    rows = readout.by("link")
    assert list(rows) == LINKS
    for name, row in rows.items():
        assert (row["old weight"], row["gradient"], row["new weight"]) == (
            number(expected.old[name]), number(expected.gradient[name]),
            number(expected.new[name])), name


def test_starts_from_the_article_on_the_correct_sign_with_the_articles_one_click_away():
    explorer = Explorer("update")
    expected = reference_step()
    for name, link in explorer.trace.links.items():
        assert link.new == pytest.approx(expected.new[name])
    # first principles: h = 4 on (0, 0); the correct delta is h - y = +4, so a bias link's
    # new weight is 1 - 0.1 * 1 * 4 = 0.6; the article's sign (y - h = -4) gives 1.4
    h = 1 + 3 * (1 * 1 + 1 * 0 + 1 * 0)
    assert number(explorer.trace.outputs[0, 0]) == number(h)
    assert Readout(explorer).by("link")["w(X0->Z1)"]["new weight"] == number(
        1 - ALPHA * (h - XOR_Y[0, 0])) == "0.6"
    assert explorer.loss_toggle.value == "squared"
    explorer.loss_toggle.value = "article"
    assert Readout(explorer).by("link")["w(X0->Z1)"]["new weight"] == number(
        1 - ALPHA * (XOR_Y[0, 0] - h)) == "1.4"
    explorer.reset()
    assert explorer.loss_toggle.value == "squared"
    assert explorer.lr_slider.value == ALPHA
    assert [s.value for s in explorer.sliders.values()] == [1.0] * len(LINKS)


def test_widgets_follow_update_and_there_is_one_slider_per_weight():
    explorer = Explorer("forward")
    assert list(explorer.sliders) == LINKS
    assert [s.description for s in explorer.sliders.values()] == [n[2:-1] for n in LINKS]
    explorer.update(weights={"X0->Z2": -2.5, "w(Z3->D0)": 0.25}, lr=0.5, sample=2,
                    loss="squared")
    assert explorer.sliders["w(X0->Z2)"].value == -2.5
    assert explorer.sliders["w(Z3->D0)"].value == 0.25
    assert explorer.lr_slider.value == 0.5
    assert explorer.sample_picker.value == 2
    assert explorer.sample_picker.label == sample_label(2) == "(1, 0) -> 1"
    assert explorer.loss_toggle.value == "squared"
    assert explorer.loss_toggle.label == CONVENTIONS["squared"]
    assert explorer.weights["w(X0->Z2)"] == -2.5


def test_a_value_outside_a_sliders_range_widens_the_slider():
    explorer = Explorer("forward")
    explorer.update(weights={"X1->Z1": 5.5}, lr=40.0)
    assert explorer.sliders["w(X1->Z1)"].value == 5.5
    assert explorer.sliders["w(X1->Z1)"].max >= 5.5
    assert explorer.lr_slider.value == pytest.approx(40.0)
    assert explorer.trace.links["w(X1->Z1)"].old == 5.5
    assert explorer.trace.lr == 40.0


def test_a_network_with_weights_beyond_the_sliders_starts_with_them_shown():
    net = article_network("squared")
    net.set_weight("w(X0->Z1)", -4.5)
    explorer = Explorer("forward", net=net)
    assert explorer.sliders["w(X0->Z1)"].value == -4.5
    explorer.update(lr=0.2)  # another control moved: the weight stays what it was
    assert explorer.trace.links["w(X0->Z1)"].old == -4.5


def test_moving_a_slider_redraws_once_with_the_new_numbers():
    explorer = Explorer("forward")
    images, readouts = [], []
    explorer.image.observe(images.append, names="value")
    explorer.readout.observe(readouts.append, names="value")
    explorer.sliders["w(X0->Z1)"].value = 2.0
    assert len(images) == 1 and len(readouts) == 1
    assert explorer.trace.links["w(X0->Z1)"].old == 2.0
    assert explorer.trace.outputs[0, 0] == pytest.approx(
        reference_step({"X0->Z1": 2.0}).z["D0"])
    assert shown_link_labels(explorer)["w(X0->Z1)"] == number(2.0)


def test_one_update_of_many_values_redraws_once_and_equal_settings_give_the_same_trace():
    explorer = Explorer("update")
    images = []
    explorer.image.observe(images.append, names="value")
    changes = {"weights": {"X0->Z1": 0.3, "X1->Z1": -0.7, "Z3->D0": 2.0}, "lr": 0.3,
               "sample": 3, "loss": "squared"}
    first = explorer.update(**changes)
    assert len(images) == 1
    explorer.reset()
    assert explorer.update(**changes) is first  # remembered, not computed again
    assert trace_for(explorer.settings) is first
    assert explorer.update(lr=0.31) is not first


@pytest.mark.parametrize("net", [None, article_network("squared", activation="tanh")])
def test_reset_gives_every_control_the_range_and_value_of_a_fresh_explorer(net):
    explorer = Explorer("update", net=net)
    fresh = controls_shown(Explorer("update", net=net))
    explorer.update(weights={"X1->Z1": 5.5, "w(Z2->D0)": -7.25}, lr=40.0, sample=3)
    assert explorer.sliders["w(X1->Z1)"].max >= 5.5 and explorer.lr_slider.max >= 2
    assert explorer.sliders["w(Z2->D0)"].min <= -7.25
    explorer.reset()
    assert controls_shown(explorer) == fresh
    explorer.update(lr=1e-5)
    explorer.reset_button.click()
    assert controls_shown(explorer) == fresh


def test_a_range_widened_for_one_value_narrows_again_for_a_value_inside_it():
    explorer = Explorer("forward")
    fresh = controls_shown(Explorer("forward"))
    explorer.update(weights={"X1->Z1": 5.5}, lr=40.0)
    explorer.update(weights={"X1->Z1": 1.0}, lr=ALPHA)
    assert controls_shown(explorer) == fresh


def test_reset_restores_the_start():
    explorer = Explorer("deltas")
    start_png, start_readout = explorer.image.value, explorer.readout.value
    explorer.update(weights={"X2->Z3": -3.0}, lr=2.0, sample=1, loss="article")
    assert explorer.readout.value != start_readout
    explorer.reset_button.click()
    assert explorer.image.value == start_png
    assert explorer.readout.value == start_readout
    assert explorer.settings == explorer.start
    assert explorer.weights == dict.fromkeys(LINKS, 1.0)
    assert (explorer.lr_slider.value, explorer.sample_picker.value,
            explorer.loss_toggle.value) == (ALPHA, 0, "squared")
    assert explorer.trace.links["w(X0->Z1)"].new == pytest.approx(
        reference_step().new["w(X0->Z1)"])


def controls_shown(explorer):
    """What a learner sees on every control: each slider's (min, max, value), sample, loss."""
    sliders = [*explorer.sliders.values(), explorer.lr_slider]
    return ([(s.min, s.max, s.value) for s in sliders], explorer.sample_picker.value,
            explorer.loss_toggle.value)


def readout_text(explorer):
    """The readout as a learner reads it: no tags, no escapes."""
    return html.unescape(re.sub(r"<[^>]+>", "", explorer.readout.value))


def shown_state(explorer):
    """Everything an explorer holds and shows except the readout."""
    return (explorer.settings, explorer.trace, explorer.weights, explorer.image.value,
            controls_shown(explorer), shown_link_labels(explorer))


BAD_VALUES = [
    ({"lr": 1e300}, "diverged"),
    ({"lr": -0.5}, "learning rate"),
    ({"lr": 0}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"),
    ({"lr": float("inf")}, "learning rate"),
    ({"lr": "fast"}, "learning rate"),
    ({"lr": "0.1"}, "learning rate"),
    ({"lr": True}, "learning rate"),
    ({"lr": [0.1]}, "learning rate"),
    ({"lr": 10**400}, "learning rate"),
    ({"weights": [1.0]}, "weights must be a dict from link to number, such as {'X0->Z1': 0.5"),
    ({"weights": "X0->Z1=0.5"}, "weights must be a dict"),
    ({"weights": 1.0}, "weights must be a dict"),
    ({"weights": []}, "weights must be a dict"),
    ({"weights": (("X0->Z1", 0.5),)}, "weights must be a dict"),
    ({"weights": {"X9->Z1": 1.0}}, "X9->Z1"),
    ({"weights": {"w(X9->Z1)": 1.0}}, "X9->Z1"),
    ({"weights": {"Z1": 1.0}}, "not a link name"),
    ({"weights": {1: 1.0}}, "not a link name"),
    ({"weights": {"X0->Z1": float("inf")}}, "X0->Z1"),
    ({"weights": {"X0->Z1": float("nan")}}, "X0->Z1"),
    ({"weights": {"X0->Z1": "big"}}, "X0->Z1"),
    ({"weights": {"X0->Z1": None}}, "w(X0->Z1) must be one number such as 0.5"),
    ({"weights": {"X0->Z1": True}}, "w(X0->Z1) must be one number"),
    ({"weights": {"X0->Z1": [0.5]}}, "w(X0->Z1) must be one number"),
    ({"weights": {"X0->Z1": 1 + 1j}}, "w(X0->Z1) must be one number"),
    ({"weights": {"X0->Z1": 10**400}}, "X0->Z1"),
    ({"weights": {"X0->Z1": 0.5, "w(X0->Z1)": 0.7}}, "twice"),
    ({"weights": {"X0->Z1": 2.0, "X9->Z1": 1.0}}, "X9->Z1"),  # nothing applied, not the first
    ({"sample": 4}, "sample"),
    ({"sample": -1}, "sample"),
    ({"sample": 1.0}, "sample"),
    ({"sample": True}, "sample"),
    ({"sample": "0"}, "sample"),
    ({"sample": 10**400}, "sample"),
    ({"loss": "backwards"}, "loss"),
    ({"loss": "logistic"}, "loss"),
    ({"loss": 1}, "loss"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_VALUES)
def test_a_bad_value_raises_shows_its_message_and_keeps_the_previous_state(changes, message):
    explorer = Explorer("update")
    explorer.update(weights={"X0->Z1": 0.5}, sample=1)
    before, trace = shown_state(explorer), explorer.trace
    with pytest.raises(BpkitError) as refused:
        explorer.update(**changes)
    assert message in str(refused.value)
    assert shown_state(explorer) == before
    assert explorer.trace is trace and explorer.lr_slider.value == ALPHA
    text = readout_text(explorer)
    assert f"Not applied: {refused.value}" in text
    # the previous numbers are still shown under the message, and the next value works
    assert number(trace.loss_after) in text
    explorer.update(lr=0.2)
    assert "Not applied" not in explorer.readout.value and explorer.trace.lr == 0.2


def test_weights_that_overflow_the_forward_pass_get_the_cores_message_about_the_weights():
    explorer = Explorer("update")
    before = shown_state(explorer)
    net = article_network()
    net.set_weight("w(X0->Z1)", 1e200)
    with pytest.raises(BpkitError) as from_core:
        net.step(XOR_X[:1], XOR_Y[:1], ALPHA)
    with pytest.raises(BpkitError) as refused:
        explorer.update(weights={"w(X0->Z1)": 1e200})
    assert str(refused.value) == str(from_core.value)  # passed on, not reworded
    assert "at these weights" in str(refused.value)
    assert "smaller lr" not in str(refused.value)  # the learning rate is not to blame
    assert f"Not applied: {refused.value}" in readout_text(explorer)
    assert shown_state(explorer) == before


@pytest.mark.parametrize(("value", "message"), [(float("nan"), "w(X0->Z1)"),
                                               (1e200, "at these weights")])
def test_a_slider_given_a_value_that_cannot_be_used_goes_back_with_a_message(value, message):
    explorer = Explorer("forward")
    explorer.update(weights={"X1->Z2": 0.4})
    before = shown_state(explorer)
    slider = explorer.sliders["w(X0->Z1)"]
    slider.max = 1e201  # as if the range allowed it: what a typed value can reach
    slider.value = value  # the observer shows the refusal; it raises nothing
    assert slider.value == 1.0
    assert shown_state(explorer) == before
    assert "Not applied" in readout_text(explorer) and message in readout_text(explorer)


def test_an_unexpected_error_in_a_callback_leaves_the_controls_as_the_state(monkeypatch):
    explorer = Explorer("forward")
    before = shown_state(explorer)

    def broken_step(*_args, **_kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(Network, "step", broken_step)
    with pytest.raises(RuntimeError):
        explorer.sliders["w(X2->Z3)"].value = 0.9  # settings never computed before
    assert shown_state(explorer) == before
    assert "Not applied: something broke" in readout_text(explorer)


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


def test_the_loss_toggle_switches_the_output_deltas_sign():
    explorer = Explorer("deltas")
    correct = Readout(explorer).by("unit")["D0"]["δ"]
    explorer.loss_toggle.value = "article"
    assert explorer.settings.loss == "article"
    assert Readout(explorer).by("unit")["D0"]["δ"] == number(
        reference_step(loss="article").delta["D0"]) != correct


def test_phase_and_network_are_checked():
    for phase in ("backwards", None, 3, "Forward"):
        with pytest.raises(BpkitError, match="phase"):
            Explorer(phase)
    for net in ("article", [2, 3, 1], 0):
        with pytest.raises(BpkitError, match="net must be a bpkit Network"):
            Explorer("forward", net=net)
    for large in ("yes", 1, 0.0):
        with pytest.raises(BpkitError, match="large must be True, False or None"):
            Explorer("forward", large=large)
    with pytest.raises(BpkitError, match="2 inputs"):
        Explorer(net=Network([3, 2, 1]))
    with pytest.raises(BpkitError, match="logistic"):
        Explorer(net=Network([2, 2, 1], output_activation="sigmoid", loss="logistic"))


def test_another_network_starts_from_its_own_weights_and_loss():
    net = Network([2, 2, 1], activation="tanh", weights="random", seed=4, loss="squared")
    explorer = Explorer("update", net=net)
    assert len(explorer.sliders) == 3 * 2 + 3
    assert explorer.loss_toggle.value == "squared"
    weights = [w.tolist() for w in net.weights]
    expected = reference.step((2, 2, 1), weights, XOR_X[0], XOR_Y[0], ALPHA, activation="tanh")
    for name, link in explorer.trace.links.items():
        assert link.new == pytest.approx(expected.new[name], abs=1e-12)
    explorer.update(sample=3, loss="article")
    expected = reference.step((2, 2, 1), weights, XOR_X[3], XOR_Y[3], ALPHA, sign=-1.0,
                              activation="tanh")
    for name, link in explorer.trace.links.items():
        assert link.new == pytest.approx(expected.new[name], abs=1e-12)
    explorer.reset()
    assert explorer.loss_toggle.value == "squared"


def test_settings_and_trace_for_refuse_what_is_not_theirs():
    with pytest.raises(BpkitError, match="net must be a bpkit Network"):
        Settings.of(None)
    with pytest.raises(BpkitError, match="learning rate"):
        Settings.of(article_network(), lr="fast")
    with pytest.raises(BpkitError, match="sample"):
        Settings.of(article_network(), sample=9)
    with pytest.raises(BpkitError, match="Settings"):
        trace_for(None)
    with pytest.raises(BpkitError, match="weights must be a dict"):
        Settings.of(article_network()).changed(weights=[1.0])


def test_settings_name_the_layout_so_equal_weights_on_other_networks_differ():
    identity = Settings.of(article_network("squared"))
    tanh = Settings.of(article_network("squared", activation="tanh"))
    assert identity.weights == tanh.weights and identity != tanh
    assert trace_for(identity).outputs[0, 0] == pytest.approx(
        reference.article_step(sign=1.0).z["D0"])
    assert trace_for(tanh).outputs[0, 0] == pytest.approx(
        reference.article_step(sign=1.0, activation="tanh").z["D0"])


@pytest.mark.parametrize("phase", PHASES)
def test_the_diagram_shows_the_current_weights_after_going_back_to_earlier_settings(phase):
    explorer = Explorer(phase)
    for value in (2, 1, 2, -0.5, 1):
        explorer.update(weights={"X0->Z1": value})
        assert explorer.weights["w(X0->Z1)"] == value
        shown = shown_link_labels(explorer)["w(X0->Z1)"]  # 'w', or 'old → new' in 'update'
        assert shown.split(" → ")[0] == number(float(value)), (value, shown)
    explorer.update(weights={"X0->Z1": 2})
    explorer.reset()
    assert shown_link_labels(explorer)["w(X0->Z1)"].split(" → ")[0] == number(1.0)


def test_an_explorer_shows_its_own_settings_even_when_another_computed_them_first():
    first, second = Explorer("forward"), Explorer("forward")
    first.update(weights={"X0->Z1": 2})
    second.update(weights={"X0->Z1": 2})
    first.update(weights={"X0->Z1": 1})
    assert shown_link_labels(first)["w(X0->Z1)"] == number(1.0)
    assert shown_link_labels(second)["w(X0->Z1)"] == number(2.0)


def test_large_mode_and_display_delegate_to_the_widget():
    explorer = Explorer("forward", large=True)
    # the lecture view's browser test reads the readout's first styled box
    assert explorer.readout.value.startswith('<div style="font-size:1.45em;line-height:1.4">')
    assert "font-size:1.45em" not in Explorer("forward", large=False).readout.value
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        explorer.widget.model_id)
    assert bundle["text/plain"] == "Explorer(phase='forward', sizes=[2, 3, 1])"
    assert explorer.image in explorer.widget.children
    _controls, beside, _image = explorer.widget.children
    sliders, readout = beside.children  # each slider beside the numbers it changes
    assert readout is explorer.readout
    assert {s for group in sliders.children for s in group.children} >= set(
        explorer.sliders.values())


def test_lecture_mode_makes_explorers_large_unless_asked_otherwise(monkeypatch):
    monkeypatch.setenv("BPKIT_LECTURE", "1")
    assert Explorer("forward").large and not Explorer("forward", large=False).large
    monkeypatch.delenv("BPKIT_LECTURE")
    assert not Explorer("forward").large


@pytest.mark.parametrize(("phase", "shown"), [
    ("forward", ["sample"]),
    ("deltas", ["sample", "loss"]),
    ("update", ["sample", "loss", "α (lr)"]),
])
def test_each_view_shows_only_the_controls_that_change_what_it_shows(phase, shown):
    explorer = Explorer(phase)
    row = explorer.widget.children[0].children
    names = {explorer.sample_picker: "sample", explorer.loss_toggle: "loss",
             explorer.lr_slider: "α (lr)"}
    assert [names[control] for control in row if control in names] == shown
    assert explorer.reset_button in row


@pytest.mark.parametrize("phase", ["forward", "deltas", "update"])
def test_without_a_kernel_the_explorer_shows_its_diagram_and_numbers(phase):
    explorer = Explorer(phase)
    page = explorer._repr_mimebundle_()["text/html"]
    assert f'alt="the {phase} diagram"' in page and "data:image/svg+xml;base64," in page
    assert explorer.readout.value in page and "Run All Cells" in page


# ----- any network on its own samples: Mazur's 2-2-2 sigmoid net ---------------------------------
def mazur_explorer(phase="update"):
    return Explorer(phase, net=mazur_network(), X=MAZUR_X, Y=MAZUR_Y, lr=MAZUR_ALPHA)


def test_an_explorer_of_mazurs_net_starts_from_his_weights_and_steps_as_bpkit_does():
    explorer = mazur_explorer()
    links = mazur_links()
    assert len(explorer.sliders) == 12
    for his_name, names in links.items():
        assert [explorer.sliders[link].value for link in names] == (
            [MAZUR_START[his_name]] * len(names))
    assert explorer.lr_slider.value == MAZUR_ALPHA
    expected = mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)
    rows = Readout(explorer).by("link")
    for name, link in expected.links.items():
        assert rows[name]["new weight"] == number(link.new), name
    assert rows[links["w5"][0]]["new weight"] == number(0.35891648)  # Mazur's published w5
    assert repr(explorer) == "Explorer(phase='update', sizes=[2, 2, 2])"


def test_mazurs_explorer_reads_its_sample_and_loss_and_offers_no_toggle_or_single_choice():
    explorer = mazur_explorer("deltas")
    head = Readout(explorer).paragraphs[0]
    assert head == "sample (0.05, 0.1) -> (0.01, 0.99) · α = 0.5 · squared loss, sigmoid outputs"
    row = explorer.widget.children[0].children
    assert explorer.loss_toggle not in row and explorer.sample_picker not in row
    assert explorer.reset_button in row
    updates = mazur_explorer("update")
    assert updates.lr_slider in updates.widget.children[0].children
    assert explorer.lr_slider not in row  # alpha changes nothing the deltas show
    assert all(s.step == 0.05 for s in explorer.sliders.values())  # 0.15, 0.25: on the 0.05s
    assert all(s.step == 0.1 for s in Explorer("deltas").sliders.values())
    deltas = Readout(explorer).by("unit")
    trace = mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)
    assert {name: row["δ"] for name, row in deltas.items()} == {
        name: number(float(unit.delta[0])) for name, unit in trace.units.items()
        if unit.delta is not None}


def test_mazurs_explorer_moves_resets_and_refuses_a_loss_it_does_not_toggle():
    explorer = mazur_explorer()
    trace = explorer.update(weights={"w(Z1->D0)": 0.9, "X0->Z2": -0.2}, lr=0.05)
    net = mazur_network()
    net.set_weight("w(Z1->D0)", 0.9)
    net.set_weight("X0->Z2", -0.2)
    expected = net.preview_step(MAZUR_X, MAZUR_Y, 0.05)
    for name, link in expected.links.items():
        assert trace.links[name].new == link.new
    before = shown_state(explorer)
    for loss, fragment in [("article", "this explorer has no loss toggle"),
                           ("logistic", "with the network's loss 'squared'")]:
        with pytest.raises(BpkitError, match=fragment):
            explorer.update(loss=loss)
        assert shown_state(explorer) == before
        assert "Not applied" in readout_text(explorer)
    assert explorer.update(loss="squared").loss == expected.loss  # its own loss: nothing changes
    with pytest.raises(BpkitError, match="the explorer has 1 sample"):
        explorer.update(sample=1)
    explorer.reset()
    assert explorer.settings == explorer.start and explorer.lr_slider.value == MAZUR_ALPHA


def test_own_samples_with_several_rows_get_a_picker_with_each_rows_targets():
    targets = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    net = Network([2, 2, 2], activation="tanh", output_activation="sigmoid", loss="logistic",
                  weights="random", seed=1)
    explorer = Explorer("deltas", net=net, X=XOR_X, Y=targets)
    assert explorer.sample_picker in explorer.widget.children[0].children
    assert [label for label, _ in explorer.sample_picker.options] == [
        "(0, 0) -> (0, 1)", "(0, 1) -> (1, 0)", "(1, 0) -> (1, 0)", "(1, 1) -> (0, 1)"]
    assert explorer.settings.loss == "logistic"
    explorer.sample_picker.value = 2
    expected = net.preview_step(XOR_X[2:3], targets[2:3], ALPHA)
    assert explorer.trace.units["Z1"].delta[0] == expected.units["Z1"].delta[0]
    assert "logistic loss, sigmoid outputs" in Readout(explorer).paragraphs[0]


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"Y": None}, "give both X and Y"),
    ({"X": None}, "give both X and Y"),
    ({"net": None}, "give the network to step on them too"),
    ({"net": "mazur"}, "net must be a bpkit Network"),
    ({"net": Network([2, 2, 2], loss="article")}, "loss='article' replays the article's sign"),
    ({"net": Network([2, 3, 1])}, "Y (the targets)"),
    ({"X": [[0.05, 0.1, 0.2]]}, "X (the inputs)"),
    ({"Y": [[0.01, 0.99], [0.5, 0.5]]}, "X has 1 sample(s) but Y has 2"),
    ({"X": np.zeros((101, 2)), "Y": np.zeros((101, 2))}, "picked from at most 100"),
    ({"Y": [[0.01, float("nan")]]}, "Y (the targets)"),
    ({"lr": 0}, "learning rate"),
    ({"lr": "fast"}, "learning rate"),
])
def test_own_samples_are_checked_against_the_network(kwargs, fragment):
    given = {"net": mazur_network(), "X": MAZUR_X, "Y": MAZUR_Y, "lr": MAZUR_ALPHA, **kwargs}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Explorer("forward", **given)


def test_the_xor_explorer_still_refuses_a_network_that_does_not_fit_xor():
    with pytest.raises(BpkitError, match="2 inputs and 1 output"):
        Explorer(net=mazur_network())
