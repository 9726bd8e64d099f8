"""What every benchmark shares: a row of the table, timing helpers, peers that may be missing."""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Row:
    """One line of the results table: what was measured, the figure, the target, and if met."""

    measure: str
    value: str
    target: str = ""
    met: bool | None = None
    """True or False against the target; None when the row has no target (context only)."""

    @property
    def verdict(self) -> str:
        """'yes', 'NO' or '' (no target), as the table prints it."""
        return "" if self.met is None else "yes" if self.met else "NO"


def skipped(measure: str, why: str) -> Row:
    """The row for a measure that could not run, saying why (never a crash)."""
    return Row(measure, f"skipped: {why}")


def seconds(run: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    """The middle value."""
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def ms(value: float) -> str:
    """Seconds as milliseconds for the table."""
    return f"{value * 1e3:.1f} ms"


def optional(name: str) -> ModuleType | None:
    """Import a peer from the ``bench`` extra, or None if it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def missing(name: str) -> str:
    """Why a peer's rows are skipped, and how to get it."""
    return f"{name} is not installed (`make bench` installs the bench extra)"


def machine() -> list[str]:
    """The machine and software the figures were measured on, one fact a line."""
    import numpy

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    facts = [
        f"date: {datetime.date.today().isoformat()}",
        f"cores (nproc): {os.cpu_count()}",
        f"CPU: {cpu}",
        f"Python {platform.python_version()}, numpy {numpy.__version__}",
    ]
    threadpoolctl = optional("threadpoolctl")
    if threadpoolctl is not None:
        for pool in threadpoolctl.threadpool_info():
            if pool.get("user_api") == "blas":
                facts.append(f"BLAS: {pool.get('internal_api')} {pool.get('version')}, "
                             f"kernel {pool.get('architecture')}, "
                             f"{pool.get('num_threads')} thread(s)")
    return facts
