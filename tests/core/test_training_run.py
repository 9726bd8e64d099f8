"""The playground's training run: each step is Network.step, and the presets show their lessons."""

import math

import numpy as np
import pytest

from bpkit import (
    PRESETS,
    XOR_X,
    XOR_Y,
    BpkitError,
    Network,
    PlaygroundSettings,
    TrainingRun,
    linear_plane,
    unit_maps,
    with_bias,
)
from bpkit.core.lessons.playground import ROUNDING_LOSS, VIEW, loss_text


def small(**changes):
    return PlaygroundSettings(dataset="moons", hidden=(3, 2), activation="tanh", batch=7,
                              lr=0.2, seed=3).changed(**changes)


def traces_equal(a, b):
    assert a.loss == b.loss and a.loss_after == b.loss_after
    for first, second in ((a.gradients, b.gradients), (a.new_weights, b.new_weights),
                          (a.deltas, b.deltas), (a.z, b.z)):
        assert all(np.array_equal(x, y) for x, y in zip(first, second))


def test_a_step_is_network_step_on_the_next_batch_and_preview_shows_it_first():
    run = TrainingRun(small())
    run.advance(5)
    twin = run.net.copy()
    X, Y = run.next_batch()
    preview = run.preview()
    expected = twin.step(X, Y, run.settings.lr)
    taken = run.step()
    traces_equal(preview, expected)
    traces_equal(taken, expected)
    assert all(np.array_equal(w, v) for w, v in zip(run.net.weights, twin.weights))


def test_an_epoch_uses_every_training_point_once_in_batches():
    run = TrainingRun(small())
    n = len(run.data.X_train)
    seen = []
    while run.epoch == 0:
        X, _ = run.next_batch()
        seen.append(X)
        run.step()
    used = np.concatenate(seen)
    assert len(used) == n and run.steps == math.ceil(n / 7)
    order = np.lexsort(used.T)
    assert np.array_equal(used[order], run.data.X_train[np.lexsort(run.data.X_train.T)])


def test_a_batch_as_large_as_the_training_set_is_full_batch_descent():
    run = TrainingRun(small(batch=5000))
    assert run.batch_size == len(run.data.X_train)
    X, _ = run.next_batch()
    assert np.array_equal(X, run.data.X_train)
    run.step()
    assert run.epoch == 1 and run.position == 0


def test_observe_records_the_loss_on_train_and_test_sets():
    run = TrainingRun(small())
    run.advance(30)
    train, test = run.observe()
    assert train == run.net.loss(run.data.X_train, run.data.Y_train)
    assert test == run.net.loss(run.data.X_test, run.data.Y_test)
    assert run.record[-1] == (run.epochs, train, test)


def test_random_init_scales_one_seeded_draw_and_equal_init_sets_every_weight():
    scaled = small(init="random", scale=0.5).network()
    drawn = Network([2, 3, 2, 1], "tanh", weights="random", seed=3)
    assert all(np.allclose(w, 0.5 * v) for w, v in zip(scaled.weights, drawn.weights))
    equal = small(init="equal", scale=1.0).network()
    assert all((w == 1.0).all() for w in equal.weights)


def test_a_new_data_set_or_activation_keeps_the_weights_and_is_logged():
    run = TrainingRun(small())
    run.advance(12)
    weights = run.net.weights
    run.change(dataset="circles", activation="relu")
    assert run.data.name == "circles" and run.net.activations[0] == "relu"
    assert all(np.array_equal(w, v) for w, v in zip(run.net.weights, weights))
    assert run.steps == 12 and run.log == ["step 12: dataset circles, activation relu"]


def test_a_new_layout_starts_again():
    run = TrainingRun(small())
    run.advance(12)
    run.change(hidden=(5,))
    assert run.net.sizes == (2, 5, 1) and run.steps == 0 and run.epoch == 0


def test_a_refused_change_changes_nothing():
    run = TrainingRun(small())
    run.advance(3)
    before = (run.settings, run.net.weights, run.steps)
    for bad in ({"lr": -1}, {"activation": "softmax"}, {"hidden": (9,)}, {"colour": "red"},
                {"noise": math.nan}):
        with pytest.raises(BpkitError):
            run.change(**bad)
    assert run.settings == before[0] and run.steps == before[2]
    assert all(np.array_equal(w, v) for w, v in zip(run.net.weights, before[1]))


def test_unit_maps_are_the_forward_pass_over_the_square():
    net = small().network()
    maps = unit_maps(net, 9)
    axis = np.linspace(*VIEW, 9)
    x1, x2 = np.meshgrid(axis, axis)
    _, z = net.forward(with_bias(np.column_stack((x1.ravel(), x2.ravel()))))
    assert [m.shape for m in maps] == [(3, 9, 9), (2, 9, 9), (1, 9, 9)]
    assert np.allclose(maps[0][1], z[1][:, 2].reshape(9, 9))
    assert np.allclose(maps[-1][0], net.predict(np.column_stack((x1.ravel(), x2.ravel())))
                       .reshape(9, 9))


# ----- the presets: the lessons of 06 and 07 ------------------------------------------------------
def preset_run(name, epochs):
    run = TrainingRun(PRESETS[name].settings)
    for _ in range(epochs // 100):
        run.advance(100)
        run.observe()
    return run


def best_plane_h():
    plane = linear_plane(Network([2, 3, 1]))
    return plane.predict(plane.best_fit(XOR_X, XOR_Y), XOR_X)


def test_preset_linear_net_is_stuck_at_the_best_plane_on_xor():
    run = preset_run("linear stuck at 0.5", 2000)
    h = run.net.predict(XOR_X)[:, 0]
    assert np.allclose(h, best_plane_h(), atol=1e-4)
    assert np.allclose(best_plane_h(), 0.5)


def test_preset_equal_start_keeps_the_hidden_units_identical():
    run = preset_run("equal start stays symmetric", 1000)
    first, second = run.net.weights
    assert (first == first[0]).all() and (second[0, 1:] == second[0, 1]).all()
    assert run.record[-1][1] < run.record[0][1]  # it does learn, as one unit


def test_preset_diverging_rate_stops_with_the_epoch_network_train_names():
    run = preset_run("diverging rate", 200)
    settings = PRESETS["diverging rate"].settings
    history = settings.network().train(XOR_X, XOR_Y, settings.lr, 200)
    assert run.diverged and run.diverged_at == history.diverged_at
    assert run.message.startswith(f"diverged at epoch {history.diverged_at}")
    assert all(np.isfinite(w).all() for w in run.net.weights)
    assert run.advance(10) == 0  # no crash, no more steps
    with pytest.raises(BpkitError, match="diverged at epoch"):
        run.preview()


def test_preset_sigmoid_plateau_sits_at_the_best_planes_loss_then_drops():
    run = preset_run("sigmoid plateau", 8000)
    best = float(((best_plane_h() - XOR_Y[:, 0]) ** 2 / 2).mean())
    epochs = np.array([r[0] for r in run.record])
    losses = np.array([r[1] for r in run.record])
    flat = losses[(epochs >= 1000) & (epochs <= 3000)]
    assert np.allclose(flat, best, rtol=0.02)  # a plateau of 2000 epochs at the plane's J
    assert losses[-1] < best / 10  # and then it learns XOR


@pytest.mark.parametrize(("bad", "words"), [
    ({"dataset": "iris"}, "data set"), ({"hidden": ()}, "hidden"),
    ({"hidden": (1, 2, 3, 4)}, "hidden"), ({"hidden": (0,)}, "hidden"),
    ({"activation": "softmax"}, "activation"), ({"lr": 0.0}, "learning rate"),
    ({"lr": 100.0}, "learning rate"), ({"lr": math.inf}, "learning rate"),
    ({"batch": 0}, "batch"), ({"init": "zeros"}, "init"), ({"scale": -1.0}, "scale"),
    ({"noise": 0.9}, "noise"), ({"test_share": 0.95}, "test_share"), ({"seed": -2}, "seed"),
])
def test_bad_settings_are_refused_by_name(bad, words):
    with pytest.raises(BpkitError, match=words):
        PlaygroundSettings(**bad)


def test_a_loss_of_rounding_size_reads_as_0_up_to_rounding_and_others_as_numbers():
    assert 4e-28 < ROUNDING_LOSS < 5e-28  # |h - y| under 100 float steps at 1
    fitted = Network([2, 3, 1], activation="tanh", weights="random", seed=0)
    history = fitted.train(XOR_X, XOR_Y, 0.5, 3000)  # 07's run: it fits XOR to rounding
    assert history.losses[-1] < ROUNDING_LOSS
    assert loss_text(history.losses[-1]) == "0 up to rounding"
    assert loss_text(0.0) == "0 up to rounding"
    assert loss_text(history.losses[0]) == "0.5178"
    assert loss_text(1e-20) == "1e-20"  # a small loss that is not rounding stays a number
    assert TrainingRun.loss_text is loss_text  # reachable from bpkit's public TrainingRun


def test_a_run_that_fits_its_points_says_0_up_to_rounding_in_its_message():
    run = TrainingRun(PlaygroundSettings(dataset="xor", activation="tanh", lr=0.5, batch=4,
                                         hidden=(3,)))
    run.net = Network([2, 3, 1], activation="tanh", weights="random", seed=0)
    run.advance(3000)
    run.observe()
    assert run.message == ("epoch 3000, step 3000: train loss 0 up to rounding, "
                           "test loss 0 up to rounding")


@pytest.mark.parametrize("bad", [-1e-3, math.nan, "0", None])
def test_loss_text_refuses_what_is_not_a_loss(bad):
    with pytest.raises(BpkitError, match="loss"):
        loss_text(bad)
