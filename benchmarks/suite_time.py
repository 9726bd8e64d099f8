"""Measure 5: the notebook suite under nbval, one notebook per pytest run, and `import bpkit`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from common import ROOT, Row, median

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SUITE_TARGET_S = 60.0
HEAVY = ("matplotlib", "ipywidgets")
"""What ``import bpkit`` must not load: the drawing and widget layers load on first use."""
IMPORT = ("import json, sys, time; t = time.perf_counter(); import bpkit; "
          "took = time.perf_counter() - t; "
          f"print(json.dumps([took, [m for m in {HEAVY!r} if m in sys.modules]]))")
"""Run in a fresh interpreter: the import's seconds, and which heavy modules it loaded."""


def nbval(notebook: str) -> tuple[float, bool, str]:
    """Run one notebook under strict nbval in a new pytest process: seconds, passed, last line."""
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
               "--nbval-sanitize-with", "notebooks/nbval-sanitize.cfg", "-q",
               "-p", "no:cacheprovider", f"notebooks/{notebook}"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    took = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return took, done.returncode == 0, lines[-1] if lines else done.stderr.strip()[-200:]


def import_bpkit(repeats: int = 5) -> tuple[float, list[str]]:
    """`import bpkit` in fresh interpreters: the median seconds, and what of ``HEAVY`` it loaded.

    The seconds are the import alone, not the interpreter's startup.
    """
    times, loaded = [], set()
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", IMPORT], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        took, heavy = json.loads(done.stdout.strip().splitlines()[-1])
        times.append(took)
        loaded.update(heavy)
    return median(times), sorted(loaded)


def rows() -> list[Row]:
    """Each notebook's time, the total against the target, and the import time."""
    table = []
    total = 0.0
    all_passed = True
    for path in NOTEBOOKS:
        took, passed, last = nbval(path.name)
        total += took
        all_passed &= passed
        table.append(Row(f"  nbval {path.name}", f"{took:.1f} s"
                         + ("" if passed else f" (FAILED: {last})")))
    table.insert(0, Row(f"notebook suite under nbval, {len(NOTEBOOKS)} notebooks, one pytest "
                        "process each (wall, in all)", f"{total:.1f} s",
                        f"< {SUITE_TARGET_S:g} s, all pass", total < SUITE_TARGET_S and all_passed))
    table.append(import_row())
    return table


def import_row(repeats: int = 5) -> Row:
    """The `import bpkit` row: its time, met only if neither matplotlib nor ipywidgets loaded."""
    took, loaded = import_bpkit(repeats)
    unloaded = f"{' and '.join(HEAVY)} not loaded"
    return Row(f"`import bpkit` in a fresh interpreter (median of {repeats})",
               f"{took:.2f} s; " + (f"loaded {', '.join(loaded)}" if loaded else unloaded),
               unloaded, not loaded)
