"""What a passage is about (news, sport, economy, technology, culture), as NER context.

A CRF sees two words either side; whether ``ليون`` or ``السد`` is a club or a place, and
whether ``نيسان`` is a car maker, is decided by what the article is about. This module gives
each sentence the topic of the passage around it (the sentence and its neighbours), from a
multinomial naive Bayes model over word stems trained on the section labels of the shared
ANT corpus (31k articles: internationalNews and middleEast are merged into ``news``).

Runtime needs only the stdlib; the model is a small TSV in the NER model directory
(``topics.tsv``: stem, then one centred log-likelihood per topic).

    python -m rasid.ner.topics [--shared DIR] [--out DIR]   # build topics.tsv (~1 min)
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from collections import Counter

from .paths import MODEL_DIR, shared_dir
from .textnorm import normalize, split_prefix, strip_punct, tokenize

TOPICS = ("news", "sport", "economy", "technology", "culture")
_SECTION = {"internationalNews": "news", "middleEast": "news", "sport": "sport", "economy": "economy",
            "technology": "technology", "culture": "culture"}
# sentences either side of a sentence that make up its passage
CONTEXT = 5
MIN_COUNT = 5  # stems seen fewer times in ANT carry no topic evidence
MIN_SPREAD = 0.5  # stems whose log-likelihoods differ less across topics are left out


def stem(word: str) -> str:
    return split_prefix(normalize(strip_punct(word)))[1]


def _ant_articles(shared: str):
    from .clusters import ant_records, article_text

    for d in ant_records(shared):
        topic = _SECTION.get(d.get("cat"))
        if topic:
            yield topic, article_text(d)


def build(shared: str, alpha: float = 1.0) -> dict[str, list[float]]:
    """stem -> per-topic log P(stem | topic), centred over the topics (so only the differences
    between topics remain). Articles are weighted equally per topic (balanced priors)."""
    counts = {t: Counter() for t in TOPICS}
    for topic, text in _ant_articles(shared):
        counts[topic].update(stem(w) for w in tokenize(text) if any(c.isalpha() for c in w))
    total = Counter()
    for c in counts.values():
        total.update(c)
    vocab = [w for w, n in total.items() if n >= MIN_COUNT and w]
    V = len(vocab)
    sizes = {t: sum(counts[t][w] for w in vocab) for t in TOPICS}
    out = {}
    for w in vocab:
        lp = [math.log((counts[t][w] + alpha) / (sizes[t] + alpha * V)) for t in TOPICS]
        mean = sum(lp) / len(lp)
        cen = [x - mean for x in lp]
        if max(cen) - min(cen) >= MIN_SPREAD:
            out[w] = cen
    return out


def write(model: dict[str, list[float]], path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# stem\t" + "\t".join(TOPICS) + "\n")
        for w in sorted(model):
            fh.write(w + "\t" + "\t".join(f"{x:.2f}" for x in model[w]) + "\n")


def load(path: str) -> dict[str, tuple[float, ...]]:
    """topics.tsv as written by :func:`write` (``{}`` when there is none)."""
    from .features import load_clusters  # the same stem<TAB>values table

    return {w: tuple(float(x) for x in v) for w, v in load_clusters(path).items()}


class TopicModel:
    def __init__(self, model: dict[str, tuple[float, ...]], context: int = CONTEXT):
        self.model = model
        self.context = context
        self._zero = (0.0,) * len(TOPICS)

    def sentence_scores(self, stems: list[str]) -> list[float]:
        known = [v for v in map(self.model.get, stems) if v is not None]
        return [sum(col) for col in zip(*known)] if known else list(self._zero)

    def topics_of(self, sentences: list[list[str]], stem_of=stem) -> list[str]:
        """The passage topic of each of ``sentences`` (consecutive sentences of one document);
        ``stem_of`` maps a word to its stem (the tagger passes its cached one)."""
        return self.passage_topics([self.sentence_scores([stem_of(w) for w in s]) for s in sentences])

    def passage_topics(self, per_sentence: list[list[float]]) -> list[str]:
        """The topic of each sentence's passage: the argmax of its summed scores with those of
        up to ``context`` sentences either side (running sums, so linear in the sentences);
        ``news`` where the passage has no evidence."""
        n = len(per_sentence)
        if not n:
            return []
        k = len(TOPICS)
        cum = [[0.0] * k]
        for sc in per_sentence:
            prev = cum[-1]
            cum.append([prev[i] + sc[i] for i in range(k)])
        out = []
        for j in range(n):
            lo, hi = max(0, j - self.context), min(n, j + self.context + 1)
            tot = [cum[hi][i] - cum[lo][i] for i in range(k)]
            # no evidence at all (a short passage of unknown words): the commonest section
            out.append(TOPICS[max(range(k), key=tot.__getitem__)] if any(tot) else TOPICS[0])
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rasid.ner.topics", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=None, help="the shared data directory (default ../shared)")
    ap.add_argument("--out", default=str(MODEL_DIR), help="model directory to write topics.tsv into")
    a = ap.parse_args(argv)
    shared = a.shared or shared_dir()
    model = build(shared)
    if not model:
        print(f"topics: no labelled ANT articles under {shared}/data/news/ant", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "topics.tsv")
    write(model, path)
    print(f"topics: {len(model)} stems -> {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
