"""The classic bugs of notebook 11: replays of the catalogue beside finite differences."""

import re

import numpy as np
import pytest
from test_matrix_form import NETS, batch, column, wide

from bpkit import (
    ALPHA,
    BUGS,
    MAZUR_X,
    MAZUR_Y,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    article_network,
    classic_bugs,
    finite_difference_gradients,
    mazur_network,
    update_output_layer_first,
    with_bias,
)
from bpkit.core.practice.classic_bugs import bug_gradients, common_factor
from bpkit.core.practice.replay import replay


@pytest.mark.parametrize("make", NETS)
def test_the_replay_without_a_slip_is_network_backprop(make):
    net = make()
    X, Y = batch(net, 6)
    z0 = with_bias(X)
    for mine, theirs in zip(replay(net, z0, Y, ALPHA).gradients, net.backprop(z0, Y).gradients):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


# ----- the bugs -----------------------------------------------------------------------------------
def test_the_sum_the_half_and_the_sign_scale_every_gradient():
    net = wide()
    X, Y = batch(net, 7)
    right = net.gradients(X, Y)
    for bug, factor in (("batch_sum", 7), ("stray_two", 2), ("article_sign", -1)):
        buggy = bug_gradients(net, X, Y, bug)
        assert common_factor(buggy, right) == pytest.approx(factor)


def test_the_article_sign_is_what_the_articles_loss_computes():
    ours = bug_gradients(article_network("squared"), XOR_X, XOR_Y, "article_sign")
    for mine, article in zip(ours, article_network("article").gradients(XOR_X, XOR_Y)):
        np.testing.assert_allclose(mine, article)


def test_updated_weights_are_the_wrong_update_order_of_05():
    net = wide()
    X, Y = batch(net, 7)
    wrong_order = update_output_layer_first(net, X, Y, ALPHA).gradients
    for mine, theirs in zip(bug_gradients(net, X, Y, "updated_weights"), wrong_order):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
    assert not np.allclose(wrong_order[0], net.gradients(X, Y)[0])


def test_no_f_prime_at_an_identity_output_changes_nothing_but_elsewhere_it_does():
    net = article_network("squared", activation="tanh")
    right = net.gradients(XOR_X, XOR_Y)
    same = bug_gradients(net, XOR_X, XOR_Y, "forgot_output_derivative")
    assert all(np.allclose(a, b) for a, b in zip(same, right))
    hidden = bug_gradients(net, XOR_X, XOR_Y, "forgot_hidden_derivative")
    assert np.allclose(hidden[1], right[1]) and not np.allclose(hidden[0], right[0])


def test_a_transposed_w_runs_only_where_the_layers_have_equal_sizes():
    with pytest.raises(BpkitError, match=re.escape(
            "δ2 (7, 2) times W2[:, 1:]ᵀ (5, 2) does not fit: δ2 has 2 columns but "
            "W2[:, 1:]ᵀ has 5 rows")):
        bug_gradients(wide(), *batch(wide(), 7), "transposed_w")
    mazur = mazur_network()
    buggy = bug_gradients(mazur, MAZUR_X, MAZUR_Y, "transposed_w")
    right = mazur.gradients(MAZUR_X, MAZUR_Y)
    assert [g.shape for g in buggy] == [g.shape for g in right]
    assert np.allclose(buggy[1], right[1]) and not np.allclose(buggy[0], right[0])


def test_keeping_the_bias_column_is_refused_by_the_element_wise_product():
    with pytest.raises(BpkitError, match=re.escape(
            "δ2 W2 (7, 6) ⊙ f′(a1) (7, 5) does not fit")):
        bug_gradients(wide(), *batch(wide(), 7), "bias_not_dropped")


def test_the_classic_bugs_table_sets_each_bug_beside_finite_differences():
    net = wide()
    X, Y = batch(net, 7)
    table = classic_bugs(net, X, Y)
    assert column(table, "bug") == list(BUGS)
    rows = {row[0]: row for row in table.rows}
    fd = np.concatenate([g.ravel() for g in finite_difference_gradients(net, X, Y)])
    buggy = np.concatenate([g.ravel() for g in bug_gradients(net, X, Y, "batch_sum")])
    gap = np.abs(fd - buggy).max()
    assert rows["batch_sum"][2].startswith(f"largest gap {float(f'{gap:.4g}'):g} at w(")
    assert rows["batch_sum"][3] == pytest.approx(7) and rows["stray_two"][3] == pytest.approx(2)
    assert rows["article_sign"][3] == pytest.approx(-1)
    assert rows["forgot_hidden_derivative"][3] is None
    assert rows["wrong_bias_column"][2].startswith("largest gap ")  # fits, and is caught
    for refused in ("transposed_w", "bias_not_dropped", "transposed_gradient"):
        assert rows[refused][2].startswith("refused by the shapes:")
    assert "(4, 5), (6, 2), but W has (5, 4), (2, 6)" in rows["transposed_gradient"][2]


def test_on_mazurs_square_net_the_gradient_check_catches_the_transposed_w():
    row = classic_bugs(mazur_network(), MAZUR_X, MAZUR_Y, ["transposed_w"]).rows[0]
    assert row[2].startswith("largest gap ") and row[3] is None


def test_bugs_are_for_the_squared_loss_and_by_name():
    logistic = Network([2, 2, 1], output_activation="sigmoid", loss="logistic")
    with pytest.raises(BpkitError, match="written for the squared loss"):
        classic_bugs(logistic, XOR_X, XOR_Y)
    with pytest.raises(BpkitError, match="unknown bug 'typo': expected one of 'batch_sum'"):
        classic_bugs(wide(), *batch(wide(), 3), ["typo"])
    with pytest.raises(BpkitError, match="bugs must be a list of bug names"):
        classic_bugs(wide(), *batch(wide(), 3), "batch_sum")
