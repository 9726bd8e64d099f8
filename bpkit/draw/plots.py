"""Training pictures for a projector: loss curves, learning rates, the decision boundary.

Figures are ``matplotlib.figure.Figure`` objects made without pyplot, so none pile up in
pyplot's list; a notebook shows one when a cell returns it. Fonts and lines are large enough
to read from the back of a lecture room. Every function here draws what it is given and
returns a Figure: training happens in ``bpkit.core``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import matplotlib as mpl
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from bpkit.core import naming, validate
from bpkit.core.article import XOR_X, XOR_Y
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.network import History, Network, checked_network
from bpkit.draw.figure import NotebookFigure

PROJECTOR_STYLE = {
    "font.size": 15, "axes.titlesize": 18, "axes.labelsize": 17, "legend.fontsize": 14,
    "xtick.labelsize": 14, "ytick.labelsize": 14, "lines.linewidth": 3.0,
    "axes.grid": True, "grid.alpha": 0.3, "figure.dpi": 100,
}
"""matplotlib settings for every bpkit figure: large type, thick lines, a light grid."""
TARGET_COLOURS = {0.0: "#2166ac", 1.0: "#b2182b"}
"""Target 0 in blue, target 1 in red (the ends of the output colour map)."""
OUTPUT_COLOURS = "RdBu_r"
"""Blue below h = 0.5, white at 0.5, red above."""
FLAT_OUTPUT = 0.01
"""An output varying less than this over the square is drawn flat: one colour, no h = 0.5 line."""
OUTPUT_BANDS = 20
"""The colour bands between the lowest and highest output shown (0 and 1 at least)."""
MAX_RESOLUTION = 1_000
"""The most points per side a decision boundary is computed on (a million outputs)."""


def _figure(width: float = 9.0, height: float = 5.5) -> Figure:
    """A new figure outside pyplot, laid out so labels never overlap."""
    return NotebookFigure(figsize=(width, height), layout="constrained")


# ----- loss curves --------------------------------------------------------------------------------
def loss_curves(histories: Mapping[str, History], log: bool = True,
                title: str = "Loss per epoch") -> Figure:
    """The loss per epoch of several runs; a diverged run ends in an X, "diverged at epoch N"."""
    if not isinstance(histories, Mapping) or not histories:
        raise BpkitError("histories must be a non-empty dict of name -> History, e.g. "
                         f"{{'lr = 0.1': net.train(...)}}; got {histories!r:.60}")
    for name, history in histories.items():
        _checked_label(name, "each name in histories")
        if not isinstance(history, History):
            raise BpkitError(f"histories[{name!r}] must be a History (what Network.train "
                             f"returns); got {type(history).__name__}")
    _checked_flag(log, "log", "a log-scale loss axis")
    _checked_label(title, "title")
    top = _top(histories.values(), log)
    with mpl.rc_context(PROJECTOR_STYLE):
        fig = _figure()
        ax = fig.add_subplot()
        for name, history in histories.items():
            losses = np.asarray(history.losses, dtype=float)
            epochs = np.arange(len(losses))
            if history.diverged:
                label = f"{name}: diverged at epoch {history.diverged_at}"
            else:
                label = f"{name}: loss {number(losses[-1])} after {history.epochs_run} epochs"
            (line,) = ax.plot(epochs, losses, label=label)
            if history.diverged:
                ax.plot(epochs[-1], min(losses[-1], top), marker="X", markersize=20,
                        color=line.get_color(), markeredgecolor="black", linestyle="none",
                        clip_on=False, zorder=4)
        if log:
            ax.set_yscale("log")
        if any(max(h.losses) > top for h in histories.values()):
            ax.set_ylim(_bottom(histories.values(), top, log), top)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss J" + (" (log scale)" if log else ""))
        ax.set_title(title)
        ax.legend(loc="best")
    return fig


def history_curve(history: History, label: str | None = None, log: bool = True) -> Figure:
    """The loss per epoch of one run, its curve named ``label`` (default: its learning rate).

    ``History.plot`` draws with this.
    """
    if not isinstance(history, History):
        raise BpkitError(f"history must be a History (what Network.train returns); got "
                         f"{type(history).__name__} {history!r:.40}")
    name = f"lr = {history.lr:g}" if label is None else _checked_label(label, "label")
    return loss_curves({name: history}, log=log)


def _checked_label(text: object, what: str) -> str:
    """Return ``text`` if it is text (a curve's name or a title), else raise."""
    if not isinstance(text, str):
        raise BpkitError(f"{what} must be text, such as 'lr = 0.1'; got "
                         f"{type(text).__name__} {text!r:.40}")
    return text


def _checked_flag(value: object, what: str, meaning: str) -> bool:
    """Return ``value`` if it is True or False, else raise saying what True means."""
    if not isinstance(value, bool):
        raise BpkitError(f"{what} must be True ({meaning}) or False; got {value!r:.40}")
    return value


def _top(histories: Iterable[History], log: bool) -> float:
    """The highest loss worth showing, so a run that blows up does not squash the others.

    It is 100 times (log scale) or 1.5 times the largest loss of the runs that did not diverge
    and of every run's start; a diverging curve leaves through the top, its X on the edge.
    """
    histories = list(histories)
    calm = [max(h.losses) for h in histories if not h.diverged]
    highest = max(calm + [h.losses[0] for h in histories])
    if not highest > 0:
        return math.inf
    return highest * 100 if log else highest * 1.5


def _bottom(histories: Iterable[History], top: float, log: bool) -> float:
    """The lowest loss to show when the top is cut: just below the smallest loss of any run."""
    histories = list(histories)
    lowest = min(min(h.losses) for h in histories)
    if log:
        positive = [v for h in histories for v in h.losses if v > 0]
        return min(positive) / 2 if positive else top / 1e6
    return lowest - 0.05 * (top - lowest)


# ----- decision boundary --------------------------------------------------------------------------
def decision_boundary(net: Network, X: object = XOR_X, Y: object = XOR_Y,
                      resolution: int = 200, output: int = 0) -> Figure:
    """The network's output over the unit square, the h = 0.5 contour, and the points by target."""
    if checked_network(net).sizes[0] != 2:
        raise BpkitError(f"the picture needs two inputs (X1, X2); this network has "
                         f"{net.sizes[0]}")
    steps = validate.whole_number(resolution, "resolution", 2, MAX_RESOLUTION,
                                  "points per side of the square")
    output = validate.index(output, net.sizes[-1], "output",
                            f"the network has {net.sizes[-1]} output unit(s)")
    inputs, targets = validate.samples(X, Y, 2, net.sizes[-1])
    grid = np.linspace(-0.1, 1.1, steps)
    x1, x2 = np.meshgrid(grid, grid)
    h = net.predict(np.column_stack([x1.ravel(), x2.ravel()]))[:, output].reshape(x1.shape)
    if not np.isfinite(h).all():
        raise BpkitError("the network's output overflows to inf or nan on the unit square: "
                         "its weights are too large to draw")
    low, high = min(float(h.min()), 0.0), max(float(h.max()), 1.0)
    flat = float(np.ptp(h)) < FLAT_OUTPUT
    norm = TwoSlopeNorm(0.5, low, high)
    bands = np.linspace(low, high, OUTPUT_BANDS + 1)
    with mpl.rc_context(PROJECTOR_STYLE):
        fig = _figure(8.0, 7.0)
        ax = fig.add_subplot()
        ax.contourf(x1, x2, h, levels=_flat_band(h) if flat else bands, cmap=OUTPUT_COLOURS,
                    norm=norm)
        fig.colorbar(ScalarMappable(norm, OUTPUT_COLOURS), ax=ax, boundaries=bands,
                     label="network output h", ticks=MaxNLocator(6))
        handles = []
        if not flat and h.min() < 0.5 < h.max():
            ax.contour(x1, x2, h, levels=[0.5], colors="black", linewidths=3)
            handles.append(Line2D([], [], color="black", linewidth=3, label="h = 0.5"))
        predicted = net.predict(inputs)[:, output]
        for target in sorted(set(targets[:, output])):
            mask = targets[:, output] == target
            colour = TARGET_COLOURS.get(float(target), "#444444")
            handles.append(ax.scatter(inputs[mask, 0], inputs[mask, 1], s=320, c=colour,
                                      edgecolors="black", linewidths=2.5, zorder=3,
                                      label=f"target {number(target)}"))
        for (p1, p2), value in zip(inputs, predicted):
            shown = number(round(value, 9), 3)  # float noise like 6.7e-16 reads as 0
            ax.annotate(f"h = {shown}", (p1, p2), xytext=(0, 24 if p2 < 0.5 else -24),
                        textcoords="offset points", ha="center", va="center", fontsize=14,
                        bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
        ax.set_xlim(-0.1, 1.1)
        ax.set_ylim(-0.1, 1.1)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xlabel("$X_1$")
        ax.set_ylabel("$X_2$")
        ax.set_title(f"Output nearly constant: h \u2248 {number(float(h.mean()), 3)} everywhere"
                     if flat else "Network output h over the inputs")
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


def _flat_band(h: np.ndarray) -> np.ndarray:
    """One colour band around a flat output, so a spread of 1e-7 is not split at a band edge.

    The band is coloured at its middle, the output's value on the same scale as every plot.
    """
    return np.array([float(h.min()) - FLAT_OUTPUT, float(h.max()) + FLAT_OUTPUT])


# ----- learning rates -----------------------------------------------------------------------------
def learning_rate_curves(histories: Mapping[float, History]) -> Figure:
    """The loss per epoch for each learning rate, labelled "alpha = ...": too slow, good, diverging.

    ``histories`` maps each learning rate to its run, e.g. from
    ``bpkit.core.network.train_at_rates(make_net, X, Y, lrs, epochs)``.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise BpkitError("histories must be a non-empty dict of learning rate -> History, e.g. "
                         "{0.1: net.train(X, Y, 0.1, 100)}")
    named = {rf"$\alpha$ = {number(validate.positive_number(lr, 'learning rate'))}": history
             for lr, history in histories.items()}
    return loss_curves(named, title="Loss per epoch for different learning rates")


# ----- symmetry -----------------------------------------------------------------------------------
_UNIT_STYLES = [("-", 9.0), ("--", 5.0), (":", 2.5), ("-.", 1.5)]


def hidden_units_plot(history: History, layer: int = 0) -> Figure:
    """The weights into each hidden unit over training: equal-start units stay on one line.

    Needs snapshots: ``history = net.train(..., snapshot_every=k)``. One panel per source unit
    (X0, X1, ...); within a panel one line per hidden unit, in styles that show overlap.
    """
    if not isinstance(history, History):
        raise BpkitError(f"history must be a History (what Network.train returns); got "
                         f"{type(history).__name__} {history!r:.40}")
    if not history.snapshots:
        raise BpkitError("the history has no snapshots: train with snapshot_every=k, e.g. "
                         "net.train(X, Y, lr, epochs, snapshot_every=10)")
    first = history.snapshots[0][1]
    layer = validate.index(layer, len(first) - 1, "layer",
                           f"the network has {len(first) - 1} hidden layer(s)")
    sizes = [first[0].shape[1] - 1, *(w.shape[0] for w in first)]
    sources = naming.unit_names(sizes)[layer]
    targets = naming.target_names(sizes, layer + 1)
    epochs = np.array([epoch for epoch, _ in history.snapshots])
    weights = np.array([snapshot[layer] for _, snapshot in history.snapshots])
    identical = bool(np.all(weights == weights[:, :1, :]))
    with mpl.rc_context(PROJECTOR_STYLE):
        fig = _figure(4.2 * len(sources) + 1.0, 5.0)
        axes = fig.subplots(1, len(sources), sharey=True, squeeze=False)[0]
        for col, (ax, source) in enumerate(zip(axes, sources)):
            for row, target in enumerate(targets):
                style, width = _UNIT_STYLES[row % len(_UNIT_STYLES)]
                ax.plot(epochs, weights[:, row, col], linestyle=style, linewidth=width,
                        label=target)
            ax.set_title(f"weights from {source}")
            ax.set_xlabel("epoch")
        axes[0].set_ylabel("weight w")
        axes[-1].legend(title="into", loc="best")
        names = ", ".join(targets)
        fig.suptitle(f"{names} stay identical: the same weights at every epoch" if identical
                     else f"{names} differ: the symmetry is broken", fontsize=18)
    return fig
