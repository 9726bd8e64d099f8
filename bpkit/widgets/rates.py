"""A learning-rate slider: training redrawn for each alpha, to see too slow, good and diverging."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.network import History, Network, train_at_rates
from bpkit.draw.plots import learning_rate_curves
from bpkit.widgets.view import WidgetView, picture_layout, png_tag

RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.25, 0.3, 0.5)
"""The learning rates the slider offers: from far too slow to diverging for the article's net."""


class RateExplorer(WidgetView):
    """A slider of learning rates; each move trains a fresh network and redraws its loss curve."""

    def __init__(self, make_net: Callable[[], Network], X: object, Y: object,
                 epochs: int = 100, rates: Sequence[float] = RATES, start: float = 0.1) -> None:
        if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence) or not rates:
            raise BpkitError(f"rates must be a non-empty list of learning rates; "
                             f"got {rates!r:.40}")
        self.rates = tuple(validate.positive_number(r, "a learning rate") for r in rates)
        if start not in self.rates:
            raise BpkitError(f"start must be one of the rates {list(self.rates)}; "
                             f"got {start!r:.40}")
        epochs = validate.whole_number(epochs, "epochs", 1, 100_000, "one run per slider move")
        self._train = functools.lru_cache(maxsize=len(self.rates))(
            lambda lr: train_at_rates(make_net, X, Y, [lr], epochs))
        self._train(start)  # bad make_net, X or Y are refused here, before anything is shown
        self.slider = widgets.SelectionSlider(options=list(self.rates), value=start,
                                              description="α (lr)", continuous_update=False)
        self.image = widgets.Image(format="png", layout=picture_layout())
        self.message = widgets.HTML()
        self.slider.observe(lambda _change: self._show(), names="value")
        self.widget = widgets.VBox([self.slider, self.message, self.image])
        self.widget.add_class("bpkit-rates")
        self._show()

    @property
    def history(self) -> History:
        """The run at the learning rate shown now."""
        return self._runs()[self.slider.value]

    def _runs(self) -> Mapping[float, History]:
        return self._train(self.slider.value)

    def _show(self) -> None:
        """Train at the slider's rate (once per rate) and draw its loss curve."""
        figure = learning_rate_curves(self._runs())
        self.image.value = figure._repr_png_()
        self.message.value = f"<p>{html.escape(self.history.message)}</p>"

    def static_html(self) -> str:
        """The loss curve at the starting rate."""
        return f"{self.message.value}{png_tag(self.image.value, 'the loss per epoch')}"

    def __repr__(self) -> str:
        return f"RateExplorer(rates={list(self.rates)}, shown={self.slider.value})"
