"""Joint Risk Register: everything that is not a widget (domain, storage, services, exchange)."""

__version__ = "0.1.0"
