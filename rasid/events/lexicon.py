"""The event-trigger lexicon: loaded once from ``rasid/resources/events/triggers.json``.

The JSON file holds the language knowledge (stems, verbal nouns, context words per PLOVER
type, with its ``_source``); this module only expands it by rule into surface forms and
keys every form by its :func:`rasid.text.normalize` form, so one dict lookup per token
finds the candidate triggers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rasid.text import normalize

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

VERB, IMPERF, PART, NOUN = "verb", "imperf", "part", "noun"
_OBJ = ("ه", "ها", "هم", "هما")
_WEAK = "اىوي"


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon item (a verb with its forms, or a group of nouns) of one type."""

    type: str
    lemma: str
    need: frozenset[str] = frozenset()
    need_not: frozenset[str] = frozenset()
    type_if: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Form:
    entry: Entry
    kind: str  # verb (perfect) | imperf | part | noun
    clitic: str  # leading و/ف/ب/ل/ك... as written before the stem
    suffix: bool  # carries an object/possessive pronoun
    definite: bool  # noun with the article
    # a second word the form needs right after it ("مؤتمر صحفي"): normalized, or ""
    second: str = ""


@dataclass(slots=True)
class Lexicon:
    forms: dict[str, list[Form]] = field(default_factory=dict)
    #: normalized first word -> list of (rest words, Form) for multi-word triggers
    phrases: dict[str, list[tuple[tuple[str, ...], Form]]] = field(default_factory=dict)
    negators: frozenset[str] = frozenset()
    hypothetical: frozenset[str] = frozenset()
    speech_types: frozenset[str] = frozenset()
    actor_heads: frozenset[str] = frozenset()
    #: stems of charges in a quote's content (a plain statement coded ACCUSE)
    critical: tuple[str, ...] = ()
    critical_not: frozenset[str] = frozenset()


def bare(w: str) -> str:
    """A normalized word without a leading و/ف and article/preposition cluster."""
    if len(w) > 3 and w[0] in "وف":
        w = w[1:]
    for p in ("بال", "كال", "لل", "ال"):
        if w.startswith(p) and len(w) - len(p) >= 2:
            return w[len(p):]
    if len(w) > 3 and w[0] in "بل" and w[1:3] != "ال":
        return w[1:]
    return w


def verb_forms(perf: str | None, imperf: str | None, part: str | None
               ) -> list[tuple[str, str]]:
    """Third-person surface forms ``(form, kind)`` of a verb from its stems (regular
    endings; defective stems are listed in the data instead)."""
    out: list[tuple[str, str]] = []
    if perf:
        out.append((perf, VERB))
        if perf[-1] not in _WEAK:
            out += [(perf + s, VERB) for s in ("ت", "وا", "ا", "تا", "ن")]
    if imperf:
        stems = [imperf]
        if imperf.startswith("ي"):
            stems.append("ت" + imperf[1:])
        for st in stems:
            out.append((st, IMPERF))
            if st[-1] not in _WEAK:
                out += [(st + "ون", IMPERF), (st + "ان", IMPERF)]
        # the future prefix and the subjunctive ل (ليقنع)
        out += [(p + f, IMPERF) for f, _ in list(out) if _ == IMPERF for p in ("س", "ل")]
    if part:
        out += [(part + s, PART) for s in ("", "ا", "اً", "ة", "ين", "ون", "تين")]
    return out


def noun_forms(word: str) -> list[tuple[str, bool, bool]]:
    """``(form, definite, suffixed)`` variants of a noun: article, accusative ا, the
    feminine plural, possessive pronouns (the ta marbuta becomes ت before them)."""
    forms: set[tuple[str, bool, bool]] = {(word, False, False)}
    if word.startswith("ال"):
        return [(word, True, False)]
    base = [word]
    if word.endswith("ة"):
        base.append(word[:-1] + "ات")
    elif not word.endswith(("ا", "ات", "ي", "ى", "اء", "ين", "ان")):
        base.append(word + "ا")
    for b in base:
        forms.add((b, False, False))
        forms.add(("ال" + b, True, False))
    stem = word[:-1] + "ت" if word.endswith("ة") else word
    if not word.endswith(("ات", "ين")):
        for s in _OBJ:
            forms.add((stem + s, True, True))
    return sorted(forms)


def _clitics(form: str, definite: bool, noun: bool) -> list[tuple[str, str]]:
    """Proclitic variants ``(surface, clitic)`` of a form."""
    out = [(form, "")]
    if noun:
        if definite and form.startswith("ال"):
            rest = form[2:]
            out += [("و" + form, "و"), ("ف" + form, "ف"), ("ب" + form, "ب"), ("ك" + form, "ك"),
                    ("وب" + form, "وب"), ("لل" + rest, "ل"), ("ولل" + rest, "ول")]
        else:
            out += [(c + form, c) for c in ("و", "ف", "ب", "ل", "ك", "وب", "ول")]
    else:
        out += [("و" + form, "و"), ("ف" + form, "ف")]
    return out


def _norms(words: list[str]) -> frozenset[str]:
    return frozenset(bare(normalize(w)) for w in words) | frozenset(normalize(w) for w in words)


def _add(lex: Lexicon, surface: str, form: Form) -> None:
    words = surface.split()
    key = normalize(words[0])
    if len(words) == 1:
        lst = lex.forms.setdefault(key, [])
        if all(f.entry is not form.entry or f.kind != form.kind for f in lst):
            lst.append(form)
    else:
        rest = tuple(normalize(w) for w in words[1:])
        lex.phrases.setdefault(key, []).append((rest, form))


@lru_cache(maxsize=1)
def load() -> Lexicon:
    raw = json.loads(resources.files("rasid.resources.events").joinpath("triggers.json")
                     .read_text(encoding="utf-8"))
    lex = Lexicon()
    lex.negators = frozenset(normalize(w) for w in raw["negators"])
    lex.hypothetical = frozenset(normalize(w) for w in raw["hypothetical"])
    lex.speech_types = frozenset(raw["speech_types"])
    lex.critical = tuple(normalize(w) for w in raw.get("critical", ()))
    lex.critical_not = _norms(raw.get("critical_not", []))
    lex.actor_heads = _norms(raw["actor_heads"])
    for typ, spec in raw["types"].items():
        if typ not in PLOVER_TYPES:
            raise ValueError(f"triggers.json: unknown PLOVER type {typ!r}")
        for v in spec.get("verbs", ()):
            entry = Entry(typ, v.get("perf") or v.get("imperf"), _norms(v.get("need", [])),
                          _norms(v.get("need_not", [])),
                          tuple((normalize(k), t) for k, t in v.get("type_if", {}).items()))
            forms = verb_forms(v.get("perf"), v.get("imperf"), v.get("part"))
            forms += [(f, IMPERF if f[0] in "يتسل" else VERB) for f in v.get("forms", ())]
            forms += [(f, PART) for f in v.get("parts", ())]
            excluded = {normalize(x) for x in v.get("exclude", ())}
            for f, kind in forms:
                variants = [(f, False)]
                if v.get("suffix") and kind != PART:
                    variants += [(f + s, True) for s in _OBJ]
                    if kind == VERB and f[-1] not in "تاو":
                        variants += [(f + "ت" + s, True) for s in _OBJ]
                for g, suf in variants:
                    for surf, cl in _clitics(g, False, False):
                        if normalize(surf) not in excluded:
                            _add(lex, surf, Form(entry, kind, cl, suf, False))
        for n in spec.get("nouns", ()):
            entry = Entry(typ, n["forms"][0], _norms(n.get("need", [])),
                          _norms(n.get("need_not", [])),
                          tuple((normalize(k), t) for k, t in n.get("type_if", {}).items()))
            for word in n["forms"]:
                head, _, second = word.partition(" ")
                for f, definite, suf in noun_forms(head):
                    for surf, cl in _clitics(f, definite, True):
                        _add(lex, surf if not second else f"{surf} {second}",
                             Form(entry, NOUN, cl, suf, definite or cl.endswith("ل") and
                                  f.startswith("ال")))
    # entries with context conditions are more specific: try them first
    for lst in lex.forms.values():
        lst.sort(key=lambda f: (not f.entry.need, f.kind == NOUN))
    return lex
