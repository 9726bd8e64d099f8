"""12_depth in JupyterLab: the init-scale slider shows the mean |delta| bpkit computes."""

from __future__ import annotations

import html
import re

from conftest import NOTEBOOKS, SCREENSHOTS, Server
from playwright.sync_api import Locator, Page, expect
from test_lab import open_and_run
from widgets_in_page import numbers_in

from bpkit.core.fmt import number
from bpkit.widgets import DepthExplorer

PATH = next(p for p in NOTEBOOKS if p.stem == "12_depth")


def expected_numbers(scale: float, depth: int) -> list[str]:
    """The numbers the readout shows at this scale and depth, computed in this process."""
    reference = DepthExplorer()
    reference.update(scale=scale, depth=depth)
    return numbers_in(html.unescape(re.sub(r"<[^>]+>", " ", reference.readout.value)))


def check_readout(page: Page, explorer: Locator, scale: float, depth: int) -> None:
    readout = explorer.locator(".bpkit-depth-readout")
    expect(readout).to_contain_text(f"[−{number(scale)}, {number(scale)}]", timeout=30_000)
    expected = expected_numbers(scale, depth)
    page.wait_for_function("([el, n]) => el.innerText.includes(n)",
                           arg=[readout.element_handle(), expected[-1]])
    assert numbers_in(readout.inner_text()) == expected


def test_the_init_scale_slider_shows_bpkits_deltas(lab: Server, page: Page):
    notebook = open_and_run(page, lab, PATH)
    explorer = notebook.locator(".bpkit-depth")
    expect(explorer).to_have_count(1)
    explorer.scroll_into_view_if_needed()
    check_readout(page, explorer, 1.0, 10)
    scale = explorer.locator(".widget-slider").first
    handle = scale.locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")  # the next scale offered: 1.5
    expect(scale.locator(".widget-readout")).to_have_text("1.5")
    check_readout(page, explorer, 1.5, 10)
    for _ in range(3):
        handle.press("ArrowLeft")  # 1, 0.75, 0.5
    expect(scale.locator(".widget-readout")).to_have_text("0.5")
    check_readout(page, explorer, 0.5, 10)
    explorer.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "lab-12_depth-slider.png"))
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
