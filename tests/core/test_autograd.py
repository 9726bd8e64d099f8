"""autograd: each operation's gradient, forks, deep graphs, and equality with Network.gradients."""

import math

import numpy as np
import pytest

from bpkit import ACTIVATIONS, LOSSES, XOR_X, XOR_Y, BpkitError, Network, article_network
from bpkit.core.autograd import Value, gradients, network_loss, topological_order

EPS = 1e-6

# name -> (function of Values, the points to differentiate at)
OPERATIONS = {
    "add": (lambda a, b: a + b, (0.7, -1.3)),
    "sub": (lambda a, b: a - b, (0.7, -1.3)),
    "mul": (lambda a, b: a * b, (0.7, -1.3)),
    "div": (lambda a, b: a / b, (0.7, -1.3)),
    "square": (lambda a: a**2, (-0.8,)),
    "cube of a negative": (lambda a: a**3, (-1.1,)),
    "negative power": (lambda a: a**-1.5, (0.6,)),
    "square root": (lambda a: a**0.5, (2.3,)),
    "neg": (lambda a: -a, (0.4,)),
    "exp": (lambda a: a.exp(), (0.9,)),
    "log": (lambda a: a.log(), (0.35,)),
    "tanh": (lambda a: a.tanh(), (0.6,)),
    "sigmoid": (lambda a: a.sigmoid(), (-0.4,)),
    "relu above 0": (lambda a: a.relu(), (0.8,)),
    "relu below 0": (lambda a: a.relu(), (-0.8,)),
    "identity": (lambda a: a.activate("identity"), (-2.5,)),
    "number + value": (lambda a: 2.0 + a, (0.3,)),
    "number * value": (lambda a: -3.0 * a, (0.3,)),
    "number - value": (lambda a: 2.0 - a, (0.3,)),
    "number / value": (lambda a: 2.0 / a, (0.3,)),
    "value - number": (lambda a: a - 5, (0.3,)),
    "value / number": (lambda a: a / 4, (0.3,)),
    "a unit: tanh(w x + b)": (lambda w, x, b: (w * x + b).tanh(), (0.5, -1.2, 0.1)),
}


def central_difference(fn, points, i):
    """d fn / d points[i] by a central difference on plain numbers."""
    up = [Value(p + EPS * (j == i)) for j, p in enumerate(points)]
    down = [Value(p - EPS * (j == i)) for j, p in enumerate(points)]
    return (fn(*up).data - fn(*down).data) / (2 * EPS)


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_gradient_matches_a_central_difference(name):
    fn, points = OPERATIONS[name]
    inputs = [Value(p) for p in points]
    out = fn(*inputs)
    out.backward()
    for i, value in enumerate(inputs):
        assert value.grad == pytest.approx(central_difference(fn, points, i), rel=1e-6, abs=1e-9)


def test_operations_compute_the_right_numbers():
    x = Value(0.5)
    assert (x + 1).data == 1.5 and (3 - x).data == 2.5 and (1 / x).data == 2.0
    assert (x**2).data == 0.25 and (-x).data == -0.5
    assert x.exp().data == pytest.approx(math.exp(0.5)) and x.log().data == math.log(0.5)
    assert x.tanh().data == pytest.approx(math.tanh(0.5))
    assert x.sigmoid().data == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert Value(-2.0).relu().data == 0.0 and Value(2.0).relu().data == 2.0


def test_activation_slopes_are_the_network_functions_own():
    # relu's slope at exactly 0 is whatever ACTIVATIONS says (1/2), not a second definition.
    for name, act in ACTIVATIONS.items():
        for a in (-1.7, 0.0, 0.4):
            x = Value(a)
            x.activate(name).backward()
            assert x.grad == float(act.df(a)), (name, a)


def test_a_value_records_its_parents_and_local_derivatives():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    out = a * b
    assert out.op == "*" and out.parents == (a, b) and out.local_grads == (-3.0, 2.0)
    assert a.label == "a" and "a: data=2" in repr(a)


@pytest.mark.parametrize(("build", "expected"), [
    (lambda x: x * x, 2 * 1.5),
    (lambda x: x + x, 2.0),
    (lambda x: x * x * x, 3 * 1.5**2),
    (lambda x: (x * 2.0) * (x + 1.0), 2 * (1.5 + 1) + 2 * 1.5),
])
def test_gradients_add_at_forks(build, expected):
    x = Value(1.5)
    build(x).backward()
    assert x.grad == pytest.approx(expected)


def test_a_value_used_in_two_branches_gets_both_shares():
    x, y, z = Value(2.0), Value(-1.0), Value(0.5)
    left, right = x * y, x + z  # x feeds both branches
    (left * right).backward()
    assert x.grad == pytest.approx(y.data * right.data + left.data * 1.0)
    assert y.grad == pytest.approx(x.data * right.data)
    assert z.grad == pytest.approx(left.data)


def test_backward_twice_gives_the_same_gradients_not_double():
    x = Value(3.0)
    out = x * x + x
    out.backward()
    first = x.grad
    out.backward()
    assert first == 7.0 and x.grad == 7.0 and out.grad == 1.0


def test_backward_from_another_output_starts_afresh():
    x = Value(3.0)
    (x * x).backward()
    (x * 4.0).backward()
    assert x.grad == 4.0


def test_a_deep_chain_needs_no_recursion():
    x = Value(1.0)
    out = x
    for _ in range(1000):  # 2,000 operations: deeper than Python's recursion limit
        out = out * 1.001 + 0.001
    out.backward()
    assert x.grad == pytest.approx(1.001**1000)
    assert len(topological_order(out)) > 2000


def test_topological_order_puts_each_value_once_after_its_parents():
    x, y = Value(1.0), Value(2.0)
    a, b = x * y, x + y
    out = (a * b).tanh() + a
    order = topological_order(out)
    assert len(order) == len(set(order)) == 7  # x, y, a, b, a*b, tanh, +
    assert order[-1] is out
    for node in order:
        assert all(order.index(parent) < order.index(node) for parent in node.parents)


# ----- the network ---------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["squared", "article"])
def test_the_article_net_gives_network_gradients(loss):
    net = article_network(loss)
    for got, expected in zip(gradients(net, XOR_X, XOR_Y), net.gradients(XOR_X, XOR_Y)):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_network_loss_is_the_objective_the_deltas_differentiate():
    squared, article = article_network("squared"), article_network("article")
    assert network_loss(squared, XOR_X, XOR_Y)[0].data == pytest.approx(
        squared.loss(XOR_X, XOR_Y), abs=1e-12)
    assert network_loss(article, XOR_X, XOR_Y)[0].data == pytest.approx(
        -article.loss(XOR_X, XOR_Y), abs=1e-12)


def test_network_loss_gives_the_weights_as_labelled_values():
    net = Network([2, 2, 1], activation="tanh", weights="random", seed=4)
    before = net.weights
    loss, weights = network_loss(net, XOR_X, XOR_Y)
    loss.backward()
    for layer, (values, array) in enumerate(zip(weights, net.weights)):
        assert np.array([[w.data for w in row] for row in values]).tolist() == array.tolist()
        assert [[w.label for w in row] for row in values] == net.link_names[layer]
    assert weights[0][0][0].label == "w(X0->Z1)"
    assert all((b == a).all() for b, a in zip(before, net.weights))


def random_net(seed):
    """A seeded random net, batch and targets: any activation, 1-2 hidden layers, any loss."""
    rng = np.random.default_rng(seed)
    names = sorted(ACTIVATIONS)
    hidden = [int(n) for n in rng.integers(1, 5, rng.integers(1, 3))]
    sizes = [int(rng.integers(1, 4)), *hidden, int(rng.integers(1, 4))]
    loss = ["squared", "article", "logistic"][seed % 3]
    output = "sigmoid" if loss == "logistic" else names[seed // 3 % len(names)]
    activation = [names[(seed + i) % len(names)] for i in range(len(hidden))]
    net = Network(sizes, activation=activation, output_activation=output, loss=loss,
                  weights="random", seed=seed)
    n = int(rng.integers(1, 6))
    X = rng.normal(size=(n, sizes[0]))
    Y = rng.uniform(0, 1, (n, sizes[-1])) if loss == "logistic" else rng.normal(
        size=(n, sizes[-1]))
    return net, X, Y


def test_random_nets_cover_every_activation_loss_and_depth():
    nets = [random_net(seed)[0] for seed in range(60)]
    assert {name for net in nets for name in net.activations[:-1]} == set(ACTIVATIONS)
    assert {net.activations[-1] for net in nets} == set(ACTIVATIONS)
    assert {net.loss_name for net in nets} == set(LOSSES)
    assert {len(net.sizes) for net in nets} == {3, 4}
    assert max(net.sizes[-1] for net in nets) > 1


@pytest.mark.parametrize("seed", range(60))
def test_random_nets_give_network_gradients(seed):
    net, X, Y = random_net(seed)
    for got, expected in zip(gradients(net, X, Y), net.gradients(X, Y)):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# ----- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize("data", ["2.0", None, True, [1.0], math.nan, math.inf, 1j])
def test_a_value_must_be_a_finite_number(data):
    with pytest.raises(BpkitError, match="a Value's data must be a finite number"):
        Value(data)


def test_a_label_must_be_text():
    with pytest.raises(BpkitError, match="label must be text"):
        Value(1.0, label=3)


@pytest.mark.parametrize("other", ["1", None, [2.0]])
def test_operations_with_a_non_number_are_refused(other):
    x = Value(1.0)
    for operation in (lambda: x + other, lambda: x * other, lambda: x - other,
                      lambda: x / other):
        with pytest.raises(BpkitError, match="must be a finite number"):
            operation()


@pytest.mark.parametrize(("operation", "message"), [
    (lambda: Value(0.0).log(), r"log needs a positive number; got log\(0\)"),
    (lambda: Value(-2.0).log(), r"log needs a positive number; got log\(-2\)"),
    (lambda: Value(0.0) ** -1, r"0 \*\* -1 divides by zero"),
    (lambda: Value(0.0) ** -0.5, r"0 \*\* -0.5 divides by zero"),
    (lambda: Value(-8.0) ** 0.5, "a negative x needs a whole exponent"),
    (lambda: Value(0.0) ** 0.5, "not finite"),
    (lambda: Value(2.0) ** Value(2.0), "the exponent in x \\*\\* p must be a number"),
    (lambda: 2.0 ** Value(2.0), "the exponent must be a number, not a Value"),
    (lambda: Value(1.0) / 0, "division by zero"),
    (lambda: 1.0 / Value(0.0), "division by zero"),
    (lambda: Value(800.0).exp(), "exp of 800 is not finite"),
    (lambda: Value(1e200) ** 2, "is not finite"),
    (lambda: Value(1e300) * 1e300, "is not finite"),
    (lambda: Value(1.0).activate("softmax"), "unknown activation 'softmax'"),
])
def test_undefined_operations_raise_a_clear_error(operation, message):
    with pytest.raises(BpkitError, match=message):
        operation()


def test_activations_of_huge_numbers_stay_finite():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).tanh().data == 1.0


@pytest.mark.parametrize("net", [None, "net", [2, 3, 1], Network])
def test_a_non_network_is_refused(net):
    for entry in (network_loss, gradients):
        with pytest.raises(BpkitError, match="net must be a bpkit Network"):
            entry(net, XOR_X, XOR_Y)


@pytest.mark.parametrize(("X", "Y"), [
    ([[0.0, 1.0, 2.0]], [[1.0]]),
    (XOR_X, [[1.0]]),
    ("abc", XOR_Y),
])
def test_bad_samples_are_refused_and_the_net_is_unchanged(X, Y):
    net = article_network("squared")
    before = net.weights
    with pytest.raises(BpkitError):
        gradients(net, X, Y)
    assert all((b == a).all() for b, a in zip(before, net.weights))


def test_a_logistic_output_that_rounds_to_one_is_refused_by_its_log():
    net = Network([1, 1], output_activation="sigmoid", loss="logistic",
                  weights=[np.array([[40.0, 0.0]])])
    with pytest.raises(BpkitError, match="log needs a positive number"):
        gradients(net, [[0.0]], [[1.0]])
