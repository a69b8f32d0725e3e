"""Events: PLOVER-coded political events from Arabic news (extraction, dedup, export, eval)."""
