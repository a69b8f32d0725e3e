"""Incremental story clustering: each arriving article joins the most similar story or
starts a new one; nothing is ever recomputed globally.

A story keeps the sum of its articles' TF-IDF unit vectors (its centroid), the entities
its articles mention and its date range. An article joins a story when

    cosine(article, centroid) + ENTITY_BONUS * shared-entity overlap - time penalty >= THRESHOLD

and the cosine alone reaches MIN_COSINE (entities and time only tip a close call). When the
article shares fewer than two entities with the story, the part of the cosine that comes
from words outside its entity mentions must also reach MIN_CONTENT: two articles that
share a famous name (Trump, Putin) and little else stay apart, however rare the name was
in the background IDF table. The entity overlap is
weighted by how rare each entity is among the stories seen. A story
spans months when its articles keep saying the same specific things, but it goes dormant
after DORMANT_DAYS without a new article: later articles start a new story.

Duplicates (``doc.duplicate_of``) join the story of their original without changing its
centroid, so wire copy republished ten times does not outweigh the rest of the story.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rasid.stories.features import Features

THRESHOLD = 0.25
MIN_COSINE = 0.20
#: cosine from the words that are not names (only checked when the NER stages ran)
MIN_CONTENT = 0.12
ENTITY_BONUS = 0.10
#: penalty per doubling of the gap (in weeks) between an article and the story's dates
TIME_PENALTY = 0.01
DORMANT_DAYS = 180
#: terms kept in a story centroid, and those indexed to find candidate stories
CENTROID_TERMS = 150
INDEXED_TERMS = 25
#: stories kept in one term's posting list (the most recent): old stories of a common
#: term are still found through their rarer terms
POSTINGS = 400
CANDIDATES = 40
QUERY_TERMS = 12


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


@dataclass
class Story:
    id: str
    first: str | None = None
    last: str | None = None
    size: int = 0
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    entities: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    surfaces: dict[str, str] = field(default_factory=dict)
    #: centroid terms that are entity names: the label shows the entity, not the word again
    name_terms: set[str] = field(default_factory=set)

    def cosine(self, vec: dict[str, float], skip: frozenset[str] = frozenset()) -> float:
        if not self.norm:
            return 0.0
        c = self.centroid
        return sum(w * c.get(t, 0.0) for t, w in vec.items() if t not in skip) / self.norm

    def gap_days(self, date: str | None) -> int | None:
        d, a, b = _date(date), _date(self.first), _date(self.last)
        if d is None or a is None or b is None:
            return None
        if d < a:
            return (a - d).days
        if d > b:
            return (d - b).days
        return 0

    def add_dates(self, date: str | None) -> None:
        if date:
            if self.first is None or date < self.first:
                self.first = date
            if self.last is None or date > self.last:
                self.last = date

    def absorb(self, f: Features) -> None:
        for t, w in f.vec.items():
            self.centroid[t] = self.centroid.get(t, 0.0) + w
        if len(self.centroid) > CENTROID_TERMS:
            self.centroid = dict(sorted(self.centroid.items(), key=lambda kv: -kv[1])[:CENTROID_TERMS])
        self.norm = math.sqrt(sum(w * w for w in self.centroid.values()))
        for t in self.centroid:
            if t in f.surfaces and t not in self.surfaces:
                self.surfaces[t] = f.surfaces[t]
        self.surfaces = {t: s for t, s in self.surfaces.items() if t in self.centroid}
        self.name_terms.update(f.name_terms)
        self.name_terms &= self.centroid.keys()
        self.entities.update(f.entities)
        for k, n in f.names.items():
            self.names.setdefault(k, n)

    def top_terms(self, n: int) -> list[str]:
        return [t for t, _ in sorted(self.centroid.items(), key=lambda kv: -kv[1])[:n]]

    def label(self) -> str:
        ents = [self.names.get(k, k.lstrip("~")) for k, _ in self.entities.most_common(3)]
        seen = set(ents)
        words = [self.surfaces.get(t, t) for t in self.top_terms(10) if not (ents and t in self.name_terms)]
        words = [w for w in words if w not in seen][:5]
        return "، ".join(ents + words)

    def state(self) -> str:
        return json.dumps({"centroid": {t: round(w, 4) for t, w in self.centroid.items()},
                           "entities": dict(self.entities.most_common(60)),
                           "names": {k: v for k, v in self.names.items() if k in self.entities},
                           "surfaces": self.surfaces, "name_terms": sorted(self.name_terms)},
                          ensure_ascii=False)

    @classmethod
    def from_row(cls, sid: str, first: str | None, last: str | None, size: int, state: str) -> Story:
        st: dict[str, Any] = json.loads(state)
        s = cls(sid, first, last, size, st["centroid"], 0.0, Counter(st["entities"]), st["names"],
                st["surfaces"], set(st.get("name_terms", ())))
        s.norm = math.sqrt(sum(w * w for w in s.centroid.values()))
        return s


@dataclass(slots=True)
class Assignment:
    story: str
    score: float
    via: str  # new | similar | duplicate


class Clusterer:
    """Single-pass clustering over stories held in memory (loaded once from the store)."""

    def __init__(self, threshold: float = THRESHOLD, min_cosine: float = MIN_COSINE) -> None:
        self.threshold = threshold
        self.min_cosine = min_cosine
        self.stories: dict[str, Story] = {}
        self.postings: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=POSTINGS))
        #: in how many stories each entity occurs: its rarity weighs the entity overlap
        self.entity_df: Counter[str] = Counter()
        self.member_story: dict[str, str] = {}

    def load(self, story: Story) -> None:
        self.stories[story.id] = story
        self._index(story)
        self.entity_df.update(story.entities.keys())

    def _index(self, s: Story) -> None:
        for t in s.top_terms(INDEXED_TERMS):
            p = self.postings[t]
            if s.id not in p:
                p.append(s.id)

    def _entity_overlap(self, f: Features, s: Story) -> float:
        """Shared entities weighted by rarity, over the article's own entity weight (0..1)."""
        if not f.entities or not s.entities:
            return 0.0
        n = max(len(self.stories), 1)
        total = shared = 0.0
        for k in f.entities:
            w = math.log((n + 1) / (self.entity_df.get(k, 0) + 1)) + 0.1
            total += w
            if k in s.entities:
                shared += w
        return shared / total if total else 0.0

    def score(self, f: Features, s: Story) -> tuple[float, float]:
        """(score, cosine) of an article against a story; -1 when the story is dormant."""
        cos = s.cosine(f.vec)
        gap = s.gap_days(f.date)
        if gap is not None and gap > DORMANT_DAYS:
            return -1.0, cos
        if f.name_terms and sum(1 for k in f.entities if k in s.entities) < 2 \
                and s.cosine(f.vec, f.name_terms) < MIN_CONTENT:
            return -1.0, cos  # one shared name (or none) and little else in common
        pen = TIME_PENALTY * math.log2(1 + gap / 7) if gap else 0.0
        return cos + ENTITY_BONUS * self._entity_overlap(f, s) - pen, cos

    def candidates(self, f: Features) -> list[str]:
        acc: dict[str, float] = defaultdict(float)
        for t, w in sorted(f.vec.items(), key=lambda kv: -kv[1])[:QUERY_TERMS]:
            for sid in self.postings.get(t, ()):
                acc[sid] += w
        return sorted(acc, key=lambda sid: -acc[sid])[:CANDIDATES]

    def assign(self, article_id: str, f: Features, duplicate_of: str | None = None) -> Assignment:
        """Pick the story of an article (and update it): call once per article, in order."""
        if duplicate_of and duplicate_of in self.member_story:
            s = self.stories[self.member_story[duplicate_of]]
            s.size += 1
            s.add_dates(f.date)
            self.member_story[article_id] = s.id
            return Assignment(s.id, 1.0, "duplicate")
        best = self.best(f)
        sc: float
        if best is None:
            s = Story("s-" + article_id)
            self.stories[s.id] = s
            via, sc = "new", 1.0
        else:
            s = self.stories[best[1]]
            via, sc = "similar", best[0]
        self.grow(s, f, 1, (f.date,))
        self.member_story[article_id] = s.id
        return Assignment(s.id, round(sc, 4), via)

    def best(self, f: Features, skip: Callable[[str], bool] | None = None) -> tuple[float, str] | None:
        """(score, story id) of the best candidate story ``f`` may join, or None; ``skip``
        leaves candidates out before they are scored."""
        best: tuple[float, str] | None = None
        for sid in self.candidates(f):
            if skip is not None and skip(sid):
                continue
            sc, cos = self.score(f, self.stories[sid])
            if cos >= self.min_cosine and sc >= self.threshold and (best is None or sc > best[0]):
                best = (sc, sid)
        return best

    def grow(self, s: Story, f: Features, size: int, dates: Iterable[str | None]) -> None:
        """``s`` takes in ``f`` (one article, or a story of ``size`` articles) and its dates."""
        new_ents = [k for k in f.entities if k not in s.entities]
        s.absorb(f)
        s.size += size
        for d in dates:
            s.add_dates(d)
        self.entity_df.update(new_ents)
        self._index(s)
