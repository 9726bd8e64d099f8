"""Every notebook in JupyterLab in a real browser: runs clean, widgets render and respond."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOTEBOOKS, SCREENSHOTS, Server, code_sources, explorer_cells
from playwright.sync_api import Locator, Page, expect
from widgets_in_page import Explorer, check_readout, exercise_explorer, slider

from bpkit import ALPHA

READY = """name => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== name) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""
ALL_DONE = """n => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  let done = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && cell.executionCount) done++;
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return done >= n && kernel && kernel.status === 'idle';
}"""
BAD_OUTPUTS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const bad = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error' || (out.output_type === 'stream' && out.name === 'stderr'))
        bad.push(JSON.stringify(out).slice(0, 400));
    }
  }
  return bad;
}"""


def open_and_run(page: Page, lab: Server, path: Path) -> Locator:
    """Open ``path`` in a fresh workspace, run all its cells, check they ran clean; its panel.

    A workspace of its own, reset: no tab or kernel of an earlier notebook comes back.
    """
    page.goto(f"{lab.url}/lab/workspaces/{path.stem}/tree/{path.name}?reset&token={lab.token}")
    status = page.locator("#jp-main-statusbar")
    expect(status).to_contain_text("Idle", timeout=90_000)
    expect(status).not_to_contain_text("No Kernel")
    page.wait_for_function(READY, arg=path.name, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('application:toggle-left-area')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_DONE, arg=len(code_sources(path)), timeout=300_000)
    assert page.evaluate(BAD_OUTPUTS) == []
    notebook = page.locator(".jp-NotebookPanel:visible")
    expect(notebook).not_to_contain_text("Error displaying widget")
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_its_widgets_respond_in_jupyterlab(lab: Server, page: Page, path):
    sources = code_sources(path)
    notebook = open_and_run(page, lab, path)
    explorers = notebook.locator(".bpkit-explorer")
    players = notebook.locator(".bpkit-player")
    expect(explorers).to_have_count(explorer_cells(path))
    expect(players).to_have_count(sum("StepPlayer(" in s for s in sources))
    if explorers.count():
        explorer = explorers.first
        explorer.scroll_into_view_if_needed()
        exercise_explorer(page, explorer)
        explorer.scroll_into_view_if_needed()
    elif players.count():
        players.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"lab-{path.stem}.png"))
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def run_all(context: object, lab: Server, stem: str, file_browser: bool) -> Page:
    """A new page with notebook ``stem`` open and run, the file browser open or closed."""
    path = next(p for p in NOTEBOOKS if p.stem == stem)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{lab.url}/lab/workspaces/{stem}/tree/{path.name}?reset&token={lab.token}")
    page.wait_for_function(READY, arg=path.name, timeout=90_000)
    expect(page.locator("#filebrowser")).to_be_visible()  # JupyterLab opens with it
    if not file_browser:
        page.evaluate("window.jupyterapp.commands.execute('application:toggle-left-area')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_DONE, arg=len(code_sources(path)), timeout=180_000)
    return page


def test_at_laptop_size_a_slider_and_the_numbers_it_changes_are_on_screen_together(
        lab: Server, browser):
    """1366x768 with the file browser open: the update explorer's sliders beside its readout."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = run_all(context, lab, "05_weight_updates", file_browser=True)
        explorer = page.locator(".jp-NotebookPanel:visible .bpkit-explorer").first
        explorer.evaluate("node => node.scrollIntoView({block: 'start'})")
        first_slider = slider(explorer, "X0->Z1").bounding_box()
        table = explorer.locator(".bpkit-readout table").bounding_box()
        assert first_slider["y"] >= 0 and first_slider["y"] + first_slider["height"] <= 768
        assert table["x"] > first_slider["x"] + first_slider["width"]  # beside, not below
        assert table["y"] >= 0 and table["y"] + 120 <= 768  # its first rows on screen too
        page.screenshot(path=str(SCREENSHOTS / "laptop-05_weight_updates.png"))
    finally:
        context.close()


def test_on_a_wide_high_dpi_screen_the_diagram_is_vector_and_never_stretched_raster(
        lab: Server, browser):
    """At 1920 px and two device pixels per CSS pixel, every diagram is an SVG: sharp at any size.

    A PNG drawn for one pixel ratio looks soft when a wide notebook or a high-DPI projector
    scales it; an SVG with real text is drawn afresh at the size and pixel ratio it is shown.
    """
    context = browser.new_context(viewport={"width": 1920, "height": 1080},
                                  device_scale_factor=2)
    try:
        page = run_all(context, lab, "02_forward_pass", file_browser=False)
        pictures = page.locator(".jp-NotebookPanel:visible .bpkit-explorer img, "
                                ".jp-NotebookPanel:visible .bpkit-player img")
        expect(pictures.first).to_be_visible()
        assert pictures.count() >= 2
        for index in range(pictures.count()):
            kind, shown, room = pictures.nth(index).evaluate(
                "async img => [(await (await fetch(img.src)).blob()).type, img.clientWidth,"
                " img.closest('.jp-OutputArea-output').clientWidth]")
            assert kind == "image/svg+xml"
            assert 0 < shown <= room  # shrinks to fit a narrow window, never overflows
        pictures.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "wide-hidpi-02_forward_pass.png"))
    finally:
        context.close()


def test_dragging_a_slider_updates_the_numbers_before_the_mouse_is_released(lab: Server, browser):
    """Live update: the readout follows a weight while it is dragged, then settles on its value."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = run_all(context, lab, "02_forward_pass", file_browser=False)
        explorer = page.locator(".jp-NotebookPanel:visible .bpkit-explorer").first
        explorer.scroll_into_view_if_needed()
        expect(explorer.locator(".bpkit-readout")).to_contain_text("α =", timeout=20_000)
        control = slider(explorer, "X0->Z1")
        control.scroll_into_view_if_needed()
        box = control.locator(".noUi-handle").bounding_box()
        track = control.locator(".noUi-target").bounding_box()["width"]  # from -3 to 3
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        seen = []
        for end in (x + track / 12, x + track / 6):  # about +0.5, then +1
            page.mouse.move(end, y, steps=8)
            value = float(control.locator(".widget-readout").inner_text())
            assert value not in seen and value > 1.0
            seen.append(value)  # the mouse is still down: the numbers must follow already
            check_readout(page, explorer, "forward", {"w(X0->Z1)": value}, ALPHA, 0, Explorer)
        page.mouse.up()
        assert float(control.locator(".widget-readout").inner_text()) == seen[-1]
    finally:
        context.close()
