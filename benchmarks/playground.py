"""Issue 13: the playground's speed, in the kernel and painted in JupyterLab in Chromium.

The setting of the issue: a 2-8-8-1 tanh net, batches of 32, 200 points (100 trained on, 100
tested), 10 steps per frame; a frame is the boundary on a 50 x 50 grid, the 16 hidden-unit maps
and the loss curves (``PlaygroundPicture``). The kernel's own figures come first (steps per
second without drawing, and the cost of one frame), then the page's: frames painted per second
while playing, counted the way the round-trip benchmark times its readout (each new picture
counts once loaded, at its next animation frame), steps per second while playing, and how long
after a Pause click the last frame arrives.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from browser_roundtrip import _harness, lab_page
from common import Row, median, ms, skipped

from bpkit import PlaygroundSettings, TrainingRun
from bpkit.draw import PlaygroundPicture
from bpkit.widgets.playground import STEPS_PER_FRAME

SETTINGS = PlaygroundSettings(dataset="xor cloud", hidden=(8, 8), activation="tanh", batch=32,
                              test_share=0.5)
TARGET_FPS, TARGET_STEPS, TARGET_PAUSE_MS = 20.0, 200.0, 200.0
NOTEBOOK = "bench_playground.ipynb"
CODE = ("from bpkit import PlaygroundSettings\nfrom bpkit.widgets import Playground\n"
        "playground = Playground(PlaygroundSettings(dataset='xor cloud', hidden=(8, 8), "
        "activation='tanh', batch=32, test_share=0.5))\nplayground")
PLAY_SECONDS, WARMUP_SECONDS, PAUSES = 5.0, 2.0, 3
PAUSE = """() => {
  const button = [...document.querySelectorAll('.bpkit-playground button')]
    .find(b => b.textContent.trim() === 'Pause');
  window.__pausedAt = performance.now();
  button.click();
}"""
LAST_FRAME_AFTER_PAUSE = """() => {
  const after = window.__frames.times.filter(t => t > window.__pausedAt);
  return after.length ? after[after.length - 1] - window.__pausedAt : 0;
}"""


def kernel_figures(steps: int = 2000, frames: int = 60) -> tuple[float, list[float]]:
    """Training steps per second without drawing, and the seconds of each whole frame."""
    run = TrainingRun(SETTINGS)
    started = time.perf_counter()
    run.advance(steps)
    per_second = steps / (time.perf_counter() - started)
    picture = PlaygroundPicture(SETTINGS.hidden)
    picture.png(run)
    times = []
    for _ in range(frames):
        begun = time.perf_counter()
        run.advance(STEPS_PER_FRAME)
        run.observe()
        picture.png(run)
        times.append(time.perf_counter() - begun)
    return per_second, times


def _bench_notebook(target: Path) -> None:
    """The one notebook the bench serves: a playground in the issue's setting."""
    target.mkdir(parents=True, exist_ok=True)
    cells = [{"cell_type": "code", "metadata": {}, "source": CODE, "outputs": [],
              "execution_count": None}]
    (target / NOTEBOOK).write_text(json.dumps({
        "cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                    "display_name": "Python 3"}},
        "nbformat": 4, "nbformat_minor": 5}))


def page_figures() -> dict[str, object] | str:
    """Frames painted per second, steps per second while playing, and the pause latencies."""
    harness = _harness()
    if isinstance(harness, str):
        return harness
    _, test_lab, _, _ = harness
    import test_part2_playground as test_playground

    with lab_page(harness, _bench_notebook, "bpkit-bench-playground-") as (server, page, _):
        return _measure(page, server, test_lab, test_playground)


def _measure(page: object, server: object, test_lab: object,
             test_playground: object) -> dict[str, object]:
    page.goto(f"{server.url}/lab/workspaces/bench-13/tree/{NOTEBOOK}?reset&token={server.token}")
    page.wait_for_function(test_lab.READY, arg=NOTEBOOK, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(test_lab.ALL_DONE, arg=1, timeout=180_000)
    playground = page.locator(".jp-NotebookPanel:visible .bpkit-playground")
    playground.scroll_into_view_if_needed()
    image = playground.locator("img.bpkit-playground-live")
    page.evaluate(test_playground.COUNT_FRAMES, image.element_handle())
    play = test_playground.button(playground, "Play")
    play.click()
    page.wait_for_timeout(WARMUP_SECONDS * 1000)
    frames, steps = page.evaluate(test_playground.FRAMES), test_playground.steps_shown(playground)
    started = time.perf_counter()
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    seconds = time.perf_counter() - started
    frames = page.evaluate(test_playground.FRAMES) - frames
    steps = test_playground.steps_shown(playground) - steps
    last_frames, shown = [], []
    paused = playground.locator(".bpkit-playground-paused")
    for _ in range(PAUSES):
        page.evaluate(PAUSE)
        paused.wait_for(state="visible", timeout=30_000)
        shown.append((page.evaluate("() => performance.now()") - page.evaluate(
            "() => window.__pausedAt")) / 1e3)
        last_frames.append(page.evaluate(LAST_FRAME_AFTER_PAUSE) / 1e3)
        play.click()
        paused.wait_for(state="hidden", timeout=30_000)
        page.wait_for_timeout(1000)
    page.evaluate(PAUSE)
    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    return {"fps": frames / seconds, "steps": steps / seconds, "last_frame": last_frames,
            "shown": shown}


def rows() -> list[Row]:
    """The kernel's figures, then the page's, against the issue's targets."""
    per_second, frame_times = kernel_figures()
    setting = "2-8-8-1 tanh, batch 32, 200 points"
    found = [
        Row(f"playground training steps/s in the kernel, no drawing ({setting})",
            f"{per_second:,.0f}/s", f">= {TARGET_STEPS:g}/s", per_second >= TARGET_STEPS),
        Row(f"playground frame in the kernel: {STEPS_PER_FRAME} steps + loss + picture + PNG "
            "(median; slowest)",
            f"{ms(median(frame_times))}; {ms(max(frame_times))}"),
    ]
    measure = "playground in JupyterLab/Chromium: {}"
    page = page_figures()
    if isinstance(page, str):
        return [*found, *(skipped(measure.format(what), page)
                          for what in ("frames painted/s", "steps/s while playing",
                                       "Pause click -> last frame"))]
    pause_ms = statistics.median(page["last_frame"]) * 1e3
    return [*found,
            Row(measure.format(f"frames painted/s ({setting})"), f"{page['fps']:.1f}/s",
                f">= {TARGET_FPS:g}/s", page["fps"] >= TARGET_FPS),
            Row(measure.format(f"training steps/s while playing, {STEPS_PER_FRAME} per frame"),
                f"{page['steps']:.0f}/s", f">= {TARGET_STEPS:g}/s",
                page["steps"] >= TARGET_STEPS),
            Row(measure.format("Pause click -> last frame painted (median of "
                               f"{PAUSES})"), f"{pause_ms:.0f} ms", f"< {TARGET_PAUSE_MS:g} ms",
                pause_ms < TARGET_PAUSE_MS),
            Row(measure.format("Pause click -> next step's diagram and formulas shown "
                               "(median)"), ms(statistics.median(page["shown"])))]
