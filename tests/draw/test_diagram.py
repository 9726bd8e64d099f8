"""The network diagram: right numbers per view, in-place updates, no leaked figures, legible."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core.article import ALPHA
from bpkit.core.fmt import number
from bpkit.core.naming import PHASES
from bpkit.draw.diagram import CHANGED, HIGHLIGHT, UNCHANGED, NetworkDiagram, draw

VIEWS = PHASES


def article_step(loss="article"):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def numpy_article_step(sign):
    """The article's step on (0, 0) done by hand with numpy: forward, deltas, new weights."""
    x = np.array([1.0, *XOR_X[0]])
    w1, w2 = np.ones((3, 3)), np.ones((1, 4))
    hidden = w1 @ x
    z_hidden = np.array([1.0, *hidden])
    h = float((w2 @ z_hidden)[0])
    y = float(XOR_Y[0, 0])
    d_out = (y - h) if sign == "article" else (h - y)
    d_hidden = w2[0, 1:] * d_out
    new1 = w1 - ALPHA * np.outer(d_hidden, x)
    new2 = w2 - ALPHA * d_out * z_hidden
    return hidden, h, d_out, d_hidden, new1, new2


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "the diagram must not create pyplot figures"


def test_forward_view_labels_weights_and_each_units_a_and_z():
    trace = article_step()
    hidden, h, *_ = numpy_article_step("article")
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "forward")
    assert len(diagram.link_labels) == 13
    for name, link in trace.links.items():
        assert diagram.link_labels[name].get_text() == number(link.old) == "1"
    for k, value in enumerate(hidden, start=1):
        text = diagram.unit_labels[f"Z{k}"].get_text()
        assert f"a = {number(value)}" in text and f"z = {number(value)}" in text
    assert diagram.unit_labels["D0"].get_text() == f"D0\na = {number(h)}\nz = {number(h)}"
    assert number(h) == "4"  # the article's forward pass
    assert diagram.unit_labels["X1"].get_text() == "X1\nz = 0"
    assert diagram.unit_labels["X0"].get_text() == "X0\nz = 1"
    assert "a =" not in diagram.unit_labels["Z0"].get_text()
    assert f"h = {number(h)}" in diagram.title.get_text()


@pytest.mark.parametrize("sign", ["article", "squared"])
def test_backward_view_labels_deltas_and_none_for_input_and_bias(sign):
    trace = article_step(sign)
    _, _, d_out, d_hidden, *_ = numpy_article_step(sign)
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "deltas")
    assert diagram.unit_labels["D0"].get_text() == f"D0\nδ = {number(d_out)}"
    for k, delta in enumerate(d_hidden, start=1):
        assert diagram.unit_labels[f"Z{k}"].get_text() == f"Z{k}\nδ = {number(delta)}"
    for unit in ("X0", "X1", "X2", "Z0"):
        assert diagram.unit_labels[unit].get_text() == f"{unit}\nno δ"
    for name, link in trace.links.items():
        assert diagram.link_labels[name].get_text() == number(link.old)
    assert number(d_out) == ("-4" if sign == "article" else "4")


@pytest.mark.parametrize("sign", ["article", "squared"])
def test_update_view_labels_old_to_new_and_highlights_exactly_the_changed_links(sign):
    trace = article_step(sign)
    *_, new1, new2 = numpy_article_step(sign)
    diagram = NetworkDiagram(trace.unit_names)
    diagram.label(trace, "update")
    expected = {}
    for j, target in enumerate(["Z1", "Z2", "Z3"]):
        for i, source in enumerate(["X0", "X1", "X2"]):
            expected[f"w({source}->{target})"] = new1[j, i]
    for i, source in enumerate(["Z0", "Z1", "Z2", "Z3"]):
        expected[f"w({source}->D0)"] = new2[0, i]
    changed = {name for name, new in expected.items() if new != 1.0}
    # the article: X0 and hidden links move (1.4 with its sign, 0.6 with the right one)
    assert changed == {"w(X0->Z1)", "w(X0->Z2)", "w(X0->Z3)", "w(Z0->D0)", "w(Z1->D0)",
                       "w(Z2->D0)", "w(Z3->D0)"}
    for name, new in expected.items():
        assert diagram.link_labels[name].get_text() == f"1 → {number(new)}"
        line = diagram.links[name]
        look = CHANGED if name in changed else UNCHANGED
        assert to_rgba(line.get_color()) == to_rgba(look["color"])
        assert line.get_linewidth() == look["linewidth"]
    widths = {name: line.get_linewidth() for name, line in diagram.links.items()}
    assert min(widths[n] for n in changed) > max(w for n, w in widths.items() if n not in changed)
    assert {number(new) for name, new in expected.items() if name in changed} == (
        {"1.4"} if sign == "article" else {"0.6"})


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


def test_show_updates_in_place_without_new_figures_or_artists():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    counts = (len(diagram.axes.texts), len(diagram.axes.lines), len(diagram.axes.patches),
              len(diagram.figure.axes))
    first = {n: t for n, t in diagram.link_labels.items()}
    for view, highlight in itertools.product(VIEWS, [None, "Z1", "w(Z0->D0)"]):
        diagram.label(trace, view, highlight=highlight)
        diagram.to_png()
    assert (len(diagram.axes.texts), len(diagram.axes.lines), len(diagram.axes.patches),
            len(diagram.figure.axes)) == counts
    assert all(diagram.link_labels[n] is t for n, t in first.items())
    assert plt.get_fignums() == []


def test_png_changes_with_the_view_and_the_numbers():
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names)
    images = []
    for view in VIEWS:
        diagram.label(trace, view)
        images.append(diagram.to_png())
    assert all(png.startswith(b"\x89PNG") for png in images)
    assert len(set(images)) == 3
    other = Network([2, 3, 1], weights="random", seed=1).step(XOR_X[:1], XOR_Y[:1], ALPHA)
    diagram.label(other, "update")
    assert diagram.to_png() != images[2]


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
def test_article_labels_do_not_overlap_in_any_view(large):
    trace = article_step()
    diagram = NetworkDiagram(trace.unit_names, large=large)
    for view in VIEWS:
        diagram.label(trace, view)
        assert overlaps(diagram) == ([], []), view


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
    for view in VIEWS:
        diagram.label(trace, view, sample=2)
        for name, link in trace.links.items():
            expected = (f"{number(link.old)} → {number(link.new)}" if view == "update"
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


def test_draw_returns_a_figure_outside_pyplot_that_shows_itself():
    trace = article_step()
    figure = draw(trace, view="update", large=True)
    assert isinstance(figure, Figure)
    assert plt.get_fignums() == []
    assert figure._repr_png_().startswith(b"\x89PNG")
    assert repr(figure).startswith("<Figure size ")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "1 → 1.4" in texts
