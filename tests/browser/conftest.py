"""Servers and a headless Chromium for the browser tests; every server is stopped by its PID."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from find_browser import FIX, find

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    # Render every cell, so the page holds every output (lazy windowing attaches cells late).
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@dataclass
class Server:
    """A server the tests started: where it listens, its token, and its process."""

    url: str
    token: str
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop the server and everything it started (its process group), by its own PID."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def http_status(url: str) -> int:
    """The HTTP status of a GET, without following redirects (a login redirect is a refusal)."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path)
        return connection.getresponse().status
    finally:
        connection.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], port: int, token: str, log: Path, env: dict[str, str],
          cwd: Path = ROOT) -> Server:
    """Start a server in its own process group and wait until its port accepts connections."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", token, process)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[:3]} exited early:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{command[:3]} did not listen on port {port}:\n{log.read_text()[-3000:]}")


def code_sources(path: Path) -> list[str]:
    """The non-empty code cells of a notebook, as text."""
    notebook = json.loads(path.read_text())
    return ["".join(c["source"]) for c in notebook["cells"]
            if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def explorer_cells(path: Path) -> int:
    """How many code cells of a notebook make a weight explorer (a RateExplorer is not one)."""
    return sum(bool(re.search(r"(?<![A-Za-z])Explorer\(", s)) for s in code_sources(path))


def stripped_copies(target: Path) -> None:
    """Copies of the notebooks without outputs, so nothing passes before it ran in the page."""
    target.mkdir(parents=True, exist_ok=True)
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, target / path.name)


def committed_copies(target: Path) -> None:
    """Copies of the notebooks as committed, outputs and all: what a first open shows."""
    target.mkdir(parents=True, exist_ok=True)
    for path in NOTEBOOKS:
        (target / path.name).write_bytes(path.read_bytes())


def start_lab(home: Path, copies: Callable[[Path], None] = stripped_copies,
              config: Path | None = None) -> Server:
    """JupyterLab on 127.0.0.1, a free port and a random token, serving copies of the notebooks.

    ``copies`` writes them: stripped of outputs (the default), or as committed. ``config``: a
    Jupyter config folder to use, as `make lab` uses share/jupyter-config.
    """
    copies(home / "notebooks")
    for name, values in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={home / 'notebooks'}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {"JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    if config is not None:
        env["JUPYTER_CONFIG_PATH"] = str(config)
    return start(command, port, token, home / "lab.log", env)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """JupyterLab on 127.0.0.1, a free port and a random token, serving stripped notebooks."""
    server = start_lab(tmp_path_factory.mktemp("lab"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium driven by Playwright."""
    executable = find()
    if executable is None:
        pytest.fail(f"no browser for the browser tests: {FIX}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page, large enough to show a diagram and its sliders side by side."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


def pytest_configure() -> None:
    """Screenshots go to build/screenshots (copied into docs/ by `make screenshots`)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
