"""Pictures of the network and of training, with matplotlib (figures made without pyplot)."""

from bpkit.draw.depth import delta_profiles_plot, gradient_cost_plot, training_deltas_plot
from bpkit.draw.diagram import NetworkDiagram, draw
from bpkit.draw.figure import NotebookFigure
from bpkit.draw.graph import draw_graph
from bpkit.draw.playground import PlaygroundPicture
from bpkit.draw.plots import (
    decision_boundary,
    hidden_units_plot,
    learning_rate_curves,
    loss_curves,
)

__all__ = [
    "NetworkDiagram", "NotebookFigure", "PlaygroundPicture", "decision_boundary",
    "delta_profiles_plot", "draw", "draw_graph", "gradient_cost_plot", "hidden_units_plot",
    "learning_rate_curves", "loss_curves", "training_deltas_plot",
]
