"""Calling code as a plain script would, with no asyncio event loop running in its thread.

The browser tests' Playwright (sync API) keeps an event loop running in pytest's main thread for
the rest of the session. Code that asks whether a loop is running (the playground's Play, which
runs as a task on a kernel's loop) would then answer by test order; in a thread of its own it
answers as it does outside a kernel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


def outside_any_event_loop(function: Callable[..., object], /, *args: object,
                           **kwargs: object) -> object:
    """``function(*args, **kwargs)`` run in a new thread; its result, or its exception raised."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def method_outside_any_event_loop(owner: object, name: str, /, **kwargs: object) -> object:
    """``owner.name(**kwargs)``, outside any event loop (the test sweep watches ``owner``)."""
    return outside_any_event_loop(getattr(owner, name), **kwargs)
