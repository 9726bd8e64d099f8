"""Mazur's example: bpkit's numbers equal his published figures, and his names map onto ours.

The published figures below are literals from Matt Mazur, "A Step by Step Backpropagation
Example" (2015), https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/ ,
each compared to the digits he prints. His w1..w8 are named there by the links they sit on
(w1: i1 -> h1, ..., w8: h2 -> o2); b1 is the hidden layer's bias, b2 the output layer's.
"""

import math

import numpy as np
import pytest

from bpkit import (
    MAZUR_ALPHA,
    MAZUR_START,
    MAZUR_X,
    MAZUR_Y,
    BpkitError,
    mazur_links,
    mazur_names,
    mazur_network,
    mazur_units,
    mazur_update,
    update_output_layer_first,
)
from bpkit.core.lessons.mazur import MAZUR_PUBLISHED, ORDERS, his_rounds
from bpkit.core.network import with_bias

PUBLISHED_FORWARD = {"Z1": "0.593269992", "Z2": "0.596884378",  # out_h1, out_h2
                     "D0": "0.75136507", "D1": "0.772928465"}  # out_o1, out_o2
PUBLISHED_E_TOTAL = "0.298371109"
PUBLISHED_NEW = {"w5": "0.35891648", "w6": "0.408666186", "w7": "0.511301270",
                 "w8": "0.561370121", "w1": "0.149780716", "w2": "0.19956143",
                 "w3": "0.24975114", "w4": "0.29950229"}
"""His weights after one step at learning rate 0.5 (his biases are not updated)."""
PUBLISHED_LATER = {"E_total after 1 round": "0.291027924",
                   "out_o1 after 10,000 rounds": "0.015912196",
                   "out_o2 after 10,000 rounds": "0.984065734",
                   "E_total after 10,000 rounds": "0.0000351085"}
"""His figures after the first round and after 10,000 rounds of the same step (biases kept)."""
HIS_LINKS = {"w1": ("i1", "h1"), "w2": ("i2", "h1"), "w3": ("i1", "h2"), "w4": ("i2", "h2"),
             "w5": ("h1", "o1"), "w6": ("h2", "o1"), "w7": ("h1", "o2"), "w8": ("h2", "o2")}
"""Each of his weights by the link he draws it on."""


def to_digits(value, published):
    """``value`` written with as many decimals as the published figure."""
    return f"{value:.{len(published.split('.')[1])}f}"


def step():
    return mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)


def test_his_data_and_learning_rate():
    assert MAZUR_X.tolist() == [[0.05, 0.10]] and MAZUR_Y.tolist() == [[0.01, 0.99]]
    assert MAZUR_ALPHA == 0.5


def test_the_forward_pass_and_e_total_equal_his_figures():
    trace = step()
    for unit, published in PUBLISHED_FORWARD.items():
        assert to_digits(float(trace.units[unit].z[0]), published) == published, unit
    assert to_digits(trace.loss, PUBLISHED_E_TOTAL) == PUBLISHED_E_TOTAL


def test_our_j_equals_his_e_total_formula_computed_by_hand():
    """E_total = sum over outputs of 1/2 (target - out)^2, his forward pass in plain floats."""
    w = dict(MAZUR_START)
    i1, i2 = MAZUR_X[0]

    def sigmoid(a):
        return 1 / (1 + math.exp(-a))

    h1 = sigmoid(w["w1"] * i1 + w["w2"] * i2 + w["b1"])
    h2 = sigmoid(w["w3"] * i1 + w["w4"] * i2 + w["b1"])
    o1 = sigmoid(w["w5"] * h1 + w["w6"] * h2 + w["b2"])
    o2 = sigmoid(w["w7"] * h1 + w["w8"] * h2 + w["b2"])
    e_total = 0.5 * (MAZUR_Y[0, 0] - o1) ** 2 + 0.5 * (MAZUR_Y[0, 1] - o2) ** 2
    net = mazur_network()
    assert net.loss(MAZUR_X, MAZUR_Y) == pytest.approx(e_total, rel=1e-14)
    assert net.predict(MAZUR_X)[0].tolist() == pytest.approx([o1, o2], rel=1e-14)


def test_one_step_gives_his_new_weights_by_his_names():
    trace = step()
    links = mazur_links()
    for his_name, published in PUBLISHED_NEW.items():
        (link,) = links[his_name]
        assert to_digits(trace.links[link].new, published) == published, his_name


def test_his_names_are_our_units_and_links():
    assert mazur_units() == {"i1": "X1", "i2": "X2", "h1": "Z1", "h2": "Z2", "o1": "D0",
                             "o2": "D1"}
    units, links = mazur_units(), mazur_links()
    for his_name, (source, target) in HIS_LINKS.items():
        assert links[his_name] == (f"w({units[source]}->{units[target]})",), his_name
    assert links["b1"] == ("w(X0->Z1)", "w(X0->Z2)")
    assert links["b2"] == ("w(Z0->D0)", "w(Z0->D1)")
    every = [link for names in links.values() for link in names]
    ours = [name for layer in mazur_network().link_names for row in layer for name in row]
    assert sorted(every) == sorted(ours)  # every link once: eight weights and four biases


def test_the_network_starts_from_his_weights_with_sigmoids_and_squared_error():
    net = mazur_network()
    assert net.sizes == (2, 2, 2)
    assert net.activations == ("sigmoid", "sigmoid") and net.loss_name == "squared"
    for his_name, links in mazur_links().items():
        assert [net.weight(link) for link in links] == [MAZUR_START[his_name]] * len(links)
    assert mazur_network() is not net  # a fresh network each time


def test_the_name_table_is_read_from_the_network():
    table = mazur_names()
    assert table.header == ("Mazur", "his link", "bpkit", "start")
    rows = {row[0]: row for row in table.rows}
    assert list(rows) == list(mazur_links())
    assert rows["w5"] == ("w5", "h1 -> o1", "w(Z1->D0)", 0.4)
    assert rows["b1"] == ("b1", "bias -> h1, h2", "w(X0->Z1), w(X0->Z2)", 0.35)


def test_his_update_differs_from_ours_only_in_the_bias_weights():
    trace = step()
    his = mazur_update(trace)
    assert list(his) == list(trace.links)
    differ = [name for name, link in trace.links.items() if his[name] != link.new]
    assert differ == [*mazur_links()["b1"], *mazur_links()["b2"]]
    for name in differ:
        assert his[name] == trace.links[name].old != trace.links[name].new
    # his w5 and w1, from his rule, are ours to the last bit
    assert his["w(Z1->D0)"] == trace.links["w(Z1->D0)"].new
    assert to_digits(his["w(X1->Z1)"], PUBLISHED_NEW["w1"]) == PUBLISHED_NEW["w1"]


def test_his_hidden_weights_use_the_old_output_weights():
    """w1's gradient from the output weights before the step, as he computes it."""
    trace = step()
    d = {u: float(trace.units[u].delta[0]) for u in ("D0", "D1", "Z1")}
    z1 = float(trace.units["Z1"].z[0])
    by_old = (MAZUR_START["w5"] * d["D0"] + MAZUR_START["w7"] * d["D1"]) * z1 * (1 - z1)
    assert d["Z1"] == pytest.approx(by_old, rel=1e-12)
    assert trace.links["w(X1->Z1)"].gradient == pytest.approx(MAZUR_X[0, 0] * by_old)


@pytest.mark.parametrize("trace", [None, "trace", 1.5, np.zeros(3), mazur_network()])
def test_mazur_update_takes_a_step_trace(trace):
    with pytest.raises(BpkitError, match="trace must be a StepTrace"):
        mazur_update(trace)


# ----- his later figures: the error after one round and the results of 10,000 rounds -----------
def loss_of(weights):
    net = mazur_network()
    net.weights = weights
    return net.loss(MAZUR_X, MAZUR_Y)


def outputs_of(weights):
    net = mazur_network()
    net.weights = weights
    return net.predict(MAZUR_X)[0]


def test_the_published_constant_holds_his_printed_figures():
    assert MAZUR_PUBLISHED == {**PUBLISHED_NEW, **PUBLISHED_LATER}
    assert mazur_network().published == MAZUR_PUBLISHED


@pytest.mark.parametrize("order", ORDERS)
def test_his_rounds_are_bpkits_step_with_his_update(order):
    """Each round of the fast loop is bpkit's own step (or wrong-order replay), biases kept."""
    net = mazur_network()
    for _ in range(3):
        if order == "old weights":
            trace = net.preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)
        else:
            trace = update_output_layer_first(net, MAZUR_X, MAZUR_Y, MAZUR_ALPHA)
        expected = mazur_network()
        expected.weights = net.weights
        for link, value in mazur_update(trace).items():
            expected.set_weight(link, value)
        fast, errors = his_rounds(net.weights, 1, order)
        for ours, theirs in zip(fast, expected.weights):
            np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-16)
        assert errors[0] == pytest.approx(net.loss(MAZUR_X, MAZUR_Y), rel=1e-14)
        net = expected


def test_ten_thousand_rounds_agree_with_bpkits_backprop():
    fast, errors = his_rounds(mazur_network().weights, 10_000)
    net = mazur_network()
    weights, z0 = net.weights, with_bias(MAZUR_X)
    for _ in range(10_000):
        gradients = net.backprop(z0, MAZUR_Y, weights).gradients
        for w, g in zip(weights, gradients):
            w[:, 1:] -= MAZUR_ALPHA * g[:, 1:]  # his update: the bias column kept
    for ours, theirs in zip(fast, weights):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    assert errors[-1] == pytest.approx(loss_of(weights), rel=1e-9)


def test_his_first_round_error_is_the_output_layer_first_order():
    his = PUBLISHED_LATER["E_total after 1 round"]
    old = his_rounds(mazur_network().weights, 1, "old weights")[1][1]
    first = his_rounds(mazur_network().weights, 1, "output layer first")[1][1]
    assert to_digits(old, his) == "0.291027774" != his  # his text's order: 1.5e-7 lower
    assert float(his) - old == pytest.approx(1.5e-7, abs=0.05e-7)
    assert to_digits(first, his) == his


def test_rounding_does_not_explain_his_first_round_error():
    """His printed (rounded) weights after one step give the exact old-weights error."""
    printed = mazur_network().his_printed_step()
    for his_name, published in PUBLISHED_NEW.items():
        assert printed.weight(mazur_links()[his_name][0]) == float(published)
    assert printed.weight("w(X0->Z1)") == MAZUR_START["b1"]
    error = printed.loss(MAZUR_X, MAZUR_Y)
    assert to_digits(error, "0.291027774") == "0.291027774"
    exact = mazur_network().after_rounds(1).loss(MAZUR_X, MAZUR_Y)
    his = float(PUBLISHED_LATER["E_total after 1 round"])
    assert abs(error - exact) < 1e-10 < 1e-7 < his - error  # rounding moves it 1000x too little


def test_his_outputs_after_ten_thousand_rounds_are_the_output_layer_first_order():
    old = outputs_of(his_rounds(mazur_network().weights, 10_000, "old weights")[0])
    first = outputs_of(his_rounds(mazur_network().weights, 10_000, "output layer first")[0])
    for unit, key in enumerate(("out_o1 after 10,000 rounds", "out_o2 after 10,000 rounds")):
        his = PUBLISHED_LATER[key]
        assert to_digits(first[unit], his) == his
        assert to_digits(old[unit], his) != his
        assert abs(old[unit] - float(his)) == pytest.approx(1.45e-6, abs=0.05e-6)


def test_his_error_after_ten_thousand_rounds_fits_neither_run():
    his = PUBLISHED_LATER["E_total after 10,000 rounds"]
    old = his_rounds(mazur_network().weights, 10_000, "old weights")[1]
    first = his_rounds(mazur_network().weights, 10_000, "output layer first")[1]
    assert to_digits(old[-1], his) == "0.0000351019"
    assert to_digits(first[-1], his) == "0.0000350848"
    assert to_digits(old[-2], his) == his  # the old-weights error after 9,999 rounds
    outs = [float(PUBLISHED_LATER[f"out_{o} after 10,000 rounds"]) for o in ("o1", "o2")]
    own = 0.5 * float(((MAZUR_Y[0] - outs) ** 2).sum())  # E_total of his printed outputs
    assert to_digits(own, his) == "0.0000350848" != his


def test_the_figures_table():
    table = mazur_network().figures()
    assert table.header == ("figure", "Mazur prints", "old weights", "output layer first")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows == {
        "E_total after 1 round": ("0.291027924", "0.291027774", "0.291027924"),
        "out_o1 after 10,000 rounds": ("0.015912196", "0.015913620", "0.015912196"),
        "out_o2 after 10,000 rounds": ("0.984065734", "0.984064274", "0.984065734"),
        "E_total after 10,000 rounds": ("0.0000351085", "0.0000351019", "0.0000350848"),
        "E_total after 9,999 rounds": (None, "0.0000351085", None),
    }
    moved = mazur_network()
    moved.set_weight("w(Z1->D0)", 0.3)
    with pytest.raises(BpkitError, match="his start"):
        moved.figures()


def test_after_rounds_learns_fast_and_leaves_the_network_alone():
    import time

    net = mazur_network()
    began = time.perf_counter()
    trained = net.after_rounds(10_000)
    assert time.perf_counter() - began < 2
    assert [w.tolist() for w in net.weights] == [w.tolist() for w in mazur_network().weights]
    assert trained.loss(MAZUR_X, MAZUR_Y) < 1e-4 < net.loss(MAZUR_X, MAZUR_Y)
    assert trained.weight("w(X0->Z1)") == MAZUR_START["b1"]  # his biases stay
    assert net.after_rounds(0).weights[1].tolist() == net.weights[1].tolist()
    losses = [net.after_rounds(k).loss(MAZUR_X, MAZUR_Y) for k in (0, 1, 10, 100, 1000)]
    assert losses == sorted(losses, reverse=True)


@pytest.mark.parametrize("rounds", [-1, 1.5, "10", True, None, 10**6])
def test_after_rounds_refuses_a_bad_count(rounds):
    with pytest.raises(BpkitError, match="rounds"):
        mazur_network().after_rounds(rounds)


def test_after_rounds_refuses_an_unknown_order():
    with pytest.raises(BpkitError, match="order"):
        mazur_network().after_rounds(1, order="new weights")


# ----- Z1's two paths: moving w7 cannot cancel them, moving w5 can -------------------------------
def test_no_w7_cancels_z1s_paths():
    scan = mazur_network().z1_paths("w7")
    start = mazur_network().preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)
    assert scan.other == pytest.approx(0.4 * float(start.units["D0"].delta[0]), rel=1e-12)
    assert f"{scan.other:.4f}" == "0.0554" and f"{scan.lowest:.4f}" == "-0.0250"
    assert f"{scan.lowest_at:.3g}" == "1.1" and scan.cancels == ()
    assert scan.lowest + scan.other > 0.03  # the D0 path always wins: delta(Z1) > 0
    wide = mazur_network().z1_paths("w7", low=-500, high=500)  # the tails go to 0
    assert wide.cancels == () and wide.lowest == pytest.approx(scan.lowest, abs=1e-6)
    for w7 in (-500.0, 500.0):
        assert abs(mazur_network().z1_terms("w7", w7)[1]) < 1e-6


def test_w5_near_0_133_cancels_z1s_paths():
    scan = mazur_network().z1_paths("w5")
    assert f"{scan.other:.4f}" == "-0.0190"
    assert [f"{v:.3f}" for v in scan.cancels] == ["0.133", "8.861"]
    for w5 in scan.cancels:
        net = mazur_network()
        net.set_weight("w(Z1->D0)", w5)
        trace = net.preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA)
        assert abs(float(trace.units["Z1"].delta[0])) < 1e-12
        assert abs(trace.links["w(X1->Z1)"].gradient) < 1e-12


def test_z1_terms_are_the_delta_paths():
    net = mazur_network()
    d0, d1 = net.z1_terms("w7", 0.5)
    delta = net.preview_step(MAZUR_X, MAZUR_Y, MAZUR_ALPHA).units["Z1"]
    z1 = float(delta.z[0])
    assert (d0 + d1) * z1 * (1 - z1) == pytest.approx(float(delta.delta[0]), rel=1e-12)
    assert net.weight("w(Z1->D1)") == 0.5  # the network is not moved


@pytest.mark.parametrize("name", ["w6", "b2", 5, None])
def test_z1_paths_takes_w5_or_w7(name):
    with pytest.raises(BpkitError, match="w5' or 'w7"):
        mazur_network().z1_paths(name)


def test_z1_paths_refuses_an_empty_range():
    with pytest.raises(BpkitError, match="low must be below high"):
        mazur_network().z1_paths("w7", low=1, high=1)
