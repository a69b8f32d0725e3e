"""The sources followed and the URLs seen, in the store (tables of migration 3).

Plain functions over the store's sqlite3 connection; the watcher calls them from its one
scheduler thread (the store has one writer).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, fields
from typing import Any

from rasid.errors import RasidError
from rasid.monitor.urls import URLError, canonicalize, check_scheme


class SourceError(RasidError):
    """A source that cannot be added, found or removed."""


def utc(offset: float = 0.0) -> str:
    """UTC now (+ ``offset`` seconds) as ``YYYY-MM-DDTHH:MM:SSZ`` (sorts as text)."""
    t = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Source:
    id: int
    url: str
    name: str | None = None
    kind: str | None = None
    added_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    last_poll: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    last_items: int = 0
    last_new: int = 0
    polls: int = 0
    unchanged: int = 0
    errors: int = 0
    consecutive_errors: int = 0
    articles: int = 0
    next_poll: str | None = None
    #: URLs of this source that failed and wait for a retry (or were given up): computed
    failed_urls: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_COLS = [f.name for f in fields(Source) if f.name != "failed_urls"]


def _source(row: sqlite3.Row, failed: int = 0) -> Source:
    return Source(**{k: row[k] for k in _COLS}, failed_urls=failed)


def add_source(db: sqlite3.Connection, url: str, name: str | None = None) -> tuple[Source, bool]:
    """Add a feed or sitemap URL; returns ``(source, added)`` (False: it was there; a
    new name replaces the old)."""
    url = url.strip()
    try:
        check_scheme(url)
        canonicalize(url)  # validates host and form
    except URLError as e:
        raise SourceError(f"{url}: {e}; a source is the http(s) URL of an RSS/Atom feed or a sitemap") from e
    row = db.execute("SELECT * FROM sources WHERE url=?", (url,)).fetchone()
    if row is not None:
        if name:
            db.execute("UPDATE sources SET name=? WHERE id=?", (name, row["id"]))
        src = get_source(db, str(row["id"]))
        assert src is not None
        return src, False
    c = db.execute("INSERT INTO sources (url, name) VALUES (?,?)", (url, name))
    src = get_source(db, str(c.lastrowid))
    assert src is not None
    return src, True


def get_source(db: sqlite3.Connection, key: str) -> Source | None:
    """A source by id or by URL."""
    row = db.execute("SELECT * FROM sources WHERE id=? OR url=?",
                     (int(key) if key.isdigit() else -1, key)).fetchone()
    if row is None:
        return None
    return _source(row, _failed(db).get(row["id"], 0))


def list_sources(db: sqlite3.Connection) -> list[Source]:
    failed = _failed(db)
    return [_source(r, failed.get(r["id"], 0)) for r in db.execute("SELECT * FROM sources ORDER BY id")]


def remove_source(db: sqlite3.Connection, key: str) -> Source:
    """Stop following a source. Its seen URLs stay, so adding it again fetches nothing twice."""
    src = get_source(db, key)
    if src is None:
        raise SourceError(f"no source {key!r} (see `rasid sources list`)")
    db.execute("DELETE FROM sources WHERE id=?", (src.id,))
    return src


def _failed(db: sqlite3.Connection) -> dict[int, int]:
    return {r[0]: r[1] for r in db.execute(
        "SELECT source_id, count(*) FROM seen_urls WHERE status IN ('failed','gave_up')"
        " AND source_id IS NOT NULL GROUP BY source_id")}


def update_source(db: sqlite3.Connection, source_id: int, **values: Any) -> None:
    bad = set(values) - set(_COLS)
    if bad:
        raise ValueError(f"unknown source columns: {sorted(bad)}")
    cols = ", ".join(f"{k}=?" for k in values)
    db.execute(f"UPDATE sources SET {cols} WHERE id=?", (*values.values(), source_id))


def bump_source(db: sqlite3.Connection, source_id: int, **deltas: int) -> None:
    cols = ", ".join(f"{k}={k}+?" for k in deltas)
    db.execute(f"UPDATE sources SET {cols} WHERE id=?", (*deltas.values(), source_id))


# -- seen URLs ------------------------------------------------------------------------
@dataclass(slots=True)
class Seen:
    url: str
    fetch_url: str
    source_id: int | None
    status: str
    reason: str | None
    attempts: int
    retry_at: str | None
    meta: dict[str, Any]


def get_seen(db: sqlite3.Connection, canon: str) -> Seen | None:
    r = db.execute("SELECT url, fetch_url, source_id, status, reason, attempts, retry_at, meta"
                   " FROM seen_urls WHERE url=?", (canon,)).fetchone()
    if r is None:
        return None
    return Seen(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7] or "{}"))


def due_retries(db: sqlite3.Connection, now: str, max_attempts: int, limit: int = 1000) -> list[Seen]:
    """Failed URLs whose retry time has come, and URLs queued by a run that stopped
    before fetching them; only of sources still followed."""
    rows = db.execute(
        "SELECT s.url, s.fetch_url, s.source_id, s.status, s.reason, s.attempts, s.retry_at, s.meta"
        " FROM seen_urls s JOIN sources src ON src.id = s.source_id"
        " WHERE (s.status='failed' AND s.retry_at<=? AND s.attempts<?) OR s.status='queued'"
        " ORDER BY s.retry_at LIMIT ?", (now, max_attempts, limit)).fetchall()
    return [Seen(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7] or "{}")) for r in rows]


def queue_seen(db: sqlite3.Connection, canon: str, fetch_url: str, source_id: int,
               meta: dict[str, Any]) -> None:
    db.execute("INSERT INTO seen_urls (url, fetch_url, source_id, status, meta) VALUES (?,?,?,'queued',?)"
               " ON CONFLICT(url) DO UPDATE SET fetch_url=excluded.fetch_url",
               (canon, fetch_url, source_id, json.dumps(meta, ensure_ascii=False)))


def mark_seen(db: sqlite3.Connection, canon: str, status: str, *, reason: str | None = None,
              hash: str | None = None, article_id: str | None = None, retry_at: str | None = None,
              attempt: bool = True) -> None:
    db.execute("UPDATE seen_urls SET status=?, reason=?, hash=coalesce(?, hash),"
               " article_id=coalesce(?, article_id), retry_at=?, attempts=attempts+?, last_try=?"
               " WHERE url=?",
               (status, reason, hash, article_id, retry_at, int(attempt), utc(), canon))


def failures(db: sqlite3.Connection, source_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Failed URLs with their reasons (newest first)."""
    sql = ("SELECT url, fetch_url, source_id, status, reason, attempts, retry_at, last_try FROM seen_urls"
           " WHERE status IN ('failed','gave_up')")
    args: tuple[Any, ...] = ()
    if source_id is not None:
        sql += " AND source_id=?"
        args = (source_id,)
    sql += " ORDER BY last_try DESC LIMIT ?"
    return [dict(r) for r in db.execute(sql, (*args, limit))]
