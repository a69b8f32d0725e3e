"""Normalization for matching and search keys. It never touches the displayed text:
callers normalize a copy (a token, a name, a query) and compare normalized forms."""

from __future__ import annotations

import re
from functools import lru_cache

from rasid.text.charmap import charmap


@lru_cache(maxsize=1)
def _table() -> dict[int, int | None]:
    cm = charmap()
    table: dict[int, int | None] = {ord(k): ord(v) for k, v in cm["map"].items()}
    for ch in cm["drop"]:
        table[ord(ch)] = None
    for ch in cm["clean_drop"]:
        table[ord(ch)] = None
    return table


def normalize(s: str) -> str:
    """Fold alef/hamza forms, alef maqsura/ya, ta marbuta, diacritics, tatweel and
    Arabic-Indic/Persian digits: ``normalize("أُسامة") == normalize("اسامه")``."""
    return s.translate(_table())


#: a conjunction/preposition with the article (و ب ك ف + ال, or لل) at the start of a
#: word, followed by a stem of two letters or more: always a clitic cluster
CLITIC_CLUSTER = re.compile(r"(?<!\w)(?:[وف]?[بك]?ال|[وف]?لل)(?=\w{2})")

_CONJ = "وف"
_PREP = "بلك"


def strip_clitics(word: str) -> int:
    """Heuristic count of leading proclitic characters, keeping the article ``ال``.

    - conjunction/preposition + article: ``والحكومة`` -> 1, ``وبالعاصمة`` -> 2,
      ``للأمم`` -> 1 (ل + ال with its alef dropped: the rest ``لأمم`` is kept as is);
    - و/ف + a stem of four or more letters: ``وواشنطن`` -> 1, ``وموسكو`` -> 1;
    - otherwise 0 (``وزير``, ``وقال``, ``بيروت`` stay whole).

    It is a best guess (``فرنسا`` -> 1 is wrong): stages that must be exact, such as
    entity spans, confirm a strip against the lexicon or the rest of the document.
    """
    n = len(word)
    i = 0
    if n > 3 and word[0] in _CONJ:
        i = 1
    if n - i > 3 and word[i] in _PREP:
        if word.startswith("ال", i + 1) or word.startswith("لل", i):
            return i + 1
    if i and word.startswith("ال", i):
        return i
    if i and n - i >= 4:
        return i
    return 0
