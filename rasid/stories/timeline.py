"""Timelines of a story or an entity: dated statements and dated mentions, in order, each
pointing back to its source span (article id, start, end), and facts counted once.

A statement is a quote with its speaker. Its date is the resolved date expression nearest
before it, in its reporting clause ("قال لافروف يوم السبت إن ...", within DATE_WINDOW characters) and
otherwise the article's publication date; ``date_source`` says which. Wire copy republished
by several outlets says the same thing several times: statements of one duplicate group
with the same speaker and the same words are one fact, listed once with the outlets that
carried it (:func:`statements_once`).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from rasid.text.normalize import normalize

#: how far before a quote (characters) a date expression may stand and still date it
DATE_WINDOW = 120
_WORD = re.compile(r"\w+")
_EXACT = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class Item:
    date: str | None
    kind: str                     # statement | mention | article
    article_id: str
    start: int
    end: int
    text: str
    date_source: str = "published"  # text | published
    speaker: dict[str, Any] | None = None
    entity: dict[str, Any] | None = None
    source: str | None = None
    #: outlets and articles that carried the same fact (duplicates counted once)
    outlets: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


def _content_key(text: str, n: int = 12) -> str:
    return " ".join(_WORD.findall(normalize(text))[:n])


def _speaker_key(r: sqlite3.Row) -> str:
    return r["speaker_id"] or normalize(r["speaker_name"] or r["speaker_text"] or "")


def _date_of(dates: list[sqlite3.Row], start: int, published: str | None) -> tuple[str | None, str]:
    best = None
    for d in dates:
        # in the reporting clause before the words: a date inside them dates their content
        if (d["value"] and _EXACT.match(d["value"]) and start - DATE_WINDOW <= d["start"] and d["end"] <= start
                and (best is None or d["start"] > best["start"])):
            best = d
    if best is not None:
        return best["value"], "text"
    return (published[:10] if published else None), "published"


def _dates_by_article(db: sqlite3.Connection, ids: list[str]) -> dict[str, list[sqlite3.Row]]:
    out: dict[str, list[sqlite3.Row]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        q = f'SELECT article_id, start, "end", text, value FROM dates WHERE article_id IN ({",".join("?" * len(chunk))})'
        for r in db.execute(q, chunk):
            out.setdefault(r["article_id"], []).append(r)
    return out


def statements_once(db: sqlite3.Connection, where: str = "1", params: tuple[Any, ...] = ()) -> list[Item]:
    """Quotes (with the article columns ``a.*`` usable in ``where``), dated, one per fact:
    the same words by the same speaker in articles of one duplicate group are one Item
    with every outlet and article that carried it."""
    db.row_factory = sqlite3.Row
    rows = db.execute(
        'SELECT q.article_id, q.start, q."end", q.content, q.kind, q.cue, q.speaker_text, q.speaker_start,'
        ' q.speaker_end, q.speaker_id, q.speaker_name, a.published, a.source,'
        ' coalesce(a.duplicate_of, a.id) AS grp'
        f' FROM quotes q JOIN articles a ON a.id = q.article_id WHERE {where}'
        " ORDER BY a.rowid, q.start", params).fetchall()
    dates = _dates_by_article(db, sorted({r["article_id"] for r in rows}))
    facts: dict[tuple[str, str, str], Item] = {}
    for r in rows:
        key = (r["grp"], _speaker_key(r), _content_key(r["content"]))
        item = facts.get(key)
        if item is None:
            date, how = _date_of(dates.get(r["article_id"], []), r["start"], r["published"])
            speaker = None
            if r["speaker_text"] is not None:
                speaker = {"text": r["speaker_text"], "start": r["speaker_start"], "end": r["speaker_end"],
                           "id": r["speaker_id"], "name": r["speaker_name"]}
            item = facts[key] = Item(date, "statement", r["article_id"], r["start"], r["end"], r["content"],
                                     how, speaker=speaker, source=r["source"])
        if r["article_id"] not in item.articles:
            item.articles.append(r["article_id"])
            if r["source"] and r["source"] not in item.outlets:
                item.outlets.append(r["source"])
    return list(facts.values())


def _order(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda it: (it.date is None, it.date or "", it.article_id, it.start))


def lead(text: str, words: int = 10) -> str:
    """The opening words of a text (its first line, at most ``words`` words), with "…" when cut:
    what stands for the headline of an article that has none."""
    first = text.strip().split("\n", 1)[0].split()
    return " ".join(first[:words]) + ("…" if len(first) > words or "\n" in text.strip() else "")


def story_timeline(db: sqlite3.Connection, story_id: str, mentions: bool = True) -> dict[str, Any] | None:
    """A story: its label, dates, articles (duplicates marked) and timeline."""
    db.row_factory = sqlite3.Row
    row = db.execute("SELECT id, label, first, last, size FROM stories WHERE id=?", (story_id,)).fetchone()
    if row is None:
        row = db.execute("SELECT id, label, first, last, size FROM stories WHERE id LIKE ? LIMIT 2",
                         (story_id + "%",)).fetchall()
        row = row[0] if len(row) == 1 else None
    if row is None:
        return None
    sid = row["id"]
    arts = [dict(r) for r in db.execute(
        "SELECT a.id, a.title, a.source, a.published, a.url, a.duplicate_of, m.via, m.score,"
        " substr(a.text, 1, 200) AS lead"
        " FROM story_members m JOIN articles a ON a.id = m.article_id WHERE m.story_id=?"
        " ORDER BY coalesce(a.published, '9999'), a.rowid", (sid,))]
    for a in arts:  # an untitled article is shown by its opening words
        a["lead"] = lead(a["lead"] or "")
    items = statements_once(db, "a.story = ?", (sid,))
    originals = [a["id"] for a in arts if not a["duplicate_of"]]
    for a in arts:
        items.append(Item(a["published"][:10] if a["published"] else None, "article", a["id"], 0, 0,
                          a["title"] or a["lead"], "published", source=a["source"]))
    if mentions:
        # dated mentions: resolved date expressions of the original articles (not the copies)
        for aid, rows in _dates_by_article(db, originals).items():
            for d in rows:
                if d["value"]:
                    items.append(Item(d["value"], "mention", aid, d["start"], d["end"], d["text"], "text"))
    return {"id": sid, "label": row["label"], "first": row["first"], "last": row["last"],
            "size": row["size"], "articles": arts, "timeline": [it.to_dict() for it in _order(items)]}


def entity_timeline(db: sqlite3.Connection, entity: str, limit: int = 500) -> dict[str, Any]:
    """An entity (KB id, English name or Arabic name): its statements and its mentions,
    dated, in order. Mentions in copies of an article already listed are left out."""
    db.row_factory = sqlite3.Row
    norm = normalize(entity)
    ents = db.execute(
        'SELECT e.article_id, e.start, e."end", e.text, e.type, e.kb_id, e.name, a.published, a.source'
        " FROM entities e JOIN articles a ON a.id = e.article_id"
        " WHERE (e.kb_id = ? OR e.name = ? OR e.norm = ?) AND a.duplicate_of IS NULL"
        " ORDER BY coalesce(a.published, '9999'), a.rowid, e.start LIMIT ?",
        (entity, entity, norm, limit)).fetchall()
    ids = {r["kb_id"] for r in ents if r["kb_id"]}
    names = {r["name"] for r in ents if r["name"]}
    cond = "(q.speaker_id = ? OR q.speaker_name = ?"
    params: list[Any] = [entity, entity]
    for i in sorted(ids):
        cond += " OR q.speaker_id = ?"
        params.append(i)
    cond += ")"
    items = statements_once(db, cond, tuple(params))
    # an unlinked speaker named as asked: compare normalized texts in Python (few rows)
    if not items or not ids:
        extra = [it for it in statements_once(db, "q.speaker_id IS NULL AND q.speaker_text IS NOT NULL")
                 if it.speaker and normalize(it.speaker["text"]).endswith(norm)]
        items.extend(extra)
    seen: set[tuple[str, int]] = set()
    for r in ents:
        if (r["article_id"], r["start"]) in seen:
            continue
        seen.add((r["article_id"], r["start"]))
        items.append(Item(r["published"][:10] if r["published"] else None, "mention", r["article_id"],
                          r["start"], r["end"], r["text"], "published",
                          entity={"type": r["type"], "id": r["kb_id"], "name": r["name"]}, source=r["source"]))
    return {"entity": entity, "ids": sorted(ids), "names": sorted(names),
            "timeline": [it.to_dict() for it in _order(items)][:limit]}
