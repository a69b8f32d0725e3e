"""The data model every stage reads and writes.

An :class:`Article` is what a reader produced (raw input plus metadata); a :class:`Doc`
is the cleaned text of one article with every annotation as character offsets into it,
and a map back to the raw input. Dataclasses inside; dicts only at the edge (``to_dict``).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Article:
    """One input article as read, before cleaning."""

    body: str
    title: str | None = None
    id: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    #: the original input (decoded text of the file/record) kept in the store
    raw: str = ""
    #: the format it came from (txt, jsonl, csv, html, feed, warc)
    format: str = "txt"
    #: where it came from: a path, ``path:line`` or ``-``
    origin: str = ""
    #: where ``body`` starts inside ``raw`` (when the body is a slice of it, else 0)
    body_offset: int = 0

    def content_hash(self) -> str:
        """Hash of what makes two inputs the same article (title + body)."""
        h = hashlib.sha1()
        h.update((self.title or "").encode("utf-8"))
        h.update(b"\x00")
        h.update(self.body.encode("utf-8"))
        return h.hexdigest()


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def pre(self) -> int:
        """Leading proclitic characters (و ف ب ل ك before a stem or ال), by the heuristic
        splitter :func:`rasid.text.normalize.strip_clitics`."""
        from rasid.text.normalize import strip_clitics

        return strip_clitics(self.text) if len(self.text) > 3 else 0

    @property
    def stem(self) -> str:
        return self.text[self.pre:]


@dataclass(slots=True)
class Entity:
    start: int
    end: int
    text: str
    type: str  # PER | ORG | LOC | MISC
    id: str | None = None
    name: str | None = None
    #: in-document group: mentions of one real-world entity share it (``g0``, ``g1``... in
    #: the body; a headline mention the body does not name has its own ``t0``, ``t1``...)
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"start": self.start, "end": self.end, "text": self.text, "type": self.type,
             "id": self.id, "name": self.name}
        if self.group is not None:  # set by the linking stage; a record without it stays so
            d["group"] = self.group
        return d


def group_heads(entities: list[Entity]) -> dict[str, Entity]:
    """The head mention of each in-document group: the one with the most words, the first of
    those on a tie (``أحمد أبو زيد`` for a group with ``أبو زيد``). Mentions without a group
    are their own head, keyed by ``"@<start>"``."""
    heads: dict[str, Entity] = {}
    for e in entities:
        k = e.group or f"@{e.start}"
        h = heads.get(k)
        if h is None or len(e.text.split()) > len(h.text.split()):
            heads[k] = e
    return heads


@dataclass(slots=True)
class Speaker:
    start: int
    end: int
    text: str
    id: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "id": self.id,
                "name": self.name}


@dataclass(slots=True)
class Quote:
    start: int
    end: int
    content: str
    kind: str  # direct | indirect
    cue: str
    speaker: Speaker | None = None
    #: offsets of the cue in the text (extra field, not in the v1 contract)
    cue_start: int | None = None
    cue_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "content": self.content,
                             "kind": self.kind, "cue": self.cue,
                             "speaker": self.speaker.to_dict() if self.speaker else None}
        if self.cue_start is not None:
            d["cue_start"], d["cue_end"] = self.cue_start, self.cue_end
        return d


@dataclass(slots=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str | None
    anchor: str  # absolute | relative

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "value": self.value,
                "anchor": self.anchor}


@dataclass(slots=True)
class Place:
    start: int
    end: int
    text: str
    name: str | None
    id: str | None
    lat: float | None
    lon: float | None
    country: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "name": self.name,
                "id": self.id, "lat": self.lat, "lon": self.lon, "country": self.country}


@dataclass(slots=True)
class Nationality:
    """A nationality/relational adjective or noun (``الروسي``, ``السوريين``) linked to its
    country; not an entity mention (see docs/entities.md)."""

    start: int
    end: int
    text: str
    id: str | None  # the country's KB id (Wikidata QID)
    name: str | None  # English country name
    country: str | None  # ISO 3166-1 alpha-2

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "id": self.id,
                "name": self.name, "country": self.country}


@dataclass(slots=True)
class Doc:
    """Cleaned text of one article and everything found in it."""

    article: Article
    text: str
    #: offset map to the raw body: sorted (clean_start, raw_start) breakpoints
    offset_map: list[tuple[int, int]] = field(default_factory=list)
    #: (start, end) spans: a list, or a lazy SentenceList that splits on first use
    sentences: Sequence[tuple[int, int]] = field(default_factory=list)
    #: a list of Token, or a lazy TokenList that builds them on first use
    tokens: Sequence[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: entities of the title, offsets into ``article.title`` (added field, not in v1)
    title_entities: list[Entity] = field(default_factory=list)
    #: nationality adjectives in ``text`` linked to their country (added field, not in v1)
    nationalities: list[Nationality] = field(default_factory=list)
    story: str | None = None
    duplicate_of: str | None = None
    published: str | None = None
    published_inferred: bool = False
    #: names of the stages that have run, in order
    done: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.article.id or self.article.content_hash()[:16]

    def raw_offset(self, i: int) -> int:
        """Map an offset in ``text`` to the offset in the raw input (``article.raw``
        when the body is a slice of it, as for .txt files; else in ``article.body``)."""
        base = self.article.body_offset
        if not self.offset_map:
            return base + i
        k = bisect_right(self.offset_map, (i, 1 << 62)) - 1
        clean_start, raw_start = self.offset_map[max(k, 0)]
        return base + raw_start + (i - clean_start)

    def sentence_of(self, i: int) -> int:
        """Index of the sentence holding offset ``i`` (or the last before it)."""
        k = bisect_right(self.sentences, (i, 1 << 62)) - 1
        return max(k, 0)

    def to_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "id": self.id,
            "title": a.title,
            "source": a.source,
            "url": a.url,
            "published": self.published if self.published is not None else a.published,
            "published_inferred": self.published_inferred,
            "text": self.text,
            "entities": [e.to_dict() for e in self.entities],
            "quotes": [q.to_dict() for q in self.quotes],
            "dates": [d.to_dict() for d in self.dates],
            "places": [p.to_dict() for p in self.places],
            "events": list(self.events),
            "title_entities": [e.to_dict() for e in self.title_entities],
            "nationalities": [n.to_dict() for n in self.nationalities],
            "story": self.story,
            "duplicate_of": self.duplicate_of,
            "author": a.author,
            "meta": a.meta,
        }


#: the keys that mark a record as already analyzed (a contract record, not raw input)
ANALYZED_KEYS = frozenset({"text", "entities", "quotes", "dates", "places", "events"})


def doc_from_record(rec: dict[str, Any], *, origin: str = "", raw: str = "", fmt: str = "jsonl") -> Doc:
    """Rebuild a Doc from a contract record (``rasid analyze`` / Spark output), so that
    analyzed results load into the store without running the pipeline again."""
    known = {"id", "title", "source", "url", "published", "published_inferred", "text", "entities", "quotes",
             "dates", "places", "events", "title_entities", "nationalities", "story", "duplicate_of", "author",
             "meta"}
    meta = dict(rec.get("meta") or {})
    meta.update({k: v for k, v in rec.items() if k not in known})
    art = Article(body=rec["text"], title=rec.get("title"), id=rec.get("id"), source=rec.get("source"),
                  url=rec.get("url"), published=rec.get("published"), author=rec.get("author"), meta=meta,
                  raw=raw, format=fmt, origin=origin)

    def speaker(s: dict[str, Any] | None) -> Speaker | None:
        return None if not s else Speaker(s["start"], s["end"], s["text"], s.get("id"), s.get("name"))

    doc = Doc(article=art, text=rec["text"])
    doc.entities = [Entity(e["start"], e["end"], e["text"], e["type"], e.get("id"), e.get("name"), e.get("group"))
                    for e in rec.get("entities") or []]
    doc.quotes = [Quote(q["start"], q["end"], q["content"], q["kind"], q.get("cue") or "", speaker(q.get("speaker")),
                        q.get("cue_start"), q.get("cue_end")) for q in rec.get("quotes") or []]
    doc.dates = [DateMention(d["start"], d["end"], d["text"], d.get("value"), d.get("anchor") or "absolute")
                 for d in rec.get("dates") or []]
    doc.places = [Place(p["start"], p["end"], p["text"], p.get("name"), p.get("id"), p.get("lat"), p.get("lon"),
                        p.get("country")) for p in rec.get("places") or []]
    doc.events = list(rec.get("events") or [])
    doc.title_entities = [Entity(e["start"], e["end"], e["text"], e["type"], e.get("id"), e.get("name"),
                                 e.get("group")) for e in rec.get("title_entities") or []]
    doc.nationalities = [Nationality(n["start"], n["end"], n["text"], n.get("id"), n.get("name"),
                                     n.get("country")) for n in rec.get("nationalities") or []]
    doc.story = None if rec.get("story") is None else str(rec["story"])
    doc.duplicate_of = rec.get("duplicate_of")
    doc.published = rec.get("published")
    doc.published_inferred = bool(rec.get("published_inferred"))
    from rasid.text.sentences import SentenceList
    from rasid.text.tokenize import TokenList

    doc.sentences = SentenceList(doc.text)
    doc.tokens = TokenList(doc.text)
    from rasid.pipeline import DEFAULT_STAGES

    doc.done = [*DEFAULT_STAGES, "loaded"]
    return doc
