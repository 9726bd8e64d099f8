"""Objects a notebook cell shows as their ipywidgets ``widget`` (an explorer, a player)."""

from __future__ import annotations

import base64

import ipywidgets as widgets

RUN_CUE = ("A picture of where the controls start: run the notebook (Run ▸ Run All Cells) "
           "to use them.")
"""Under every static picture of a widget: what to do to make it live."""


class WidgetView:
    """Displays as its ``widget`` where a kernel runs, and as a static picture where none does.

    Plain-text views get the object's own short, stable repr. Where no kernel runs (GitHub,
    ``nbconvert --to html``, JupyterLab before Run All) there is no live widget to show, so the
    display also carries ``static_html()``: the same content, drawn once, with ``RUN_CUE``.
    """

    widget: widgets.Widget
    cue: str = RUN_CUE
    """The line under the static picture."""

    def static_html(self) -> str:
        """The widget's content as plain HTML: what a reader sees without a kernel."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object] | None:
        """The widget's display data, plus ``repr(self)`` as text and a static HTML picture."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
            bundle["text/html"] = (f'<div class="bpkit-static">{self.static_html()}'
                                   f"<p><em>{self.cue}</em></p></div>")
        return bundle


def png_tag(png: bytes, alt: str) -> str:
    """An <img> with the PNG inside it (a data URL), for a static picture."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{alt}" style="max-width:100%">'


def svg_tag(svg: bytes, alt: str) -> str:
    """An <img> with the SVG inside it (a data URL), for a static picture."""
    data = base64.b64encode(svg).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" style="max-width:100%">'


def picture_layout() -> widgets.Layout:
    """An image at its own pixel size, never stretched wider: a stretched PNG looks soft.

    A window narrower than the image shrinks it to fit.
    """
    return widgets.Layout(max_width="100%", width="auto", align_self="flex-start")
