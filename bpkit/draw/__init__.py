"""Pictures of the network and of training, with matplotlib (figures made without pyplot)."""

from bpkit.draw.diagram import NetworkDiagram, draw
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.plots import (
    decision_boundary,
    hidden_units_plot,
    learning_rate_curves,
    loss_curves,
)

__all__ = [
    "NetworkDiagram", "NotebookFigure", "decision_boundary", "draw", "hidden_units_plot",
    "learning_rate_curves", "loss_curves",
]
