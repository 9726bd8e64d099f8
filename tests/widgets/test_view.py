"""A WidgetView displays as its widget, with its own repr as the plain-text form."""

import ipywidgets as widgets

from bpkit.widgets.view import RUN_CUE, WidgetView


class Greeting(WidgetView):
    """The smallest view: one HTML widget."""

    def __init__(self, widget):
        self.widget = widget

    def static_html(self):
        return "<b>hello</b>"

    def __repr__(self):
        return "Greeting()"


def test_display_data_is_the_widgets_with_the_views_repr_as_text():
    view = Greeting(widgets.HTML("hello"))
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    assert bundle["text/plain"] == "Greeting()"


def test_display_data_carries_a_static_picture_and_the_cue_to_run_for_readers_without_a_kernel():
    bundle = Greeting(widgets.HTML("hello"))._repr_mimebundle_()
    assert bundle["text/html"] == ('<div class="bpkit-static"><b>hello</b>'
                                   f"<p><em>{RUN_CUE}</em></p></div>")


def test_a_widget_without_a_view_gives_no_display_data():
    assert Greeting(widgets.Widget())._repr_mimebundle_() is None
