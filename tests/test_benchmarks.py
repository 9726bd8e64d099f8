"""The benchmark code itself (no timing here): its peers compute the same thing, its table reads.

`make bench` measures speed; these tests only make sure that what it compares is comparable.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import common
import explorer_update
import run
import suite_time
import symbolic_scaling
import training

from bpkit import XOR_X, XOR_Y, Network


@pytest.mark.parametrize("hidden", ["identity", "tanh"])
def test_every_trainer_reaches_the_same_weights(hidden):
    found, _ = training.trainers(hidden)
    start = training.start(hidden)
    finals = {name: train(start, hidden, 40) for name, train in found.items()}
    reference = Network([2, 3, 1], activation=hidden, weights=start)
    reference.train(XOR_X, XOR_Y, training.LR, 40)
    for name, weights in finals.items():
        assert [w.shape for w in weights] == [(3, 3), (1, 4)], name
        assert training.difference(weights, reference.weights) < 1e-12, name
    assert training.difference(finals["bpkit"], start) > 1e-3  # training moved the weights


def test_the_linear_start_is_the_articles():
    assert all(np.array_equal(w, np.ones_like(w)) for w in training.start("identity"))


def test_a_missing_peer_becomes_a_skipped_row(monkeypatch):
    monkeypatch.setattr(training, "optional", lambda name: None)
    found, absent = training.trainers("identity")
    assert set(found) == {"bpkit", "numpy floor"}
    assert absent == ["micrograd", "pytorch"]
    row = common.skipped("browser", common.missing("torch"))
    assert row.value.startswith("skipped: torch is not installed") and row.verdict == ""


def test_explorer_moves_never_repeat_a_setting():
    path = explorer_update.weight_path(60)
    state, seen = {}, set()
    for link, value in path:
        state[link] = value
        key = tuple(sorted(state.items()))
        assert key not in seen
        seen.add(key)
    assert all(-3 <= value <= 3 for _, value in path)


def test_symbolic_layouts_count_their_weights_as_the_network_does():
    for _, sizes, *_ in symbolic_scaling.LAYOUTS:
        net = Network(list(sizes))
        assert symbolic_scaling.n_weights(sizes) == sum(w.size for w in net.weights)


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert common.median(values) == 50.5
    assert common.p95(values) == 95.0
    assert common.p95([3.0]) == 3.0


def test_the_table_has_one_line_per_row_and_a_verdict():
    rows = [common.Row("a", "1 ms", "< 2 ms", True), common.Row("b", "3 ms", "< 2 ms", False),
            common.Row("c", "context")]
    lines = run.table(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert [cell.strip() for cell in lines[0].split("|")[1:5]] == ["measure", "value", "target",
                                                                    "met?"]
    assert [line.split("|")[4].strip() for line in lines[2:]] == ["yes", "NO", ""]
    assert len({len(line) for line in lines}) == 1


def test_the_machine_is_described():
    facts = "\n".join(common.machine())
    for word in ("date:", "nproc", "CPU:", "Python", "numpy"):
        assert word in facts


def test_the_import_row_says_matplotlib_and_ipywidgets_were_not_loaded():
    row = suite_time.import_row(repeats=1)
    assert row.met is True
    assert row.value.endswith("matplotlib and ipywidgets not loaded")
    assert float(row.value.split(" s;")[0]) > 0


def test_the_import_row_fails_when_a_heavy_module_was_loaded(monkeypatch):
    monkeypatch.setattr(suite_time, "import_bpkit", lambda repeats: (0.25, ["matplotlib"]))
    row = suite_time.import_row(repeats=3)
    assert row.met is False and row.verdict == "NO"
    assert row.value == "0.25 s; loaded matplotlib"
    assert "median of 3" in row.measure
