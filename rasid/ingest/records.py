"""Turning a record (JSON object, CSV row) into an Article: the contract's field names."""

from __future__ import annotations

from typing import Any

from rasid.doc import Article
from rasid.errors import InputError
from rasid.util.dates import parse_published

_TEXT_FIELDS = ("text", "content", "body")
_PUBLISHED_FIELDS = ("published", "date", "time", "pubDate", "published_at", "date_published")
_KNOWN = {"id", "title", "source", "url", "author", "lang", *_TEXT_FIELDS, *_PUBLISHED_FIELDS}


def from_record(rec: dict[str, Any], *, origin: str, raw: str, fmt: str) -> Article:
    if not isinstance(rec, dict):
        raise InputError(origin, f"expected a JSON object, got {type(rec).__name__}")
    body = next((rec[k] for k in _TEXT_FIELDS if isinstance(rec.get(k), str) and rec[k].strip()), None)
    if body is None:
        raise InputError(origin, "record has no text (fields text/content/body are missing or empty)")
    published = None
    for k in _PUBLISHED_FIELDS:
        if rec.get(k):
            published = parse_published(rec[k])
            if published:
                break
    meta = {k: v for k, v in rec.items() if k not in _KNOWN}
    rid = rec.get("id", rec.get("docno"))
    return Article(
        body=body,
        title=_str(rec.get("title")),
        id=str(rid) if rid not in (None, "") else None,
        source=_str(rec.get("source") or rec.get("src")),
        url=_str(rec.get("url")),
        published=published,
        author=_str(rec.get("author")),
        lang=_str(rec.get("lang")),
        meta=meta,
        raw=raw,
        format=fmt,
        origin=origin,
    )


def _str(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None
