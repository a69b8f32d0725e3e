"""Nationality adjectives in running text, linked to their country.

``find_nationalities(doc)`` returns the nisba words of ``doc.text`` (``الروسي``,
``الأمريكية``, ``والسوريين``, ``بالإريترية``...) that are not part of an entity mention,
each with the country it refers to. They are not entity mentions (the gold guidelines and
the output contract leave them out of ``entities``), but they say which countries an
article is about ("نظيره الإريتري" is the only mention of Eritrea in some articles).

The table is built from data already shipped with the KB, no new list:

- ``nisba.txt.gz`` (arwikicats ``nationalities_data.json``: male, female, plural forms with
  and without the article, and the country id the build resolved for them); every form is
  reduced to its masculine stem (``الأمريكيات`` -> ``امريكي``) and the stem generates all
  forms: ``-ي -ية -يون -يين -يات`` with and without ``ال``; broken plurals (``الروس``,
  ``الأتراك``) stay as listed;
- stems the build could not resolve (``أيرلندي``: arwikicats says "republic of ireland")
  are resolved through the country's name, derived the usual way (``ايرلندي`` ->
  ``ايرلندا``; ``مقدوني`` -> ``مقدونيا``), when that name is a country in the KB;
- a stem followed by ``الجنوبي``/``الشمالي`` (any gender/number) names the country of
  that name when the KB has one: ``الكوري الجنوبي`` -> South Korea, ``السوداني الجنوبي``
  -> South Sudan (``كوري`` alone names no country);
- forms that are also common words are left out (``المالية`` financial, not Malian;
  ``القمري`` lunar; ``مجريات`` the course of events) and, for Yemen and Hungary, a final
  alef maqsura (``اليمنى`` the right-hand side, ``مجرى`` a channel).

Keys use ``rasid.kb.keys`` (the ``rasid.text.normalize`` folding: hamza seats, ta
marbuta, alef maqsura, diacritics); leading proclitics (و ف ب ك ل, ``لل``) are outside the
span unless they are ``لل`` (the span must stay an exact substring), as for entities.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rasid.doc import Doc, Nationality, Token
from rasid.kb.doclink import _raw_strip
from rasid.kb.keys import compact, name_key
from rasid.kb.linker import KBEntry, Linker, get_linker

#: stems that are ordinary words more often than nationalities
STOP_STEMS = frozenset({"مالي", "قمري"})
#: stems the KB has no country for that would resolve to one of several (two Congos)
AMBIGUOUS = frozenset({"كونغوي"})
#: forms that are ordinary words (compact keys, without the article): the course of
#: events, dairy (not Hungarian women, Albanians)
STOP_FORMS = frozenset({"مجريات", "البان"})
#: stems whose masculine form spelled with a final alef maqsura is another word
#: (``اليمنى`` right-hand, ``مجرى`` channel); ``اليمني`` / ``المجري`` are kept
NO_MAQSURA = frozenset({"يمني", "مجري"})
#: suffixes of a masculine stem ending in ي: -ية, -يون, -يين, -يات, and the indefinite
#: accusative -يًا (ترحيبا إسرائيليا); keys: ة -> ه. Forms that are a country's name
#: (سوريا، روسيا) are left to the entities (``NisbaTable.names``)
_SUFFIXES = ("", "ه", "ون", "ين", "ات", "ا")
_DIRECTIONS = {"جنوبي": "الجنوبيه", "شمالي": "الشماليه"}
_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")
#: proclitic groups, longest first
_PREFIXES = tuple(sorted({c + p for c in ("",) + _CONJ for p in ("",) + _PREP} - {""},
                         key=len, reverse=True))


def _stem(key: str, known: set[str]) -> str:
    """Masculine singular stem of a nisba form key (``الامريكيات`` -> ``امريكي``)."""
    if key.startswith("ال") and key[2:] in known:
        key = key[2:]
    for suf in ("يون", "يين", "يات", "يه"):
        if key.endswith(suf) and len(key) - len(suf) >= 2:
            return key[: -len(suf)] + "ي"
    return key


def _country_bases(stem: str) -> list[str]:
    """Country names a nisba stem is usually derived from (``ايرلندي`` -> ``ايرلندا``)."""
    if not stem.endswith("ي") or len(stem) < 4:
        return []
    b = stem[:-1]
    return [b + "ا", b + "يا", b, "ال" + b]


class NisbaTable:
    """Nisba forms -> stems -> country entries, over one Linker."""

    def __init__(self, lk: Linker) -> None:
        self.lk = lk
        known = set(lk.nisba)
        stem_country: dict[str, set[int]] = {}
        for k in sorted(known):
            s = _stem(k, known)
            ids = stem_country.setdefault(s, set())
            i = lk.adj_country.get(k)
            if i is not None:
                ids.add(i)
        #: stem -> its country (None: a nisba that names no single country: عربي، كوري)
        self.stems: dict[str, KBEntry | None] = {}
        for s, ids in stem_country.items():
            entries = {lk.entries[i].id: lk.entries[i] for i in ids}
            e: KBEntry | None
            if len(entries) == 1:
                e = next(iter(entries.values()))
            elif not entries:
                e = self._derived(s)
            else:
                e = None  # two countries claim it
            self.stems[s] = None if s in STOP_STEMS else e
        #: every form (compact key, with and without the article) -> its stem
        self.forms: dict[str, str] = {}
        #: forms with a nisba ending (-ي -ية -يون...): the only ones taken without the
        #: article after a proclitic ("وسوري"; not "كارمن" = ك + "ارمن")
        self.suffixed: set[str] = set()
        for s in self.stems:
            if not s.endswith("ي"):
                continue
            for v in (s + suf for suf in _SUFFIXES):
                self.forms.setdefault(v, s)
                self.forms.setdefault("ال" + v, s)
                self.suffixed.add(v)
        for k in sorted(known):  # forms as listed (broken plurals, irregular spellings)
            s = _stem(k, known)
            self.forms.setdefault(k, s)
            if not k.startswith("ال"):
                self.forms.setdefault("ال" + k, s)
        for k in STOP_FORMS:
            for v in (k, "ال" + k):
                self.forms.pop(v, None)
        #: forms that are also a country's name (``السعودية``, ``سورية``): the entities'
        #: business (a person named ``السوداني`` does not count)
        self.names = {k for k in self.forms
                      if any(lk.entries[i].is_country for i in lk.exact.get(k, ()))}
        self._cache: dict[str, tuple[int, str] | None] = {}
        self._two: dict[tuple[str, str], KBEntry | None] = {}

    def _derived(self, stem: str) -> KBEntry | None:
        if stem in AMBIGUOUS:
            return None
        for b in _country_bases(stem):
            m = self.lk.match(b, "LOC")  # the name as such: "بروسيا" is not "ب" + "روسيا"
            if m is not None and m.how in ("exact", "noal") and m.entry.is_country:
                return m.entry
        return None

    def word(self, text: str) -> tuple[int, str] | None:
        """``(clitic_letters, stem)`` when a token is a nisba form, else None (cached)."""
        got = self._cache.get(text, False)
        if got is not False:
            return got  # type: ignore[return-value]
        got = self._word(compact(name_key(text)), text)
        if len(self._cache) > 200000:
            self._cache.clear()
        self._cache[text] = got
        return got

    def _word(self, k: str, raw: str) -> tuple[int, str] | None:
        if len(k) < 3:
            return None
        hit: tuple[int, str] | None = None
        s = self.forms.get(k)
        if s is not None:
            if k in self.names:
                return None
            hit = (0, s)
        else:
            for p in _PREFIXES:
                if not k.startswith(p):
                    continue
                rest = k[len(p):]
                if rest.startswith("ال"):
                    s = self.forms.get(rest)
                    if s is not None:
                        hit = (len(p), s)
                        break
                elif p.endswith("ل") and rest.startswith("ل"):
                    # "للروسي": ل + the article without its alef; "لل" stays in the span
                    s = self.forms.get("ا" + rest)
                    if s is not None:
                        hit = (len(p) - 1, s)
                        break
                elif len(rest) >= 4 and rest in self.suffixed:
                    s = self.forms.get(rest)
                    if s is not None:
                        hit = (len(p), s)
                        break
        if hit is None:
            return None
        if hit[1] in NO_MAQSURA and raw.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652").endswith("ى"):
            return None
        return hit

    def two_word(self, stem: str, direction: str) -> KBEntry | None:
        """``كوري`` + ``جنوبي`` -> South Korea (a country the KB names ``كوريا الجنوبية``)."""
        key = (stem, direction)
        if key not in self._two:
            found = None
            for b in _country_bases(stem) + [self._country_name(stem)]:
                if not b:
                    continue
                for name in (f"{b} {_DIRECTIONS[direction]}",
                             f"{'جنوب' if direction == 'جنوبي' else 'شمال'} {b}"):
                    e = self.lk.link(name, "LOC")
                    if e is not None and e.is_country:
                        found = e
                        break
                if found is not None:
                    break
            self._two[key] = found
        return self._two[key]

    def _country_name(self, stem: str) -> str:
        e = self.stems.get(stem)
        return name_key(e.ar[0]) if e is not None and e.ar else ""

    def find(self, tokens: Sequence[Token], text: str,
             skip: Iterable[tuple[int, int]] = ()) -> list[Nationality]:
        """Nisba words of a token sequence with a country, outside the ``skip`` spans."""
        spans = sorted(skip)
        starts = [a for a, _ in spans]
        ends_max: list[int] = []
        m = -1
        for _, b in spans:
            m = max(m, b)
            ends_max.append(m)

        def inside(a: int, b: int) -> bool:
            i = bisect_left(starts, b)  # spans starting before b
            return i > 0 and ends_max[i - 1] > a

        out: list[Nationality] = []
        cache = self._cache
        toks = list(tokens)
        n = len(toks)
        free = 0  # the first token not consumed by a two-word match
        for i, t in enumerate(toks):
            w = cache.get(t.text, False)
            if w is False:
                w = self.word(t.text)
            if w is None or i < free:
                continue
            strip, stem = w  # type: ignore[misc]
            last = i
            entry = None
            if i + 1 < n:
                d = _direction(toks[i + 1].text)
                if d is not None:
                    entry = self.two_word(stem, d)
                    if entry is not None:
                        last = i + 1
            if entry is None:
                entry = self.stems.get(stem)
            free = last + 1
            if entry is None:
                continue
            start = t.start + _raw_strip(t.text, strip)
            end = toks[last].end
            if not inside(start, end):
                out.append(Nationality(start, end, text[start:end], entry.id, entry.name,
                                       entry.country))
        return out


@lru_cache(maxsize=4096)
def _direction(text: str) -> str | None:
    """``جنوبي``/``شمالي`` when a word is that adjective in any form (``الجنوبية``)."""
    k = compact(name_key(text))
    k = _stem(k[2:] if k.startswith("ال") else k, set())
    return k if k in _DIRECTIONS else None


@lru_cache(maxsize=4)
def get_nisba(lk: Linker | None = None) -> NisbaTable:
    """The process-wide table over the shipped KB (or over ``lk``)."""
    return NisbaTable(lk or get_linker())


def find_nationalities(doc: Doc, lk: Linker | None = None) -> list[Nationality]:
    """Nationality adjectives of ``doc.text`` outside its entity mentions."""
    return get_nisba(lk).find(doc.tokens, doc.text, ((e.start, e.end) for e in doc.entities))
