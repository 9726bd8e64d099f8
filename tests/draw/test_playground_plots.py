"""The playground's live picture: blitted frames equal full redraws, colours follow the run."""

import matplotlib as mpl
import numpy as np
import pytest

from bpkit import BpkitError, PlaygroundSettings, TrainingRun
from bpkit.draw import PlaygroundPicture
from bpkit.draw.playground import DPI, FIRST_EPOCHS, SIZE
from bpkit.draw.plots import OUTPUT_COLOURS


def run_of(**changes):
    return TrainingRun(PlaygroundSettings(dataset="blobs", hidden=(3, 2), batch=10,
                                          seed=1).changed(**changes))


def test_a_frame_is_the_figures_pixels():
    run = run_of()
    pixels = PlaygroundPicture(run.settings.hidden).render(run)
    assert pixels.shape == (round(SIZE[1] * DPI), round(SIZE[0] * DPI), 4)
    assert pixels.dtype == np.uint8


def test_a_frame_drawn_over_the_cached_background_equals_a_full_redraw():
    run = run_of()
    picture = PlaygroundPicture(run.settings.hidden)
    picture.render(run)
    run.advance(20)
    run.observe()
    blitted = picture.render(run).copy()
    assert picture.backgrounds == 1  # the second frame reused the background
    picture._background = None  # force a full redraw of the same state
    assert np.array_equal(picture.render(run), blitted)


def test_the_loss_axis_grows_when_the_run_passes_its_end_and_redraws_the_background():
    run = run_of(batch=5000)  # one step per epoch
    picture = PlaygroundPicture(run.settings.hidden)
    picture.render(run)
    run.advance(int(FIRST_EPOCHS) + 5)
    run.observe()
    picture.render(run)
    assert picture.loss_axes.get_xlim()[1] > run.epochs
    assert picture.backgrounds == 2
    assert np.array_equal(picture.train_line.get_xdata(), [r[0] for r in run.record])


def test_the_boundary_shows_the_networks_output_in_the_output_colours():
    run = run_of(init="equal", scale=0.0)  # every weight 0: h = 0 everywhere
    picture = PlaygroundPicture(run.settings.hidden)
    pixels = picture.render(run)
    x, y = picture.boundary_axes.transData.transform((1.05, -0.05))  # a corner with no point
    row, col = pixels.shape[0] - round(y), round(x)
    expected = np.array(mpl.colormaps[OUTPUT_COLOURS](0.0)[:3]) * 255
    assert np.allclose(pixels[row, col, :3], expected, atol=2)


def test_a_new_data_set_moves_the_points():
    run = run_of()
    picture = PlaygroundPicture(run.settings.hidden)
    picture.render(run)
    run.change(dataset="moons")
    picture.render(run)
    assert np.array_equal(picture.train_points.get_offsets(), run.data.X_train)
    assert np.array_equal(picture.test_points.get_offsets(), run.data.X_test)


def test_png_is_a_png_of_the_frame():
    run = run_of()
    assert PlaygroundPicture(run.settings.hidden).png(run).startswith(b"\x89PNG")


def test_a_run_of_another_layout_or_a_bad_layout_is_refused():
    picture = PlaygroundPicture((3, 2))
    with pytest.raises(BpkitError, match="laid out for hidden layers"):
        picture.render(run_of(hidden=(4,)))
    with pytest.raises(BpkitError, match="run must be"):
        picture.render("run")
    for bad in ((), (9,), (1, 1, 1, 1), "3"):
        with pytest.raises(BpkitError, match="hidden"):
            PlaygroundPicture(bad)
