"""Calling a learner's code for a checker: with a time limit, and with bpkit kept as it was.

A checker makes one ``Judge`` and calls the learner's function through ``Judge.call`` (and reads
what it returned through ``Judge.read``). Each call has a time limit (``LIMIT`` seconds, and
``TOTAL`` for all of one check), set with SIGALRM where the checker runs in the main thread, as a
notebook cell does; elsewhere the call runs without one. Whatever the call assigns to bpkit's
modules and classes (or numpy's, math's, the builtins') is put back at once and named, so a
learner's code cannot change the judge. bpkit's own solutions are seen when the learner's code
calls them, and the network a learner's backprop gets refuses to run Network.backprop. Every
exception of the learner's code, ``SystemExit`` included, is caught and kept for the verdict;
only ``KeyboardInterrupt`` (the kernel's Interrupt button) goes through.
"""

from __future__ import annotations

import builtins
import math
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from bpkit.core.errors import BpkitError
from bpkit.core.network import Network
from bpkit.core.practice import learner_code as code
from bpkit.core.practice.mistakes import MISTAKES
from bpkit.core.practice.verdict import Verdict, wrong

LIMIT = 2.0
"""Seconds one call of the learner's code may take (tests lower it)."""
TOTAL = 5.0
"""Seconds all the calls of one check may take together."""
_REPEAT = 0.25
"""Seconds between alarms once the limit is past, for code that catches the first one."""
STOPS = ("timed_out", "changed_bpkit", "used_bpkit", "unreadable_result")
"""The keys of the verdicts that end a check at once: no later call would be judged fairly."""
_MISSING = object()
_FOREIGN = (np, math, builtins)
"""Modules outside bpkit whose functions the checkers compare with: watched, never added to."""


class _TimedOut(BaseException):
    """The alarm: the learner's call ran past its time (`except Exception` lets it through)."""


class _State:
    used: str | None = None
    """bpkit's solution the learner's code called during the last call, if any."""


_STATE = _State()


class _Refused:
    """A stand-in for a network's loss and output layer: any use of it refuses the pass."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):  # copy, pickle and repr look for these: it has none
            raise AttributeError(name)
        _STATE.used = "Network.backprop"
        raise BpkitError("write the pass yourself: Network.backprop (and gradients, step, "
                         "preview_step) would compute the answer this check asks you to compute")


class OwnPassNetwork(Network):
    """The network a learner's backprop gets: its forward pass works, its backprop refuses."""

    def backprop(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        """Refused: the learner's backprop must compute the pass itself."""
        return _Refused().backprop

    gradients = step = preview_step = backprop


OwnPassNetwork.__name__ = OwnPassNetwork.__qualname__ = "Network"


def own_pass_copy(net: Network) -> Network:
    """A copy of ``net`` for the learner's code: Network.backprop refuses, even called unbound."""
    twin = net.copy()
    twin.__class__ = OwnPassNetwork
    twin.__dict__["_output"] = _Refused()  # what Network.backprop needs, and nothing else
    return twin


def _owners(extra: tuple[object, ...]) -> list[object]:
    """What a call watches: bpkit's modules and classes, the foreign modules, and ``extra``."""
    modules = [m for name, m in list(sys.modules.items()) if isinstance(m, ModuleType)
               and (name == "bpkit" or name.startswith("bpkit."))]
    classes = {id(v): v for m in modules for v in vars(m).values()
               if isinstance(v, type) and str(getattr(v, "__module__", "")).startswith("bpkit")}
    return [*modules, *classes.values(), *_FOREIGN, *extra]


def _name(owner: object) -> str:
    if isinstance(owner, ModuleType):
        return owner.__name__
    return getattr(owner, "__qualname__", type(owner).__name__)


def _put_back(snapshot: list[tuple[object, dict[str, object]]]) -> list[str]:
    """Undo every change to the owners since ``snapshot``; the names of what was changed."""
    changed = []
    for owner, before in snapshot:
        now = vars(owner)
        if len(now) == len(before) and all(now.get(k, _MISSING) is v for k, v in before.items()):
            continue
        kind = type if isinstance(owner, type) else object  # a frozen dataclass too
        setter = now.__setitem__ if isinstance(owner, ModuleType) else (
            lambda k, v, o=owner, kind=kind: kind.__setattr__(o, k, v))
        for key, value in before.items():
            if now.get(key, _MISSING) is not value and key != "__warningregistry__":
                setter(key, value)
                changed.append(f"{_name(owner)}.{key}")
        for key in [k for k in now if k not in before]:
            if owner in _FOREIGN or isinstance(now[key], ModuleType) or key.startswith("__"):
                continue  # an import, a lazy attribute or a warnings registry: not the learner's
            if isinstance(owner, ModuleType):
                del now[key]
            else:
                kind.__delattr__(owner, key)
            changed.append(f"{_name(owner)}.{key}")
    return changed


@dataclass
class Outcome:
    """One call of the learner's code: what it returned, or what stopped it."""

    value: object = None
    error: BaseException | None = None
    """The learner's own exception (SystemExit included)."""
    stop: str | None = None
    """'timed_out', 'used_bpkit' or 'changed_bpkit': the checker stopped or undid it."""
    detail: str = ""
    """For a stop, what to name: the seconds, bpkit's function, or what was changed."""


class _Alarm:
    """SIGALRM after ``seconds`` (then every _REPEAT s) while armed; nothing off the main thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.armed, self.old = seconds, False, None

    def _ring(self, signum: int, frame: object) -> None:
        if self.armed:
            raise _TimedOut

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread() or not hasattr(
                signal, "setitimer"):
            return
        try:
            self.old = (signal.signal(signal.SIGALRM, self._ring), time.monotonic())
        except (ValueError, OSError):  # signals cannot be set here: no limit, nothing said
            return
        self.timer = signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 1e-3), _REPEAT)
        self.armed = True

    def stop(self) -> None:
        if self.old is None:
            return
        self.armed = False  # from here the alarm raises nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        handler, began = self.old
        signal.signal(signal.SIGALRM, handler)
        self.old = None
        if self.timer[0] > 0:  # someone else's timer: it goes on, less the time spent
            left = self.timer[0] - (time.monotonic() - began)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), self.timer[1])


class Judge:
    """The calls of one check: each under the time left, bpkit watched and put back after each."""

    def __init__(self, *watched: object, solutions: dict[object, str] | None = None) -> None:
        self.left = TOTAL
        self._snapshot = [(o, dict(vars(o))) for o in _owners(watched)]
        self._solutions = solutions or {}
        """bpkit's solutions by their code objects: a call of one inside the learner's is seen."""

    def _profile(self, frame: object, event: str, arg: object) -> None:
        if event == "call" and (name := self._solutions.get(frame.f_code)) is not None:
            _STATE.used = name

    def call(self, function: Callable[..., object], *args: object) -> Outcome:
        """``function(*args)`` within the time left; KeyboardInterrupt alone is raised."""
        limit = max(min(LIMIT, self.left), 0.0)
        alarm, began, outcome = _Alarm(limit), time.monotonic(), Outcome()
        _STATE.used, profiler = None, sys.getprofile()
        try:
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    alarm.start()
                    if self._solutions and profiler is None:  # never a debugger's
                        sys.setprofile(self._profile)
                    outcome.value = function(*args)
            finally:
                if self._solutions and profiler is None:
                    sys.setprofile(None)
                alarm.stop()
        except _TimedOut:
            alarm.stop()  # again: the alarm may have come as the first stop began
            outcome.stop = "timed_out"
            outcome.detail = (f"{LIMIT:g} s" if limit >= LIMIT else
                              f"time (all its calls together may take {TOTAL:g} s)")
        except KeyboardInterrupt:
            self._undo()
            raise
        except BaseException as err:  # the learner's code, sys.exit() too: report it, never crash
            outcome.error = err
        finally:
            self.left -= time.monotonic() - began
        return self._judged(outcome)

    def _undo(self) -> list[str]:
        return _put_back(self._snapshot)

    def _judged(self, outcome: Outcome) -> Outcome:
        changed = self._undo()
        if changed:
            return Outcome(stop="changed_bpkit", detail=", ".join(dict.fromkeys(changed)))
        if _STATE.used is not None and outcome.stop != "timed_out":
            return Outcome(stop="used_bpkit", detail=_STATE.used)
        return outcome

    def read(self, reader: Callable[..., object], *args: object) -> object:
        """``reader(*args)`` on what the learner's code returned, or why bpkit could not read it.

        The returned object's own methods (__len__, __float__, ...) run there, as its code does.
        """
        outcome = self.call(reader, *args)
        if outcome.stop == "timed_out" or outcome.error is not None:
            why = (f"reading it did not end in {outcome.detail}" if outcome.error is None else
                   f"{type(outcome.error).__name__}: {self.text(outcome.error)}")
            return wrong(f"bpkit could not read what your function returned: {why}. "
                         f"{MISTAKES['unreadable_result'].message}", "unreadable_result")
        return stopped(outcome, "your function") if outcome.stop else outcome.value

    def text(self, error: BaseException) -> str:
        """The message of a learner's exception (its own __str__ runs here), or a note."""
        outcome = self.call(str, error)
        if not isinstance(outcome.value, str):
            return "(its message could not be read)"
        return outcome.value.strip() or "(no message)"


def stopped(outcome: Outcome, who: str) -> Verdict:
    """The verdict on a call the checker stopped or undid, ``who`` naming the learner's function.

    It did not return in time, changed bpkit, or used bpkit's own solution.
    """
    said = {"timed_out": f"{who} did not return in {outcome.detail}: an endless loop? bpkit "
                         "stopped it; the kernel is fine.",
            "changed_bpkit": f"{who} changed {outcome.detail} while it ran.",
            "used_bpkit": f"{who} used bpkit's own {outcome.detail}."}[outcome.stop or ""]
    return wrong(f"{said[0].upper()}{said[1:]} {MISTAKES[outcome.stop or ''].message}",
                 outcome.stop or "")


def backprop_error(judge: Judge, backprop: Callable[..., object], err: BaseException,
                   case: str) -> Verdict:
    """A learner's backprop's exception on ``case`` (a net, as text), with its line and a hint.

    The hint is for a shape mismatch; sys.exit() is named as such.
    """
    if isinstance(err, NotImplementedError):
        return wrong("not written yet: backprop still raises NotImplementedError. Write its body "
                     "(about 10 lines), run its cell, then run this check again.", "not_written")
    text, hint = judge.text(err), ""
    keys = ["exited" if isinstance(err, SystemExit) else "error"]
    if isinstance(err, ValueError) and ("shape" in text or "mismatch" in text):
        hint = (" The shapes do not fit: print each array's .shape and compare with the shapes "
                "table; δ_(l+1) W_(l+1)[:, 1:] has a_l's shape, δ_lᵀ z_(l−1) has W_l's.")
        sizes = [(int(r), int(c)) for r, c in re.findall(r"\((\d+), ?(\d+)\)", text)]
        if len(sizes) == 2 and sizes[0][0] == sizes[1][0] and abs(sizes[0][1] - sizes[1][1]) == 1:
            hint += " These two differ by one column: the bias column."
            keys.append("bias_not_dropped")
    return wrong(f"On {case}, your backprop stopped with {type(err).__name__}"
                 f"{code.where(backprop, err)}: {text}.{hint} "
                 + " ".join(MISTAKES[key].message for key in keys), *keys)


__all__ = ["LIMIT", "STOPS", "TOTAL", "Judge", "Outcome", "OwnPassNetwork", "backprop_error",
           "own_pass_copy", "stopped"]
