"""sweep: the reverse sweep as steps, each gradient the sum of its shares, nodes named."""

import pytest

from bpkit import XOR_X, XOR_Y, BpkitError, article_network, network_loss
from bpkit.core.autograd import Value, topological_order
from bpkit.core.lessons.sweep import node_name, reverse_sweep


def unit():
    w0, w1 = Value(0.5, "w0"), Value(-1.0, "w1")
    a = w0 * Value(1.0, "X0") + w1 * Value(2.0, "X1")
    a.label = "a"
    z = a.tanh()
    z.label = "z"
    return z


def test_the_sweep_runs_backward_and_lists_every_node_output_first():
    z = unit()
    steps = reverse_sweep(z)
    assert [s.node for s in steps] == list(reversed(topological_order(z)))
    assert steps[0].node is z and steps[0].shares == () and z.grad == 1.0
    assert steps[0].text == "z: the output, so its gradient is 1"
    seen = set()
    for step in steps:  # every user of a node is finished before the node
        assert all(share.user in seen for share in step.shares)
        seen.add(step.node)


def test_each_gradient_is_the_sum_of_its_shares():
    J, _ = network_loss(article_network("squared"), XOR_X[:1], XOR_Y[:1])
    for step in reverse_sweep(J)[1:]:
        assert sum(s.amount for s in step.shares) == pytest.approx(step.node.grad, rel=1e-12)
        assert all(s.amount == s.local * s.user.grad for s in step.shares)


def test_a_fork_shows_both_shares_and_says_they_add():
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    f = x * y + x
    x_step = next(s for s in reverse_sweep(f) if s.node is x)
    assert [s.amount for s in x_step.shares] == [y.data, 1.0]
    assert x_step.text == ("x: gradient = -3 × 1 from x·y + 1 × 1 from x·y + x = -2 "
                           "(used 2 times: the shares add)")


def test_a_step_text_has_the_local_derivative_the_incoming_gradient_and_the_sum():
    z = unit()
    a_step = next(s for s in reverse_sweep(z) if s.node.label == "a")
    slope = 1 - z.data**2
    assert a_step.text == (f"a: gradient = {slope:.4g} × 1 from z = {slope:.4g}")


def test_node_names():
    x, y = Value(2.0, "x"), Value(-3.0)
    assert node_name(x) == "x" and node_name(y) == "-3"
    assert node_name(x * y + x) == "x·-3 + x"
    deep = (x * x + x) * x + x
    assert node_name(deep) == "add (6)·x + x"
    assert node_name(deep, depth=0) == "add (14)"
    assert node_name(x.tanh()) == "tanh (0.964)"
    assert node_name(x**2) == "**2 (4)"


@pytest.mark.parametrize("root", [None, 2.0, "J"])
def test_a_non_value_is_refused(root):
    with pytest.raises(BpkitError, match="must be a Value"):
        reverse_sweep(root)
    with pytest.raises(BpkitError, match="must be a Value"):
        node_name(root)


@pytest.mark.parametrize("depth", [-1, 11, 1.5, True, None])
def test_a_bad_depth_is_refused(depth):
    with pytest.raises(BpkitError, match="depth"):
        node_name(Value(1.0), depth)
