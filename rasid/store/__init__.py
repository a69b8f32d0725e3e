"""The embedded store (SQLite, WAL)."""

from rasid.store.sqlite import Store

__all__ = ["Store"]
