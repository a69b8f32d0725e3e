"""English spellings for people the knowledge base does not know (``مارتن دولان`` ->
``Martin Dolan``).

A person's name that links to no KB entry keeps ``id: null``; when every word of its
fullest mention has a well-attested Latin spelling, the group gets that romanization as
its ``name``, so a reader (and every later stage that keys on names: events, stories)
sees one English name per person instead of nothing.

The table is built by ``rasid build kb`` from two word-level name lists in
``shared/data/kb``: Wikidata person-name word pairs (``netransliteration_wd_arabic``,
CC0: Arabic word, English word, count over Wikidata names) and Google's Arabic-to-English
name-word pairs (``google_transliteration_ar2en``, Apache-2.0; each pair counts once). A
word is kept with its most frequent spelling when that spelling was seen at least
``MIN_COUNT`` times and holds at least ``MIN_SHARE`` of the word's pairs: ``روبرت`` ->
Robert (1,383 of 1,402), ``هاردي`` -> Hardy; a spelling seen once (``سايمون`` -> saimon)
is not trusted, and then the whole name stays ``null``: a half-romanized name would be
worse than none.
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from rasid.kb.keys import name_key

TABLE_FILE = Path(__file__).resolve().parent.parent / "resources" / "kb" / "name_words.tsv.gz"
MIN_COUNT = 2
MIN_SHARE = 0.4
#: words of a name that are not romanized word by word
_JOINERS = {"بن": "bin", "ابن": "ibn", "بنت": "bint", "ابو": "Abu", "ام": "Umm"}


def build_table(kbdir: Path) -> list[str]:
    """``arabic-key<TAB>English`` lines from the shared name-word lists (see module doc)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    p = kbdir / "netransliteration_wd_arabic" / "wd_arabic.normalized.aligned.tokens"
    if not p.exists():
        raise FileNotFoundError(f"name-word pairs not found: {p}")
    with open(p, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[2].isdigit():
                continue
            key = name_key(parts[1].replace(" ", ""))
            if len(key) > 1 and " " not in key:
                counts[key][parts[0].lower()] += int(parts[2])
    p = kbdir / "google_transliteration_ar2en" / "ar2en.txt"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                ar, _, en = line.rstrip("\n").partition("\t")
                key = name_key(ar)
                if len(key) > 1 and en and " " not in key:
                    counts[key][en.lower()] += 1
    out = []
    for key, c in counts.items():
        en, n = c.most_common(1)[0]
        if n >= MIN_COUNT and n >= MIN_SHARE * sum(c.values()) and en.isascii() and \
                any(ch.isalpha() for ch in en):
            out.append(f"{key}\t{en}")
    return out


def _cap(word: str) -> str:
    """``o'neil`` -> ``O'Neil``, ``al-sayed`` -> ``Al-Sayed``."""
    out, up = [], True
    for ch in word:
        out.append(ch.upper() if up else ch)
        up = ch in "-' "
    return "".join(out)


class Romanizer:
    def __init__(self, path: Path = TABLE_FILE) -> None:
        self.table: dict[str, str] = {}
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("#"):
                        continue
                    key, _, en = line.rstrip("\n").partition("\t")
                    if en:
                        self.table[key] = en

    def person(self, text: str) -> str | None:
        """The romanized name of a person mention of two or more words, or ``None`` when a
        word has no trusted spelling (one word alone is too often a bare surname)."""
        words = name_key(text).split()
        if len(words) < 2:
            return None
        out = []
        for w in words:
            en = _JOINERS.get(w) or self.table.get(w)
            if en is None:
                return None
            out.append(en if en[:1].isupper() or en in ("bin", "ibn", "bint") else _cap(en))
        return " ".join(out)


@lru_cache(maxsize=1)
def get_romanizer() -> Romanizer:
    return Romanizer()
