"""Document-level linking: KB ids and names for the NER mentions of one Doc, in-document
coreference (``group``), places with coordinates, type fixes, and ``resolve_title`` for
title-only mentions (``الوزير``) used by the quotes stage.

Order of decisions for one document:

1. every mention is matched alone (``Linker.match``); nationality adjectives are dropped;
2. a one-word PER mention that is a word of a longer PER mention in the same article
   (``لافروف`` ~ ``سيرغي لافروف``) joins that mention's group, even when the KB alone
   would say otherwise (``الحريري`` in an article about ``رفيق الحريري``): the nearest
   preceding longer mention wins, else the first following one;
3. an ORG/LOC/PER mention that is a run of words of a longer mention of the same type
   (``الأمن الفيدرالي`` ~ ``جهاز الأمن الفيدرالي الروسي``, ``أبو زيد`` ~ ``أحمد أبو زيد``)
   joins it when it has no KB link of its own;
4. mentions with the same KB id share a group; unknown mentions share a group with the
   mentions of the same normalized name (article and clitics ignored);
5. an ambiguous place name prefers the candidate in a country the article mentions
   (``طرابلس`` with ``لبنان`` -> Tripoli, Lebanon);
6. every member of a group gets the group's id and English name; a LOC group with a
   gazetteer entry adds one Place per mention; a PER group that links to nothing gets the
   romanization of its fullest mention as its name, when every word has a trusted Latin
   spelling (``rasid.kb.romanize``), and keeps ``id`` null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasid.doc import Doc, Entity, Place
from rasid.kb.keys import clitic_variants_strip, compact, drop_al, name_key
from rasid.kb.linker import KBEntry, Linker, Match, get_linker
from rasid.kb.romanize import get_romanizer
from rasid.text.normalize import nisba_like

#: a linked entry this sure may overrule the NER type (a country tagged ORG becomes LOC)
_CONFIDENT = 850

#: words before a name that are not part of it (the gold and the contract keep them out):
#: ``صحيفة كوميرسانت`` -> ``كوميرسانت``, ``الأمير محمد بن سلمان`` -> ``محمد بن سلمان``
DESCRIPTORS = frozenset(name_key(w) for w in (
    "صحيفة", "جريدة", "قناة", "شبكة", "موقع", "مجلة", "منصة", "تطبيق", "شركة", "وكالة", "قمة",
    "الأمير", "الأميرة", "الشيخ", "الشيخة", "العقيد", "المشير", "السيد", "السيدة", "الجنرال",
    "الرئيس", "الرئيسة", "الملك", "الملكة", "الوزير", "الوزيرة", "اللواء", "العميد", "الفريق",
    "الدكتور", "د", "المستشار", "المستشارة", "السفير", "السلطان", "الإمام", "آية", "الله",
    "زعيم", "رئيس", "وزير", "المرشد", "البابا", "الكولونيل", "الرفيق", "القائد", "النائب",
    "التواصل", "الاجتماعي", "عضو", "الكاتب", "الصحفي", "الصحافي", "المحلل", "الخبير",
    "المتحدث", "الناطق", "مدير", "الأستاذ", "المحامي", "القاضي", "الجنرال"))


@dataclass(slots=True)
class _Mention:
    ent: Entity
    key: str  # name_key of the text
    words: list[str]  # key words without the article
    match: Match | None
    group: int = -1


def _words(key: str) -> list[str]:
    return [drop_al(w) for w in key.split(" ") if w]


def _raw_strip(text: str, n: int) -> int:
    """Characters of ``text`` covering its first ``n`` letters (marks included)."""
    i = 0
    while n > 0 and i < len(text):
        i += 1
        n -= 1
        while i < len(text) and ("\u064b" <= text[i] <= "\u065f" or text[i] == "\u0640"):
            i += 1
    return i


def _trim_descriptors(e: Entity, lk: Linker) -> Entity | None:
    """Drop leading descriptor words (titles, "صحيفة") from a mention when the rest is a
    name the KB knows, or when the whole is not; None when nothing but titles is left."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(e.text)]
    keys = [name_key(e.text[a:b]) for a, b in words]
    n = 0
    while n < len(words) and keys[n] in DESCRIPTORS:
        n += 1
    if n == 0:
        return e
    if n == len(words):
        return None if e.type == "PER" or n == 1 else e
    rest_start = words[n][0]
    rest = e.text[rest_start:]
    if lk.match(rest, e.type) is not None or lk.match(e.text, e.type) is None:
        return Entity(e.start + rest_start, e.end, rest, e.type)
    return e


_WORD = re.compile(r"[^\s_#\-]+")


def add_kb_mentions(doc: Doc, lk: Linker) -> list[Entity]:
    """The NER mentions merged with the KB names found in the text: a KB name over no
    mention is added; one that covers mentions replaces them (``بحر قزوين`` over
    ``قزوين``, ``رفيق_الحريري`` over ``رفيق``); a mention with no KB link of its own that
    holds a KB name is cut down to it (``وشارك نتنياهو`` -> ``نتنياهو``)."""
    ents = sorted(doc.entities, key=lambda e: (e.start, -e.end))
    if not doc.tokens:
        return ents
    text = doc.text
    found = lk.scan(doc.tokens)
    if not found:
        return ents
    toks = doc.tokens
    for i, j, strip, entry in found:
        t0 = toks[i]
        start = t0.start + _raw_strip(t0.text, strip)
        end = toks[j].end
        if i == j and strip == 0 and i > 0 and t0.text.startswith("ال") \
                and toks[i - 1].text.startswith("ال") and toks[i - 1].end + 1 >= t0.start \
                and nisba_like(name_key(t0.text)):
            continue  # "النشرة الإخبارية": an adjective after a definite noun
        over = [e for e in ents if e.start < end and start < e.end]
        new = Entity(start, end, text[start:end], entry.type)
        if not over:
            ents.append(new)
            continue
        if all(start <= e.start and e.end <= end for e in over):
            if any((e.start, e.end) != (start, end) for e in over):
                ents = [e for e in ents if e not in over] + [new]
            continue
        if len(over) == 1 and lk.match(over[0].text, over[0].type) is None:
            ents = [e for e in ents if e is not over[0]] + [new]
    ents.sort(key=lambda e: (e.start, -e.end))
    return ents


def _names_person(word: str, words: list[str]) -> bool:
    """Coreference rule shared by the body and the headline: a one-word person mention is the
    person of a longer person mention that has that word (``لافروف`` -> ``سيرغي لافروف``)."""
    return len(words) > 1 and word in words


def _word_run(sub: list[str], words: list[str]) -> bool:
    """Coreference rule shared by the body and the headline: a mention that is a run
    of consecutive words of a longer mention of the same type is that entity
    (``مجلس الأمن`` in ``مجلس الأمن الدولي``)."""
    return len(words) > len(sub) and f" {' '.join(sub)} " in f" {' '.join(words)} "


def link_doc(doc: Doc, linker: Linker | None = None, drop_adjectives: bool = True,
             fix_types: bool = True, scan: bool = True) -> Doc:
    """Fill ``id``/``name``/``group`` of ``doc.entities`` and ``doc.places``."""
    lk = linker or get_linker()
    ms: list[_Mention] = []
    kept: list[Entity] = []
    ents = add_kb_mentions(doc, lk) if scan else sorted(doc.entities,
                                                           key=lambda e: (e.start, -e.end))
    for e in ents:
        if drop_adjectives and lk.is_adjective(e.text):
            continue
        e = _trim_descriptors(e, lk)
        if e is None:
            continue  # a title alone ("الكولونيل") names no one
        m = lk.match(e.text, e.type)
        if m is not None and m.strip:
            k = _raw_strip(e.text, m.strip)
            e = Entity(e.start + k, e.end, e.text[k:], e.type)
        key = name_key(e.text)
        kept.append(e)
        if key:
            ms.append(_Mention(e, key, _words(key), m))
    doc.entities = kept
    if not ms:
        doc.places = []
        return doc

    # countries the article talks about, for place disambiguation
    countries = {m.match.entry.country for m in ms
                 if m.match is not None and m.match.entry.is_country and m.match.entry.country}
    for m in ms:
        e0 = m.match.entry if m.match is not None else None
        if e0 is None or not e0.id.startswith("geonames:") or e0.country in countries:
            continue
        for c in lk.candidates(m.ent.text, m.ent.type):
            if c.id.startswith("geonames:") and c.country in countries:
                m.match = Match(c, m.match.how, m.match.same_type)  # type: ignore[union-attr]
                break

    # --- groups
    parent = list(range(len(ms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    def etype(m: _Mention) -> str:
        if m.match is not None and fix_types and m.match.entry.prio >= _CONFIDENT:
            return m.match.entry.type
        return m.ent.type

    types = [etype(m) for m in ms]
    attached: set[int] = set()
    # (2) one-word person mentions -> a longer person mention containing the word
    for i, m in enumerate(ms):
        if types[i] != "PER" or len(m.words) != 1:
            continue
        w = m.words[0]
        best = -1
        for j, o in enumerate(ms):
            if j == i or types[j] != "PER" or not _names_person(w, o.words):
                continue
            if o.ent.start < m.ent.start:
                best = j  # the nearest preceding (mentions are in text order)
            elif best == -1:
                best = j
                break
        if best >= 0:
            union(best, i)
            attached.add(i)
            m.match = ms[best].match
    # (3) ORG/LOC/PER mentions inside a longer mention of the same type
    for i, m in enumerate(ms):
        if types[i] not in ("ORG", "LOC", "PER") or m.match is not None or len(m.words) < 2:
            continue
        for j, o in enumerate(ms):
            if j != i and types[j] == types[i] and _word_run(m.words, o.words):
                union(j, i)
                attached.add(i)
                m.match = o.match
                break
    # (4) same KB id / same normalized name
    by_id: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for i, m in enumerate(ms):
        if m.match is not None:
            k = m.match.entry.id
            if k in by_id:
                union(by_id[k], i)
            else:
                by_id[k] = i
        else:
            k = compact(" ".join(m.words))
            if k in by_key:
                union(by_key[k], i)
            else:
                by_key[k] = i

    # --- write back
    roots: dict[int, int] = {}
    group_entry: dict[int, KBEntry] = {}
    for i, m in enumerate(ms):
        r = find(i)
        roots.setdefault(r, len(roots))
        if m.match is not None and r not in group_entry:
            group_entry[r] = m.match.entry
    # (6b) an unlinked person: the romanization of the group's fullest mention
    fullest: dict[int, _Mention] = {}
    all_per: dict[int, bool] = {}
    for i, m in enumerate(ms):
        r = find(i)
        if r in group_entry:
            continue
        all_per[r] = all_per.get(r, True) and types[i] == "PER"
        if r not in fullest or len(m.words) > len(fullest[r].words):
            fullest[r] = m
    roman = {r: get_romanizer().person(m.ent.text) for r, m in fullest.items() if all_per[r]}
    places: list[Place] = []
    for i, m in enumerate(ms):
        r = find(i)
        e = m.ent
        entry = group_entry.get(r)
        e.group = f"g{roots[r]}"
        if entry is not None:
            e.id, e.name = entry.id, entry.name
            if fix_types and entry.type != e.type and (
                    entry.prio >= _CONFIDENT or (m.match is not None and m.match.same_type)):
                e.type = entry.type
            if e.type == "LOC" and entry.type == "LOC":
                places.append(Place(e.start, e.end, e.text, entry.name, entry.id, entry.lat,
                                    entry.lon, entry.country))
        else:
            e.id, e.name = None, roman.get(r)
    doc.places = places
    return doc


# ---------------------------------------------------------------- titles

_STOP = {"في", "من", "الى", "على", "عن", "لدى", "باسم", "ل", "و"}
#: spelling variants folded for title comparison
_FOLD = {"اميركي": "امريكي", "اميركيه": "امريكيه", "الاميركي": "الامريكي",
         "الاميركيه": "الامريكيه", "الخارجيه": "خارجيه", "خارجيه": "خارجيه"}


def _title_words(s: str) -> list[str]:
    out = []
    for w in name_key(s).split(" "):
        w = _FOLD.get(w, w)
        w = drop_al(w) if len(w) > 4 else w
        if w and w not in _STOP:
            out.append(w.rstrip("ه") if len(w) > 4 else w)
    return out


def _covers(need: list[str], have: list[str]) -> bool:
    hs = set(have)
    return all(w in hs for w in need)


def resolve_title(doc: Doc, start: int, end: int) -> Entity | None:
    """The named person a title phrase (``وزير الخارجية الروسي``, ``الرئيس الأمريكي``,
    ``الوزير``) at ``doc.text[start:end]`` refers to, or None.

    1. the nearest PER entity before ``start`` whose title slot (the words right before
       it in its sentence, or an apposition after it) carries every word of the title
       (``وزير الخارجية الروسي سيرغي لافروف`` ... ``الوزير``);
    2. else a PER entity of the article whose curated KB entry lists a title with
       every word of the phrase (``الرئيس الأمريكي`` -> Donald Trump when he is named);
    Returns the most specific (longest) mention of the chosen person's group.
    """
    need = _title_words(doc.text[start:end])
    if not need:
        return None
    pers = [e for e in doc.entities if e.type == "PER"]
    if not pers:
        return None

    def best_of(e: Entity) -> Entity:
        if e.group is None:
            return e
        same = [x for x in pers if x.group == e.group]
        return max(same, key=lambda x: (len(x.text), -x.start))

    before = [e for e in pers if e.end <= start]
    for k in range(len(before) - 1, -1, -1):
        e = before[k]
        if _covers(need, _title_words(_context(doc, e, before[k - 1] if k else None))):
            return best_of(e)
    lk = get_linker()
    for e in before + [e for e in pers if e.start >= end]:
        entry = lk.get(e.id) if e.id else None
        if entry is not None and any(_covers(need, _title_words(t)) for t in entry.titles):
            return best_of(e)
    return None


def _context(doc: Doc, e: Entity, prev: Entity | None, n: int = 6) -> str:
    """The title slot of a person mention: up to ``n`` words right before it (after the
    previous person mention and within its sentence), and the apposition after it
    (``لافروف، وزير الخارجية الروسي``)."""
    s0 = doc.sentences[doc.sentence_of(e.start)][0] if doc.sentences else 0
    lo = max(s0, prev.end if prev is not None else 0, e.start - 80)
    before = doc.text[lo:e.start].split()[-n:]
    after = ""
    rest = doc.text[e.end:e.end + 80]
    if rest.lstrip().startswith(("،", ",")):
        after = " ".join(rest.lstrip()[1:].split()[:n])
    return " ".join(before) + " " + after


# ---------------------------------------------------------------- the headline

def corefer_title(title: Doc, body: list[Entity], linker: Linker | None = None) -> list[Entity]:
    """The linked mentions of a headline (``link_doc`` on ``title`` alone) tied to the
    body's mentions, with the rules in-document coreference uses within the body
    (``_names_person``, ``_word_run``, same normalized name):

    - a one-word PER mention that is a word of a longer PER mention of the body takes
      that person (``لافروف`` in the title of an article about ``سيرغي لافروف``), even
      against the KB alone;
    - a mention with the same normalized name as a body mention (article and clitics
      ignored) takes the body's id, name and type (the body has the context that
      disambiguates ``طرابلس``); a clitic the span kept is cut (``لهنيدي`` -> ``هنيدي``);
    - an unlinked ORG/LOC/PER mention that is a run of words of a longer body mention of the
      same type takes that mention's link;
    - a PER/ORG/LOC name of the body written in the headline (same spelling, clitics
      aside) is added where the NER, which sees the short headline alone, found nothing,
      and replaces the title mentions it covers (``تامر حسني`` over ``حسني``): the
      NER's own label propagation across the sentences of one document, for the headline.
    Title mentions the body does not name keep their own KB link.
    """
    ents = sorted(title.entities, key=lambda e: e.start)
    if not body:
        return ents
    lk = linker or get_linker()
    bodies = [(b, _words(name_key(b.text))) for b in body]
    by_key: dict[str, Entity] = {}  # article ignored
    by_exact: dict[str, Entity] = {}  # as written, clitics aside
    for b, ws in bodies:
        for d, k in ((by_key, compact(" ".join(ws))), (by_exact, compact(name_key(b.text)))):
            old = d.get(k)
            if k and (old is None or (old.id is None and b.id is not None)):
                d[k] = b

    def variants(text: str) -> list[tuple[str, int]]:
        """The phrase's key, then its keys without a leading proclitic, with the clitic
        letters to cut from the span."""
        key = name_key(text)
        first, _, rest = key.partition(" ")
        return [(key, 0)] + [(f"{v} {rest}" if rest else v, n)
                             for v, n in clitic_variants_strip(first, 2 if rest else 3)]

    def person_of(word: str) -> Entity | None:
        return next((b for b, bw in bodies if b.type == "PER" and _names_person(word, bw)), None)

    def adopt(t: Entity, src: Entity) -> None:
        if src.id is not None or t.id is None:
            t.id, t.name, t.group = src.id, src.name, src.group
            if src.id is not None:
                t.type = src.type

    out: list[Entity] = []
    for t in ents:
        src: Entity | None = None
        for key, strip in variants(t.text):
            ws = _words(key)
            if not ws:
                continue
            if t.type == "PER" and len(ws) == 1:
                src = person_of(ws[0])
            if src is None:
                src = by_key.get(compact(" ".join(ws)))
            if src is None and t.id is None and t.type in ("ORG", "LOC", "PER") and len(ws) > 1:
                src = next((b for b, bw in bodies if b.type == t.type and _word_run(ws, bw)), None)
            if src is not None:
                if strip:
                    cut = _raw_strip(t.text, strip)
                    t = Entity(t.start + cut, t.end, t.text[cut:], t.type, t.id, t.name, t.group)
                break
        if src is not None:
            adopt(t, src)
        out.append(t)

    # body names written in the headline
    firsts = {k.partition(" ")[0] for k in (name_key(b.text) for b, _ in bodies)}
    toks = [tk for tk in title.tokens if tk.text[:1].isalpha()]
    text = title.text
    i = 0
    while i < len(toks):
        found: tuple[int, Entity, int] | None = None
        if any(v in firsts for v, _ in variants(toks[i].text)):
            for j in range(min(len(toks), i + 4) - 1, i - 1, -1):
                if any(toks[x + 1].start > toks[x].end + 1 for x in range(i, j)):
                    continue  # not one run of words
                for key, strip in variants(text[toks[i].start:toks[j].end]):
                    src = by_exact.get(compact(key))
                    if src is not None and src.type in ("PER", "ORG", "LOC") \
                            and len(compact(key)) >= 3 and not lk.is_adjective(key):
                        found = (j, src, strip)
                        break
                if found is not None:
                    break
        if found is None:
            i += 1
            continue
        j, src, strip = found
        start = toks[i].start + _raw_strip(toks[i].text, strip)
        end = toks[j].end
        over = [e for e in out if e.start < end and start < e.end]
        if all(start <= e.start and e.end <= end for e in over) \
                and not any((e.start, e.end) == (start, end) for e in over):
            e = Entity(start, end, text[start:end], src.type)
            adopt(e, src)
            out = [x for x in out if x not in over] + [e]
        i = j + 1
    out.sort(key=lambda e: e.start)
    return out
