"""The forward pass on its own: each unit's a and z by name, with no step taken."""

import math

import numpy as np
import pytest
import reference

from bpkit import (
    ALPHA,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    StepTrace,
    article_network,
    computations,
    forward_trace,
)


def test_the_articles_first_sample_gives_the_reference_forward_pass():
    net = article_network("squared")
    trace = forward_trace(net, XOR_X[0], XOR_Y[0])
    ref = reference.article_step(tuple(XOR_X[0]), XOR_Y[0, 0], ALPHA, sign=1.0)
    assert isinstance(trace, StepTrace)
    for name, unit in trace.units.items():
        assert unit.z[0] == pytest.approx(ref.z[name]), name
        if unit.a is not None:
            assert unit.a[0] == pytest.approx(ref.a[name]), name
    assert trace.outputs[0, 0] == pytest.approx(ref.z["D0"])
    assert trace.loss == pytest.approx(ref.loss)


@pytest.mark.parametrize("activation", ["identity", "tanh", "sigmoid", "relu"])
def test_a_batch_matches_predict_and_the_start_of_a_step(activation):
    net = Network([2, 3, 2], activation=activation, weights="random", seed=3)
    Y = np.column_stack([XOR_Y[:, 0], 1 - XOR_Y[:, 0]])
    trace = forward_trace(net, XOR_X, Y)
    step = net.preview_step(XOR_X, Y, ALPHA)
    np.testing.assert_array_equal(trace.outputs, net.predict(XOR_X))
    for mine, stepped in zip(trace.a + trace.z, step.a + step.z):
        np.testing.assert_array_equal(mine, stepped)
    for mine, stepped in zip(trace.old_weights, step.old_weights):
        np.testing.assert_array_equal(mine, stepped)
    assert trace.loss == net.loss(XOR_X, Y)
    np.testing.assert_array_equal(trace.inputs, step.inputs)
    np.testing.assert_array_equal(trace.targets, step.targets)


def test_the_forward_computations_are_the_ones_a_step_shows():
    net = article_network("squared")
    for sample in range(4):
        mine = computations(forward_trace(net, XOR_X, XOR_Y), "forward", sample)
        stepped = computations(net.preview_step(XOR_X, XOR_Y, ALPHA), "forward", sample)
        assert mine == stepped


def test_no_step_is_taken_and_no_step_number_is_made_up():
    net = article_network("squared")
    before = net.weights
    trace = forward_trace(net, XOR_X, XOR_Y)
    for kept, now in zip(before, net.weights):
        np.testing.assert_array_equal(kept, now)
    assert math.isnan(trace.lr) and math.isnan(trace.loss_after)
    assert np.isnan(trace.outputs_after).all()
    for arrays in (trace.deltas, trace.gradients, trace.new_weights):
        assert all(np.isnan(array).all() for array in arrays)
    assert all(np.isnan(unit.delta).all() for unit in trace.units.values()
               if unit.delta is not None)


def test_the_trace_is_its_own_copy_of_the_weights():
    net = article_network("squared")
    trace = forward_trace(net, XOR_X[0], XOR_Y[0])
    net.set_weight("X0->Z1", 5.0)
    assert trace.links["w(X0->Z1)"].old == 1.0
    assert trace.units["Z1"].a[0] == 1.0


@pytest.mark.parametrize(("X", "Y", "says"), [
    ("0, 0", [0], "X (the inputs)"),
    ([0, 0, 0], [0], "X (the inputs)"),
    ([0, math.nan], [0], "X (the inputs)"),
    ([0, 0], [None], "Y (the targets)"),
    (XOR_X, XOR_Y[:2], "every input row needs one target row"),
])
def test_bad_input_is_refused_and_the_weights_stay(X, Y, says):
    net = article_network("squared")
    before = net.weights
    with pytest.raises(BpkitError, match=says.replace("(", r"\(").replace(")", r"\)")):
        forward_trace(net, X, Y)
    for kept, now in zip(before, net.weights):
        np.testing.assert_array_equal(kept, now)


def test_logistic_targets_outside_zero_to_one_are_refused():
    net = Network([2, 1], output_activation="sigmoid", loss="logistic")
    with pytest.raises(BpkitError, match="between 0 and 1"):
        forward_trace(net, [0, 1], [2])


def test_weights_whose_pass_overflows_are_refused():
    net = Network([2, 3, 1], weights=1e200)
    with pytest.raises(BpkitError, match="overflows to inf or nan"):
        forward_trace(net, [1, 1], [0])


@pytest.mark.parametrize("not_a_network", [None, "article", article_network().weights])
def test_only_a_network_is_accepted(not_a_network):
    with pytest.raises(BpkitError, match="net must be a bpkit Network"):
        forward_trace(not_a_network, XOR_X[0], XOR_Y[0])


@pytest.mark.parametrize("phase", ["deltas", "update"])
def test_a_forward_pass_alone_has_no_deltas_or_update_to_show(phase):
    trace = forward_trace(article_network("squared"), XOR_X[:1], XOR_Y[:1])
    with pytest.raises(BpkitError, match=f"forward pass alone.*no {phase} phase.*preview_step"):
        computations(trace, phase)
