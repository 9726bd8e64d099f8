"""NotebookFigure: a figure made without pyplot that a notebook still shows as a picture."""

import io
import subprocess
import sys

import matplotlib.pyplot as plt
from IPython.core.formatters import DisplayFormatter
from PIL import Image

from bpkit.draw.figure import NotebookFigure


def test_a_notebook_displays_it_as_a_png_at_its_own_size_and_dpi():
    figure = NotebookFigure(figsize=(3, 2), dpi=40)
    figure.add_subplot().plot([0, 1], [1, 0])
    bundle, _ = DisplayFormatter().format(figure)
    assert "image/png" in bundle
    assert Image.open(io.BytesIO(bundle["image/png"])).size == (120, 80)
    assert plt.get_fignums() == []


def test_its_repr_reads_like_any_figure():
    assert repr(NotebookFigure(figsize=(3, 2))).startswith("<Figure size 300x200")


def test_it_shows_as_a_png_in_a_kernel_that_never_loaded_pyplot():
    code = (
        "import sys\n"
        "sys.modules['matplotlib.pyplot'] = None  # importing pyplot now fails\n"
        "from IPython.core.formatters import DisplayFormatter\n"
        "from bpkit.draw.figure import NotebookFigure\n"
        "figure = NotebookFigure(figsize=(2, 2))\n"
        "figure.add_subplot().plot([0, 1])\n"
        "bundle, _ = DisplayFormatter().format(figure)\n"
        "print(bundle['image/png'][:4])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == r"b'\x89PNG'"
