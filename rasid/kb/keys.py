"""Matching keys for names: one place for the rules shared by the KB index and the
mention side, so that both are folded the same way (see docs/entities.md).

- ``name_key``: ``rasid.text.normalize`` (hamza/alef, ya/alef maqsura, ta marbuta,
  diacritics, digits), punctuation and ``_``/``#``/``-`` as spaces, Latin lowercased.
- ``compact``: the key without spaces, so ``عبد العزيز`` == ``عبدالعزيز`` and
  ``نصر الله`` == ``نصرالله``.
- ``drop_al``: the key without the article of its first word.
- ``skeleton``: a loose key for transliterated foreign names: غ/ج/چ/ژ/گ -> ج, ڤ -> ف,
  پ -> ب, تش -> ش, long-vowel letters (ا و ي) and hamza seats dropped inside a word,
  doubled letters collapsed: ``ترامب``/``ترمب``, ``سيرغي``/``سيرجي``, ``بوتين``/``بوتن``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rasid.text import normalize

_SEP = re.compile(r"[^\w]+|_", re.UNICODE)
_SKEL_MAP = str.maketrans({"غ": "ج", "چ": "ج", "ژ": "ج", "گ": "ج", "ڤ": "ف", "پ": "ب",
                           "ظ": "ض", "ذ": "ز", "ث": "س", "ء": None})
_VOWELS = set("اويى")
_CLITIC_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "وب", "ول", "فب",
                    "فل", "وك", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=65536)
def name_key(s: str) -> str:
    """Normalized, space-separated words of a name (``""`` when nothing is left)."""
    s = normalize(s).lower()
    return " ".join(w for w in _SEP.split(s) if w)


def compact(key: str) -> str:
    return key.replace(" ", "")


def drop_al(key: str) -> str:
    """``الامم المتحده`` -> ``امم المتحده``; keys too short to carry a name stay."""
    if key.startswith("ال") and len(key.split(" ", 1)[0]) > 4:
        return key[2:]
    return key


def _skel_word(w: str) -> str:
    w = w.translate(_SKEL_MAP).replace("تش", "ش")
    if len(w) <= 2:
        return w
    out = [w[0]]
    for ch in w[1:]:
        if ch in _VOWELS:
            continue
        if ch == out[-1]:
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def skeleton(key: str) -> str:
    """Loose consonant key of a (normalized) name key, words joined without spaces."""
    return "".join(_skel_word(w) for w in drop_al(key).split(" "))


def clitic_variants(key: str) -> list[str]:
    return [v for v, _ in clitic_variants_strip(key)]


def clitic_variants_strip(key: str, min_rest: int = 3) -> list[tuple[str, int]]:
    """The key with one leading proclitic group removed (``وواشنطن`` -> ``واشنطن``,
    ``للامم`` -> ``الامم``/``لامم``...), for mentions whose span kept a clitic."""
    out: list[tuple[str, int]] = []
    for p in _CLITIC_PREFIXES:
        if key.startswith(p) and len(key) - len(p) >= min_rest:
            rest = key[len(p):]
            if p.endswith("ال") or p.endswith("لل"):
                # the article stays in the span: strip the clitic letters before it
                # "للولايات" keeps its لل (ل + ال without its alef): the span must stay
                # an exact substring, so only a و/ف before it is cut
                out.append(("ال" + rest, len(p) - 2))
            else:
                out.append((rest, len(p)))
    if key.startswith("ل") and not key.startswith("ال") and len(key) > 4:
        # "للأمم" with the article's alef dropped: the span may read "لأمم"
        out.append(("ا" + key, 0))
    return out


#: a disambiguation in parentheses: ``نادي سلتيك (اسكتلندا)``
PARENTHESES = re.compile(r"\s*\(.*?\)\s*")
_CLUB_SUFFIX = re.compile(r" (الرياضي|الرياضية|لكرة القدم|للسيدات)$")


def club_short_names(title: str, is_nisba) -> list[str]:
    """How the news names a club whose title is ``نادي ...``: ``نادي السد القطري الرياضي`` ->
    ``["السد القطري", "السد"]`` (without نادي, a disambiguation in parentheses or a trailing
    الرياضي/لكرة القدم; then also without a final nationality adjective, as ``is_nisba``
    decides). Empty for any other title. Shared by the KB build and the NER gazetteer."""
    title = PARENTHESES.sub(" ", title).strip()
    if not title.startswith("نادي "):
        return []
    bare = _CLUB_SUFFIX.sub("", title[len("نادي "):].strip())
    words = bare.split()
    if not words:
        return []
    out = [bare]
    if len(words) > 1 and is_nisba(words[-1]):
        out.append(" ".join(words[:-1]))
    return out
