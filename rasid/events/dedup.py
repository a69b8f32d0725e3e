"""Event-level deduplication across articles and outlets.

One real event reported by ten outlets is one *event record* backed by ten *mentions*. Two
mentions are the same event when they have the same type, the same actor and target (by
knowledge-base id, else English name, else normalized mention; unordered for the symmetric
types), the same polarity, and compatible dates: equal, within a day of each other, one
containing the other (``2018-05`` and ``2018-05-14``), or one of them only the publication
date (the article gave none) within three days. Details that disagree (dates, places) are
kept side by side with their counts instead of being overwritten.

The same functions serve the in-memory :class:`Deduper` (exports from JSONL) and the store
(:mod:`rasid.events.store`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rasid.events.extract import SYMMETRIC
from rasid.text import normalize


def iso_published(value: Any) -> str | None:
    """The publication time as ISO 8601 (inputs may carry RFC 2822), for ordering reports."""
    if not value:
        return None
    from rasid.util.dates import parse_published

    return parse_published(value) or str(value)


def arg_key(arg: dict[str, Any] | None) -> str:
    if not arg:
        return ""
    if arg.get("id"):
        return str(arg["id"])
    if arg.get("name"):
        return str(arg["name"]).lower()
    words = normalize(arg.get("text") or "").split()
    # "فلاديمير بوتين" and "بوتين" are one person: the last word of a name is its key
    return words[-1] if words else ""


def event_key(ev: dict[str, Any], uid: str = "") -> str:
    """What must be equal for two mentions to be one event (dates aside).

    An event with neither actor nor target has too little identity to be matched across
    articles on type and date alone ("an attack in 2018"): it is matched only on the same
    place and the same day, else it stays its own record (``uid``: article id + index)."""
    a, t = arg_key(ev.get("actor")), arg_key(ev.get("target"))
    if ev["type"] in SYMMETRIC:
        a, t = sorted((a, t))
    neg = "neg" if ev.get("negated") else ""
    if not a and not t:
        place = ev.get("place") or {}
        pk = place.get("id") or place.get("name") or normalize(place.get("text") or "")
        day = (ev.get("date") or {}).get("value") or ""
        if pk and len(day) == 10 and (ev.get("date") or {}).get("source") != "published":
            return "|".join((ev["type"], "@" + pk, day, neg))
        return "|".join((ev["type"], "#" + uid, "", neg))
    return "|".join((ev["type"], a, t, neg))


def _day(v: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(v[:10]) if len(v) >= 10 else None
    except ValueError:
        return None


def dates_compatible(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    va, vb = (a or {}).get("value"), (b or {}).get("value")
    if not va or not vb:
        return True
    if va == vb or va.startswith(vb) or vb.startswith(va):
        return True
    da, db = _day(va), _day(vb)
    if da is None or db is None:
        return False
    slack = 3 if "published" in ((a or {}).get("source"), (b or {}).get("source")) else 1
    return abs((da - db).days) <= slack


@dataclass
class Mention:
    article_id: str
    index: int  # position in the article's events
    event: dict[str, Any]
    source: str | None
    url: str | None
    published: str | None


@dataclass
class EventRecord:
    key: str
    type: str
    mentions: list[Mention] = field(default_factory=list)

    def add(self, m: Mention) -> None:
        self.mentions.append(m)

    def matches(self, ev: dict[str, Any]) -> bool:
        return any(dates_compatible(ev.get("date"), m.event.get("date")) for m in self.mentions)

    def summary(self) -> dict[str, Any]:
        return summarize(self.key, self.type, self.mentions)


def _roles(ms: list[Mention], typ: str) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """(actor, target) per mention; for symmetric types in the first mention's order."""
    out = []
    first_actor = arg_key(ms[0].event.get("actor")) if ms else ""
    for m in ms:
        a, t = m.event.get("actor"), m.event.get("target")
        if typ in SYMMETRIC and first_actor and arg_key(t) == first_actor:
            a, t = t, a
        out.append((a, t))
    return out


def _best_arg(roles: list[tuple[Any, Any]], k: int) -> dict[str, Any] | None:
    args = [r[k] for r in roles if r[k]]
    if not args:
        return None
    # the most specific: known id/name first, then the longest mention
    return max(args, key=lambda a: (bool(a.get("id")), bool(a.get("name")), len(a.get("text") or "")))


def summarize(key: str, typ: str, ms: list[Mention]) -> dict[str, Any]:
    ms = sorted(ms, key=lambda m: (m.published or "9999", m.article_id))
    dates: Counter[str] = Counter()
    text_dates: Counter[str] = Counter()
    places: Counter[str] = Counter()
    place_info: dict[str, dict[str, Any]] = {}
    for m in ms:
        d = m.event.get("date") or {}
        if d.get("value"):
            dates[d["value"]] += 1
            if d.get("source") != "published":
                text_dates[d["value"]] += 1
        p = m.event.get("place")
        if p:
            pk = p.get("name") or p.get("text")
            places[pk] += 1
            place_info.setdefault(pk, p)
    # the date the articles state (most often; ties: earliest), else the first report's
    date = (min(text_dates.items(), key=lambda kv: (-kv[1], kv[0]))[0] if text_dates else
            min(dates.items(), key=lambda kv: (-kv[1], kv[0]))[0] if dates else None)
    place_key = min(places.items(), key=lambda kv: (-kv[1], kv[0]))[0] if places else None
    outlets = sorted({m.source for m in ms if m.source})
    roles = _roles(ms, typ)
    first = ms[0]
    return {
        "key": key, "type": typ,
        "actor": _best_arg(roles, 0), "target": _best_arg(roles, 1),
        "date": date, "dates": dict(dates),
        "place": place_info.get(place_key) if place_key else None, "places": dict(places),
        "negated": bool(first.event.get("negated")),
        "n_mentions": len(ms), "n_articles": len({m.article_id for m in ms}),
        "n_sources": len(outlets) or len({m.article_id for m in ms}),
        "outlets": outlets,
        "first_report": first.published, "first_url": first.url, "first_article": first.article_id,
        "mentions": [{"article_id": m.article_id, "index": m.index, "source": m.source,
                      "url": m.url, "published": m.published,
                      "trigger": (m.event.get("trigger") or {}).get("text"),
                      "date": (m.event.get("date") or {}).get("value"),
                      "place": (m.event.get("place") or {}).get("text")} for m in ms],
    }


class Deduper:
    """Fold the events of contract records into event records, in memory."""

    def __init__(self) -> None:
        self.records: list[EventRecord] = []
        self._by_key: dict[str, list[EventRecord]] = {}
        self.n_mentions = 0

    def add_record(self, rec: dict[str, Any]) -> None:
        published = iso_published(rec.get("published"))
        for i, ev in enumerate(rec.get("events") or []):
            self.add(Mention(rec.get("id") or "", i, ev, rec.get("source"), rec.get("url"),
                             published))

    def add(self, m: Mention) -> EventRecord:
        self.n_mentions += 1
        key = event_key(m.event, f"{m.article_id}#{m.index}")
        for r in self._by_key.get(key, ()):
            if r.matches(m.event):
                r.add(m)
                return r
        r = EventRecord(key, m.event["type"], [m])
        self.records.append(r)
        self._by_key.setdefault(key, []).append(r)
        return r

    def summaries(self) -> list[dict[str, Any]]:
        return [r.summary() for r in self.records]


def dedup(records: Iterable[dict[str, Any]]) -> Deduper:
    d = Deduper()
    for rec in records:
        d.add_record(rec)
    return d
