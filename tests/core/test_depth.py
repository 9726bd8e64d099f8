"""Deltas layer by layer: the profile against finite differences, sympy's bound, the claims."""

import math

import numpy as np
import pytest
import sympy as sp

from bpkit import (
    ACTIVATIONS,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    deep_network,
    delta_profile,
    delta_profiles,
    deltas_during,
    depth_data,
    finite_difference_gradients,
    slope_bound,
)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_slope_bound_is_the_largest_slope_on_a_fine_grid(name):
    grid = np.linspace(-20, 20, 400_001)  # includes a = 0
    slopes = np.broadcast_to(ACTIVATIONS[name].df(grid), grid.shape)
    bound = float(slope_bound(name))
    assert slopes.max() <= bound + 1e-15
    assert slopes.max() == pytest.approx(bound, abs=1e-9)


def test_the_sigmoid_bound_is_exactly_a_quarter():
    assert slope_bound("sigmoid") == sp.Rational(1, 4)


def test_deep_network_scales_one_draw_of_random_weights():
    base = Network([3, 3, 3, 1], activation="tanh", weights="random", seed=4)
    for scale in (1.0, 0.5, 3.0):
        net = deep_network("tanh", scale, depth=2, width=3, seed=4)
        assert net.sizes == (3, 3, 3, 1) and net.activations == ("tanh", "tanh", "identity")
        for w, b in zip(net.weights, base.weights):
            np.testing.assert_array_equal(w, scale * b)
            assert np.abs(w).max() <= scale


def test_depth_data_is_seeded_and_apart_from_the_weights():
    X, Y = depth_data(5, 7, seed=2)
    X2, Y2 = depth_data(5, 7, seed=2)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert X.shape == (7, 5) and Y.shape == (7, 1)
    assert np.abs(X).max() <= 1 and Y.min() >= 0 and Y.max() <= 1
    assert not np.array_equal(X, depth_data(5, 7, seed=3)[0])
    first_weights = Network([5, 5, 1], weights="random", seed=2).weights[0].ravel()
    assert not np.isin(X.ravel(), first_weights).any()


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_mean_abs_delta_matches_finite_differences_of_the_bias_weights(name):
    """On one sample, dJ/dw of a unit's bias weight is its delta (its source X0 is 1)."""
    depth, width, scale = 3, 3, 1.5
    profile = delta_profile(name, scale, depth, width, seed=1)
    net = deep_network(name, scale, depth, width, seed=1)
    X, Y = depth_data(width, seed=1)
    per_layer = [[] for _ in range(depth + 1)]
    for i in range(len(X)):
        estimates = finite_difference_gradients(net, X[i:i + 1], Y[i:i + 1])
        for layer, g in enumerate(estimates):
            per_layer[layer].extend(np.abs(g[:, 0]))
    for got, deltas in zip(profile.mean_abs_delta, per_layer):
        assert got == pytest.approx(np.mean(deltas), rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("scale", [0.1, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("width", [1, 4, 10])
def test_each_layer_factor_is_within_its_bound(name, scale, width):
    for seed in range(3):
        profile = delta_profile(name, scale, 6, width, seed)
        for factor, bound in zip(profile.factors, profile.bounds):
            assert math.isnan(factor) or factor <= bound * (1 + 1e-12)


def test_in_a_sigmoid_chain_the_bound_is_a_quarter_of_each_weight():
    profile = delta_profile("sigmoid", 1.0, 10, 1, seed=0)
    net = deep_network("sigmoid", 1.0, 10, 1, seed=0)
    assert profile.bounds == pytest.approx([abs(w[0, 1]) / 4 for w in net.weights[1:]])
    assert profile.first_over_last <= 0.25 ** 9


def test_the_notebook_claims_hold_for_the_plotted_numbers():
    at = {scale: delta_profiles(scale) for scale in (0.25, 0.75, 1.0, 3.0)}
    for scale in (0.25, 0.75, 1.0):  # sigmoid vanishes: hidden 1 gets a tiny share
        assert at[scale]["sigmoid"].first_over_last < 1e-3
        assert max(at[scale]["sigmoid"].mean_slope) <= 0.25
    assert 0.1 < at[0.75]["relu"].first_over_last < 10  # relu at 0.75 neither vanishes nor explodes
    assert at[0.75]["relu"].first_over_last > 1e4 * at[0.75]["sigmoid"].first_over_last
    assert at[3.0]["tanh"].flat > 0.3 > at[0.75]["tanh"].flat  # big weights saturate tanh
    assert at[3.0]["tanh"].slope < at[0.75]["tanh"].slope
    assert at[3.0]["tanh"].first_over_last > 1  # ... yet its deltas grow: w is 3 times larger
    assert at[1.0]["relu"].flat == pytest.approx(at[3.0]["relu"].flat, abs=0.05)


def test_mean_factor_is_what_one_hidden_layer_keeps():
    for scale in (0.75, 1.0, 5.0):
        profile = delta_profile("sigmoid", scale)
        hidden = profile.factors[:-1]  # each hidden layer over the one above, not the output's
        assert profile.mean_factor ** len(hidden) == pytest.approx(profile.first_over_last)
        assert profile.mean_factor == pytest.approx(math.prod(hidden) ** (1 / len(hidden)))


def test_larger_weights_raise_the_sigmoid_cap_but_saturate_its_units():
    """12's table of the sigmoid at scales 0.75, 1, 3 and 5, and the sentences under it."""
    at = {scale: delta_profile("sigmoid", scale) for scale in (0.75, 1, 3, 5)}
    for scale, profile in at.items():  # the cap grows in step with the scale
        assert np.array(profile.bounds) == pytest.approx(scale * np.array(at[1].bounds))
    assert at[5].first_over_last == pytest.approx(0.04648, rel=1e-3)
    assert at[5].first_over_last < 1 / 20  # "under a twentieth"
    assert at[1].first_over_last == pytest.approx(1.342e-05, rel=1e-3)
    assert at[5].flat == pytest.approx(0.3656, rel=1e-3) and at[1].flat == 0
    assert at[5].slope == pytest.approx(0.05416, rel=1e-3)
    assert at[5].mean_factor == pytest.approx(0.7111, rel=1e-3)
    scales = sorted(at)  # bigger weights: more kept, more flat, a smaller mean slope
    assert [at[s].first_over_last for s in scales] == sorted(at[s].first_over_last for s in scales)
    assert [at[s].slope for s in scales] == sorted((at[s].slope for s in scales), reverse=True)
    assert [at[s].flat for s in scales] == sorted(at[s].flat for s in scales)


def test_relu_slope_at_zero_is_a_half_as_sympys_heaviside():
    """12: bpkit's relu'(0) is 0.5, sympy's Heaviside(0) (PyTorch takes 0)."""
    relu = ACTIVATIONS["relu"]
    assert float(relu.df(0.0)) == 0.5
    assert relu.derivative.func(0) == sp.Rational(1, 2)
    assert float(relu.df(-1e-12)) == 0 and float(relu.df(1e-12)) == 1


def test_the_profile_table_lists_every_layer():
    profile = delta_profile("tanh", 1.0, 3, 4)
    table = profile.table()
    assert [row[0] for row in table.rows] == ["hidden 1", "hidden 2", "hidden 3", "output"]
    assert table.rows[-1][2] is None and table.rows[0][1] == profile.mean_abs_delta[0]


@pytest.mark.parametrize("kwargs", [
    {"scale": 0}, {"scale": -1}, {"scale": "1"}, {"depth": 1}, {"depth": 51}, {"width": 0},
    {"activation": "swish"}, {"seed": -1}, {"scale": math.inf}, {"depth": True},
])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(BpkitError):
        delta_profile(**kwargs)


def test_overflowing_deltas_are_refused_by_name():
    with pytest.raises(BpkitError, match="overflow"):
        delta_profile("relu", 1e30, 20, 10)


@pytest.fixture(scope="module")
def plateau():
    net = Network([2, 3, 1], activation="sigmoid", weights="random", seed=1)
    history = net.train(XOR_X, XOR_Y, 0.1, 10000, snapshot_every=500)
    return net, history, deltas_during(net, history, XOR_X, XOR_Y)


def test_deltas_during_are_backprop_at_each_snapshot(plateau):
    _, history, record = plateau
    assert record.epochs == tuple(range(0, 10001, 500))
    for k, (_, weights) in enumerate(history.snapshots):
        probe = Network([2, 3, 1], activation="sigmoid", weights=weights)
        assert record.losses[k] == pytest.approx(probe.loss(XOR_X, XOR_Y), rel=1e-12)
        grads = probe.gradients(XOR_X, XOR_Y)
        assert record.largest_gradient[k] == pytest.approx([np.abs(g).max() for g in grads])
    assert record.losses[-1] == pytest.approx(history.losses[-1])


def test_the_plateau_claims_hold(plateau):
    _, _, record = plateau
    table = record.table([1000, 2000, 3000])
    for row in table.rows:  # the loss sits near 0.125, the output delta near 0.5
        _, loss, out, _, ratio, grad_hidden = row[:6]
        assert 0.12 < loss < 0.13 and 0.49 < out < 0.51
        assert ratio < 0.1 and grad_hidden < 0.003
    start, end = record.table([0, 10000]).rows
    assert start[5] > 50 * table.rows[0][5]  # the start's hidden gradient is far larger
    assert end[4] > 3 * table.rows[0][4]  # after the drop hidden deltas are a larger share
    assert end[7] > 4 * table.rows[0][7]  # because the output weights grew


def test_the_plateau_is_flat_for_both_layers(plateau):
    """12: during 07's plateau the output layer's gradients are as small as the hidden layer's."""
    _, _, record = plateau
    rows = record.table([500, 1000, 2000, 3000]).rows
    into_hidden = [row[5] for row in rows]
    into_output = [row[6] for row in rows]
    assert min(into_output) == pytest.approx(0.0002511, rel=1e-3)
    assert max(into_output) == pytest.approx(0.002883, rel=1e-3)
    assert min(into_hidden) == pytest.approx(0.00198, rel=1e-3)
    assert max(into_hidden) == pytest.approx(0.002724, rel=1e-3)
    assert max(into_output) < 1.1 * max(into_hidden)  # "as small as the hidden layer's"
    assert max(row[7] for row in rows) == pytest.approx(0.6151, rel=1e-3)
    assert all(row[4] < 0.1 for row in rows)  # hidden deltas under a tenth of the output's
    assert min(row[2] for row in rows) > 0.49  # while the output delta stays near 0.5
    after = record.table([6500]).rows[0]
    assert after[5] == pytest.approx(0.01038, rel=1e-3)
    assert after[6] == pytest.approx(0.01111, rel=1e-3)
    assert after[7] > 2  # the output weights have grown past 2
    assert after[5] > 3 * max(into_hidden) and after[6] > 3 * max(into_output)


def test_deltas_during_refuses_what_it_cannot_use(plateau):
    net, history, record = plateau
    with pytest.raises(BpkitError, match="snapshot"):
        deltas_during(net, net.train(XOR_X, XOR_Y, 0.1, 2), XOR_X, XOR_Y)
    with pytest.raises(BpkitError, match="do not fit"):
        deltas_during(Network([2, 4, 1]), history, XOR_X, XOR_Y)
    with pytest.raises(BpkitError):
        deltas_during(net, "history", XOR_X, XOR_Y)
    with pytest.raises(BpkitError, match="no snapshot"):
        record.table([7])
    with pytest.raises(BpkitError):
        record.table([])
