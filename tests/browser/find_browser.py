"""Find a Chromium for the browser tests, installing one if this machine allows it.

Order: a system Chromium already installed; as root with apt, Debian's `chromium`; otherwise
Playwright's own `playwright install chromium` (needs internet access). `make test` runs this
with --install; the tests call `find()`, which installs nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FIX = ("install a browser: `sudo apt-get install chromium` (Debian/Ubuntu), or "
       "`.venv/bin/python -m playwright install chromium` (downloads, needs internet access)")


def system_chromium() -> str | None:
    """A Chromium or Chrome on PATH, if there is one."""
    for name in SYSTEM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install chromium` put in place, if it did."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as pw:
        path = pw.chromium.executable_path
    return path if path and os.path.exists(path) else None


def find() -> str | None:
    """The browser to use, without installing anything."""
    return system_chromium() or playwright_chromium()


def install() -> str | None:
    """Find a browser, installing one the first way that works; None if every way failed."""
    found = find()
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("browser tests: installing Debian's chromium with apt-get", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
        if system_chromium():
            return system_chromium()
    print("browser tests: trying `playwright install chromium`", flush=True)
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    return find()


if __name__ == "__main__":
    browser = install() if "--install" in sys.argv else find()
    print(f"browser tests: using {browser}" if browser else f"browser tests: no browser; {FIX}")
