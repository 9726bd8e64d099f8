"""draw.graph: the layout runs left to right by dependence, folds stay faithful, labels read."""

import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network, network_loss, number
from bpkit.core.autograd import Value, topological_order
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.graph import MAX_NODES, draw_graph, graph_layout


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
