"""Run the benchmarks of issue 5 and print one table of measure, value, target and met.

    python benchmarks/run.py                      # everything (`make bench`), a few minutes
    python benchmarks/run.py explorer training    # only some measures

Measures: explorer, browser, training, symbolic, suite. Each runs in a fresh interpreter of
its own, so no measure slows another (memory, threads, imports). A peer or tool that is
missing gives a "skipped" row, never a crash. Speed is only measured here, never in a timed
test.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

from common import Row, machine  # imports nothing numerical: numpy loads after the re-run

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
UNSET_MARK = "BPKIT_BENCH_UNSET_OPENBLAS"


def _without_openblas_overrides() -> None:
    """Run again without OPENBLAS_CORETYPE/L2_SIZE (set on some machines for old OpenBLAS).

    They slow a current numpy; they are unset for this benchmark process alone, never for
    tests or CI, and the table says so.
    """
    found = {name: os.environ[name] for name in OPENBLAS_VARIABLES if name in os.environ}
    if found and UNSET_MARK not in os.environ:
        env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARIABLES}
        env[UNSET_MARK] = ", ".join(f"{k}={v}" for k, v in found.items())
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


MEASURES: dict[str, Callable[[], list[Row]]] = {}


def _register() -> None:
    """The measures, in the order of the issue (imported lazily: each has its own peers)."""
    import browser_roundtrip
    import explorer_update
    import kernel_memory
    import suite_time
    import symbolic_scaling
    import training

    MEASURES.update({"explorer": explorer_update.rows, "browser": browser_roundtrip.rows,
                     "training": training.rows, "symbolic": symbolic_scaling.rows,
                     "suite": suite_time.rows, "kernels": kernel_memory.rows})
    import autograd_torch  # issue 11: the autograd engine against torch.autograd

    MEASURES["autograd"] = autograd_torch.rows
    import playground  # issue 13: the playground's frames painted and steps per second

    MEASURES["playground"] = playground.rows


def table(rows: list[Row]) -> str:
    """The rows as one Markdown table (readable in a terminal, pasted as is into the docs)."""
    header = ("measure", "value", "target", "met?")
    cells = [header, *((r.measure, r.value, r.target, r.verdict) for r in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(row) for row in cells[1:])])


def measured(name: str) -> list[Row]:
    """One measure's rows, from a fresh interpreter; a measure that fails gives a failed row."""
    done = subprocess.run([sys.executable, __file__, "--rows", name], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return [Row(f"{name} benchmark", f"failed: {last}", "runs", False)]
    return [Row(**row) for row in json.loads(done.stdout.strip().splitlines()[-1])]


def main(names: list[str]) -> int:
    """Run the named measures (all when none is named); print the machine, then the table."""
    _register()
    if names[:1] == ["--rows"]:  # in the fresh interpreter: one measure, rows as JSON
        print(json.dumps([dataclasses.asdict(row) for row in MEASURES[names[1]]()]))
        return 0
    unknown = [name for name in names if name not in MEASURES]
    if unknown:
        print(f"unknown measure(s) {', '.join(unknown)}: choose from {', '.join(MEASURES)}")
        return 2
    rows: list[Row] = []
    started = time.perf_counter()
    for name in names or list(MEASURES):
        print(f"measuring: {name} ...", file=sys.stderr, flush=True)
        rows.extend(measured(name))
    for fact in machine():
        print(f"- {fact}")
    if UNSET_MARK in os.environ:
        print(f"- note: {os.environ[UNSET_MARK]} was unset for this benchmark run only "
              "(it slows a current numpy; tests and CI keep it)")
    print(f"- benchmarks took {time.perf_counter() - started:.0f} s\n")
    print(table(rows))
    missed = [row for row in rows if row.met is False]
    print(f"\n{len(missed)} target(s) missed" if missed else "\nevery target met")
    return 0


if __name__ == "__main__":
    _without_openblas_overrides()
    sys.exit(main(sys.argv[1:]))
