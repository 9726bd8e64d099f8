"""draw.graph: the layout runs left to right by dependence, folds stay faithful, labels read."""

import pytest
from matplotlib.patches import FancyArrowPatch
from matplotlib.transforms import Bbox

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network, network_loss, number
from bpkit.core.autograd import Value, topological_order
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.graph import MAX_NODES, draw_graph, graph_layout
from bpkit.draw.layout import LARGE, NORMAL


def unit():
    w0, w1, w2 = Value(0.5, "w0"), Value(-1.0, "w1"), Value(2.0, "w2")
    a = w0 * Value(1.0, "X0") + w1 * Value(1.0, "X1") + w2 * Value(0.0, "X2")
    a.label = "a"
    z = a.tanh()
    z.label = "z"
    z.backward()
    return z


def article_graph():
    J, _ = network_loss(article_network("squared"), XOR_X[:1], XOR_Y[:1])
    J.backward()
    return J


def texts(figure):
    return [t.get_text() for t in figure.axes[0].texts]


@pytest.mark.parametrize("make", [unit, article_graph])
@pytest.mark.parametrize("fold", [True, False])
def test_every_edge_runs_left_to_right_and_no_two_nodes_overlap(make, fold):
    root = make()
    layout = graph_layout(root, fold)
    assert all(layout.position[a][0] < layout.position[b][0] for a, b in layout.edges)
    spots = list(layout.position.values())
    assert len(set(spots)) == len(spots)
    assert layout.position[root][0] == layout.columns - 1
    assert max(y for _, y in spots) - min(y for _, y in spots) <= layout.rows - 1


def test_without_folding_every_node_and_edge_is_drawn():
    z = unit()
    layout = graph_layout(z, fold=False)
    order = topological_order(z)
    assert set(layout.nodes) == set(order)
    assert len(layout.edges) == sum(len(n.parents) for n in order)


def test_folding_keeps_every_labelled_node_and_merges_add_chains_and_numbers():
    J = article_graph()
    layout = graph_layout(J)
    labelled = {n for n in topological_order(J) if n.label}
    assert labelled <= set(layout.nodes)
    assert len(layout.nodes) < len(topological_order(J))
    a = next(n for n in layout.nodes if n.label == "a(Z1)")
    assert len([e for e in layout.edges if e[1] is a]) == 3  # one add node, three products
    assert "J [× 0.5]" in layout.titles.values()


def test_the_sweep_order_finishes_each_node_after_every_node_it_feeds():
    layout = graph_layout(article_graph())
    place = {node: i for i, node in enumerate(layout.sweep)}
    assert all(place[user] < place[node] for node, user in layout.edges)
    assert layout.sweep[0].label == "J"


def test_the_drawing_shows_values_and_the_gradients_the_sweep_reached():
    z = unit()
    done = draw_graph(z, title="one unit")
    assert isinstance(done, NotebookFigure) and "one unit" in texts(done)
    grads = [t for t in texts(done) if t.startswith("grad")]
    assert len(grads) == len(graph_layout(z).nodes) and "grad ?" not in grads
    assert f"z [tanh]\n{number(z.data)}" in texts(done) and "grad 1" in grads
    halfway = texts(draw_graph(z, done=2))
    assert halfway.count("grad ?") == len(grads) - 2
    assert texts(draw_graph(z, done=0)).count("grad ?") == len(grads)
    assert draw_graph(z)._repr_png_()[:4] == b"\x89PNG"


def test_the_article_graph_fits_a_screen():
    figure = draw_graph(article_graph())
    width, height = figure.get_size_inches() * figure.dpi
    assert width <= 1600 and height <= 1000


def drawn(figure):
    """The figure drawn once: its node boxes, its arrows' (start, tip) and every text's extent."""
    figure.canvas.draw()
    axes = figure.axes[0]
    boxes = [t.get_bbox_patch().get_window_extent() for t in axes.texts if t.get_bbox_patch()]
    arrows = []
    for patch in axes.patches:
        if isinstance(patch, FancyArrowPatch):
            points = patch.get_transform().transform(patch.get_path().vertices[:-1])
            arrows.append((points[0], max(points, key=lambda point: point[0])))
    extents = [t.get_window_extent() for t in axes.texts] + boxes
    return boxes, arrows, extents


@pytest.mark.parametrize("large", [False, True])
def test_node_text_is_as_large_as_the_network_diagrams(large):
    style = LARGE if large else NORMAL
    axes = draw_graph(unit(), done=2, title="t", large=large).axes[0]
    boxed = [t.get_fontsize() for t in axes.texts if t.get_bbox_patch()]
    grads = [t.get_fontsize() for t in axes.texts if t.get_text().startswith("grad")]
    assert boxed and min(boxed) >= style.unit_font
    assert grads and min(grads) >= style.link_font


@pytest.mark.parametrize("make", [unit, article_graph])
@pytest.mark.parametrize("title", ["", "a title"])
def test_the_figure_is_fitted_to_what_it_shows(make, title):
    figure = draw_graph(make(), title=title)
    _, _, extents = drawn(figure)
    shown = Bbox.union(extents)
    width, height = figure.get_size_inches() * figure.dpi
    margins = [shown.x0, shown.y0, width - shown.x1, height - shown.y1]
    assert all(-1 <= margin <= 0.3 * figure.dpi for margin in margins), margins


@pytest.mark.parametrize("make", [unit, article_graph])
@pytest.mark.parametrize("fold", [True, False])
def test_every_arrow_runs_from_a_box_edge_to_a_box_edge(make, fold):
    root = make()
    boxes, arrows, _ = drawn(draw_graph(root, fold=fold))
    assert len(arrows) == len(graph_layout(root, fold).edges)

    def on_edge(point, side):
        return any(abs(point[0] - getattr(box, side)) <= 3 and box.y0 <= point[1] <= box.y1
                   for box in boxes)

    assert all(on_edge(start, "x1") and on_edge(tip, "x0") for start, tip in arrows)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"done": -1}, "done"), ({"done": 99}, "done"), ({"done": 1.5}, "done"),
    ({"title": 3}, "title must be text"), ({"fold": "yes"}, "fold must be True or False"),
    ({"large": "yes"}, "large must be"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(BpkitError, match=message):
        draw_graph(unit(), **kwargs)


def test_a_huge_graph_is_refused_with_advice():
    net = Network([2, 12, 12, 1], weights="random")
    J, _ = network_loss(net, XOR_X, XOR_Y)
    assert len(topological_order(J)) > MAX_NODES
    with pytest.raises(BpkitError, match="draw one sample, or a smaller network"):
        draw_graph(J)


@pytest.mark.parametrize("root", [None, 2.0, "J"])
def test_a_non_value_is_refused(root):
    with pytest.raises(BpkitError, match="root must be a Value"):
        draw_graph(root)
