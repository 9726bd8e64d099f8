"""A notebook opened as committed, before Run All: every widget shows its static picture.

Where no kernel has run, a live widget cannot show; the committed outputs carry a picture of
each explorer, player and question instead (``bpkit.widgets.view``), and the first cell says how
to bring them to life. Nothing reads "Error displaying widget" or a raw ``VBox(...)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOTEBOOKS, SCREENSHOTS, Server, committed_copies, start_lab
from playwright.sync_api import Page, expect

RAW_WIDGET_TEXT = ["VBox(", "HBox(", "Explorer(phase", "StepPlayer(phase", "QuestionWidget(",
                   "interactive(children", "Error displaying widget", "model not found"]


@pytest.fixture(scope="module")
def lab_as_committed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """JupyterLab serving the notebooks exactly as committed, and the folder it serves."""
    home = tmp_path_factory.mktemp("lab-committed")
    server = start_lab(home, committed_copies)
    try:
        yield server, home / "notebooks"
    finally:
        server.stop()


def static_pictures(path) -> int:
    """How many outputs of the notebook carry a widget's static picture."""
    notebook = json.loads(path.read_text())
    return sum("bpkit-static" in "".join(out.get("data", {}).get("text/html", ""))
               for cell in notebook["cells"] for out in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_first_open_shows_pictures_not_broken_widgets(lab_as_committed, page: Page, path):
    lab, served = lab_as_committed
    page.goto(f"{lab.url}/lab/workspaces/first-{path.stem}/tree/{path.name}"
              f"?reset&token={lab.token}")
    notebook = page.locator(".jp-NotebookPanel:visible")
    expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=90_000)
    expect(notebook).to_contain_text("Run All Cells")
    pictures = notebook.locator(".bpkit-static")
    expect(pictures).to_have_count(static_pictures(served / path.name), timeout=30_000)
    for index in range(pictures.count()):
        images = pictures.nth(index).locator("img")
        for image in range(images.count()):  # a picture's image really decodes and shows
            assert images.nth(image).evaluate("img => img.complete && img.naturalWidth > 0")
    text = notebook.evaluate("node => [...node.querySelectorAll('.jp-OutputArea-output')]"
                             ".map(output => output.textContent).join('\\n')")
    for raw in RAW_WIDGET_TEXT:
        assert raw not in text, (path.name, raw)
    if pictures.count():
        pictures.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"first-open-{path.stem}.png"))
