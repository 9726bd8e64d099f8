"""The network diagram: the layout's texts per phase, updates in place, no pyplot, legible."""

import itertools
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import reference
from matplotlib.colors import to_rgba

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core.article import ALPHA
from bpkit.core.fmt import number
from bpkit.core.naming import PHASES
from bpkit.draw import layout
from bpkit.draw.diagram import CHANGED, HIGHLIGHT, UNCHANGED, NetworkDiagram, draw
from bpkit.draw.figure import NotebookFigure


def article_step(loss="article"):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def article_reference(loss="article"):
    return reference.article_step(x=tuple(XOR_X[0]), y=float(XOR_Y[0, 0]), lr=ALPHA,
                                  sign=-1.0 if loss == "article" else 1.0)


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "the diagram must not create pyplot figures"


def shown(diagram):
    """Every text the diagram shows: units, links, title and footer."""
    return ({name: text.get_text() for name, text in diagram.unit_labels.items()},
            {name: text.get_text() for name, text in diagram.link_labels.items()},
            diagram.title.get_text(), diagram.footer.get_text())


@pytest.mark.parametrize("loss", ["article", "squared"])
@pytest.mark.parametrize("phase", PHASES)
def test_each_phase_shows_the_layouts_texts_at_the_layouts_places(loss, phase):
    trace = article_step(loss)
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, phase)
    said = layout.labels(trace, phase)
    assert shown(diagram) == (said.units, said.links, said.title, said.footer)
    places = diagram.layout.label_positions(said.link_chars, said.unit_chars)
    assert {n: tuple(t.get_position()) for n, t in diagram.link_labels.items()} == places
    assert diagram.phase == phase


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_the_articles_step_reads_as_the_reference_computes_it(loss):
    ref = article_reference(loss)
    diagram = NetworkDiagram(article_step(loss).unit_names)
    diagram.label(article_step(loss), "forward")
    assert diagram.unit_labels["D0"].get_text() == (
        f"D0\na = {number(ref.a['D0'])}\nz = {number(ref.z['D0'])}")
    assert diagram.unit_labels["X1"].get_text() == "X1 = 0"  # an input reads as the article's
    assert diagram.unit_labels["Z0"].get_text() == "Z0 = 1"
    diagram.label(article_step(loss), "deltas")
    assert diagram.unit_labels["Z2"].get_text() == f"Z2\nδ = {number(ref.delta['Z2'])}"
    assert diagram.unit_labels["Z0"].get_text() == "Z0 = 1\nno δ"
    diagram.label(article_step(loss), "update")
    assert diagram.link_labels["w(Z1->D0)"].get_text() == (
        f"{number(ref.old['w(Z1->D0)'])} → {number(ref.new['w(Z1->D0)'])}")


@pytest.mark.parametrize("loss", ["article", "squared"])
def test_update_phase_draws_exactly_the_changed_links_bold(loss):
    ref = article_reference(loss)
    trace = article_step(loss)
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "update")
    changed = {name for name in ref.old if ref.new[name] != ref.old[name]}
    assert changed and changed != set(ref.old)
    for name, line in diagram.links.items():
        look = CHANGED if name in changed else UNCHANGED
        assert to_rgba(line.get_color()) == to_rgba(look["color"])
        assert (line.get_linewidth(), line.get_alpha()) == (look["linewidth"], look["alpha"])
    widths = {name: line.get_linewidth() for name, line in diagram.links.items()}
    assert min(widths[n] for n in changed) > max(w for n, w in widths.items() if n not in changed)


def test_highlight_marks_one_unit_or_link_and_moves_with_each_call():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "update", highlight="X1->Z2")
    assert diagram.highlighted == "w(X1->Z2)"
    highlighted = [n for n, line in diagram.links.items()
                   if to_rgba(line.get_color()) == to_rgba(HIGHLIGHT["color"])]
    assert highlighted == ["w(X1->Z2)"]
    diagram.label(trace, "forward", highlight="Z3")
    assert diagram.highlighted == "Z3"
    assert not any(to_rgba(line.get_color()) == to_rgba(HIGHLIGHT["color"])
                   for line in diagram.links.values())
    edges = {n: to_rgba(t.get_bbox_patch().get_edgecolor())
             for n, t in diagram.unit_labels.items()}
    assert [n for n, c in edges.items() if c == to_rgba(HIGHLIGHT["color"])] == ["Z3"]
    diagram.label(trace, "forward", highlight="w(X0->Z1)")
    assert diagram.highlighted == "w(X0->Z1)"
    assert not any(c == to_rgba(HIGHLIGHT["color"])
                   for c in (to_rgba(t.get_bbox_patch().get_edgecolor())
                             for t in diagram.unit_labels.values()))
    with pytest.raises(BpkitError, match="Z9"):
        diagram.label(trace, "forward", highlight="Z9")


def emphasised_on_the_picture(diagram):
    """The links and units drawn in the highlight colour, read from the artists."""
    colour = to_rgba(HIGHLIGHT["color"])
    links = [n for n, line in diagram.links.items() if to_rgba(line.get_color()) == colour]
    units = [n for n, t in diagram.unit_labels.items()
             if to_rgba(t.get_bbox_patch().get_edgecolor()) == colour]
    return links, units


def test_highlight_takes_a_list_such_as_both_paths_of_a_hidden_unit():
    trace = Network([2, 2, 2], activation="sigmoid", output_activation="sigmoid",
                    weights="random", seed=2).step(XOR_X[:1], [[0.0, 1.0]], ALPHA)
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "deltas", highlight=["Z1", "Z1->D0", "D0", "w(Z1->D1)", "D1", "D0"])
    assert diagram.highlighted == "Z1"
    assert diagram.emphasised == ("Z1", "w(Z1->D0)", "D0", "w(Z1->D1)", "D1")  # once each
    assert emphasised_on_the_picture(diagram) == (["w(Z1->D0)", "w(Z1->D1)"], ["Z1", "D0", "D1"])
    bold = [n for n, t in diagram.unit_labels.items() if t.get_fontweight() == "bold"]
    assert bold == ["Z1", "D0", "D1"]
    one_path = diagram.to_png()
    diagram.label(trace, "deltas", highlight=("w(Z1->D0)", "Z1", "D0"))
    assert emphasised_on_the_picture(diagram) == (["w(Z1->D0)"], ["Z1", "D0"])
    assert diagram.to_png() != one_path
    diagram.label(trace, "deltas", highlight="Z2")  # one name, as before
    assert (diagram.highlighted, diagram.emphasised) == ("Z2", ("Z2",))
    assert emphasised_on_the_picture(diagram) == ([], ["Z2"])
    diagram.label(trace, "deltas")
    assert (diagram.highlighted, diagram.emphasised) == (None, ())
    assert emphasised_on_the_picture(diagram) == ([], [])


def test_layout_highlight_keys_checks_every_name():
    keys = layout.Layout(article_step().unit_names).highlight_keys
    assert keys(None) == () and keys("X0->Z1") == ("w(X0->Z1)",)
    assert keys(["Z1", "X0->Z1", "w(X0->Z1)"]) == ("Z1", "w(X0->Z1)")
    for bad, fragment in [([], "non-empty list"), (["Z1", None], "non-empty list"),
                          ([["Z1"]], "non-empty list"), ({"Z1": 1}, "non-empty list"),
                          (["Z1", "D7"], "nothing named 'D7'"), (b"Z1", "non-empty list")]:
        with pytest.raises(BpkitError, match=re.escape(fragment)):
            keys(bad)


def test_label_updates_in_place_without_new_figures_or_artists():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    counts = (len(diagram.axes.texts), len(diagram.axes.lines), len(diagram.axes.patches),
              len(diagram.figure.axes))
    first = {n: t for n, t in diagram.link_labels.items()}
    for phase, highlight in itertools.product(PHASES, [None, "Z1", "w(Z0->D0)"]):
        diagram.label(trace, phase, highlight=highlight)
        diagram.to_png()
    assert (len(diagram.axes.texts), len(diagram.axes.lines), len(diagram.axes.patches),
            len(diagram.figure.axes)) == counts
    assert all(diagram.link_labels[n] is t for n, t in first.items())
    assert plt.get_fignums() == []


def test_png_changes_with_the_phase_and_the_numbers():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    images = []
    for phase in PHASES:
        diagram.label(trace, phase)
        images.append(diagram.to_png())
    assert all(png.startswith(b"\x89PNG") for png in images)
    assert len(set(images)) == 3
    other = Network([2, 3, 1], weights="random", seed=1).step(XOR_X[:1], XOR_Y[:1], ALPHA)
    diagram.label(other, "update")
    assert diagram.to_png() != images[2]


def test_svg_is_vector_with_every_label_as_text_and_the_same_each_time():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "update")
    svg = diagram.to_svg().decode()
    assert svg.startswith("<?xml") and "<image" not in svg  # no raster picture inside
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for link in trace.links.values():
        label = diagram.link_labels[link.name].get_text()
        assert label.replace(">", "&gt;") in texts or label in " ".join(texts), label
    assert f"{number(trace.links['w(X0->Z1)'].new)}" in " ".join(texts)
    assert diagram.to_svg().decode() == svg  # no date or random ids: nbval compares it
    diagram.label(trace, "deltas")
    assert diagram.to_svg().decode() != svg


def test_large_mode_has_bigger_fonts_and_figure():
    names = article_network().unit_names
    normal, large = NetworkDiagram(names), NetworkDiagram(names, large=True)
    for attr in ("link_labels", "unit_labels"):
        assert (next(iter(getattr(large, attr).values())).get_fontsize()
                > next(iter(getattr(normal, attr).values())).get_fontsize())
    assert large.title.get_fontsize() > normal.title.get_fontsize()
    assert all(large.figure.get_size_inches() > normal.figure.get_size_inches())
    # relative to the figure, the text is bigger too (what matters once scaled to a screen)
    assert (large.unit_labels["Z1"].get_fontsize() / large.figure.get_size_inches()[0]
            > normal.unit_labels["Z1"].get_fontsize() / normal.figure.get_size_inches()[0])


def overlaps(diagram):
    """Pairs of link labels that overlap each other, and link labels that overlap a unit box."""
    diagram.figure.canvas.draw()
    renderer = diagram.figure.canvas.get_renderer()
    links = {n: t.get_bbox_patch().get_window_extent(renderer)
             for n, t in diagram.link_labels.items()}
    units = {n: t.get_bbox_patch().get_window_extent(renderer)
             for n, t in diagram.unit_labels.items()}
    between = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(links.items(), 2)
               if box_a.overlaps(box_b)]
    on_units = [(a, u) for a, box in links.items() for u, ubox in units.items()
                if box.overlaps(ubox)]
    return between, on_units


@pytest.mark.parametrize("large", [False, True])
def test_article_labels_do_not_overlap_in_any_phase(large):
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names, large=large)
    for phase in PHASES:
        diagram.label(trace, phase)
        assert overlaps(diagram) == ([], []), phase


@pytest.mark.parametrize("seed", range(3))
def test_long_labels_on_the_seed_net_do_not_overlap(seed):
    """Slider-like weights (one decimal) and an odd lr give labels like '-2.3 -> -1.987'."""
    rng = np.random.default_rng(seed)
    weights = [np.round(rng.uniform(-3, 3, shape), 1) for shape in [(3, 3), (1, 4)]]
    trace = Network([2, 3, 1], weights=weights, loss="squared").step(XOR_X[3:], XOR_Y[3:],
                                                                      0.0372)
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "update")
    assert max(len(t.get_text()) for t in diagram.link_labels.values()) >= 12
    assert overlaps(diagram) == ([], [])


@pytest.mark.parametrize("sizes", [[2, 2, 2], [2, 4, 4, 1]])
def test_other_sizes_draw_every_link_and_label_it(sizes):
    net = Network(sizes, activation="tanh", weights="random", seed=2)
    Y = XOR_Y if sizes[-1] == 1 else XOR_X
    trace = net.step(XOR_X, Y, 0.1)
    diagram = NetworkDiagram(trace.unit_names)
    n_links = sum((m + 1) * n for m, n in itertools.pairwise(sizes))
    assert len(diagram.links) == len(diagram.link_labels) == n_links == len(trace.links)
    for phase in PHASES:
        diagram.label(trace, phase, sample=2)
        for name, link in trace.links.items():
            expected = (f"{number(link.old)} → {number(link.new)}" if phase == "update"
                        else number(link.old))
            assert diagram.link_labels[name].get_text() == expected
    last_hidden = trace.unit_names[-2][1]
    assert f"δ = {number(trace.units[last_hidden].delta[2])}" in (
        diagram.unit_labels[last_hidden].get_text())
    assert diagram.to_png().startswith(b"\x89PNG")


def test_bias_units_look_different_from_the_others():
    diagram = NetworkDiagram(article_network().unit_names)
    fill = {n: to_rgba(t.get_bbox_patch().get_facecolor()) for n, t in diagram.unit_labels.items()}
    assert fill["X0"] == fill["Z0"]
    assert all(fill[n] != fill["X0"] for n in ("X1", "X2", "Z1", "Z2", "Z3", "D0"))


def test_bad_input_is_refused_with_a_message():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    with pytest.raises(BpkitError, match="phase"):
        diagram.label(trace, "sideways")
    with pytest.raises(BpkitError, match="sample"):
        diagram.label(trace, "forward", sample=1)
    other = Network([2, 2, 1]).step(XOR_X, XOR_Y, 0.1)
    with pytest.raises(BpkitError, match=r"\[2, 2, 1\]"):
        diagram.label(other, "forward")
    with pytest.raises(BpkitError, match="two layers"):
        NetworkDiagram([["X0"]])


def test_draw_returns_a_notebook_figure_outside_pyplot_for_one_phase():
    trace = article_step()
    ref = article_reference()
    figure = draw(trace, "update", large=True)
    assert isinstance(figure, NotebookFigure)
    assert plt.get_fignums() == []
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert f"1 → {number(ref.new['w(X0->Z1)'])}" in texts
    assert texts.count(layout.labels(trace, "update").title) == 1
    large = figure.get_size_inches()
    assert all(large > draw(trace, "update", large=False).get_size_inches())
    deltas = [t.get_text() for t in draw(trace, "deltas").axes[0].texts]
    assert layout.labels(trace, "deltas").title in deltas


# ----- refused input ------------------------------------------------------------------------------
TRACE_EXPECTED = ("trace must be a StepTrace, the result of net.step(...) or "
                  "net.preview_step(...)")


@pytest.mark.parametrize("trace", [None, "trace", 1.5, [], {}, article_network()])
def test_draw_says_what_a_trace_is(trace):
    with pytest.raises(BpkitError, match=re.escape(TRACE_EXPECTED)):
        draw(trace)


@pytest.mark.parametrize("trace", [None, "trace", [], article_network()])
def test_label_says_what_a_trace_and_changes_nothing(trace):
    diagram = NetworkDiagram(article_step().unit_names)
    diagram.label(article_step(), "deltas", highlight="Z1")
    before = shown(diagram)
    with pytest.raises(BpkitError, match=re.escape(TRACE_EXPECTED)):
        diagram.label(trace, "forward")
    assert shown(diagram) == before
    assert (diagram.phase, diagram.highlighted) == ("deltas", "Z1")


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"phase": "backward"}, "unknown phase 'backward'"),
    ({"phase": ["forward"]}, "unknown phase ['forward']"),
    ({"sample": 1}, "sample must be a whole number from 0 to 0"),
    ({"sample": None}, "sample must be a whole number from 0 to 0"),
    ({"highlight": ["Z1", "Q1"]}, "nothing named 'Q1' to highlight"),
    ({"highlight": []}, "or a non-empty list of them; got []"),
    ({"highlight": ["Z1", 1]}, "or a non-empty list of them"),
    ({"highlight": "Q1"}, "nothing named 'Q1' to highlight"),
])
def test_a_refused_label_leaves_the_diagram_as_it_was(kwargs, fragment):
    diagram = NetworkDiagram(article_step().unit_names)
    diagram.label(article_step(), "update")
    before = shown(diagram)
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        diagram.label(article_step(), **{"phase": "forward", **kwargs})
    assert shown(diagram) == before and diagram.phase == "update"


@pytest.mark.parametrize("names", ["abc", 3, None, [["X0", "X1"], "D0"], [[1, 2], [3]],
                                   [["a", "b"], ["c"]], [["X0", "X1"], ["Z0"], ["D0"]]])
def test_a_diagram_needs_a_networks_unit_names(names):
    with pytest.raises(BpkitError, match=re.escape(
            "unit_names must be a network's unit names (net.unit_names or trace.unit_names)")):
        NetworkDiagram(names)


@pytest.mark.parametrize("large", ["yes", 1, 0, [], np.array([True])])
def test_a_diagram_is_large_or_normal_or_left_to_lecture_mode(large):
    with pytest.raises(BpkitError, match="large must be True, False or None"):
        NetworkDiagram(article_step().unit_names, large=large)


def test_a_diagram_left_to_lecture_mode_follows_it(monkeypatch):
    names = article_step().unit_names
    monkeypatch.setenv("BPKIT_LECTURE", "1")
    assert NetworkDiagram(names, large=None).large
    monkeypatch.setenv("BPKIT_LECTURE", "0")
    assert not NetworkDiagram(names, large=None).large
