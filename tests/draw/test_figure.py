"""NotebookFigure: a figure made without pyplot that a notebook still shows as a picture."""

import io
import math
import re
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from PIL import Image

from bpkit import BpkitError
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


def test_it_takes_figure_arguments_as_a_figure_does():
    figure = NotebookFigure((3, 2), 40, layout="constrained", facecolor="white")
    assert tuple(figure.get_size_inches()) == (3, 2) and figure.dpi == 40
    assert tuple(NotebookFigure([2.5, 1]).get_size_inches()) == (2.5, 1)


@pytest.mark.parametrize(("figsize", "fragment"), [
    ("9x5", "figsize must be (width, height) in inches, such as (9, 5.5); got '9x5'"),
    (3, "figsize must be (width, height) in inches"),
    ([3], "figsize must be (width, height) in inches"),
    ((3, 2, 1), "figsize must be (width, height) in inches"),
    ((0, 2), "figsize's width (inches) must be a positive finite number; got 0"),
    ((3, math.nan), "figsize's height (inches) must be a positive finite number; got nan"),
    ((3, "2"), "figsize's height (inches) must be a positive finite number; got '2'"),
    (np.array([3, 2]), "figsize must be (width, height) in inches"),
])
def test_a_size_that_is_not_two_positive_numbers_is_refused(figsize, fragment):
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        NotebookFigure(figsize=figsize)


@pytest.mark.parametrize("dpi", [0, -1, math.inf, "100", True, 10**400, 1j])
def test_a_dpi_that_is_not_positive_is_refused(dpi):
    with pytest.raises(BpkitError, match=re.escape("dpi (dots per inch) must be")):
        NotebookFigure(figsize=(3, 2), dpi=dpi)


def test_matplotlibs_own_refusals_say_what_a_figure_takes():
    with pytest.raises(BpkitError, match=re.escape(
            "a NotebookFigure takes matplotlib Figure's arguments, such as figsize=(9, 5.5), "
            "dpi=100 and layout='constrained'")):
        NotebookFigure(figsize=(3, 2), layout="sideways")
