"""The article's single step on x = (0, 0), y = 0, replayed in both sign conventions.

Every expected number is computed here by hand-written arithmetic from the article's recipe
(forward sums, delta = f'(a) * sum(w * delta), w := w - alpha * z * delta), never typed in as
the answer to itself.
"""

import numpy as np
import pytest

from bpkit import ALPHA, article_network

X00, Y00 = [0.0, 0.0], 0.0


def by_hand(sign: float) -> dict[str, float]:
    """The article's recipe in plain arithmetic: sign=-1 for its delta, +1 for the correct one."""
    x0, x1, x2 = 1.0, *X00
    z_hidden = 1 * x0 + 1 * x1 + 1 * x2  # every weight is 1
    h = 1 * 1 + 3 * (1 * z_hidden)  # Z0 = 1 plus three identical hidden units
    delta_out = sign * (h - Y00)  # f'(a) = 1
    delta_hidden = 1 * (1 * delta_out)
    new_input_bias = 1 - ALPHA * x0 * delta_hidden
    new_input_feature = 1 - ALPHA * x1 * delta_hidden
    new_hidden = 1 - ALPHA * z_hidden * delta_out
    new_z = new_input_bias * x0 + new_input_feature * x1 + new_input_feature * x2
    return {
        "h": h, "delta_out": delta_out, "delta_hidden": delta_hidden,
        "new_input_bias": new_input_bias, "new_input_feature": new_input_feature,
        "new_hidden": new_hidden, "h_after": new_hidden * 1 + 3 * new_hidden * new_z,
    }


@pytest.mark.parametrize(("loss", "sign"), [("article", -1.0), ("squared", 1.0)])
def test_seed_step_matches_the_recipe(loss, sign):
    expected = by_hand(sign)
    net = article_network(loss)
    trace = net.step(X00, Y00, ALPHA)
    units, links = trace.units, trace.links
    assert trace.outputs[0, 0] == pytest.approx(expected["h"])
    assert units["D0"].delta[0] == pytest.approx(expected["delta_out"])
    for hidden in ("Z1", "Z2", "Z3"):
        assert units[hidden].a[0] == pytest.approx(1.0)
        assert units[hidden].delta[0] == pytest.approx(expected["delta_hidden"])
        assert links[f"w(X0->{hidden})"].new == pytest.approx(expected["new_input_bias"])
        assert links[f"w(X1->{hidden})"].new == pytest.approx(expected["new_input_feature"])
        assert links[f"w(X2->{hidden})"].new == pytest.approx(expected["new_input_feature"])
    for source in ("Z0", "Z1", "Z2", "Z3"):
        assert links[f"w({source}->D0)"].new == pytest.approx(expected["new_hidden"])
    assert trace.outputs_after[0, 0] == pytest.approx(expected["h_after"])
    assert net.predict(X00)[0, 0] == pytest.approx(expected["h_after"])


def test_the_article_numbers_are_the_ones_the_worked_example_quotes():
    """The quoted facts (4, -4, 1.4, 7.28 and +4, 0.6, 1.68) are what the recipe produces."""
    article, correct = by_hand(-1.0), by_hand(1.0)
    assert (article["h"], article["delta_out"], article["delta_hidden"]) == (4, -4, -4)
    assert article["new_hidden"] == pytest.approx(1.4)
    assert article["h_after"] == pytest.approx(7.28)
    assert correct["delta_out"] == 4
    assert correct["new_hidden"] == pytest.approx(0.6)
    assert correct["h_after"] == pytest.approx(1.68)


def test_article_sign_goes_uphill_and_correct_sign_goes_downhill():
    article = article_network("article").step(X00, Y00, ALPHA)
    correct = article_network("squared").step(X00, Y00, ALPHA)
    assert article.loss == correct.loss == pytest.approx(0.5 * 4.0**2)
    assert article.loss_after > article.loss
    assert correct.loss_after < correct.loss


def test_article_delta_is_minus_the_squared_error_gradient():
    article = article_network("article")
    correct = article_network("squared")
    for g_article, g_correct in zip(article.gradients(X00, Y00), correct.gradients(X00, Y00)):
        np.testing.assert_array_equal(g_article, -g_correct)


def test_inputs_with_value_zero_get_no_update():
    trace = article_network("squared").step(X00, Y00, ALPHA)
    for name, link in trace.links.items():
        if link.source in ("X1", "X2"):
            assert link.gradient == 0 and link.new == link.old, name
