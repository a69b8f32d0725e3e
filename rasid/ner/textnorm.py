"""Arabic orthographic normalisation and light clitic stripping (stdlib only).

Shared by the feature extractor (runtime) and the word-cluster builder
(training time) so that cluster keys are computed identically in both.
"""
from __future__ import annotations

import re

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_TRANS = str.maketrans({
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ -> ا
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    "\u0660": "0", "\u0661": "1", "\u0662": "2", "\u0663": "3", "\u0664": "4",
    "\u0665": "5", "\u0666": "6", "\u0667": "7", "\u0668": "8", "\u0669": "9",
})

# Longest first. Stripping is only done when a stem of >= 2 letters remains.
_PREFIXES = (
    "وبال", "وكال", "فبال", "فكال", "وللا",
    "وال", "فال", "بال", "كال", "ولل", "فلل",
    "ال", "لل",
    "وب", "ول", "وك", "فب", "فل",
    "و", "ف", "ب", "ل", "ك",
)
_CONJ = ("و", "ف")
_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "كم", "نا", "ه", "ك", "ي")

_PUNCT_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


def normalize(word: str) -> str:
    """Remove diacritics/tatweel, unify alef/ya/ta-marbuta and digits."""
    return _DIACRITICS.sub("", word).translate(_TRANS)


def strip_punct(word: str) -> str:
    s = _PUNCT_EDGES.sub("", word)
    return s or word


def split_prefix(nword: str, min_stem: int = 2) -> tuple[str, str]:
    """(prefix, stem) for a normalised word; prefix may be ''."""
    for p in _PREFIXES:
        if nword.startswith(p) and len(nword) - len(p) >= min_stem:
            return p, nword[len(p):]
    return "", nword


def strip_conj(nword: str) -> str:
    if len(nword) > 3 and nword[0] in _CONJ:
        return nword[1:]
    return nword


def split_suffix(stem: str, min_stem: int = 3) -> tuple[str, str]:
    for s in _SUFFIXES:
        if stem.endswith(s) and len(stem) - len(s) >= min_stem:
            return stem[: -len(s)], s
    return stem, ""


_TOKEN_RE = re.compile(r"[\w\u0600-\u06ff]+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Word/punctuation tokenizer used for the unlabeled news corpus."""
    return _TOKEN_RE.findall(text)
