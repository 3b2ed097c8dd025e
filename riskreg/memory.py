"""Freed memory shared between threads, and handed back once a big read is over (glibc).

glibc gives each thread that allocates its own arena, and keeps what a thread frees for
that thread: calamine reads an import's sheets on a worker thread (``exchange.workbook``),
and the tens of megabytes it frees would then stay resident while the main thread applies
the import, on top of what it allocates afresh. One arena for the process lets every
thread reuse what another freed; ``malloc_trim`` hands freed pages back to the system.
Windows' and macOS's allocators already share freed memory between threads: there, and on
a C library without these calls, both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

M_ARENA_MAX = -8
"""``mallopt``'s parameter for the most arenas (glibc's malloc.h)."""


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018 - glibc has both; musl has neither
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def share_freed_memory() -> None:
    """One malloc arena for every thread: called before the first worker thread allocates."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, 1)


def return_freed_memory() -> None:
    """Hand the pages freed so far back to the system (after a large read is released)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
