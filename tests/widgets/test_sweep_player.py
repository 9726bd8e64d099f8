"""SweepPlayer driven from Python: positions clamp, the text and picture follow each node."""

import pytest

from bpkit import BpkitError
from bpkit.core.autograd import Value
from bpkit.core.lessons.sweep import reverse_sweep
from bpkit.draw.graph import graph_layout
from bpkit.widgets.graph import SweepPlayer


def unit():
    w0, w1 = Value(0.5, "w0"), Value(-1.0, "w1")
    a = w0 * Value(1.0, "X0") + w1 * Value(2.0, "X1")
    a.label = "a"
    z = a.tanh()
    z.label = "z"
    return z


def test_the_player_steps_through_the_layouts_sweep_with_the_core_texts():
    z = unit()
    player = SweepPlayer(z)
    texts = {step.node: step.text for step in reverse_sweep(z)}
    order = graph_layout(z, fold=False).sweep
    assert player.index == 0 and player.text.startswith("the forward pass")
    assert player.previous_button.disabled and not player.next_button.disabled
    for k, node in enumerate(order, start=1):
        assert player.next() == f"node {k} of {len(order)}: {texts[node]}"
    assert player.next_button.disabled and player.index == len(order)
    assert player.next() == player.text and player.index == len(order)  # stays at the end
    assert repr(player) == f"SweepPlayer(nodes={len(order)}, done={len(order)})"


def test_the_picture_changes_with_the_position_and_go_clamps():
    player = SweepPlayer(unit())
    first = player.image.value
    player.go(3)
    assert player.image.value != first and player.slider.value == 3
    player.go(-5)
    assert player.index == 0 and player.image.value == first
    player.go(10**400)
    assert player.index == len(player.steps)


def test_the_still_picture_lists_every_step():
    player = SweepPlayer(unit())
    page = player.static_html()
    assert page.startswith("<img") and page.count("<li>") == len(player.steps)
    assert "z: the output, so its gradient is 1" in page


@pytest.mark.parametrize("index", [1.5, None, "2", True])
def test_a_bad_position_is_refused_and_changes_nothing(index):
    player = SweepPlayer(unit())
    player.go(2)
    with pytest.raises(BpkitError, match="index must be a whole number"):
        player.go(index)
    assert player.index == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"root": 2.0}, "root must be a Value"), ({"fold": 1}, "fold must be True or False"),
    ({"large": "yes"}, "large must be"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(BpkitError, match=message):
        SweepPlayer(**{"root": unit(), **kwargs})
