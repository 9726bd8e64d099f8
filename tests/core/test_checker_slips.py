"""Each slip, written into a learner's function, is named by the checker with its catalogue key.

Nothing here reaches into the checkers: every learner function below is ordinary code with one
slip (or two) in it, run through ``check_backprop`` or ``check_backward`` as a learner runs it.
A mistake is named only when one explanation holds on every net the checker runs.
"""

from dataclasses import dataclass

import numpy as np
import pytest
from learners import vectorised_backprop

from bpkit import check_backprop, check_backward
from bpkit.core.practice.backprop_checker import CASES
from bpkit.core.practice.mistakes import MISTAKES

SLOPE_FROM_Z = {"sigmoid": lambda z: z * (1 - z), "tanh": lambda z: 1 - z * z,
                "identity": lambda z: np.ones_like(z)}


@dataclass
class Learner:
    """A learner's backprop, written from the four equations with the slips asked for.

    ``divide(layer, last, n, delta)`` is what each gradient is divided by; ``sign(layer, last)``
    what it is multiplied by; ``output`` is the output delta's factor; ``alpha`` updates each
    layer's weights before the deltas go back through them; ``paths`` sends a hidden delta back
    through one output's link only, 'first' or 'last' (a loop with = instead of +=).
    """

    output: float = 1.0
    output_slope: bool = True
    hidden_slope: bool = True
    back: str = "W[:, 1:]"
    divide: object = None
    sign: object = None
    alpha: float | None = None
    paths: str | None = None

    def __call__(self, net, z0, Y):
        weights = [w.copy() for w in net.weights]
        _, zs = net.forward(z0)
        slope = [SLOPE_FROM_Z[name] for name in net.activations]
        last = len(weights) - 1
        err = self.output * (zs[-1] - Y) * (slope[-1](zs[-1]) if self.output_slope else 1.0)
        found = {}
        for layer in range(last, -1, -1):
            scale = self.divide(layer, last, len(z0), err) if self.divide else len(z0)
            flip = self.sign(layer, last) if self.sign else 1.0
            found[layer] = flip * np.dot(err.T, zs[layer]) / scale
            if layer == 0:
                break
            if self.alpha is not None:
                weights[layer] = weights[layer] - self.alpha * found[layer]
            err = self._sent_back(err, weights[layer]) * (
                slope[layer - 1](zs[layer][:, 1:]) if self.hidden_slope else 1.0)
        return [found[layer] for layer in range(last + 1)]

    def _sent_back(self, err, w):
        if self.paths is not None:
            total = np.zeros((len(err), w.shape[1] - 1))
            units = range(w.shape[0]) if self.paths == "last" else range(w.shape[0])[::-1]
            for unit in units:
                total = np.outer(err[:, unit], w[unit, 1:])  # = where += belongs
            return total
        return {"W[:, 1:]": lambda: err @ w[:, 1:], "W[:, :-1]": lambda: err @ w[:, :-1],
                "W[:, 1:].T": lambda: err @ w[:, 1:].T}[self.back]()


def keys_of(backprop):
    verdict = check_backprop(backprop)
    assert not verdict.correct
    return verdict.mistakes


def test_the_learner_without_slips_is_right():
    assert check_backprop(Learner()).correct


# ----- the scale of a gradient: named only when one explanation holds on every net ---------------
@pytest.mark.parametrize(("learner", "keys"), [
    (Learner(output=-1.0), ("article_sign",)),
    (Learner(output=2.0), ("stray_two",)),
    (Learner(output=0.5), ("missing_two",)),
    (Learner(divide=lambda layer, last, n, err: 1), ("batch_sum",)),
    (Learner(divide=lambda layer, last, n, err: n * n), ("mean_twice",)),
    (Learner(output=3.0), ("scaled",)),
    (Learner(output=-1.0, divide=lambda layer, last, n, err: 1), ("article_sign", "batch_sum")),
    (Learner(output=-2.0), ("article_sign", "stray_two")),
    (Learner(output=0.5, divide=lambda layer, last, n, err: n * n),
     ("missing_two", "mean_twice")),
], ids=["sign", "stray two", "missing two", "sum", "mean twice", "scaled", "sign and sum",
        "sign and two", "half and mean twice"])
def test_a_factor_in_every_layer_is_named(learner, keys):
    assert keys_of(learner) == keys


def test_dividing_by_the_layers_width_instead_of_n_is_not_the_half_of_the_loss():
    verdict = check_backprop(Learner(divide=lambda layer, last, n, err: err.shape[1]))
    assert "stray_two" not in verdict.mistakes and "missing_two" not in verdict.mistakes
    assert verdict.mistakes == ("wrong_values",)
    assert "2-2-2 net (n = 4): grads[0] ×2, grads[1] ×2" in verdict.message  # n / width = 2 here
    assert "3-5-2 net (n = 7): grads[0] ×1.4, grads[1] ×3.5" in verdict.message  # not here
    assert "divided by n = len(z0)" in verdict.message


def test_dividing_by_n_plus_one_is_not_named_either():
    verdict = check_backprop(Learner(divide=lambda layer, last, n, err: n + 1))
    assert verdict.mistakes == ("wrong_values",)
    assert "3-5-2 net (n = 7): grads[0] ×0.875, grads[1] ×0.875" in verdict.message


@pytest.mark.parametrize(("divide", "where"), [
    (lambda layer, last, n, err: 1 if layer == last else n, "in the output layer's gradient"),
    (lambda layer, last, n, err: n if layer == last else 1, "in every layer but the output's"),
    (lambda layer, last, n, err: 1 if layer == 0 else n, "in layer 1's gradient only"),
], ids=["sum in the output layer", "sum in the hidden layers", "sum in layer 1"])
def test_the_mean_in_one_layer_and_the_sum_in_another_is_named_per_layer(divide, where):
    verdict = check_backprop(Learner(divide=divide))
    assert verdict.mistakes == ("batch_sum",)
    assert where in verdict.message


def test_the_sum_in_one_layer_and_n_twice_in_the_others_are_both_named():
    learner = Learner(divide=lambda layer, last, n, err: 1 if layer == last else n * n)
    assert keys_of(learner) == ("batch_sum", "mean_twice")


@pytest.mark.parametrize(("sign", "where"), [
    (lambda layer, last: -1 if layer == last else 1, "in the output layer's gradient only"),
    (lambda layer, last: -1 if layer == 0 else 1, "in layer 1's gradient only"),
], ids=["output layer", "layer 1"])
def test_a_sign_flipped_in_one_layer_only_is_named_for_that_layer(sign, where):
    verdict = check_backprop(Learner(sign=sign))
    assert verdict.mistakes == ("gradient_sign",)
    assert where in verdict.message


def test_a_sign_flipped_in_a_middle_layer_only_is_not_named_as_a_known_mistake():
    verdict = check_backprop(Learner(sign=lambda layer, last: -1 if 0 < layer < last else 1))
    assert verdict.mistakes == ("wrong_values",)  # only the 2-3-3-1 net has a middle layer
    assert "2-3-3-1 net (n = 3): grads[0] ×1, grads[1] ×-1, grads[2] ×1" in verdict.message
    assert "−1 a sign flipped in that layer" in verdict.message


# ----- the deltas -------------------------------------------------------------------------------
@pytest.mark.parametrize(("learner", "keys"), [
    (Learner(output_slope=False), ("forgot_output_derivative",)),
    (Learner(hidden_slope=False), ("forgot_hidden_derivative",)),
    (Learner(output_slope=False, hidden_slope=False), ("forgot_derivative",)),
    (Learner(output_slope=False, divide=lambda layer, last, n, err: 1),
     ("forgot_output_derivative", "batch_sum")),
    (Learner(hidden_slope=False, output=-1.0), ("forgot_hidden_derivative", "article_sign")),
    (Learner(back="W[:, :-1]"), ("wrong_bias_column",)),
    (Learner(back="W[:, 1:].T"), ("transposed_w",)),
], ids=["f' output", "f' hidden", "f' both", "f' output and sum", "f' hidden and sign",
        "bias column dropped on the wrong side", "transposed W"])
def test_a_slip_in_the_deltas_is_named(learner, keys):
    assert keys_of(learner) == keys


@pytest.mark.parametrize("paths", ["last", "first"])
def test_a_hidden_delta_from_one_path_only_is_named(paths):
    verdict = check_backprop(Learner(paths=paths))
    assert verdict.mistakes == ("one_path",)
    assert "+= over the outputs, not =" in verdict.message


@pytest.mark.parametrize("alpha", [0.3, 0.05, 0.1, 1.5])
def test_hidden_deltas_from_updated_weights_are_named_at_any_learning_rate(alpha):
    verdict = check_backprop(Learner(alpha=alpha))
    assert verdict.mistakes == ("updated_weights",)
    assert f"(with α = {alpha:g})" in verdict.message


# ----- two slips that give the same numbers everywhere are both named ----------------------------
def one_output_only(net, z0, Y):
    """Written for the article's one output (h.reshape(n) fails with two); f'(a) forgotten in
    the hidden deltas, which on that net's linear output is also forgetting it everywhere."""
    _, zs = net.forward(z0)
    n, weights = len(z0), net.weights
    h = zs[-1].reshape(n)
    err = ((h - Y.reshape(n)) * SLOPE_FROM_Z[net.activations[-1]](h))[:, None]
    grads = [err.T @ zs[-2] / n]
    for k in range(len(weights) - 1, 0, -1):
        err = err @ weights[k][:, 1:]
        grads.insert(0, err.T @ zs[k - 1] / n)
    return grads


def test_two_slips_with_the_same_numbers_on_every_net_that_ran_are_both_named():
    verdict = check_backprop(one_output_only)
    assert verdict.mistakes == ("forgot_hidden_derivative", "forgot_derivative")
    assert "the numbers cannot tell them apart" in verdict.message
    assert "(1) f'(a) left out of the hidden deltas; or (2) f'(a) left out of every delta" in (
        verdict.message)
    assert "each net your code ran on (2-3-3-1, with batches of 3)" in verdict.message
    assert "ValueError" in verdict.message  # and the nets with two outputs say why they stopped


# ----- what the shapes show ----------------------------------------------------------------------
def transposed_gradients(net, z0, Y):
    return [g.T for g in Learner()(net, z0, Y)]


def bias_column_left_out(net, z0, Y):
    return [g[:, 1:] for g in Learner()(net, z0, Y)]


def reversed_layers(net, z0, Y):
    return Learner()(net, z0, Y)[::-1]


def bias_delta_kept(net, z0, Y):
    """The bias unit gets a delta of its own (W's bias column kept, f' = 0 for the bias)."""
    grads = Learner()(net, z0, Y)
    for k in range(len(grads) - 1):
        grads[k] = np.vstack([np.zeros((1, grads[k].shape[1])), grads[k]])
    return grads


@pytest.mark.parametrize(("learner", "key"), [
    (transposed_gradients, "transposed_gradient"), (bias_column_left_out, "no_bias_column"),
    (reversed_layers, "reversed"), (bias_delta_kept, "bias_not_dropped"),
])
def test_a_slip_the_shapes_show_is_named(learner, key):
    verdict = check_backprop(learner)
    assert verdict.mistakes == (key,)
    assert MISTAKES[key].message in verdict.message


def test_every_case_keeps_a_net_where_the_checker_can_tell_first_from_hidden():
    assert any(len(case.sizes) > 3 for case in CASES)


# ----- precision: one policy, and refusals that show the gap -------------------------------------
def test_a_slip_computed_in_float32_is_still_named():
    def summed_in_float32(net, z0, Y):
        return [(len(z0) * g).astype(np.float32) for g in Learner()(net, z0, Y)]

    assert keys_of(summed_in_float32) == ("batch_sum",)


def test_a_refusal_prints_enough_digits_to_show_the_gap():
    def nudged(net, z0, Y):
        grads = Learner()(net, z0, Y)
        grads[0] = grads[0] * (1 + 1e-3) + 1e-4
        return grads

    verdict = check_backprop(nudged)
    assert verdict.mistakes == ("wrong_values",)
    should, yours = verdict.message.split("it should be ")[1].split(")")[0].split(", yours is ")
    assert should != yours


# ----- backward rules: each slip written as a learner writes it ----------------------------------
def swapped_as_array(a, b, grad):
    return np.array([grad * a, grad * b])


def local_only_float32(a, b, grad):
    return np.float32(b), np.float32(a)


def product_times_grad(a, b, grad):
    out = a * b
    return [grad * out, grad * out]


def tanh_slope_of_a_float32(a, z, grad):
    return np.float32(grad) * (1 - np.float32(a) ** 2)


def tanh_sigmoid_slope(a, z, grad):
    return np.array(grad * z * (1 - z))


def tanh_without_square(a, z, grad):
    return [grad * (1 - z)]


@pytest.mark.parametrize(("operation", "rule", "key"), [
    ("multiply", swapped_as_array, "swapped"),
    ("multiply", local_only_float32, "forgot_incoming"),
    ("multiply", product_times_grad, "forward_value_times_grad"),
    ("multiply", lambda a, b, grad: (a * b, a * b), "forward_value"),
    ("multiply", lambda a, b, grad: [grad, grad], "add_rule"),
    ("multiply", lambda a, b, grad: np.array([a, b]), "inputs_returned"),
    ("multiply", lambda a, b, grad: (-grad * b, -grad * a), "flipped_sign"),
    ("tanh", tanh_slope_of_a_float32, "slope_of_a"),
    ("tanh", tanh_sigmoid_slope, "other_slope"),
    ("tanh", tanh_without_square, "forgot_square"),
    ("tanh", lambda a, z, grad: np.float64(grad * z), "z_not_slope"),
    ("tanh", lambda a, z, grad: (grad,), "passed_through"),
    ("tanh", lambda a, z, grad: 1 - z * z, "forgot_incoming"),
    ("tanh", lambda a, z, grad: -grad * (1 - z * z), "flipped_sign"),
    ("tanh", lambda a, z, grad: z, "forward_value"),
])
def test_each_backward_slip_is_named_by_its_catalogue_key(operation, rule, key):
    verdict = check_backward(operation, rule)
    assert verdict.mistakes == (key,), verdict.message
    assert MISTAKES[key].message in verdict.message


@pytest.mark.parametrize(("rule", "key"), [
    (lambda a, b, grad: (grad * b, grad * b), "b_wrong"),
    (lambda a, b, grad: (grad * a * 0 + b, grad * a), "a_wrong"),
    (lambda a, b, grad: (grad + b, grad + a), "wrong_values"),
])
def test_an_unexplained_backward_rule_says_which_input_is_wrong(rule, key):
    assert check_backward("multiply", rule).mistakes == (key,)


def test_the_numbers_shown_are_ones_where_the_rule_is_wrong():
    verdict = check_backward("multiply", lambda a, b, grad: (grad * b, grad * a) if a == 2.0
                             else (0.0, 0.0))
    assert verdict.mistakes == ("wrong_values",)
    assert "With a = -1.5, b = 0.25, grad = -2: a's should be -0.5, <lambda> gave 0" in (
        verdict.message)


@pytest.mark.parametrize("rule", [lambda a, b, grad: (True, False),
                                  lambda a, b, grad: np.array([grad > 0, grad < 0])])
def test_truth_values_are_refused_with_a_clear_message(rule):
    verdict = check_backward("multiply", rule)
    assert verdict.mistakes == ("not_numbers",)
    assert "a truth value (True or False), not a number" in verdict.message


def slope_taken_at_z(net, z0, Y):
    """f'(a) written as f_prime(net, z): the derivative given the activations, not the sums."""
    return vectorised_backprop(net, z0, Y, slope_at_z=True)


def mean_over_every_element(net, z0, Y):
    """J as np.mean((h - y) ** 2) / 2: divided by the outputs as well as the samples."""
    return [g / Y.shape[1] for g in Learner()(net, z0, Y)]


def test_f_prime_taken_at_z_instead_of_a_is_named():
    verdict = check_backprop(slope_taken_at_z)
    assert verdict.mistakes == ("slope_at_z",)
    assert MISTAKES["slope_at_z"].message in verdict.message


def test_dividing_by_the_outputs_too_is_named():
    verdict = check_backprop(mean_over_every_element)
    assert verdict.mistakes == ("mean_over_outputs",)
    assert "sums each sample's loss over the outputs" in verdict.message
