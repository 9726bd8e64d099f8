"""The playground widget: Play never blocks the loop, Pause shows Network.step's numbers."""

import asyncio
import html
import re
import time

import numpy as np
import pytest
from threads import outside_any_event_loop

from bpkit import PRESETS, BpkitError, PlaygroundSettings, TrainingRun
from bpkit.core.fmt import number
from bpkit.widgets import Playground
from bpkit.widgets import playground as module

SMALL = PlaygroundSettings(dataset="moons", hidden=(3,), activation="tanh", batch=8, lr=0.3,
                           seed=2)


def text_of(widget):
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def expected_step(playground):
    """Network.step on a copy of the paused weights and the batch the run takes next."""
    twin = playground.run.net.copy()
    return twin.step(*playground.run.next_batch(), playground.run.settings.lr)


def test_it_opens_paused_on_the_next_step_of_a_fresh_run():
    playground = Playground(SMALL)
    assert not playground.playing and playground.run.steps == 0
    assert playground.trace is not None
    expected = expected_step(playground)
    assert playground.trace.loss == expected.loss
    unit = playground.pick.value
    shown = text_of(playground.readout)
    assert number(float(expected.units[unit].delta[0])) in shown
    assert bytes(playground.image.value).startswith(b"\x89PNG")
    assert bytes(playground.diagram.value).startswith(b"\x89PNG")


def test_a_picked_link_shows_network_steps_gradient_and_new_weight():
    playground = Playground(SMALL)
    playground.play(frames=3)
    expected = expected_step(playground)
    found = playground.pick_item("X1->Z2")
    assert [c.kind for c in found] == ["gradient", "update"]
    link = expected.links["w(X1->Z2)"]
    assert found[0].value == link.gradient and found[1].value == link.new
    shown = text_of(playground.readout)
    assert number(link.gradient) in shown and number(link.new) in shown
    assert r"\frac{1}{8}" in playground.formula.value  # the batch mean over its 8 samples


def test_step_takes_exactly_the_step_shown():
    playground = Playground(SMALL)
    shown = playground.trace
    expected = expected_step(playground)
    taken = playground.step()
    assert playground.run.steps == 1
    for weights in (taken.new_weights, playground.run.net.weights):
        assert all(np.array_equal(w, v) for w, v in zip(weights, expected.new_weights))
    assert all(np.array_equal(w, v) for w, v in zip(shown.new_weights, expected.new_weights))


def test_play_frames_trains_between_redraws_and_counts_epochs():
    playground = Playground(SMALL, steps_per_frame=4)
    playground.play(frames=5)
    reference = TrainingRun(SMALL)
    reference.advance(20)
    assert playground.run.steps == 20
    assert all(np.array_equal(w, v) for w, v in zip(playground.run.net.weights,
                                                   reference.net.weights))
    assert f"epoch {reference.epoch}" in text_of(playground.epoch_counter)
    assert "step 20" in text_of(playground.epoch_counter)


def test_playing_in_the_background_never_blocks_the_loop_for_200_ms():
    playground = Playground(PlaygroundSettings(hidden=(8, 8), batch=32, dataset="spiral"))
    gaps = []

    async def scenario():
        playground.play()
        assert playground.playing
        last = time.perf_counter()
        for _ in range(60):
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        playground.pause()
        await asyncio.sleep(0)

    outside_any_event_loop(asyncio.run, scenario())
    assert playground.run.steps > 0 and not playground.playing
    assert max(gaps) < 0.2
    assert playground.trace is not None  # paused: the next step is shown


def test_data_set_and_activation_change_while_playing():
    playground = Playground(SMALL)

    async def scenario():
        playground.play()
        await asyncio.sleep(0.3)
        playground.activation.value = "relu"
        playground.dataset.value = "circles"
        await asyncio.sleep(0.3)
        assert playground.playing
        playground.pause()

    outside_any_event_loop(asyncio.run, scenario())
    assert playground.run.data.name == "circles"
    assert playground.run.net.activations[0] == "relu"
    assert "dataset circles" in text_of(playground.message)
    assert playground.trace.activations[0] == "relu"


def test_closing_the_widget_stops_the_training_task():
    playground = Playground(SMALL)

    async def scenario():
        playground.play()
        await asyncio.sleep(0.2)
        task = playground._task
        playground.widget.close()
        await asyncio.sleep(0.2)
        return task

    task = outside_any_event_loop(asyncio.run, scenario())
    assert task.done() and not playground.playing


def test_play_stops_itself_after_the_longest_play(monkeypatch):
    monkeypatch.setattr(module, "MAX_PLAY_SECONDS", 0)
    playground = Playground(SMALL)

    async def scenario():
        playground.play()
        await asyncio.sleep(0.3)

    outside_any_event_loop(asyncio.run, scenario())
    assert not playground.playing and "press Play to go on" in text_of(playground.message)


def test_play_without_frames_outside_a_kernel_says_what_to_do():
    with pytest.raises(BpkitError, match="frames=n"):
        outside_any_event_loop(Playground(SMALL).play)


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_is_one_call_and_sets_its_controls(name):
    playground = Playground(SMALL)
    playground.use_preset(name)
    settings = PRESETS[name].settings
    assert playground.run.settings == settings and playground.run.steps == 0
    assert (playground.dataset.value, playground.activation.value) == (settings.dataset,
                                                                        settings.activation)
    assert playground.lr.value == settings.lr and playground.init.value == settings.init
    assert PRESETS[name].lesson in text_of(playground.message)


def test_the_diverging_preset_says_where_and_never_crashes():
    playground = Playground()
    playground.use_preset("diverging rate")
    playground.play(frames=10)
    run = playground.run
    assert run.diverged
    assert f"diverged at epoch {run.diverged_at}" in text_of(playground.message)
    assert playground.trace is None and "diverged" in text_of(playground.readout)
    assert playground.step() is None
    playground.play(frames=2)  # still no crash
    playground.reset()
    assert not playground.run.diverged and playground.trace is not None


def test_the_equal_start_preset_shows_identical_hidden_deltas():
    playground = Playground()
    playground.use_preset("equal start stays symmetric")
    playground.play(frames=5)
    deltas = [playground.trace.units[u].delta for u in ("Z1", "Z2", "Z3")]
    assert np.array_equal(deltas[0], deltas[1]) and np.array_equal(deltas[0], deltas[2])


def test_a_refused_setting_is_named_and_changes_nothing():
    playground = Playground(SMALL)
    before = playground.run.settings
    with pytest.raises(BpkitError, match="learning rate"):
        playground.update(lr=-1)
    assert playground.run.settings == before and playground.lr.value == before.lr
    assert "Not applied" in text_of(playground.message)


def test_a_new_layout_from_the_sliders_starts_again_with_a_new_picture():
    playground = Playground(SMALL)
    playground.play(frames=2)
    playground.layers.value = 2
    assert playground.run.net.sizes == (2, 3, 3, 1) and playground.run.steps == 0
    assert playground.picture.hidden == (3, 3)


def test_static_html_shows_the_picture_and_the_counter():
    page = Playground(SMALL).static_html()
    assert "data:image/png;base64," in page and "epoch 0" in page
