"""Runtime CRF tagger (needs only python-crfsuite + stdlib)."""
from __future__ import annotations

import json
import os

from .features import FeatureExtractor, load_clusters, load_memory
from .gazetteer import load as load_gazetteer
from .paths import MODEL_DIR

LABELS = ("B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC", "O")


def make_extractor(model_dir: str, config: dict, memory: dict | None = None) -> FeatureExtractor:
    cr = load_clusters(os.path.join(model_dir, "clusters_raw.tsv")) if config.get("clusters", True) else {}
    cs = load_clusters(os.path.join(model_dir, "clusters_stem.tsv")) if config.get("clusters", True) else {}
    gz = load_gazetteer(os.path.join(model_dir, "gazetteer.tsv")) if config.get("gazetteer", True) else {}
    if memory is None and config.get("memory"):
        memory = load_memory(os.path.join(model_dir, "memory.tsv"))
    mined = None
    if config.get("mined"):
        from .mine import load as load_mined
        mined = load_mined(os.path.join(model_dir, "mined.tsv"))
    topics = None
    if config.get("topics"):
        from .topics import load as load_topics
        topics = load_topics(os.path.join(model_dir, "topics.tsv"))
    return FeatureExtractor(cr, cs, gz, window=config.get("window", 2), memory=memory, mined=mined,
                            topics=topics)


def fix_iob(tags: list[str]) -> list[str]:
    """Repair invalid IOB2 (I-X after O or after another type becomes B-X)."""
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and not (prev != "O" and prev[2:] == t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


class CRFTagger:
    def __init__(self, model_dir: str | os.PathLike = MODEL_DIR):
        import pycrfsuite

        model_dir = str(model_dir)
        cfg_path = os.path.join(model_dir, "config.json")
        self.config = {}
        if os.path.exists(cfg_path):
            with open(cfg_path, encoding="utf-8") as fh:
                self.config = json.load(fh)
        self.fx = make_extractor(model_dir, self.config)
        self.fx.prewarm(int(self.config.get("prewarm", 20000)))
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(os.path.join(model_dir, "ner.crfsuite"))

    def marginals(self, tokens: list[str], labels, topic: str | None = None) -> list[list[float]]:
        """P(label at word i) for each word and each of ``labels`` (0.0 for a label the model
        never saw), by forward-backward over the sentence (``topic``: that of its passage; by
        default the sentence's own)."""
        if not tokens:
            return []
        if topic is None:
            topic = self.fx.passage_topics([tokens])[0]
        tg = self._tagger
        known = set(tg.labels())
        tg.set(self.fx.sent_features(tokens, topic))
        return [[tg.marginal(lab, i) if lab in known else 0.0 for lab in labels] for i in range(len(tokens))]

    def tag_one(self, tokens: list[str], topic: str | None = None) -> list[str]:
        """Tag one sentence (``topic``: that of its passage; by default the sentence's own)."""
        if not tokens:
            return []
        if topic is None:
            topic = self.fx.passage_topics([tokens])[0]
        return fix_iob(self._tagger.tag(self.fx.sent_features(tokens, topic)))

    def tag(self, sentences: list[list[str]], propagate: bool | None = None) -> list[list[str]]:
        """Tag sentences. Sentences passed in one call are treated as one document: each is
        tagged knowing what its passage is about, and entity strings found with confidence are
        propagated to untagged repeats."""
        sentences = [list(s) for s in sentences]
        topics = self.fx.passage_topics(sentences)
        out = [self.tag_one(s, tp) for s, tp in zip(sentences, topics)]
        if propagate is None:
            propagate = self.config.get("propagate", True)
        if propagate and len(sentences) > 1:
            # documents are processed in blocks of consecutive sentences (best on dev: ~20)
            w = int(self.config.get("propagate_window", 20))
            res = []
            for i in range(0, len(sentences), w):
                res.extend(propagate_labels(sentences[i:i + w], out[i:i + w], self.fx))
            out = res
        return out


def propagate_labels(sentences, tags, fx, min_len: int = 3):
    """One-sense-per-discourse: a (clitic-normalised) entity string predicted somewhere in
    the document labels its untagged repeats elsewhere in the document."""
    from collections import Counter, defaultdict

    from .scoring import spans

    keys = [[fx._type_feats(w)[2][1] for w in s] for s in sentences]  # conj-stripped norm
    found: dict[tuple, Counter] = defaultdict(Counter)
    for k, t in zip(keys, tags):
        # in document order: on a tie between types, the one seen first wins (iterating the
        # set itself made the tie, and so the output, depend on the string-hash seed)
        for a, b, typ in sorted(spans(t)):
            found[tuple(k[a:b])][typ] += 1
    if not found:
        return tags
    bad = fx.stop
    index: dict[str, list[tuple[tuple, str]]] = defaultdict(list)
    for key, cnt in found.items():
        if len(key) == 1 and (len(key[0]) < min_len or key[0] in bad):
            continue
        typ = cnt.most_common(1)[0][0]
        index[key[0]].append((key, typ))
    for lst in index.values():
        lst.sort(key=lambda x: -len(x[0]))
    new = []
    for k, t in zip(keys, tags):
        t = list(t)
        i, L = 0, len(k)
        while i < L:
            step = 1
            for key, typ in index.get(k[i], ()):
                m = len(key)
                if i + m <= L and tuple(k[i:i + m]) == key and all(x == "O" for x in t[i:i + m]) \
                        and (i + m == L or not t[i + m].startswith("I-")):
                    t[i] = "B-" + typ
                    for j in range(i + 1, i + m):
                        t[j] = "I-" + typ
                    step = m
                    break
            i += step
        new.append(t)
    return new
