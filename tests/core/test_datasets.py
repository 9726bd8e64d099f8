"""The playground's data sets: seeded, split as asked, labelled as their names say, refused bad."""

import math

import numpy as np
import pytest

from bpkit import DATASETS, XOR_X, XOR_Y, BpkitError, make_dataset
from bpkit.core.lessons.datasets import MAX_NOISE, POINTS

GENERATED = [name for name in DATASETS if name != "xor"]


def test_xor_is_the_articles_four_points_trained_and_tested_on():
    data = make_dataset("xor", noise=0.3, test_share=0.2)
    for arrays in ((data.X_train, data.X_test), (data.Y_train, data.Y_test)):
        assert all(a.shape == arrays[0].shape for a in arrays)
    assert np.array_equal(data.X_train, XOR_X) and np.array_equal(data.Y_train, XOR_Y)
    assert np.array_equal(data.X_test, XOR_X) and np.array_equal(data.Y_test, XOR_Y)


def test_xor_is_shown_without_the_noise_and_split_that_do_not_apply_to_it():
    shown = repr(make_dataset("xor", noise=0.3, test_share=0.2))
    assert shown == "Dataset('xor', the article's 4 points, trained and tested on alike)"
    assert "noise" not in shown and "0.3" not in shown and "0.2" not in shown
    assert repr(make_dataset("moons", noise=0.3, test_share=0.2)) == (
        f"Dataset('moons', {POINTS - round(0.2 * POINTS)} train + {round(0.2 * POINTS)} test, "
        "noise 0.3)")


@pytest.mark.parametrize("name", GENERATED)
def test_a_generated_set_has_both_targets_in_train_and_test(name):
    data = make_dataset(name, noise=0.1, test_share=0.3, seed=2)
    assert len(data.X_train) + len(data.X_test) == POINTS
    assert len(data.X_test) == round(0.3 * POINTS)
    for X, Y in ((data.X_train, data.Y_train), (data.X_test, data.Y_test)):
        assert X.shape == (len(Y), 2) and Y.shape == (len(X), 1)
        assert set(np.unique(Y)) == {0.0, 1.0}
        assert np.isfinite(X).all()


@pytest.mark.parametrize("name", GENERATED)
def test_the_same_seed_gives_the_same_points_and_another_seed_others(name):
    first, again = make_dataset(name, seed=5), make_dataset(name, seed=5)
    other = make_dataset(name, seed=6)
    assert np.array_equal(first.X_train, again.X_train)
    assert np.array_equal(first.Y_test, again.Y_test)
    assert not np.array_equal(first.X_train, other.X_train)


@pytest.mark.parametrize("name", GENERATED)
def test_without_noise_every_point_is_in_the_drawn_square(name):
    data = make_dataset(name, noise=0.0)
    X = np.concatenate((data.X_train, data.X_test))
    assert X.min() >= -0.1 and X.max() <= 1.1


@pytest.mark.parametrize("name", GENERATED)
def test_noise_moves_the_points_by_about_its_standard_deviation(name):
    calm, noisy = make_dataset(name, noise=0.0), make_dataset(name, noise=MAX_NOISE)
    assert np.array_equal(calm.Y_train, noisy.Y_train)  # same points, jittered
    moved = (noisy.X_train - calm.X_train).std()
    assert 0.5 * MAX_NOISE * 0.2 < moved < 1.5 * MAX_NOISE * 0.2


def test_xor_cloud_targets_are_xor_of_the_two_halves():
    data = make_dataset("xor cloud", noise=0.0)
    X = np.concatenate((data.X_train, data.X_test))
    Y = np.concatenate((data.Y_train, data.Y_test))[:, 0]
    assert np.array_equal(Y, ((X[:, 0] > 0.5) != (X[:, 1] > 0.5)).astype(float))


def test_circles_targets_are_one_inside_the_gap_and_zero_outside():
    data = make_dataset("circles", noise=0.0)
    X = np.concatenate((data.X_train, data.X_test))
    Y = np.concatenate((data.Y_train, data.Y_test))[:, 0]
    radius = np.hypot(X[:, 0] - 0.5, X[:, 1] - 0.5)
    assert np.array_equal(Y, (radius < 0.25).astype(float))


def test_blobs_targets_follow_the_nearer_centre_almost_everywhere():
    data = make_dataset("blobs", noise=0.0)
    nearer_upper = data.X_train.sum(axis=1) > 1.0
    assert (nearer_upper == (data.Y_train[:, 0] == 1)).mean() > 0.95


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"name": "iris"}, "unknown data set"),
    ({"name": None}, "unknown data set"),
    ({"noise": -0.1}, "noise"),
    ({"noise": math.nan}, "noise"),
    ({"noise": MAX_NOISE * 2}, "noise"),
    ({"test_share": 0.0}, "test_share"),
    ({"test_share": 1.0}, "test_share"),
    ({"points": 3}, "points"),
    ({"seed": -1}, "seed"),
])
def test_bad_arguments_are_refused_by_name(kwargs, words):
    with pytest.raises(BpkitError, match=words):
        make_dataset(**kwargs)
