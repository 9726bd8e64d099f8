"""Measure 6: what one student's kernel costs, for each notebook after Run All.

For sizing a class (docs/classroom.md): each notebook runs top to bottom in a fresh kernel, as a
student's Run All does; then the kernel's memory (PSS, its fair share of pages it shares) and
the CPU time it used are read off its process. Widgets stay alive as they would in the page.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import psutil
from common import ROOT, Row
from nbclient import NotebookClient

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PSS_TARGET_MB = 450.0
"""Issue 12's threshold for one student with one notebook open (kernel and all)."""


def measure(path: Path) -> tuple[float, float, float]:
    """(PSS in MB, CPU seconds, wall seconds) of a fresh kernel after running ``path``."""
    import time

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        wall = time.perf_counter() - start
        kernel = psutil.Process(client.km.provisioner.process.pid)
        pss = kernel.memory_full_info().pss / 2**20
        cpu = sum(kernel.cpu_times()[:2])
    return pss, cpu, wall


def rows() -> list[Row]:
    """One row per notebook: the kernel's PSS and CPU after Run All, PSS against the target."""
    found = []
    for path in NOTEBOOKS:
        pss, cpu, wall = measure(path)
        found.append(Row(f"one student's kernel after Run All, {path.stem} (PSS; CPU; wall)",
                         f"{pss:.0f} MB; {cpu:.1f} s CPU; {wall:.1f} s",
                         f"PSS < {PSS_TARGET_MB:g} MB", pss < PSS_TARGET_MB))
    return found
