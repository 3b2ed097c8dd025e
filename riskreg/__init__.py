"""Joint Risk Register: everything that is not a widget (domain, storage, services, exchange)."""

__version__ = "0.1.0"

from riskreg.memory import share_freed_memory as _share_freed_memory

_share_freed_memory()  # before any thread allocates (see riskreg.memory)
