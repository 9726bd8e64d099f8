"""Each slip a learner makes, typed into the real question, gets the mistake it is named by.

The wrong numbers are computed here by hand from the question's own setting (numpy, not the
replay), then typed as text, so a test fails if the question stops recognising the slip.
"""

import math
import re

import numpy as np
import pytest

from bpkit import (
    ALPHA,
    XOR_X,
    XOR_Y,
    Network,
    Setting,
    delta_question,
    finite_difference_question,
    forward_question,
    new_weight_question,
    prediction_question,
    random_question,
    random_setting,
    with_bias,
)
from bpkit.core.practice.builders import FINITE_STEP, moves

SEEDS = range(500)


def typed(value):
    return repr(float(value))


def keys(question, value):
    return question.check(typed(value)).mistakes


# ----- typing the old value never passes ----------------------------------------------------------
@pytest.mark.parametrize("kind", ["new weight", "prediction"])
def test_typing_the_unchanged_weight_or_prediction_is_never_correct(kind):
    named = 0
    for seed in SEEDS:
        q = random_question(seed, kind)
        if kind == "new weight":
            old = float(q.prompt.split("(now $")[1].split("$")[0].strip("()"))
        else:  # the prediction before the step is the forward pass's h, given in the prompt
            old = float(re.search(r"z_\{D_\{0\}\} = ([^$]+)\$", q.prompt)[1])
        verdict = q.check(typed(old))
        assert not verdict.correct, (seed, q.answer)
        assert "rounding" not in verdict.mistakes
        named += {"weight_unchanged", "prediction_unchanged"} & set(verdict.mistakes) != set()
    assert named > 0.9 * len(SEEDS)


def test_a_random_new_weight_moves_by_at_least_one_percent():
    for seed in SEEDS:
        q = random_question(seed, "new weight")
        assert "change in one step" not in q.prompt, seed


def test_a_step_under_one_percent_is_asked_as_its_change():
    net = Network([2, 3, 1], weights=1.0)
    setting = Setting(net, XOR_X[1:2], XOR_Y[1:2], 0.001)
    trace = setting.trace()
    found = trace.links["w(X0->Z1)"]
    assert not moves(found.old, found.new)
    q = new_weight_question(setting, "w(X0->Z1)")
    assert "change in one step" in q.prompt
    assert math.isclose(q.answer, found.new - found.old)
    assert not q.check(typed(found.old)).correct
    assert q.check("0").mistakes == ("weight_unchanged",)


def test_the_weight_of_08_that_moves_from_2_to_2_02_names_the_unmoved_weight():
    q = new_weight_question(random_setting(seed=3), "w(X2->Z1)")
    assert math.isclose(q.answer, 2.02)
    for text in ("2", "2.0", "2.000"):
        assert q.check(text).mistakes == ("weight_unchanged",)


# ----- two slips, one number ----------------------------------------------------------------------
def batch_gradient_by_hand(setting, link_row, link_col, layer, divide):
    net = setting.net
    z0 = with_bias(setting.x)
    _, z = net.forward(z0)
    delta_out = z[-1] - setting.y
    slope = 1.0  # linear hidden units
    delta_hidden = slope * delta_out @ net.weights[1][:, 1:]
    deltas = [delta_hidden, delta_out]
    products = deltas[layer][:, link_row] * z[layer][:, link_col]
    return products.sum() / divide(z[layer][:, link_col])


def test_the_mean_over_two_samples_and_the_stray_two_are_both_named():
    setting = random_setting(seed=0, batch=True)
    q = new_weight_question(setting, "w(X1->Z2)")
    old = setting.net.weight("X1->Z2")
    active = batch_gradient_by_hand(setting, 1, 1, 0, lambda z: np.count_nonzero(z))
    slipped = old - setting.lr * active
    assert math.isclose(slipped, 2.08875)
    verdict = q.check("2.08875")
    assert set(verdict.mistakes) == {"stray_two", "mean_over_active"}
    assert "½" in verdict.message and "counts in n" in verdict.message


def test_the_first_sample_only_is_named_in_a_batch():
    setting = random_setting(seed=0, batch=True)
    q = new_weight_question(setting, "w(X0->Z1)")
    old = setting.net.weight("X0->Z1")
    first = batch_gradient_by_hand(setting, 0, 0, 0, lambda z: len(z))
    one = Setting(setting.net, setting.x[:1], setting.y[:1], setting.lr)
    by_first = old - setting.lr * one.trace().links["w(X0->Z1)"].gradient
    assert not math.isclose(by_first, old - setting.lr * first)
    assert "first_sample_only" in keys(q, by_first)


# ----- a hidden delta -----------------------------------------------------------------------------
def hidden_parts(setting, unit_column):
    """delta(D0), w(Z->D0), a and z of one hidden unit, by hand for a 2-3-1 net."""
    net = setting.net
    z0 = with_bias(setting.x)
    a = z0 @ net.weights[0].T
    z = np.tanh(a) if net.activations[0] == "tanh" else 1 / (1 + np.exp(-a))
    h = np.hstack([np.ones((1, 1)), z]) @ net.weights[1].T
    delta_out = float(h[0, 0] - setting.y[0, 0])
    return (delta_out, net.weights[1][0, unit_column + 1], float(a[0, unit_column]),
            float(z[0, unit_column]), net.weights[0][unit_column])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_a_hidden_deltas_own_slips_are_named(activation):
    for seed in range(40):
        setting = random_setting(seed, activation=activation)
        q = delta_question(setting, "Z1")
        delta_out, w_out, a, z, w_in = hidden_parts(setting, 0)
        slope = 1 - z**2 if activation == "tanh" else z * (1 - z)
        assert math.isclose(q.answer, slope * w_out * delta_out, rel_tol=1e-9)
        from_a = (1 - a**2 if activation == "tanh" else a * (1 - a)) * w_out * delta_out
        other = (z * (1 - z) if activation == "tanh" else 1 - z**2) * w_out * delta_out
        slips = {"slope_of_a": from_a, "other_slope": other,
                 "forgot_weight": slope * delta_out,
                 "weight_into_unit": slope * w_in[1] * delta_out,
                 "forgot_derivative": w_out * delta_out}
        for key, value in slips.items():
            if q.is_close(value):
                continue  # the slip gives the answer here: typing it is right
            assert key in keys(q, value), (seed, key)


def test_the_prediction_taken_as_the_output_delta_is_named():
    for seed in range(60):
        setting = random_setting(seed)
        if setting.y[0, 0] == 0:
            continue  # h - 0 = h: the slip gives the answer
        q = delta_question(setting, "D0")
        h = setting.net.predict(setting.x)[0, 0]
        assert "output_as_delta" in keys(q, h)
        return
    pytest.fail("no sample with target 1 in 60 seeds")


# ----- alpha, bias, finite differences, figures ---------------------------------------------------
def test_the_articles_alpha_where_another_is_given_is_named():
    setting = random_setting(seed=3)
    q = new_weight_question(setting, "w(X2->Z1)")
    found = setting.trace().links["w(X2->Z1)"]
    assert setting.lr != ALPHA
    assert "article_alpha" in keys(q, found.old - ALPHA * found.gradient)
    p = prediction_question(setting)
    after = setting.net.copy()
    after.weights = [w - ALPHA * g for w, g in zip(setting.net.weights,
                                                    setting.net.gradients(setting.x, setting.y))]
    if p.figures and "change" not in p.prompt:
        assert "article_alpha" in keys(p, after.predict(setting.x)[0, 0])


def test_a_bias_left_out_of_the_outputs_own_sum_is_named():
    setting = random_setting(seed=3)
    q = forward_question(setting, "D0")
    without_own_bias = q.answer - setting.net.weight("Z0->D0")
    assert keys(q, without_own_bias) == ("forgot_bias",)


def test_a_difference_not_divided_by_two_epsilon_is_named():
    setting = random_setting(seed=3)
    q = finite_difference_question(setting, "w(X0->Z1)")
    assert "fd_not_divided" in keys(q, q.answer * 2 * FINITE_STEP)


def test_one_significant_figure_is_told_to_keep_more_figures():
    q = new_weight_question(Setting(Network([2, 3, 1], weights=1.0), XOR_X[:1], XOR_Y[:1], ALPHA),
                            "w(X0->Z1)")
    assert math.isclose(q.answer, 0.6)
    p = prediction_question(Setting(Network([2, 3, 1], weights=1.0), XOR_X[:1], XOR_Y[:1],
                                    ALPHA))
    assert math.isclose(p.answer, 1.68)
    verdict = p.check("2")
    assert verdict.mistakes == ("too_few_figures",)
    assert "rounded to 1 significant figure" in verdict.message
    assert p.check("1.7").mistakes == ("too_few_figures",)
    assert p.check("1.681").mistakes == ("rounding",)
