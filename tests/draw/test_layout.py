"""The diagram's pure layout: where units and labels go and what every text says, no drawing."""

import ast
import itertools
import re
import subprocess
import sys

import pytest
import reference

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core import naming
from bpkit.core.article import ALPHA
from bpkit.core.fmt import number
from bpkit.draw import layout
from bpkit.draw.layout import LARGE, NORMAL, Layout

ARTICLE_NAMES = naming.unit_names((2, 3, 1))
EM_PER_CHAR = 0.6
"""A label box model: each character 0.6 em wide (DejaVu digits are 0.64, '.' and ' ' 0.32)."""
LINE_EMS = 1.2
"""One line of text is 1.2 em tall."""
UNIT_PAD_EMS = 0.45
"""A unit's box reaches this far past its text on each side."""


def article_trace(loss="article"):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def article_reference(loss="article"):
    return reference.article_step(x=tuple(XOR_X[0]), y=float(XOR_Y[0, 0]), lr=ALPHA,
                                  sign=-1.0 if loss == "article" else 1.0)


def test_layout_is_pure_numbers_and_text_without_matplotlib():
    with open(layout.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    allowed = {"numpy", "bpkit.core", *sys.stdlib_module_names}
    outside = {name for name in imported
               if not any(name == top or name.startswith(f"{top}.") for top in allowed)}
    assert outside == set()


# ----- where units go -----------------------------------------------------------------------------
def test_units_stand_in_columns_per_layer_top_to_bottom_centred():
    positions = layout.unit_positions(ARTICLE_NAMES)
    assert list(positions) == [name for names in ARTICLE_NAMES for name in names]
    for layer, names in enumerate(ARTICLE_NAMES):
        xs = {positions[name][0] for name in names}
        ys = [positions[name][1] for name in names]
        assert xs == {layer}
        assert all(upper - lower == 1 for upper, lower in itertools.pairwise(ys))
        assert sum(ys) == 0


def test_the_figure_holds_every_unit_and_grows_with_layers_units_and_large_mode():
    small = Layout(ARTICLE_NAMES)
    for x, y in small.positions.values():
        assert small.xlim[0] < x < small.xlim[1] and small.ylim[0] < y < small.ylim[1]
    assert all(big > normal for big, normal in zip(Layout(ARTICLE_NAMES, LARGE).size, small.size))
    deeper = Layout(naming.unit_names((2, 3, 3, 1)))
    taller = Layout(naming.unit_names((2, 6, 1)))
    assert deeper.size[0] > small.size[0]
    assert taller.size[1] > small.size[1]
    # the same inches per data unit across and down, so the picture is not stretched
    assert small.inches(1, 0)[0] == pytest.approx(small.size[0] / (small.xlim[1] - small.xlim[0]))
    assert small.inches(0, 1)[1] == pytest.approx(small.size[1] / (small.ylim[1] - small.ylim[0]))


def test_links_are_every_trace_link_in_the_traces_order():
    for sizes in [(2, 3, 1), (2, 2, 2), (2, 4, 4, 1)]:
        trace = Network(list(sizes)).step(XOR_X[:1], XOR_X[:1, :sizes[-1]], 0.1)
        links = Layout(trace.unit_names).links
        assert list(links) == list(trace.links)
        for name, (source, target) in links.items():
            assert naming.parse_link(name) == (source, target)


def test_too_few_layers_are_refused():
    with pytest.raises(BpkitError, match="two layers"):
        Layout([["X0"]])
    with pytest.raises(BpkitError, match="two layers"):
        Layout([["X0", "X1"], []])


# ----- where link labels go -----------------------------------------------------------------------
def label_boxes(lay, label_chars):
    """Each link label's centre and half size, in inches."""
    em = lay.style.link_font / 72
    half = (label_chars * EM_PER_CHAR * em / 2, LINE_EMS * em / 2)
    return {name: lay.inches(*place)
            for name, place in lay.label_positions(label_chars).items()}, half


@pytest.mark.parametrize("sizes", [(2, 3, 1), (2, 2, 2), (2, 6, 1)])
@pytest.mark.parametrize("style", [NORMAL, LARGE])
@pytest.mark.parametrize("label_chars", [1, 9, 14])
def test_link_labels_sit_on_their_links_apart_from_each_other_and_off_the_units(
        sizes, style, label_chars):
    lay = Layout(naming.unit_names(sizes), style)
    places = lay.label_positions(label_chars)
    assert set(places) == set(lay.links)
    for name, (x, y) in places.items():
        source, target = lay.links[name]
        (x0, y0), (x1, y1) = lay.positions[source], lay.positions[target]
        t = (x - x0) / (x1 - x0)
        assert 0 < t < 1
        assert y == pytest.approx(y0 + t * (y1 - y0))
    centres, (half_w, half_h) = label_boxes(lay, max(label_chars, layout.LABEL_CHARS))
    for (a, (xa, ya)), (b, (xb, yb)) in itertools.combinations(centres.items(), 2):
        assert abs(xa - xb) >= 2 * half_w or abs(ya - yb) >= 2 * half_h, (a, b)
    unit_half_w = ((layout.UNIT_CHARS * EM_PER_CHAR / 2 + UNIT_PAD_EMS)
                   * style.unit_font / 72)
    columns = {lay.inches(x, 0)[0] for x, _ in lay.positions.values()}
    for name, (x, _) in centres.items():
        assert all(abs(x - column) >= unit_half_w + half_w for column in columns), name


def test_wider_texts_move_labels_and_short_ones_share_the_narrowest_placement():
    lay = Layout(ARTICLE_NAMES)
    narrow = lay.label_positions(layout.LABEL_CHARS, layout.UNIT_CHARS)
    assert lay.label_positions(1, 1) == narrow
    assert lay.label_positions(16, 14) != narrow
    assert Layout(ARTICLE_NAMES).label_positions(16, 14) == lay.label_positions(16, 14)


def test_labels_are_placed_the_same_in_a_fresh_interpreter():
    """The placement is deterministic: seeded, not dependent on earlier placements."""
    code = ("from bpkit.core import naming; from bpkit.draw.layout import Layout; "
            "print(sorted(Layout(naming.unit_names((2, 3, 1))).label_positions(12).items()))")
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout
    lay = Layout(ARTICLE_NAMES)
    lay.label_positions(16, 14)
    assert fresh.strip() == str(sorted(lay.label_positions(12).items()))


# ----- highlight names ----------------------------------------------------------------------------
def test_highlight_accepts_a_unit_or_a_link_in_either_form():
    lay = Layout(ARTICLE_NAMES)
    assert lay.highlight_key(None) is None
    assert lay.highlight_key("Z1") == "Z1"
    assert lay.highlight_key("X0->Z1") == "w(X0->Z1)"
    assert lay.highlight_key("w(X0->Z1)") == "w(X0->Z1)"


@pytest.mark.parametrize("name", ["Z9", "X0->Z0", "w(D0->X1)", "w(X0->Z1", 42, ""])
def test_highlight_refuses_what_the_diagram_does_not_have(name):
    with pytest.raises(BpkitError, match="nothing named"):
        Layout(ARTICLE_NAMES).highlight_key(name)


# ----- what the texts say -------------------------------------------------------------------------
def test_forward_texts_show_a_and_z_and_the_weights():
    ref = article_reference()
    said = layout.labels(article_trace(), "forward")
    for name, text in said.units.items():
        if name not in ref.a:  # an input or bias unit holds a value: "X1 = 0", "Z0 = 1"
            assert text == f"{name} = {number(ref.z[name])}"
            continue
        assert text == f"{name}\na = {number(ref.a[name])}\nz = {number(ref.z[name])}"
    assert said.links == {name: number(old) for name, old in ref.old.items()}
    assert set(said.looks.values()) == {"normal"}
    assert f"output h = {number(ref.z['D0'])}" in said.title
    assert "a = weighted sum" in said.footer


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_deltas_texts_show_each_delta_and_none_for_input_and_bias(loss):
    ref = article_reference(loss)
    said = layout.labels(article_trace(loss), "deltas")
    for name, text in said.units.items():
        assert text == (f"{name}\nδ = {number(ref.delta[name])}" if name in ref.delta
                        else f"{name} = {number(ref.z[name])}\nno δ")
    assert said.links == {name: number(old) for name, old in ref.old.items()}
    assert "have no δ" in said.footer


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_update_texts_show_old_to_new_and_mark_exactly_the_changed_links(loss):
    ref = article_reference(loss)
    said = layout.labels(article_trace(loss), "update")
    assert said.links == {name: f"{number(ref.old[name])} → {number(ref.new[name])}"
                          for name in ref.old}
    assert said.looks == {name: "changed" if ref.new[name] != ref.old[name] else "muted"
                          for name in ref.old}
    assert "changed" in said.looks.values() and "muted" in said.looks.values()
    for name, text in said.units.items():
        if name not in ref.a:
            assert text == f"{name} = {number(ref.z[name])}"
            continue
        assert text == f"{name}\nz = {number(ref.z[name])}\nδ = {number(ref.delta[name])}"
    assert f"α = {number(ALPHA)}" in said.title
    assert f"loss {number(ref.loss)} → {number(ref.loss_after)}" in said.title


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_deltas_title_states_the_sign_the_deltas_really_have(loss):
    """J = 1/2 (h - y)^2 and h = a for the article's linear output, so dJ/da = h - y."""
    ref = article_reference(loss)
    title = layout.labels(article_trace(loss), "deltas").title
    claimed = "δ = −dJ/da" if "−dJ/da" in title else "δ = dJ/da"
    assert claimed in title
    sign = -1.0 if claimed == "δ = −dJ/da" else 1.0
    dj_da = ref.z["D0"] - float(XOR_Y[0, 0])
    assert dj_da != 0
    assert ref.delta["D0"] == sign * dj_da
    assert ("article's sign" if loss == "article" else "correct sign") in title


def test_titles_name_the_sample_when_the_step_used_several():
    trace = article_network("squared").step(XOR_X, XOR_Y, ALPHA)
    title = layout.labels(trace, "forward", sample=2).title
    assert "sample 3 of 4: (1, 0) → y = 1" in title
    assert f"h = {number(trace.outputs[2, 0])}" in title


def test_text_widths_are_the_widest_label_and_unit_line():
    said = layout.labels(article_trace(), "update")
    assert said.link_chars == max(len(text) for text in said.links.values()) == len("1 → 1.4")
    assert said.unit_chars == max(len(line) for text in said.units.values()
                                  for line in text.split("\n"))


def test_an_unknown_phase_or_sample_is_refused():
    trace = article_trace()
    with pytest.raises(BpkitError, match=r"phase 'backward'.*forward, deltas, update"):
        layout.labels(trace, "backward")
    with pytest.raises(BpkitError, match=r"sample must be a whole number from 0 to 0"):
        layout.labels(trace, "forward", sample=1)
    with pytest.raises(BpkitError, match="sample"):
        layout.labels(trace, "forward", sample=True)


# ----- refused input ------------------------------------------------------------------------------
def test_unit_names_of_any_network_make_a_layout():
    for sizes in [(1, 1), (2, 3, 1), (2, 2, 3, 2)]:
        assert Layout(naming.unit_names(sizes)).unit_names == naming.unit_names(sizes)
    assert Layout(tuple(tuple(layer) for layer in ARTICLE_NAMES)).unit_names == ARTICLE_NAMES


@pytest.mark.parametrize("names", ["XZD", b"x", 1.5, None, {}, [["X0", "X1"], "D0"],
                                   [["X0", "X1"], [None]], [["X0", "X1"], ["D1"]],
                                   [["X0", "X1", "X2"], ["Z1", "Z2"], ["D0"]]])
def test_a_layout_needs_a_networks_unit_names(names):
    with pytest.raises(BpkitError, match=re.escape("unit_names must be a network's unit names")):
        Layout(names)


@pytest.mark.parametrize("style", [None, "large", 1.3, {"scale": 1}])
def test_a_layout_style_is_normal_or_large(style):
    with pytest.raises(BpkitError, match="style must be a layout Style, NORMAL or LARGE"):
        Layout(ARTICLE_NAMES, style)


@pytest.mark.parametrize("chars", [-1, 1.5, True, "12", None, 10**400, 1001])
def test_label_widths_are_whole_numbers_of_characters(chars):
    lay = Layout(ARTICLE_NAMES)
    with pytest.raises(BpkitError, match="label_chars must be a whole number from 0 to 1,000"):
        lay.label_positions(chars)
    with pytest.raises(BpkitError, match="unit_chars must be a whole number from 0 to 1,000"):
        lay.label_positions(12, chars)


@pytest.mark.parametrize("trace", [None, "trace", Network([2, 3, 1])])
def test_labels_say_what_a_trace_is(trace):
    with pytest.raises(BpkitError, match=re.escape("trace must be a StepTrace")):
        layout.labels(trace, "forward")


@pytest.mark.parametrize("phase", ["deltas", "update"])
def test_a_forward_pass_alone_is_drawn_in_its_forward_phase_only(phase):
    from bpkit import forward_trace

    trace = forward_trace(article_network("squared"), XOR_X[:1], XOR_Y[:1])
    assert "X1 = 0" in layout.labels(trace, "forward").units.values()
    with pytest.raises(BpkitError, match="forward pass alone"):
        layout.labels(trace, phase)
