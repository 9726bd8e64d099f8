"""autograd: each operation's gradient, forks, deep graphs, bad input, and torch.autograd."""

import math

import numpy as np
import pytest

from bpkit import ACTIVATIONS, BpkitError
from bpkit.core.autograd import Value, topological_order

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
    assert x.log().data == math.log(0.5)
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




@pytest.mark.parametrize("root", [None, 2.0, "J", [Value(1.0)]])
def test_topological_order_needs_a_value(root):
    with pytest.raises(BpkitError, match="root must be a Value"):
        topological_order(root)


def test_labels_reach_the_repr_and_the_engine_reads_short():
    # The notebook shows the engine's source: it must stay about 100 lines.
    import inspect

    import bpkit.core.autograd as engine

    assert len(inspect.getsource(engine.Value).splitlines()) <= 110
    assert repr(Value(2.0, "w")) == "Value(w: data=2, grad=0)"


# ----- PyTorch's autograd (installed with the bench extra; skipped where it is missing) ------
TORCH_OPERATIONS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "square": lambda a, b: a**2 * b,
    "log": lambda a, b: (a * a + b * b).log(),
    "a unit": lambda a, b: (a * 0.5 + b * -1.2 + 0.1).tanh() * (a - b).sigmoid(),
    "a fork": lambda a, b: (a * b + a) * (a + 2.0),
}


@pytest.mark.parametrize("name", TORCH_OPERATIONS)
def test_each_operation_matches_torch_autograd(name):
    torch = pytest.importorskip("torch")
    fn = TORCH_OPERATIONS[name]
    mine = [Value(0.7), Value(-1.3)]
    fn(*mine).backward()
    theirs = [torch.tensor(v.data, dtype=torch.float64, requires_grad=True) for v in mine]
    # torch tensors have the same operators and log, tanh and sigmoid methods: the same
    # expression runs on torch's own autograd
    fn(*theirs).backward()
    for value, tensor in zip(mine, theirs):
        assert value.grad == pytest.approx(float(tensor.grad), rel=1e-12, abs=1e-12)


# ----- what a Value is not: each refusal names its number, .data ------------------------------
@pytest.mark.parametrize(("operation", "shown"), [
    (lambda a, b: a < b, "a.data < b.data"), (lambda a, b: a <= b, "a.data <= b.data"),
    (lambda a, b: a > b, "a.data > b.data"), (lambda a, b: a >= b, "a.data >= b.data"),
    (lambda a, b: a < 3.0, "a.data < b.data"), (lambda a, b: a > 3.0, "a.data > b.data"),
    (lambda a, b: max(a, b), ".data"), (lambda a, b: sorted([a, b]), ".data"),
    (lambda a, b: abs(a), "abs(a.data)"), (lambda a, b: float(a), "a.data"),
])
def test_comparing_abs_and_float_of_a_value_name_its_data(operation, shown):
    with pytest.raises(BpkitError, match="not an operation on Values") as caught:
        operation(Value(1.0), Value(2.0))
    assert shown in str(caught.value)


@pytest.mark.parametrize("array", [np.array([1.0, 2.0]), np.array(2.0), np.ones((2, 2))])
def test_an_array_and_a_value_are_refused_either_way_round(array):
    x = Value(1.0)
    for operation in (lambda: x + array, lambda: array + x, lambda: array * x,
                      lambda: array - x, lambda: array / x, lambda: x * array):
        with pytest.raises(BpkitError, match="a Value's data must be a finite number"):
            operation()


def test_numpy_scalars_still_combine_with_values():
    x = Value(2.0)
    for out in (np.float64(3.0) + x, np.float64(3.0) * x - 1.0, x * np.int64(3)):
        assert isinstance(out, Value) and out.data in (5.0, 6.0)
    total = np.sum([x, x])  # an object array's sum calls the Values' own +
    total.backward()
    assert total.data == 4.0 and x.grad == 2.0
