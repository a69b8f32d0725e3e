"""Events in the SQLite store: mentions folded into deduplicated event records.

:func:`add_events` is called by :meth:`rasid.store.sqlite.Store.add` inside the article's
transaction; :func:`event_summaries` reads the records back (with filters) for
``rasid events``, the exports and the web's events pages. Tables: migration 4 of
``rasid/store/schema.sql``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from rasid.doc import Doc
from rasid.events.dedup import Mention, dates_compatible, event_key, iso_published, summarize
from rasid.text import normalize


def add_events(db: sqlite3.Connection, doc: Doc, rec: dict[str, Any]) -> None:
    """Store ``doc``'s events and attach each to its event record (new or existing)."""
    db.execute("DELETE FROM event_mentions WHERE article_id=?", (doc.id,))
    a = doc.article
    for i, ev in enumerate(doc.events):
        key = event_key(ev, f"{doc.id}#{i}")
        record = None
        for row in db.execute(
                "SELECT m.record, m.date, m.date_source FROM event_mentions m "
                "JOIN event_records r ON r.rowid = m.record WHERE r.key=?", (key,)):
            if dates_compatible(ev.get("date"), {"value": row[1], "source": row[2]}):
                record = row[0]
                break
        if record is None:
            record = db.execute("INSERT INTO event_records (key, type) VALUES (?,?)",
                                (key, ev["type"])).lastrowid
        act, tgt = ev.get("actor") or {}, ev.get("target") or {}
        d, p, tr = ev.get("date") or {}, ev.get("place") or {}, ev.get("trigger") or {}
        db.execute(
            "INSERT INTO event_mentions (article_id, idx, record, type, trigger, trigger_start,"
            " trigger_end, actor, actor_id, actor_name, target, target_id, target_name, date,"
            " date_source, place, place_name, place_id, lat, lon, negated, source, url,"
            " published, event) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, i, record, ev["type"], tr.get("text"), tr.get("start"), tr.get("end"),
             act.get("text"), act.get("id"), act.get("name"), tgt.get("text"), tgt.get("id"),
             tgt.get("name"), d.get("value"), d.get("source"), p.get("text"), p.get("name"),
             p.get("id"), p.get("lat"), p.get("lon"), int(bool(ev.get("negated"))), a.source,
             a.url, iso_published(rec.get("published")), json.dumps(ev, ensure_ascii=False)))


def _contains(arg: dict[str, Any] | None, q: str) -> bool:
    if not arg:
        return False
    qn = normalize(q).lower()
    return any(qn in normalize(str(arg.get(k) or "")).lower() for k in ("text", "name", "id"))


#: ids per ``IN (...)`` list (SQLite allows 999 parameters in older builds)
_CHUNK = 500


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


class _Norm(dict[str, str]):
    """``normalize(t)`` (``.lower()`` with ``lower``), once per distinct text: names repeat."""

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self.lower = lower

    def __missing__(self, t: str) -> str:
        v = self[t] = normalize(t).lower() if self.lower else normalize(t).strip()
        return v


def _records_for(db: sqlite3.Connection, entity: str | None,
                 articles: Iterable[str] | None) -> set[int] | None:
    """Record ids with a mention in ``articles`` and/or ``entity`` as actor or target of a
    mention; ``None`` when neither restricts."""
    found: set[int] | None = None
    if articles is not None:
        found = set()
        for chunk in _chunks(list(dict.fromkeys(articles))):
            found.update(r[0] for r in db.execute(
                f"SELECT DISTINCT record FROM event_mentions WHERE article_id IN ({','.join('?' * len(chunk))})",
                chunk))
    if entity:
        if entity.startswith("norm:"):
            # an unlinked name: the mentions written that way (normalized), linked or not
            want, norm = normalize(entity[5:]).strip(), _Norm(lower=False)  # as the entities table's norm
            mine = {r[0] for r in db.execute(
                "SELECT record, actor, target FROM event_mentions WHERE actor IS NOT NULL OR target IS NOT NULL")
                if want and want in (norm[r[1] or ""], norm[r[2] or ""])}
        else:
            mine = {r[0] for r in db.execute(
                "SELECT record FROM event_mentions WHERE actor_id=? OR target_id=?", (entity, entity))}
        found = mine if found is None else found & mine
    return found


def _candidates(db: sqlite3.Connection, type: str | None, actor: str | None, place: str | None,
                since: str | None, until: str | None) -> set[int]:
    """Records that can pass the actor/place/date filters: an event's actor, target, place
    and date are each one of its mentions', so a record none of whose mentions matches
    cannot match. Read from the mention columns, without decoding or summarizing events;
    the exact test runs on the summaries."""
    norm = _Norm(lower=True)  # as _contains

    def has(q: str | None, *vals: str | None) -> bool:
        if not q:
            return True
        qn = norm[q]
        return any(v and qn in norm[v] for v in vals)

    out: set[int] = set()
    for r in db.execute("SELECT record, actor, actor_name, actor_id, target, target_name, target_id, place,"
                        " place_name, place_id, date FROM event_mentions" + (" WHERE type=?" if type else ""),
                        (type.upper(),) if type else ()):
        d = r[10] or ""
        if (has(actor, *r[1:7]) and has(place, *r[7:10]) and not (since and (not d or d[:len(since)] < since))
                and not (until and (not d or d[:len(until)] > until))):
            out.add(r[0])
    return out


def event_summaries(db: sqlite3.Connection, *, type: str | None = None, actor: str | None = None,
                    place: str | None = None, since: str | None = None, until: str | None = None,
                    entity: str | None = None, articles: Iterable[str] | None = None,
                    records: Iterable[int] | None = None, sort: str = "sources",
                    limit: int | None = None) -> list[dict[str, Any]]:
    """Deduplicated events, most reported first (``sort="date"``: by event date, undated
    last). ``actor`` matches the actor or the target (text, English name or id);
    ``since``/``until`` are ISO dates compared with the event date; ``place`` matches the
    place's text or name. ``entity`` (a KB id, or ``norm:<name>`` for a name nobody
    linked) keeps the events where it is the actor or target of some mention; ``articles``
    keeps the events reported in any of these articles; ``records`` only these event
    records (``record_id``). Each event is summarized over all its mentions (its full
    corroboration), whichever filter found it.

    ``rasid events`` and the web's events pages (``rasid.web``) both read through here."""
    recs = _records_for(db, entity, articles)
    if records is not None:
        recs = set(records) if recs is None else recs & set(records)
    if actor or place or since or until:
        cand = _candidates(db, type, actor, place, since, until)
        recs = cand if recs is None else recs & cand
    if recs is not None and not recs:
        return []
    cond = " AND type=?" if type else ""
    targs: tuple[str, ...] = (type.upper(),) if type else ()
    cols = "SELECT record, article_id, idx, source, url, published, event FROM event_mentions"  # rowid order
    if recs is None:
        queries = [(cols + (" WHERE type=?" if type else ""), targs)]
    else:
        queries = [(cols + f" WHERE record IN ({','.join('?' * len(chunk))}){cond}", (*chunk, *targs))
                   for chunk in _chunks(sorted(recs))]
    by_rec: dict[int, list[Mention]] = {}
    types: dict[int, str] = {}
    for sql, args in queries:
        for row in db.execute(sql, args):
            ev = json.loads(row[6])
            by_rec.setdefault(row[0], []).append(Mention(row[1], row[2], ev, row[3], row[4], row[5]))
            types[row[0]] = ev["type"]
    keys: dict[int, str] = {}
    if recs is None and by_rec:
        keys = dict(db.execute("SELECT rowid, key FROM event_records"))
    for chunk in _chunks(sorted(by_rec)) if recs is not None else ():
        keys.update(db.execute(f"SELECT rowid, key FROM event_records WHERE rowid IN ({','.join('?' * len(chunk))})",
                               chunk))
    out = []
    for rid, ms in by_rec.items():
        s = summarize(keys.get(rid, ""), types[rid], ms)
        s["record_id"] = rid
        if actor and not (_contains(s["actor"], actor) or _contains(s["target"], actor)):
            continue
        if place and not _contains(s["place"], place):
            continue
        date = s["date"] or ""
        if since and (not date or date[:len(since)] < since):
            continue
        if until and (not date or date[:len(until)] > until):
            continue
        out.append(s)
    if sort == "date":
        out.sort(key=lambda s: (s["date"] or "9999", s["first_report"] or "", s["record_id"]))
    else:
        out.sort(key=lambda s: (-s["n_sources"], -s["n_mentions"], s["date"] or "", s["record_id"]))
    return out[:limit] if limit else out


def counts(db: sqlite3.Connection) -> tuple[int, int]:
    """(event mentions, deduplicated event records with at least one mention)."""
    m = db.execute("SELECT COUNT(*), COUNT(DISTINCT record) FROM event_mentions").fetchone()
    return int(m[0]), int(m[1])
