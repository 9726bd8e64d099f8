"""Measure 2: slider moved -> new numbers on screen, in JupyterLab in headless Chromium.

It reuses the browser tests' harness (tests/browser: the server start, the stripped notebook
copies, the lab settings, the Chromium flags and the slider locator). The page times each
move itself: from the key press on a slider handle to the first animation frame after the
explorer's readout changed, so the figure includes the kernel's work, both websocket trips
and the page's update, but not Playwright's own messaging.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import ROOT, Row, median, ms, p95, skipped

BROWSER_TESTS = ROOT / "tests" / "browser"
NOTEBOOKS = {"forward": "02_forward_pass.ipynb", "deltas": "03_deltas.ipynb",
             "update": "05_weight_updates.ipynb"}
"""For each explorer view, a notebook that shows it first."""
TARGET_MEDIAN_MS, TARGET_P95_MS = 50.0, 100.0
"""Issue 12: slider -> readout painted, median and 95th percentile, for each explorer."""
LINKS = ["X0->Z1", "X0->Z2", "X0->Z3", "Z0->D0", "Z1->D0", "Z2->D0", "Z3->D0"]
"""The links whose weight changes what every view shows for the sample (0, 0): a weight from X1
or X2 meets an input of 0 there, so the forward and deltas views would not change."""

WATCH = """explorer => {
  const bench = window.__bench = {pressed: null, shown: null, picture: null};
  const after = key => requestAnimationFrame(() => { bench[key] = performance.now(); });
  document.addEventListener('keydown', () => {
    if (bench.pressed === null) bench.pressed = performance.now();
  }, true);
  new MutationObserver(() => {
    if (bench.pressed !== null && bench.shown === null) { bench.shown = -1; after('shown'); }
  }).observe(explorer.querySelector('.bpkit-readout'),
             {childList: true, subtree: true, characterData: true});
  explorer.addEventListener('load', event => {  // the new diagram decoded (load: capture only)
    if (bench.pressed !== null && bench.picture === null && event.target.tagName === 'IMG') {
      bench.picture = -1; after('picture');
    }
  }, true);
}"""
ARM = "() => Object.assign(window.__bench, {pressed: null, shown: null, picture: null})"
SHOWN = "() => window.__bench.shown > 0 && window.__bench.picture > 0"
READOUT_SHOWN = "() => window.__bench.shown > 0"
FLOOR_CELL = """import ipywidgets as widgets
slider = widgets.FloatSlider(description="X0->Z1", continuous_update=False)
readout = widgets.HTML("<p>0.00</p>")
readout.add_class("bpkit-readout")
slider.observe(lambda change: setattr(readout, "value", f"<p>{change.new:.2f}</p>"), "value")
box = widgets.VBox([slider, readout])
box.add_class("bpkit-explorer")
box"""
"""The floor: a bare ipywidgets slider whose callback writes one number, on the same page."""
LATENCY = "() => [window.__bench.shown - window.__bench.pressed,"\
          " window.__bench.picture - window.__bench.pressed]"


def _harness() -> tuple[object, ...] | str:
    """The browser tests' helpers, or why they cannot be used here."""
    sys.path.insert(0, str(BROWSER_TESTS))
    try:
        import conftest
        import find_browser
        import test_lab
        import widgets_in_page
    except ImportError as error:
        return f"{error.name} is not installed (`make bench` installs the bench extra)"
    browser = find_browser.find()
    if browser is None:
        return f"no Chromium ({find_browser.FIX}; or `make browser`)"
    return conftest, test_lab, widgets_in_page, browser


@contextmanager
def lab_page(harness: tuple[object, ...], copies: Callable[[Path], None] | None = None,
             prefix: str = "bpkit-bench-") -> Iterator[tuple[object, object, Path]]:
    """JupyterLab (the browser tests' server) and a Chromium page on it; both end afterwards.

    Yields (server, page, the folder of notebooks it serves). ``copies`` writes the notebooks
    (default: the suite's, without outputs).
    """
    conftest, _, _, browser_path = harness
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix=prefix))
    server = conftest.start_lab(home, **({} if copies is None else {"copies": copies}))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=browser_path,
                                         args=conftest.CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(60_000)
                yield server, page, home / "notebooks"
            finally:
                browser.close()
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def round_trips(count: int = 24,
                warmup: int = 3) -> dict[str, list[tuple[float, float]]] | str:
    """Seconds from key press to the new readout, and to the new diagram, on screen, per move."""
    harness = _harness()
    if isinstance(harness, str):
        return harness
    conftest, test_lab, widgets_in_page, _ = harness

    def with_floor(target: Path) -> None:
        import nbformat

        conftest.stripped_copies(target)
        kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}}
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CELL)],
                                                metadata=kernel), target / "floor.ipynb")

    with lab_page(harness, with_floor) as (server, page, folder):
        times = {phase: _measure(page, server, folder / notebook, test_lab, widgets_in_page,
                                 count, warmup)
                 for phase, notebook in NOTEBOOKS.items()}
        times["floor"] = _measure(page, server, folder / "floor.ipynb", test_lab,
                                  widgets_in_page, count, warmup, LINKS[:1], picture=False)
        return times


def _measure(page: object, server: object, path: Path, test_lab: object,
             widgets_in_page: object, count: int, warmup: int, links: list[str] = LINKS,
             picture: bool = True) -> list[tuple[float, float]]:
    """Open the notebook, run it, then move its explorer's sliders one step at a time.

    ``picture``: wait for a new diagram too (the floor's page has none).
    """
    notebook = path.name
    page.goto(f"{server.url}/lab/workspaces/bench-{notebook[:2]}/tree/{notebook}?reset"
              f"&token={server.token}")
    page.wait_for_function(test_lab.READY, arg=notebook, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(test_lab.ALL_DONE, arg=len(test_lab.code_sources(path)),
                           timeout=180_000)
    explorer = page.locator(".jp-NotebookPanel:visible .bpkit-explorer").first
    explorer.scroll_into_view_if_needed()
    explorer.locator(".bpkit-readout").wait_for()
    page.evaluate(WATCH, explorer.element_handle())
    times = []
    for i in range(warmup + count):
        handle = widgets_in_page.slider(explorer, links[i % len(links)]).locator(".noUi-handle")
        handle.focus()
        page.evaluate(ARM)
        handle.press("ArrowRight")  # every move is new: the weights only ever go up
        page.wait_for_function(SHOWN if picture else READOUT_SHOWN, timeout=20_000)
        if i >= warmup:
            to_readout, to_picture = page.evaluate(LATENCY)
            times.append((to_readout / 1e3, to_picture / 1e3))
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    return times


def rows() -> list[Row]:
    """Median and 95th percentile per explorer: the readout (the target) and the diagram."""
    measure = "browser round trip, {} explorer: slider key press -> readout painted (median; p95)"
    picture = "  the same move -> new diagram painted (median; p95)"
    times = round_trips()
    if isinstance(times, str):
        return [skipped(measure.format(phase), times) for phase in NOTEBOOKS]
    target = f"median < {TARGET_MEDIAN_MS:g} ms; p95 < {TARGET_P95_MS:g} ms"
    floor = [move[0] for move in times.pop("floor")]
    table = []
    for phase, moves in times.items():
        readouts, pictures = [move[0] for move in moves], [move[1] for move in moves]
        table.append(Row(measure.format(phase), f"{ms(median(readouts))}; {ms(p95(readouts))}",
                         target, median(readouts) * 1e3 < TARGET_MEDIAN_MS
                         and p95(readouts) * 1e3 < TARGET_P95_MS))
        table.append(Row(picture, f"{ms(median(pictures))}; {ms(p95(pictures))}"))
    table.append(Row("browser round trip, the floor: a bare ipywidgets slider whose callback "
                     "writes one number (median; p95)", f"{ms(median(floor))}; {ms(p95(floor))}"))
    return table
