"""The playground's live picture: decision boundary, hidden-unit maps and loss curves, fast.

``PlaygroundPicture(hidden)`` lays out one figure for a network's hidden layers; ``png(run)``
draws a ``TrainingRun`` as it is now. Axes, ticks and titles are drawn once into a cached
background; each frame restores it and draws only what moves (the coloured maps, the points
and the loss lines) on top, as ``Frames`` does for the diagram's labels, then encodes the
pixels with ``png_bytes``. The background is drawn again only when the loss axes must grow.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.lessons.playground import (
    VIEW,
    TrainingRun,
    checked_hidden,
    unit_maps,
)
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.frames import RENDER_RC, png_bytes
from bpkit.draw.plots import OUTPUT_COLOURS, TARGET_COLOURS

RESOLUTION = 50
"""Grid points per side of the boundary and of each hidden unit's map."""
SIZE, DPI = (10.0, 3.7), 90
"""The figure's size in inches and its resolution: 900 x 333 pixels."""
UNIT_COLOURS = "PuOr_r"
"""A hidden unit's output: purple low, white in the middle, orange high."""
UNIT_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""Fixed colour ranges of bounded activations; identity and relu use each map's own range."""
GAP = 8
"""Grid points of empty space between two hidden units' maps."""
FIRST_EPOCHS = 10.0
"""The loss axis starts this many epochs wide and doubles when the run reaches its end."""


class PlaygroundPicture:
    """One figure for a layout of hidden layers, redrawn frame after frame from a run."""

    def __init__(self, hidden: Sequence[int]) -> None:
        self.hidden = checked_hidden(hidden)
        self.figure = NotebookFigure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(self.figure)
        with mpl.rc_context({"font.size": 9}):
            self.boundary_axes = self.figure.add_axes((0.045, 0.1, 0.27, 0.8))
            self.loss_axes = self.figure.add_axes((0.745, 0.16, 0.24, 0.72))
            self.units_axes = self.figure.add_axes((0.345, 0.06, 0.34, 0.8))
            self._style_axes()
        self.boundary = self.boundary_axes.imshow(
            np.zeros((RESOLUTION, RESOLUTION)), origin="lower", extent=(*VIEW, *VIEW),
            cmap=OUTPUT_COLOURS, norm=Normalize(0.0, 1.0), interpolation="bilinear")
        colours = mpl.colormaps[UNIT_COLOURS].with_extremes(bad=(1.0, 1.0, 1.0, 0.0))
        self.units = self.units_axes.imshow(self._mosaic_of(None), origin="upper",
                                            cmap=colours, norm=Normalize(0.0, 1.0),
                                            interpolation="bilinear")
        self.train_points = self.boundary_axes.scatter([], [], s=16, linewidths=0.8,
                                                       edgecolors="white", zorder=3)
        self.test_points = self.boundary_axes.scatter([], [], s=16, linewidths=1.2,
                                                      facecolors="none", zorder=3)
        (self.train_line,) = self.loss_axes.plot([], [], color="#333333", lw=1.8,
                                                 label="train")
        (self.test_line,) = self.loss_axes.plot([], [], color="#e66101", lw=1.4, ls="--",
                                                label="test")
        self.loss_axes.legend(loc="upper right", fontsize=8)
        self.moving: list[Artist] = [self.boundary, self.units, self.train_points,
                                     self.test_points, self.train_line, self.test_line]
        for artist in self.moving:
            artist.set_animated(True)
        self._background: object = None
        self._data: object = None
        self.frames = 0
        """Frames drawn so far."""
        self.backgrounds = 0
        """Backgrounds drawn so far (once, then only when the loss axes grow)."""

    # ----- drawn once -------------------------------------------------------------------------
    def _cell(self, layer: int, unit: int) -> tuple[slice, slice]:
        """Where one hidden unit's map sits in the mosaic: a row per layer, from the top."""
        top, left = layer * (RESOLUTION + GAP), unit * (RESOLUTION + GAP)
        return slice(top, top + RESOLUTION), slice(left, left + RESOLUTION)

    def _mosaic_of(self, maps: list[np.ndarray] | None, activation: str = "tanh") -> np.ndarray:
        """Every hidden unit's map, each scaled to [0, 1] by its colour range, in one array.

        The gaps between the maps are NaN, drawn transparent. One image for all the units is
        several times faster to draw than one per unit.
        """
        rows, columns = len(self.hidden), max(self.hidden)
        mosaic = np.full((rows * (RESOLUTION + GAP) - GAP, columns * (RESOLUTION + GAP) - GAP),
                         np.nan)
        for layer, units in enumerate(self.hidden):
            for unit in range(units):
                if maps is None:
                    mosaic[self._cell(layer, unit)] = 0.5
                    continue
                values = maps[layer][unit][::-1]  # row 0 of a map is the bottom of the square
                low, high = _unit_range(activation, values)
                mosaic[self._cell(layer, unit)] = np.nan_to_num((values - low) / (high - low),
                                                               nan=0.5)
        return mosaic

    def _style_axes(self) -> None:
        ax = self.boundary_axes
        ax.set_xlim(*VIEW)
        ax.set_ylim(*VIEW)
        ax.set_aspect("equal")
        ax.set_title("output h (white: 0.5) · filled: train, rings: test", fontsize=9)
        ax.set_xlabel("X1", labelpad=1)
        ax.set_ylabel("X2", labelpad=1)
        units = self.units_axes
        units.set_axis_off()
        units.set_title("each hidden unit's z over the square (purple low, orange high)",
                        fontsize=9)
        for layer, count in enumerate(self.hidden):
            rows, columns = self._cell(layer, 0)
            units.text(-GAP, (rows.start + rows.stop) / 2, f"layer {layer + 1}", rotation=90,
                       ha="right", va="center", fontsize=8)
            for unit in range(count):
                rows, columns = self._cell(layer, unit)
                units.add_patch(Rectangle((columns.start - 1.5, rows.start - 1.5),
                                          RESOLUTION + 2, RESOLUTION + 2, facecolor="none",
                                          edgecolor="#999999", linewidth=0.8))
        loss = self.loss_axes
        loss.set_yscale("log")
        loss.set_xlim(0, FIRST_EPOCHS)
        loss.set_ylim(1e-3, 1.0)
        loss.set_xlabel("epoch", labelpad=1)
        loss.set_title("loss J", fontsize=9)
        loss.grid(True, alpha=0.3)

    # ----- every frame ------------------------------------------------------------------------
    def render(self, run: TrainingRun) -> np.ndarray:
        """Draw ``run`` as it is now; the pixels, (height, width, 4) RGBA."""
        run = validate.instance(run, TrainingRun, "run", "a TrainingRun")
        if run.net.sizes[1:-1] != self.hidden:
            raise BpkitError(f"this picture was laid out for hidden layers {list(self.hidden)}; "
                             f"the run has {list(run.net.sizes[1:-1])}: make a new picture")
        maps = unit_maps(run.net, RESOLUTION)
        self.boundary.set_data(np.nan_to_num(maps[-1][0], nan=0.5))
        self.units.set_data(self._mosaic_of(maps, run.settings.activation))
        self._show_points(run)
        grew = self._show_losses(run)
        canvas = self.figure.canvas
        with mpl.rc_context(RENDER_RC):
            if self._background is None or grew:
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.figure.bbox)
                self.backgrounds += 1
            else:
                canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            for artist in self.moving:
                artist.draw(renderer)
        self.frames += 1
        return np.asarray(canvas.buffer_rgba())

    def png(self, run: TrainingRun) -> bytes:
        """``render(run)`` as PNG bytes, for an ipywidgets Image."""
        return png_bytes(self.render(run))

    def _show_points(self, run: TrainingRun) -> None:
        """The data set's points, once per data set: train filled, test as rings."""
        if self._data is run.data:
            return
        self._data = run.data
        for points, X, Y in ((self.train_points, run.data.X_train, run.data.Y_train),
                             (self.test_points, run.data.X_test, run.data.Y_test)):
            colours = [TARGET_COLOURS.get(float(y), "#444444") for y in Y[:, 0]]
            points.set_offsets(X)
            if points is self.train_points:
                points.set_facecolors(colours)
            else:
                points.set_edgecolors(colours)

    def _show_losses(self, run: TrainingRun) -> bool:
        """The loss lines; True if the axes had to grow (the background is then redrawn)."""
        record = np.array(run.record, dtype=float).reshape(-1, 3)
        record = record[np.isfinite(record).all(axis=1) & (record[:, 1:] > 0).all(axis=1)]
        self.train_line.set_data(record[:, 0], record[:, 1])
        self.test_line.set_data(record[:, 0], record[:, 2])
        if not len(record):
            return False
        grew = False
        right = self.loss_axes.get_xlim()[1]
        if record[-1, 0] > right or (record[-1, 0] < right / 8 and right > FIRST_EPOCHS):
            self.loss_axes.set_xlim(0, max(FIRST_EPOCHS, 2.0 ** np.ceil(np.log2(
                max(record[-1, 0], 1.0) * 1.25))))
            grew = True
        low, high = self.loss_axes.get_ylim()
        lowest, highest = float(record[:, 1:].min()), float(record[:, 1:].max())
        if lowest < low or highest > high:
            self.loss_axes.set_ylim(min(low, 10.0 ** np.floor(np.log10(lowest))),
                                    max(high, 10.0 ** np.ceil(np.log10(highest))))
            grew = True
        return grew

    def __repr__(self) -> str:
        return f"PlaygroundPicture(hidden={list(self.hidden)}, frames={self.frames})"


def _unit_range(activation: str, values: np.ndarray) -> tuple[float, float]:
    """The colour range of one hidden unit's map: fixed for bounded activations."""
    if activation in UNIT_RANGE:
        return UNIT_RANGE[activation]
    finite = values[np.isfinite(values)]
    reach = float(np.abs(finite).max()) if finite.size else 1.0
    reach = reach if reach > 0 else 1.0
    return -reach, reach
