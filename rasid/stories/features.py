"""What story clustering compares: a TF-IDF vector of an article's words and its entities.

Words are normalized (hamza, ya, ta marbuta, diacritics) and lose their proclitic cluster
(و/ف + ب/ك/ل + ال), so ``والمناطق`` and ``المناطق`` and ``مناطق`` are one term. IDF comes from a
fixed background table (document frequencies over SaudiNewsNet, built by
``python -m rasid.stories.features build``): a fixed table keeps every stored vector valid as
articles arrive (no global recompute), and a corpus from another year and region keeps the
ANT evaluation honest.
"""

from __future__ import annotations

import gzip
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rasid.doc import Doc
from rasid.text.normalize import CLITIC_CLUSTER, normalize

_WORD = re.compile(r"[^\W\d_]{2,}")

#: terms kept per article vector (the most weighted); the rest is noise for clustering
DOC_TERMS = 60
#: a title word counts as this many body occurrences
TITLE_WEIGHT = 3


def term(word: str) -> str:
    """The clustering term of a normalized word: proclitic cluster off, a leading و/ف off
    words of five letters or more (wrong for some stems, but the same everywhere)."""
    w = CLITIC_CLUSTER.sub("", word, count=1)
    if len(w) >= 5 and w[0] in "وف":
        w = w[1:]
    return w


def terms(text: str) -> list[tuple[str, str]]:
    """(term, surface word) for every word of at least three letters."""
    out = []
    for m in _WORD.finditer(text):
        surface = m.group()
        t = term(normalize(surface))
        if len(t) >= 3:
            out.append((t, surface))
    return out


@dataclass(frozen=True)
class Idf:
    n_docs: int
    df: dict[str, int]

    def __call__(self, t: str) -> float:
        # unseen terms count as seen once: names and rare words are the most specific
        return math.log((self.n_docs + 1) / (self.df.get(t, 1) + 0.5))

    def common(self, t: str) -> bool:
        """A function word or near-universal term: left out of vectors."""
        return self.df.get(t, 0) > 0.15 * self.n_docs


@lru_cache(maxsize=1)
def idf() -> Idf:
    path = resources.files("rasid.resources") / "stories" / "idf.tsv.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        n_docs = int(f.readline().split("\t")[1])
        df = {}
        for line in f:
            t, n = line.rstrip("\n").split("\t")
            df[t] = int(n)
    return Idf(n_docs, df)


@dataclass
class Features:
    """An article as the clusterer sees it."""

    vec: dict[str, float]                                  # unit-length TF-IDF, top DOC_TERMS terms
    surfaces: dict[str, str] = field(default_factory=dict)  # term -> a surface form (for labels)
    entities: Counter[str] = field(default_factory=Counter)  # entity key -> mentions
    names: dict[str, str] = field(default_factory=dict)     # entity key -> display name
    date: str | None = None                                 # YYYY-MM-DD
    #: terms that are (part of) an entity mention: a name shared is not yet a shared story
    name_terms: frozenset[str] = frozenset()


def entity_key(ent_id: str | None, text: str) -> str:
    """Linked entities by KB id; unlinked ones by their normalized text."""
    return ent_id if ent_id else "~" + " ".join(term(w) for w in normalize(text).split())


def features(doc: Doc) -> Features:
    table = idf()
    tf: Counter[str] = Counter()
    surfaces: dict[str, str] = {}
    # a label shows each term by its shortest spelling in the article, which is the one with
    # no clitic (إسقاط, not لإسقاط); the title's spelling wins a tie (it reads best)
    for text, weight in ((doc.article.title or "", TITLE_WEIGHT), (doc.text, 1)):
        for t, s in terms(text):
            tf[t] += weight
            if t not in surfaces or len(s) < len(surfaces[t]):
                surfaces[t] = s
    weights = {t: (1 + math.log(n)) * table(t) for t, n in tf.items() if not table.common(t)}
    top = sorted(weights.items(), key=lambda kv: -kv[1])[:DOC_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    vec = {t: w / norm for t, w in top}
    ents: Counter[str] = Counter()
    names: dict[str, str] = {}
    name_terms: set[str] = set()
    for e in doc.entities:
        k = entity_key(e.id, e.text)
        ents[k] += 1
        names.setdefault(k, e.name or e.text)
        name_terms.update(t for t, _ in terms(e.text))
    pub = doc.published or doc.article.published
    return Features(vec, {t: surfaces[t] for t in vec}, ents, names, pub[:10] if pub else None,
                    frozenset(name_terms & vec.keys()))


def build(out: str, corpus: str = "saudinewsnet", min_df: int = 2) -> None:
    """Write the background document-frequency table (term, df) from a corpus in ../shared."""
    from rasid.bench import ant_articles, saudi_articles
    from rasid.text import clean

    arts = saudi_articles(10**9) if corpus == "saudinewsnet" else ant_articles(10**9)
    df: Counter[str] = Counter()
    n = 0
    for a in arts:
        text, _ = clean(a.body)
        df.update({t for t, _ in terms((a.title or "") + "\n" + text)})
        n += 1
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(f"#docs\t{n}\t{corpus}\n")
        for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
            if c >= min_df:
                f.write(f"{t}\t{c}\n")
    print(f"{out}: {n} documents, {sum(1 for c in df.values() if c >= min_df)} terms", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] != ["build"]:
        print("usage: python -m rasid.stories.features build [OUT]", file=sys.stderr)
        sys.exit(2)
    build(sys.argv[2] if len(sys.argv) > 2 else "rasid/resources/stories/idf.tsv.gz")
