"""Measure 5: the notebook suite under nbval, one notebook per pytest run, and `import bpkit`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from common import ROOT, Row, median

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SUITE_TARGET_S = 60.0
IMPORT = "import time; t = time.perf_counter(); import bpkit; print(time.perf_counter() - t)"


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


def import_seconds(repeats: int = 5) -> float:
    """Median time of `import bpkit` in a fresh interpreter (the import alone, not startup)."""
    times = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", IMPORT], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        times.append(float(done.stdout.strip()))
    return median(times)


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
    took = import_seconds()
    table.append(Row("`import bpkit` in a fresh interpreter (median of 5)", f"{took:.2f} s"))
    return table
