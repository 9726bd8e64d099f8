"""Drive a bpkit explorer in a page and compute what it should show, with bpkit itself."""

from __future__ import annotations

import html
import re

from playwright.sync_api import Locator, Page, expect

from bpkit import CONVENTIONS, XOR_X, XOR_Y, Network
from bpkit.core.fmt import number
from bpkit.widgets.explorer import Explorer, sample_label

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers_in(text: str) -> list[str]:
    """Every number in a text, in order (the readout is compared number by number)."""
    return NUMBER.findall(text.replace("−", "-"))


def expected_readout(phase: str, weights: dict[str, float], lr: float, sample: int,
                     loss: str) -> str:
    """The readout text an explorer shows for these settings, computed in this process."""
    reference = Explorer(phase)
    reference.update(weights=weights, lr=lr, sample=sample, loss=loss)
    return html.unescape(re.sub(r"<[^>]+>", " ", reference.readout.value))


def key_number(phase: str, weights: dict[str, float], lr: float, sample: int, loss: str) -> str:
    """The headline number of a phase, straight from Network.step: h, delta(D0) or loss after."""
    net = Network([2, 3, 1], loss=loss)
    for link, value in weights.items():
        net.set_weight(link, value)
    trace = net.step(XOR_X[sample], XOR_Y[sample], lr)
    value = {"forward": trace.outputs[0, 0], "deltas": trace.units["D0"].delta[0],
             "update": trace.loss_after}[phase]
    return number(float(value))


def slider(explorer: Locator, label: str) -> Locator:
    """The slider widget whose description is ``label``, e.g. 'X0->Z1' or 'α (lr)'."""
    return explorer.locator(".widget-slider").filter(
        has=explorer.page.locator(".widget-label", has_text=re.compile(f"^{re.escape(label)}$")))


def press_right(control: Locator, times: int) -> float:
    """Move a slider's handle with the keyboard; returns the value its readout then shows."""
    handle = control.locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press("ArrowRight")
    readout = control.locator(".widget-readout")
    expect(readout).not_to_have_text("1.00")
    return float(readout.inner_text())


def type_value(control: Locator, value: str) -> None:
    """Type a value into a slider's editable readout, as a learner can."""
    readout = control.locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type(value)
    readout.press("Enter")


def check_readout(page: Page, explorer: Locator, phase: str, weights: dict[str, float],
                  lr: float, sample: int) -> None:
    """The readout shows exactly the numbers bpkit computes for these settings."""
    toggle = explorer.locator(".widget-toggle-buttons button.mod-active")
    if toggle.count():
        active = toggle.inner_text().strip()
        loss = {label: name for name, label in CONVENTIONS.items()}[active]
    else:  # the forward view has no loss toggle: it opens on the correct loss
        loss = "squared"
    readout = explorer.locator(".bpkit-readout")
    expect(readout).to_contain_text(key_number(phase, weights, lr, sample, loss), timeout=20_000)
    expected = numbers_in(expected_readout(phase, weights, lr, sample, loss))
    page.wait_for_function(
        "([el, n]) => el.innerText.includes(n)", arg=[readout.element_handle(), expected[-1]])
    assert numbers_in(readout.inner_text()) == expected


def exercise_explorer(page: Page, explorer: Locator) -> None:
    """Move a weight, the learning rate (where shown) and the sample; check the numbers each time.

    Only the update view has the learning-rate slider: alpha changes nothing the forward pass or
    the deltas show.
    """
    phase = next(p for p in ("forward", "deltas", "update")
                 if f"bpkit-phase-{p}" in (explorer.get_attribute("class") or ""))
    expect(explorer.locator(".widget-slider")).to_have_count(14 if phase == "update" else 13)
    weights: dict[str, float] = {}
    check_readout(page, explorer, phase, weights, 0.1, 0)
    weights["w(X0->Z1)"] = press_right(slider(explorer, "X0->Z1"), 3)
    check_readout(page, explorer, phase, weights, 0.1, 0)
    lr = 0.1
    if phase == "update":
        type_value(slider(explorer, "α (lr)"), "0.5")
        lr = 0.5
        check_readout(page, explorer, phase, weights, lr, 0)
    explorer.locator(".widget-dropdown select").select_option(label=sample_label(3))
    check_readout(page, explorer, phase, weights, lr, 3)
