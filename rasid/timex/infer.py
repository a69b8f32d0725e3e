"""Infer an article's publication date from its own text, only when the text determines it.

Clues (all from :func:`rasid.timex.extract.find_dates` run without a publication date):

1. "اليوم" (+ weekday) right before a full explicit date ("اليوم الاثنين 18 شباط 2013")
   -> that date (method ``today-explicit``).
2. A day or month marked "الجاري"/"الحالي" (the current month) gives the publication month.
   A weekday written right before such a day ("ليل الجمعة-السبت 6 ايار الجاري") ties the
   weekday to the day of month, which leaves only a few possible years (one every 5-11
   years). Explicit years in the text settle it when exactly one candidate year is the
   latest mentioned year or the one after it (method ``current-month+weekday+year``).
   Without such a year the year stays unknown: never a guess.

``infer_published`` returns a ``datetime.date`` only when the day itself is determined;
``infer_publication`` returns the full :class:`Inference` (year and month may be known
without the day: pass them to ``find_dates(..., year_month=(year, month))``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rasid.timex.extract import find_dates
from rasid.timex.lexicon import lexicon, normalize

__all__ = ["Inference", "infer_publication", "infer_published"]

_CURRENT = ("الجاري", "الجاريه", "الحالي", "الحاليه")


@dataclass(slots=True)
class Inference:
    date: dt.date | None = None          # set only when the day is determined
    year: int | None = None
    month: int | None = None
    candidates: list[int] = field(default_factory=list)  # possible years when undecided
    method: str | None = None

    @property
    def year_month(self) -> tuple[int, int] | None:
        if self.year is not None and self.month is not None:
            return (self.year, self.month)
        return None


def _weekdays_in(text: str) -> list[int]:
    L = lexicon()
    n = normalize(text)
    found = []
    for w, d in L.weekdays.items():
        for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"(?!\w)", n):
            found.append((m.start(), d))
    return [d for _, d in sorted(found)]


def infer_publication(text: str, *, max_year: int | None = None) -> Inference:
    """All that the text says about its own publication date."""
    max_year = max_year or dt.date.today().year + 1
    ms = find_dates(text, None)
    # 1. "اليوم ..." + explicit full date
    for a, b in zip(ms, ms[1:]):
        if normalize(a.text).split()[0:1] == ["اليوم"] and b.anchor == "absolute" and b.value \
                and re.fullmatch(r"\d{4}-\d{2}-\d{2}", b.value) and re.fullmatch(r"[\s,،]*", text[a.end:b.start]):
            d = dt.date.fromisoformat(b.value)
            return Inference(d, d.year, d.month, [d.year], "today-explicit")
    # 2. current month + weekday/day constraints + explicit years
    month = None
    constraints: list[tuple[int, int, int]] = []  # (month, day, weekday)
    for i, m in enumerate(ms):
        words = normalize(m.text).split()
        if not (m.value and m.value.startswith("XXXX") and words and words[-1] in _CURRENT):
            continue
        month = int(m.value[5:7])
        if i > 0 and ms[i - 1].value and ms[i - 1].value.startswith("XXXX") \
                and re.fullmatch(r"[\s,،]*", text[ms[i - 1].end:m.start]):
            wds = _weekdays_in(ms[i - 1].text)
            v = ms[i - 1].value.split("/")[-1]
            if wds and re.fullmatch(r"XXXX-\d{2}-\d{2}", v):
                constraints.append((int(v[5:7]), int(v[8:10]), wds[-1]))
    if month is None:
        return Inference(method=None)
    cands = []
    for y in range(1900, max_year + 1):
        ok = True
        for mo, d, wd in constraints:
            try:
                if dt.date(y, mo, d).weekday() != wd:
                    ok = False
                    break
            except ValueError:
                ok = False
                break
        if ok:
            cands.append(y)
    if not constraints:
        return Inference(month=month, method="current-month")
    years = [int(m.value[:4]) for m in ms
             if m.anchor == "absolute" and m.value and re.match(r"\d{4}", m.value)
             and int(m.value[:4]) <= max_year]
    years += [int(v) for m in ms if m.anchor == "absolute" and m.value
              for v in re.findall(r"(?<![\d-])(\d{4})(?![\d-])", m.value.split("/")[-1])
              if int(v) <= max_year]
    if years:
        top = max(years)
        fit = [c for c in cands if top <= c <= top + 1]
        if len(fit) == 1:
            return Inference(None, fit[0], month, fit, "current-month+weekday+year")
    return Inference(None, None, month, cands, "current-month+weekday")


def infer_published(text: str) -> dt.date | None:
    """The publication date when the text determines its day, else None."""
    return infer_publication(text).date

