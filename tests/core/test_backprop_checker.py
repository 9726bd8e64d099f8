"""The learner's vectorised backprop: the right one passes, each classic wrong one is named."""

import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest

from bpkit import BpkitError, check_backprop, f_prime
from bpkit.core.practice.backprop_checker import ATOMS, CASES, SLIPS
from bpkit.core.practice.mistakes import MISTAKES

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "11_matrices.ipynb"


# ----- the right implementation (the notebook reveals exactly this one) ---------------------------
def backprop(net, z0, Y):
    W = net.weights
    a, z = net.forward(z0)
    fp = f_prime(net, a)
    n, L = len(z0), len(W)
    delta = (z[L] - Y) * fp[L - 1]  # equation 1
    grads = [delta.T @ z[L - 1] / n]  # equation 3
    for l in reversed(range(1, L)):  # noqa: E741
        delta = (delta @ W[l][:, 1:]) * fp[l - 1]  # equation 2
        grads.insert(0, delta.T @ z[l - 1] / n)  # equation 3
    return grads


# ----- wrong ones, each built from one mistake ----------------------------------------------------
def written(output=None, hidden=None, gradient=None, scale=1.0, update=None):
    """A backprop with one part swapped for a wrong version."""
    def wrong(net, z0, Y):
        W = net.weights
        a, z = net.forward(z0)
        fp = f_prime(net, a)
        n, L = len(z0), len(W)
        delta = output(z, Y, fp, L) if output else (z[L] - Y) * fp[L - 1]
        grad = gradient or (lambda d, zb: d.T @ zb / n)
        grads = [grad(delta, z[L - 1])]
        for l in reversed(range(1, L)):  # noqa: E741
            if update is not None:
                W[l] = W[l] - update * grads[0]
            delta = hidden(delta, W[l], fp[l - 1]) if hidden else (
                (delta @ W[l][:, 1:]) * fp[l - 1])
            grads.insert(0, grad(delta, z[l - 1]))
        return [scale * g for g in grads]
    return wrong


def not_written(net, z0, Y):
    """The stub as the notebook commits it."""
    raise NotImplementedError("write backprop here")


def returns_nothing(net, z0, Y):
    W = net.weights
    a, z = net.forward(z0)
    del W, a, z


def reversed_order(net, z0, Y):
    return backprop(net, z0, Y)[::-1]


def changes_weights(net, z0, Y):
    grads = backprop(net, z0, Y)
    net.weights = [w - 0.1 * g for w, g in zip(net.weights, grads)]
    return grads


def changes_targets(net, z0, Y):
    grads = backprop(net, z0, Y)
    Y -= 1
    return grads


def index_error(net, z0, Y):
    a, _ = net.forward(z0)
    return [a[5]]


bias_kept_then_broadcast = written(hidden=lambda d, w, fp: (d @ w) * fp)
"""Sends deltas back through the whole W, bias column included: the shapes stop it."""

bias_kept_z_form = written(hidden=lambda d, w, fp: (d @ w) * np.hstack((0 * fp[:, :1], fp)))
"""f'(a) read off z with its bias column (f' = 0 there), so the bias unit gets a delta."""


def one_array(net, z0, Y):
    return backprop(net, z0, Y)[-1]


def texts(net, z0, Y):
    return [str(g.tolist()) for g in backprop(net, z0, Y)]


def one_too_few(net, z0, Y):
    return backprop(net, z0, Y)[1:]


WRONG = {
    "transposed_gradient": written(gradient=lambda d, zb: zb.T @ d / len(zb)),
    "batch_sum": written(gradient=lambda d, zb: d.T @ zb),
    "mean_twice": written(gradient=lambda d, zb: d.T @ zb / len(zb) ** 2),
    "stray_two": written(output=lambda z, Y, fp, L: 2 * (z[L] - Y) * fp[L - 1]),
    "article_sign": written(output=lambda z, Y, fp, L: (Y - z[L]) * fp[L - 1]),
    "forgot_output_derivative": written(output=lambda z, Y, fp, L: z[L] - Y),
    "forgot_hidden_derivative": written(hidden=lambda d, w, fp: d @ w[:, 1:]),
    "transposed_w": written(hidden=lambda d, w, fp: (d @ w[:, 1:].T) * fp),
    "updated_weights": written(update=0.1),
    "no_bias_column": written(gradient=lambda d, zb: d.T @ zb[:, 1:] / len(zb)),
    "bias_not_dropped": bias_kept_z_form,
    "reversed": reversed_order,
    "changed_weights": changes_weights,
    "changed_inputs": changes_targets,
    "not_numbers": texts,
    "wrong_count": one_too_few,
}


def test_the_right_backprop_passes_on_every_case():
    verdict = check_backprop(backprop)
    assert verdict.correct and verdict.mistake is None
    assert str(verdict).startswith("Right") and str(len(CASES)) in str(verdict)


@pytest.mark.parametrize("mistake", sorted(WRONG))
def test_each_wrong_backprop_is_named_for_its_mistake(mistake):
    verdict = check_backprop(WRONG[mistake])
    assert not verdict.correct
    assert verdict.mistake == mistake, verdict.message
    assert MISTAKES[mistake].message in verdict.message  # the catalogue's words, never rewritten


def test_every_key_the_checker_can_name_is_in_the_one_catalogue():
    assert {key for key, _ in ATOMS} | set(SLIPS) <= set(MISTAKES)
    assert all(MISTAKES[key].slip is not None for key in SLIPS)


def test_one_array_instead_of_a_list_is_not_numbers_and_says_what_came_back():
    verdict = check_backprop(one_array)
    assert verdict.mistake == "not_numbers"
    assert "returned one array of shape (2, 6)" in verdict.message


@pytest.mark.parametrize("stub", [not_written, returns_nothing])
def test_a_stub_is_not_written_yet_not_an_error(stub):
    verdict = check_backprop(stub)
    assert verdict.mistakes == ("not_written",) and not verdict.correct
    assert str(verdict).startswith("not written yet")


def test_messages_name_the_layer_the_factor_and_the_shapes():
    assert "layer 1's gradient (grads[0], for W1) has shape (4, 5) where W1 has (5, 4)" in str(
        check_backprop(WRONG["transposed_gradient"]))
    assert "On the 3-5-2 net: grads[0] ×7, grads[1] ×7" in str(check_backprop(WRONG["batch_sum"]))
    assert "grads[0] ×2, grads[1] ×2" in str(check_backprop(WRONG["stray_two"]))
    assert "grads[0] ×-1, grads[1] ×-1" in str(check_backprop(WRONG["article_sign"]))
    assert "every net the checker ran (3-5-2, 2-2-2, 2-3-3-1, 4-3-2" in str(
        check_backprop(WRONG["forgot_hidden_derivative"]))
    shapes = str(check_backprop(WRONG["no_bias_column"]))
    assert "shape (5, 3) where W1 has (5, 4)" in shapes


def test_only_the_layer_that_is_transposed_is_named():
    def output_transposed(net, z0, Y):
        grads = backprop(net, z0, Y)
        return [*grads[:-1], grads[-1].T]

    verdict = check_backprop(output_transposed)
    assert verdict.mistake == "transposed_gradient"
    assert "layer 2's gradient (grads[1], for W2) has shape (6, 2) where W2" in verdict.message


def test_the_transposed_w_is_named_on_the_square_net_and_its_error_elsewhere_reported():
    verdict = check_backprop(WRONG["transposed_w"])
    assert verdict.mistakes == ("transposed_w",)
    assert "each net your code ran on (2-2-2, with batches of 4)" in verdict.message
    assert "ValueError" in verdict.message  # where the layers differ in size, it cannot run


def test_two_mistakes_at_once_are_both_named():
    verdict = check_backprop(written(output=lambda z, Y, fp, L: (Y - z[L]) * fp[L - 1],
                                     gradient=lambda d, zb: d.T @ zb))
    assert verdict.mistakes == ("article_sign", "batch_sum")
    assert MISTAKES["article_sign"].message in verdict.message
    assert MISTAKES["batch_sum"].message in verdict.message
    assert "grads[0] ×-7, grads[1] ×-7" in verdict.message


def test_an_exception_is_reported_with_its_line_and_message_never_raised():
    verdict = check_backprop(index_error)
    assert verdict.mistakes == ("error",)
    line = inspect.getsourcelines(index_error)[1] + 2
    assert f"IndexError on line {line} (return [a[5]])" in verdict.message
    assert "list index out of range" in verdict.message


def test_a_shape_error_gets_a_hint_about_the_shapes():
    verdict = check_backprop(bias_kept_then_broadcast)
    assert verdict.mistakes == ("error", "bias_not_dropped")
    assert "ValueError" in verdict.message and "The shapes do not fit" in verdict.message
    assert "differ by one column: the bias column" in verdict.message


def test_an_unknown_mistake_is_located_by_layer():
    def off_in_layer_one(net, z0, Y):
        grads = backprop(net, z0, Y)
        grads[0] = grads[0] + 0.5
        return grads

    verdict = check_backprop(off_in_layer_one)
    assert verdict.mistakes == ("wrong_values",)
    assert "layer 1's gradient (grads[0], for W1) is wrong" in verdict.message
    assert "layer 2 is right" in verdict.message
    assert "it should be -0.01284, yours is 0.4872" in verdict.message


def test_a_constant_factor_that_is_no_known_mistake_is_named_as_one():
    verdict = check_backprop(written(scale=3.0))
    assert verdict.mistakes == ("scaled",) and "(×3)" in verdict.message


def test_the_checker_calls_nothing_but_the_function_and_leaves_the_cases_alone():
    before = [(case.net().weights, case.batch()) for case in CASES]
    check_backprop(changes_weights)
    check_backprop(changes_targets)
    after = [(case.net().weights, case.batch()) for case in CASES]
    for (w0, (z0, y0)), (w1, (z1, y1)) in zip(before, after):
        assert all(np.array_equal(a, b) for a, b in zip(w0, w1))
        assert np.array_equal(z0, z1) and np.array_equal(y0, y1)


@pytest.mark.parametrize("value", [None, "def backprop(net, z0, Y): return []", 3, int])
def test_something_that_is_not_a_function_is_refused(value):
    with pytest.raises(BpkitError, match="backprop must be your function"):
        check_backprop(value)


def test_the_cases_cover_square_and_non_square_layers_outputs_and_batches():
    sizes = [case.sizes for case in CASES]
    assert any(s[-1] > 1 for s in sizes) and any(s[-1] == 1 for s in sizes)
    assert any(len(s) > 3 for s in sizes)
    assert any(s[1] == s[2] for s in sizes) and any(s[1] != s[2] for s in sizes)
    batches = [case.n for case in CASES]
    assert min(batches) > 1 and len(set(batches)) == len(batches)


def test_the_notebook_stub_and_revealed_solution_are_the_ones_tested_here():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    learner = [c for c in cells if "learner-code" in c["metadata"].get("tags", [])]
    assert len(learner) == 1
    assert 'raise NotImplementedError("write backprop here")' in "".join(learner[0]["source"])
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    revealed = re.search(r"<summary>Solution</summary>\s*```python\n(.+?)```", markdown, re.S)
    assert revealed, "the notebook reveals a solution in a <details> block"
    ours = inspect.getsource(backprop).replace("  # noqa: E741", "")
    assert revealed.group(1) == ours
