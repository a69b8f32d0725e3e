"""Find Arabic date expressions in news text and resolve them against the publication date.

``find_dates(text, published)`` returns :class:`DateMention` items (Python ``str`` offsets
into ``text``). Values (see docs/dates.md):

- ``YYYY-MM-DD`` a day, ``YYYY-MM`` a month, ``YYYY`` a year, ``YYYY-Www`` an ISO week,
  ``START/END`` a range of two of those;
- ``XXXX-MM-DD`` / ``XXXX-MM`` (TimeML style) a day or month whose year the text does not
  give and which cannot be resolved because the publication date is unknown;
- ``None`` when the expression needs the publication date and it is unknown (weekdays,
  أمس, الشهر الماضي ...) or refers to an earlier date that is missing (الشهر التالي).

The whole matcher is a handful of regexes compiled once (lazily) from the data files in
``rasid/resources/timex``; there is no per-article call into a date library except
hijridate for Hijri dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasid.doc import DateMention  # the one data model, re-exported here
from rasid.timex.lexicon import _trie_regex, alt, key, lexicon, normalize_with_map


def _trie_regex_of(words) -> str:
    return _trie_regex(sorted(words))


__all__ = ["DateMention", "find_dates", "to_dict"]

_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}


def to_dict(m: DateMention) -> dict[str, Any]:
    return m.to_dict()


# --------------------------------------------------------------------------- patterns

_S = r"[^\S\n]+"          # blanks, no newline
_S0 = r"[^\S\n]*"
_CLITIC = r"(?:(?<!\w)(?:و|ف|ب|وب|فب|ل|ول)?|(?<=[^\W\d])(?=\d))"
_END = r"(?!\w)"
_NOLETTER = r"(?![^\W\d])"  # not followed by a letter (a glued digit is fine: "يونيو2017")
_YEAR = r"(?<![\d.,/:])(?:1[6-9]\d\d|20\d\d)(?![\d]|[.,/:]\d)"
_DAYNUM = r"(?:ال" + _S0 + r")?(?<![\d.,/:])[0-3]?\d(?![\d]|[.,/:]\d)"


class _Patterns:
    def __init__(self) -> None:
        L = lexicon()
        self.L = L
        M = alt(L.months)
        self.month_alt = M
        ORD = alt(L.ordinals)
        CARD = alt(L.cardinals)
        WD = alt(L.weekdays)
        HM = alt(L.hijri_months)
        mods = alt(L.modifiers)
        mmod = alt([w for w, v in L.modifiers.items() if isinstance(v, int)])
        era = r"(?:" + "|".join(sorted({re.escape(e) for e in L.hijri_era}, key=len, reverse=True)) + r")(?!\w)"
        self.era = era

        def monx(p: str) -> str:
            return (rf"(?:شهر{_S})?(?P<{p}m>{M}){_NOLETTER}"
                    rf"(?:{_S0}[/\\]{_S0}(?P<{p}m2>{M}){_NOLETTER}|{_S0}\({_S0}(?P<{p}m3>{M}){_S0}\)|{_S}(?P<{p}m4>{M}){_NOLETTER})?")

        def day(p: str) -> str:
            return rf"(?:(?P<{p}d>{_DAYNUM})(?:{_S}من)?|(?P<{p}o>{ORD}){_S}من)"

        year_tail = (
            rf"(?:{_S0}[,،]?{_S0}(?:من{_S})?(?:(?:عام|العام|سنه|السنه){_S})?(?P<y>{_YEAR})"
            rf"(?:{_S0}م(?!\w)|{_S}ميلادي(?:ه)?(?!\w))?"
            rf"|{_S}من{_S}(?:(?P<ythis>هذا|هذه){_S}(?:العام|السنه)"
            rf"|(?:العام|السنه){_S}(?P<yrel>{mods}|نفسه|ذاته)|(?P<yrel2>ذلك|تلك){_S}(?:العام|السنه)){_END}"
            rf"|{_S}(?P<mmod>{mmod}){_END})?"
        )
        self.year_tail = year_tail
        # day (+ range) + month (+ year)
        self.dmy = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<pre>من|بين){_S})?"
            + rf"(?:(?P<r1>{_DAYNUM})(?:{_S0}-{_S0}|{_S}و{_S0}|{_S}(?:الي|حتي){_S})"
            + rf"(?=(?:ال{_S0})?\d|{ORD}))?"
            + day("a") + _S + monx("a") + year_tail + ")")
        # Month day[-day][, year] (English order; duckling style)
        self.mdy = re.compile(
            _CLITIC + rf"(?P<core>{monx('a')}{_S}(?P<ad>\d{{1,2}})(?!\d)"
            + rf"(?:(?:{_S0}-{_S0}|{_S}(?:الي|حتي){_S})(?P<ad2>\d{{1,2}})(?!\d))?"
            + rf"(?:{_S0}[,،]{_S0}(?P<y>{_YEAR}))?)(?!{_S0}\w)")
        # month (+ year)
        self.my = re.compile(
            _CLITIC + rf"(?P<core>(?P<fi>في{_S})?(?P<season>(?:{alt(L.seasons)}){_S})?"
            + monx("a") + year_tail + ")")
        # years
        self.yrange = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<pre>بين|من){_S})?(?P<kw>(?:عامي|العامين|سنتي|عام|العام|سنه){_S})?"
            rf"(?P<y1>{_YEAR})(?P<sep>{_S0}[-/]{_S0}|{_S}و{_S0}(?:(?:عام|العام){_S})?|{_S}(?:الي|حتي){_S}(?:(?:عام|العام){_S})?)"
            rf"(?P<y2>{_YEAR}))")
        self.year = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<kw>عام|العام|سنه|السنه|لعام|للعام)(?:{_S}الم[اي]لي)?(?:{_S}{mods})?{_S0}|(?P<season>{alt(L.seasons)}){_S}(?:(?:عام|العام){_S})?|(?P<fi>في){_S0})?"
            rf"(?P<y>{_YEAR})(?P<suf>{_S0}م(?!\w)|{_S}ميلادي(?:ه)?(?!\w))?)")
        # Hijri
        self.hijri = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<hd>{_DAYNUM})(?:{_S}من)?{_S}|(?P<ho>{ORD}){_S}من{_S})?"
            rf"(?P<sh>شهر{_S})?(?P<hm>{HM}){_END}"
            rf"(?:{_S0}[,،]?{_S0}(?:(?:عام|العام|سنه){_S})?(?P<hy>1[2-5]\d\d)(?!\d))?"
            rf"(?:{_S0}(?P<era>{era}))?)")
        self.hijri_year = re.compile(
            _CLITIC + rf"(?P<core>(?:(?:عام|العام|سنه){_S})?(?P<hy>1[2-5]\d\d)(?!\d){_S0}(?P<era>{era}))")
        # weekdays (+ pair, + modifier), with an optional day part / relative-day prefix
        dayparts = alt(L.day_parts)
        reldays = alt(L.rel_days)
        self.weekday = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<dp>{dayparts}){_S})?(?:(?P<rd>{reldays}|يومي|يوم){_S})?"
            rf"(?P<w1>{WD}){_END}(?:(?:{_S0}[-/]{_S0}|{_S}و{_S0}|{_S}(?:الي|حتي){_S}|(?P<wsp>{_S}))(?P<w2>{WD}){_END})?"
            rf"(?:{_S}(?P<mod>{mods}){_END})?)")
        self.relday = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<dp>{dayparts}){_S})?(?P<rd>اليوم{_S}التالي|{reldays}){_END})")
        self.period = re.compile(
            _CLITIC + rf"(?P<core>(?:(?P<this>{alt(L.this_words)}|ذلك|تلك){_S})?(?P<unit>{alt(L.periods)})"
            rf"(?:{_S}(?P<mod>{mods}|نفسه|نفسها|ذاته|ذاتها))?{_END})")
        unit_any = alt([w for w in L.units])
        duals = alt([w for u in L.unit_forms.values() for w in u["dual"]])
        sing = alt([w for u in L.unit_forms.values() for w in u["singular"]])
        self.ago = re.compile(
            _CLITIC + rf"(?P<core>(?P<dir>{alt(L.ago + L.after)}){_S}(?:(?P<approx>{alt(L.approx)}){_S})?"
            rf"(?:(?P<n>\d{{1,3}}|{CARD}){_S}(?P<unit>{unit_any})|(?P<dual>{duals})|(?P<sing>{sing})){_END})"
            rf"(?!{_S0}[\d/])")
        self.numeric = re.compile(
            r"(?<![\w/.:-])(?P<core>(?P<d>[0-3]?\d)(?P<s>[/.-])(?P<m>[01]?\d)(?P=s)(?P<y>(?:1[6-9]|20)\d\d)"
            r"|(?P<y2>(?:1[6-9]|20)\d\d)(?P<s2>[-/.])(?P<m2>[01]?\d)(?P=s2)(?P<d2>[0-3]?\d)"
            r"|(?P<m3>[01]?\d)/(?P<y3>(?:19|20)\d\d))(?![\w/.:-]|[.,]\d)")
        self.holiday = re.compile(_CLITIC + rf"(?P<core>{alt(L.holidays)}){_END}")
        # Trigger words: every pattern can only start at a word from this table (or at a
        # digit), so the text is scanned once and each pattern is tried only there.
        trig: dict[str, set[str]] = {}

        def reg(words, *names: str) -> None:
            for w in words:
                fw = key(w).split(" ")[0] if key(w) else ""
                if fw:
                    trig.setdefault(fw, set()).update(names)

        reg(L.months, "mdy", "my")
        reg(["في"], "my", "year")
        reg(["من", "بين"], "dmy", "yrange")
        reg(["عام", "العام", "سنه", "السنه", "لعام", "للعام", "عامي", "العامين", "سنتي"],
            "year", "yrange", "hijri_year")
        reg(L.ordinals, "dmy", "hijri")
        reg(["شهر"], "my", "hijri")
        reg(L.seasons, "my", "year")
        reg(L.hijri_months, "hijri")
        reg(list(L.weekdays) + L.day_parts + list(L.rel_days) + ["يوم", "يومي"], "weekday", "relday")
        reg(L.this_words + list(L.periods) + ["ذلك", "تلك"], "period")
        reg(L.ago + L.after, "ago", "relday")
        reg(L.holidays, "holiday")
        self.triggers = trig
        self.digit_names = ("dmy", "year", "yrange", "hijri", "hijri_year", "numeric")
        self.trigger_re = re.compile(
            r"(?<!\w)(?:و|ف|ب|ل|وب|فب|ول|فل|لل)?(?P<w>" + _trie_regex_of(trig) + r")(?!\w)"
            r"|(?<![\d])(?P<dg>\d)")
        self.future = re.compile(
            rf"(?<!\w)(?:{alt(L.future_markers)}){_END}|(?<!\w)[وف]?(?P<sv>س[يتن]\w{{2,}})")
        self.word = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns()


# --------------------------------------------------------------------------- helpers

def _daynum(s: str | None) -> int | None:
    if not s:
        return None
    s = s.replace("ال", "").strip()
    return int(s) if s.isdigit() else None


def _month_ok(P: _Patterns, g: dict, p: str) -> int | None:
    m = g.get(p + "m")
    return P.L.months.get(key(m)) if m else None


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y if y > 0 else 2000, m)[1]


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + n
    return i // 12, i % 12 + 1


def _prev_word(N: str, start: int) -> str:
    seg = N[max(0, start - 30):start]
    ws = re.findall(r"\w+", seg)
    return ws[-1] if ws else ""


def _prev_words(N: str, start: int, n: int = 2) -> str:
    seg = N[max(0, start - 40):start]
    return " ".join(re.findall(r"\w+", seg)[-n:])


def _next_words(N: str, end: int, n: int = 2) -> str:
    seg = N[end:end + 40]
    return " ".join(re.findall(r"[\w%]+", seg)[:n])


def _strip_clitic(w: str) -> str:
    if len(w) > 3 and w[0] in "وفبل":
        return w[1:]
    return w


class _Ctx:
    """Per-article resolution context."""

    def __init__(self, N: str, pub: dt.date | None, direction: str,
                 year_month: tuple[int, int] | None = None) -> None:
        self.N = N
        self.pub = pub
        # publication year and month known without the day (rasid.timex.infer): year-less
        # days and months resolve against the month's last day; weekdays etc. stay None
        self.ref: dt.date | None = pub
        if pub is None and year_month:
            y, m = year_month
            self.ref = dt.date(y, m, calendar.monthrange(y, m)[1])
        self.direction = direction  # "news" (past default) or "future" (Duckling)
        self.P = _patterns()
        self._pos: dict[str, list[int]] | None = None

    def _scan(self) -> dict[str, list[int]]:
        P = self.P
        pos: dict[str, list[int]] = {}
        for m in P.trigger_re.finditer(self.N):
            if m.group("dg") is not None:
                names = P.digit_names
                at = m.start()
                # "ال10", "و2015", "في14": the pattern may start before the digit
                ws = self.N.rfind(" ", 0, at) + 1
                starts = (at, ws) if ws < at and at - ws <= 3 else (at,)
            else:
                names = P.triggers.get(m.group("w"), ())
                starts = (m.start(),)
            for n in names:
                pos.setdefault(n, []).extend(starts)
        return pos

    def matches(self, name: str):
        if self._pos is None:
            self._pos = self._scan()
        rx = getattr(self.P, name)
        seen = set()
        for p in sorted(set(self._pos.get(name, ()))):
            mt = rx.match(self.N, p)
            if mt is not None and mt.span() not in seen:
                seen.add(mt.span())
                yield mt

    def future_context(self, start: int) -> bool:
        if self.direction == "future":
            return True
        seg = self.N[max(0, start - 90):start]
        cut = max(seg.rfind("."), seg.rfind("\n"), seg.rfind("؟"), seg.rfind("!"), seg.rfind(":"))
        seg = seg[cut + 1:]
        L = self.P.L
        if _strip_clitic(_prev_word(self.N, start)) in L.past_before:
            return False  # "منذ سبتمبر": before publication
        last_future = -1
        for m in self.P.future.finditer(seg):
            sv = m.group("sv")
            if sv is None or not sv.startswith(L.future_stop):
                last_future = m.end()
        if last_future < 0:
            return False
        # a past reporting verb after the future marker: the date belongs to the report
        for w in self.P.word.findall(seg[last_future:]):
            if w in L.past_reporting or _strip_clitic(w) in L.past_reporting:
                return False
        return True

    # -- day and month without year -----------------------------------------------------
    def pick_day(self, m: int, d: int, start: int, mod: int | None = None) -> str | None:
        pub = self.ref
        if pub is None:
            return f"XXXX-{m:02d}-{d:02d}"
        cands = [dt.date(y, m, d) for y in (pub.year - 1, pub.year, pub.year + 1) if _valid(y, m, d)]
        if not cands:
            return None
        if mod == 0:
            if _valid(pub.year, m, d):
                return dt.date(pub.year, m, d).isoformat()
        past = [c for c in cands if c <= pub]
        fut = [c for c in cands if c > pub]
        if mod == -1:
            past = [c for c in cands if c < pub]
            return past[-1].isoformat() if past else None
        if mod == 1:
            return fut[0].isoformat() if fut else None
        if self.direction != "future" and _strip_clitic(_prev_word(self.N, start)) in self.P.L.past_before:
            mod = -1 if mod is None else mod
            past = [c for c in cands if c <= pub]
            return past[-1].isoformat() if past else None
        if self.future_context(start):
            fut2 = [c for c in cands if c >= pub]
            return fut2[0].isoformat() if fut2 else None
        p = past[-1] if past else None
        f = fut[0] if fut else None
        if p and f:
            return (f if (f - pub).days * 2 < (pub - p).days else p).isoformat()
        return (p or f).isoformat()  # type: ignore[union-attr]

    def pick_month(self, m: int, start: int, mod: int | None = None) -> str | None:
        pub = self.ref
        if pub is None:
            return f"XXXX-{m:02d}"
        cur = pub.year * 12 + pub.month - 1
        cands = [y * 12 + m - 1 for y in (pub.year - 1, pub.year, pub.year + 1)]
        if mod == 0:
            y = pub.year
        elif mod == -1:
            y = max(c for c in cands if c < cur) // 12
        elif mod == 1:
            y = min(c for c in cands if c > cur) // 12
        elif self.direction != "future" and _strip_clitic(_prev_word(self.N, start)) in self.P.L.past_before:
            y = max(c for c in cands if c <= cur) // 12
        elif self.future_context(start):
            y = min(c for c in cands if c >= cur) // 12
        else:
            p = max(c for c in cands if c <= cur)
            f = min(c for c in cands if c > cur)
            y = (f if (f - cur) * 2 < (cur - p) else p) // 12
        return f"{y}-{m:02d}"

    def weekday(self, wd: int, start: int, mod: int | str | None, rd: int | None) -> dt.date | None:
        pub = self.pub
        if pub is None:
            return None
        if rd is not None:
            base = pub + dt.timedelta(days=rd)
            # "اليوم الجمعة", "أمس الاثنين": the named day, checked against the weekday
            if base.weekday() == wd:
                return base
        back = (pub.weekday() - wd) % 7
        if mod == -1:
            return pub - dt.timedelta(days=back or 7)
        fwd = (wd - pub.weekday()) % 7
        if mod == 1:
            return pub + dt.timedelta(days=fwd or 7)
        if mod == 0:
            return pub + dt.timedelta(days=fwd)
        if self.direction == "future":
            return pub + dt.timedelta(days=fwd or 7)   # Duckling: the next one
        if self.future_context(start):
            return pub + dt.timedelta(days=fwd)        # news: on or after publication
        return pub - dt.timedelta(days=back)


# --------------------------------------------------------------------------- candidates

@dataclass(slots=True)
class _Cand:
    start: int     # normalized offsets
    end: int
    kind: str
    value: str | None
    anchor: str
    extra: Any = None


def _mod_of(L, word: str | None) -> int | str | None:
    if not word:
        return None
    return L.modifiers.get(key(word))


def _year_from_tail(ctx: _Ctx, g: dict) -> tuple[int | None, bool, bool]:
    """(year, explicit, anaphoric) from the year tail groups."""
    if g.get("y"):
        return int(g["y"]), True, False
    if g.get("ythis") and not g.get("yrel"):
        return (ctx.pub.year if ctx.pub else None), False, False
    if g.get("yrel2"):
        return None, False, True  # "من ذلك العام": the year of an earlier mention
    rel = g.get("yrel")
    if rel:
        if key(rel) in ("نفسه", "ذاته"):
            return None, False, True
        off = ctx.P.L.modifiers.get(key(rel))
        if isinstance(off, int):
            return (ctx.pub.year + off if ctx.pub else None), False, False
    return None, False, False


def _cands_dmy(ctx: _Ctx, out: list[_Cand]) -> None:
    P, L, N = ctx.P, ctx.P.L, ctx.N
    for mt in ctx.matches("dmy"):
        g = mt.groupdict()
        mon = _month_ok(P, g, "a")
        if mon is None:
            continue
        if g.get("y") is None and _prev_word(N, mt.start("core")) in ("ثوره", "لثوره", "بثوره", "وثوره"):
            continue  # "ثورة 26 سبتمبر": the name of a revolution, not a date
        d1 = _daynum(g["r1"]) if g.get("r1") else None
        day_main = _daynum(g["ad"]) if g.get("ad") else (L.ordinals.get(key(g["ao"])) if g.get("ao") else None)
        if day_main is None:
            continue
        first = d1 if d1 is not None else None
        start = mt.start("core")
        if g["pre"] and first is None:
            start = mt.start("ad") if g.get("ad") else mt.start("ao")
        y, explicit, anaph = _year_from_tail(ctx, g)
        mod = None
        if g.get("mmod"):
            mv = L.modifiers.get(key(g["mmod"]))
            mod = mv if isinstance(mv, int) else None
        days = [first, day_main] if first is not None else [day_main]
        if any(x is None or not 1 <= x <= 31 for x in days):
            continue
        if first is not None and first >= day_main:
            continue
        vals = []
        if y is not None:
            vals = [f"{y}-{mon:02d}-{x:02d}" if _valid(y, mon, x) else None for x in days]
            anchor = "absolute" if explicit else "relative"
        elif anaph:
            vals = [None for _ in days]
            anchor = "relative"
            out.append(_Cand(start, mt.end("core"), "dmy", None, anchor, ("anaph_day", mon, days)))
            continue
        else:
            if g.get("yrel") or g.get("ythis"):
                vals = [None for _ in days]  # relative year without publication date
            else:
                v = ctx.pick_day(mon, days[0], start, mod)
                if v and len(days) == 2:
                    y0 = v[:4]
                    v2 = f"{y0}-{mon:02d}-{days[1]:02d}"
                    vals = [v, v2]
                else:
                    vals = [v]
            anchor = "relative"
        if any(v is None for v in vals):
            value = None
        elif len(vals) == 2:
            value = f"{vals[0]}/{vals[1]}"
        else:
            value = vals[0]
        out.append(_Cand(start, mt.end("core"), "dmy", value, anchor,
                         ("day", mon, days, y is not None or bool(g.get("yrel") or g.get("ythis")), mod)))


def _cands_mdy(ctx: _Ctx, out: list[_Cand]) -> None:
    P = ctx.P
    for mt in ctx.matches("mdy"):
        g = mt.groupdict()
        mon = _month_ok(P, g, "a")
        d1 = int(g["ad"])
        d2 = int(g["ad2"]) if g["ad2"] else None
        if mon is None or not 1 <= d1 <= 31 or (d2 is not None and not d1 < d2 <= 31):
            continue
        if g["y"] is None and d2 is None:
            continue
        days = [d1] + ([d2] if d2 else [])
        if g["y"]:
            y = int(g["y"])
            vals = [f"{y}-{mon:02d}-{x:02d}" for x in days]
            anchor = "absolute"
        else:
            v = ctx.pick_day(mon, d1, mt.start("core"))
            vals = [v, f"{v[:4]}-{mon:02d}-{d2:02d}"] if v else [None]
            anchor = "relative"
        value = None if None in vals else "/".join(vals)
        out.append(_Cand(mt.start("core"), mt.end("core"), "dmy", value, anchor, ("day", mon, days, bool(g["y"]), None)))


def _cands_my(ctx: _Ctx, out: list[_Cand]) -> None:
    P, L, N = ctx.P, ctx.P.L, ctx.N
    for mt in ctx.matches("my"):
        g = mt.groupdict()
        mon = _month_ok(P, g, "a")
        if mon is None:
            continue
        y, explicit, anaph = _year_from_tail(ctx, g)
        has_tail = bool(g.get("y") or g.get("mmod") or g.get("yrel") or g.get("ythis") or g.get("yrel2"))
        core_start = mt.start("core")
        sh = N.startswith("شهر", mt.start("am") - 4) if mt.start("am") >= 4 else False
        # a list "في فبراير ومارس وأبريل": a month right after "و" + another month
        pwl = _prev_word(N, core_start - 1)
        listed = N[core_start - 1:core_start] == "و" and (pwl in L.months or _strip_clitic(pwl) in L.months)
        strong = has_tail or g.get("am2") or g.get("am3") or g.get("fi") or sh or listed
        if key(g["am"]) in L.ambiguous_months and not strong:
            continue
        if g.get("season") and not g.get("y"):
            continue
        if not has_tail and not strong:
            # a bare month name: needs a time preposition before it
            pw0 = _prev_word(N, core_start)
            ok = {"منذ", "حتي", "خلال", "مطلع", "منتصف", "اواخر", "اوائل", "نهايه", "بدايه", "بحلول",
                  "قبل", "بعد", "طيله", "طوال", "من", "الي", "شهري", "شهر"} | L.year_before
            if pw0 not in ok and _strip_clitic(pw0) not in ok:
                continue
        if g.get("season") and g.get("y"):
            out.append(_Cand(core_start, mt.end("core"), "year", g["y"], "absolute"))
            continue
        mod = None
        if g.get("mmod"):
            mv = L.modifiers.get(key(g["mmod"]))
            mod = mv if isinstance(mv, int) else None
        if y is not None:
            value, anchor = f"{y}-{mon:02d}", ("absolute" if explicit else "relative")
        elif anaph or g.get("yrel") or g.get("ythis"):
            value, anchor = None, "relative"
        else:
            value, anchor = ctx.pick_month(mon, core_start, mod), "relative"
        out.append(_Cand(core_start, mt.end("core"), "month", value, anchor,
                         ("anaph_month", mon) if anaph else
                         ("month", mon, y is not None or bool(g.get("yrel") or g.get("ythis")), mod)))


def _year_ok(ctx: _Ctx, mt: re.Match, start: int) -> bool:
    """Is a bare 4-digit number (no عام/في) a year?"""
    L, N = ctx.P.L, ctx.N
    nxt = _next_words(N, mt.end("core"), 2)
    if any(nxt == w or nxt.startswith(w + " ") for w in L.year_not_after):
        return False
    prev2 = _prev_words(N, start, 2)
    for w in L.year_not_before:
        if prev2 == w or prev2.endswith(" " + w) or _strip_clitic(prev2.split(" ")[-1]) == w:
            return False
    pw = _prev_word(N, start)
    if pw in L.year_before or _strip_clitic(pw) in L.year_before:
        return True
    if N[start - 1:start] == "و" and re.fullmatch(r"و?(?:1[6-9]|20)\d\d", _prev_word(N, start - 1)):
        return True  # "في 2015 و2017"
    if mt.group("suf"):
        return True
    return False


def _cands_year(ctx: _Ctx, out: list[_Cand]) -> None:
    L, N = ctx.P.L, ctx.N
    for mt in ctx.matches("yrange"):
        g = mt.groupdict()
        y1, y2 = int(g["y1"]), int(g["y2"])
        if not y1 < y2:
            continue
        sep = g["sep"].strip()
        kw = (g["kw"] or "").strip()
        if not (g["pre"] or kw in ("عامي", "العامين", "سنتي") or sep in ("-", "/")):
            continue
        if sep == "/" and not (g["pre"] or kw):
            continue
        start = mt.start("core")
        if g["pre"] == "من" and sep.startswith("و"):
            start = mt.start("kw") if g["kw"] else mt.start("y1")
        if g["pre"] is None and sep == "-" and not kw:
            pw = _prev_word(N, start)
            if pw in L.year_not_before or _strip_clitic(pw) in L.year_not_before:
                continue
        out.append(_Cand(start, mt.end("core"), "yrange", f"{y1}/{y2}", "absolute"))
    for mt in ctx.matches("year"):
        g = mt.groupdict()
        y = g["y"]
        start = mt.start("core")
        if not (g["kw"] or g["season"]):
            if g["fi"]:
                nxt = _next_words(N, mt.end("core"), 2)
                if any(nxt == w or nxt.startswith(w + " ") for w in L.year_not_after):
                    continue
                if _prev_word(N, start) in ("ال",):
                    continue
            else:
                if not _year_ok(ctx, mt, mt.start("y")):
                    continue
                start = mt.start("y")
        out.append(_Cand(start, mt.end("core"), "year", y, "absolute"))


def _hijri_to_greg(hy: int, hm: int, hd: int) -> dt.date | None:
    try:
        from hijridate import Hijri
        g = Hijri(hy, hm, hd).to_gregorian()
        return dt.date(g.year, g.month, g.day)
    except (ValueError, OverflowError):  # out of the Umm al-Qura range or invalid day
        return None


def _hijri_month_range(hy: int, hm: int) -> tuple[dt.date, dt.date] | None:
    try:
        from hijridate import Hijri
        h = Hijri(hy, hm, 1)
        a = h.to_gregorian()
        n = h.month_length()
        s = dt.date(a.year, a.month, a.day)
        return s, s + dt.timedelta(days=n - 1)
    except (ValueError, OverflowError):  # outside the Umm al-Qura table
        return None


def _hijri_year_of(d: dt.date) -> int | None:
    try:
        from hijridate import Gregorian
        return Gregorian(d.year, d.month, d.day).to_hijri().year
    except (ValueError, OverflowError):  # outside the Umm al-Qura table
        return None


def _cands_hijri(ctx: _Ctx, out: list[_Cand]) -> None:
    L = ctx.P.L
    for mt in ctx.matches("hijri"):
        g = mt.groupdict()
        hm = L.hijri_months.get(key(g["hm"]))
        if hm is None:
            continue
        hd = _daynum(g["hd"]) if g["hd"] else (L.ordinals.get(key(g["ho"])) if g["ho"] else None)
        hy = int(g["hy"]) if g["hy"] else None
        if key(g["hm"]) in L.hijri_need_context and not (hd or hy or g["sh"]):
            continue
        if hd is not None and not 1 <= hd <= 30:
            continue
        start, end = mt.start("core"), mt.end("core")
        if hy is None:
            if ctx.pub is None:
                value = None
            else:
                # nearest Hijri year in the news direction
                cy = _hijri_year_of(ctx.pub)
                best = None
                if cy:
                    opts = []
                    for y in (cy - 1, cy, cy + 1):
                        if hd:
                            d = _hijri_to_greg(y, hm, hd)
                            if d:
                                opts.append((d, d.isoformat()))
                        else:
                            r = _hijri_month_range(y, hm)
                            if r:
                                opts.append((r[0], f"{r[0].isoformat()}/{r[1].isoformat()}"))
                    fut = ctx.future_context(start)
                    pub = ctx.pub
                    past = [o for o in opts if o[0] <= pub]
                    futs = [o for o in opts if o[0] > pub]
                    if fut and futs:
                        best = futs[0][1]
                    elif past and futs:
                        best = (futs[0] if (futs[0][0] - pub).days * 2 < (pub - past[-1][0]).days
                                else past[-1])[1]
                    elif past or futs:
                        best = (past[-1] if past else futs[0])[1]
                value = best
            anchor = "relative"
        else:
            if hd:
                d = _hijri_to_greg(hy, hm, hd)
                value = d.isoformat() if d else None
            else:
                r = _hijri_month_range(hy, hm)
                value = f"{r[0].isoformat()}/{r[1].isoformat()}" if r else None
            anchor = "absolute"
        out.append(_Cand(start, end, "hijri", value, anchor))
    for mt in ctx.matches("hijri_year"):
        hy = int(mt.group("hy"))
        a = _hijri_to_greg(hy, 1, 1)
        b = _hijri_to_greg(hy + 1, 1, 1)
        value = f"{a.isoformat()}/{(b - dt.timedelta(days=1)).isoformat()}" if a and b else None
        out.append(_Cand(mt.start("core"), mt.end("core"), "hijri", value, "absolute"))


def _cands_weekday(ctx: _Ctx, out: list[_Cand]) -> None:
    L, N = ctx.P.L, ctx.N
    for mt in ctx.matches("weekday"):
        g = mt.groupdict()
        w1 = L.weekdays[key(g["w1"])]
        w2 = L.weekdays[key(g["w2"])] if g["w2"] else None
        start = mt.start("core")
        if g["wsp"] is not None and key(g["dp"] or "") not in ("ليل", "ليله"):
            # "الجمعة السبت" as a pair only in "ليل الجمعة السبت"; else just the first day
            out.append(_Cand(start, mt.end("w1"), "weekday",
                             None if ctx.pub is None else ctx.weekday(w1, start, None, None).isoformat(),
                             "relative", (w1, None, None)))
            continue
        if not g["dp"] and not g["rd"]:
            pw = _strip_clitic(_prev_word(N, start))
            if pw in L.weekday_not_after.get(w1, ()) or _prev_word(N, start) in L.weekday_not_after.get(w1, ()):
                continue
        mod = _mod_of(L, g["mod"])
        if mod == "next_of_previous":
            mod = None
        rd = None
        if g["rd"] and key(g["rd"]) in L.rel_days:
            rd = L.rel_days[key(g["rd"])]
        d = ctx.weekday(w1, start, mod, rd)
        if d is None:
            value = None
        elif w2 is not None:
            span = (w2 - w1) % 7 or 7
            value = f"{d.isoformat()}/{(d + dt.timedelta(days=span)).isoformat()}"
        else:
            value = d.isoformat()
        out.append(_Cand(start, mt.end("core"), "weekday", value, "relative", (w1, w2, mod)))


def _cands_relday(ctx: _Ctx, out: list[_Cand]) -> None:
    L, N = ctx.P.L, ctx.N
    for mt in ctx.matches("relday"):
        rdk = key(mt.group("rd"))
        start = mt.start("core")
        if rdk.endswith("التالي"):
            out.append(_Cand(start, mt.end("core"), "next_day", None, "relative"))
            continue
        off = L.rel_days.get(rdk)
        if off is None:
            continue
        if rdk == "الغد" and not mt.group("dp"):
            continue  # "صباح الغد" yes; "الغد" alone is also a newspaper and a party (صحيفة الغد)
        if rdk == "اليوم" and not mt.group("dp"):
            pw = _strip_clitic(_prev_word(N, start))
            if pw in L.today_not_before or _prev_word(N, start) in L.today_not_before:
                continue
            nw = _next_words(N, mt.end("core"), 1)
            if nw in L.today_not_followed:
                continue
            if nw.startswith("ال") and nw not in L.weekdays:
                # "اليوم الوطني", "اليوم العالمي للمرأة": a named day or a noun phrase
                if not nw.startswith("الساع"):
                    continue
        value = (ctx.pub + dt.timedelta(days=off)).isoformat() if ctx.pub else None
        out.append(_Cand(start, mt.end("core"), "relday", value, "relative"))


def _cands_period(ctx: _Ctx, out: list[_Cand]) -> None:
    L, N = ctx.P.L, ctx.N
    for mt in ctx.matches("period"):
        g = mt.groupdict()
        unit = L.periods[key(g["unit"])]
        if (g["this"] in ("ذلك", "تلك") and not g["mod"]) or \
                (g["mod"] in ("نفسه", "نفسها", "ذاته", "ذاتها") and not g["this"]):
            if key(g["unit"]) != "عام" or g["this"]:
                # "العام نفسه", "ذلك العام": the period of the previous mention
                out.append(_Cand(mt.start("core"), mt.end("core"), "same_" + unit, None, "relative"))
            continue
        if g["this"] in ("ذلك", "تلك"):
            continue
        mod = _mod_of(L, g["mod"])
        if g["this"] is None and mod is None:
            continue
        if g["this"] and mod is not None and mod != 0:
            continue
        if unit == "year" and key(g["unit"]) == "عام" and not g["this"]:
            continue  # "عام" without article: "عام مقبل" is not a date
        if unit == "year" and not g["this"] and _strip_clitic(_prev_word(N, mt.start("unit"))) in L.general_not_after:
            continue  # "الأمين العام السابق": the adjective "general"
        start, end = mt.start("core"), mt.end("core")
        if g["this"] and mod is None:
            mod = 0
        if mod == "next_of_previous":
            out.append(_Cand(start, end, "next_" + unit, None, "relative"))
            continue
        pub = ctx.pub
        if pub is None:
            value = None
        elif unit == "week":
            value = _iso_week(pub + dt.timedelta(days=7 * mod))
        elif unit == "month":
            y, m = _add_months(pub.year, pub.month, mod)
            value = f"{y}-{m:02d}"
        else:
            value = str(pub.year + mod)
        out.append(_Cand(start, end, unit, value, "relative"))


def _cands_ago(ctx: _Ctx, out: list[_Cand]) -> None:
    L, N = ctx.P.L, ctx.N
    for mt in ctx.matches("ago"):
        g = mt.groupdict()
        nxt = _next_words(N, mt.end("core"), 1)
        if nxt in ("من", "علي", "فقط", "ونصف", "ونيف"):
            continue  # "بعد ثلاثة أيام من الانتخابات": anchored on an event, not on today
        if g["n"]:
            n = int(g["n"]) if g["n"].isdigit() else L.cardinals.get(key(g["n"]))
            unit = L.units[key(g["unit"])][0]
        elif g["dual"]:
            n, unit = 2, L.units[key(g["dual"])][0]
        else:
            n, unit = 1, L.units[key(g["sing"])][0]
        if not n:
            continue
        sign = -1 if key(g["dir"]) in L.ago else 1
        if sign == 1 and not ctx.future_context(mt.start("core")):
            continue  # narration: "وبعد يومين قال" is two days after an event, not after today
        pub = ctx.pub
        start, end = mt.start("core"), mt.end("core")
        if pub is None:
            value = None
        elif unit == "day":
            value = (pub + dt.timedelta(days=sign * n)).isoformat()
        elif unit == "week":
            value = _iso_week(pub + dt.timedelta(days=sign * 7 * n))
        elif unit == "month":
            y, m = _add_months(pub.year, pub.month, sign * n)
            value = f"{y}-{m:02d}"
        else:
            value = str(pub.year + sign * n)
        out.append(_Cand(start, end, "ago", value, "relative"))


def _cands_numeric(ctx: _Ctx, out: list[_Cand]) -> None:
    for mt in ctx.matches("numeric"):
        if _strip_clitic(_prev_word(ctx.N, mt.start("core"))) in ("رقم", "الرقم"):
            continue  # a number (القرار رقم 2018/5/3), not a date
        g = mt.groupdict()
        if g["y"]:
            y, m, d = int(g["y"]), int(g["m"]), int(g["d"])
        elif g["y2"]:
            y, m, d = int(g["y2"]), int(g["m2"]), int(g["d2"])
        else:
            y, m = int(g["y3"]), int(g["m3"])
            if 1 <= m <= 12:
                out.append(_Cand(mt.start("core"), mt.end("core"), "month", f"{y}-{m:02d}", "absolute"))
            continue
        if _valid(y, m, d):
            out.append(_Cand(mt.start("core"), mt.end("core"), "numeric", f"{y}-{m:02d}-{d:02d}", "absolute"))


def _easter(y: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(y, month, day)


def _cands_holiday(ctx: _Ctx, out: list[_Cand]) -> None:
    L = ctx.P.L
    for mt in ctx.matches("holiday"):
        cal, m, d = L.holidays[key(mt.group("core"))]
        start, end = mt.start("core"), mt.end("core")
        # a year right after ("عيد الفطر 2017") is not handled: resolve from publication
        if ctx.pub is None:
            value = f"XXXX-{m:02d}-{d:02d}" if cal == "gregorian" else None
        elif cal == "gregorian":
            value = ctx.pick_day(m, d, start)
        elif cal == "easter":
            pub = ctx.pub
            opts = [_easter(y) for y in (pub.year - 1, pub.year, pub.year + 1)]
            past = [o for o in opts if o <= pub]
            fut = [o for o in opts if o > pub]
            if ctx.future_context(start):
                value = fut[0].isoformat()
            else:
                value = (fut[0] if (fut[0] - pub).days * 2 < (pub - past[-1]).days else past[-1]).isoformat()
        else:
            cy = _hijri_year_of(ctx.pub)
            opts = [x for x in (_hijri_to_greg(y, m, d) for y in (cy - 1, cy, cy + 1)) if x] if cy else []
            pub = ctx.pub
            past = [o for o in opts if o <= pub]
            fut = [o for o in opts if o > pub]
            if ctx.future_context(start) and fut:
                value = fut[0].isoformat()
            elif past and fut:
                value = (fut[0] if (fut[0] - pub).days * 2 < (pub - past[-1]).days else past[-1]).isoformat()
            elif past or fut:
                value = (past[-1] if past else fut[0]).isoformat()
            else:
                value = None
        out.append(_Cand(start, end, "holiday", value, "relative"))


_GENERATORS = (_cands_dmy, _cands_mdy, _cands_my, _cands_year, _cands_hijri, _cands_weekday,
               _cands_relday, _cands_period, _cands_ago, _cands_numeric, _cands_holiday)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest non-overlapping candidates, then in text order."""
    cands.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken: list[_Cand] = []
    occupied: list[tuple[int, int]] = []
    for c in cands:
        if any(c.start < e and s < c.end for s, e in occupied):
            continue
        taken.append(c)
        occupied.append((c.start, c.end))
    taken.sort(key=lambda c: c.start)
    return taken


def _shift_day(v: str, n: int) -> str | None:
    """Add n days to YYYY-MM-DD or XXXX-MM-DD (year-less: only inside the month)."""
    if v.startswith("XXXX"):
        m, d = int(v[5:7]), int(v[8:10])
        d += n
        if 1 <= d <= calendar.monthrange(2001, m)[1]:
            return f"XXXX-{m:02d}-{d:02d}"
        return None
    return (dt.date.fromisoformat(v) + dt.timedelta(days=n)).isoformat()


def _weekday_of(v: str) -> int | None:
    if v.startswith("XXXX"):
        return None
    return dt.date.fromisoformat(v).weekday()


def _postprocess(ctx: _Ctx, sel: list[_Cand]) -> None:
    N = ctx.N
    # 1. a weekday right before an explicit day ("ليل الجمعة-السبت 6 ايار", "الاثنين 18 شباط")
    for i, c in enumerate(sel[:-1]):
        nxt = sel[i + 1]
        if c.kind != "weekday" or nxt.kind not in ("dmy", "numeric", "hijri"):
            continue
        gap = N[c.end:nxt.start]
        if not re.fullmatch(r"[\s,،]*(?:في\s*)?", gap):
            continue
        if not nxt.value or "/" in nxt.value or len(nxt.value) != 10:
            continue
        w1, w2, _mod = c.extra
        target = nxt.value
        twd = _weekday_of(target)
        if w2 is not None:
            span = (w2 - w1) % 7 or 7
            if twd is None or twd == w2:
                a = _shift_day(target, -span)
                if a:
                    c.value, c.anchor = f"{a}/{target}", nxt.anchor
            elif twd == w1:
                b = _shift_day(target, span)
                if b:
                    c.value, c.anchor = f"{target}/{b}", nxt.anchor
        else:
            if twd is None or twd == w1:
                c.value, c.anchor = target, nxt.anchor
            elif nxt.anchor == "relative" and ctx.pub is not None and nxt.extra and nxt.extra[0] == "day" \
                    and len(nxt.extra[2]) == 1 and not nxt.extra[3]:
                # the weekday settles the year of a year-less day: try the neighbouring years
                mon, day = nxt.extra[1], nxt.extra[2][0]
                fits = [y for y in (ctx.pub.year - 1, ctx.pub.year, ctx.pub.year + 1)
                        if _valid(y, mon, day) and dt.date(y, mon, day).weekday() == w1]
                if len(fits) == 1:
                    nxt.value = f"{fits[0]}-{mon:02d}-{day:02d}"
                    c.value = nxt.value
    # 2. a year-less day or month in the same sentence as an explicit date takes its year
    #    ("في 5 جانفي 2018 ... وتستمر حتى 20 فيفري" -> 2018-02-20)
    prev: tuple[int, int, int] | None = None  # (year, month, end offset)
    for c in sel:
        ex = c.extra
        if c.anchor == "absolute" and c.value and re.match(r"\d{4}-\d{2}", c.value.split("/")[-1]):
            last_v = c.value.split("/")[-1]
            prev = (int(last_v[:4]), int(last_v[5:7]), c.end)
            continue
        if prev is None or not (isinstance(ex, tuple) and ex[0] in ("day", "month")):
            continue
        if ex[0] == "day" and (ex[3] or ex[4] is not None):
            continue
        if ex[0] == "month" and (ex[2] or ex[3] is not None):
            continue
        if re.search(r"[.!?؟\n]", N[prev[2]:c.start]) or c.start - prev[2] > 200:
            continue
        y, mon = prev[0], ex[1]
        if mon < prev[1]:
            continue
        if ex[0] == "month":
            c.value = f"{y}-{mon:02d}"
        elif all(_valid(y, mon, x) for x in ex[2]):
            c.value = "/".join(f"{y}-{mon:02d}-{x:02d}" for x in ex[2])
    # 3. anaphoric "الشهر التالي", "العام التالي", "اليوم التالي", "من العام نفسه"
    last: dict[str, str] = {}
    for c in sel:
        if c.kind == "next_month":
            if "month" in last:
                y, m = int(last["month"][:4]), int(last["month"][5:7])
                y, m = _add_months(y, m, 1)
                c.value = f"{y}-{m:02d}"
        elif c.kind == "next_year":
            if "year" in last:
                c.value = str(int(last["year"]) + 1)
        elif c.kind == "next_week":
            if "day" in last:
                c.value = _iso_week(dt.date.fromisoformat(last["day"]) + dt.timedelta(days=7))
        elif c.kind == "same_year":
            c.value = last.get("year")
        elif c.kind == "same_month":
            c.value = last.get("month")
        elif c.kind == "same_week":
            if "day" in last:
                c.value = _iso_week(dt.date.fromisoformat(last["day"]))
        elif c.kind == "next_day":
            if "day" in last:
                c.value = _shift_day(last["day"], 1)
        elif c.extra and isinstance(c.extra, tuple) and c.extra[0] == "anaph_month" and "year" in last:
            c.value = f"{last['year']}-{c.extra[1]:02d}"
        elif c.extra and isinstance(c.extra, tuple) and c.extra[0] == "anaph_day" and "year" in last:
            mon, days = c.extra[1], c.extra[2]
            c.value = "/".join(f"{last['year']}-{mon:02d}-{x:02d}" for x in days)
        v = c.value
        if not v or v.startswith("XXXX"):
            continue
        first = v.split("/")[0]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", first):
            last["day"] = first
            last["month"] = first[:7]
            last["year"] = first[:4]
        elif re.fullmatch(r"\d{4}-\d{2}", first):
            last["month"] = first
            last["year"] = first[:4]
        elif re.fullmatch(r"\d{4}", first):
            last["year"] = first


def find_dates(text: str, published: dt.date | dt.datetime | None,
               *, direction: str = "news",
               year_month: tuple[int, int] | None = None) -> list[DateMention]:
    """All date expressions in ``text`` resolved against ``published``.

    ``direction="news"`` applies the news convention (a bare weekday or a year-less date
    is the most recent one unless the sentence is in the future tense); ``"future"``
    reads every under-specified expression forward, as the Duckling corpora do.
    ``year_month`` (used only when ``published`` is None) is a publication year and month
    inferred from the text (:func:`rasid.timex.infer.infer_publication`): year-less days
    and months then get a year; expressions that need the day (weekdays, أمس) stay None.
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    N, omap = normalize_with_map(text)
    ctx = _Ctx(N, published, direction, year_month)
    cands: list[_Cand] = []
    for gen in _GENERATORS:
        gen(ctx, cands)
    sel = _select(cands)
    _postprocess(ctx, sel)
    out = []
    for c in sel:
        if omap is None:
            s, e = c.start, c.end
        else:
            s, e = omap[c.start], omap[c.end - 1] + 1
            while e < len(text) and text[e] in _MARKS:  # the last letter's harakat / tatweel
                e += 1
        out.append(DateMention(s, e, text[s:e], c.value, c.anchor))
    return out
