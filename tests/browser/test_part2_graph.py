"""10_graph in JupyterLab: the sweep player's Next button and slider show bpkit's sweep."""

from __future__ import annotations

from conftest import NOTEBOOKS, SCREENSHOTS, Server
from playwright.sync_api import Locator, Page, expect
from test_lab import open_and_run

from bpkit import XOR_X, Network, Value
from bpkit.widgets import SweepPlayer

PATH = next(p for p in NOTEBOOKS if p.stem == "10_graph")


def reference_player() -> SweepPlayer:
    """The notebook's unit Z1 (tanh net, seed 2, sample (1, 0)), built again in this process."""
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=2)
    x1, x2 = XOR_X[2]
    inputs = [Value(1.0, "X0"), Value(x1, "X1"), Value(x2, "X2")]
    weights = [Value(net.weight(f"X{i}->Z1"), f"w(X{i}->Z1)") for i in range(3)]
    a = weights[0] * inputs[0] + weights[1] * inputs[1] + weights[2] * inputs[2]
    z = a.tanh()
    a.label, z.label = "a(Z1)", "z(Z1)"
    return SweepPlayer(z)


def shows(player: Locator, reference: SweepPlayer, index: int) -> None:
    reference.go(index)
    expect(player.locator(".widget-html").first).to_have_text(reference.text, timeout=30_000)


def test_the_sweep_player_steps_through_bpkits_gradients(lab: Server, page: Page):
    notebook = open_and_run(page, lab, PATH)
    player = notebook.locator(".bpkit-sweep-player")
    expect(player).to_have_count(1)
    player.scroll_into_view_if_needed()
    reference = reference_player()
    shows(player, reference, 0)
    next_button = player.locator("button", has_text="Next")
    for index in (1, 2, 3):
        next_button.click()
        shows(player, reference, index)
    handle = player.locator(".widget-slider .noUi-handle")
    handle.focus()
    for _ in range(4):
        handle.press("ArrowRight")
    shows(player, reference, 7)
    image = player.locator("img")
    expect(image).to_have_count(1)
    assert image.evaluate("img => img.naturalWidth > 0")
    page.screenshot(path=str(SCREENSHOTS / "lab-10_graph-sweep.png"))
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
