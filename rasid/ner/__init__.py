"""Arabic named-entity tagger (CRF; IOB2 tags over PERS/LOC/ORG/MISC).

    from rasid.ner import load_tagger
    load_tagger().tag([["وقال", "الرئيس", "باراك", "أوباما", "في", "واشنطن"]])

The model ships under rasid/resources/models/ner/ and is loaded lazily, offline.
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["load_tagger"]


@lru_cache(maxsize=4)
def load_tagger(model_dir: str | None = None):
    """Return the cached tagger; ``.tag(list[list[str]]) -> list[list[str]]`` (IOB2)."""
    from .paths import MODEL_DIR
    from .tagger import CRFTagger

    return CRFTagger(model_dir or MODEL_DIR)
