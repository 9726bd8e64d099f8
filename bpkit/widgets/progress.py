"""Training with a progress bar: Network.train, and a bar and a label that follow it."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import display

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number
from bpkit.core.network import History, Network, checked_network

MAX_PROGRESS_UPDATES = 100
"""A progress bar is redrawn at most about this many times per run."""


def train_with_progress(net: Network, X: object, Y: object, lr: float, epochs: int,
                        mode: str = "batch", snapshot_every: int | None = None) -> History:
    """Network.train with a progress bar and a label (epoch, loss; then how the run ended)."""
    checked_network(net)
    total = validate.positive_int(epochs, "epochs")
    bar = widgets.IntProgress(value=0, min=0, max=total, description="training")
    label = widgets.Label(value=f"0 of {total} epochs")
    display(widgets.HBox([bar, label]))

    def report(epoch: int, loss: float) -> None:
        bar.value = epoch
        label.value = f"epoch {epoch} of {total}: loss {number(loss)}"

    try:
        history = net.train(X, Y, lr, total, mode=mode, snapshot_every=snapshot_every,
                            callback=report,
                            callback_every=max(1, total // MAX_PROGRESS_UPDATES))
    except BaseException as err:  # a refusal, an interrupt: the bar says the run did not end
        bar.bar_style = "danger"
        label.value = str(err) if isinstance(err, BpkitError) else (
            f"stopped at epoch {bar.value} of {total}: {type(err).__name__}")
        raise
    bar.value = history.epochs_run
    bar.bar_style = "danger" if history.diverged else "success"
    label.value = history.message
    return history
