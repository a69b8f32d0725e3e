"""Parsing publication timestamps from metadata (ISO 8601, RFC 2822, plain dates)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_published(value: object) -> str | None:
    """Normalize a metadata timestamp to ISO: ``YYYY-MM-DD`` for a date, else a full
    ISO timestamp (keeping its UTC offset). Returns None for what is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    if not s:
        return None
    if _DATE_ONLY.match(s):
        try:
            return dt.date.fromisoformat(s).isoformat()
        except ValueError:
            return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(s).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    return None


def publication_date(published: str | None) -> dt.date | None:
    """The publication date: the local calendar date of the (normalized) timestamp."""
    if not published:
        return None
    try:
        if _DATE_ONLY.match(published):
            return dt.date.fromisoformat(published)
        return dt.datetime.fromisoformat(published).date()
    except ValueError:
        iso = parse_published(published)
        return publication_date(iso) if iso and iso != published else None
