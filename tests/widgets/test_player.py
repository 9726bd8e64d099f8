"""The step player driven from Python: positions clamp, the diagram follows each computation."""

import html
import re

import numpy as np
import pytest
import reference

from bpkit import (
    ALPHA,
    MAZUR_ALPHA,
    MAZUR_X,
    MAZUR_Y,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    mazur_network,
)
from bpkit.core.computations import computations, delta_paths
from bpkit.core.naming import PHASES
from bpkit.widgets.player import StepPlayer


def article_step():
    return article_network().step(XOR_X[:1], XOR_Y[:1], ALPHA)


def batch_step():
    net = Network([2, 2, 1], activation="tanh", weights="random", seed=5, loss="squared")
    return net.step(XOR_X, XOR_Y, 0.5)


@pytest.mark.parametrize("phase", PHASES)
def test_play_and_slider_run_over_every_computation(phase):
    trace = article_step()
    steps = computations(trace, phase)
    player = StepPlayer(trace, phase)
    assert player.lines == steps
    assert player.play.min == player.slider.min == 0
    assert player.play.max == player.slider.max == len(steps) - 1
    # the article's step: 3 hidden units + 1 output, each a weighted sum and an activation;
    # 4 deltas; 13 links, each a gradient and an update
    n_units = sum(len(t) for t in trace.unit_names[1:]) - (len(trace.unit_names) - 2)
    expected = {"forward": 2 * n_units, "deltas": n_units, "update": 2 * len(trace.links)}
    assert len(steps) == expected[phase]


@pytest.mark.parametrize("phase", PHASES)
def test_go_next_and_previous_clamp_to_the_range(phase):
    trace = article_step()
    player = StepPlayer(trace, phase)
    last = len(player.lines) - 1
    assert player.index == 0
    assert player.previous() is player.lines[0] and player.index == 0
    assert player.go(-7) is player.lines[0]
    assert player.go(10_000) is player.lines[last] and player.index == last
    assert player.next() is player.lines[last] and player.index == last
    assert player.previous() is player.lines[last - 1]
    assert player.go(1) is player.lines[1]
    assert player.next() is player.lines[min(2, last)]
    with pytest.raises(BpkitError, match="whole number"):
        player.go(1.5)


@pytest.mark.parametrize(("make_trace", "sample"), [(article_step, 0), (batch_step, 2)])
@pytest.mark.parametrize("phase", PHASES)
def test_each_position_shows_its_computation_and_highlights_its_unit_or_link(make_trace,
                                                                             sample, phase):
    trace = make_trace()
    steps = computations(trace, phase, sample)
    player = StepPlayer(trace, phase, sample=sample)
    images = set()
    for index, step in enumerate(steps):
        shown = player.go(index)
        assert shown == step
        assert player.diagram.highlighted == step.name
        counter = html.unescape(player.counter.value)
        assert f"line {index + 1} of {len(steps)}" in counter
        assert f"{step.kind} of {step.name}" in counter
        formula = html.unescape(player.formula.value)
        assert f"$${step.formula}$$" in formula
        assert f"$${step.substituted}$$" in formula
        assert player.play.value == player.slider.value == index
        images.add(player.image.value)
    # every computation is about a different unit or link, or a different kind of the same one
    assert len(images) == len({step.name for step in steps})


def test_the_play_widget_drives_the_player():
    trace = article_step()
    player = StepPlayer(trace, "deltas")
    player.play.value = 2  # what the browser's Play button does on its third tick
    assert player.index == 2 and player.slider.value == 2
    assert player.diagram.highlighted == player.lines[2].name


def test_going_back_shows_that_computation_again():
    player = StepPlayer(article_step(), "update")
    first_image = player.image.value
    player.go(3)
    player.go(0)
    assert player.index == 0 == player.slider.value
    assert player.diagram.highlighted == player.lines[0].name
    assert player.image.value == first_image
    assert "line 1 of" in player.counter.value


def test_buttons_move_and_disable_at_the_ends():
    player = StepPlayer(article_step(), "deltas")
    assert player.previous_button.disabled and not player.next_button.disabled
    player.next_button.click()
    assert player.index == 1
    assert not player.previous_button.disabled
    for _ in range(10):
        player.next_button.click()
    assert player.index == len(player.lines) - 1 and player.next_button.disabled
    player.previous_button.click()
    assert player.index == len(player.lines) - 2


def test_the_article_deltas_are_played_in_order_with_the_articles_numbers():
    player = StepPlayer(article_step(), "deltas")
    names = [player.go(i).name for i in range(len(player.lines))]
    assert names == ["D0", "Z1", "Z2", "Z3"]
    expected = reference.article_step(sign=-1.0)  # the article's sign: delta = y - h = -4
    assert [step.value for step in player.lines] == pytest.approx(
        [expected.delta[name] for name in names])


def test_the_diagram_image_is_replaced_in_place_and_large_mode_is_bigger():
    trace = article_step()
    player = StepPlayer(trace, "update")
    image, first = player.image, player.image.value
    player.next()  # the update of the same link: the same picture
    assert image.value == first
    player.next()  # the next link
    assert player.image is image and image.value != first
    player.go(0)
    assert image.value == first
    large = StepPlayer(trace, "update", large=True)
    assert (large.diagram.unit_labels["Z1"].get_fontsize()
            > player.diagram.unit_labels["Z1"].get_fontsize())
    assert "1.5em" in large.formula.value


def test_bad_phase_or_sample_is_refused_and_display_delegates():
    trace = article_step()
    with pytest.raises(BpkitError, match="phase"):
        StepPlayer(trace, "sideways")
    with pytest.raises(BpkitError, match="sample"):
        StepPlayer(trace, "forward", sample=3)
    player = StepPlayer(trace, "forward")
    bundle = player._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == (
        player.widget.model_id)
    assert bundle["text/plain"] == "StepPlayer(phase='forward', sample=0, lines=8)"


@pytest.mark.parametrize("trace", [None, "forward", 4, {"D0": 4.0}, article_network()])
def test_something_other_than_a_step_trace_is_refused_naming_what_to_pass(trace):
    with pytest.raises(BpkitError, match=r"trace must be a StepTrace, the result of net\.step"):
        StepPlayer(trace, "forward")


@pytest.mark.parametrize(("changes", "message"), [
    ({"phase": None}, "phase"), ({"phase": 3}, "phase"), ({"phase": "Forward"}, "phase"),
    ({"sample": None}, "sample"), ({"sample": True}, "sample"), ({"sample": -1}, "sample"),
    ({"sample": 1.0}, "sample"), ({"sample": 10**400}, "sample"),
    ({"large": "yes"}, "large must be True, False or None"), ({"large": 1}, "large"),
])
def test_bad_phase_sample_or_size_is_refused(changes, message):
    with pytest.raises(BpkitError, match=message):
        StepPlayer(**{"trace": article_step(), "phase": "forward", **changes})


@pytest.mark.parametrize("position", [None, "1", True, float("nan"), float("inf"), 2.0, -1.5,
                                      [1]])
def test_go_refuses_what_is_not_a_whole_number_and_stays_where_it_was(position):
    player = StepPlayer(article_step(), "update")
    player.go(3)
    image, counter = player.image.value, player.counter.value
    with pytest.raises(BpkitError, match="whole number"):
        player.go(position)
    assert player.index == 3 == player.play.value
    assert (player.image.value, player.counter.value) == (image, counter)


@pytest.mark.parametrize(("position", "expected"), [(10**400, -1), (-(10**400), 0),
                                                    (np.int64(2), 2)])
def test_go_clamps_any_whole_number(position, expected):
    player = StepPlayer(article_step(), "deltas")
    assert player.go(position) is player.lines[expected]


def test_without_a_kernel_the_player_shows_its_first_computation():
    player = StepPlayer(article_network("squared").preview_step(XOR_X[:1], XOR_Y[:1], 0.1),
                        "forward")
    page = player._repr_mimebundle_()["text/html"]
    assert player.counter.value in page and player.formula.value in page
    assert "data:image/svg+xml;base64," in page and "Run All Cells" in page


# ----- the deltas path by path (paths=True) -------------------------------------------------------
def mazur_step():
    return mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)


def test_paths_plays_each_hidden_delta_term_by_term_with_each_path_highlighted():
    trace = mazur_step()
    player = StepPlayer(trace, "deltas", paths=True)
    assert player.lines == delta_paths(trace) and player.paths
    assert len(player.lines) == 2 + 2 * 3  # two outputs; per hidden unit two paths and a sum
    images = []
    for index, step in enumerate(player.lines):
        assert player.go(index) is step
        assert player.diagram.emphasised == step.highlighted
        assert player.diagram.highlighted == step.name
        counter = html.unescape(player.counter.value)
        assert f"line {index + 1} of {len(player.lines)}</b>: {step.kind} of {step.name}" in counter
        formula = html.unescape(player.formula.value)
        assert f"$${step.formula}$$" in formula and f"$${step.substituted}$$" in formula
        images.append(player.image.value)
    assert len(set(images)) == len(images)  # every term and sum draws its own picture
    first_path, second_path, total = (player.go(i) for i in (2, 3, 4))
    assert (first_path.kind, first_path.name) == ("path term", "w(Z1->D0)")
    assert player.diagram.emphasised == ("Z1", "w(Z1->D0)", "D0", "w(Z1->D1)", "D1")
    player.go(2)
    assert player.diagram.emphasised == ("w(Z1->D0)", "Z1", "D0")
    assert "z_{Z_{1}} \\cdot \\left(1 - z_{Z_{1}}\\right)" in total.formula
    assert total.value == trace.units["Z1"].delta[0] == pytest.approx(
        (first_path.value + second_path.value)
        * trace.units["Z1"].z[0] * (1 - trace.units["Z1"].z[0]))


def test_paths_works_for_any_sample_of_a_batch_and_says_so_in_its_repr():
    trace = batch_step()
    player = StepPlayer(trace, "deltas", sample=2, paths=True)
    assert player.lines == delta_paths(trace, 2)
    assert repr(player) == f"StepPlayer(phase='deltas', sample=2, lines={len(player.lines)}, " \
                           "paths=True)"
    assert repr(StepPlayer(trace, "deltas")) == "StepPlayer(phase='deltas', sample=0, lines=3)"


@pytest.mark.parametrize(("changes", "message"), [
    ({"phase": "forward"}, "paths=True plays the deltas phase path by path: give phase 'deltas'"),
    ({"phase": "update"}, "give phase 'deltas', not 'update'"),
    ({"paths": 1}, "paths must be True (each hidden delta path by path) or False; got 1"),
    ({"paths": "yes"}, "paths must be True"),
    ({"paths": None}, "paths must be True"),
    ({"sample": 1}, "sample must be a whole number from 0 to 0"),
])
def test_paths_is_true_or_false_and_only_for_the_deltas(changes, message):
    with pytest.raises(BpkitError, match=re.escape(message)):
        StepPlayer(**{"trace": mazur_step(), "phase": "deltas", "paths": True, **changes})
