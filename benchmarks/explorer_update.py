"""Measure 1: one explorer update in the kernel (recompute, redraw the diagram, readout).

Each update sets a weight the explorer has not shown before, so neither its trace cache nor
its PNG cache can answer: every timed call runs Network.step, relabels the diagram, renders
a PNG and writes the readout, as a slider move does.
"""

from __future__ import annotations

from common import Row, median, ms, p95, seconds

PHASES = ("forward", "deltas", "update")
TARGET_MS = 30.0


def weight_path(count: int) -> list[tuple[str, float]]:
    """Slider-like moves (steps of 0.1, all different) spread over the weights that matter."""
    links = ["X0->Z1", "Z1->D0", "X0->Z2", "Z0->D0", "X0->Z3", "Z2->D0"]
    return [(links[i % len(links)], round(1.0 + 0.1 * (1 + i // len(links)), 1))
            for i in range(count)]


def update_times(phase: str, count: int = 60, warmup: int = 5) -> list[float]:
    """Seconds per ``Explorer.update``, one per new weight setting."""
    from bpkit.widgets.explorer import Explorer

    explorer = Explorer(phase)
    moves = weight_path(warmup + count)
    times = []
    for i, (link, value) in enumerate(moves):
        took = seconds(lambda link=link, value=value: explorer.update(weights={link: value}))
        if i >= warmup:
            times.append(took)
    return times


def rows(count: int = 60) -> list[Row]:
    """Median and 95th percentile per phase, median against the target."""
    table = []
    for phase in PHASES:
        times = update_times(phase, count)
        table.append(Row(f"explorer update in the kernel, {phase!r} (median; p95)",
                         f"{ms(median(times))}; {ms(p95(times))}",
                         f"median < {TARGET_MS:g} ms", median(times) * 1e3 < TARGET_MS))
    return table
