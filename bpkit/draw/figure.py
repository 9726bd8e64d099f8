"""A matplotlib Figure that a notebook shows as a picture, made without pyplot.

Figures built without pyplot never pile up in a kernel, but a plain one displays only as text
until pyplot is loaded; this one displays as a PNG in any fresh kernel.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib as mpl
from matplotlib.figure import Figure

from bpkit.core import validate
from bpkit.core.errors import BpkitError


class NotebookFigure(Figure):
    """A Figure that shows itself as a PNG in a notebook even when pyplot was never imported."""

    def __init__(self, figsize: Sequence[float] | None = None, dpi: float | None = None,
                 **kwargs: object) -> None:
        size = None if figsize is None else figure_size(figsize)
        resolution = None if dpi is None else validate.positive_number(dpi, "dpi (dots per inch)")
        try:
            super().__init__(size, resolution, **kwargs)
        except (TypeError, ValueError) as err:
            raise BpkitError(f"a NotebookFigure takes matplotlib Figure's arguments, such as "
                             f"figsize=(9, 5.5), dpi=100 and layout='constrained': {err}") from None

    def __repr__(self) -> str:
        return super().__repr__().replace(type(self).__name__, "Figure", 1)

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes, at its own dpi."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()


SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "bpkit"}
"""Text stays text (the browser draws it sharp at any size), and the ids are the same each time."""


def svg_bytes(figure: Figure) -> bytes:
    """The figure as SVG: vector lines and real text, sharp at any width and pixel ratio."""
    buffer = io.BytesIO()
    with mpl.rc_context(SVG_RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def figure_size(figsize: object) -> tuple[float, float]:
    """A figure's (width, height) in inches: two positive finite numbers, else a BpkitError."""
    if (isinstance(figsize, (str, bytes)) or not isinstance(figsize, Sequence)
            or len(figsize) != 2):
        raise BpkitError(f"figsize must be (width, height) in inches, such as (9, 5.5); "
                         f"got {figsize!r:.40}")
    width, height = (validate.positive_number(side, f"figsize's {name} (inches)")
                     for side, name in zip(figsize, ("width", "height")))
    return width, height
