"""Runtime CRF tagger (needs only python-crfsuite + stdlib)."""
from __future__ import annotations

import json
import os

from .features import FeatureExtractor, load_clusters
from .gazetteer import load as load_gazetteer
from .paths import MODEL_DIR

LABELS = ("B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC", "O")


def make_extractor(model_dir: str, config: dict) -> FeatureExtractor:
    cr = load_clusters(os.path.join(model_dir, "clusters_raw.tsv")) if config.get("clusters", True) else {}
    cs = load_clusters(os.path.join(model_dir, "clusters_stem.tsv")) if config.get("clusters", True) else {}
    gz = load_gazetteer(os.path.join(model_dir, "gazetteer.tsv")) if config.get("gazetteer", True) else {}
    return FeatureExtractor(cr, cs, gz, window=config.get("window", 2))


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
        self.config = json.load(open(cfg_path, encoding="utf-8")) if os.path.exists(cfg_path) else {}
        self.fx = make_extractor(model_dir, self.config)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(os.path.join(model_dir, "ner.crfsuite"))

    def tag_one(self, tokens: list[str]) -> list[str]:
        if not tokens:
            return []
        return fix_iob(self._tagger.tag(self.fx.sent_features(tokens)))

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        return [self.tag_one(list(s)) for s in sentences]
