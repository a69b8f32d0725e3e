"""The entities stage: the shipped NER model over each sentence's tokens.

Mentions keep attached proclitics outside the span ("وواشنطن" -> "واشنطن") when the strip
is confirmed: the rest begins with the article ال, or appears bare elsewhere in the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from rasid.doc import Doc, Entity, Token
from rasid.registry import stage
from rasid.text.normalize import nisba_like, normalize

_TYPE = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}


def iob_spans(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """``(first, last_exclusive, type)`` token ranges of IOB2 tags (a stray I- opens one)."""
    start, typ = -1, ""
    for i, tag in enumerate(tags + ["O"]):
        kind, _, t = tag.partition("-")
        if start >= 0 and (kind != "I" or t != typ):
            yield start, i, typ
            start = -1
        if kind == "B" or (kind == "I" and start < 0):
            start, typ = i, t


class EntityStage:
    def __call__(self, doc: Doc) -> Doc:
        from rasid.ner import load_tagger

        # one tagger call per document: the tagger's label propagation treats the sentences
        # of a call as one document, so an article's entities never depend on its batch
        sents = list(_sentence_tokens(doc))
        tags = load_tagger().tag([[t.text for t in s] for s in sents]) if sents else []
        ents = [(_entity(doc.text, toks[a:b], _TYPE.get(typ, "MISC")), toks[a].pre)
                for toks, tg in zip(sents, tags) for a, b, typ in iob_spans(list(tg))]
        doc.entities = [e for e in _confirm_clitics(doc, ents)
                        if not (e.type == "MISC" and _is_currency(e.text)) and e.text not in _PARTICLES]
        return doc


#: prepositions and particles as written (before normalization): a one-word "entity" that is
#: one of them is the tagger reading "على" as the name "علي" (the two normalize alike)
_PARTICLES = frozenset("على إلى الى في من عن مع لدى حتى منذ بين ضد عند أن إن لا ما لم لن قد".split())

#: words of CLDR's Arabic currency names that are mostly something else (names, places, words)
_NOT_CURRENCY = frozenset(normalize(w) for w in (
    "حقوق عملة وحدة الوحدة ذهب فضة البلاتين بالاديوم ليون مارك سول ليو كود بير أفغاني").split())


@lru_cache(maxsize=1)
def _currency_words() -> frozenset[str]:
    """First words of the Arabic currency names in CLDR (دولار، يورو، جنيه، ريال، دينار...)."""
    from babel import Locale

    words = {normalize(name.split()[0]) for name in Locale("ar").currencies.values()}
    return frozenset(w for w in words if w.isalpha() and w not in _NOT_CURRENCY)


def _is_currency(text: str) -> bool:
    """A currency name ("دولار"، "الدولار الأمريكي"), which ANERcorp tags MISC. Rasid's
    analysis does not list currencies as entities (the gold guidelines have no such type);
    ``rasid ner --conll`` keeps ANERcorp's convention."""
    words = normalize(text).split()
    if not words or len(words) > 2:
        return False
    if len(words) == 2 and not nisba_like(words[1]):
        return False  # "دولار أمريكي" yes, "ريال مدريد" no
    cw = _currency_words()
    w = words[0]
    # with its clitics (للدولار، وبالدولار) and case/number endings (دولارا، دولاران، دولارين،
    # دولارات) as ANERcorp-style MISC spans keep them
    forms = [w] + [w[len(p):] for p in _PROCLITICS if w.startswith(p) and len(w) - len(p) >= 3]
    return any(f in cw or any(f.endswith(x) and f[:-len(x)] in cw for x in _ENDINGS)
               or (f.endswith("ات") and f[:-2] + "ه" in cw) for f in forms)  # ليرات -> ليره


_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_ENDINGS = ("ات", "ين", "ان", "ا")


def _sentence_tokens(doc: Doc) -> Iterator[list[Token]]:
    toks = doc.tokens
    i = 0
    for s, e in doc.sentences:
        while i < len(toks) and toks[i].end <= s:
            i += 1
        j = i
        while j < len(toks) and toks[j].start < e:
            j += 1
        if j > i:
            yield toks[i:j]
        i = j


def _entity(text: str, toks: list[Token], typ: str) -> Entity:
    start, end = toks[0].start, toks[-1].end
    return Entity(start, end, text[start:end], typ)


def _confirm_clitics(doc: Doc, ents: list[tuple[Entity, int]]) -> list[Entity]:
    """Drop a leading و/ف/ب/ك/ل from a mention when that is sure to be a clitic: the rest
    starts with the article ال ("والولايات المتحدة"), or the rest is used bare elsewhere in
    the text, or the knowledge base knows the rest but not the whole ("وإيران"). "لل"
    (ل + ال) is left as written: the contract needs an exact substring."""
    bare: set[str] | None = None
    out: list[Entity] = []
    for ent, k in ents:  # k: proclitic length of the first token, by the heuristic
        if k and not ent.text.startswith("لل"):
            rest = ent.text[k:]
            ok = rest.startswith("ال")
            if not ok:
                if bare is None:
                    bare = {normalize(t.text) for t in doc.tokens}
                ok = normalize(rest.split(" ")[0]) in bare or _kb_prefers(rest, ent.text, ent.type)
            if ok:
                ent = Entity(ent.start + k, ent.end, rest, ent.type)
        out.append(ent)
    return out


def _kb_prefers(rest: str, whole: str, typ: str) -> bool:
    from rasid.kb.linker import get_linker

    linker = get_linker()
    return linker.link(rest, typ) is not None and linker.link(whole, typ) is None


@stage("entities", requires=("tokens", "sentences"), assigns=("entities",))
def make_entities() -> EntityStage:
    """Named entities (PER/ORG/LOC/MISC) from the shipped Arabic NER model."""
    return EntityStage()
