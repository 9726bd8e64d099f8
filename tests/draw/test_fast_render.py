"""The diagram's fast PNG path: same pixels as a full redraw, a valid PNG, nothing left hidden."""

import io
import zlib

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image

from bpkit import XOR_X, XOR_Y, BpkitError, Network
from bpkit.core.naming import PHASES as VIEWS
from bpkit.draw.diagram import NetworkDiagram
from bpkit.draw.frames import RENDER_RC, png_bytes
from bpkit.widgets.explorer import Explorer


def decoded(png):
    return np.array(Image.open(io.BytesIO(png)).convert("RGBA"))


def full_redraw(diagram):
    """Every artist drawn from scratch, as matplotlib draws the figure."""
    with mpl.rc_context(RENDER_RC):
        diagram.figure.canvas.draw()
    return np.asarray(diagram.figure.canvas.buffer_rgba()).copy()


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


@pytest.mark.parametrize("shape", [(4, 4), (4, 4, 3), (2, 2, 2, 4)])
def test_png_bytes_refuses_anything_but_rgba(shape):
    with pytest.raises(BpkitError, match="RGBA"):
        png_bytes(np.zeros(shape, dtype=np.uint8))


def test_fast_frames_equal_a_full_redraw_through_many_explorer_moves():
    rng = np.random.default_rng(1)
    for phase in ("forward", "deltas", "update"):
        explorer = Explorer(phase)
        links = list(explorer.sliders)
        link = links[0]
        for k in range(25):
            if k % 6 == 0:
                link = links[rng.integers(len(links))]
            changes = {"weights": {link: round(float(rng.uniform(-3, 3)), 1)}}
            if k % 9 == 4:
                changes["sample"] = int(rng.integers(4))
            if k % 11 == 7:
                changes["sign"] = "squared"
            explorer.update(**changes)
            diagram = explorer.diagram
            diagram.label(explorer.trace, diagram.view)  # the explorer may answer from its cache
            fast = decoded(diagram.to_png())
            assert np.array_equal(fast, full_redraw(diagram)), (phase, k)


def test_fast_frames_follow_view_and_highlight_changes():
    trace = Network([2, 3, 1]).step(XOR_X[:2], XOR_Y[:2], 0.1)
    diagram = NetworkDiagram(trace.unit_names)
    for view in [*VIEWS, *reversed(VIEWS)]:
        for highlight in (None, "Z2", "w(X0->Z1)", None):
            diagram.label(trace, view, sample=1, highlight=highlight)
            assert np.array_equal(decoded(diagram.to_png()), full_redraw(diagram))


def test_rendering_leaves_no_artist_hidden_from_a_normal_save():
    explorer = Explorer("update")
    for value in (1.1, 1.2, 1.3):
        explorer.update(weights={"X0->Z1": value})
    figure = explorer.diagram.figure
    assert not any(artist.get_animated() for artist in figure.axes[0].get_children())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
