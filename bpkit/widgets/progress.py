"""Training with a progress bar: Network.train, and a bar and a label that follow it."""

from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import display

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.network import History, Network, checked_network
from bpkit.widgets.view import WidgetView

MAX_PROGRESS_UPDATES = 100
"""A progress bar is redrawn at most about this many times per run."""


class TrainingProgress(WidgetView):
    """A progress bar and a label that follow a training run (epoch, loss; then the ending)."""

    cue = "How the run ended when the notebook was saved: run it to watch the bar."

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = widgets.IntProgress(value=0, min=0, max=total, description="training")
        self.label = widgets.Label(value=f"0 of {total} epochs")
        self.widget = widgets.HBox([self.bar, self.label])

    def report(self, epoch: int, loss: float) -> None:
        """Move the bar to ``epoch`` and show the loss there (``Network.train``'s callback)."""
        self.bar.value = epoch
        self.label.value = f"epoch {epoch} of {self.total}: loss {number(loss)}"

    def static_html(self) -> str:
        """The label as text: where the run is, or how it ended."""
        return f"<p>training: {html.escape(self.label.value)}</p>"

    def __repr__(self) -> str:
        return f"TrainingProgress({self.bar.value} of {self.total} epochs)"


def train_with_progress(net: Network, X: object, Y: object, lr: float, epochs: int,
                        mode: str = "batch", snapshot_every: int | None = None) -> History:
    """Network.train with a progress bar and a label (epoch, loss; then how the run ended)."""
    checked_network(net)
    total = validate.positive_int(epochs, "epochs")
    view = TrainingProgress(total)
    shown = display(view, display_id=True)
    try:
        history = net.train(X, Y, lr, total, mode=mode, snapshot_every=snapshot_every,
                            callback=view.report,
                            callback_every=max(1, total // MAX_PROGRESS_UPDATES))
    except BaseException as err:  # a refusal, an interrupt: the bar says the run did not end
        view.bar.bar_style = "danger"
        view.label.value = str(err) if isinstance(err, BpkitError) else (
            f"stopped at epoch {view.bar.value} of {total}: {type(err).__name__}")
        if shown is not None:
            shown.update(view)  # the stored picture says how the run ended
        raise
    view.bar.value = history.epochs_run
    view.bar.bar_style = "danger" if history.diverged else "success"
    view.label.value = history.message
    if shown is not None:
        shown.update(view)
    return history
