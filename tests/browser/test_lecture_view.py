"""The lecture view: `make present` serves code-free Voila pages whose sliders respond."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
from conftest import (
    NOTEBOOKS,
    SCREENSHOTS,
    Server,
    explorer_cells,
    free_port,
    http_status,
    start,
)
from playwright.sync_api import Page, expect
from widgets_in_page import exercise_explorer

WITH_EXPLORER = [p for p in NOTEBOOKS if explorer_cells(p)]


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`make present` exactly as the README gives it, on a free port with a known token."""
    port, token = free_port(), secrets.token_hex(16)
    env = {"PORT": str(port), "JUPYTER_TOKEN": token, "NO_BROWSER": "1",
           "MAKEFLAGS": "", "MAKELEVEL": ""}
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    server = start(["make", "--no-print-directory", "present"], port, token, log, env)
    try:
        yield server
    finally:
        server.stop()


def test_there_are_explorers_to_present():
    assert WITH_EXPLORER, "no notebook shows an Explorer"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lecture_view_is_code_free_large_and_live(voila: Server, page: Page, path):
    page.goto(f"{voila.url}/voila/render/{path.name}?token={voila.token}")
    body = page.locator("body")
    # The closing questions are the last cell: once they show, every cell above has run.
    expect(body).to_contain_text("Check yourself", timeout=180_000)
    expect(body).not_to_contain_text("Error displaying widget")
    expect(body).not_to_contain_text("Traceback")
    expect(body).not_to_contain_text("There was an error")  # no cell stops with an error
    expect(body).not_to_contain_text("from bpkit import")  # no code cell shows
    heading_size = page.locator("h1").first.evaluate("h => getComputedStyle(h).fontSize")
    assert heading_size == "44px"  # the lecture template's projector sizes are in force
    explorers = page.locator(".bpkit-explorer")
    expect(explorers).to_have_count(explorer_cells(path))
    if path in WITH_EXPLORER:
        explorer = explorers.first
        expect(explorer.locator(".bpkit-readout div[style]").first).to_have_attribute(
            "style", "font-size:1.45em;line-height:1.4")
        exercise_explorer(page, explorer)
        explorer.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"voila-{path.stem}.png"))


def test_lecture_view_needs_the_token(voila: Server):
    page = f"{voila.url}/voila/render/{NOTEBOOKS[0].name}"
    assert http_status(page) in (302, 401, 403)
    assert http_status(f"{page}?token=not-the-token") in (302, 401, 403)
    assert http_status(f"{page}?token={voila.token}") == 200


def kernels(server: Server) -> int:
    """How many kernels the server is running now (its ipykernel processes)."""
    import psutil

    children = psutil.Process(server.process.pid).children(recursive=True)
    return sum(1 for child in children if "ipykernel" in " ".join(child.cmdline()))


def settles_at(server: Server, most: int, seconds: float = 15.0) -> int:
    """The kernel count once it is at most ``most`` (or after ``seconds``, whatever it is)."""
    deadline = time.monotonic() + seconds
    while (count := kernels(server)) > most and time.monotonic() < deadline:
        time.sleep(0.5)
    return count


def test_reloading_and_closing_pages_leaves_no_kernel_behind(voila: Server, browser):
    """A lecture reloads pages over and over: each view's kernel ends with its page."""
    url = f"{voila.url}/voila/render/{NOTEBOOKS[0].name}?token={voila.token}"
    before = settles_at(voila, 0)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        for _ in range(3):
            expect(page.locator(".bpkit-explorer")).to_be_visible(timeout=90_000)
            page.reload()
        expect(page.locator(".bpkit-explorer")).to_be_visible(timeout=90_000)
        assert settles_at(voila, before + 1) <= before + 1  # one open page, one kernel
        page.close(run_before_unload=True)  # as closing the tab does
        assert settles_at(voila, before) <= before
    finally:
        context.close()


CONTROLS = (".widget-label, .widget-readout, .widget-dropdown select, .widget-text input, "
            ".jupyter-button, .widget-toggle-button")
"""Every kind of control text: slider labels and values, menus, answer boxes, buttons, toggles."""


@pytest.mark.parametrize("name", ["05_weight_updates.ipynb", "08_exercises.ipynb"])
def test_the_lecture_view_draws_every_control_large(voila: Server, page: Page, name):
    page.goto(f"{voila.url}/voila/render/{name}?token={voila.token}")
    expect(page.locator("body")).to_contain_text("Check yourself", timeout=180_000)
    controls = page.locator(CONTROLS)
    expect(page.locator(".jupyter-button:visible").first).to_be_visible(timeout=60_000)
    sizes = controls.evaluate_all(
        "nodes => nodes.filter(n => n.offsetParent !== null)"
        ".map(n => [n.className, parseFloat(getComputedStyle(n).fontSize)])")
    assert len(sizes) >= 5, sizes
    small = [(kind, size) for kind, size in sizes if size < 20]
    assert not small, small  # 13 px by default: too small for the back row
    cut = page.locator(".widget-label").evaluate_all(
        "labels => labels.filter(l => l.offsetParent !== null && l.scrollWidth > l.clientWidth)"
        ".map(l => l.textContent)")
    assert not cut, cut  # every label whole at that size, e.g. "X0->Z1", not "X0-..."


def test_the_lecture_view_needs_no_internet_and_its_icons_show(voila: Server, page: Page):
    """Every file the page loads comes from the server itself; Font Awesome included."""
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith((voila.url, "data:", "blob:")) else None)
    page.goto(f"{voila.url}/voila/render/05_weight_updates.ipynb?token={voila.token}")
    expect(page.locator("body")).to_contain_text("Check yourself", timeout=180_000)
    reset = page.locator(".bpkit-explorer .jupyter-button i.fa").first
    expect(reset).to_be_visible()
    loaded = page.evaluate("document.fonts.load('900 16px \"Font Awesome 6 Free\"')"
                           ".then(faces => faces.length)")
    assert loaded >= 1  # the icon font came from the server
    assert reset.evaluate("i => getComputedStyle(i, '::before').content") not in ("none", '""')
    assert elsewhere == []
