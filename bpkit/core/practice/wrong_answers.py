"""The wrong answers a question can name, each made by replaying the learner's slip.

A slip inside backprop is replayed by ``practice.replay.replay`` on the question's own setting;
a slip in one formula (f'(a) from a, a weight into the unit, a bias left out) is computed from
the question's trace. Each becomes a ``Diagnosis``: the wrong number and the catalogue's message.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from bpkit.core import functions, naming
from bpkit.core.article import ALPHA, CONVENTIONS
from bpkit.core.network import Network, with_bias
from bpkit.core.practice.mistakes import MISTAKES, NO_SLIP, Slip
from bpkit.core.practice.question import Diagnosis, diagnosis
from bpkit.core.practice.replay import Replay, replay
from bpkit.core.practice.setting import Setting
from bpkit.core.trace import StepTrace


def _slips(setting: Setting) -> list[tuple[str, Slip]]:
    """Every slip inside backprop a question names, by catalogue key, for this setting."""
    net = setting.net
    sign = "correct_sign" if net.loss_name == "article" else "article_sign"
    keys = [sign, "forgot_derivative", "updated_weights", "forgot_alpha"]
    if net.loss_name in CONVENTIONS:  # the ½ of ½ (h − y)²
        keys += ["stray_two", "missing_two"]
    if setting.n_samples > 1:
        keys += ["batch_sum", "mean_over_active", "first_sample_only"]
    slips = [(key, MISTAKES[key].slip) for key in keys]
    if net.sizes[-1] > 1:
        slips += [("one_path", Slip(path=p)) for p in range(net.sizes[-1])]
    return slips


def _replays(setting: Setting) -> list[tuple[str, Replay]]:
    """The setting's step replayed once per slip, plus the article's α and h taken as δ."""
    z0 = with_bias(setting.x)
    done = [(key, replay(setting.net, z0, setting.y, setting.lr, slip))
            for key, slip in _slips(setting)]
    if not math.isclose(setting.lr, ALPHA):
        done.append(("article_alpha", replay(setting.net, z0, setting.y, ALPHA, NO_SLIP)))
    if setting.net.loss_name == "squared" and setting.net.activations[-1] == "identity":
        zeros = np.zeros_like(setting.y)  # h − 0 = h: the prediction taken as the output delta
        done.append(("output_as_delta", replay(setting.net, z0, zeros, setting.lr, NO_SLIP)))
    return done


def slipped(setting: Setting, value_of: Callable[[Replay], float]) -> list[Diagnosis]:
    """Each slip's wrong answer: ``value_of`` the step replayed with that slip."""
    found = []
    with np.errstate(all="ignore"):
        for key, done in _replays(setting):
            value = float(value_of(done))
            if math.isfinite(value):
                found.append(diagnosis(key, value))
    return found


def position(trace: StepTrace, unit: str) -> tuple[int, int]:
    """Where a receiving unit's delta sits: (index into the deltas, column)."""
    layer = trace.units[unit].layer
    return layer - 1, naming.target_names(trace.sizes, layer).index(unit)


def predicted(setting: Setting, weights: list[np.ndarray], output: int = 0) -> float:
    """The output the network gives its first sample with ``weights``."""
    return float(setting.net.forward(with_bias(setting.x[:1]), weights)[1][-1][0, output])


def hidden_delta_slips(trace: StepTrace, unit: str) -> list[Diagnosis]:
    """A hidden delta's own slips: f'(a) from a or the other activation, the wrong weight."""
    found = trace.units[unit]
    layer, column = position(trace, unit)
    name = trace.activations[layer]
    after = trace.deltas[layer + 1][0]
    outgoing = trace.old_weights[layer + 1]
    paths = float(after @ outgoing[:, column + 1])
    slope = float(np.broadcast_to(functions.activation(name).df(found.a[:1]), (1,))[0])
    a, z = float(found.a[0]), float(found.z[0])
    wrong: list[Diagnosis] = [diagnosis("forgot_weight", slope * float(after.sum()))]
    wrong += [diagnosis("weight_into_unit", slope * w * float(after.sum()))
              for w in trace.old_weights[layer][column]]
    if name in ("tanh", "sigmoid"):  # f'(a)'s z form with a put in, and the other's z form
        other = functions.activation("sigmoid" if name == "tanh" else "tanh")
        wrong += [diagnosis("slope_of_a", functions.activation(name).df_of_z(a) * paths),
                  diagnosis("other_slope", other.df_of_z(z) * paths)]
    return wrong


def forward_slips(setting: Setting, trace: StepTrace, unit: str) -> list[Diagnosis]:
    """Forward-pass slips: z = a (f left out), and a bias left out, here or everywhere."""
    net, z0 = setting.net, with_bias(setting.x)
    layer = trace.units[unit].layer
    column = net.unit_names[layer].index(unit)

    def z_of(weights: list[np.ndarray], activation: str | None = None) -> float:
        made = Network(net.sizes, activation=activation or net.activations[:-1],
                       output_activation=activation or net.activations[-1], weights=weights)
        return float(made.forward(z0)[1][layer][0, column])

    def unbiased(layers: range) -> list[np.ndarray]:
        return [np.where((np.arange(w.shape[1]) == 0) & (i in layers), 0.0, w)
                for i, w in enumerate(net.weights)]

    own = layer - 1
    found = [diagnosis("forgot_activation", z_of(net.weights, "identity")),
             diagnosis("forgot_bias", z_of(unbiased(range(len(net.weights))))),
             diagnosis("forgot_bias", z_of(unbiased(range(own, own + 1))))]
    if trace.units[unit].kind == "hidden":  # a hidden unit: a = its weighted sum, z = a
        found.append(diagnosis("forgot_activation", float(trace.units[unit].a[0])))
    return found


def direction_slips(net: Network, answer: float) -> list[Diagnosis]:
    """The wrong directions, named: the other sign, 'weights only fall', a change of 0."""
    if answer == 0:
        return [diagnosis("zero_gradient", 1.0), diagnosis("zero_gradient", -1.0)]
    if answer > 0:
        flipped = diagnosis("weights_only_fall", -1.0)
    else:
        flipped = diagnosis("correct_direction" if net.loss_name == "article"
                            else "article_direction", 1.0)
    return [flipped, diagnosis("weight_stays", 0.0)]


def finite_difference_slips(below: float, at: float, above: float,
                            step: float) -> list[Diagnosis]:
    """A central difference's slips: ε for 2ε, not divided, the wrong way round, one-sided."""
    return [diagnosis("fd_over_eps", (above - below) / step),
            diagnosis("fd_not_divided", above - below),
            diagnosis("fd_backwards", (below - above) / (2 * step)),
            diagnosis("fd_one_sided", (above - at) / step),
            diagnosis("fd_one_sided", (at - below) / step)]


__all__ = ["direction_slips", "finite_difference_slips", "forward_slips", "hidden_delta_slips",
           "position", "predicted", "slipped"]
