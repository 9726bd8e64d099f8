"""13_playground in JupyterLab: Play trains live, Pause shows Network.step's numbers, and the
data set and activation switch while it plays."""

from __future__ import annotations

import json
import re
import time
from urllib.request import urlopen

from conftest import NOTEBOOKS, ROOT, SCREENSHOTS, Server, start_lab
from playwright.sync_api import Locator, Page, expect
from test_lab import open_and_run

from bpkit import PlaygroundSettings, TrainingRun, computations
from bpkit.core.fmt import number
from bpkit.core.naming import PHASES

PATH = next(p for p in NOTEBOOKS if p.stem == "13_playground")
COUNT_FRAMES = """img => {
  const frames = window.__frames = {count: 0, times: []};
  img.addEventListener('load', () => requestAnimationFrame(() => {
    frames.count++;
    frames.times.push(performance.now());
  }));
}"""
"""Counts the frames the page paints: each new picture, once loaded, at its next animation frame."""
FRAMES = "() => window.__frames.count"
LOG_ENTRY = re.compile(r"step (\d+): ([^·]+)")


def run_notebook(page: Page, lab: Server, path=PATH) -> Locator:
    """Open ``path``, run every cell, and return its playground."""
    notebook = open_and_run(page, lab, path)
    playground = notebook.locator(".bpkit-playground")
    expect(playground).to_have_count(1)
    playground.scroll_into_view_if_needed()
    return playground


def button(playground: Locator, name: str) -> Locator:
    return playground.locator("button", has_text=re.compile(rf"^\s*{name}\s*$"))


def steps_shown(playground: Locator) -> int:
    text = playground.locator(".bpkit-playground-epoch").inner_text()
    return int(re.search(r"step (\d+)", text)[1])


def pause(page: Page, playground: Locator) -> int:
    """Press Pause; wait until training has stopped and the next step is shown."""
    expect(playground.locator(".bpkit-playground-paused")).to_be_hidden()  # playing
    button(playground, "Pause").click()
    expect(playground.locator(".bpkit-playground-paused")).to_be_visible(timeout=30_000)
    shown = steps_shown(playground)
    page.wait_for_timeout(500)
    assert steps_shown(playground) == shown  # no more steps after the pause
    return shown


def replay(steps_done: int, log: str) -> TrainingRun:
    """The notebook's run rebuilt here: its start, the logged changes, as many steps."""
    run = TrainingRun(PlaygroundSettings())
    for at, said in LOG_ENTRY.findall(log):
        run.advance(int(at) - run.steps) if int(at) > run.steps else None
        changes = {}
        for item in said.strip().split(", "):
            name, value = item.split(" ", 1)
            changes[name] = type(getattr(run.settings, name))(value)
        run.change(**changes)
    if steps_done > run.steps:
        run.advance(steps_done - run.steps)
    assert run.steps == steps_done
    return run


def check_shown_step(playground: Locator, run: TrainingRun) -> None:
    """The picked unit's numbers on the page equal Network.step on the run's paused weights."""
    expected = run.net.copy().step(*run.next_batch(), run.settings.lr)
    picked = playground.locator(".bpkit-playground-paused select").first.input_value()
    values = [number(c.value) for phase in PHASES for c in computations(expected, phase)
              if c.name == picked]
    shown = playground.locator(".bpkit-playground-readout b").all_inner_texts()[1:]
    assert values and shown == values


def test_play_pause_and_the_shown_step_is_network_step(lab: Server, page: Page):
    playground = run_notebook(page, lab)
    page.evaluate(COUNT_FRAMES, playground.locator("img.bpkit-playground-live")
                  .element_handle())
    button(playground, "Play").click()
    page.wait_for_timeout(3000)
    assert page.evaluate(FRAMES) >= 10  # the picture moves while it plays
    first = pause(page, playground)
    assert first > 0
    check_shown_step(playground, replay(first, ""))

    button(playground, "Play").click()
    page.wait_for_timeout(1000)
    playground.locator(".widget-dropdown", has_text="data").locator("select").select_option(
        "circles")
    page.wait_for_timeout(1000)
    playground.locator(".widget-dropdown", has_text="activation").locator(
        "select").select_option("relu")
    frames = page.evaluate(FRAMES)
    page.wait_for_timeout(1500)
    assert page.evaluate(FRAMES) > frames + 5  # still playing after both switches
    second = pause(page, playground)
    log = playground.locator(".bpkit-playground-message").inner_text()
    assert "dataset circles" in log and "activation relu" in log
    check_shown_step(playground, replay(second, log))
    playground.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SCREENSHOTS / "lab-13_playground.png"))
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def kernels(server: Server) -> int:
    """How many kernels the server runs now (its REST API)."""
    with urlopen(f"{server.url}/api/kernels?token={server.token}", timeout=30) as answer:
        return len(json.loads(answer.read()))


def test_closing_the_notebook_shuts_its_kernel_down_and_stops_play(page: Page, tmp_path):
    """With `make lab`'s settings, closing a playing notebook ends its kernel, and Play with it."""
    server = start_lab(tmp_path, config=ROOT / "share" / "jupyter-config")
    try:
        playground = run_notebook(page, server)
        button(playground, "Play").click()
        page.wait_for_timeout(1000)
        assert kernels(server) == 1
        page.evaluate("window.jupyterapp.commands.execute('application:close')")
        discard = page.get_by_role("button", name="Discard")
        discard.wait_for(timeout=10_000)  # the outputs are new: JupyterLab asks first
        discard.click()
        deadline = time.monotonic() + 20
        while kernels(server) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernels(server) == 0
    finally:
        server.stop()
