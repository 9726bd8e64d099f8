from bpkit import ALPHA, XOR_X, XOR_Y, article_network, steps
from bpkit.widgets import show


def article_trace(loss):
    return article_network(loss).step(XOR_X[:1], XOR_Y[:1], ALPHA)


def test_computations_returns_math():
    found = steps.computations(article_trace("squared"), "forward")[:2]
    math_object = show.computations(found)
    assert math_object.data == steps.aligned(found)
    assert steps.aligned(found) in math_object._repr_latex_()
