"""Language data for the time layer, loaded once from ``rasid/resources/timex/*.json``.

Everything here is matched on *normalized* text (see :func:`normalize`): hamza/alef forms,
alef maqsura, ta marbuta, Persian letters, Arabic-Indic and Persian digits and odd spaces are
folded one character for one character; diacritics, tatweel and zero-width marks are dropped
(an offset map brings matches back to the original string).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ې": "ي",
    "ک": "ك", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ",
    "\u3000": " ", "\t": " ", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2212": "-", "\u066b": ",", "\u066c": ",", "\u060c": "،",
}
for _i in range(10):
    _FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _FOLD[chr(0x06F0 + _i)] = str(_i)  # Persian (Eastern Arabic) digits
FOLD_TABLE = str.maketrans(_FOLD)

# dropped: harakat, tanween, shadda, sukun, superscript alef, Quranic marks, tatweel, ZW*
_DROP_CHARS = ("".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640"
               + "".join(chr(c) for c in range(0x06D6, 0x06EE))
               + "\u200b\u200c\u200d\u200e\u200f\u061c\ufeff")
DROP_RE = re.compile("[" + re.escape(_DROP_CHARS) + "]")
_DROP_SET = frozenset(_DROP_CHARS)


def normalize(s: str) -> str:
    """Normalized form of a data string (no offset map)."""
    return DROP_RE.sub("", s.translate(FOLD_TABLE))


def normalize_with_map(text: str) -> tuple[str, list[int] | None]:
    """Normalize ``text``; return it and, when characters were dropped, the list mapping
    each normalized index to its original index (with a final sentinel ``len(text)``)."""
    t = text.translate(FOLD_TABLE)
    if DROP_RE.search(t) is None:
        return t, None
    keep = [i for i, ch in enumerate(t) if ch not in _DROP_SET]
    return "".join(t[i] for i in keep), keep + [len(text)]


def _load(name: str) -> dict[str, Any]:
    path = resources.files("rasid.resources") / "timex" / name
    return json.loads(path.read_text(encoding="utf-8"))


def _trie_regex(words: list[str]) -> str:
    """A regex equivalent to the alternation of ``words`` (longest match first), built
    from a character trie so that matching fails fast (Python's re does not factor
    alternations). A space in a phrase matches any run of blanks (not newlines)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            piece = r"[^\S\n]+" if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


def alt(words, *, group: str | None = None) -> str:
    """A regex alternation of normalized phrases (longest match preferred)."""
    forms = sorted({" ".join(normalize(w).split()) for w in words if w})
    body = _trie_regex(forms)
    if group:
        return f"(?P<{group}>{body})"
    return f"(?:{body})"


def key(s: str) -> str:
    """Lookup key for a matched phrase: normalized, blanks collapsed."""
    return " ".join(normalize(s).split())


class Lexicon:
    """All look-up tables (normalized keys)."""

    def __init__(self) -> None:
        months = _load("months.json")
        self.months: dict[str, int] = {}
        for system in months["cldr"].values():
            for m, names in system.items():
                for n in names:
                    self.months[key(n)] = int(m)
        for m, names in months["variants"].items():
            for n in names:
                self.months[key(n)] = int(m)
        self.ambiguous_months = {key(n) for n in months["ambiguous"]["names"]}

        wd = _load("weekdays.json")
        self.weekdays: dict[str, int] = {}
        for part in ("cldr", "variants"):
            for d, names in wd[part].items():
                for n in names:
                    self.weekdays[key(n)] = int(d)
        self.weekday_not_after = {int(d): {key(w) for w in ws}
                                  for d, ws in wd["not_after"].items() if d.isdigit()}

        hj = _load("hijri.json")
        self.hijri_months: dict[str, int] = {}
        for m, names in hj["months"].items():
            for n in names:
                self.hijri_months[key(n)] = int(m)
        self.hijri_need_context = {key(n) for n in hj["need_context"]["names"]}
        self.hijri_era = [normalize(e) for e in hj["era_markers"]]

        num = _load("numbers.json")
        self.cardinals: dict[str, int] = {}
        units = {int(k): v for k, v in num["units"].items()}
        for n, forms in units.items():
            for f in forms:
                self.cardinals[key(f)] = n
        teen_units = dict(units)
        for k, v in num["teen_units"].items():
            teen_units[int(k)] = v
        for n in range(1, 10):
            for f in teen_units[n]:
                for suf in num["teens_suffix"]:
                    self.cardinals[key(f"{f} {suf}")] = 10 + n
        for t, forms in num["tens"].items():
            for f in forms:
                self.cardinals[key(f)] = int(t)
                for n in range(1, 10):
                    for u in units[n]:
                        self.cardinals[key(f"{u} و{f}")] = int(t) + n
        self.ordinals: dict[str, int] = {}
        ords = {int(k): v for k, v in num["ordinals"].items()}
        for n, forms in ords.items():
            for f in forms:
                self.ordinals[key(f)] = n
        teen_ords = dict(ords)
        for k, v in num["ordinal_teen_units"].items():
            teen_ords[int(k)] = v
        for n in range(1, 10):
            for f in teen_ords[n]:
                if not f.startswith("ال"):
                    continue
                for suf in num["teens_suffix"]:
                    self.ordinals[key(f"{f} {suf}")] = 10 + n
        for t, forms in num["ordinal_tens"].items():
            for f in forms:
                self.ordinals[key(f)] = int(t)
                for n in range(1, 10):
                    for u in teen_ords[n]:
                        if u.startswith("ال") and int(t) + n <= 31:
                            self.ordinals[key(f"{u} و{f}")] = int(t) + n

        rel = _load("relative.json")
        self.rel_days: dict[str, int] = {}
        for off, words in rel["days"].items():
            for w in words:
                self.rel_days[key(w)] = int(off)
        self.today_not_before = {key(w) for w in rel["today_not_before"]}
        self.today_not_followed = {key(w) for w in rel["today_not_followed_by"]}
        self.periods: dict[str, str] = {}
        for unit, words in rel["periods"].items():
            for w in words:
                self.periods[key(w)] = unit
        self.modifiers: dict[str, int | str] = {}
        for off, words in rel["modifiers"].items():
            for w in words:
                self.modifiers[key(w)] = off if not off.lstrip("-").isdigit() else int(off)
        self.this_words = [normalize(w) for w in rel["this"]]
        self.units: dict[str, tuple[str, str]] = {}  # form -> (unit, number kind)
        for unit, kinds in rel["units"].items():
            for kind in ("singular", "plural", "dual"):
                for w in kinds[kind]:
                    self.units.setdefault(key(w), (unit, kind))
        self.unit_forms = {unit: {k: [normalize(w) for w in v] for k, v in kinds.items()}
                           for unit, kinds in rel["units"].items()}
        self.ago = [normalize(w) for w in rel["ago"]]
        self.after = [normalize(w) for w in rel["after"]]
        self.approx = [normalize(w) for w in rel["approx"]]
        self.day_parts = [normalize(w) for w in rel["day_parts"]]
        self.seasons = [normalize(w) for w in rel["seasons"]]

        ctx = _load("context.json")
        self.future_markers = [normalize(w) for w in ctx["future_markers"]]
        self.future_stop = tuple(normalize(w) for w in ctx["future_prefix_stoplist"])
        self.past_reporting = {key(w) for w in ctx["past_reporting"]}
        self.past_before = {key(w) for w in ctx["past_before"]}
        self.general_not_after = {key(w) for w in ctx["general_not_after"]}
        self.year_before = {key(w) for w in ctx["year_before"]}
        self.year_not_before = [key(w) for w in ctx["year_not_before"]]
        self.year_not_after = [key(w) for w in ctx["year_not_after"]]

        hol = _load("holidays.json")
        self.holidays: dict[str, tuple[str, int, int]] = {}
        for cal in ("gregorian", "hijri"):
            for md, names in hol[cal].items():
                m, d = (int(x) for x in md.split("-"))
                for n in names:
                    self.holidays[key(n)] = (cal, m, d)
        for n in hol.get("easter", {}).get("names", []):
            self.holidays[key(n)] = ("easter", 0, 0)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()
