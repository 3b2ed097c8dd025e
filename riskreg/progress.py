"""How a long use case says how far it has got, and how the user stops it.

A use case that may take seconds (an import, a scheme change re-banding every risk, an
export, a backup copy) takes a ``Progress`` and calls it now and then with (done, total).
The caller's function may raise ``riskreg.errors.Cancelled``: the use case's transaction
is then rolled back, or its file left unwritten, so a cancelled write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
"""Told (done, total); raises ``Cancelled`` to stop the work."""

STEP = 500
"""Rows between two reports: often enough for a moving bar, rare enough to cost nothing."""


def report(progress: Progress | None, done: int, total: int) -> None:
    """Tell ``progress``, if there is one, how far the work has got."""
    if progress is not None:
        progress(done, total)
