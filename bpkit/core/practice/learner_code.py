"""What the checkers of a learner's code share: the line of their function an error came from."""

from __future__ import annotations

import linecache
import traceback
from collections.abc import Callable


def learner_line(function: Callable[..., object], error: BaseException) -> tuple[int, str] | None:
    """(line number, code) of the last line of ``function`` that ``error`` passed through.

    None when it did not pass through the function's own code (a wrong number of arguments,
    say), or the function has no Python code.
    """
    code = getattr(function, "__code__", None)
    lines = [line for frame, line in traceback.walk_tb(error.__traceback__)
             if frame.f_code is code]
    if code is None or not lines:
        return None
    return lines[-1], linecache.getline(code.co_filename, lines[-1]).strip()
