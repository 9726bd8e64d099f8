"""Lecture mode: big fonts and figures for a projector, switched on by BPKIT_LECTURE=1.

`make present` sets it for the Voila lecture view, so every explorer, player and diagram is
drawn large without a notebook changing a line.
"""

from __future__ import annotations

import os

from bpkit.core.errors import BpkitError


def large(requested: bool | None = None) -> bool:
    """The size to draw at: what the caller asked for, else large in lecture mode."""
    if requested is not None and not isinstance(requested, bool):
        raise BpkitError(f"large must be True, False or None (lecture mode decides); "
                         f"got {requested!r:.40}")
    if requested is not None:
        return requested
    return os.environ.get("BPKIT_LECTURE", "") == "1"
