"""Pictures for deep networks: |delta| per layer, deltas during a plateau, backprop's cost.

Every function draws what ``bpkit.core.lessons.depth`` or ``bpkit.core.lessons.passes``
computed and returns a Figure made without pyplot, with the projector style of
``bpkit.draw.plots``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.lessons.depth import DeltaProfile, TrainingDeltas
from bpkit.core.lessons.passes import GradientTiming
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.plots import PROJECTOR_STYLE

COLOURS = {"sigmoid": "#d95f02", "tanh": "#1b9e77", "relu": "#7570b3", "identity": "#666666"}
"""One colour per activation, the same in every depth picture."""


def delta_profiles_plot(profiles: Mapping[str, DeltaProfile]) -> Figure:
    """Mean |delta| per layer on a log axis, one line per activation, input side on the left."""
    if not isinstance(profiles, Mapping) or not profiles or not all(
            isinstance(p, DeltaProfile) for p in profiles.values()):
        raise BpkitError(f"profiles must be a non-empty dict of name -> DeltaProfile, as "
                         f"delta_profiles(...) returns; got {profiles!r:.60}")
    first = next(iter(profiles.values()))
    with mpl.rc_context(PROJECTOR_STYLE):
        fig = NotebookFigure(figsize=(9, 5.5), layout="constrained")
        ax = fig.add_subplot()
        for name, profile in profiles.items():
            layers = np.arange(1, len(profile.mean_abs_delta) + 1)
            ax.plot(layers, profile.mean_abs_delta, marker="o", color=COLOURS.get(name),
                    label=f"{name}: hidden 1 ÷ last hidden = {number(profile.first_over_last, 2)}")
        ax.set_yscale("log")
        ax.set_xticks(np.arange(1, len(first.layers) + 1),
                      [name.replace("hidden ", "") for name in first.layers])
        ax.set_xlabel("layer (hidden 1, 2, ..., output): backprop runs right to left")
        ax.set_ylabel("mean |δ| (log scale)")
        ax.set_title(f"Deltas per layer, weights uniform in [−{number(first.scale)}, "
                     f"{number(first.scale)}]")
        ax.legend(loc="best")
    return fig


def training_deltas_plot(record: TrainingDeltas) -> Figure:
    """J, mean |delta| of the output and last hidden layer, largest hidden gradient, by epoch.

    One line each, at every snapshot of a training run, on a log axis.
    """
    if not isinstance(record, TrainingDeltas):
        raise BpkitError(f"record must be what deltas_during(...) returns; got {record!r:.60}")
    epochs = np.asarray(record.epochs)
    series = {
        "J": record.losses,
        "mean |δ| output": [d[-1] for d in record.mean_abs_delta],
        "mean |δ| hidden": [d[-2] for d in record.mean_abs_delta],
        "largest |dJ/dw| into hidden": [g[-2] for g in record.largest_gradient],
    }
    with mpl.rc_context(PROJECTOR_STYLE):
        fig = NotebookFigure(figsize=(9, 5.5), layout="constrained")
        ax = fig.add_subplot()
        for label, values in series.items():
            ax.plot(epochs, values, label=label)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_title("Deltas and gradients during training")
        ax.legend(loc="lower left")
    return fig


def gradient_cost_plot(timings: Sequence[GradientTiming]) -> Figure:
    """Passes and seconds against the number of weights, log-log: finite differences, backprop."""
    if isinstance(timings, (str, bytes)) or not isinstance(timings, Sequence) or not timings \
            or not all(isinstance(t, GradientTiming) for t in timings):
        raise BpkitError(f"timings must be a non-empty list of what time_gradients returns; "
                         f"got {timings!r:.60}")
    weights = [t.weights for t in timings]
    passes = {"finite differences": [t.finite_differences.forward for t in timings],
              "backprop": [t.backprop.forward + t.backprop.backward for t in timings]}
    seconds = {"finite differences": [t.fd_seconds for t in timings],
               "backprop": [t.backprop_seconds for t in timings]}
    colours = {"finite differences": "#d95f02", "backprop": "#1b9e77"}
    with mpl.rc_context(PROJECTOR_STYLE):
        fig = NotebookFigure(figsize=(13, 5.5), layout="constrained")
        left, right = fig.subplots(1, 2)
        for ax, data, what in ((left, passes, "passes through the network"),
                               (right, seconds, "seconds for every gradient")):
            for name, values in data.items():
                ax.plot(weights, values, marker="o", color=colours[name], label=name)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("weights in the network")
            ax.set_title(what)
            ax.legend(loc="upper left")
    return fig
