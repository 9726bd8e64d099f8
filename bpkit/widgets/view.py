"""Objects a notebook cell shows as their ipywidgets ``widget`` (an explorer, a player)."""

from __future__ import annotations

import ipywidgets as widgets


class WidgetView:
    """Displays as its ``widget``; plain-text views get the object's own short, stable repr."""

    widget: widgets.Widget

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object] | None:
        """The widget's display data, with ``repr(self)`` as its text (what nbval compares)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle
