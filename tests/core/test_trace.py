"""Step traces: every number of a step by name, as tables (CSV, LaTeX) and as a diagram."""

import csv
import io
import json
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import reference

from bpkit import ALPHA, XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core import naming
from bpkit.core.fmt import number
from bpkit.core.table import Table


@pytest.fixture
def trace():
    return article_network("article").step(XOR_X[:1], XOR_Y[:1], ALPHA)


@pytest.fixture
def ref():
    return reference.article_step(tuple(XOR_X[0]), XOR_Y[0, 0], ALPHA, sign=-1.0)


def test_units_follow_the_articles_names_and_kinds(trace):
    names = reference.names(trace.sizes)
    assert list(trace.units) == [name for layer in names for name in layer]
    kinds = {name: unit.kind for name, unit in trace.units.items()}
    assert kinds == naming.unit_kinds(names)
    assert set(kinds.values()) == {"bias", "input", "hidden", "output"}
    for name, unit in trace.units.items():
        if unit.kind == "bias":
            assert unit.z[0] == 1 and unit.a is None and unit.delta is None, name


def test_every_number_is_the_reference_steps(trace, ref):
    for name, unit in trace.units.items():
        assert unit.z[0] == pytest.approx(ref.z[name])
        if unit.a is not None:
            assert unit.a[0] == pytest.approx(ref.a[name])
            assert unit.delta[0] == pytest.approx(ref.delta[name])
    assert list(trace.links) == list(ref.gradient)
    for name, link in trace.links.items():
        assert (link.source, link.target) == naming.parse_link(name)
        assert link.gradient == pytest.approx(ref.gradient[name])
        assert (link.old, link.new) == pytest.approx((ref.old[name], ref.new[name]))
    assert (trace.loss, trace.loss_after) == pytest.approx((ref.loss, ref.loss_after))
    assert trace.outputs_after[0, 0] == pytest.approx(ref.h_after)


def test_links_sit_where_their_weights_are(trace):
    for name, link in trace.links.items():
        assert trace.old_weights[link.layer][link.row, link.col] == link.old, name
        assert trace.new_weights[link.layer][link.row, link.col] == link.new, name


def test_link_gradient_is_source_z_times_target_delta(trace):
    for link in trace.links.values():
        assert link.gradient == pytest.approx(float(np.mean(link.source_z * link.target_delta)))
        assert link.new == pytest.approx(link.old - trace.lr * link.gradient)


def test_batch_trace_averages_per_sample_products():
    batch = Network([2, 3, 1], activation="tanh", weights="random", seed=4).step(XOR_X, XOR_Y, 0.5)
    assert batch.n_samples == len(XOR_X)
    for link in batch.links.values():
        assert link.gradient == pytest.approx(float(np.mean(link.source_z * link.target_delta)))
    assert len(batch.table("units").rows) == len(XOR_X) * len(batch.units)


def test_sizes_are_the_networks():
    for sizes in ([2, 3, 1], [2, 2, 2], [3, 2, 2, 1]):
        net = Network(sizes)
        trace = net.step(np.zeros(sizes[0]), np.zeros(sizes[-1]), 0.1)
        assert trace.sizes == net.sizes and trace.unit_names == net.unit_names
        assert list(trace.links) == [link for layer in net.link_names for row in layer
                                     for link in row]


# ----- tables ------------------------------------------------------------------------------------
def test_links_table_holds_every_link(trace):
    table = trace.table("links")
    assert isinstance(table, Table)
    assert table.header == ("link", "gradient", "old weight", "new weight")
    assert table.rows == tuple((ln.name, ln.gradient, ln.old, ln.new)
                               for ln in trace.links.values())
    assert trace.table() == table


def test_units_table_is_blank_where_a_unit_has_no_value():
    batch = article_network("squared").step(XOR_X, XOR_Y, ALPHA)
    table = batch.table("units")
    assert table.header == ("sample", "unit", "a", "z", "delta")
    rows = iter(table.rows)
    for sample in range(batch.n_samples):
        for unit in batch.units.values():
            got = next(rows)
            assert got[:2] == (sample, unit.name) and got[3] == unit.z[sample]
            if unit.a is None:
                assert got[2] is None and got[4] is None
            else:
                assert got[2] == unit.a[sample] and got[4] == unit.delta[sample]


def test_csv_round_trips_every_number(trace):
    rows = list(csv.DictReader(io.StringIO(trace.table("links").to_csv())))
    assert len(rows) == len(trace.links)
    for row in rows:
        link = trace.links[row["link"]]
        assert float(row["gradient"]) == link.gradient
        assert float(row["old weight"]) == link.old and float(row["new weight"]) == link.new
    units = list(csv.DictReader(io.StringIO(trace.table("units").to_csv())))
    by_name = {row["unit"]: row for row in units}
    assert by_name["X0"]["delta"] == "" and float(by_name["D0"]["a"]) == trace.units["D0"].a[0]


def test_latex_table_for_handouts(trace, ref):
    text = trace.table("links").to_latex()
    assert text.startswith(r"\begin{tabular}{lrrr}") and text.rstrip().endswith(r"\end{tabular}")
    link = "w(X0->Z1)"
    cells = " & ".join(f"${v:.4g}$" for v in (ref.gradient[link], ref.old[link], ref.new[link]))
    assert rf"w(X0$\to$Z1) & {cells} \\" in text
    assert text.count(r"\\") == len(trace.links) + 1
    assert r"$\delta$" in trace.table("units").to_latex()


def test_unknown_table_names_the_kinds(trace):
    with pytest.raises(BpkitError, match="'units' or 'links'"):
        trace.table("weights")


# ----- drawing -----------------------------------------------------------------------------------
def unit_labels(figure):
    """The diagram's unit labels by unit name (each starts with its name: "Z1\n..." or "X1 = 0")."""
    texts = [t.get_text() for t in figure.findobj(lambda artist: hasattr(artist, "get_text"))]
    names = re.compile(r"^([XZD]\d+)(?:\n| = )")
    return {found.group(1): text for text in texts if (found := names.match(text))}


@pytest.mark.parametrize("phase", naming.PHASES)
def test_draw_returns_a_figure_labelled_with_the_steps_numbers(trace, phase):
    from matplotlib.figure import Figure

    from bpkit.draw import draw

    figure = draw(trace, phase)
    assert isinstance(figure, Figure)
    labels = unit_labels(figure)
    assert set(labels) == set(trace.units)
    for name, unit in trace.units.items():
        if phase == "deltas" and unit.delta is not None:
            assert number(unit.delta[0]) in labels[name], name
        if phase == "forward":
            assert number(unit.z[0]) in labels[name], name


def test_draw_of_another_sample():
    from matplotlib.figure import Figure

    from bpkit.draw import draw

    batch = article_network("squared").step(XOR_X, XOR_Y, ALPHA)
    assert isinstance(draw(batch, "deltas", sample=len(XOR_X) - 1), Figure)


def test_draw_refuses_an_unknown_phase_or_sample(trace):
    from bpkit.draw import draw

    with pytest.raises(BpkitError, match=", ".join(naming.PHASES)):
        draw(trace, "backward")
    with pytest.raises(BpkitError, match="from 0 to 0"):
        draw(trace, "forward", sample=1)


def test_importing_the_trace_loads_no_drawing_layer():
    code = textwrap.dedent("""
        import json, sys
        import bpkit.core.trace
        loaded = [m for m in ("matplotlib", "bpkit.draw") if m in sys.modules]
        print(json.dumps(loaded))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout) == []


# ----- names for other sizes ---------------------------------------------------------------------
def test_general_names_for_other_sizes():
    deep = Network([2, 2, 2, 2])
    assert deep.unit_names == reference.names((2, 2, 2, 2))
    assert Network([2, 2, 2]).link_names[1][1] == [
        naming.link_name(source, "D1") for source in reference.names((2, 2, 2))[1]]


@pytest.mark.parametrize("kind", [None, ["units"], {}, 1, np.array([1.0]), b"units"])
def test_a_table_kind_that_is_not_a_name_is_refused(trace, kind):
    with pytest.raises(BpkitError, match="expected 'units' or 'links'"):
        trace.table(kind)


@pytest.mark.parametrize("large", ["yes", 1, [], np.array([True])])
def test_draw_refuses_a_size_that_is_not_true_false_or_none(trace, large):
    from bpkit.draw import draw

    with pytest.raises(BpkitError, match="large must be True, False or None"):
        draw(trace, "forward", large=large)
