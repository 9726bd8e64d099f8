"""Drive a bpkit explorer in a page and compute what it should show, with bpkit itself."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from bpkit import CONVENTIONS, MAZUR_ALPHA, MAZUR_X, MAZUR_Y, mazur_network
from bpkit.core.fmt import number
from bpkit.widgets.explorer import Explorer

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
Start = Callable[[str], Explorer]
"""An explorer as a notebook opens it, for one phase, built in this process."""
STARTS: tuple[Start, ...] = (
    Explorer,  # the article's net on the XOR rows (02, 03, 05, ...)
    lambda phase: Explorer(phase, net=mazur_network(), X=MAZUR_X, Y=MAZUR_Y, lr=MAZUR_ALPHA),
)
"""Every explorer a notebook opens first: the page's is the one whose numbers it shows."""


def numbers_in(text: str) -> list[str]:
    """Every number in a text, in order (the readout is compared number by number)."""
    return NUMBER.findall(text.replace("−", "-"))


def readout_text(explorer: Explorer) -> str:
    """An explorer's readout as the page shows it: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", " ", explorer.readout.value))


def expected_readout(phase: str, weights: dict[str, float], lr: float, sample: int,
                     loss: str, start: Start = Explorer) -> str:
    """The readout text an explorer shows for these settings, computed in this process."""
    reference = start(phase)
    reference.update(weights=weights, lr=lr, sample=sample, loss=loss)
    return readout_text(reference)


def key_number(phase: str, weights: dict[str, float], lr: float, sample: int, loss: str,
               start: Start = Explorer) -> str:
    """The headline number of a phase, straight from Network.step: h, delta(D0) or loss after."""
    first = start(phase).start
    net = (first if loss == first.loss else first.changed(loss=loss)).network()
    for link, value in weights.items():
        net.set_weight(link, value)
    trace = net.step(*first.samples.rows(sample), lr)
    value = {"forward": trace.outputs[0, 0], "deltas": trace.units["D0"].delta[0],
             "update": trace.loss_after}[phase]
    return number(float(value))


def start_shown(page: Page, explorer: Locator, phase: str) -> Start:
    """Which of STARTS the page's explorer is: the one whose first readout it shows."""
    readout = explorer.locator(".bpkit-readout")
    expect(readout).to_contain_text("α =", timeout=20_000)
    shown = numbers_in(readout.inner_text())
    for start in STARTS:
        if numbers_in(readout_text(start(phase))) == shown:
            return start
    raise AssertionError(f"the page's explorer is none of STARTS: it shows {shown}")


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
                  lr: float, sample: int, start: Start = Explorer) -> None:
    """The readout shows exactly the numbers bpkit computes for these settings."""
    toggle = explorer.locator(".widget-toggle-buttons button.mod-active")
    if toggle.count():
        active = toggle.inner_text().strip()
        loss = {label: name for name, label in CONVENTIONS.items()}[active]
    else:  # no loss toggle (the forward view, or a net on its own samples): its first loss
        loss = start(phase).start.loss
    readout = explorer.locator(".bpkit-readout")
    expect(readout).to_contain_text(key_number(phase, weights, lr, sample, loss, start),
                                    timeout=20_000)
    expected = numbers_in(expected_readout(phase, weights, lr, sample, loss, start))
    page.wait_for_function(
        "([el, n]) => el.innerText.includes(n)", arg=[readout.element_handle(), expected[-1]])
    assert numbers_in(readout.inner_text()) == expected


def exercise_explorer(page: Page, explorer: Locator) -> None:
    """Move a weight, the learning rate (where shown) and the sample; check the numbers each time.

    Only the update view has the learning-rate slider: alpha changes nothing the forward pass or
    the deltas show. The sample picker is there only with more than one sample.
    """
    phase = next(p for p in ("forward", "deltas", "update")
                 if f"bpkit-phase-{p}" in (explorer.get_attribute("class") or ""))
    start = start_shown(page, explorer, phase)
    first = start(phase)
    expect(explorer.locator(".widget-slider")).to_have_count(
        len(first.sliders) + (phase == "update"))
    weights: dict[str, float] = {}
    lr = first.start.lr
    check_readout(page, explorer, phase, weights, lr, 0, start)
    weights["w(X0->Z1)"] = press_right(slider(explorer, "X0->Z1"), 3)
    check_readout(page, explorer, phase, weights, lr, 0, start)
    if phase == "update":
        type_value(slider(explorer, "α (lr)"), "0.5" if lr != 0.5 else "0.2")
        lr = 0.5 if lr != 0.5 else 0.2
        check_readout(page, explorer, phase, weights, lr, 0, start)
    samples = first.start.samples
    if len(samples) > 1:
        last = len(samples) - 1
        explorer.locator(".widget-dropdown select").select_option(label=samples.label(last))
        check_readout(page, explorer, phase, weights, lr, last, start)
