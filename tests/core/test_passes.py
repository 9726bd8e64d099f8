"""Counting and timing the passes of finite differences and of backprop."""

import numpy as np
import pytest

from bpkit import (
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    count_passes,
    finite_difference_gradients,
    time_gradients,
    timing_table,
)
from bpkit.core.lessons.passes import CountingNetwork


@pytest.mark.parametrize("sizes", [[2, 3, 1], [2, 1], [4, 5, 5, 2]])
def test_passes_are_counted_exactly(sizes):
    net = Network(sizes, activation="tanh", weights="random", seed=3)
    before = net.weights
    X, Y = np.random.default_rng(0).uniform(size=(6, sizes[0])), np.full((6, sizes[-1]), 0.5)
    fd, bp = count_passes(net, X, Y)
    weights = sum(w.size for w in before)
    assert fd.weights == bp.weights == weights
    assert (fd.forward, fd.backward) == (2 * weights + 1, 0)  # + 1: J checked before any probe
    assert (bp.forward, bp.backward) == (1, 1)
    for w, b in zip(net.weights, before):
        np.testing.assert_array_equal(w, b)


def test_the_counting_network_gives_the_same_loss_and_gradients():
    net = article_network("squared", activation="sigmoid")
    probe = CountingNetwork.of(net)
    assert probe.loss(XOR_X, XOR_Y) == pytest.approx(net.loss(XOR_X, XOR_Y), rel=1e-15)
    assert (probe.counts.forward, probe.counts.backward) == (1, 0)
    for a, b in zip(finite_difference_gradients(probe, XOR_X, XOR_Y),
                    finite_difference_gradients(net, XOR_X, XOR_Y)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    copy = probe.copy()
    copy.gradients(XOR_X, XOR_Y)
    assert probe.counts.backward == copy.counts.backward  # copies count together


def test_a_counting_network_made_directly_counts_from_zero():
    net = CountingNetwork([2, 2, 1])
    net.predict(XOR_X)
    assert (net.counts.forward, net.counts.backward) == (1, 0)


def test_count_passes_refuses_bad_input():
    with pytest.raises(BpkitError):
        count_passes("net", XOR_X, XOR_Y)
    with pytest.raises(BpkitError):
        count_passes(article_network("squared"), XOR_X, [[1]])


@pytest.fixture(scope="module")
def timings():
    return time_gradients([2, 8, 32], repeats=3)


def test_timings_count_exactly_and_are_sane(timings):
    weights = [t.weights for t in timings]
    assert weights == sorted(weights) and len(set(weights)) == 3
    for t in timings:
        assert t.finite_differences.forward == 2 * t.weights + 1
        assert (t.backprop.forward, t.backprop.backward) == (1, 1)
        assert t.fd_seconds > 0 and t.backprop_seconds > 0
        assert t.fd_seconds > t.backprop_seconds
    fd_growth = timings[-1].fd_seconds / timings[0].fd_seconds
    bp_growth = timings[-1].backprop_seconds / timings[0].backprop_seconds
    assert fd_growth > bp_growth


def test_the_timing_table_has_a_row_per_network(timings):
    table = timing_table(timings)
    assert [row[1] for row in table.rows] == [t.weights for t in timings]
    assert all(row[-1] == pytest.approx(row[4] / row[5]) for row in table.rows)
    assert all(row[6] == pytest.approx(row[4] / row[2]) for row in table.rows)


@pytest.mark.parametrize("kwargs", [{"widths": []}, {"widths": [0]}, {"widths": [65]},
                                    {"widths": "8"}, {"repeats": 0}, {"seed": -1}])
def test_time_gradients_refuses_bad_input(kwargs):
    with pytest.raises(BpkitError):
        time_gradients(**kwargs)


def test_timing_table_refuses_what_is_not_timings():
    with pytest.raises(BpkitError):
        timing_table([1, 2])


def test_05_large_steps_overshoot_every_weight_and_multiply_back():
    """05: at alpha 1 every moving weight goes from 1 to -3 and h = 24 stays above 0; h is 0 at
    alpha 0.25 and below 0 only between 1/4 and 1/3 (0.3 gives -0.08)."""
    x, y = XOR_X[:1], XOR_Y[:1]
    net = article_network("squared")
    moved = ["w(X0->Z1)", "w(X0->Z2)", "w(X0->Z3)", "w(Z0->D0)", "w(Z1->D0)", "w(Z2->D0)",
             "w(Z3->D0)"]
    step = net.preview_step(x, y, 1.0)
    assert all(step.links[name].new == pytest.approx(-3) for name in moved)
    assert step.outputs_after[0, 0] == pytest.approx(24) and step.loss_after == pytest.approx(288)
    assert net.preview_step(x, y, 0.25).outputs_after[0, 0] == pytest.approx(0, abs=1e-12)
    assert net.preview_step(x, y, 0.3).outputs_after[0, 0] == pytest.approx(-0.08)
    for lr in np.linspace(0.01, 1.0, 100):
        h = net.preview_step(x, y, lr).outputs_after[0, 0]
        w = 1 - 4 * lr
        assert h == pytest.approx(w + 3 * w * w)
        assert (h < 0) == (0.25 < lr < 1 / 3)


def test_05_loss_after_one_step_has_two_zeros_and_a_bump_between():
    """05: J after one step is 8 (3 alpha - 1)^2 (4 alpha - 1)^2.

    It is 0 at alpha 1/4 and 1/3 and rises to 1/288 at 7/24 between them: not a bowl.
    """
    import sympy as sp

    x, y = XOR_X[:1], XOR_Y[:1]
    net = article_network("squared")
    step = net.preview_step(x, y, 0.1)
    sym = net.symbolic()
    alpha = sp.Symbol("alpha", positive=True)
    moved = {sym.links[name][0]: sp.nsimplify(link.old) - alpha * sp.nsimplify(link.gradient)
             for name, link in step.links.items()}
    sample = dict(zip([*sym.inputs, *sym.targets], [1, 0, 0, 0]))
    J = sym.full_objective.subs(moved).subs(sample)
    assert sp.expand(J - 8 * (3 * alpha - 1) ** 2 * (4 * alpha - 1) ** 2) == 0
    third, quarter = sp.Rational(1, 3), sp.Rational(1, 4)
    assert set(sp.solve(sp.diff(J, alpha), alpha)) == {quarter, sp.Rational(7, 24), third}
    assert J.subs(alpha, sp.Rational(7, 24)) == sp.Rational(1, 288)
    for lr in (0.1, 0.25, 0.3, 1.0):
        assert float(J.subs(alpha, lr)) == pytest.approx(net.preview_step(x, y, lr).loss_after)
