"""Network: one backprop, compared with tests/reference.py, and what is built around it."""

import dataclasses
import inspect
import math
import re
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import reference
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpkit import XOR_X, XOR_Y, BpkitError, History, Network, article_network
from bpkit.core.gradcheck import finite_difference_gradients
from bpkit.core.network import Pass, train_at_rates, update, with_bias


def reference_weights(net):
    """The network's weights as the nested lists reference.step takes."""
    return [w.tolist() for w in net.weights]


def as_arrays(net, by_link):
    """A {link name: number} dict (as reference.step returns) as arrays shaped like weights."""
    return [np.array([[by_link[name] for name in row] for row in layer])
            for layer in net.link_names]


def reference_batch(net, X, Y, activation, sign=1.0):
    """Loss and gradients over a batch, averaging reference.step's one-sample results."""
    steps = [reference.step(net.sizes, reference_weights(net), x, y, 0.1, sign, activation)
             for x, y in zip(X, Y)]
    loss = sum(s.loss for s in steps) / len(steps)
    gradients = [sum(layers) / len(steps)
                 for layers in zip(*(as_arrays(net, s.gradient) for s in steps))]
    return loss, gradients


def random_net(sizes, hidden="tanh", output="identity", loss="squared", seed=3):
    return Network(sizes, activation=hidden, output_activation=output, loss=loss,
                   weights="random", seed=seed)


def assert_same_weights(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# ----- backprop against the reference -------------------------------------------------------
@pytest.mark.parametrize(("activation", "loss", "sign"), [
    ("identity", "squared", 1.0), ("identity", "article", -1.0), ("tanh", "squared", 1.0),
    ("sigmoid", "article", -1.0),
])
def test_backprop_on_one_sample_matches_the_reference_unit_by_unit(activation, loss, sign):
    net = random_net([2, 3, 1], hidden=activation, loss=loss, seed=7)
    x, y = [0.3, -0.8], [0.5]
    done = net.backprop(with_bias(np.array([x])), np.array([y]))
    ref = reference.step(net.sizes, reference_weights(net), x, y, 0.1, sign, activation)
    names = net.unit_names
    for layer in range(1, len(names)):
        receivers = names[layer] if layer == len(names) - 1 else names[layer][1:]
        np.testing.assert_allclose(done.a[layer - 1][0], [ref.a[u] for u in receivers],
                                   rtol=1e-12)
        np.testing.assert_allclose(done.deltas[layer - 1][0], [ref.delta[u] for u in receivers],
                                   rtol=1e-12, atol=1e-15)
    for layer, units in enumerate(names):
        np.testing.assert_allclose(done.z[layer][0], [ref.z[u] for u in units], rtol=1e-12)
    assert done.loss == pytest.approx(ref.loss, rel=1e-12)
    for ours, theirs in zip(done.gradients, as_arrays(net, ref.gradient)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("sizes", "activation"), [((2, 3, 1), "tanh"), ((2, 3, 2), "sigmoid"),
                                                   ((3, 2, 2, 1), "tanh")])
def test_batch_loss_and_gradients_are_the_mean_of_the_reference_samples(sizes, activation):
    net = random_net(list(sizes), hidden=activation, seed=11)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (5, sizes[0]))
    Y = rng.uniform(-1, 1, (5, sizes[-1]))
    loss, gradients = reference_batch(net, X, Y, activation)
    assert net.loss(X, Y) == pytest.approx(loss, rel=1e-12)
    for ours, theirs in zip(net.gradients(X, Y), gradients):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)


def test_the_articles_step_matches_the_reference():
    trace = article_network().step([1.0, 0.0], [1.0], 0.1)
    ref = reference.article_step(x=(1.0, 0.0), y=1.0, lr=0.1, sign=-1.0)
    for name, link in trace.links.items():
        assert link.gradient == pytest.approx(ref.gradient[name], rel=1e-12)
        assert link.new == pytest.approx(ref.new[name], rel=1e-12)
    assert trace.loss == pytest.approx(ref.loss)
    assert trace.loss_after == pytest.approx(ref.loss_after)
    assert trace.outputs_after[0, 0] == pytest.approx(ref.h_after)


def test_backprop_uses_the_weights_it_is_given_and_leaves_the_networks_alone():
    net = random_net([2, 3, 1], seed=1)
    other = random_net([2, 3, 1], seed=2)
    before = net.weights
    given_weights = net.backprop(with_bias(XOR_X), XOR_Y, other.weights)
    own = other.backprop(with_bias(XOR_X), XOR_Y)
    assert given_weights.loss == own.loss
    assert_same_weights(given_weights.gradients, own.gradients)
    assert_same_weights(net.weights, before)


def test_every_layer_but_the_output_has_its_bias_unit_of_ones_as_column_0():
    net = random_net([2, 3, 2, 1], seed=4)
    a, z = net.forward(with_bias(XOR_X))
    assert [layer.shape for layer in z] == [(4, 3), (4, 4), (4, 3), (4, 1)]
    assert [layer.shape for layer in a] == [(4, 3), (4, 2), (4, 1)]
    for layer in z[:-1]:
        np.testing.assert_array_equal(layer[:, 0], 1.0)
    np.testing.assert_array_equal(z[0][:, 1:], XOR_X)
    np.testing.assert_array_equal(net.predict(XOR_X), z[-1])


def test_backprop_reads_as_the_four_equations():
    source = inspect.getsource(Network.backprop)
    doc = inspect.getdoc(Network.backprop)
    for equation in ("output delta", "hidden delta", "gradient", "update"):
        assert equation in doc
    assert len(source.splitlines()) <= 30


# ----- everything goes through backprop -------------------------------------------------------
def test_loss_gradients_and_predict_are_backprops_numbers():
    net = random_net([2, 4, 2], hidden="sigmoid", seed=5)
    Y = np.hstack([XOR_Y, 1 - XOR_Y])
    done = net.backprop(with_bias(XOR_X), Y)
    assert net.loss(XOR_X, Y) == done.loss
    assert_same_weights(net.gradients(XOR_X, Y), done.gradients)
    np.testing.assert_array_equal(net.predict(XOR_X), done.z[-1])


def test_a_step_records_backprop_and_applies_the_update():
    net = random_net([2, 3, 1], seed=6)
    done = net.backprop(with_bias(XOR_X), XOR_Y)
    old = net.weights
    trace = net.step(XOR_X, XOR_Y, 0.3)
    for field in ("a", "z", "deltas", "gradients"):
        assert_same_weights(getattr(trace, field), getattr(done, field))
    expected = [w - 0.3 * g for w, g in zip(old, done.gradients)]
    assert_same_weights(trace.new_weights, expected)
    assert_same_weights(update(old, done.gradients, 0.3), expected)
    assert_same_weights(trace.old_weights, old)
    assert_same_weights(net.weights, expected)
    assert trace.loss == done.loss
    assert trace.loss_after == net.loss(XOR_X, XOR_Y)
    np.testing.assert_array_equal(trace.outputs_after, net.predict(XOR_X))
    assert trace.lr == 0.3 and trace.loss_name == "squared"
    np.testing.assert_array_equal(trace.inputs, XOR_X)


def test_a_backprop_changed_in_a_subclass_changes_every_computation():
    class Frozen(Network):
        """A network whose backprop reports zero gradients: nothing may move it."""

        def backprop(self, z0, targets, weights=None):
            done = super().backprop(z0, targets, weights)
            return dataclasses.replace(done, gradients=[0 * g for g in done.gradients])

    net = Frozen([2, 3, 1], activation="tanh", weights="random", seed=2)
    start = net.weights
    assert all(not g.any() for g in net.gradients(XOR_X, XOR_Y))
    net.step(XOR_X, XOR_Y, 0.5)
    assert not any(g.any() for g in net.preview_step(XOR_X, XOR_Y, 0.5).gradients)
    history = net.train(XOR_X, XOR_Y, 0.5, 5)
    net.train(XOR_X, XOR_Y, 0.5, 2, mode="online")
    assert_same_weights(net.weights, start)
    assert len(set(history.losses)) == 1


def test_one_epoch_of_batch_training_is_one_step():
    trained = random_net([2, 3, 1], seed=8)
    stepped = trained.copy()
    history = trained.train(XOR_X, XOR_Y, 0.2, 1)
    trace = stepped.step(XOR_X, XOR_Y, 0.2)
    assert history.losses == [trace.loss, trace.loss_after]
    assert_same_weights(trained.weights, stepped.weights)


CASES = [
    ([2, 3, 1], "identity", "identity", "squared"),
    ([2, 3, 1], "tanh", "identity", "article"),
    ([2, 4, 4, 1], ["relu", "tanh"], "sigmoid", "logistic"),
    ([2, 3, 2], "sigmoid", "identity", "squared"),
]


def targets_for(sizes):
    return XOR_Y if sizes[-1] == 1 else np.hstack([XOR_Y, 1 - XOR_Y])


@pytest.mark.parametrize(("sizes", "hidden", "output", "loss"), CASES)
def test_batch_training_equals_repeated_steps_bit_for_bit(sizes, hidden, output, loss):
    trained = random_net(sizes, hidden, output, loss, seed=4)
    stepped, Y = trained.copy(), targets_for(sizes)
    history = trained.train(XOR_X, Y, lr=0.2, epochs=25)
    losses = [stepped.loss(XOR_X, Y)]
    for _ in range(25):
        losses.append(stepped.step(XOR_X, Y, 0.2).loss_after)
    assert history.losses == losses
    assert_same_weights(trained.weights, stepped.weights)


@pytest.mark.parametrize(("sizes", "hidden", "output", "loss"), CASES)
def test_online_training_is_one_step_per_sample(sizes, hidden, output, loss):
    trained = random_net(sizes, hidden, output, loss, seed=5)
    stepped, Y = trained.copy(), targets_for(sizes)
    history = trained.train(XOR_X, Y, lr=0.3, epochs=3, mode="online")
    for _ in range(3):
        for i in range(len(XOR_X)):
            stepped.step(XOR_X[i:i + 1], Y[i:i + 1], 0.3)
    assert_same_weights(trained.weights, stepped.weights)
    assert history.losses[-1] == stepped.loss(XOR_X, Y)
    assert history.mode == "online" and history.epochs_run == 3


def test_preview_step_is_steps_trace_without_the_change():
    net = random_net([2, 3, 1], seed=9)
    before = net.weights
    preview = net.preview_step(XOR_X, XOR_Y, 0.1)
    assert_same_weights(net.weights, before)
    trace = net.step(XOR_X, XOR_Y, 0.1)
    assert_same_weights(preview.new_weights, trace.new_weights)
    assert preview.loss_after == trace.loss_after


# ----- divergence ------------------------------------------------------------------------------
def test_divergence_reports_the_epoch_and_keeps_the_last_finite_weights_without_warnings():
    net = article_network()  # the article's sign climbs the loss until it overflows
    stepped = net.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.train(XOR_X, XOR_Y, lr=0.1, epochs=500)
    assert history.diverged
    n = history.diverged_at
    assert history.message == (f"diverged at epoch {n} (lr = 0.1): the loss became inf or nan; "
                               f"the weights are kept from epoch {n - 1}")
    assert str(history) == history.message
    for _ in range(n - 1):
        stepped.step(XOR_X, XOR_Y, 0.1)
    assert_same_weights(net.weights, stepped.weights)
    assert len(history.losses) == n and history.epochs_run == n - 1
    assert np.isfinite(history.losses).all()
    assert history.losses[-1] == stepped.loss(XOR_X, XOR_Y)


def test_a_step_that_overflows_is_refused_and_keeps_the_weights():
    net = Network([2, 3, 1], weights=1e50)  # J is finite here, but not after one step
    assert math.isfinite(net.loss(XOR_X, XOR_Y))
    before = net.weights
    with pytest.raises(BpkitError, match=r"diverged.*unchanged"):
        net.step(XOR_X, XOR_Y, 1.0)
    assert_same_weights(net.weights, before)


@pytest.mark.parametrize(("weights", "X"), [(1e200, XOR_X), (1.0, [[1e308, 1e308]] * 4)])
def test_a_forward_pass_that_overflows_is_reported_by_every_call(weights, X):
    net = Network([2, 3, 1], weights=weights)
    for call in EVERY_CALL:
        assert_refused(net, lambda n, c=call: c(n, X, XOR_Y), "overflows to inf or nan",
                       "at these weights and inputs", "Nothing was changed")
    with pytest.raises(BpkitError, match="the outputs h overflow"):
        net.predict(X)


def test_the_articles_net_reports_an_overflowing_input_instead_of_returning_inf():
    with pytest.raises(BpkitError, match="the loss J overflows"):
        article_network("squared").loss([[1e308, 1e308]], [0])


def test_a_finished_run_says_how_the_loss_moved():
    history = article_network("squared").train(XOR_X, XOR_Y, 0.1, 20)
    assert not history.diverged and history.diverged_at is None
    assert history.message == (f"trained 20 epochs (batch, lr = 0.1): loss "
                               f"{history.losses[0]:.6g} -> {history.losses[-1]:.6g}")
    assert history.epochs_requested == 20 and history.lr == 0.1


def test_snapshots_and_callbacks_see_the_epochs_weights_and_losses():
    net = random_net([2, 3, 1], seed=1)
    seen = []
    history = net.train(XOR_X, XOR_Y, lr=0.1, epochs=10, snapshot_every=5,
                        callback=lambda epoch, loss: seen.append((epoch, loss)),
                        callback_every=4)
    assert [epoch for epoch, _ in history.snapshots] == [0, 5, 10]
    assert_same_weights(history.snapshots[-1][1], net.weights)
    assert seen == [(4, history.losses[4]), (8, history.losses[8]), (10, history.losses[10])]


# ----- History: table and plot ------------------------------------------------------------------
@pytest.mark.parametrize(("epochs", "shown"), [
    (7, list(range(8))), (10, list(range(11))), (100, list(range(0, 101, 10))),
    (95, [*range(0, 95, 10), 95]),
])
def test_history_table_shows_every_epoch_of_a_short_run_and_a_spaced_subset_of_a_long_one(
        epochs, shown):
    history = article_network("squared").train(XOR_X, XOR_Y, 0.01, epochs)
    table = history.table()
    assert table.header == ("epoch", "loss")
    assert [row[0] for row in table.rows] == shown
    assert [row[1] for row in table.rows] == [history.losses[e] for e in shown]


def test_history_table_of_a_diverged_run_ends_at_its_last_finite_epoch():
    history = article_network().train(XOR_X, XOR_Y, 0.1, 500)
    assert history.table().rows[-1] == (history.epochs_run, history.losses[-1])


def test_history_curve_draws_a_runs_loss():
    from bpkit.draw.plots import history_curve

    history = article_network("squared").train(XOR_X, XOR_Y, 0.1, 30)
    figure = history_curve(history)
    (axes,) = figure.axes
    (curve,) = [line for line in axes.get_lines() if len(line.get_xdata()) > 1]
    np.testing.assert_array_equal(curve.get_ydata(), history.losses)
    assert axes.get_legend().get_texts()[0].get_text().startswith("lr = 0.1: loss")
    labelled = history_curve(history, label="seed net", log=False)
    assert labelled.axes[0].get_legend().get_texts()[0].get_text().startswith("seed net")
    assert labelled.axes[0].get_yscale() == "linear"


# ----- train_at_rates ---------------------------------------------------------------------------
def test_train_at_rates_trains_a_fresh_network_per_rate():
    made = []

    def make_net():
        made.append(article_network("squared"))
        return made[-1]

    histories = train_at_rates(make_net, XOR_X, XOR_Y, [0.01, 0.1], 30)
    assert list(histories) == [0.01, 0.1] and len(made) == 2
    for (lr, history), net in zip(histories.items(), made):
        alone = article_network("squared")
        assert isinstance(history, History)
        assert history.losses == alone.train(XOR_X, XOR_Y, lr, 30).losses
        assert_same_weights(net.weights, alone.weights)


@pytest.mark.parametrize(("make_net", "lrs", "fragment"), [
    (article_network, [], "non-empty list"),
    (article_network, 0.1, "non-empty list"),
    (article_network, "0.1", "non-empty list"),
    (article_network, [0.1, 0], "lrs[1]"),
    (article_network, [0.1, "fast"], "lrs[1]"),
    (lambda: "net", [0.1], "net must be a bpkit Network"),
    ("not callable", [0.1], "make_net must be a function that returns a new Network"),
])
def test_train_at_rates_refuses_bad_input(make_net, lrs, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        train_at_rates(make_net, XOR_X, XOR_Y, lrs, 10)


def test_train_at_rates_checks_every_rate_before_training_any():
    made = []
    with pytest.raises(BpkitError):
        train_at_rates(lambda: made.append(1) or article_network(), XOR_X, XOR_Y, [0.1, -1], 5)
    assert made == []


# ----- weights and links ------------------------------------------------------------------------
def test_link_names_follow_the_weight_layout():
    net = article_network()
    assert net.link_names[0][0] == ["w(X0->Z1)", "w(X1->Z1)", "w(X2->Z1)"]
    assert net.link_names[1] == [["w(Z0->D0)", "w(Z1->D0)", "w(Z2->D0)", "w(Z3->D0)"]]
    assert net.weight_shapes == [(3, 3), (1, 4)]
    assert [w.shape for w in net.weights] == net.weight_shapes


@pytest.mark.parametrize("link", ["w(X2->Z3)", "X2->Z3"])
def test_a_weight_is_named_with_or_without_w(link):
    net = article_network()
    net.set_weight(link, 0.25)
    assert net.weight("w(X2->Z3)") == net.weight("X2->Z3") == 0.25
    assert net.weights[0][2, 2] == 0.25
    assert np.count_nonzero(net.weights[0] != 1.0) == 1
    assert_same_weights(net.weights[1:], article_network().weights[1:])


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda n: n.set_weight("w(X0->Z1)", math.nan), "must be a finite number; got nan"),
    (lambda n: n.set_weight("X0->Z1", [1.0, 2.0]), "must be a finite number; got [1.0, 2.0]"),
    (lambda n: n.set_weight("X0->Z1", 10**400), "integer too large for a float"),
    (lambda n: n.set_weight("X0->Z1", "2"), "must be a finite number; got '2'"),
    (lambda n: n.set_weight("X0->Z1", None), "must be a finite number; got None"),
    (lambda n: n.set_weight("w(X9->Z1)", 2.0), "no link named 'w(X9->Z1)'"),
    (lambda n: n.set_weight("Z1->X0", 2.0), "no link named 'w(Z1->X0)'"),
    (lambda n: n.weight("X0 to Z1"), "not a link name"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3))]), "2 arrays"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3)), np.ones((4, 1))]), "weights[1]"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3)), [["a"] * 4]]), "not text"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3)), [["1"] * 4]]), "not text"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3)), [[None, 1, 1, 1]]]), "missing value"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3)), [[10**400, 1, 1, 1]]]),
     "integer too large for a float"),
    (lambda n: setattr(n, "weights", [np.ones((3, 3)), [[1j, 1, 1, 1]]]), "not complex"),
])
def test_bad_weight_changes_are_refused_and_keep_the_old_weights(call, fragment):
    net = article_network()
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        call(net)
    assert_same_weights(net.weights, article_network().weights)


def test_weights_are_copies_and_copy_is_independent():
    net = article_network()
    net.weights[0][0, 0] = 99.0
    assert net.weight("w(X0->Z1)") == 1.0
    twin = net.copy()
    twin.set_weight("X0->Z1", 5.0)
    assert net.weight("X0->Z1") == 1.0
    assert repr(twin) == repr(net)


def test_description():
    net = Network([2, 4, 4, 1], activation=["relu", "tanh"], output_activation="sigmoid",
                  loss="logistic")
    assert net.sizes == (2, 4, 4, 1)
    assert net.activations == ("relu", "tanh", "sigmoid")
    assert net.loss_name == "logistic"
    assert repr(net) == ("Network([2, 4, 4, 1], activations=['relu', 'tanh', 'sigmoid'], "
                         "loss='logistic')")
    assert net.unit_names[0] == ["X0", "X1", "X2"]


def test_random_weights_are_uniform_in_minus_one_to_one_and_follow_the_seed():
    a = Network([2, 3, 1], weights="random", seed=3)
    b = Network([2, 3, 1], weights="random", seed=3)
    c = Network([2, 3, 1], weights="random", seed=4)
    assert_same_weights(a.weights, b.weights)
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert all(((w >= -1) & (w <= 1)).all() for w in a.weights)


# ----- bad input: refused, and the weights untouched --------------------------------------------
EVERY_CALL = [
    lambda net, X, Y: net.loss(X, Y),
    lambda net, X, Y: net.gradients(X, Y),
    lambda net, X, Y: net.step(X, Y, 0.1),
    lambda net, X, Y: net.preview_step(X, Y, 0.1),
    lambda net, X, Y: net.train(X, Y, 0.1, 5),
    lambda net, X, Y: net.train(X, Y, 0.1, 5, mode="online"),
]


def assert_refused(net, call, *fragments):
    """``call(net)`` raises a BpkitError mentioning every fragment, and the weights stay put."""
    before = net.weights
    with pytest.raises(BpkitError) as caught:
        call(net)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    assert_same_weights(net.weights, before)


@pytest.mark.parametrize("call", EVERY_CALL)
@pytest.mark.parametrize(("X", "Y", "fragment"), [
    ([0.0, 0.0, 0.0], 0.0, "X (the inputs)"),
    (XOR_X, np.zeros((4, 2)), "Y (the targets)"),
    (XOR_X, XOR_Y[:3], "X has 4 sample(s) but Y has 3"),
    ([[0.0, math.nan]], [0.0], "NaN"),
])
def test_every_computation_refuses_bad_samples_and_keeps_the_weights(call, X, Y, fragment):
    assert_refused(random_net([2, 3, 1]), lambda net: call(net, X, Y), fragment)


def test_predict_refuses_bad_inputs():
    with pytest.raises(BpkitError, match="shape"):
        article_network().predict([1.0, 2.0, 3.0])


@pytest.mark.parametrize("call", [
    lambda net: net.predict([True, False]),
    lambda net: net.predict(np.array([[True, False], [False, True]])),
    lambda net: net.loss(XOR_X == 1, XOR_Y),
    lambda net: net.gradients(XOR_X, XOR_Y == 1),
    lambda net: net.step([[1.0, np.True_]], [[1.0]], 0.1),
    lambda net: net.train(XOR_X, [[False], [True], [True], [False]], 0.1, 2),
])
def test_truth_values_are_refused_as_inputs_and_targets_as_in_sizes_and_lr(call):
    """True and False are not read as 1 and 0 anywhere, as sizes=[True, 1] and lr=True are not."""
    assert_refused(random_net([2, 3, 1]), call, "not truth values (True or False)", "1.0 and 0.0")


@pytest.mark.parametrize("lr", [Decimal("0.1"), Fraction(1, 10), np.float32(0.1)])
def test_any_real_number_type_is_a_learning_rate(lr):
    """One rule for every number: a Decimal or Fraction is read as the float it is."""
    net, twin = article_network(), article_network()
    assert net.step(XOR_X, XOR_Y, lr).lr == float(lr)
    twin.step(XOR_X, XOR_Y, float(lr))
    assert all((a == b).all() for a, b in zip(net.weights, twin.weights))
    assert net.train(XOR_X, XOR_Y, lr, 2).lr == float(lr)
    assert Network([2, 1], weights=Decimal("0.5")).weights[0].tolist() == [[0.5] * 3]
    assert train_at_rates(article_network, XOR_X, XOR_Y, [lr], 1)


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, "0.1", None, True,
                                Decimal("-0.1"), Decimal("NaN"), Fraction(-1, 10)])
def test_bad_learning_rates_are_refused(lr):
    assert_refused(article_network(), lambda net: net.step(XOR_X, XOR_Y, lr),
                   "learning rate", "positive finite number")
    assert_refused(article_network(), lambda net: net.train(XOR_X, XOR_Y, lr, 3),
                   "learning rate")


@pytest.mark.parametrize("epochs", [0, -1, 2.5, "10"])
def test_bad_epoch_counts_are_refused(epochs):
    assert_refused(article_network(), lambda net: net.train(XOR_X, XOR_Y, 0.1, epochs), "epochs")


def test_bad_training_options_are_refused():
    assert_refused(article_network(), lambda net: net.train(XOR_X, XOR_Y, 0.1, 3, mode="mini"),
                   "'batch'", "'online'")
    assert_refused(article_network(),
                   lambda net: net.train(XOR_X, XOR_Y, 0.1, 3, snapshot_every=0),
                   "snapshot_every")


@pytest.mark.parametrize(("kwargs", "fragments"), [
    ({"activation": "softmax"}, ["unknown activation 'softmax'", "identity", "tanh"]),
    ({"output_activation": "Sigmoid"}, ["unknown activation 'Sigmoid'"]),
    ({"activation": ["tanh", "tanh"]}, ["2 name(s)", "1 hidden layer(s)"]),
    ({"loss": "mse"}, ["unknown loss 'mse'", "article", "logistic", "squared"]),
    ({"weights": "zeros"}, ["weights='zeros'", "'random'"]),
    ({"weights": math.nan}, ["finite"]),
    ({"weights": [np.ones((3, 3))]}, ["2 arrays", "(3, 3), (1, 4)"]),
    ({"weights": [np.ones((3, 3)), np.ones((1, 3))]}, ["weights[1]", "(1, 4)", "(1, 3)"]),
    ({"weights": [np.ones((3, 3)), np.full((1, 4), np.inf)]}, ["weights[1]", "infinite"]),
])
def test_bad_construction_is_refused(kwargs, fragments):
    with pytest.raises(BpkitError) as caught:
        Network([2, 3, 1], **kwargs)
    for fragment in fragments:
        assert fragment in str(caught.value)


@pytest.mark.parametrize("sizes", [[2], [2, 0, 1], [2, 1.5, 1], "231", 3])
def test_bad_sizes_are_refused(sizes):
    with pytest.raises(BpkitError, match="size"):
        Network(sizes)


@pytest.mark.parametrize("output", ["identity", "tanh", "relu"])
def test_the_logistic_loss_without_a_sigmoid_output_is_refused_when_the_net_is_made(output):
    with pytest.raises(BpkitError, match=f"loss='logistic' needs output_activation='sigmoid'.*"
                                         f"got '{output}'"):
        Network([2, 3, 1], output_activation=output, loss="logistic")


def test_logistic_targets_outside_zero_one_are_refused():
    sigmoid = Network([2, 3, 1], output_activation="sigmoid", loss="logistic")
    assert_refused(sigmoid, lambda n: n.loss(XOR_X, XOR_Y * 2), "targets Y between 0 and 1")
    assert math.isfinite(sigmoid.loss(XOR_X, XOR_Y))


# ----- property: backprop equals finite differences on random networks --------------------------
ACTIVATION_NAMES = ["identity", "sigmoid", "tanh", "relu"]


@st.composite
def small_problems(draw):
    """A random network of 2-4 layers of 1-4 units, its weights, and a batch of 1-4 samples."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    hidden = [draw(st.sampled_from(ACTIVATION_NAMES)) for _ in sizes[1:-1]]
    loss = draw(st.sampled_from(["squared", "article", "logistic"]))
    output = "sigmoid" if loss == "logistic" else draw(st.sampled_from(ACTIVATION_NAMES))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 4))
    X = rng.uniform(-2, 2, (n, sizes[0]))
    Y = rng.uniform(0, 1, (n, sizes[-1]))
    net = Network(sizes, activation=hidden, output_activation=output, loss=loss,
                  weights="random", seed=seed)
    return net, X, Y


def away_from_relu_kinks(net, X, Y):
    """True if no relu unit's weighted sum is within 1e-4 of its kink at a = 0."""
    done = net.backprop(with_bias(X), Y)
    return all(np.abs(a).min() > 1e-4
               for a, name in zip(done.a, net.activations) if name == "relu")


@settings(max_examples=60, deadline=None)
@given(small_problems())
def test_backprop_equals_finite_differences_on_random_networks(problem):
    net, X, Y = problem
    assume(away_from_relu_kinks(net, X, Y))
    backprop = net.gradients(X, Y)
    numeric = finite_difference_gradients(net, X, Y, eps=1e-6)
    # The article's delta differentiates minus the loss it reports: its "gradient" points uphill.
    uphill = -1.0 if net.loss_name == "article" else 1.0
    scale = max(1.0, max(float(np.abs(g).max()) for g in backprop))
    for bp, fd in zip(backprop, numeric):
        np.testing.assert_allclose(bp, uphill * fd, rtol=1e-5, atol=1e-7 * scale)


def test_a_pass_holds_one_array_per_layer():
    done = random_net([2, 3, 2, 1]).backprop(with_bias(XOR_X), XOR_Y)
    assert isinstance(done, Pass)
    assert len(done.a) == len(done.deltas) == len(done.gradients) == 3
    assert len(done.z) == 4
    assert [d.shape for d in done.deltas] == [a.shape for a in done.a]


def test_with_bias_puts_the_bias_unit_x0_in_front_of_the_inputs():
    z0 = with_bias(XOR_X)
    np.testing.assert_array_equal(z0, np.column_stack([np.ones(4), XOR_X]))
    assert z0.shape == (4, 3) and XOR_X.shape == (4, 2)


# ----- issue 9: every bad argument refused before anything changes ----------------------------
@pytest.mark.parametrize(("kwargs", "fragments"), [
    ({"callback_every": 0}, ["callback_every must be a whole number of at least 1; got 0"]),
    ({"callback_every": 2.5}, ["callback_every", "got 2.5"]),
    ({"callback": 5}, ["callback must be a function called as callback(epoch, loss)", "got 5"]),
    ({"callback": "print"}, ["callback must be a function"]),
    ({"snapshot_every": 0}, ["snapshot_every must be a whole number of at least 1"]),
    ({"epochs": 10**18}, ["epochs must be a whole number from 1 to 1,000,000",
                          "an integer of 19 digits"]),
    ({"epochs": 10**400}, ["an integer of 401 digits"]),
    ({"epochs": 0}, ["epochs must be a whole number from 1"]),
    ({"epochs": 1_000_000, "snapshot_every": 1}, ["snapshot_every must be a whole number of "
                                                   "at least 100", "10,000 snapshots"]),
    ({"lr": 10**400}, ["the learning rate (alpha) must be a positive finite number",
                       "integer too large for a float"]),
    ({"lr": None}, ["the learning rate (alpha) must be a positive finite number; got None"]),
    ({"mode": None}, ["mode must be 'batch'", "got None"]),
])
def test_train_checks_every_argument_before_the_first_update(kwargs, fragments):
    arguments = {"lr": 0.1, "epochs": 5, **kwargs}
    net = article_network("squared")
    assert_refused(net, lambda n: n.train(XOR_X, XOR_Y, **arguments), *fragments)


@pytest.mark.parametrize(("X", "fragments"), [
    ([[None, 1.0]] * 4, ["X (the inputs) has a missing value (None) at index (0, 0)"]),
    ([[10**400, 1]] * 4, ["X (the inputs) holds an integer too large for a float"]),
    ([[1j, 1]] * 4, ["X (the inputs) must be real numbers, not complex"]),
    ([["1", "0"]] * 4, ["not text"]),
    ([[0, 1], [1]], ["rectangular array"]),
])
def test_bad_inputs_are_named_by_what_is_wrong_with_them(X, fragments):
    net = article_network("squared")
    for call in EVERY_CALL:
        assert_refused(net, lambda n, c=call: c(n, X, XOR_Y[:len(X)]), *fragments)


@pytest.mark.parametrize(("kwargs", "fragments"), [
    ({"seed": "abc"}, ["seed must be a whole number", "'abc'"]),
    ({"seed": 1.5}, ["seed must be a whole number", "1.5"]),
    ({"seed": -1}, ["seed must be a whole number from 0"]),
    ({"seed": True}, ["seed must be a whole number"]),
    ({"activation": None}, ["activation must be a name such as 'tanh'", "got None"]),
    ({"activation": 3}, ["activation must be a name"]),
    ({"activation": [None]}, ["unknown activation None"]),
    ({"output_activation": None}, ["unknown activation None"]),
    ({"loss": None}, ["unknown loss None"]),
    ({"weights": 10**400}, ["weights (one number for every weight)", "too large for a float"]),
    ({"weights": [[["1", "2", "3"]] * 3, [["1"] * 4]]}, ["not text"]),
    ({"weights": "ones"}, ["weights='ones' is not understood"]),
    ({"weights": None}, ["weights must be a list of 2 arrays"]),
    ({"sizes": [2, 10**12, 1]}, ["sizes[1] (a layer size) must be a whole number from 1 to "
                                 "10,000"]),
    ({"sizes": [2, 10**400, 1]}, ["an integer of 401 digits"]),
    ({"sizes": [2, 4000, 4000, 1]}, ["need 16,020,001 weights; at most 10,000,000"]),
])
def test_a_network_is_refused_at_construction_with_a_message_naming_the_argument(kwargs,
                                                                                fragments):
    arguments = {"sizes": [2, 3, 1], "weights": "random", **kwargs}
    with pytest.raises(BpkitError) as caught:
        Network(**arguments)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)


def test_sizes_too_big_for_memory_are_refused_at_once():
    with pytest.raises(BpkitError, match=r"need 25,025,001 weights; at most 10,000,000"):
        Network([2, 5000, 5000, 1])


def test_a_raising_callback_keeps_the_weights_of_the_epoch_it_was_told_about():
    net = article_network("squared")
    seen = []

    def stop_at_3(epoch, loss):
        seen.append((epoch, net.weights, loss))
        if epoch == 3:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        net.train(XOR_X, XOR_Y, 0.1, 10, callback=stop_at_3, callback_every=1)
    epoch, weights, loss = seen[-1]
    assert epoch == 3 and net.loss(XOR_X, XOR_Y) == loss
    assert_same_weights(net.weights, weights)


@pytest.mark.parametrize("mode", ["batch", "online"])
def test_an_interrupted_run_stops_cleanly_and_keeps_the_last_completed_epoch(mode):
    net = article_network("squared")
    after_4 = article_network("squared")
    after_4.train(XOR_X, XOR_Y, 0.01, 4, mode=mode)

    def interrupt_in_epoch_5(epoch, loss):
        if epoch == 4:
            raise KeyboardInterrupt  # as the kernel's Interrupt button does

    history = net.train(XOR_X, XOR_Y, 0.01, 100, mode=mode, callback=interrupt_in_epoch_5,
                        callback_every=1)
    assert history.interrupted_at == 5 and history.epochs_run == 4 and not history.diverged
    assert history.message.startswith(f"interrupted in epoch 5 of 100 ({mode}, lr = 0.01): "
                                      "the weights are kept from epoch 4")
    assert_same_weights(net.weights, after_4.weights)


def test_a_huge_weight_that_makes_a_step_overflow_is_named_as_well_as_the_rate():
    net = Network([2, 3, 1], weights=1e50)  # a finite loss, but not after one step
    with pytest.raises(BpkitError) as caught:
        net.step(XOR_X, XOR_Y, 0.1)
    assert "smaller lr" in str(caught.value) and "largest |w| is 1e+50" in str(caught.value)


@pytest.mark.parametrize(("z0", "targets"), [
    (XOR_X, XOR_Y),                                  # the inputs without X0
    ("with_bias", XOR_Y[:, 0]),                      # targets (4,) would broadcast to (4, 4)
    ("with_bias", XOR_Y[:3]),
    ([[1.0, 0.0, 0.0]], [[0.0]]),                    # lists, not arrays
    (None, XOR_Y),
])
def test_backprop_called_directly_names_a_wrong_shape(z0, targets):
    net = article_network("squared")
    z0 = with_bias(XOR_X) if isinstance(z0, str) else z0
    with pytest.raises(BpkitError, match=r"backprop take[s]? (z0 of shape \(n, 3\).*with_bias\(X"
                                         r"\)|targets of shape \(\d, 1\))"):
        net.backprop(z0, targets)


def test_forward_called_with_weights_of_another_network_is_refused():
    with pytest.raises(BpkitError, match=r"weights shaped like Network\.weights"):
        article_network().forward(with_bias(XOR_X), Network([2, 4, 1]).weights)


@pytest.mark.parametrize("inputs", ["x", [[None, 1]], [1, 0], 10**400])
def test_with_bias_refuses_what_is_not_a_batch_of_numbers(inputs):
    with pytest.raises(BpkitError, match="inputs"):
        with_bias(inputs)
