"""Find PLOVER events in a Doc: trigger, actor, target, date, place, negation, quote.

One pass over the clitic-aware tokens; each token is looked up once in the trigger lexicon
(:mod:`rasid.events.lexicon`). A candidate is kept when its context words are present
(``need``), it is not hypothetical (قد تدرس، إذا، مبادرة لـ) and it is not inside a name.

Arguments follow Arabic clause structure:

- a verb: the subject is the noun phrase right after it (VSO: ``اتهم X Y``), else the one
  right before it (SVO, ``X التي تنكر``، ``وكانت X، أطلقت``: the quotes stage's left-subject
  rule), else it is implicit (a pronoun or a continuation): the speaker of the quote whose
  cue the trigger is, the actor of the previous event of the sentence (participles:
  ``مطالبة``، ``شاكرا``), the sentence's first person/organisation, the previous sentence's
  actor. The target is the next noun phrase, or the antecedent of an object pronoun
  (``ويتهمه``).
- a verbal noun: ``بين X و Y``; a following genitive (the actor, or the patient for
  assaults, coercion and sanctions: ``اغتيال X``); a light verb's subject before it
  (``شنت X غارات``); targets after ``على/ضد/مع/إلى/لـ/بحق``.

Named mentions are resolved as quote speakers are (titles, pronouns, most specific
mention), through the quotes module's resolver when it is available.

Date: the nearest date expression in the trigger's clause (``text``), else in its sentence
(``sentence``), else the publication date (``published``). Place: the nearest locative place
mention (``في X``، ``بـX``) in the sentence, geocoded from ``doc.places`` when present.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from rasid.doc import Doc, Entity, Token
from rasid.events.lexicon import NOUN, PART, VERB, Entry, Form, Lexicon, bare, load
from rasid.text import nisba_like, normalize, strip_clitics, tokenize

log = logging.getLogger(__name__)

END_PUNCT = {".", "!", "?", "؟", "…"}
COMMAS = {"،", ",", "؛", ";"}
MARKS = {'"', "«", "»", "“", "”", "'", "(", ")", "[", "]", ":", "-", "–", "—", "/"}
# the types whose verbal noun's genitive names who acts (انسحاب X، زيارة X، لقاء X); for
# the others (transitive actions) it names who is acted upon (اغتيال X، دعم X، إدانة X)
ACTOR_GENITIVE = {"CONSULT", "RETREAT", "PROTEST", "AGREE", "COOPERATE", "MOBILIZE"}
# acts of an authority (اعتقال، اختطاف، حصار، محاكمة): with no agent of their own, the
# agent is the one the context names (unlike مقتل/تفجير, often reported without one)
AUTHORITY_ACTS = {"COERCE", "SANCTION"}
# dyadic, symmetric types: "X and Y met" (actor/target order carries no meaning)
SYMMETRIC = {"CONSULT", "AGREE", "COOPERATE"}
#: types whose verbal noun names the receiving side with لـ (دعما لقوات الحكومة)
_LAM_BENEFICIARY = {"AID", "SUPPORT"}
_TARGET_PREPS = {normalize(w) for w in ("على", "ضد", "مع", "إلى", "الى", "بحق", "تجاه", "نحو",
                                         "عن", "من")}
_STOP = {normalize(w) for w in (
    "أن", "إن", "بأن", "لأن", "الذي", "التي", "الذين", "حيث", "كما", "فيما", "بينما", "بعد",
    "قبل", "عقب", "إثر", "بسبب", "لكن", "ولكن", "إلا", "غير", "حين", "عندما", "بعدما", "منذ",
    "حتى", "أو", "ثم", "وسط")}
_SKIP_AFTER_VERB = {normalize(w) for w in (
    "به", "بها", "له", "لها", "عليه", "عليها", "أيضا", "أيضاً", "كذلك", "بدوره", "بدورها",
    "اليوم", "أمس", "الآن", "رسميا", "مجددا", "بشدة", "قد", "يوم", "صباح", "مساء", "ليل",
    "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت",
    "خلال", "في", "أمام", "عبر")}
_LOCATIVE = {normalize(w) for w in ("في", "فى", "داخل", "قرب", "بالقرب", "شمال", "جنوب",
                                     "شرق", "غرب", "وسط", "بمدينة", "مدينة", "محافظة", "ولاية",
                                     "العاصمة", "منطقة", "بلدة", "قرية")}
_LIGHT_VERBS = {normalize(w) for w in (
    "أجرى", "أجرت", "أجريا", "عقد", "عقدت", "عقدا", "شن", "شنت", "نفذ", "نفذت", "وجه", "وجهت",
    "قدم", "قدمت", "تقدم", "تقدمت", "فرض", "فرضت", "وقع", "وقعت", "أصدر", "أصدرت", "أطلق",
    "أطلقت", "تبادل", "تبادلت", "أبدى", "أبدت", "أعلن", "أعلنت", "أكد", "أكدت", "جدد", "جددت",
    "تلقى", "تلقت", "بدأ", "بدأت", "قام", "قامت", "قاموا", "واصل", "واصلت", "تواصل", "بحث",
    "بحثت", "بحثا", "ناقش", "ناقشت", "شنت", "شنوا", "يشن", "تشن")}


@dataclass(slots=True)
class Arg:
    start: int
    end: int
    text: str
    id: str | None = None
    name: str | None = None
    ent: int = -1  # index of the entity (sorted) it comes from, or -1

    def key(self) -> str:
        return self.id or (self.name or "").lower() or normalize(self.text)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "id": self.id,
                "name": self.name}


@dataclass(slots=True)
class _Draft:
    type: str
    i: int  # first trigger token
    j: int  # last trigger token
    form: Form
    actor: Arg | None = None
    target: Arg | None = None
    negated: bool = False
    quote: int | None = None
    implicit_actor: bool = False
    ref_date: dict[str, Any] | None = None
    place_tok: int = -1  # a place named in the trigger's genitive
    extra_targets: list[Arg] = field(default_factory=list)
    relative: bool = False  # a relative clause on its object (X التي تدعمها Y)
    no_agent: bool = False  # the agent is named by an adjective (or is a collective)


_PREP_ARTICLE = ("وال", "فال", "بال", "وبال", "فبال", "كال", "لل", "ولل", "فلل")


def _unclitic(arg: Arg) -> Arg:
    """An unnamed phrase without its attached conjunction/preposition: ``بالدولة اليهودية``
    -> ``الدولة اليهودية`` (``للقوات`` keeps ``لقوات``, the article's alef being gone)."""
    if arg.ent >= 0 or arg.id is not None or len(arg.text) < 5 or \
            not arg.text.startswith(_PREP_ARTICLE):
        return arg
    n = strip_clitics(arg.text.split(" ", 1)[0])
    return Arg(arg.start + n, arg.end, arg.text[n:], arg.id, arg.name, arg.ent) if n else arg


class _Resolver:
    """Names for token ranges, resolved like quote speakers.

    Uses the quotes module's resolver (titles to their holder, pronouns, most specific
    mention) when it is importable; else the most specific mention of the same entity."""

    def __init__(self, doc: Doc, toks: list[Token], ents: list[Entity], ent_at: list[int],
                 norms: list[str]) -> None:
        self.doc, self.toks, self.ents, self.ent_at, self.norms = doc, toks, ents, ent_at, norms
        self.qx: Any = None
        self.ctx: Any = None
        qx = _quote_extractor()
        if qx is not None and ents:
            try:
                self.ctx = qx.context(doc)
                if len(self.ctx.toks) == len(toks):
                    self.qx = qx
            except Exception as e:  # noqa: BLE001 - an optional helper must not stop the stage
                log.debug("quotes resolver unavailable: %s", e)
                self.ctx = None

    def phrase(self, a: int, b: int, at: int) -> Arg | None:
        """The named mention a token range [a, b] stands for."""
        if self.qx is not None:
            try:
                spk = self.qx.speaker_from_phrase(self.ctx, a, b, at)
            except Exception as e:  # noqa: BLE001
                log.debug("quotes resolver failed: %s", e)
                spk = None
            if spk is not None and spk is not False:
                arg = Arg(spk.start, spk.end, spk.text, spk.id, spk.name,
                          self._ent_index(spk.start, spk.end))
                if arg.ent < 0 and arg.id is None and a == b:
                    arg = self._named_head(a) or arg
                return _unclitic(arg)
        for k in range(a, b + 1):
            if self.ent_at[k] >= 0:
                return self.best(self.ent_at[k])
        s, e = self.toks[a].start, self.toks[b].end
        text = self.doc.text[s:e]
        if a == b:
            full = self._named_head(a)
            if full is not None:
                return full
        return _unclitic(Arg(s, e, text))

    def _named_head(self, a: int) -> Arg | None:
        """``الوزارة`` -> the fuller phrase it abbreviates earlier in the article
        (``وزارة الخارجية العراقية``; :func:`rasid.quotes.extract.earlier_description`)."""
        from rasid.quotes.extract import earlier_description

        w = self.norms[a]
        if len(w) > 3 and w[0] in "وف":
            w = w[1:]
        if not w.startswith("ال") or len(w) < 5:
            return None
        # the words before ``a`` only: the fuller phrase ends before the mention
        span = earlier_description(self.norms[:a], self.toks, self.ent_at, a, w[2:])
        return None if span is None else Arg(span[0], span[1], self.doc.text[span[0]:span[1]])

    def left_subject(self, i: int) -> tuple[int, int] | None:
        if self.qx is None:
            return None
        try:
            r = self.qx.left_subject(self.ctx, i, None)
        except Exception as e:  # noqa: BLE001
            log.debug("quotes left subject failed: %s", e)
            return None
        return r if isinstance(r, tuple) else None

    def best(self, ei: int) -> Arg:
        """The most specific mention (most words) of entity ``ei`` in the article."""
        e = self.ents[ei]
        if self.qx is not None:
            try:
                spk = self.qx.best_mention(self.ctx, e)
                return Arg(spk.start, spk.end, spk.text, spk.id, spk.name, ei)
            except Exception as ex:  # noqa: BLE001
                log.debug("quotes best mention failed: %s", ex)
        same = [x for x in self.ents if x.type == e.type and (
            (e.id and x.id == e.id) or (e.group and x.group == e.group) or
            normalize(e.text).split()[-1:] == normalize(x.text).split()[-1:])]
        b = max(same or [e], key=lambda x: (len(x.text.split()), len(x.text), -x.start))
        return Arg(b.start, b.end, b.text, e.id or b.id, e.name or b.name, ei)

    def _ent_index(self, s: int, e: int) -> int:
        for k, x in enumerate(self.ents):
            if x.start == s and x.end == e:
                return k
        return -1


_QX: list[Any] = []


def _quote_extractor() -> Any:
    if not _QX:
        try:
            from rasid.quotes.extract import QuoteExtractor

            _QX.append(QuoteExtractor())
        except Exception as e:  # noqa: BLE001 - events work without the quotes module
            log.info("events: quotes resolver not available (%s)", e)
            _QX.append(None)
    return _QX[0]


def _has_prep(w: str) -> bool:
    """A word with an attached preposition (لفصائل، بالمعارضة، للنظام)."""
    return len(w) > 3 and (w.startswith(("لل", "بال", "لـ", "وبال", "وللل")) or
                           w[0] in "بل" and not w.startswith("ال") and bare(w) != w)


_MEDIA = {bare(normalize(w)) for w in ("وكالة", "صحيفة", "قناة", "موقع", "شبكة", "مجلة",
                                      "تلفزيون", "إذاعة", "لوكالة", "لصحيفة", "لقناة")}


_COLLECTIVE = {normalize(w) for w in ("دولية", "دوليا", "دولي", "دوليه", "عالمية",
                                       "عالميا", "شعبية", "شعبيا")}
_RESPONSIBILITY = {bare(normalize(w)) for w in ("المسؤولية", "المسئولية", "مسؤولية")}
_LK: list[Any] = []


def _linker() -> Any:
    if not _LK:
        try:
            from rasid.kb.linker import get_linker

            _LK.append(get_linker())
        except Exception as e:  # noqa: BLE001 - events work without the KB
            log.info("events: KB linker not available (%s)", e)
            _LK.append(None)
    return _LK[0]


_COUNTRIES: dict[str, Any] = {}


def _country_entry(lk: Any, code: str) -> Any:
    """The KB country entry for an ISO code (indexed once per process)."""
    if not _COUNTRIES:
        for e in lk.entries:
            if e.is_country and e.country and e.country not in _COUNTRIES:
                _COUNTRIES[e.country] = e
        _COUNTRIES.setdefault("", None)
    return _COUNTRIES.get(code)


def _words(x: str) -> set[str]:
    return {bare(normalize(w)).strip("\"'«»“”#()") for w in x.replace("_", " ").split()}


def _same_arg(a: Arg, b: Any) -> bool:
    """The same participant: same KB id or name, or one mention's words within the other's."""
    if a.id and getattr(b, "id", None):
        return a.id == b.id
    if a.name and getattr(b, "name", None) and a.name.lower() == b.name.lower():
        return True
    wa, wb = _words(a.text), _words(b.text)
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


_PRONOUN_THAT = {normalize(w) for w in ("أنه", "أنها", "إنه", "إنها", "بأنه", "بأنها", "أنهم",
                                         "إنهم", "بأنهم", "أننا", "إننا", "بأننا")}
_QUANTIFIERS = {normalize(w) for w in ("بعض", "عدد", "آلاف", "مئات", "عشرات", "أحد", "إحدى")}
_ATTRIBUTION = {bare(normalize(w)) for w in ("وفقا", "وفق", "بحسب", "حسب", "نقلا", "طبقا")}
_MEDIA_SPEAKERS = {bare(normalize(w)) for w in (
    "وكالة", "صحيفة", "قناة", "موقع", "مواقع", "شبكة", "مجلة", "تلفزيون", "إذاعة", "وسائل",
    "المرصد", "مراسل", "مصادر", "مصدر")}
# the trigger of a plain statement coded ACCUSE for its content (see _critical_statements)
_CUE_FORM = Form(Entry("ACCUSE", "قال"), VERB, "", False, False)


class EventExtractor:
    """``EventExtractor()(doc) -> list[dict]`` in the output contract's ``events`` shape."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load()

    # ------------------------------------------------------------------ setup
    def __call__(self, doc: Doc) -> list[dict[str, Any]]:
        if not doc.text:
            return []
        self.doc = doc
        text = doc.text
        toks: list[Token] = list(doc.tokens) if doc.tokens else tokenize(text)
        self.toks = toks
        self.norms = [normalize(t.text) for t in toks]
        sents = doc.sentences or [(0, len(text))]
        s_starts = [s for s, _ in sents]
        self.sent = [max(bisect_right(s_starts, t.start) - 1, 0) for t in toks]
        n = len(toks)
        self.sent_first: dict[int, int] = {}
        for k in range(n - 1, -1, -1):
            self.sent_first[self.sent[k]] = k
        self.ents = sorted(doc.entities, key=lambda e: e.start)
        starts = [t.start for t in toks]
        self.ent_at = [-1] * n
        for ei, e in enumerate(self.ents):
            k = max(bisect_right(starts, e.start) - 1, 0)
            while k < n and toks[k].start < e.end:
                if toks[k].end > e.start:
                    self.ent_at[k] = ei
                k += 1
        # nationality adjectives found by the nationalities stage, by their first token
        self.nat_at = {max(bisect_right(starts, nat.start) - 1, 0): nat for nat in doc.nationalities}
        self.res = _Resolver(doc, toks, self.ents, self.ent_at, self.norms)
        self.quote_cue: dict[int, int] = {}
        for qi, q in enumerate(doc.quotes):
            if q.cue_start is not None:
                for k in range(max(bisect_right(starts, q.cue_start) - 1, 0), n):
                    if toks[k].start >= (q.cue_end or q.cue_start):
                        break
                    self.quote_cue[k] = qi
        drafts = self._triggers()
        self._trigger_at = {d.i for d in drafts}
        for d in drafts:
            self._arguments(d, drafts)
        extra = self._critical_statements()
        if extra:
            drafts = sorted(drafts + extra, key=lambda d: d.i)
            self._trigger_at |= {d.i for d in extra}
        return self._finish(drafts)

    def _critical_statements(self) -> list[_Draft]:
        """A plain statement (قال، أضافت، اعتبرت، كتب) whose content charges a named
        participant is an accusation by the speaker against it (the gold convention): a
        charge word (``critical`` in the lexicon: إرهاب، جرائم، غير شرعي، احتلال، مستفز …)
        not governed by مكافحة/محاربة, and a person, organisation or country named in the
        content who is not the speaker."""
        lex = self.lex
        if not lex.critical:
            return []
        cue_toks: dict[int, list[int]] = {}
        for k, qi in self.quote_cue.items():
            cue_toks.setdefault(qi, []).append(k)
        out: list[_Draft] = []
        for qi, q in enumerate(self.doc.quotes):
            ks = sorted(cue_toks.get(qi, ()))
            if not ks or q.speaker is None:
                continue
            i, j = ks[0], ks[-1]
            if any(k in self._trigger_at or lex.forms.get(self.norms[k]) or
                   bare(self.norms[k]) in _ATTRIBUTION for k in ks):
                # a speech-act verb of its own (اتهم، طالب): coded already; بحسب/وفقا
                # cite a source, they do not make a statement
                continue
            if not q.speaker.text.split() or \
                    bare(normalize(q.speaker.text.split()[0])) in _MEDIA_SPEAKERS:
                continue  # an outlet reporting, not accusing
            text = self.doc.text
            hit = -1
            for t in tokenize(text[q.start:q.end]):
                w = normalize(t.text)
                nxt = text[q.start + t.end:q.start + t.end + 20].split()[:1]
                two = w + " " + normalize(nxt[0]) if nxt else w
                if any(c in (two if " " in c else w) for c in lex.critical):
                    before = text[max(q.start, q.start + t.start - 20):q.start + t.start].split()
                    if before and (normalize(before[-1]) in lex.critical_not or
                                   bare(normalize(before[-1])) in lex.critical_not):
                        continue
                    hit = q.start + t.start
                    break
            if hit < 0:
                continue
            spk = Arg(q.speaker.start, q.speaker.end, q.speaker.text, q.speaker.id,
                      q.speaker.name)
            home = self._home_country(q.speaker.id)
            cands: list[tuple[int, Arg]] = []
            for ei, e in enumerate(self.ents):
                if not (q.start <= e.start < q.end) or e.type not in ("PER", "ORG", "LOC"):
                    continue
                arg = self.res.best(ei)
                if e.type == "LOC" and not self._is_country(arg):
                    continue
                if _same_arg(arg, spk) or (home is not None and arg.id == home):
                    continue
                cands.append((abs(e.start - hit), arg))
            if not cands:
                continue
            # who is charged: the one named nearest the charge
            target = min(cands, key=lambda c: c[0])[1]
            out.append(_Draft("ACCUSE", i, j, _CUE_FORM, actor=spk, target=target, quote=qi))
        return out

    def _home_country(self, pid: str | None) -> str | None:
        """The KB id of a person's country (Sergey Lavrov -> Russia), or None."""
        lk = _linker()
        if lk is None or not pid:
            return None
        person = lk.by_id.get(pid)
        if person is None or person.type != "PER" or not person.country:
            return None
        c = _country_entry(lk, person.country)
        return c.id if c is not None else None

    def _is_country(self, arg: Arg) -> bool:
        lk = _linker()
        if lk is None or not arg.id:
            return False
        e = lk.by_id.get(arg.id)
        return e is not None and e.is_country

    # ------------------------------------------------------------------ triggers
    def _window_has(self, i: int, j: int, words: frozenset[str], before: int = 2,
                    after: int = 4) -> str | None:
        s = self.sent[i]
        for k in list(range(max(i - before, 0), i)) + list(range(j + 1, min(j + 1 + after,
                                                                              len(self.toks)))):
            if self.sent[k] != s:
                continue
            w = self.norms[k]
            if w in words:
                return w
            b = bare(w)
            if b in words:
                return b
        return None

    def _triggers(self) -> list[_Draft]:
        lex, norms, n = self.lex, self.norms, len(self.toks)
        out: list[_Draft] = []
        consumed: set[int] = set()
        i = 0
        while i < n:
            w = norms[i]
            if self.ent_at[i] >= 0 or len(w) < 2:
                i += 1
                continue
            cand: list[tuple[int, Form]] = []
            for rest, form in lex.phrases.get(w, ()):
                if tuple(norms[i + 1:i + 1 + len(rest)]) == rest:
                    cand.append((i + len(rest), form))
            cand += [(i, f) for f in lex.forms.get(w, ())]
            hit: tuple[int, Form, str] | None = None
            if i in consumed:
                i += 1
                continue
            raw = self.toks[i].text
            ta_marbuta = raw.endswith("ة")
            # دعماً / دعما لقوات: an accusative verbal noun, not the dual verb (دعما "they
            # both supported") that it spells once tanween is gone
            accusative = raw.endswith(("اً", "ًا")) or (
                raw.endswith("ا") and i + 1 < n and norms[i + 1][:1] == "ل" and
                not norms[i + 1].startswith("لا"))
            for j, form in cand:
                e = form.entry
                if j == i and form.kind in (VERB, "imperf") and (ta_marbuta or (
                        accusative and any(f.kind == NOUN for _, f in cand))):
                    continue  # a verb never ends in ة (إدانة is not أدانه once normalized)
                if e.need and self._window_has(i, j, e.need) is None:
                    continue
                if e.need_not and self._window_has(i, j, e.need_not) is not None:
                    continue
                typ = e.type
                for word, t2 in e.type_if:
                    if self._window_has(i, j, frozenset({word}), 0, 4):  # as far as "need" looks
                        typ = t2
                hit = (j, form, typ)
                break
            if hit is None:
                i += 1
                continue
            j, form, typ = hit
            if form.entry.need and form.kind != NOUN:
                # فرض عقوبات، قدم مساعدات: the noun is part of this trigger, not another
                for k in range(j + 1, min(j + 5, n)):
                    if any(f.entry.type == typ for f in lex.forms.get(norms[k], ())):
                        consumed.add(k)
            if not self._hypothetical(i, form):
                out.append(_Draft(typ, i, j, form, negated=self._negated(i)))
            i = j + 1
        return out

    def _prev(self, i: int, k: int = 1) -> str:
        p = i - k
        if p < 0 or self.sent[p] != self.sent[i]:
            return ""
        return self.norms[p]

    def _negated(self, i: int) -> bool:
        for k in (1, 2):
            w = self._prev(i, k)
            if not w:
                return False
            if w in self.lex.negators:
                return True
            if w not in ("قد", "يتم", "تم", "ان", "أن"):
                return False
        return False

    def _hypothetical(self, i: int, form: Form) -> bool:
        for k in (1, 2, 3):
            w = self._prev(i, k)
            if not w:
                return False
            if w in self.lex.hypothetical or bare(w) in self.lex.hypothetical:
                # قد + perfect is a past event (قد التقى); قد + imperfect a possibility
                if w in ("قد", "وقد") and form.kind not in ("imperf",):
                    return False
                return True
            if w in END_PUNCT or w in COMMAS:
                return False
        return False

    # ------------------------------------------------------------------ arguments
    def _ent_range(self, k: int) -> tuple[int, int]:
        ei = self.ent_at[k]
        a = b = k
        while a - 1 >= 0 and self.ent_at[a - 1] == ei:
            a -= 1
        while b + 1 < len(self.toks) and self.ent_at[b + 1] == ei:
            b += 1
        return a, b

    def _is_place_use(self, k: int) -> bool:
        """An entity used as a location (في موسكو، ببنغازي) is not a participant."""
        ei = self.ent_at[k]
        if ei < 0:
            return False
        e = self.ents[ei]
        tok = self.toks[k]
        if e.start > tok.start and self.doc.text[tok.start:e.start][-1:] in ("ب",):
            return e.type == "LOC"
        p = self._prev(self._ent_range(k)[0])
        return e.type == "LOC" and p in _LOCATIVE

    def _np(self, k: int, limit: int) -> tuple[int, int] | None:
        """A participant noun phrase starting at token ``k``: an entity, or a known actor
        head (title, institution, unnamed group) with what follows it up to an entity."""
        if k >= len(self.toks) or k > limit:
            return None
        if self.ent_at[k] >= 0:
            if self._is_place_use(k):
                return None
            return self._ent_range(k)
        w = self.norms[k]
        b = bare(w)
        if self.toks[k].text.lstrip("وف") in ("أمام", "امام"):
            return None  # the preposition "in front of", not إمام once hamza is normalized
        if w in _QUANTIFIERS and k + 1 <= limit + 3:
            # بعض مشجعي النادي، عدد من الشخصيات: an unnamed group is its whole phrase
            return self._quantified(k, limit)
        if b in self.lex.actor_heads or w in self.lex.actor_heads or self._title(b):
            e = k
            s = self.sent[k]
            while e + 1 <= limit + 3 and e + 1 < len(self.toks) and self.sent[e + 1] == s:
                nx = self.norms[e + 1]
                if nx in END_PUNCT or nx in COMMAS or nx in MARKS or nx in _STOP or \
                        nx in _TARGET_PREPS or nx in ("في", "و"):
                    break
                if self.ent_at[e + 1] >= 0:
                    if self._is_place_use(e + 1):
                        break
                    e = self._ent_range(e + 1)[1]
                    break
                head = self.norms[k]
                if e == k and head.endswith("ات") and nx.startswith("ال") and \
                        nx.endswith(("ين", "ون")) and not self._title(bare(nx)):
                    # a feminine plural takes no masculine-plural adjective: in أجبرت
                    # السلطات القرويين the second word is the object, not part of the subject
                    break
                if nx.startswith(("ال", "لل")) or self._title(bare(nx)):
                    e += 1
                    continue
                if e == k and not nx.startswith("و") and (nx.endswith(("ه", "ها", "هم")) or not head.startswith(("ال", "لل"))
                               and not bare(head).startswith("ال") and len(nx) > 3
                               and not self.lex.forms.get(nx)):
                    # خارجيته، فصائل معارضة: a possessive or one indefinite adjective
                    e += 1
                    continue
                break
            return k, e
        return None

    def _quantified(self, k: int, limit: int) -> tuple[int, int] | None:
        s = self.sent[k]
        e = k
        n = len(self.toks)
        if e + 1 < n and self.norms[e + 1] == "من":
            e += 1
        if e + 1 >= n or self.sent[e + 1] != s:
            return None
        nx = self.norms[e + 1]
        if nx in END_PUNCT or nx in COMMAS or nx in MARKS or nx in _STOP or \
                self.lex.forms.get(nx) or self._in_date(e + 1):
            return None
        e += 1
        while e + 1 < n and self.sent[e + 1] == s and e - k < 5:
            nx = self.norms[e + 1]
            if nx.startswith(("ال", "وال")) and not self.lex.forms.get(nx) and \
                    not self._in_date(e + 1):
                e += 1
                continue
            break
        return k, e

    def _title(self, b: str) -> bool:
        qx = _quote_extractor()
        if qx is None:
            return False
        lex = qx.lex
        titles = getattr(self, "_titles", None)
        if titles is None:
            titles = {bare(normalize(x)) for x in lex.titles | lex.institutions | lex.unnamed}
            self._titles = titles
        return b in titles

    def _after(self, k: int, limit: int, skip_preps: bool) -> tuple[int, int] | None:
        """The first participant phrase after token ``k`` (exclusive) in the clause."""
        s = self.sent[k]
        j = k + 1
        while j < len(self.toks) and j <= limit and self.sent[j] == s:
            w = self.norms[j]
            if w in END_PUNCT or w in _STOP:
                return None
            ph = self._np(j, limit)
            if ph is not None and self.ent_at[ph[0]] < 0 and bare(self.norms[ph[0]]) not in self.lex.actor_heads and \
                    self.norms[ph[0]] not in _QUANTIFIERS:
                # a title alone (الوزير، مساعدة) is a participant only if it names someone
                r = self.res.phrase(ph[0], ph[1], k)
                if r is None or (r.ent < 0 and r.id is None and r.name is None):
                    ph = None
            if ph is not None:
                return ph
            if self.lex.forms.get(w):
                return None
            if w in COMMAS or w in MARKS or w in _SKIP_AFTER_VERB or self._in_date(j):
                j += 1
                continue
            if skip_preps and (w in _TARGET_PREPS or w in ("ب", "ل", "بين", "لدى")):
                j += 1
                continue
            if skip_preps and not w.startswith(("ال", "لل")) and len(w) > 2 and w[0] in "بل":
                # an attached preposition on a generic word: keep looking a little
                j += 1
                continue
            j += 1
            if not skip_preps:
                return None
        return None

    def _in_date(self, k: int) -> bool:
        t = self.toks[k]
        return any(d.start <= t.start < d.end for d in self.doc.dates)

    def _coordinated(self, b: int, limit: int) -> tuple[int, int] | None:
        """``X و Y`` / ``X ووزير خارجيته، Y``: the second participant after phrase end ``b``."""
        k = b + 1
        n = len(self.toks)
        if k >= n or self.sent[k] != self.sent[b]:
            return None
        w = self.norms[k]
        if w == "و" and k + 1 < n:
            return self._np(k + 1, limit)
        if w.startswith("و") and len(w) > 2:
            if self.ent_at[k] >= 0 and not self._is_place_use(k):
                return self._ent_range(k)
            b2 = bare(w)
            if b2 in self.lex.actor_heads or self._title(b2):
                ph = self._np(k, limit)
                if ph is not None:
                    # "ووزير خارجيته، ريكس تيلرسون": the apposed name
                    e = ph[1]
                    if e + 2 < n and self.norms[e + 1] in COMMAS and self.ent_at[e + 2] >= 0:
                        return self._ent_range(e + 2)
                    return ph
        return None

    def _arguments(self, d: _Draft, drafts: list[_Draft]) -> None:
        i, j = d.i, d.j
        s = self.sent[i]
        lim = j + 8
        verbal = d.form.kind != NOUN
        subj: tuple[int, int] | None = None
        obj: tuple[int, int] | None = None
        q = self.quote_cue.get(i)
        if q is None:
            for k in range(i, j + 1):
                if k in self.quote_cue:
                    q = self.quote_cue[k]
        if q is not None and d.type in self.lex.speech_types:
            d.quote = q
        rel_obj: tuple[int, int] | None = None
        if (d.form.kind == VERB or d.form.kind == "imperf") and self._obj_suffix(d) and \
                self._prev(i) in ("الذي", "التي", "الذين") and not d.form.clitic:
            # X التي تدعمها Y: the pronoun is X (the object); the subject follows the verb
            rel_obj = self._adjacent_left(i)
        if d.form.kind == VERB or d.form.kind == "imperf":
            subj = self._adjacent_left(i) if not d.form.clitic and rel_obj is None else None
            if subj is None:
                subj = self._after(j, j + 4, skip_preps=False)
            if subj is None and not d.form.clitic.startswith("و") and not \
                    d.form.clitic.startswith("ف"):
                subj = self.res.left_subject(i)
            elif subj is None:
                subj = self.res.left_subject(i) if self._prev(i) in ("كان", "كانت", "وكان",
                                                                     "وكانت") else None
            if rel_obj is not None:
                obj = rel_obj
                d.relative = True
            elif subj is not None and subj[0] > j and self._held_responsible(subj[1]):
                # وحملت X المسؤولية: X is who is blamed; the one blaming is implicit
                obj, subj = subj, None
            elif subj is not None and subj[0] > j:
                obj = self._after(subj[1], subj[1] + 8, skip_preps=True)
            else:
                obj = self._after(j, lim, skip_preps=True)
        else:
            # verbal noun (or participle)
            k = j + 1
            n = len(self.toks)
            # one modifier may come between: الاتصال الهاتفي بين، لقاء القمة بين
            if k < n and self.sent[k] == s and self.norms[k] != "بين" and \
                    self.norms[k].startswith("ال") and self.ent_at[k] < 0 and \
                    k + 1 < n and self.norms[k + 1] in ("بين", "بينهما"):
                k += 1
            elif k + 2 < n and self.sent[k + 2] == s and self.norms[k + 2] == "بينهما" and \
                    all(self.norms[x].startswith("ال") and self.ent_at[x] < 0
                        for x in (k, k + 1)):
                k += 2  # لقاء القمة المرتقب بينهما
            elif k < n and self.sent[k] == s and self.ent_at[k] < 0 and self.norms[k] in (
                    "الهاتفي", "الهاتفيه", "هاتفي", "هاتفيه", "الرسمي", "الرسميه", "رسمي",
                    "رسميه", "الجويه", "جويه", "صاروخي", "الصاروخي", "الوحشي", "المشترك"):
                k += 1
            pair = self._pair_before(i) if k < n and self.norms[k] == "بينهما" else None
            nisba = self._nisba(k) if k < n and self.sent[k] == s and pair is None else None
            if pair is not None:
                subj, obj = pair
                nisba = None
            if nisba is not None:
                # ضربات إسرائيلية، هجوم صاروخي إيراني: the adjective names who acts;
                # إدانة دولية: a collective with no one actor. A speech act in someone's
                # quoted words (12 مطلباً أميركياً) is the speaker's, as the guidelines'
                # "most specific name" has it
                if nisba.text and d.type in self.lex.speech_types and self._in_quote(i):
                    d.implicit_actor = True
                    d.actor = self._implicit_actor(d, drafts)
                elif nisba.text:
                    d.actor = nisba
                d.no_agent = True
                obj = self._after(k, lim, skip_preps=True) if d.type not in SYMMETRIC else None
            elif pair is not None:
                pass
            elif k < n and self.norms[k] == "بين" and self.sent[k] == s:
                subj = self._after(k, k + 6, skip_preps=False)
                if subj is not None:
                    obj = self._coordinated(subj[1], subj[1] + 6)
            elif k < n and self.norms[k] == "من" and self.sent[k] == s and \
                    bare(self.norms[i]).startswith("م"):
                # a passive participle: المدعومين من إيران (the agent after من, the
                # patient is what it describes, right before it)
                subj = self._after(k, k + 4, skip_preps=False)
                obj = self._before(i)
            elif d.form.kind == PART:
                obj = self._after(j, lim, skip_preps=True)
            else:
                gen = self._np(k, k) if k < n and self.sent[k] == s and \
                    not _has_prep(self.norms[k]) and not d.form.suffix else None
                if gen is not None and d.type in ("CONSULT", "AGREE") and \
                        self.ent_at[gen[0]] >= 0 and self.ents[self.ent_at[gen[0]]].type == "LOC":
                    # اجتماع أستانا، قمة هلسنكي: a meeting named by its place
                    d.place_tok = gen[0]
                    gen = None
                plural_speech = d.type in self.lex.speech_types and \
                    bare(self.norms[j]).endswith("ات")
                comp = self._lam_complement(gen[1] + 1, d.type) if gen is not None and \
                    self.ent_at[gen[0]] >= 0 else None
                if comp is not None:
                    # دعم واشنطن للمعارضة، اعتراف الأمم المتحدة بالدولة: with a
                    # prepositional complement after it, the genitive is the agent
                    subj, obj = gen, comp
                elif gen is not None and d.type not in ACTOR_GENITIVE and not plural_speech:
                    # (انتقادات X، مطالبات X، تهديدات X: the plural of a speech act is
                    # instances of it, its genitive who makes them)
                    obj = gen
                    subj = self._by_agent(gen[1], lim)
                elif gen is not None:
                    subj = gen
                    obj = self._after(gen[1], gen[1] + 6, skip_preps=True)
                else:
                    after = self._ent_range(d.place_tok)[1] if d.place_tok >= 0 else j
                    obj = self._after(after, lim, skip_preps=True) if not d.form.suffix else None
                lam = self._lam_complement(k, d.type) if subj is None and gen is None and \
                    d.type in _LAM_BENEFICIARY and k < n and self.sent[k] == s else None
                if lam is not None and (obj is None or obj[0] == lam[0]):
                    # دعما لقوات الحكومة: for help and support, لـ names who receives it
                    obj = lam
                elif subj is None and gen is None and not d.form.definite and \
                        not d.form.suffix and k < n and self.sent[k] == s and \
                        self.norms[k][:1] == "ل" and not self.norms[k].startswith("لل") and \
                        self.ent_at[k] >= 0 and self.ents[self.ent_at[k]].type in ("PER", "ORG"):
                    # غارات لقوات النظام: لـ after an indefinite action noun names its agent
                    subj = self._ent_range(k)
                    if obj is not None and obj[0] <= subj[1]:
                        obj = self._after(subj[1], subj[1] + 6, skip_preps=True)
                if subj is None:
                    subj = self._light_verb_subject(i)
                if subj is None and i == j and self.toks[i].text.endswith(("اً", "ًا", "ا")) and \
                        not d.form.definite and not d.form.suffix and not d.form.clitic:
                    # an adverbial accusative (دخلت السعودية الحرب دعماً لـ…، تضامناً مع…):
                    # its agent is the subject of the clause it qualifies
                    subj = self._clause_subject(i)
        if subj is not None:
            d.actor = self.res.phrase(subj[0], subj[1], i)
            if d.type in SYMMETRIC and obj is None:
                co = self._coordinated(subj[1], subj[1] + 8)
                if co is not None:
                    obj = co
        elif d.no_agent:
            pass
        elif d.form.kind != NOUN or d.type in self.lex.speech_types or d.type in ACTOR_GENITIVE \
                or d.type in AUTHORITY_ACTS:
            # a noun with no agent of its own (مقتل، إدانة دولية) keeps none, unless it is
            # a speech act, whose agent is the one speaking
            d.implicit_actor = True
            d.actor = self._implicit_actor(d, drafts)
        if self._first_plural(d) if verbal else (
                self._we_light_verb(d.i) or self._prev(d.i) in ("تم", "وتم", "جرى", "وجرى")):
            # نحن توافقنا، أجرينا مفاوضات inside a quote: "we" is the speaker's state; so is
            # the agent of an impersonal passive in the speaker's words (تم الاتفاق مع واشنطن)
            st = self._speaker_state(d)
            if st is not None:
                d.actor = st
                d.implicit_actor = False
        if d.form.suffix and obj is None:
            obj = self._antecedent(i, d.actor)
        if obj is None and d.type in SYMMETRIC:
            obj = self._with_partner(i, d.actor)
        if obj is not None:
            d.target = self.res.phrase(obj[0], obj[1], i)
            co = self._coordinated(obj[1], obj[1] + 8)
            if co is not None and d.type in SYMMETRIC:
                a2 = self.res.phrase(co[0], co[1], i)
                if a2 is not None and self.ents and a2.ent >= 0 and \
                        self.ents[a2.ent].type == "PER":
                    d.extra_targets.append(a2)
        if d.actor is not None and d.target is not None and d.actor.key() == d.target.key():
            d.target = None

    def _clause_subject(self, i: int) -> tuple[int, int] | None:
        """The named subject of the sentence that holds token ``i``: VSO (a verb opening the
        sentence, و/ف + past tense, then a name) or SVO (a name opening it)."""
        first = self.sent_first.get(self.sent[i], 0)
        if first >= i:
            return None
        k = first
        if self.ent_at[k] >= 0:
            a, b = self._ent_range(k)
            return (a, b) if b < i and self.ents[self.ent_at[k]].type in ("PER", "ORG", "LOC") else None
        w = self.norms[k]
        if len(w) > 3 and w[0] in "وف" and not w[1:].startswith("ال") and k + 1 < i and \
                self.ent_at[k + 1] >= 0 and self.ents[self.ent_at[k + 1]].type in ("PER", "ORG", "LOC") \
                and not self._is_place_use(k + 1):
            a, b = self._ent_range(k + 1)
            return (a, b) if b < i else None
        return None

    def _lam_complement(self, k: int, etype: str) -> tuple[int, int] | None:
        """A named participant introduced by an attached لـ (بـ for recognition, a SUPPORT)
        at token ``k``: the complement of a verbal noun (دعم X للمعارضة)."""
        if k >= len(self.toks):
            return None
        w = self.norms[k]
        if len(w) < 3 or not (w[0] == "ل" or (w[0] == "ب" and etype == "SUPPORT")) or \
                w.startswith("لا"):
            return None
        if self.ent_at[k] < 0:
            # an unnamed definite phrase: بالدولة اليهودية، للقوات الحكومية
            if not (w.startswith(("بال", "لل")) and len(w) > 5) or self.lex.forms.get(w):
                return None
            e = k
            while e + 1 < len(self.toks) and self.sent[e + 1] == self.sent[k] and \
                    self.norms[e + 1].startswith("ال") and self.ent_at[e + 1] < 0 and \
                    not self.lex.forms.get(self.norms[e + 1]) and e - k < 2:
                e += 1
            return k, e
        if self._is_place_use(k):
            return None
        a, b = self._ent_range(k)
        return (a, b) if self.ents[self.ent_at[k]].type in ("PER", "ORG", "LOC") else None

    def _pair_before(self, i: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """``بينهما``: the last two people named before, in this sentence or the one before."""
        first = self.sent_first.get(max(self.sent[i] - 1, 0), 0)
        found: list[tuple[int, int]] = []
        keys: set[str] = set()
        k = i - 1
        while k >= first and len(found) < 2:
            ei = self.ent_at[k]
            if ei >= 0 and self.ents[ei].type == "PER":
                a, b = self._ent_range(k)
                key = self.res.best(ei).key()
                if key not in keys:
                    keys.add(key)
                    found.append((a, b))
                k = a - 1
                continue
            k -= 1
        if len(found) < 2:
            return None
        return found[1], found[0]

    def _obj_suffix(self, d: _Draft) -> bool:
        """Does the verb carry an object pronoun (تدعمها، يتهمه)?"""
        if d.form.suffix:
            return True
        w = self.norms[d.i]
        for suf in ("هما", "هم", "ها", "ه"):
            if w.endswith(suf) and any(f.entry is d.form.entry and f.kind != NOUN
                                       for f in self.lex.forms.get(w[:-len(suf)], ())):
                return True
        return False

    def _held_responsible(self, b: int) -> bool:
        """Is the phrase ending at ``b`` followed by المسؤولية (حمّل X المسؤولية)?"""
        k = b + 1
        while k < len(self.toks) and k <= b + 2 and self.norms[k] in COMMAS:
            k += 1
        return k < len(self.toks) and bare(self.norms[k]) in _RESPONSIBILITY

    def _quote_subject(self, qstart: int, i: int) -> Arg | None:
        """Inside a quote, a و-coordinated verb shares the subject of the clause it continues:
        the first person/organisation opening the quoted sentence (``"ميليشيا الحوثي تستخدم
        زوارق وتهدد الملاحة"``)."""
        if not self.norms[i].startswith("و"):
            return None
        first = max(self.sent_first.get(self.sent[i], 0), 0)
        k = first
        while k < i and (self.toks[k].start < qstart or self.norms[k] in MARKS):
            k += 1
        if k < i and self.ent_at[k] >= 0 and self.ents[self.ent_at[k]].type in ("PER", "ORG"):
            a, b = self._ent_range(k)
            if b + 1 < i and any(f.kind != NOUN for f in self.lex.forms.get(self.norms[b + 1], ())
                                 ) or b + 1 < i and self.norms[b + 1][:1] in "يت":
                return self.res.phrase(a, b, i)
        return None

    def _first_plural(self, d: _Draft) -> bool:
        """A first-person plural verb (توافقنا، نتعاون، نحن + verb)."""
        if self._prev(d.i) in ("نحن", "ونحن"):
            return True
        w = self.norms[d.i]
        if len(w) > 4 and w[0] in "وف" and w[1:] not in self.lex.forms:
            w = w[1:]
        forms = self.lex.forms
        if d.form.kind == VERB and w.endswith("نا") and any(
                f.entry is d.form.entry and f.kind == VERB and not f.suffix
                for f in forms.get(w[:-2], ())):
            return True
        if d.form.kind == "imperf" and w.startswith("ن") and any(
                f.entry is d.form.entry for f in forms.get("ي" + w[1:], ())):
            return True
        return False

    def _we_light_verb(self, i: int) -> bool:
        """``أجرينا مفاوضات``، ``عقدنا اجتماعا``: a noun after a first-person plural
        support verb."""
        for k in (1, 2):
            w = self._prev(i, k)
            if len(w) > 4 and w[0] in "وف":
                w = w[1:]
            if w.endswith("نا") and (w[:-2] in _LIGHT_VERBS or w[:-3] + "ى" in _LIGHT_VERBS):
                return True
        return False

    def _speaker_state(self, d: _Draft) -> Arg | None:
        """The state of the speaker whose quote the trigger is in (from the KB person's
        country), as its mention in the article (روسيا) when there is one."""
        t0 = self.toks[d.i].start
        q = next((q for q in self.doc.quotes if q.start <= t0 < q.end and
                  q.speaker is not None), None)
        lk = _linker()
        if q is None or lk is None or not q.speaker.id:
            return None
        person = lk.by_id.get(q.speaker.id)
        if person is None or person.type != "PER" or not person.country:
            return None
        country = _country_entry(lk, person.country)
        if country is None:
            return None
        for ei, e in enumerate(self.ents):
            if e.id == country.id:
                return Arg(e.start, e.end, e.text, country.id, country.name, ei)
        return None

    def _in_quote(self, k: int) -> bool:
        """Token ``k`` is inside the content of a quote with a known speaker."""
        a = self.toks[k].start
        return any(q.start <= a < q.end and q.speaker is not None for q in self.doc.quotes)

    def _nisba(self, k: int) -> Arg | None:
        """A nationality adjective right after a verbal noun (``ضربات إسرائيلية``): the
        country as the agent; ``دولية``: a collective agent (an empty Arg); else None.
        The adjectives are the nationalities stage's (every gender/number/clitic form)."""
        if self.ent_at[k] >= 0:
            return None
        if self.norms[k] in _COLLECTIVE:
            return Arg(0, 0, "")
        nat = self.nat_at.get(k)
        if nat is None or nat.id is None or not nisba_like(normalize(nat.text), accusative=True):
            return None  # a people noun (إبادة الأرمن، هجوم فلسطينيين) is the object, not the agent
        return Arg(nat.start, nat.end, nat.text, nat.id, nat.name)

    def _adjacent_left(self, i: int) -> tuple[int, int] | None:
        """SVO: a participant right before the verb (``انقرة ترفض``، ``الحكومة "لم تطلب``،
        ``وكانت X، أطلقت``، ``تركيا التي تنكر``), skipping negation, قد/كان, marks."""
        first = self.sent_first.get(self.sent[i], 0)
        k = i - 1
        while k >= first and (self.norms[k] in self.lex.negators or self.norms[k] in MARKS or
                              self.norms[k] in (
                                  "قد", "وقد", "كان", "كانت", "وكان", "وكانت", "سوف")):
            k -= 1
        if k < first:
            return None
        if self.norms[k] in ("الذي", "التي", "الذين"):
            k -= 1
            if k >= first and self.norms[k] in COMMAS:  # حزب الله، الذي رفض
                k -= 1
            if k < first:
                return None
        if self.ent_at[k] >= 0:
            if self._is_place_use(k):
                return None
            a, b = self._ent_range(k)
            # an institution in construct with a name: إدارة أوباما، حكومة نتنياهو
            if a - 1 >= first and self.ent_at[a - 1] < 0 and bare(self.norms[a - 1]) in \
                    self.lex.actor_heads and not self._title(bare(self.norms[a - 1])):
                a -= 1
            return a, b
        # a generic actor phrase: القوات الإسرائيلية، السلطات
        for a in range(k, max(first, k - 3) - 1, -1):
            w = self.norms[a]
            if bare(w) in self.lex.actor_heads or self._title(bare(w)):
                if all(self.norms[x].startswith(("ال", "لل")) for x in range(a + 1, k + 1)):
                    p = self._prev(a)
                    if p in _TARGET_PREPS or p in ("في", "ب", "ل") or (
                            len(w) > 3 and w[0] in "بل" and not w.startswith("ال")):
                        return None
                    return a, k
                return None
            if not w.startswith(("ال", "لل")):
                return None
        return None

    def _with_partner(self, i: int, actor: Arg | None) -> tuple[int, int] | None:
        """``بحث X مع Y في اتصال``: the partner of a symmetric event named with مع."""
        s = self.sent[i]
        for k in range(max(i - 8, 0), min(i + 8, len(self.toks))):
            if self.sent[k] != s or self.norms[k] != "مع":
                continue
            ph = self._after(k, k + 4, skip_preps=False)
            if ph is not None:
                arg = self.res.phrase(ph[0], ph[1], i)
                if arg is not None and (actor is None or arg.key() != actor.key()):
                    return ph
        return None

    def _is_medium(self, k: int) -> bool:
        """A news outlet (a dateline "(CNN)", وكالة انترفاكس, صحيفة …) reports; it does not act."""
        a, b = self._ent_range(k)
        text = self.doc.text[self.toks[a].start:self.toks[b].end]
        if text.isascii():
            return True
        p = bare(self._prev(a)) if a > 0 else ""
        return p in _MEDIA

    def _before(self, i: int) -> tuple[int, int] | None:
        """The participant right before token ``i`` (the noun a participle describes)."""
        k = i - 1
        first = self.sent_first.get(self.sent[i], 0)
        if k >= first and self.norms[k] in COMMAS:
            k -= 1
        if k >= first and self.ent_at[k] >= 0:
            return self._ent_range(k)
        for a in range(k, max(first, k - 3) - 1, -1):
            if bare(self.norms[a]) in self.lex.actor_heads:
                return a, k
        return None

    def _by_agent(self, b: int, limit: int) -> tuple[int, int] | None:
        """``من قبل X`` / ``على يد X`` after a patient genitive."""
        s = self.sent[b]
        for k in range(b + 1, min(limit, len(self.toks) - 1)):
            if self.sent[k] != s or self.norms[k] in END_PUNCT:
                return None
            if self.norms[k] in ("قبل", "يد", "ايدي"):
                return self._after(k, k + 3, skip_preps=False)
        return None

    def _light_verb_subject(self, i: int) -> tuple[int, int] | None:
        """``شنت X غارات``، ``فرضت X عقوبات``: the subject of the support verb before."""
        first = self.sent_first.get(self.sent[i], 0)
        for k in range(i - 1, max(first, i - 8) - 1, -1):
            w = self.norms[k]
            if w in END_PUNCT or w in _STOP:
                return None
            if w in _LIGHT_VERBS or (len(w) > 3 and w[0] in "وف" and w[1:] in _LIGHT_VERBS) or \
                    any(f.kind != NOUN for f in self.lex.forms.get(w, ())):
                ph = self._after(k, i - 1, skip_preps=False)
                if ph is None:
                    ph = self.res.left_subject(k)
                return ph
        return None

    def _antecedent(self, i: int, actor: Arg | None) -> tuple[int, int] | None:
        """The person/organisation an object pronoun (يتهمه) refers to: the last one named
        before the verb that is not the actor."""
        first = self.sent_first.get(max(self.sent[i] - 1, 0), 0)
        for k in range(i - 1, first - 1, -1):
            ei = self.ent_at[k]
            if ei >= 0 and self.ents[ei].type in ("PER", "ORG") and (
                    actor is None or self.res.best(ei).key() != actor.key()):
                return self._ent_range(k)
        return None

    def _implicit_actor(self, d: _Draft, drafts: list[_Draft]) -> Arg | None:
        doc = self.doc
        s = self.sent[d.i]
        if d.form.kind == PART:
            # مطالبة، شاكرا، داعية: the subject of the sentence's main verb
            for o in reversed(drafts):
                if o.i < d.i and self.sent[o.i] == s and o.actor is not None:
                    return o.actor
        if d.quote is not None:
            spk = doc.quotes[d.quote].speaker
            if spk is not None:
                return Arg(spk.start, spk.end, spk.text, spk.id, spk.name)
        s = self.sent[d.i]
        t0 = self.toks[d.i].start
        # أعلنت X أنها ستقاطع: the pronoun after the complementizer is the speaker
        if self._prev(d.i) in _PRONOUN_THAT:
            for q in doc.quotes:
                if q.start - 12 <= t0 < q.end and q.speaker is not None and \
                        (q.cue_start or 0) < t0:
                    return Arg(q.speaker.start, q.speaker.end, q.speaker.text, q.speaker.id,
                               q.speaker.name)
        # inside a quote's content: its speaker speaks (وأضاف لافروف أن على ترامب…)
        for q in doc.quotes:
            if q.start <= t0 < q.end and q.speaker is not None and \
                    d.type in self.lex.speech_types:
                own = self._quote_subject(q.start, d.i)
                if own is not None:
                    # "X تستخدم … وتهدد": a coordinated verb whose subject the quote names
                    return own
                return Arg(q.speaker.start, q.speaker.end, q.speaker.text, q.speaker.id,
                           q.speaker.name)
        for o in reversed(drafts):
            if o.i < d.i and self.sent[o.i] == s and o.relative and o.target is not None:
                # X التي تدعمها Y تجوع … وتهدد: the main clause goes on with X
                return o.target
            if o.i < d.i and self.sent[o.i] == s and o.actor is not None:
                return o.actor
        first = self.sent_first.get(s, 0)
        for k in range(first, d.i):
            ei = self.ent_at[k]
            if ei >= 0 and self.ents[ei].type in ("PER", "ORG") and not self._is_place_use(k) \
                    and not self._is_medium(k):
                a, b = self._ent_range(k)
                return self.res.phrase(a, b, d.i)
        # a continuation: the previous sentence's actor or speaker
        prev = [o for o in drafts if o.i < d.i and self.sent[o.i] == s - 1 and o.actor]
        if prev:
            return prev[-1].actor
        for q in reversed(doc.quotes):
            if q.start < t0 and q.speaker is not None and self.doc.sentence_of(q.start) >= s - 1:
                return Arg(q.speaker.start, q.speaker.end, q.speaker.text, q.speaker.id,
                           q.speaker.name)
        return None

    # ------------------------------------------------------------------ date, place
    def _date(self, d: _Draft) -> dict[str, Any] | None:
        doc = self.doc
        t0, t1 = self.toks[d.i].start, self.toks[d.j].end
        s = self.sent[d.i]
        ss, se = doc.sentences[s] if doc.sentences else (0, len(doc.text))
        best: tuple[int, Any] | None = None
        for m in doc.dates:
            if m.value is None or not (ss <= m.start < se):
                continue
            if self._parenthetical(m.start, t0, t1):
                continue  # (موقعة في 2015): an aside's date, not the event's
            if m.start >= t1:
                dist = m.start - t1
                if self._clause_break(t1, m.start, after=True):
                    dist += 400
            else:
                dist = (t0 - m.end) * 2
                if self._clause_break(m.end, t0, after=False):
                    dist += 400
                # a date right after another trigger is that one's (ستفتح في 14 أيار، رحبت)
                elif any(self.toks[k].end <= m.start and m.start - self.toks[k].end < t0 - m.end
                         and self.sent[k] == s for k in self._trigger_at if k != d.i):
                    dist += 400
            if best is None or dist < best[0]:
                best = (dist, m)
        if best is not None and best[0] > 500:
            best = None  # behind a clause boundary and not close: another clause's date
        if best is not None:
            m = best[1]
            src = "text" if best[0] <= 120 else "sentence"
            return {"value": m.value, "source": src, "text": m.text, "start": m.start,
                    "end": m.end}
        if d.ref_date is not None:
            return dict(d.ref_date, source="sentence")
        carried = self._actor_date(d)
        if carried is not None:
            return carried
        from rasid.util.dates import publication_date

        pub = publication_date(doc.published if doc.published is not None else
                               doc.article.published)
        if pub is not None:
            return {"value": pub.isoformat(), "source": "published"}
        return None

    def _parenthetical(self, pos: int, t0: int, t1: int) -> bool:
        """Is ``pos`` inside parentheses that do not also hold the trigger [t0, t1)?"""
        text = self.doc.text
        lo = max(0, pos - 150)
        o = text.rfind("(", lo, pos)
        if o < 0 or text.rfind(")", o, pos) >= 0:
            return False
        c = text.find(")", pos, pos + 150)
        if c < 0:
            return False
        return not (o < t0 and t1 <= c)

    def _actor_date(self, d: _Draft) -> dict[str, Any] | None:
        """A statement with no date of its own, by an actor whose earlier statement in the
        article is dated (``دعت X الثلاثاء …``، then ``وحملت X …``): the same report, the
        same day."""
        if d.actor is None or d.type not in self.lex.speech_types:
            return None
        t0 = self.toks[d.i].start
        s = self.sent[d.i]
        for q in reversed(self.doc.quotes):
            if q.cue_start is None or q.cue_start >= t0 or q.speaker is None:
                continue
            if not _same_arg(d.actor, q.speaker):
                continue
            qs = self.doc.sentence_of(q.cue_start)
            if s - qs > 2:  # the same report: its own or the two sentences before
                break
            ss, se = self.doc.sentences[qs] if self.doc.sentences else (0, len(self.doc.text))
            near = [m for m in self.doc.dates if m.value and ss <= m.start < se and
                    not (q.start <= m.start < q.end)]
            if near:  # the date of the reporting clause: the one nearest the cue
                m = min(near, key=lambda m: abs(m.start - q.cue_start))
                return {"value": m.value, "source": "sentence", "text": m.text,
                        "start": m.start, "end": m.end}
        # or the date of the same actor's statement just before (دعت X الثلاثاء … داعية …
        # وحملت X …): a chain of statements in one report
        for actor, sk, date in reversed(self._dated_speech):
            if s - sk > 2:
                break
            if _same_arg(d.actor, actor):
                return dict(date, source="sentence")
        return None

    def _clause_break(self, a: int, b: int, after: bool) -> bool:
        """Does a clause boundary separate the character range [a, b) from the trigger?
        Before the trigger: a complementizer, a quote mark or a reporting cue (the date of
        ``قال … اليوم إن``). After it: another event trigger (the date is that one's)."""
        starts = [t.start for t in self.toks]
        k0 = bisect_right(starts, a)
        for k in range(k0, len(self.toks)):
            t = self.toks[k]
            if t.start >= b:
                break
            w = self.norms[k]
            if not after and (w in ("ان", "إن", "بان", "أن") or w in MARKS or k in self.quote_cue):
                return True
            if after and k in self._trigger_at:
                return True
        return False

    def _place(self, d: _Draft) -> dict[str, Any] | None:
        doc = self.doc
        t0, t1 = self.toks[d.i].start, self.toks[d.j].end
        s = self.sent[d.i]
        ss, se = doc.sentences[s] if doc.sentences else (0, len(doc.text))
        taken = {(a.start, a.end) for a in (d.actor, d.target) if a is not None}
        cands: list[tuple[int, int, int, str]] = []
        for k, t in enumerate(self.toks):
            if t.start < ss or t.start >= se or self.ent_at[k] < 0:
                continue
            e = self.ents[self.ent_at[k]]
            if e.type != "LOC" or e.start < t.start and k > 0 and self.ent_at[k - 1] == \
                    self.ent_at[k]:
                continue
            if (e.start, e.end) in taken or self._ent_range(k)[0] != k:
                continue
            attached = e.start > t.start and doc.text[t.start:e.start][-1:] == "ب"
            p = self._prev(k)
            if k == d.place_tok:
                cands.append((-1, e.start, e.end, e.text))
                continue
            if not (attached or p in _LOCATIVE or bare(p) in _LOCATIVE):
                continue
            if e.start >= t1:
                dist = e.start - t1
                if self._clause_break(t1, e.start, after=True):
                    continue
            else:
                dist = (t0 - e.end) * 2
                if self._clause_break(e.end, t0, after=False) or any(
                        self.norms[x] in ("كان", "كانت") for x in range(k, d.i)):
                    continue
            if dist > 120:
                continue
            cands.append((dist, e.start, e.end, e.text))
        if not cands:
            return None
        _, a, b, text = min(cands)
        out: dict[str, Any] = {"text": text, "start": a, "end": b, "name": None, "id": None}
        for p in doc.places:
            if p.start <= a and b <= p.end or a <= p.start and p.end <= b:
                out.update(name=p.name, id=p.id, lat=p.lat, lon=p.lon, country=p.country)
                break
        return out

    # ------------------------------------------------------------------ output
    def _finish(self, drafts: list[_Draft]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: dict[tuple[str, str, str, bool], dict[str, Any]] = {}
        by_type: dict[str, dict[str, Any]] = {}
        kept: list[_Draft] = []
        self._dated_speech: list[tuple[Arg, int, dict[str, Any]]] = []
        for d in drafts:
            ref = d.form.kind == NOUN and d.form.definite and d.type in by_type
            if ref and (d.implicit_actor or d.actor is None) and d.target is None:
                # "خلال الاتصال"، "الاتفاق": a later mention of an event already coded; the
                # events of its sentence get that event's date when they have none
                for o in kept:
                    if self.sent[o.i] == self.sent[d.i] and o is not d:
                        o.ref_date = o.ref_date or by_type[d.type]["_date"]
                d.ref_date = by_type[d.type]["_date"]
                continue
            kept.append(d)
            by_type.setdefault(d.type, {"_date": None})
            for tg in [d.target] + d.extra_targets:
                a_key = d.actor.key() if d.actor else ""
                t_key = tg.key() if tg else ""
                if d.type in SYMMETRIC:
                    a_key, t_key = sorted((a_key, t_key))
                key = (d.type, a_key, t_key, d.negated)
                if key in seen and (ref or d.no_agent or d.implicit_actor and d.form.kind == NOUN):
                    continue
                date = self._date(d)
                prev = seen.get(key)
                if prev is not None and d.form.kind == NOUN and ((prev["date"] or {}).get("value") == (date or {}).get(
                        "value") or (date or {}).get("source") == "published"):
                    continue
                t0, t1 = self.toks[d.i].start, self.toks[d.j].end
                ev = {"type": d.type,
                      "trigger": {"start": t0, "end": t1, "text": self.doc.text[t0:t1]},
                      "actor": d.actor.to_dict() if d.actor else None,
                      "target": tg.to_dict() if tg else None,
                      "date": date,
                      "place": self._place(d),
                      "negated": d.negated,
                      "quote": d.quote}
                seen[key] = ev
                if date and date.get("source") in ("text", "sentence") and d.actor and \
                        d.type in self.lex.speech_types:
                    self._dated_speech.append((d.actor, self.sent[d.i], {"value": date["value"]}))
                if date and date.get("source") != "published" and \
                        by_type[d.type]["_date"] is None:
                    by_type[d.type]["_date"] = {"value": date["value"]}
                out.append(ev)
        return out
