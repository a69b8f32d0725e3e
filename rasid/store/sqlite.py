"""SQLite store: one writer (the process that analyzes), any number of readers.

Schema and numbered migrations live in ``schema.sql``; ``PRAGMA user_version`` records
what has been applied. Writes of one article (its row and all its annotations) happen
in one transaction, so a crash never leaves half an article.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from rasid.doc import Article, Doc, group_heads
from rasid.errors import StoreError
from rasid.text.normalize import CLITIC_CLUSTER, normalize

_MIGRATION = re.compile(r"^-- migration: (\d+)\s*$", re.MULTILINE)


def _migrations() -> list[tuple[int, str]]:
    sql = (resources.files("rasid.store") / "schema.sql").read_text(encoding="utf-8")
    parts = _MIGRATION.split(sql)
    return sorted((int(parts[i]), parts[i + 1]) for i in range(1, len(parts), 2))


# a conjunction/preposition with the article (و ب ك ف + ال, لل) is always a clitic cluster:
# stripped from the key. A bare و/ف before four letters may be a clitic (وواشنطن) or part of
# the word (واشنطن): the key keeps the word and adds the stripped form, and a query term
# matches either.
_CONJ = re.compile(r"([وف])(?<!\w[وف])(\w{4,})")  # the letter first: ~2x faster than (?<!\w)[وف]


def search_key(text: str) -> str:
    """The form of a text indexed for full-text search: normalized (hamza, ya, ta marbuta,
    diacritics, digits), article and proclitic clusters removed, and the stripped forms of
    و/ف-initial words appended: ``وللأمم`` and ``الامم`` both give ``امم``."""
    key = CLITIC_CLUSTER.sub("", normalize(text))
    extra = _CONJ.findall(key)
    return key + " " + " ".join(w for _, w in extra) if extra else key


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression for a user query: every term must match, by its key or
    (for a و/ف-initial term) by its stripped form."""
    terms = []
    for w in CLITIC_CLUSTER.sub("", normalize(query)).split():
        w = "".join(ch for ch in w if ch.isalnum())
        if not w:
            continue
        m = _CONJ.fullmatch(w)
        terms.append(f'("{w}" OR "{m.group(2)}")' if m else f'"{w}"')
    return " AND ".join(terms)


class _Longest:
    """SQL aggregate ``longest(text)``: the longest value, the first of those on a tie. The
    display form of an unlinked entity, whose mentions share its fullest name's key
    (``أحمد أبو زيد`` rather than ``أبو زيد``; ``min(text)`` would pick the shorter)."""

    def __init__(self) -> None:
        self.best: str | None = None

    def step(self, value: str | None) -> None:
        if value is not None and (self.best is None or len(value) > len(self.best)):
            self.best = value

    def finalize(self) -> str | None:
        return self.best


def register_functions(con: sqlite3.Connection) -> None:
    """The SQL functions Rasid's queries use, on one connection: ``rnorm(text)`` (the
    normalized form) and the aggregate ``longest(text)``."""
    con.create_function("rnorm", 1, lambda s: normalize(s) if s else s, deterministic=True)
    con.create_aggregate("longest", 1, _Longest)


def _record(rec_json: str, text: str) -> dict[str, Any]:
    # the text is stored once, in its column; the record is put back in contract order
    rec = json.loads(rec_json)
    out: dict[str, Any] = {}
    for k, v in rec.items():
        out[k] = v
        if k == "published_inferred":
            out["text"] = text
    out.setdefault("text", text)
    return out


class Store:
    def __init__(self, path: str | Path = "rasid.db", *, readonly: bool = False) -> None:
        self.path = str(path)
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such database (run `rasid analyze` or `rasid ingest` first)")
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            else:
                # autocommit mode: the store opens and commits transactions itself
                self.db = sqlite3.connect(self.path, isolation_level=None)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.row_factory = sqlite3.Row
            register_functions(self.db)
            self.db.execute("PRAGMA foreign_keys=ON")
            if not readonly:
                self.migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot open the database ({e})") from e

    #: articles per transaction: one commit per article would cost more than the analysis
    commit_every = 256
    _pending = 0

    def close(self) -> None:
        self.flush()
        self.db.close()

    def flush(self) -> None:
        """Commit what has been added so far."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._pending = 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------
    def migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for n, sql in _migrations():
            if n > version:
                try:
                    self.db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version={n};\nCOMMIT;")
                except sqlite3.Error:
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    raise

    # -- writing --------------------------------------------------------------------
    def has_hash(self, h: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE hash=?", (h,)).fetchone() is not None

    def add(self, doc: Doc) -> bool:
        """Store ``doc`` with its annotations. Returns False when the same content is
        already stored (idempotent re-ingest). An article with a known id and new
        content replaces the old version."""
        a = doc.article
        h = a.content_hash()
        rec = doc.to_dict()
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        # A failure never leaves half an article stored: its rows are removed again. (Not a
        # SAVEPOINT per article: releasing one makes FTS5 flush, which tripled the cost.)
        try:
            new = self._add(doc, a, h, rec)
        except BaseException:
            row = self.db.execute("SELECT rowid FROM articles WHERE id=?", (doc.id,)).fetchone()
            self._delete(doc.id, row[0] if row else -1)
            raise
        self._pending += 1
        if self._pending >= self.commit_every:
            self.flush()
        return new

    def _add(self, doc: Doc, a: Article, h: str, rec: dict[str, Any]) -> bool:
        rows = self.db.execute("SELECT id, hash, rowid, stages FROM articles WHERE hash=? OR id=?",
                               (h, doc.id)).fetchall()
        for row in rows:
            # same content already stored with at least these stages: nothing to do
            if row["hash"] == h and (len((row["stages"] or "").split(",")) >= len(doc.done)):
                return False
        for row in rows:
            self._delete(row["id"], row["rowid"])
        n_tok = len(doc.tokens)
        c = self.db.execute(
            "INSERT INTO articles (id, hash, title, source, url, published, published_inferred,"
            " author, text, n_tokens, format, origin, raw, body_offset, offset_map, meta, record,"
            " stages, duplicate_of, story) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, h, a.title, a.source, a.url, rec["published"], int(doc.published_inferred),
             a.author, doc.text, n_tok, a.format, a.origin, a.raw or a.body, a.body_offset,
             json.dumps(doc.offset_map), json.dumps(a.meta, ensure_ascii=False, default=str),
             json.dumps({k: v for k, v in rec.items() if k != "text"}, ensure_ascii=False, default=str),
             ",".join(doc.done),
             doc.duplicate_of, doc.story))
        rowid = c.lastrowid
        self.db.execute("INSERT INTO articles_fts(rowid, title, text) VALUES (?,?,?)",
                        (rowid, search_key(a.title or ""), search_key(doc.text)))
        if doc.events:  # folded into deduplicated event records (rasid.events.store)
            from rasid.events.store import add_events

            add_events(self.db, doc, rec)
        if not (doc.entities or doc.quotes or doc.dates or doc.places):
            return True
        # an unlinked mention is keyed by its in-document group's fullest name, so that the
        # entity "norm:<name>" of "أحمد أبو زيد" also holds the article's later "أبو زيد"
        heads = group_heads(doc.entities)
        self.db.executemany(
            'INSERT INTO entities (article_id, start, "end", text, type, kb_id, name, norm) VALUES (?,?,?,?,?,?,?,?)',
            [(doc.id, e.start, e.end, e.text, e.type, e.id, e.name,
              normalize(e.text if e.id or not e.group else heads[e.group].text)) for e in doc.entities])
        self.db.executemany(
            'INSERT INTO quotes (article_id, start, "end", content, kind, cue, speaker_text, speaker_start,'
            ' speaker_end, speaker_id, speaker_name) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
            [(doc.id, q.start, q.end, q.content, q.kind, q.cue,
              q.speaker.text if q.speaker else None, q.speaker.start if q.speaker else None,
              q.speaker.end if q.speaker else None, q.speaker.id if q.speaker else None,
              q.speaker.name if q.speaker else None) for q in doc.quotes])
        self.db.executemany(
            'INSERT INTO dates (article_id, start, "end", text, value, anchor) VALUES (?,?,?,?,?,?)',
            [(doc.id, d.start, d.end, d.text, d.value, d.anchor) for d in doc.dates])
        self.db.executemany(
            'INSERT INTO places (article_id, start, "end", text, name, place_id, lat, lon, country)'
            ' VALUES (?,?,?,?,?,?,?,?,?)',
            [(doc.id, p.start, p.end, p.text, p.name, p.id, p.lat, p.lon, p.country) for p in doc.places])
        return True

    def _delete(self, article_id: str, rowid: int) -> None:
        self.db.execute("DELETE FROM articles_fts WHERE rowid=?", (rowid,))
        for t in ("entities", "quotes", "dates", "places"):
            self.db.execute(f"DELETE FROM {t} WHERE article_id=?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE rowid=?", (rowid,))

    def reject(self, input: str, reason: str) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        self.db.execute("INSERT INTO rejected (input, reason) VALUES (?,?)", (input, reason))

    # -- reading --------------------------------------------------------------------
    def get(self, article_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT * FROM articles WHERE id LIKE ? ORDER BY id LIMIT 2",
                                  (article_id + "%",)).fetchall()
            row = row[0] if len(row) == 1 else None
        return dict(row) if row is not None else None

    def record(self, article_id: str) -> dict[str, Any] | None:
        """The analyzed record (output contract) of an article."""
        row = self.get(article_id)
        return _record(row["record"], row["text"]) if row else None

    def records(self) -> Iterator[dict[str, Any]]:
        for rec, text in self.db.execute("SELECT record, text FROM articles ORDER BY rowid"):
            yield _record(rec, text)

    def count(self, table: str = "articles") -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def stats(self) -> dict[str, Any]:
        q = self.db.execute
        return {
            "database": self.path,
            "articles": self.count("articles"),
            "tokens": int(q("SELECT coalesce(sum(n_tokens),0) FROM articles").fetchone()[0]),
            "entities": self.count("entities"),
            "linked_entities": int(q("SELECT count(*) FROM entities WHERE kb_id IS NOT NULL").fetchone()[0]),
            "quotes": self.count("quotes"),
            "dates": self.count("dates"),
            "places": self.count("places"),
            "rejected": self.count("rejected"),
            **self.event_counts(),
            "sources": [dict(r) for r in q("SELECT coalesce(source,'(unknown)') AS source, count(*) AS articles"
                                           " FROM articles GROUP BY 1 ORDER BY 2 DESC LIMIT 20")],
            "published": dict(q("SELECT min(published) AS first, max(published) AS last FROM articles").fetchone()),
            "top_speakers": [dict(r) for r in q(
                "SELECT coalesce(speaker_name, speaker_text) AS speaker, count(*) AS quotes FROM quotes"
                " WHERE speaker_text IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 10")],
            "top_entities": [dict(r) for r in q(
                "SELECT coalesce(max(name), longest(text)) AS entity, max(type) AS type, count(*) AS mentions"
                " FROM entities GROUP BY coalesce(kb_id, norm) ORDER BY 3 DESC LIMIT 10")],
        }

    def event_counts(self) -> dict[str, int]:
        """Event mentions in articles, the deduplicated events they fold into, and how many
        of those more than one outlet reported (zeros for a store from before events)."""
        from rasid.events.store import counts

        if self.db.execute("SELECT 1 FROM sqlite_master WHERE name='event_mentions'").fetchone() is None:
            return {"event_mentions": 0, "events": 0, "events_multi_source": 0}
        n_mentions, n_events = counts(self.db)
        multi = self.db.execute(
            "SELECT count(*) FROM (SELECT record FROM event_mentions GROUP BY record"
            " HAVING count(DISTINCT coalesce(source, article_id)) > 1)").fetchone()[0]
        return {"event_mentions": n_mentions, "events": n_events, "events_multi_source": int(multi)}

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        terms = match_expression(query)
        if not terms:
            return []
        rows = self.db.execute(
            "SELECT a.id, a.title, a.source, a.published, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?", (terms, limit, offset))
        return [dict(r) for r in rows]
