"""Fast redraws and the PNG encoder: same pixels as a full redraw, a valid PNG, nothing hidden."""

import io
import re
import zlib

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bpkit import XOR_X, XOR_Y, BpkitError, Network
from bpkit.core import naming
from bpkit.core.article import ALPHA
from bpkit.core.naming import PHASES
from bpkit.draw.diagram import NetworkDiagram
from bpkit.draw.frames import RENDER_RC, Frames, png_bytes


def decoded(png):
    return np.array(Image.open(io.BytesIO(png)).convert("RGBA"))


def full_redraw(figure):
    """Every artist drawn from scratch, as matplotlib draws the figure."""
    with mpl.rc_context(RENDER_RC):
        figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()


# ----- png_bytes ----------------------------------------------------------------------------------
def test_png_bytes_round_trips_the_pixels():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    png = png_bytes(pixels)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert np.array_equal(decoded(png), pixels)


def test_png_bytes_chunks_carry_correct_checksums():
    png = png_bytes(np.full((2, 3, 4), 255, dtype=np.uint8))
    position, kinds = 8, []
    while position < len(png):
        length = int.from_bytes(png[position:position + 4], "big")
        kind = png[position + 4:position + 8]
        data = png[position + 8:position + 8 + length]
        crc = int.from_bytes(png[position + 8 + length:position + 12 + length], "big")
        assert zlib.crc32(kind + data) == crc
        kinds.append(kind)
        position += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize("shape", [(4, 4), (4, 4, 3), (2, 2, 2, 4), (0, 3, 4)])
def test_png_bytes_refuses_anything_but_rgba(shape):
    with pytest.raises(BpkitError, match=r"RGBA pixels: a uint8 array of shape \(height, "):
        png_bytes(np.zeros(shape, dtype=np.uint8))


@pytest.mark.parametrize(("pixels", "kind"), [
    (np.zeros((2, 2, 4)), "an array of float64"),
    (np.full((2, 2, 4), 300), "an array of int64"),
    ([[[0, 0, 0, 255]]], "list"),
    (None, "NoneType"),
    ("pixels", "str"),
])
def test_png_bytes_takes_only_uint8_pixels(pixels, kind):
    with pytest.raises(BpkitError, match=f"got {kind}"):
        png_bytes(pixels)


def small_figure():
    figure = Figure(figsize=(3, 2), dpi=50)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    return figure, axes, [axes.text(0.2, 0.8, "0")]


@pytest.mark.parametrize(("part", "value", "fragment"), [
    ("figure", None, "figure must be a matplotlib Figure with an Agg canvas"),
    ("figure", Figure(), "figure must be a matplotlib Figure with an Agg canvas"),
    ("axes", None, "axes must be the Axes of this figure that holds the artists"),
    ("axes", small_figure()[1], "axes must be the Axes of this figure"),
    ("artists", None, "artists must be a list of this figure's lines and texts"),
    ("artists", "text", "artists must be a list of this figure's lines and texts"),
    ("artists", [1], "artists[0] must be a line or text drawn on this figure"),
    ("artists", small_figure()[2], "artists[0] must be a line or text drawn on this figure"),
])
def test_frames_say_which_part_they_cannot_redraw(part, value, fragment):
    figure, axes, artists = small_figure()
    parts = {"figure": figure, "axes": axes, "artists": artists, part: value}
    with pytest.raises(BpkitError, match=re.escape(fragment)):
        Frames(**parts)


# ----- Frames on a plain figure -------------------------------------------------------------------
def test_frames_of_a_plain_figure_equal_a_full_redraw_as_labels_and_lines_change():
    figure = Figure(figsize=(3, 2), dpi=50)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    (line,) = axes.plot([0, 1], [0, 1], color="grey")
    ticker = axes.text(0.2, 0.8, "0", bbox={"facecolor": "white"})
    still = axes.text(0.7, 0.2, "still")
    frames = Frames(figure, axes, [line, ticker, still])
    for k in range(12):
        ticker.set_text(str(k * 7))  # a label that keeps changing (cached background)
        if k == 5:
            line.set_color("orange")  # a change outside the moving labels
        if k == 8:
            still.set_text("moved")
        assert np.array_equal(frames.render(), full_redraw(figure)), k
    assert not any(artist.get_animated() for artist in (line, ticker, still))


# ----- Frames behind the diagram ------------------------------------------------------------------
def slider_moves(rng, count):
    """Settings like an explorer's after each move: weights to one decimal, sample, loss."""
    weights = [np.ones((3, 3)), np.ones((1, 4))]
    sample, loss = 0, "article"
    for k in range(count):
        layer = int(rng.integers(2))
        row, col = (int(rng.integers(n)) for n in weights[layer].shape)
        weights[layer][row, col] = round(float(rng.uniform(-3, 3)), 1)
        if k % 9 == 4:
            sample = int(rng.integers(4))
        if k % 11 == 7:
            loss = "squared" if loss == "article" else "article"
        net = Network([2, 3, 1], weights=[w.copy() for w in weights], loss=loss)
        yield net.preview_step(XOR_X, XOR_Y, ALPHA), sample


@pytest.mark.parametrize("phase", PHASES)
def test_fast_diagram_frames_equal_a_full_redraw_through_many_slider_moves(phase):
    diagram = NetworkDiagram(naming.unit_names((2, 3, 1)))
    for k, (trace, sample) in enumerate(slider_moves(np.random.default_rng(1), 25)):
        diagram.label(trace, phase, sample)
        assert np.array_equal(decoded(diagram.to_png()), full_redraw(diagram.figure)), k


def test_fast_diagram_frames_follow_phase_and_highlight_changes():
    trace = Network([2, 3, 1]).step(XOR_X[:2], XOR_Y[:2], 0.1)
    diagram = NetworkDiagram(trace.unit_names)
    for phase in [*PHASES, *reversed(PHASES)]:
        for highlight in (None, "Z2", "w(X0->Z1)", None):
            diagram.label(trace, phase, 1, highlight=highlight)
            assert np.array_equal(decoded(diagram.to_png()), full_redraw(diagram.figure))


def test_rendering_leaves_no_artist_hidden_from_a_normal_save():
    diagram = NetworkDiagram(Network([2, 3, 1]).unit_names)
    for value in (1.1, 1.2, 1.3):
        weights = [np.full((3, 3), value), np.ones((1, 4))]
        diagram.label(Network([2, 3, 1], weights=weights).step(XOR_X, XOR_Y, 0.1), "update")
        diagram.to_png()
    figure = diagram.figure
    assert not any(artist.get_animated() for artist in figure.axes[0].get_children())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
