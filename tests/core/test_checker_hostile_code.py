"""A learner's code cannot hang, fool, change or crash the checkers, nor hand in bpkit's answer.

Each test below failed before ``practice.guard``: an endless loop hung ``check_backward``,
rebinding the comparison inside the learner's function made garbage right (and stayed), a patched
``Network.backprop`` stayed patched for every later ``net.gradients``, bpkit's own
``multiply_backward`` or ``net.backprop`` was judged right, ``sys.exit()`` escaped the checker, and
a result whose ``__len__`` or ``__float__`` raises crashed it.
"""

import functools
import math
import signal
import sys
import threading
import time

import numpy as np
import pytest

import bpkit.core.practice.backward_rules as rules
import bpkit.core.practice.learner_code as code
from bpkit import BpkitError, Network, check_backprop, check_backward, f_prime
from bpkit.core.practice import guard
from bpkit.core.practice.backward_rules import OPERATIONS, multiply_backward, tanh_backward
from bpkit.core.practice.mistakes import MISTAKES


def right_multiply(a, b, grad):
    return grad * b, grad * a


def right_backprop(net, z0, Y):
    a, z = net.forward(z0)
    fp = f_prime(net, a)
    delta = (z[-1] - Y) * fp[-1]
    grads = [delta.T @ z[-2] / len(z0)]
    for k in range(len(net.weights) - 1, 0, -1):
        delta = (delta @ net.weights[k][:, 1:]) * fp[k - 1]
        grads.insert(0, delta.T @ z[k - 1] / len(z0))
    return grads


@pytest.fixture
def short_limit(monkeypatch):
    """A limit of 0.2 s a call (1 s a check), so an endless loop costs the suite little."""
    monkeypatch.setattr(guard, "LIMIT", 0.2)
    monkeypatch.setattr(guard, "TOTAL", 1.0)


# ----- 1. a time limit on every call ------------------------------------------------------------
def endless_rule(a, b, grad):
    while True:
        pass


def swallowing_rule(a, b, grad):
    while True:
        try:
            time.sleep(1)
        except Exception:  # a learner's catch-all: the alarm is not an Exception
            continue


def endless_backprop(net, z0, Y):
    total = 0
    while total >= 0:
        total += 1
    return total


@pytest.mark.parametrize(("check", "function"), [
    (lambda f: check_backward("multiply", f), endless_rule),
    (lambda f: check_backward("multiply", f), swallowing_rule),
    (lambda f: check_backward("tanh", f), lambda a, z, grad: time.sleep(30)),
    (check_backprop, endless_backprop),
    (check_backprop, lambda net, z0, Y: time.sleep(30)),
])
def test_an_endless_loop_or_a_long_sleep_is_stopped_and_named(short_limit, check, function):
    handler, began = signal.getsignal(signal.SIGALRM), time.monotonic()
    verdict = check(function)
    assert time.monotonic() - began < 2
    assert not verdict.correct and verdict.mistakes == ("timed_out",)
    assert "did not return in 0.2 s: an endless loop?" in verdict.message
    assert MISTAKES["timed_out"].message in verdict.message
    assert signal.getsignal(signal.SIGALRM) is handler  # the kernel is as it was
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert check_backward("multiply", right_multiply).correct  # and still usable
    assert check_backprop(right_backprop).correct


def test_a_thirty_second_sleep_ends_within_a_few_seconds_at_the_default_limit():
    assert guard.LIMIT <= 2 and guard.TOTAL <= 6
    began = time.monotonic()
    verdict = check_backward("multiply", lambda a, b, grad: time.sleep(30))
    assert time.monotonic() - began < guard.LIMIT + 1
    assert verdict.mistake == "timed_out" and f"in {guard.LIMIT:g} s" in verdict.message


def test_slow_calls_together_are_bounded_by_the_total(monkeypatch):
    monkeypatch.setattr(guard, "LIMIT", 0.3)
    monkeypatch.setattr(guard, "TOTAL", 0.5)
    began = time.monotonic()
    verdict = check_backprop(lambda net, z0, Y: time.sleep(0.2) or right_backprop(net, z0, Y))
    assert time.monotonic() - began < 1.5
    assert verdict.mistake == "timed_out" and "all its calls together may take" in verdict.message


def test_someone_elses_timer_goes_on_after_a_check():
    signal.setitimer(signal.ITIMER_REAL, 100.0)
    old = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        assert check_backward("multiply", right_multiply).correct
        assert 90 < signal.getitimer(signal.ITIMER_REAL)[0] <= 100
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_off_the_main_thread_a_check_runs_without_a_limit_and_says_nothing_wrong():
    found = []
    thread = threading.Thread(target=lambda: found.extend(
        [check_backward("multiply", right_multiply), check_backprop(right_backprop)]))
    thread.start()
    thread.join(30)
    assert [v.correct for v in found] == [True, True], found


# ----- 2. learner code cannot change the judge ----------------------------------------------------
def rebinding_the_comparison(a, b, grad):
    code.agreement = lambda got, want: "double"
    rules._close = lambda x, y, scale: True
    return 0.0, 0.0


def patching_network_backprop(net, z0, Y):
    def zeros(self, z0, targets, weights=None):
        raise AssertionError("unreachable")
    Network.backprop = zeros
    return right_backprop(net, z0, Y)


def patching_numpy(a, b, grad):
    np.max = lambda *args, **kwargs: 0.0
    np.abs = lambda x: 0 * x
    math.isclose = lambda *args, **kwargs: True
    return 0.0, 0.0


def patching_the_operation(a, b, grad):
    object.__setattr__(OPERATIONS["multiply"], "expected", lambda a, b, g: (0.0, 0.0))
    return 0.0, 0.0


@pytest.mark.parametrize(("function", "changed"), [
    (rebinding_the_comparison, "learner_code.agreement"),
    (patching_numpy, "numpy.max"),
    (patching_the_operation, "expected"),
])
def test_rebinding_the_checkers_functions_inside_the_rule_is_undone_and_named(function, changed):
    originals = (code.agreement, rules._close, np.max, np.abs, math.isclose,
                 OPERATIONS["multiply"].expected)
    verdict = check_backward("multiply", function)
    assert not verdict.correct and verdict.mistakes == ("changed_bpkit",)
    assert changed in verdict.message and MISTAKES["changed_bpkit"].message in verdict.message
    assert (code.agreement, rules._close, np.max, np.abs, math.isclose,
            OPERATIONS["multiply"].expected) == originals
    assert not check_backward("multiply", lambda a, b, grad: (0.0, 0.0)).correct


def test_a_patched_network_backprop_is_put_back_for_every_later_gradient():
    net = Network([2, 2, 1], activation="sigmoid", weights="random", seed=5)
    X, Y = np.array([[0.5, -1.0], [1.0, 0.25]]), np.array([[0.2], [0.9]])
    before, method = net.gradients(X, Y), Network.backprop
    verdict = check_backprop(patching_network_backprop)
    assert verdict.mistakes == ("changed_bpkit",) and "Network.backprop" in verdict.message
    assert Network.backprop is method
    assert all(np.array_equal(g, b) for g, b in zip(net.gradients(X, Y), before))


def test_a_changed_attribute_added_to_a_bpkit_class_is_taken_away():
    def adding(net, z0, Y):
        Network.answer = 42
        return right_backprop(net, z0, Y)
    assert check_backprop(adding).mistake == "changed_bpkit"
    assert not hasattr(Network, "answer")


# ----- 3. the solution is not one call away -------------------------------------------------------
@pytest.mark.parametrize("rule", [
    multiply_backward, functools.partial(multiply_backward),
    lambda a, b, grad: multiply_backward(a, b, grad),
    lambda a, b, grad: tuple(multiply_backward(a, b, grad)),
])
def test_bpkits_own_rule_is_refused(rule):
    verdict = check_backward("multiply", rule)
    assert not verdict.correct and verdict.mistakes == ("used_bpkit",)
    assert "multiply_backward" in verdict.message
    assert MISTAKES["used_bpkit"].message in verdict.message


def test_bpkits_own_tanh_rule_is_refused_too():
    assert check_backward("tanh", tanh_backward).mistake == "used_bpkit"
    assert check_backward("tanh", lambda a, z, g: tanh_backward(a, z, g)).mistake == "used_bpkit"
    assert tanh_backward(0.5, math.tanh(0.5), 1.0) == pytest.approx(1 - math.tanh(0.5) ** 2)


@pytest.mark.parametrize("backprop", [
    lambda net, z0, Y: net.backprop(z0, Y).gradients,
    lambda net, z0, Y: net.gradients(z0[:, 1:], Y),
    lambda net, z0, Y: net.preview_step(z0[:, 1:], Y, 0.1).gradients,
    lambda net, z0, Y: net.step(z0[:, 1:], Y, 0.1).gradients,
    lambda net, z0, Y: Network.backprop(net, z0, Y).gradients,
    lambda net, z0, Y: net.copy().backprop(z0, Y).gradients,
])
def test_the_network_a_backprop_gets_refuses_to_do_the_pass(backprop):
    verdict = check_backprop(backprop)
    assert not verdict.correct and verdict.mistakes == ("used_bpkit",)
    assert "Network.backprop" in verdict.message


def test_the_refusal_says_write_the_pass_yourself_and_the_net_still_works_forward():
    seen = []

    def curious(net, z0, Y):
        seen.append(net.forward(z0)[1][-1].shape)
        try:
            net.backprop(z0, Y)
        except BpkitError as err:
            seen.append(str(err))
        return right_backprop(net, z0, Y)
    assert check_backprop(curious).mistake == "used_bpkit"
    assert seen[1].startswith("write the pass yourself: ")
    import copy
    assert check_backprop(lambda net, z0, Y: right_backprop(copy.deepcopy(net), z0, Y)).correct
    assert check_backprop(lambda net, z0, Y: (repr(net), net.loss_name, net.predict(z0[:, 1:]),
                                              right_backprop(net, z0, Y))[-1]).correct


# ----- 4. escapes and results that cannot be read ------------------------------------------------
def exiting_rule(a, b, grad):
    sys.exit()


def exiting_backprop(net, z0, Y):
    sys.exit(1)


class Oddity(BaseException):
    pass


def test_sys_exit_in_a_rule_is_reported_with_its_line():
    verdict = check_backward("multiply", exiting_rule)
    assert verdict.mistakes == ("exited",)
    assert f"(line {exiting_rule.__code__.co_firstlineno + 1}: sys.exit())" in verdict.message
    assert MISTAKES["exited"].message in verdict.message


def test_sys_exit_in_a_backprop_is_reported_with_its_line():
    verdict = check_backprop(exiting_backprop)
    assert verdict.mistakes[0] == "exited" and "SystemExit" in verdict.message
    assert f"on line {exiting_backprop.__code__.co_firstlineno + 1} (sys.exit(1))" in \
        verdict.message


def test_another_base_exception_is_an_error_like_any_other():
    def odd(a, b, grad):
        raise Oddity("odd")
    verdict = check_backward("multiply", odd)
    assert verdict.mistakes == ("error",) and "Oddity: odd" in verdict.message


@pytest.mark.parametrize("check", [
    lambda f: check_backward("multiply", lambda a, b, g: f()),
    lambda f: check_backprop(lambda net, z0, Y: f()),
])
def test_the_interrupt_button_goes_through_and_bpkit_is_put_back(check):
    method = Network.backprop

    def interrupted():
        Network.backprop = None
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        check(interrupted)
    assert Network.backprop is method
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


class BadLength(list):
    def __len__(self):
        raise RuntimeError("no length")


class BadIteration(tuple):
    def __iter__(self):
        raise RuntimeError("no items")


class BadFloat(float):
    def __float__(self):
        raise RuntimeError("no float")


class BadArray:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array")


class BadMessageError(Exception):
    def __str__(self):
        raise RuntimeError("no message")


@pytest.mark.parametrize(("result", "why"), [
    (lambda a, b, g: BadLength([g * b, g * a]), "RuntimeError: no length"),
    (lambda a, b, g: BadIteration((g * b, g * a)), "RuntimeError: no items"),
    (lambda a, b, g: (BadFloat(g * b), g * a), "RuntimeError: no float"),
])
def test_a_rules_result_that_cannot_be_read_is_said_so(result, why):
    verdict = check_backward("multiply", result)
    assert verdict.mistakes == ("unreadable_result",), verdict.message
    assert verdict.message.startswith(f"bpkit could not read what your function returned: {why}")
    assert MISTAKES["unreadable_result"].message in verdict.message


def test_an_object_that_is_no_number_is_not_a_number():
    verdict = check_backward("multiply", lambda a, b, g: (BadArray(), g * a))
    assert verdict.mistakes == ("not_numbers",) and "not a number" in verdict.message


@pytest.mark.parametrize("wrap", [
    lambda grads: BadLength(grads), lambda grads: BadIteration(grads),
    lambda grads: [BadArray(), *grads[1:]],
])
def test_a_backprops_result_that_cannot_be_read_is_said_so(wrap):
    verdict = check_backprop(lambda net, z0, Y: wrap(right_backprop(net, z0, Y)))
    assert verdict.mistakes == ("unreadable_result",), verdict.message
    assert verdict.message.startswith("bpkit could not read what your function returned: ")
    assert "RuntimeError: no " in verdict.message


def test_a_result_that_never_finishes_reading_is_stopped(short_limit):
    class Endless(float):
        def __float__(self):
            while True:
                pass
    verdict = check_backward("tanh", lambda a, z, g: Endless(1.0))
    assert verdict.mistake == "unreadable_result" and "did not end in 0.2 s" in verdict.message


def test_an_exception_whose_message_raises_is_still_reported():
    def raising(a, b, grad):
        raise BadMessageError
    verdict = check_backward("multiply", raising)
    assert verdict.mistake == "error" and "(its message could not be read)" in verdict.message


# ----- 5. right answers in any numpy form ---------------------------------------------------------
@pytest.mark.parametrize(("operation", "rule"), [
    ("tanh", lambda a, z, grad: np.array(grad * (1 - z**2))),
    ("tanh", lambda a, z, grad: np.array(grad * (1 - z**2), dtype=np.float32)),
    ("tanh", lambda a, z, grad: np.float64(grad * (1 - z**2))),
    ("multiply", lambda a, b, grad: (np.array(grad * b), np.array(grad * a))),
    ("multiply", lambda a, b, grad: np.array([np.array(grad * b), np.array(grad * a)])),
])
def test_a_0d_numpy_array_of_the_right_value_is_right(operation, rule):
    verdict = check_backward(operation, rule)
    assert verdict.correct, verdict.message


def test_a_right_check_stays_quick():
    check_backward("multiply", right_multiply)
    check_backprop(right_backprop)  # warm
    began = time.perf_counter()
    assert check_backward("multiply", right_multiply).correct
    middle = time.perf_counter()
    assert check_backprop(right_backprop).correct
    assert middle - began < 0.05 and time.perf_counter() - middle < 0.1
