"""The reporting-cue lexicon: loaded once from ``rasid/resources/quotes/cues.json``.

Language knowledge lives in the JSON file; this module only expands it: verb stems are
inflected by rule (see the file's ``_source``), every form gets its clitic variants
(و/ف, and object pronouns where the verb allows them) and is keyed by its
:func:`rasid.text.normalize` form so that one dict lookup per token finds a cue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rasid.text import normalize

# surface kinds of a cue form
PERF, IMPERF, PART, ATTR = "perf", "imperf", "part", "attr"

_OBJ_SUFFIXES = ("ه", "ها", "هم", "هما")


@dataclass(frozen=True, slots=True)
class Verb:
    lemma: str
    frames: frozenset[str]
    preps: tuple[str, ...]  # normalized prepositions introducing a claim (ب = clitic)
    cont: bool = False
    subject: bool = False  # needs an explicit subject
    comp_prep: str | None = None  # only counts as "<prep> أن" (وافق على أن)


@dataclass(frozen=True, slots=True)
class CueForm:
    verb: Verb
    kind: str  # perf | imperf | part
    fem: bool
    clitic: str  # leading و/ف kept in the cue
    suffix: bool  # carries an object pronoun (وصفه، يتهمه)


@dataclass(slots=True)
class Lexicon:
    forms: dict[str, CueForm] = field(default_factory=dict)
    attribution_heads: frozenset[str] = frozenset()
    on_speaker: tuple[tuple[str, ...], ...] = ()
    relay_verbs: frozenset[str] = frozenset()
    non_sources: frozenset[str] = frozenset()
    complementizers: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    relay_nouns: frozenset[str] = frozenset()
    document_nouns: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    institutions: frozenset[str] = frozenset()
    unnamed: frozenset[str] = frozenset()
    adjuncts: frozenset[str] = frozenset()
    clause_breaks: tuple[tuple[str, ...], ...] = ()
    excluded_sources: tuple[tuple[str, ...], ...] = ()
    headline_prefixes: tuple[str, ...] = ()
    b_words: frozenset[str] = frozenset()
    # the same word lists without a leading و/ال (see :func:`bare`)
    titles_b: frozenset[str] = frozenset()
    institutions_b: frozenset[str] = frozenset()
    unnamed_b: frozenset[str] = frozenset()
    non_sources_b: frozenset[str] = frozenset()


def bare(w: str) -> str:
    """A normalized word without a leading و and the article (for head-word matching)."""
    if len(w) > 3 and w[0] == "و" and w[1:3] == "ال":
        w = w[1:]
    if len(w) > 3 and w.startswith("ال"):
        w = w[2:]
    elif len(w) > 3 and w.startswith("لل"):
        w = w[2:]
    return w


def _n(words: list[str]) -> frozenset[str]:
    return frozenset(normalize(w) for w in words)


def _phrases(words: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize(w).split()) for w in words)


def inflect(perf: str | None, imperf: str | None, part: str | None
            ) -> list[tuple[str, str, bool]]:
    """Regular third-person forms ``(form, kind, feminine)`` of a verb from its stems.

    Defective stems (ending in a long vowel) are not inflected by rule: the lexicon
    lists their forms.
    """
    out: list[tuple[str, str, bool]] = []
    weak = "اىوي"
    if perf:
        out.append((perf, PERF, False))
        if perf[-1] not in weak:
            out += [(perf + "ت", PERF, True), (perf + "وا", PERF, False),
                    (perf + "ا", PERF, False), (perf + "تا", PERF, True),
                    (perf + "ن", PERF, True)]
    if imperf:
        out.append((imperf, IMPERF, False))
        if imperf.startswith("ي"):
            out.append(("ت" + imperf[1:], IMPERF, True))
        if imperf[-1] not in weak:
            out += [(imperf + "ون", IMPERF, False), (imperf + "ان", IMPERF, False)]
            if imperf.startswith("ي"):
                out.append(("ت" + imperf[1:] + "ان", IMPERF, True))
    if part:
        out += [(part + "ا", PART, False), (part + "اً", PART, False),
                (part + "ة", PART, True), (part + "ةً", PART, True),
                (part + "ين", PART, False), (part + "تين", PART, True)]
    return out


@lru_cache(maxsize=1)
def load() -> Lexicon:
    raw = json.loads(resources.files("rasid.resources.quotes").joinpath("cues.json")
                     .read_text(encoding="utf-8"))
    lex = Lexicon()
    forms: dict[str, CueForm] = {}
    for v in raw["verbs"]:
        frames = frozenset(v.get("frames", ()))
        preps = tuple(normalize(f.split(":", 1)[1]) for f in frames if f.startswith("prep:"))
        verb = Verb(v["lemma"], frames, preps, bool(v.get("cont")), bool(v.get("subject")),
                    normalize(v["comp_prep"]) if v.get("comp_prep") else None)
        base = inflect(v.get("perf"), v.get("imperf"), v.get("part"))
        for kind, lst in v.get("forms", {}).items():
            for f in lst:
                n = normalize(f)
                fem = (n.startswith("ت") if kind == IMPERF else
                       n.endswith(("ه", "تين")) if kind == PART else n.endswith(("ت", "تا", "ن")))
                base.append((f, kind, fem))
        excluded = {normalize(x) for x in v.get("exclude", ())}
        for form, kind, fem in base:
            nf = normalize(form)
            if nf in excluded:
                continue
            variants = [(nf, "", False)]
            if v.get("suffix") and kind != PART:
                variants += [(nf + s, "", True) for s in _OBJ_SUFFIXES]
                if kind == PERF and not nf.endswith("ت") and fem is False:
                    variants += [(nf + "ت" + s, "", True) for s in _OBJ_SUFFIXES]
            for f, _, suf in list(variants):
                variants += [("و" + f, "و", suf), ("ف" + f, "ف", suf)]
            for f, cl, suf in variants:
                fem2 = fem or (suf and f[len(cl):].startswith(nf + "ت") and not nf.endswith("ت"))
                forms.setdefault(f, CueForm(verb, kind, bool(fem2), cl, suf))
    lex.forms = forms
    att = raw["attribution"]
    lex.attribution_heads = _n(att["heads"])
    lex.on_speaker = _phrases(att["on_speaker"])
    lex.relay_verbs = _n(att["relay_verbs"])
    lex.non_sources = _n(att["non_sources"])
    lex.complementizers = _n(raw["complementizers"])
    lex.negators = _n(raw["negators"])
    lex.relay_nouns = _n(raw["relay_speech_nouns"])
    lex.document_nouns = _n(raw["document_nouns"])
    lex.titles = _n(raw["titles"])
    lex.institutions = _n(raw["institution_heads"])
    lex.unnamed = _n(raw["unnamed_sources"])
    lex.adjuncts = _n(raw["adjunct_preps"])
    lex.clause_breaks = _phrases(raw["clause_breaks"])
    lex.excluded_sources = _phrases(raw["excluded_sources"])
    lex.headline_prefixes = tuple(normalize(p) for p in raw["headline_prefixes"])
    lex.b_words = _n(raw["b_words"])
    lex.titles_b = frozenset(bare(w) for w in lex.titles)
    lex.institutions_b = frozenset(bare(w) for w in lex.institutions)
    lex.unnamed_b = frozenset(bare(w) for w in lex.unnamed)
    lex.non_sources_b = frozenset(bare(w) for w in lex.non_sources)
    return lex
