"""Step traces: every number of a step by name, exported as CSV and LaTeX for handouts."""

import csv
import io

import numpy as np
import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network


@pytest.fixture
def trace():
    return article_network("article").step([0, 0], 0, 0.1)


def test_units_follow_the_articles_names_and_kinds(trace):
    assert list(trace.units) == ["X0", "X1", "X2", "Z0", "Z1", "Z2", "Z3", "D0"]
    kinds = {name: unit.kind for name, unit in trace.units.items()}
    assert kinds == {"X0": "bias", "X1": "input", "X2": "input", "Z0": "bias",
                     "Z1": "hidden", "Z2": "hidden", "Z3": "hidden", "D0": "output"}
    for name in ("X0", "Z0"):
        assert trace.units[name].z[0] == 1 and trace.units[name].delta is None
    assert len(trace.links) == 13 and "w(X0->Z1)" in trace.links


def test_link_gradient_is_source_z_times_target_delta(trace):
    for link in trace.links.values():
        assert link.gradient == pytest.approx(float(np.mean(link.source_z * link.target_delta)))
        assert link.new == pytest.approx(link.old - trace.lr * link.gradient)


def test_batch_trace_averages_per_sample_products():
    batch = Network([2, 3, 1], activation="tanh", weights="random", seed=4).step(XOR_X, XOR_Y, 0.5)
    assert batch.n_samples == 4
    for link in batch.links.values():
        assert link.gradient == pytest.approx(float(np.mean(link.source_z * link.target_delta)))
    assert len(batch.table("units").rows) == 4 * len(batch.units)


def test_csv_round_trips_every_number(trace):
    rows = list(csv.DictReader(io.StringIO(trace.table("links").to_csv())))
    assert len(rows) == 13
    for row in rows:
        link = trace.links[row["link"]]
        assert float(row["gradient"]) == link.gradient
        assert float(row["old weight"]) == link.old and float(row["new weight"]) == link.new
    units = list(csv.DictReader(io.StringIO(trace.table("units").to_csv())))
    by_name = {row["unit"]: row for row in units}
    assert by_name["X0"]["delta"] == "" and float(by_name["D0"]["a"]) == trace.units["D0"].a[0]


def test_latex_table_for_handouts(trace):
    text = trace.table("links").to_latex()
    assert text.startswith(r"\begin{tabular}{lrrr}") and text.rstrip().endswith(r"\end{tabular}")
    assert r"w(X0$\to$Z1) & $-4$ & $1$ & $1.4$ \\" in text
    assert text.count(r"\\") == 14
    assert r"$\delta$" in trace.table("units").to_latex()
    with pytest.raises(BpkitError, match="'units' or 'links'"):
        trace.table("weights")


def test_general_names_for_other_sizes():
    deep = Network([2, 2, 2, 2])
    assert deep.unit_names == [["X0", "X1", "X2"], ["Z1_0", "Z1_1", "Z1_2"],
                               ["Z2_0", "Z2_1", "Z2_2"], ["D0", "D1"]]
    assert Network([2, 2, 2]).link_names[1][1] == ["w(Z0->D1)", "w(Z1->D1)", "w(Z2->D1)"]
