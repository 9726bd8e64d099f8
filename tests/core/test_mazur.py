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
)

PUBLISHED_FORWARD = {"Z1": "0.593269992", "Z2": "0.596884378",  # out_h1, out_h2
                     "D0": "0.75136507", "D1": "0.772928465"}  # out_o1, out_o2
PUBLISHED_E_TOTAL = "0.298371109"
PUBLISHED_NEW = {"w5": "0.35891648", "w6": "0.408666186", "w7": "0.511301270",
                 "w8": "0.561370121", "w1": "0.149780716", "w2": "0.19956143",
                 "w3": "0.24975114", "w4": "0.29950229"}
"""His weights after one step at learning rate 0.5 (his biases are not updated)."""
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
