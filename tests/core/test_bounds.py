"""Sizes and times with limits: each slow computation states what it would build, and refuses
before any work starts when that is over its limit.

The limits come from measurements on a 2-core machine under load (CPU time):
- ``network_loss``/``engine_gradients``: about 8 µs per Value built and swept back; a graph of
  199,165 Values (10-50-50-1 on 31 samples) took 1.5 to 1.6 s. Limit 200,000 Values.
- ``finite_difference_gradients`` (so ``check_gradients`` and ``count_passes``): 65 to 180 µs
  per forward pass (4-64-64-1 on 8 samples: 9,090 passes in 0.8 s), plus 0.3 to 1 ns per
  multiply-add. Limits 20,000 passes and 1e9 multiply-adds.
- ``time_gradients``: 65 µs per pass; [64] made 36,360 passes in 2.4 s. Limit 40,000 passes.
The notebooks' own calls stay far inside (checked below from their sizes).
"""

import time

import numpy as np
import pytest

import bpkit
from bpkit import XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core import gradcheck
from bpkit.core.autograd import topological_order
from bpkit.core.lessons import netgraph, passes

RNG = np.random.default_rng(0)
X64, Y64 = RNG.uniform(-1, 1, (64, 10)), RNG.uniform(-1, 1, (64, 1))


def refused_fast(call, *fragments):
    """The call is refused with every fragment in its message, in well under a second."""
    start = time.process_time()
    with pytest.raises(BpkitError) as caught:
        call()
    assert time.process_time() - start < 0.5, "the refusal must come before the work"
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    return str(caught.value)


# ----- the engine's graph ------------------------------------------------------------------
@pytest.mark.parametrize("call", [bpkit.engine_gradients, bpkit.network_loss])
def test_a_graph_of_millions_of_values_is_refused_naming_its_size(call):
    net = Network([10, 300, 300, 1], activation="tanh", weights="random")
    before = net.weights
    refused_fast(lambda: call(net, X64, Y64), "[10, 300, 300, 1] on 64 sample(s)",
                 "12,114,574 Values", "at most 200,000", "fewer samples")
    assert all((b == w).all() for b, w in zip(before, net.weights))


@pytest.mark.parametrize(("sizes", "n", "activation", "output", "loss"), [
    ([2, 3, 1], 1, "tanh", "identity", "squared"),
    ([2, 3, 1], 4, "sigmoid", "identity", "article"),
    ([3, 2, 2, 2], 3, "relu", "sigmoid", "logistic"),
    ([1, 1], 2, "identity", "tanh", "squared"),
    ([4, 5, 3, 2], 5, "tanh", "sigmoid", "squared"),
])
def test_graph_size_counts_exactly_the_values_network_loss_builds(sizes, n, activation, output,
                                                                  loss):
    net = Network(sizes, activation=activation, output_activation=output, loss=loss,
                  weights="random", seed=1)
    X, Y = RNG.uniform(-1, 1, (n, sizes[0])), RNG.uniform(0.1, 0.9, (n, sizes[-1]))
    J, _ = bpkit.network_loss(net, X, Y)
    assert netgraph.graph_size(net, n) == len(topological_order(J))


def test_the_largest_allowed_graph_is_just_inside_and_notebook_10_far_inside():
    net = Network([10, 50, 50, 1], weights="random")
    assert netgraph.graph_size(net, 31) <= netgraph.MAX_NODES < netgraph.graph_size(net, 32)
    refused_fast(lambda: bpkit.engine_gradients(net, RNG.uniform(-1, 1, (32, 10)),
                                                RNG.uniform(-1, 1, (32, 1))), "at most 200,000")
    tanh_net = Network([2, 3, 1], activation="tanh", weights="random", seed=2)
    for notebook_net in (article_network("squared"), tanh_net):  # notebook 10's calls
        assert netgraph.graph_size(notebook_net, len(XOR_X)) * 1000 < netgraph.MAX_NODES


# ----- finite differences, and what runs them ----------------------------------------------
BIG = [10, 1000, 1000, 1]


@pytest.mark.parametrize("call", [bpkit.finite_difference_gradients, bpkit.check_gradients,
                                  bpkit.count_passes])
def test_finite_differences_on_a_million_weights_are_refused_naming_the_passes(call):
    net = Network(BIG, weights="random")
    refused_fast(lambda: call(net, X64, Y64), "[10, 1000, 1000, 1] with 64 sample(s)",
                 "2,026,002 forward passes", "1.3e+14 multiply-adds", "at most 20,000 passes",
                 "1e+09 multiply-adds")


def test_each_limit_of_finite_differences_is_its_own():
    many_weights = Network([100, 100, 1], weights="random")  # 10,201 weights: 20,402 passes
    x, y = RNG.uniform(-1, 1, (1, 100)), [[0.5]]
    refused_fast(lambda: bpkit.finite_difference_gradients(many_weights, x, y),
                 "20,402 forward passes")
    many_samples = Network([10, 60, 1], weights="random")  # 721 weights: 1,442 passes
    x, y = RNG.uniform(-1, 1, (1000, 10)), RNG.uniform(-1, 1, (1000, 1))
    assert gradcheck.finite_difference_cost(many_samples.sizes, 1000) == (1442, 1442 * 721000)
    refused_fast(lambda: bpkit.finite_difference_gradients(many_samples, x, y), "1,442 forward",
                 "1e+09 multiply-adds")
    assert len(bpkit.finite_difference_gradients(many_samples, x[:100], y[:100])) == 2


def test_bad_input_is_still_named_before_the_size():
    refused_fast(lambda: bpkit.finite_difference_gradients(Network(BIG), [[1.0]], [[1.0]]),
                 "X (the inputs)")
    refused_fast(lambda: bpkit.engine_gradients(Network(BIG), [[1.0]], [[1.0]]),
                 "X (the inputs)")


def test_the_notebooks_finite_differences_are_far_inside_the_limits():
    calls = [([2, 3, 1], 4), ([3, 5, 2], 7), ([2, 2, 2], 1),  # notebooks 04, 11, 09 and 12
             ([passes.TIMING_INPUTS, passes.MAX_TIMED_WIDTH, passes.MAX_TIMED_WIDTH, 1],
              passes.TIMING_SAMPLES)]  # time_gradients' widest net
    for sizes, n in calls:
        fd_passes, work = gradcheck.finite_difference_cost(sizes, n)
        assert fd_passes <= gradcheck.MAX_PASSES / 2 and work <= gradcheck.MAX_MULTIPLY_ADDS / 3


# ----- time_gradients ----------------------------------------------------------------------
def test_timing_fifty_wide_networks_is_refused_naming_its_passes():
    message = refused_fast(lambda: bpkit.time_gradients([64] * 50),
                           "50 widths up to 64 with repeats=3", "1,818,000 forward passes",
                           "at most 40,000")
    assert "[64, 64" not in message
    refused_fast(lambda: bpkit.time_gradients([64, 64]), "[64, 64]", "72,720 forward passes")
    refused_fast(lambda: bpkit.time_gradients([32], repeats=100), "252,298 forward passes")


def test_notebook_12s_timing_is_well_inside_its_limit():
    widths = [2, 4, 8, 16, 32]  # notebook 12: time_gradients(widths=[2, 4, 8, 16, 32])
    made = sum(gradcheck.finite_difference_cost([4, w, w, 1], 8)[0] for w in widths) * 4
    assert made == 14_424 and made * 2 < passes.MAX_TIMED_PASSES
    assert gradcheck.finite_difference_cost([4, 64, 64, 1], 8)[0] * 4 <= passes.MAX_TIMED_PASSES
    assert bpkit.count_passes(Network([2, 3, 1], weights="random"), XOR_X, XOR_Y)[0].forward == 27
