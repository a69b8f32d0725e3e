"""The ingest hook: give each arriving Doc its ``duplicate_of`` and ``story``, incrementally.

``StoryTracker(store)`` loads once per process what earlier runs stored (MinHash signatures,
story states), then for every Doc: ``assign(doc)`` before ``store.add(doc)`` and, when the
store kept it, ``added(doc)`` to persist the fingerprint, the membership and the story.
Its writes go through the store's connection, inside the store's open transaction, so
they commit together with the articles. Without a store it works in memory (one run).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import numpy as np

from rasid.doc import Doc
from rasid.stories.cluster import Assignment, Clusterer, Story
from rasid.stories.features import Features, features
from rasid.stories.fingerprint import DuplicateIndex, Match, from_blob, shingles, signature, to_blob

if TYPE_CHECKING:
    from rasid.store import Store

#: dirty story states are written every this many articles (and at close)
SAVE_EVERY = 256


class StoryTracker:
    def __init__(self, store: Store | None = None) -> None:
        self.store = store
        self.dups = DuplicateIndex()
        self.clusters = Clusterer()
        self._pending: dict[str, tuple[Match, Assignment]] = {}
        #: known articles seen again in this run -> their insertion order (None: no fingerprint)
        self._refresh: dict[str, int | None] = {}
        self._dirty: set[str] = set()
        self._seq = 0
        self._since_save = 0
        if store is not None:
            self._load(store.db)

    def _load(self, db: sqlite3.Connection) -> None:
        from datasketch import MinHash  # type: ignore[import-untyped]  # noqa: F401  (fail here, clearly, if missing)

        for aid, seq, sig, dup in db.execute(
                "SELECT article_id, seq, sig, duplicate_of FROM fingerprints ORDER BY seq"):
            self.dups.add(aid, Match(dup, 0.0, from_blob(sig)), seq=seq)
            self._seq = seq + 1
        for sid, first, last, size, state in db.execute(
                "SELECT id, first, last, size, state FROM stories"):
            self.clusters.load(Story.from_row(sid, first, last, size, state))
        self.clusters.member_story.update(
            db.execute("SELECT article_id, story_id FROM story_members").fetchall())

    def assign(self, doc: Doc) -> Doc:
        """Set ``doc.duplicate_of`` and ``doc.story``."""
        known = self.clusters.member_story.get(doc.id)
        if known is not None:
            # seen before (re-analysis, or a corrected text under the same id): it keeps its
            # story and group and counts once, but its fingerprint follows the text now stored,
            # so later copies of the corrected text still find it
            seq, root = self.dups.meta.get(doc.id, (None, doc.id))
            doc.duplicate_of = root if root != doc.id else None
            doc.story = known
            self._refresh[doc.id] = seq
            if self.store is None:
                self.added(doc)
            return doc
        match = self.dups.check(doc.id, doc.text)
        doc.duplicate_of = match.duplicate_of
        f: Features = features(doc)
        a = self.clusters.assign(doc.id, f, duplicate_of=match.duplicate_of)
        doc.story = a.story
        self._dirty.add(a.story)
        self._pending[doc.id] = (match, a)
        if self.store is None:
            self.added(doc)
        return doc

    def added(self, doc: Doc) -> None:
        """The article was stored (or, without a store, accepted): make it findable."""
        if doc.id in self._refresh:  # stored again: its text may have changed
            self._refingerprint(doc, self._refresh.pop(doc.id))
        if doc.id not in self._pending:
            return  # known before this run: nothing new to record
        match, a = self._pending.pop(doc.id)
        self.dups.add(doc.id, match, seq=self._seq)
        self._seq += 1
        if self.store is None:
            return
        db = self.store.db
        if match.signature is not None:
            db.execute("INSERT OR REPLACE INTO fingerprints (article_id, seq, sig, duplicate_of, similarity)"
                       " VALUES (?,?,?,?,?)", (doc.id, self._seq - 1, to_blob(match.signature),
                                               match.duplicate_of, match.similarity or None))
        db.execute("INSERT OR REPLACE INTO story_members (story_id, article_id, score, via) VALUES (?,?,?,?)",
                   (a.story, doc.id, a.score, a.via))
        self._since_save += 1
        if self._since_save >= SAVE_EVERY:
            self.save()

    def _refingerprint(self, doc: Doc, seq: int | None) -> None:
        """A known article was stored again: when its text changed, replace its signature,
        keeping its place in order. (Computed here, not in :meth:`assign`, so that re-analysing
        unchanged articles, which the store skips, costs no MinHash.)"""
        sig = signature(shingles(doc.text))
        old = self.dups.sigs.get(doc.id)
        if sig is None or (old is not None and np.array_equal(old, sig)):
            return
        if seq is None:  # it had no fingerprint (too short before): it takes the next place
            seq = self._seq
            self._seq += 1
        self.dups.add(doc.id, Match(doc.duplicate_of, 0.0, sig), seq=seq)
        if self.store is not None:
            self.store.db.execute(
                "INSERT INTO fingerprints (article_id, seq, sig, duplicate_of) VALUES (?,?,?,?)"
                " ON CONFLICT(article_id) DO UPDATE SET sig=excluded.sig",
                (doc.id, seq, to_blob(sig), doc.duplicate_of))

    def skipped(self, doc: Doc) -> None:
        """The store did not keep the article (same content already stored)."""
        self._pending.pop(doc.id, None)
        self._refresh.pop(doc.id, None)

    def save(self) -> None:
        """Write the states of the stories changed since the last save."""
        if self.store is None or not self._dirty:
            return
        db = self.store.db
        if not db.in_transaction:
            db.execute("BEGIN")
        rows = []
        for sid in self._dirty:
            s = self.clusters.stories[sid]
            rows.append((s.id, s.label(), s.first, s.last, s.size, s.state()))
        db.executemany(
            "INSERT INTO stories (id, label, first, last, size, state) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET label=excluded.label, first=excluded.first, last=excluded.last,"
            " size=excluded.size, state=excluded.state,"
            " updated=strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", rows)
        self._dirty.clear()
        self._since_save = 0

    def close(self) -> None:
        self.save()
        if self.store is not None:
            self.store.flush()
