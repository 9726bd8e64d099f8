"""The classic bugs of a vectorised backprop beside finite differences (notebook 11).

Each bug is a mistake of ``practice.mistakes.MISTAKES`` replayed on the learner's net, so the
table a learner reads and the checker that names their bug make it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit.core import validate
from bpkit.core.article import ALPHA
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.gradcheck import GradientCheck, finite_difference_gradients
from bpkit.core.lessons.matrix_form import shape_text
from bpkit.core.network import Network, checked_network, with_bias
from bpkit.core.practice.mistakes import MISTAKES
from bpkit.core.practice.replay import replay
from bpkit.core.table import Table

BUGS: dict[str, str] = {key: MISTAKES[key].what for key in (
    "batch_sum", "stray_two", "transposed_w", "article_sign", "forgot_output_derivative",
    "forgot_hidden_derivative", "bias_not_dropped", "wrong_bias_column", "transposed_gradient",
    "updated_weights")}
"""The classic mistakes of a vectorised backprop, by their catalogue key, with what each does
(hidden deltas from updated weights use alpha = ``ALPHA``)."""


def _squared(net: Network) -> Network:
    checked = checked_network(net)
    if checked.loss_name != "squared":
        raise BpkitError(f"the classic bugs are written for the squared loss ½ (h − y)², whose "
                         f"dJ/dh is h − y; this net uses loss={checked.loss_name!r}: make it with "
                         "loss='squared'")
    return checked


def _bug_name(bug: object) -> str:
    if not isinstance(bug, str) or bug not in BUGS:
        raise BpkitError(f"unknown bug {bug!r:.40}: expected one of "
                         f"{', '.join(map(repr, BUGS))}")
    return bug


def bug_gradients(net: Network, X: object, Y: object, bug: str) -> list[np.ndarray]:
    """dJ/dW as a backprop with one classic bug computes it (``BUGS`` names them).

    A bug whose shapes do not fit on this net, such as a transposed W between layers of
    different sizes, is refused with the dimension check's message.
    """
    checked = _squared(net)
    name = _bug_name(bug)
    checked.loss(X, Y)  # X and Y checked as for any pass
    inputs, targets = validate.samples(X, Y, checked.sizes[0], checked.sizes[-1])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return replay(checked, with_bias(inputs), targets, ALPHA, MISTAKES[name].slip).gradients


def common_factor(buggy: Sequence[np.ndarray],
                  right: Sequence[np.ndarray]) -> float | None:
    """The factor c if every buggy gradient is c times the right one (c ≠ 1), else None."""
    flat_bug = np.concatenate([np.ravel(g) for g in buggy])
    flat_right = np.concatenate([np.ravel(g) for g in right])
    size = float(flat_right @ flat_right)
    if size == 0.0 or flat_bug.shape != flat_right.shape:
        return None
    c = float(flat_bug @ flat_right) / size
    if np.allclose(flat_bug, c * flat_right, rtol=1e-7, atol=1e-10) and abs(c - 1) > 1e-7:
        return c
    return None


def classic_bugs(net: Network, X: object, Y: object,
                 bugs: Sequence[str] | None = None) -> Table:
    """Each classic bug on this net and batch beside finite differences: how far off it is.

    One row per bug (its catalogue key and what it does): the largest |finite difference −
    buggy backprop| and its link, the factor
    when every buggy gradient is one multiple of the right one, or the dimension check's
    message when the bug's shapes do not fit. ``bugs`` default to every name in ``BUGS``.
    """
    checked = _squared(net)
    names = list(BUGS) if bugs is None else bugs
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence) or not names:
        raise BpkitError(f"bugs must be a list of bug names such as ['batch_sum', 'stray_two'] "
                         f"(or None for all of them); got {bugs!r:.60}")
    chosen = [_bug_name(name) for name in names]
    estimates = finite_difference_gradients(checked, X, Y)
    right = checked.gradients(X, Y)
    links = tuple(name for layer in checked.link_names for row in layer for name in row)
    fd = tuple(float(v) for arr in estimates for v in np.ravel(arr))
    rows: list[list[object]] = []
    for name in chosen:
        try:
            buggy = bug_gradients(checked, X, Y, name)
        except BpkitError as err:
            rows.append([name, BUGS[name], f"refused by the shapes: {err}", None])
            continue
        if [g.shape for g in buggy] != checked.weight_shapes:
            got = ", ".join(shape_text(g.shape) for g in buggy)
            rows.append([name, BUGS[name], f"refused by the shapes: the gradients are {got}, "
                         f"but W has {', '.join(map(shape_text, checked.weight_shapes))}", None])
            continue
        check = GradientCheck("finite difference", links,
                              tuple(float(v) for arr in buggy for v in np.ravel(arr)), fd)
        caught = (f"largest gap {number(check.largest_gap)} at {check.worst_link}"
                  if check.largest_gap > 1e-6 else "no gap on this net: the check misses it")
        rows.append([name, BUGS[name], caught, common_factor(buggy, right)])
    return Table.of(["bug", "what it does", "gradient check", "buggy / right"], rows)


__all__ = ["BUGS", "bug_gradients", "classic_bugs", "common_factor"]
