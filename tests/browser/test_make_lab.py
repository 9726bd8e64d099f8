"""The README's `make lab`, run exactly as written: it serves the suite, and only with the token."""

from __future__ import annotations

import secrets

from conftest import NOTEBOOKS, ROOT, free_port, http_status, start


def test_make_lab_serves_the_first_notebook_only_with_the_token(tmp_path):
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme
    port, token = free_port(), secrets.token_hex(16)
    env = {"PORT": str(port), "NO_BROWSER": "1", "JUPYTER_TOKEN": token,
           "MAKEFLAGS": "", "MAKELEVEL": "", "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path)}
    server = start(["make", "--no-print-directory", "lab"], port, token, tmp_path / "lab.log",
                   env)
    try:
        first = f"{server.url}/lab/tree/{NOTEBOOKS[0].name}"
        files = f"{server.url}/files/{NOTEBOOKS[0].name}"
        assert http_status(f"{first}?token={token}") == 200
        assert http_status(f"{files}?token={token}") == 200
        for refused in (first, files, f"{files}?token=not-the-token"):
            assert http_status(refused) in (302, 401, 403), refused
    finally:
        server.stop()
    assert server.process.poll() is not None
    log = (tmp_path / "lab.log").read_text()
    assert "127.0.0.1" in log and "0.0.0.0" not in log
    assert "Warning" not in log, log  # e.g. ServerApp.token's DeprecationWarning, read by Voila's
    # server extension, which share/jupyter-config/jupyter_server_config.json keeps out of the lab
