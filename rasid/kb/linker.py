"""Alias matcher over the shipped KB: ``get_linker().link("لافروف", "PER")``.

Everything is dictionary lookups on keys built once per process (``get_linker`` is
cached); no loop over the KB per mention. Tiers, first hit wins:

1. exact key (``rasid.kb.keys.compact(name_key)``) of an alias;
2. the same without the article of the first word (``الأسد`` ~ ``أسد``);
3. 1-2 again after removing a leading proclitic the NER span kept (``وواشنطن``);
4. skeleton key (transliteration variants ``ترمب``/``ترامب``, ``سيرجي``/``سيرغي``),
   only when it picks out one entity;
5. for PER mentions of one word: the surname of a curated person, when no other
   curated person, no given name and no other alias shares it, and it is not an ordinary
   word (the ``scan_stop`` list).

Among candidates of a tier, a candidate of the mention's type beats one of a compatible
type (LOC~ORG, MISC~any), and then the higher ``prio`` wins (curated > countries >
large cities > small cities...). Nationality adjectives (``الروسي``) never link.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rasid.doc import Token
from rasid.kb.keys import clitic_variants_strip, compact, drop_al, name_key, skeleton

KB_DIR = Path(__file__).resolve().parent.parent / "resources" / "kb"
KB_FILE = KB_DIR / "kb.tsv.gz"
NISBA_FILE = KB_DIR / "nisba.txt.gz"
SCAN_STOP_FILE = KB_DIR / "scan_stop.txt.gz"
#: entries searched for in running text: curated, generated institutions, countries,
#: regions and cities of about 300,000 people or more
SCAN_PRIO = 550


@dataclass(frozen=True, slots=True)
class KBEntry:
    id: str
    name: str
    type: str
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    #: other English names (for comparisons; the display name is ``name``)
    aliases: tuple[str, ...] = ()
    #: Arabic names as listed in the KB
    ar: tuple[str, ...] = ()
    #: Arabic title phrases the person is known by (curated people)
    titles: tuple[str, ...] = ()
    prio: int = 0
    src: str = ""

    @property
    def curated(self) -> bool:
        return "curated" in self.src or self.src == "template"

    @property
    def is_country(self) -> bool:
        return self.src.startswith("cldr")


@dataclass(frozen=True, slots=True)
class Match:
    entry: KBEntry
    #: which tier matched: exact, noal, clitic, skeleton, surname
    how: str
    #: the entry's type agrees with the mention's type (or no type was given)
    same_type: bool
    #: leading characters of the mention that are a clitic, not part of the name
    strip: int = 0


_CLITIC_FIRST = set("وفبلك")
_COMPATIBLE = {("LOC", "ORG"), ("ORG", "LOC"), ("MISC", "ORG"), ("MISC", "LOC"),
               ("MISC", "PER")}


class Linker:
    """Lookup tables over a list of KB entries."""

    def __init__(self, entries: Iterable[KBEntry], nisba: Iterable[str] = (),
                 scan_stop: Iterable[str] = ()) -> None:
        self.entries: list[KBEntry] = list(entries)
        self.by_id: dict[str, KBEntry] = {e.id: e for e in self.entries}
        self.exact: dict[str, list[int]] = {}
        self.noal: dict[str, list[int]] = {}
        skel: dict[str, set[int]] = {}
        given: set[str] = set()
        surname: dict[str, set[int]] = {}
        for i, e in enumerate(self.entries):
            for a in e.ar:
                k = name_key(a)
                if not k:
                    continue
                c = compact(k)
                _add(self.exact, c, i)
                n = compact(drop_al(k))
                if n != c:
                    _add(self.noal, n, i)
                words = k.split(" ")
                s = skeleton(k)
                if len(s) >= (3 if len(words) > 1 else 4) and e.prio >= 950:
                    skel.setdefault(s, set()).add(i)
                if e.type == "PER" and len(words) > 1:
                    given.add(words[0])
                    if e.curated and len(words[-1]) >= 3:
                        surname.setdefault(words[-1], set()).add(i)
        # a skeleton is usable only when it names one entity
        self.skel: dict[str, int] = {}
        for s, ids in skel.items():
            if len({self.entries[i].id for i in ids}) == 1:
                self.skel[s] = min(ids)
        self.nisba: set[str] = set()
        #: nationality adjective -> country entry (lines "adjective<TAB>country id")
        self.adj_country: dict[str, int] = {}
        for line in nisba:
            adj, _, cid = line.partition("\t")
            k = compact(name_key(adj))
            self.nisba.add(k)
            j = self._index_of(cid) if cid else None
            if j is not None:
                self.adj_country.setdefault(k, j)
        stop = {compact(name_key(w)) for w in scan_stop}
        self._build_scan(stop)
        self.surname: dict[str, int] = {}
        for w, ids in surname.items():
            # a surname that is also an ordinary word (الضيف "the guest", السلام, الثالث,
            # بين) links only through the full name in the same article (doclink), never alone
            if (len({self.entries[i].id for i in ids}) == 1 and w not in given
                    and w not in self.exact and w not in self.nisba
                    and w not in stop and drop_al(w) not in stop):
                self.surname[w] = min(ids)

    def _index_of(self, id: str) -> int | None:
        if not hasattr(self, "_pos"):
            self._pos = {e.id: i for i, e in enumerate(self.entries)}
        return self._pos.get(id)

    # ------------------------------------------------------------------ lookups

    def _pick(self, idxs: list[int], type: str | None, how: str) -> Match | None:
        best: tuple[int, int] | None = None
        pick = -1
        for i in idxs:
            e = self.entries[i]
            if type is None or e.type == type:
                rank = 2
            elif (type, e.type) in _COMPATIBLE and (type != "MISC" or e.prio >= 950):
                rank = 1
            elif type == "PER" and e.prio >= 950:
                rank = 0  # a country or curated entry tagged as a person by the NER
            elif e.type == "PER" and e.prio >= 950 and how == "exact":
                rank = 0  # a curated person's full alias tagged as an organisation or place
                # (نتانياهو typed ORG in "حكومة نتانياهو", LOC in "إلى نتانياهو")
            else:
                continue
            score = (rank, e.prio)
            if best is None or score > best:
                best, pick = score, i
        if best is None:
            return None
        return Match(self.entries[pick], how, best[0] == 2)

    def candidates(self, text: str, type: str | None = None) -> list[KBEntry]:
        """All entries an exact or article-less key gives, best first (for callers
        that disambiguate with document context, e.g. cities by country)."""
        k = name_key(text)
        c = compact(k)
        idxs = list(self.exact.get(c, ())) + list(self.noal.get(c, ()))
        n = compact(drop_al(k))
        if n != c:
            idxs += list(self.exact.get(n, ())) + list(self.noal.get(n, ()))
        seen: dict[str, KBEntry] = {}
        for i in idxs:
            e = self.entries[i]
            if type is None or e.type == type or (type, e.type) in _COMPATIBLE:
                seen.setdefault(e.id, e)
        return sorted(seen.values(), key=lambda e: (type is not None and e.type != type,
                                                    -e.prio))

    def is_adjective(self, text: str) -> bool:
        """A nationality adjective (``الروسي``, ``الأمريكية``) that is no KB name."""
        c = compact(name_key(text))
        return c in self.nisba and c not in self.exact

    def match(self, text: str, type: str | None = None) -> Match | None:
        k = name_key(text)
        if not k:
            return None
        c = compact(k)
        if c in self.nisba:
            return self._nisba_name(c, type, "exact")
        m = self._match_key(k, type)
        if m is not None:
            return m
        first, _, rest = k.partition(" ")
        for v, strip in clitic_variants_strip(first, 2 if rest else 3):
            vk = (v + " " + rest) if rest else v
            if compact(vk) in self.nisba:  # للسعودية -> السعودية
                m = self._nisba_name(compact(vk), type, "clitic")
                if m is not None:
                    return Match(m.entry, "clitic", True, strip)
                continue
            m = self._match_key(vk, type, "clitic")
            if m is not None:
                return Match(m.entry, "clitic", m.same_type, strip)
        return None

    def _nisba_name(self, c: str, type: str | None, how: str) -> Match | None:
        """A key that is also a nationality adjective (``السعوديه``): the name it spells
        exactly, only when the mention is typed as that entry is."""
        hit = self.exact.get(c)
        m = self._pick(hit, type, how) if hit else None
        return m if m is not None and m.same_type else None

    def _match_key(self, k: str, type: str | None, how: str | None = None) -> Match | None:
        m = self._lookup(k, type, how)
        if m is not None:
            return m
        i = self.skel.get(skeleton(k))
        if i is not None:
            m = self._pick([i], type, how or "skeleton")
            if m is not None:
                return m
        if type in (None, "PER") and " " not in k:
            j = self.surname.get(drop_al(k))
            if j is None:
                j = self.surname.get(k)
            if j is not None:
                return self._pick([j], type, how or "surname")
        return None

    # ------------------------------------------------------------------ scanning

    def _build_scan(self, stop: set[str]) -> None:
        """Keys searched for in running text (``scan``) and all their word prefixes."""
        self.scan_keys: dict[str, int] = {}
        self.scan_prefixes: set[str] = set()
        self.scan_max = 1
        self._start_cache: dict[str, tuple[tuple[str, int], ...]] = {}
        for i, e in enumerate(self.entries):
            if e.prio < SCAN_PRIO or (e.src == "template" and e.prio < 700):
                continue
            for a in e.ar:
                k = name_key(a)
                words = k.split(" ")
                c = compact(k)
                if not c or len(words) > 8:
                    continue
                if len(words) == 1 and (c in stop or c in self.nisba
                                        or len(c) < (3 if c.isascii() else 4)
                                        or e.prio < (600 if e.type == "LOC" else 950)):
                    continue
                old = self.scan_keys.get(c)
                if old is None or self.entries[old].prio < e.prio:
                    self.scan_keys[c] = i
                acc = ""
                for w in words[:-1]:
                    acc += w
                    self.scan_prefixes.add(acc)
                self.scan_max = max(self.scan_max, len(words))

    def _starts(self, text: str) -> tuple[tuple[str, int], ...]:
        """Keys a match may start with at a token (the token, or the token without a
        proclitic), kept only when they begin some scanned name; cached per word."""
        got = self._start_cache.get(text)
        if got is None:
            k0 = compact(name_key(text))
            cands = [(k0, 0)]
            if k0[:1] in _CLITIC_FIRST:
                cands += [(compact(v), n) for v, n in clitic_variants_strip(k0)]
            got = tuple((k, n) for k, n in cands
                        if k and (k in self.scan_keys or k in self.scan_prefixes))
            if len(self._start_cache) > 200000:
                self._start_cache.clear()
            self._start_cache[text] = got
        return got

    def scan(self, tokens: Sequence[Token]) -> list[tuple[int, int, int, KBEntry]]:
        """KB names in a token sequence: ``(first_token, last_token, clitic_chars, entry)``,
        longest match first, left to right, no overlaps."""
        out: list[tuple[int, int, int, KBEntry]] = []
        keys, prefixes = self.scan_keys, self.scan_prefixes
        texts = [t.text for t in tokens]
        n = len(texts)
        limit = self.scan_max + 2
        cache = self._start_cache
        i = 0
        while i < n:
            starts = cache.get(texts[i])
            if starts is None:
                starts = self._starts(texts[i])
            if not starts:
                i += 1
                continue
            best: tuple[int, int, int] | None = None
            for acc, strip in starts:
                if acc in keys and (best is None or best[0] < i):
                    best = (i, keys[acc], strip)
                j = i
                while acc in prefixes and j + 1 < n and j - i < limit:
                    j += 1
                    tj = texts[j]
                    if tj in ("_", "-", "ـ"):
                        continue
                    kj = _ckey(tj)
                    if not kj:
                        break
                    acc += kj
                    if acc in keys and (best is None or best[0] < j):
                        best = (j, keys[acc], strip)
            if best is None:
                i += 1
                continue
            out.append((i, best[0], best[2], self.entries[best[1]]))
            i = best[0] + 1
        return out

    def _lookup(self, k: str, type: str | None, how: str | None = None) -> Match | None:
        c = compact(k)
        hit = self.exact.get(c)
        if hit:
            m = self._pick(hit, type, how or "exact")
            if m is not None:
                return m
        n = compact(drop_al(k))
        for table, key in ((self.exact, n), (self.noal, c), (self.noal, n)):
            if key == c and table is self.exact:
                continue
            hit = table.get(key)
            if hit:
                m = self._pick(hit, type, how or "noal")
                if m is not None:
                    return m
        return None

    def link(self, text: str, type: str | None = None) -> KBEntry | None:
        """The KB entry a mention names, or None."""
        m = self.match(text, type)
        return m.entry if m is not None else None

    def get(self, id: str) -> KBEntry | None:
        return self.by_id.get(id)

    def __len__(self) -> int:
        return len(self.entries)


@lru_cache(maxsize=100000)
def _ckey(text: str) -> str:
    return compact(name_key(text))


def _add(d: dict[str, list[int]], k: str, i: int) -> None:
    lst = d.get(k)
    if lst is None:
        d[k] = [i]
    elif lst[-1] != i:
        lst.append(i)


def _split(s: str) -> tuple[str, ...]:
    return tuple(x for x in s.split("|") if x)


def read_kb(path: Path = KB_FILE) -> list[KBEntry]:
    """Entries of a KB file written by ``rasid.kb.build``."""
    if not path.exists():
        from rasid.errors import RasidError

        raise RasidError(f"knowledge base not found: {path}; run `rasid build kb`")
    out: list[KBEntry] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) < 11:
                continue
            out.append(KBEntry(
                id=c[0], type=c[1], name=c[2], country=c[3] or None,
                lat=float(c[4]) if c[4] else None, lon=float(c[5]) if c[5] else None,
                prio=int(c[6] or 0), ar=_split(c[7]), aliases=_split(c[8]),
                titles=_split(c[9]), src=c[10]))
    return out


def read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def get_linker() -> Linker:
    """The process-wide linker over the shipped KB (built on first use)."""
    return Linker(read_kb(), read_lines(NISBA_FILE), read_lines(SCAN_STOP_FILE))
