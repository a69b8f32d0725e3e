"""Read-only queries behind the web pages and their ``.json`` twins.

Every request opens its own read connection (``mode=ro``, ``query_only``): SQLite in WAL
mode lets any number of readers run beside the one writer, and a connection never
crosses threads. Functions take that connection and return plain JSON-ready dicts (the
API's shapes); the article record itself is the output contract's.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rasid.events.lexicon import PLOVER_TYPES
from rasid.events.store import event_summaries
from rasid.store.sqlite import match_expression, register_functions
from rasid.text.normalize import normalize
from rasid.web.markup import find_matches, make_snippet, query_terms

MAX_PER_PAGE = 100
#: the opening of an untitled article (the ``lead`` filter of the templates makes its words)
_LEAD = "CASE WHEN a.title IS NULL OR a.title = '' THEN substr(a.text, 1, 200) END AS lead"
#: co-occurring entities are counted over at most this many (latest stored) articles
COOCCUR_ARTICLES = 2000


@contextmanager
def connect(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one request."""
    uri = "file:" + urllib.parse.quote(str(Path(path).resolve())) + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA query_only=1")
        register_functions(con)  # rnorm(), longest()
        yield con
    finally:
        con.close()


def has_table(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?",
                       (name,)).fetchone() is not None


# -- entity keys --------------------------------------------------------------------------

@dataclass(frozen=True)
class EntityKey:
    """An entity page's id: a KB id (``Q7747``, ``geonames:170654``) or ``norm:<name>``
    for mentions nobody linked (grouped by their normalized form)."""

    kb_id: str | None
    norm: str | None

    @classmethod
    def parse(cls, s: str) -> EntityKey:
        if s.startswith("norm:"):
            return cls(None, normalize(s[5:]).strip())
        return cls(s, None)

    @classmethod
    def of(cls, kb_id: str | None, text: str) -> EntityKey:
        return cls(kb_id, None) if kb_id else cls(None, normalize(text).strip())

    def __str__(self) -> str:
        return self.kb_id if self.kb_id else f"norm:{self.norm}"

    def where(self, alias: str = "e") -> tuple[str, tuple[str, ...]]:
        """SQL condition on the entities table for this key."""
        if self.kb_id:
            return f"{alias}.kb_id = ?", (self.kb_id,)
        return f"{alias}.norm = ?", (self.norm or "",)

    def speaker_where(self, alias: str = "q") -> tuple[str, tuple[str, ...]]:
        if self.kb_id:
            return f"{alias}.speaker_id = ?", (self.kb_id,)
        # unlinked speakers: compared by normalized text (rnorm is registered per connection)
        return f"{alias}.speaker_id IS NULL AND rnorm({alias}.speaker_text) = ?", (self.norm or "",)


def entity_path(kb_id: str | None, text: str) -> str:
    return "/entities/" + urllib.parse.quote(str(EntityKey.of(kb_id, text)), safe=":")


def article_path(article_id: str) -> str:
    return "/articles/" + urllib.parse.quote(article_id, safe="")


# -- the knowledge base, when it is shipped -----------------------------------------------

@dataclass(frozen=True)
class KBInfo:
    id: str
    type: str
    name: str
    country: str
    lat: float | None
    lon: float | None
    ar: tuple[str, ...]
    en: tuple[str, ...]


@lru_cache(maxsize=1)
def _kb() -> dict[str, KBInfo]:
    """``rasid/resources/kb/kb.tsv.gz`` (built by ``rasid build kb``), read once; empty when
    the package has none, in which case pages show what the store alone knows."""
    try:
        ref = resources.files("rasid.resources") / "kb" / "kb.tsv.gz"
        if not ref.is_file():
            return {}
        raw = gzip.decompress(ref.read_bytes()).decode("utf-8")
    except (OSError, ModuleNotFoundError):
        return {}
    out: dict[str, KBInfo] = {}
    for line in raw.splitlines():
        if not line or line.startswith("#"):
            continue
        c = line.split("\t")
        if len(c) < 9:
            continue

        def num(s: str) -> float | None:
            try:
                return float(s) if s else None
            except ValueError:
                return None

        out[c[0]] = KBInfo(c[0], c[1], c[2], c[3], num(c[4]), num(c[5]),
                           tuple(x for x in c[7].split("|") if x), tuple(x for x in c[8].split("|") if x))
    return out


def kb_info(kb_id: str | None) -> KBInfo | None:
    return _kb().get(kb_id) if kb_id else None


# -- search -------------------------------------------------------------------------------

@dataclass
class SearchParams:
    q: str = ""
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    sort: str = "rank"  # rank | date
    page: int = 1
    per_page: int = 20

    def filters(self) -> dict[str, Any]:
        return {"source": self.source, "from": self.date_from, "to": self.date_to, "entity": self.entity}

    def active(self) -> bool:
        return bool(self.q.strip() or self.source or self.date_from or self.date_to or self.entity)


def _search_sql(p: SearchParams, match: str) -> tuple[str, str, list[Any]]:
    """FROM/WHERE clause, ORDER BY, and parameters of a search."""
    where: list[str] = []
    args: list[Any] = []
    if match:
        frm = "articles_fts f JOIN articles a ON a.rowid = f.rowid"
        where.append("articles_fts MATCH ?")
        args.append(match)
    else:
        frm = "articles a"
    # with a text query the FTS index must drive the join: unary + keeps SQLite from
    # walking the source/published index and testing MATCH row by row (seconds, not ms)
    col = "+a." if match else "a."
    if p.source:
        where.append(f"{col}source = ?")
        args.append(p.source)
    if p.date_from:
        where.append(f"{col}published >= ?")
        args.append(p.date_from)
    if p.date_to:
        # a date compares below its own timestamps: take the whole last day
        where.append("substr(a.published, 1, 10) <= ?")
        args.append(p.date_to[:10])
    if p.entity:
        cond, eargs = EntityKey.parse(p.entity).where("e")
        where.append(f"a.id IN (SELECT e.article_id FROM entities e WHERE {cond})")
        args.extend(eargs)
    sql = frm + (" WHERE " + " AND ".join(where) if where else "")
    if match and p.sort != "date":
        # title hits weigh more than body hits
        order = "bm25(articles_fts, 4.0, 1.0)"
    else:
        order = "a.published DESC, a.rowid DESC"
    return sql, order, args


def search(con: sqlite3.Connection, p: SearchParams) -> dict[str, Any]:
    """One page of results with snippets from the real text, and the total count."""
    match = match_expression(p.q) if p.q.strip() else ""
    per = max(1, min(p.per_page, MAX_PER_PAGE))
    page = max(1, p.page)
    out: dict[str, Any] = {"query": p.q, "filters": p.filters(), "sort": p.sort, "page": page,
                           "per_page": per, "total": 0, "results": []}
    if p.q.strip() and not match:
        return out  # only punctuation: nothing can match
    if not p.active():
        return out
    frm, order, args = _search_sql(p, match)
    filtered = len(args) > (1 if match else 0)
    by_rank = bool(match) and p.sort != "date"
    # Only the page's ids are ranked and sorted; the page's rows are read afterwards
    # (sorting joined rows would drag every match's row, text included, through the sorter).
    if match and not filtered:
        out["total"] = con.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                                   (match,)).fetchone()[0]
    else:
        out["total"] = con.execute(f"SELECT count(*) FROM {frm}", args).fetchone()[0]
    if by_rank and not filtered:
        inner = ("SELECT rowid AS rid, bm25(articles_fts, 4.0, 1.0) AS k FROM articles_fts"
                 " WHERE articles_fts MATCH ? ORDER BY k LIMIT ? OFFSET ?")
    else:
        key = "bm25(articles_fts, 4.0, 1.0)" if by_rank else "a.published"
        inner = f"SELECT a.rowid AS rid, {key} AS k FROM {frm} ORDER BY {order} LIMIT ? OFFSET ?"
    rows = con.execute(
        "SELECT a.id, a.title, a.source, a.published, a.url, a.text, a.story"
        f" FROM ({inner}) p JOIN articles a ON a.rowid = p.rid ORDER BY {'p.k' if by_rank else 'p.k DESC, a.rowid DESC'}",
        [*args, per, (page - 1) * per]).fetchall()
    terms = query_terms(p.q) if match else frozenset()
    for r in rows:
        text = r["text"] or ""
        matches = find_matches(text, terms)
        snip = make_snippet(text, matches)
        title = r["title"] or ""
        out["results"].append({
            "id": r["id"], "title": r["title"], "source": r["source"], "published": r["published"],
            "url": r["url"], "story": r["story"], "lead": None if title else _lead(text),
            "snippet": snip.text, "highlights": [list(h) for h in snip.highlights],
            "title_highlights": [list(h) for h in find_matches(title, terms)],
            "matches": [{"start": s, "end": e} for s, e in matches[:50]],
            "n_matches": len(matches),
        })
    out["pages"] = (out["total"] + per - 1) // per
    return out


def _lead(text: str, n: int = 90) -> str:
    """The opening words of an untitled article, to show in its place."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= n else line[: line.rfind(" ", 0, n) if " " in line[:n] else n] + " …"


def search_rowids(con: sqlite3.Connection, p: SearchParams, limit: int = 1000) -> list[str]:
    """Ids of the best ``limit`` matches (for the map of a search)."""
    match = match_expression(p.q) if p.q.strip() else ""
    if (p.q.strip() and not match) or not p.active():
        return []
    frm, order, args = _search_sql(p, match)
    return [r[0] for r in con.execute(f"SELECT a.id FROM {frm} ORDER BY {order} LIMIT ?", [*args, limit])]


def _stamp(path: str) -> tuple[float, ...]:
    # the database changed when its file or its write-ahead log did
    return tuple(Path(path + sfx).stat().st_mtime if Path(path + sfx).exists() else 0.0
                 for sfx in ("", "-wal"))


@lru_cache(maxsize=8)
def _sources_cached(path: str, stamp: tuple[float, ...]) -> list[dict[str, Any]]:
    with connect(path) as con:
        return [dict(r) for r in con.execute(
            "SELECT source, count(*) AS articles FROM articles WHERE source IS NOT NULL"
            " GROUP BY source ORDER BY articles DESC LIMIT 200")]


def sources(path: str) -> list[dict[str, Any]]:
    """Sources for the filter menu; cached until the database changes."""
    return _sources_cached(path, _stamp(path))


# -- articles -----------------------------------------------------------------------------

def article_row(con: sqlite3.Connection, article_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = con.execute(
        "SELECT id, title, source, url, published, published_inferred, author, text, record, format,"
        " origin, stages, duplicate_of, story, ingested_at, n_tokens FROM articles WHERE id = ?",
        (article_id,)).fetchone()
    return row


def record_of(row: sqlite3.Row) -> dict[str, Any]:
    """The contract record (the store keeps it as JSON beside the text column)."""
    from rasid.store.sqlite import _record

    return _record(row["record"], row["text"])


def raw_of(con: sqlite3.Connection, article_id: str) -> str | None:
    row = con.execute("SELECT raw FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else (row[0] or "")


def article_meta(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in ("format", "origin", "stages", "ingested_at", "n_tokens")}


# -- places and the map -------------------------------------------------------------------

def places_for(con: sqlite3.Connection, article_ids: list[str] | None) -> list[dict[str, Any]]:
    """Places mentioned in these articles (``None``: in the whole store), one point per
    place with counts: the places table (the places stage), plus LOC entities whose KB
    entry has coordinates."""
    points: dict[str, dict[str, Any]] = {}
    chunks: list[list[str]] = [[]] if article_ids is None else \
        [article_ids[i:i + 500] for i in range(0, len(article_ids), 500)]
    for ids in chunks:
        within = f"article_id IN ({','.join('?' * len(ids))}) AND" if ids else ""
        for r in con.execute(
                "SELECT coalesce(place_id, name, text) AS key, place_id, max(name) AS name, min(text) AS text,"
                " avg(lat) AS lat, avg(lon) AS lon, max(country) AS country, count(*) AS mentions,"
                f" count(DISTINCT article_id) AS articles FROM places WHERE {within}"
                " lat IS NOT NULL AND lon IS NOT NULL GROUP BY key", ids):
            _add_point(points, r["key"], r["place_id"], r["name"], r["text"], r["lat"], r["lon"],
                       r["country"], r["mentions"], r["articles"])
        if _kb():
            for r in con.execute(
                    "SELECT kb_id, max(name) AS name, min(text) AS text, count(*) AS mentions,"
                    f" count(DISTINCT article_id) AS articles FROM entities WHERE {within}"
                    " kb_id IS NOT NULL AND type = 'LOC' GROUP BY kb_id", ids):
                info = kb_info(r["kb_id"])
                if info and info.lat is not None and info.lon is not None:
                    _add_point(points, r["kb_id"], r["kb_id"], r["name"] or info.name, r["text"],
                               info.lat, info.lon, info.country, r["mentions"], r["articles"])
    return sorted(points.values(), key=lambda p: (-p["mentions"], p["name"] or ""))


def _add_point(points: dict[str, dict[str, Any]], key: str, pid: str | None, name: str | None,
               text: str | None, lat: float, lon: float, country: str | None, mentions: int,
               articles: int) -> None:
    p = points.get(key)
    if p is None:
        points[key] = {"id": pid, "name": name, "text": text, "lat": round(lat, 4), "lon": round(lon, 4),
                       "country": country, "mentions": mentions, "articles": articles,
                       "href": entity_path(pid, text or "") if pid else "/search?q=" + urllib.parse.quote(text or "")}
    else:
        # the same place from the places stage and from entity linking: counted once
        p["mentions"] = max(p["mentions"], mentions)
        p["articles"] = max(p["articles"], articles)


# -- entities -----------------------------------------------------------------------------

def entity(con: sqlite3.Connection, key: EntityKey, *, limit: int = 100) -> dict[str, Any] | None:
    cond, args = key.where("e")
    variants = [dict(r) for r in con.execute(
        f"SELECT e.text, count(*) AS mentions FROM entities e WHERE {cond} GROUP BY e.text ORDER BY 2 DESC",
        args)]
    quotes = quotes_by(con, key, limit=limit)
    info = kb_info(key.kb_id)
    if not variants and not quotes and info is None:
        return None
    names = [dict(r) for r in con.execute(
        f"SELECT e.name, e.type, count(*) AS n FROM entities e WHERE {cond} GROUP BY e.name, e.type"
        " ORDER BY n DESC", args)]
    name = next((n["name"] for n in names if n["name"]), None) or (info.name if info else None)
    etype = names[0]["type"] if names else (info.type if info else None)
    linked_as = sorted({r[0] for r in con.execute(
        f"SELECT DISTINCT e.kb_id FROM entities e WHERE {cond} AND e.kb_id IS NOT NULL", args)}) \
        if key.norm is not None else []
    n_articles = con.execute(f"SELECT count(DISTINCT e.article_id) FROM entities e WHERE {cond}", args).fetchone()[0]
    scond, sargs = key.speaker_where("q")
    n_quotes = con.execute(f"SELECT count(*) FROM quotes q WHERE {scond}", sargs).fetchone()[0]
    articles = [dict(r) for r in con.execute(
        f"SELECT a.id, a.title, a.source, a.published, m.mentions, {_LEAD} FROM"
        f" (SELECT e.article_id, count(*) AS mentions FROM entities e WHERE {cond} GROUP BY e.article_id) m"
        " JOIN articles a ON a.id = m.article_id ORDER BY a.published DESC LIMIT ?", [*args, limit])]
    co = [dict(r) for r in con.execute(
        "SELECT coalesce(o.kb_id, 'norm:' || o.norm) AS id, max(o.name) AS name, longest(o.text) AS text,"
        " max(o.type) AS type, count(DISTINCT o.article_id) AS articles FROM entities o"
        # counted over the latest COOCCUR_ARTICLES articles that mention it: bounded work
        # for the most frequent entities of a large store
        f" WHERE o.article_id IN (SELECT e.article_id FROM entities e WHERE {cond}"
        " GROUP BY e.article_id ORDER BY max(e.rowid) DESC LIMIT ?)"
        " GROUP BY 1 ORDER BY articles DESC LIMIT 31", [*args, COOCCUR_ARTICLES])]
    co = [c for c in co if c["id"] != str(key)][:30]
    for c in co:
        c["href"] = "/entities/" + urllib.parse.quote(c["id"], safe=":")
    n_events, evs = events_of(con, entity=key, limit=limit)
    return {
        "id": str(key),
        "kb_id": key.kb_id,
        "name": name,
        "type": etype,
        "variants": variants,
        "kb": None if info is None else {"name": info.name, "type": info.type, "country": info.country,
                                         "lat": info.lat, "lon": info.lon, "ar": list(info.ar),
                                         "en": list(info.en)},
        "linked_as": linked_as,
        "mentions": sum(v["mentions"] for v in variants),
        "n_articles": n_articles,
        "n_quotes": n_quotes,
        "quotes": quotes,
        "articles": articles,
        "cooccurring": co,
        "n_events": n_events,
        "events": evs,
    }


def entity_label(con: sqlite3.Connection, key: EntityKey) -> str | None:
    cond, args = key.where("e")
    row = con.execute(f"SELECT coalesce(max(e.name), longest(e.text)) FROM entities e WHERE {cond}", args).fetchone()
    return row[0] if row and row[0] else (key.norm or key.kb_id)


def quotes_by(con: sqlite3.Connection, key: EntityKey, *, limit: int = 200) -> list[dict[str, Any]]:
    """Quotes of this speaker, oldest first, each in the contract's quote shape plus the
    article it is from."""
    scond, sargs = key.speaker_where("q")
    rows = con.execute(
        "SELECT q.*, a.title, a.published, a.source FROM quotes q JOIN articles a ON a.id = q.article_id"
        f" WHERE {scond} ORDER BY a.published, q.article_id, q.start LIMIT ?", [*sargs, limit])
    return [_quote(r) for r in rows]


def _quote(r: sqlite3.Row) -> dict[str, Any]:
    sp = None
    if r["speaker_text"] is not None:
        sp = {"text": r["speaker_text"], "start": r["speaker_start"], "end": r["speaker_end"],
              "id": r["speaker_id"], "name": r["speaker_name"]}
    return {"article": {"id": r["article_id"], "title": r["title"], "published": r["published"],
                        "source": r["source"]},
            "start": r["start"], "end": r["end"], "content": r["content"], "kind": r["kind"],
            "cue": r["cue"], "speaker": sp}


def timeline(con: sqlite3.Connection, key: EntityKey, *, limit: int = 500) -> list[dict[str, Any]]:
    """Dated statements (quotes by the entity), events (it is the actor or target) and
    mentions (articles naming it), in order. A statement is dated by its article's
    publication, with the absolute dates written inside the quote listed with it; an event
    by its own date (the one its reports state most often)."""
    items: list[dict[str, Any]] = []
    for q in quotes_by(con, key, limit=limit):
        refs = [dict(r) for r in con.execute(
            'SELECT text, value FROM dates WHERE article_id = ? AND start >= ? AND "end" <= ?'
            " AND value IS NOT NULL ORDER BY start", (q["article"]["id"], q["start"], q["end"]))]
        items.append({"date": (q["article"]["published"] or "")[:10] or None, "kind": "quote",
                      "article": q["article"], "quote": {k: q[k] for k in ("start", "end", "content", "kind",
                                                                           "cue", "speaker")},
                      "dates": refs})
    quoted = {i["article"]["id"] for i in items}
    cond, args = key.where("e")
    for r in con.execute(
            "SELECT a.id, a.title, a.published, a.source, m.mentions, m.first FROM"
            f" (SELECT e.article_id, count(*) AS mentions, min(e.start) AS first FROM entities e WHERE {cond}"
            " GROUP BY e.article_id) m JOIN articles a ON a.id = m.article_id ORDER BY a.published LIMIT ?",
            [*args, limit]):
        if r["id"] in quoted:
            continue
        items.append({"date": (r["published"] or "")[:10] or None, "kind": "mention",
                      "article": {"id": r["id"], "title": r["title"], "published": r["published"],
                                  "source": r["source"]},
                      "mentions": r["mentions"], "first": r["first"]})
    for ev in events_of(con, entity=key, limit=limit)[1]:
        first = ev["mentions"][0] if ev["mentions"] else {}
        items.append({"date": ev["date"], "kind": "event",
                      "article": {"id": ev["first_article"], "title": ev["first_title"],
                                  "published": ev["first_report"], "source": first.get("source")},
                      "event": ev})
    items.sort(key=lambda i: (i["date"] or "9999", i["article"]["published"] or "", i["kind"]))
    return items


# -- events -------------------------------------------------------------------------------

#: the PLOVER types with an Arabic label each (the codes are the data; labels are for readers)
EVENT_TYPES: dict[str, str] = dict(zip(PLOVER_TYPES, (
    "اتفاق", "تشاور", "تأييد", "تنازل", "تعاون", "مساعدة", "انسحاب", "مطالبة",
    "اتهام", "رفض", "تهديد", "احتجاج", "عقوبات", "تعبئة", "إكراه", "اعتداء"), strict=True))
#: characters of article text shown on each side of an event's trigger
EVENT_CONTEXT = 90


@dataclass
class EventParams:
    type: str | None = None
    actor: str | None = None
    place: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    sort: str = "sources"  # sources (most reported first) | date
    page: int = 1
    per_page: int = 20

    def filters(self) -> dict[str, Any]:
        return {"type": self.type, "actor": self.actor, "place": self.place, "from": self.date_from,
                "to": self.date_to, "entity": self.entity}


def has_events(con: sqlite3.Connection) -> bool:
    """Whether the store has the events tables (schema migration 4)."""
    return has_table(con, "event_mentions") and has_table(con, "event_records")


def events(con: sqlite3.Connection, p: EventParams, path: str) -> dict[str, Any]:
    """One page of deduplicated events (``rasid.events.store.event_summaries``: the query
    ``rasid events`` runs), each with its first report's title and trigger in context.

    Listing every event means summarizing every record (about a second per 20,000
    mentions), so the order of a filter's events is kept until the database changes and a
    page summarizes only its own events."""
    per = max(1, min(p.per_page, MAX_PER_PAGE))
    page = max(1, p.page)
    out: dict[str, Any] = {"filters": p.filters(), "sort": p.sort, "page": page, "per_page": per,
                           "pages": 0, "total": 0, "events": []}
    if not has_events(con):
        return out
    order = _event_order(path, _stamp(path), p.type, p.actor, p.place, p.date_from, p.date_to,
                         str(EntityKey.parse(p.entity)) if p.entity else None, p.sort)
    out["total"] = len(order)
    out["pages"] = (len(order) + per - 1) // per
    ids = order[(page - 1) * per: page * per]
    by_id = {s["record_id"]: s for s in event_summaries(con, records=ids)} if ids else {}
    out["events"] = with_context(con, [by_id[i] for i in ids if i in by_id])
    return out


@lru_cache(maxsize=32)
def _event_order(path: str, stamp: tuple[float, ...], type: str | None, actor: str | None, place: str | None,
                 since: str | None, until: str | None, entity: str | None, sort: str) -> tuple[int, ...]:
    with connect(path) as con:
        return tuple(s["record_id"] for s in event_summaries(
            con, type=type, actor=actor, place=place, since=since, until=until, entity=entity, sort=sort))


def events_of(con: sqlite3.Connection, *, articles: list[str] | None = None, entity: EntityKey | None = None,
              limit: int = 200) -> tuple[int, list[dict[str, Any]]]:
    """(how many, the first ``limit``) events reported in these articles or with this
    entity as actor or target, in date order (a story's or an entity's events)."""
    if not has_events(con) or (articles is not None and not articles):
        return 0, []
    sums = event_summaries(con, articles=articles, entity=str(entity) if entity else None, sort="date")
    return len(sums), with_context(con, sums[:limit])


def with_context(con: sqlite3.Connection, sums: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add to each event its mentions' article titles, ``first_title``, and ``context``: the
    first report's sentence around the trigger (``highlights``: the trigger within it)."""
    if not sums:
        return sums
    ids = sorted({m["article_id"] for s in sums for m in s["mentions"]})
    titles: dict[str, str | None] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        titles.update((r[0], r[1]) for r in con.execute(
            f"SELECT id, title FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    for s in sums:
        for m in s["mentions"]:
            m["title"] = titles.get(m["article_id"])
        first = s["mentions"][0] if s["mentions"] else None
        s["first_title"] = titles.get(s["first_article"])
        s["context"] = _trigger_context(con, first["article_id"], first["index"]) if first else None
    return sums


def _trigger_context(con: sqlite3.Connection, article_id: str, idx: int) -> dict[str, Any] | None:
    # only the window is read from the text (substr counts characters, 1-based)
    row = con.execute("SELECT trigger, trigger_start, trigger_end FROM event_mentions WHERE article_id=? AND idx=?",
                      (article_id, idx)).fetchone()
    if row is None or row[1] is None or row[2] is None:
        return None
    trig, ts, te = row[0] or "", int(row[1]), int(row[2])
    lo = max(0, ts - EVENT_CONTEXT)
    want = te + EVENT_CONTEXT - lo
    got = con.execute("SELECT substr(text, ?, ?) FROM articles WHERE id=?", (lo + 1, want, article_id)).fetchone()
    if got is None or not got[0]:
        return None
    window: str = got[0]
    s, e = ts - lo, te - lo
    if window[s:e] != trig:  # the text changed under the stored offsets: no context rather than a wrong one
        return None
    start, end = 0, len(window)
    if lo > 0:  # the window may start mid-word
        sp = window.find(" ", 0, s)
        start = sp + 1 if sp >= 0 else 0
    nl = window.rfind("\n", start, s)  # within the trigger's paragraph
    start = nl + 1 if nl >= 0 else start
    nl = window.find("\n", e)
    if nl >= 0:
        end = nl
    elif len(window) == want:  # the window may end mid-word
        sp = window.rfind(" ", e)
        end = sp if sp >= e else end
    pre = "… " if lo + start > 0 and window[start - 1:start] != "\n" else ""
    post = " …" if (end < len(window) and window[end] != "\n") or (end == len(window) == want) else ""
    return {"text": pre + window[start:end] + post,
            "highlights": [[s - start + len(pre), e - start + len(pre)]]}


def event_places(sums: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where these events happened, one point per place with the number of events there
    (by the place their reports give most often), for the map's events layer."""
    points: dict[str, dict[str, Any]] = {}
    for s in sums:
        pl = s.get("place") or {}
        if pl.get("lat") is None or pl.get("lon") is None:
            continue
        key = pl.get("id") or pl.get("name") or normalize(pl.get("text") or "")
        pt = points.get(key)
        if pt is None:
            # the events page's place filter matches id, English name or text
            q = pl.get("id") or pl.get("name") or pl.get("text") or ""
            pt = points[key] = {"id": pl.get("id"), "name": pl.get("name"), "text": pl.get("text"),
                                "lat": round(float(pl["lat"]), 4), "lon": round(float(pl["lon"]), 4),
                                "country": pl.get("country"), "events": 0, "reports": 0, "types": {},
                                "href": "/events?" + urllib.parse.urlencode({"place": q})}
        pt["events"] += 1
        pt["reports"] += s["n_mentions"]
        pt["types"][s["type"]] = pt["types"].get(s["type"], 0) + 1
    for pt in points.values():
        pt["types"] = dict(sorted(pt["types"].items(), key=lambda kv: (-kv[1], kv[0])))
    return sorted(points.values(), key=lambda p: (-p["events"], p["name"] or p["text"] or ""))


def event_places_for(con: sqlite3.Connection, article_ids: list[str] | None, path: str) -> list[dict[str, Any]]:
    """Event places of the events reported in these articles (``None``: the whole store,
    kept until the database changes)."""
    if not has_events(con) or (article_ids is not None and not article_ids):
        return []
    if article_ids is None:
        return _all_event_places(path, _stamp(path))
    return event_places(event_summaries(con, articles=article_ids))


@lru_cache(maxsize=4)
def _all_event_places(path: str, stamp: tuple[float, ...]) -> list[dict[str, Any]]:
    with connect(path) as con:
        return event_places(event_summaries(con))


# -- stories ------------------------------------------------------------------------------

def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r["name"] for r in con.execute(f"PRAGMA table_info({table})")]


#: columns of the stories table that are the clusterer's internal state, not for display
_STORY_HIDDEN = frozenset({"state", "centroid", "sig"})


def stories(con: sqlite3.Connection, *, limit: int = 100) -> dict[str, Any]:
    """Stories, largest and latest first: the ``stories`` table when the store has one
    (schema migration 2, the stories stage), and groups of ``articles.story``."""
    rows: dict[str, dict[str, Any]] = {}
    table = has_table(con, "stories") and {"id", "size"} <= set(cols := _columns(con, "stories"))
    if table:
        label = "label" if "label" in cols else "NULL"
        first = "first" if "first" in cols else "NULL"
        last = "last" if "last" in cols else "NULL"
        for r in con.execute(f"SELECT id, {label} AS title, {first} AS first, {last} AS last, size AS articles"
                             f" FROM stories ORDER BY size DESC, {last} DESC LIMIT ?", (limit,)):
            rows[r["id"]] = dict(r)
    for r in con.execute(
            "SELECT story AS id, count(*) AS articles, min(published) AS first, max(published) AS last,"
            " max(title) AS title FROM articles WHERE story IS NOT NULL GROUP BY story"
            " ORDER BY articles DESC, last DESC LIMIT ?", (limit,)):
        rows.setdefault(r["id"], dict(r))
    ordered = sorted(rows.values(), key=lambda r: r["last"] or "", reverse=True)
    ordered.sort(key=lambda r: -(r["articles"] or 0))  # stable: latest first among equals
    return {"stories_table": bool(table), "stories": ordered[:limit]}


def story(con: sqlite3.Connection, story_id: str, *, limit: int = 500) -> dict[str, Any] | None:
    """A story's articles in publication order, the statements made in them, the dates
    they mention and the events they report (in date order). Membership: ``articles.story``, and ``story_members`` when present."""
    info: dict[str, Any] | None = None
    if has_table(con, "stories") and "id" in _columns(con, "stories"):
        row = con.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is not None:
            # shown as stored, minus the clusterer's internal state
            # (a sqlite3.Row iterates over values: keys() is needed)
            info = {k: row[k] for k in row.keys()  # noqa: SIM118
                    if k not in _STORY_HIDDEN and not isinstance(row[k], bytes)}
    members = "SELECT article_id FROM story_members WHERE story_id = ?" if has_table(con, "story_members") else None
    where = "a.story = ?" + (f" OR a.id IN ({members})" if members else "")
    args: list[Any] = [story_id, story_id] if members else [story_id]
    articles = [dict(r) for r in con.execute(
        f"SELECT a.id, a.title, a.source, a.published, a.duplicate_of, {_LEAD} FROM articles a WHERE {where}"
        " ORDER BY a.published, a.rowid LIMIT ?", [*args, limit])]
    if info is None and not articles:
        return None
    ids = [a["id"] for a in articles]
    statements: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    if ids:
        marks = ",".join("?" * len(ids))
        statements = [_quote(r) for r in con.execute(
            "SELECT q.*, a.title, a.published, a.source FROM quotes q JOIN articles a ON a.id = q.article_id"
            f" WHERE q.article_id IN ({marks}) ORDER BY a.published, q.article_id, q.start LIMIT 500", ids)]
        dates = [dict(r) for r in con.execute(
            "SELECT d.value, d.text, d.article_id, a.title FROM dates d JOIN articles a ON a.id = d.article_id"
            f" WHERE d.article_id IN ({marks}) AND d.value IS NOT NULL ORDER BY d.value, a.published LIMIT 500",
            ids)]
    n_events, evs = events_of(con, articles=ids, limit=limit)
    return {"id": story_id, "story": info, "articles": articles, "statements": statements,
            "dates": dates, "n_events": n_events, "events": evs}


# -- overview -----------------------------------------------------------------------------

def overview(path: str) -> dict[str, Any]:
    """What the store holds (the home page); cached until the database changes."""
    return _overview_cached(path, _stamp(path))


@lru_cache(maxsize=8)
def _overview_cached(path: str, stamp: tuple[float, ...]) -> dict[str, Any]:
    with connect(path) as con:
        return _overview(con)


def _overview(con: sqlite3.Connection) -> dict[str, Any]:
    q = con.execute
    return {
        "articles": q("SELECT count(*) FROM articles").fetchone()[0],
        "published": dict(q("SELECT min(published) AS first, max(published) AS last FROM articles").fetchone()),
        "top_speakers": [dict(r) for r in q(
            "SELECT coalesce(speaker_id, 'norm:' || rnorm(speaker_text)) AS id,"
            " coalesce(max(speaker_name), min(speaker_text)) AS name, count(*) AS quotes FROM quotes"
            " WHERE speaker_text IS NOT NULL GROUP BY 1 ORDER BY quotes DESC LIMIT 15")],
        "top_entities": [dict(r) for r in q(
            "SELECT coalesce(kb_id, 'norm:' || norm) AS id, coalesce(max(name), longest(text)) AS name,"
            " max(type) AS type, count(*) AS mentions FROM entities GROUP BY 1 ORDER BY mentions DESC LIMIT 15")],
        "sources": [dict(r) for r in q(
            "SELECT source, count(*) AS articles FROM articles GROUP BY source ORDER BY articles DESC LIMIT 20")],
        "quotes": q("SELECT count(*) FROM quotes").fetchone()[0],
        "entities": q("SELECT count(*) FROM entities").fetchone()[0],
        "places": q("SELECT count(*) FROM places").fetchone()[0],
        "events": q("SELECT count(DISTINCT record) FROM event_mentions").fetchone()[0] if has_events(con) else 0,
        "has_stories": q("SELECT 1 FROM articles WHERE story IS NOT NULL LIMIT 1").fetchone() is not None
        or (has_table(con, "stories") and q("SELECT 1 FROM stories LIMIT 1").fetchone() is not None),
    }


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
