"""A matplotlib Figure that a notebook shows as a picture, made without pyplot.

Figures built without pyplot never pile up in a kernel, but a plain one displays only as text
until pyplot is loaded; this one displays as a PNG in any fresh kernel.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure


class NotebookFigure(Figure):
    """A Figure that shows itself as a PNG in a notebook even when pyplot was never imported."""

    def __repr__(self) -> str:
        return super().__repr__().replace(type(self).__name__, "Figure", 1)

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes, at its own dpi."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()
