"""``rasid eval dates``: Rasid's time layer vs dateparser on the gold articles and on the
Duckling/puckling Arabic phrase corpora.

Gold: ``<shared>/data/gold/{dev,seeds}_{input,gold}.jsonl`` (``timex`` items: text, value).
``<shared>`` is ``$RASID_SHARED`` or ``../shared`` next to the repository root.

Scores, for each system on the same articles:
- date P/R/F1: a predicted span matches a gold span when they overlap (one-to-one, in text
  order);
- value accuracy: exact value equality on the matched pairs;
- articles/s: wall-clock speed of the extraction alone.
dateparser runs as ``search_dates(text, languages=['ar'], settings={'RELATIVE_BASE': pub})``
and its datetimes are written ``YYYY-MM-DD``. The publication date is the local calendar
date of ``published`` (its ISO date part), as in the gold guidelines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasid.timex.extract import find_dates
from rasid.timex.infer import infer_publication

Span = tuple[int, int, str | None]


def shared_dir() -> Path:
    env = os.environ.get("RASID_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


def _pub(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


def load_gold(shared: Path, sets: tuple[str, ...] = ("dev", "seeds")) -> list[dict[str, Any]]:
    out = []
    for name in sets:
        gdir = shared / "data" / "gold"
        fi, fg = gdir / f"{name}_input.jsonl", gdir / f"{name}_gold.jsonl"
        if not fi.exists() or not fg.exists():
            continue
        with fi.open(encoding="utf-8") as a, fg.open(encoding="utf-8") as b:
            for la, lb in zip(a, b):
                art, gold = json.loads(la), json.loads(lb)
                text = art["text"]
                spans: list[Span] = []
                pos = 0
                for t in gold.get("timex", []):
                    i = text.find(t["text"], pos)
                    if i < 0:
                        i = text.find(t["text"])
                    else:
                        pos = i + 1
                    if i >= 0:
                        spans.append((i, i + len(t["text"]), t["value"]))
                out.append({"set": name, "id": art.get("id"), "text": text,
                            "pub": _pub(art.get("published")), "gold": spans})
    return out


def rasid_spans(text: str, pub: dt.date | None) -> list[Span]:
    ym = None
    if pub is None:
        inf = infer_publication(text)
        pub, ym = inf.date, inf.year_month
    return [(m.start, m.end, m.value) for m in find_dates(text, pub, year_month=ym)]


def dateparser_spans(text: str, pub: dt.date | None) -> list[Span]:
    from dateparser.search import search_dates

    settings: dict[str, Any] = {}
    if pub is not None:
        settings["RELATIVE_BASE"] = dt.datetime(pub.year, pub.month, pub.day)
    try:
        found = search_dates(text, languages=["ar"], settings=settings) or []
    except Exception:  # noqa: BLE001 - dateparser (the baseline) raises many types on some inputs
        found = []
    out: list[Span] = []
    pos = 0
    for sub, d in found:
        i = text.find(sub, pos)
        if i < 0:
            i = text.find(sub)
        if i < 0:
            continue
        pos = i + len(sub)
        out.append((i, i + len(sub), d.date().isoformat()))
    return out


def match(pred: list[Span], gold: list[Span]) -> tuple[int, int, int, int]:
    """(tp, fp, fn, value-correct) with one-to-one overlap matching."""
    used: set[int] = set()
    tp = ok = 0
    for s, e, v in pred:
        for j, (gs, ge, gv) in enumerate(gold):
            if j not in used and s < ge and gs < e:
                used.add(j)
                tp += 1
                ok += int(v == gv)
                break
    return tp, len(pred) - tp, len(gold) - tp, ok


def score(system: Callable[[str, dt.date | None], list[Span]], arts: list[dict[str, Any]],
          repeat: int = 1) -> dict[str, float]:
    tp = fp = fn = ok = 0
    preds = []
    t0 = time.perf_counter()
    for _ in range(repeat):
        preds = [system(a["text"], a["pub"]) for a in arts]
    elapsed = (time.perf_counter() - t0) / repeat
    for a, p in zip(arts, preds):
        x = match(p, a["gold"])
        tp, fp, fn, ok = tp + x[0], fp + x[1], fn + x[2], ok + x[3]
    P = tp / (tp + fp) if tp + fp else 0.0
    R = tp / (tp + fn) if tp + fn else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return {"n": len(arts), "gold": tp + fn, "pred": tp + fp, "tp": tp, "P": P, "R": R, "F1": F,
            "value_acc": ok / tp if tp else 0.0, "value_ok": ok,
            "art_per_s": len(arts) / elapsed if elapsed else float("inf")}


# --------------------------------------------------------------------- phrase corpora

_SKIP_DURATION = re.compile(r"^(?:في|خلال)\s+\S+(?:\s+\S+)?$|^كل\s")


def _expected(v: dict[str, Any]) -> str | None:
    """A corpus expectation in Rasid's value forms, or None if not a calendar date."""
    if v.get("type") == "interval":
        fr, to = v.get("from"), v.get("to_exclusive") or v.get("to")
        if isinstance(fr, str) and isinstance(to, str) and v.get("grain") == "day":
            end = dt.date.fromisoformat(to[:10]) - dt.timedelta(days=1)
            return f"{fr[:10]}/{end.isoformat()}"
        return None
    grain, val = v.get("grain"), str(v.get("value", ""))
    d = val[:10]
    if grain == "day":
        return d
    if grain == "month":
        return d[:7]
    if grain == "year":
        return d[:4]
    if grain == "week":
        y, w, _ = dt.date.fromisoformat(d).isocalendar()
        return f"{y}-W{w:02d}"
    return None


def phrase_items(shared: Path) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """(source, phrase, expected) for calendar-date phrases, and skip counts by reason."""
    ddir = shared / "data" / "dates"
    items: list[tuple[str, str, str]] = []
    skipped: dict[str, int] = {}

    def add(src: str, phrase: str, exp: dict[str, Any]) -> None:
        e = _expected(exp)
        if e is None:
            reason = "clock times / parts of day / non-day intervals"
        elif _SKIP_DURATION.search(phrase):
            reason = "durations or recurrences (في/خلال N units, كل) - excluded by GUIDELINES"
        else:
            items.append((src, phrase, e))
            return
        skipped[reason] = skipped.get(reason, 0) + 1

    f = ddir / "duckling_time_ar_corpus.json"
    if f.exists():
        for ex in json.loads(f.read_text(encoding="utf-8"))["examples"]:
            for ph in ex["phrases"]:
                add("duckling", ph, ex["expected"])
    f = ddir / "puckling_ar_corpora.json"
    if f.exists():
        corp = json.loads(f.read_text(encoding="utf-8"))["corpora"]
        for name, c in corp.items():
            if not name.startswith("time/"):
                continue
            for ex in c["examples"]:
                for ph in ex["phrases"]:
                    add("puckling", ph, ex["value"])
    return items, skipped


REF = dt.date(2013, 2, 12)


def rasid_phrase(phrase: str) -> str | None:
    ms = find_dates(phrase, REF, direction="future")
    if not ms:
        return None
    return max(ms, key=lambda m: (m.end - m.start, m.start)).value


def dateparser_phrase(phrase: str) -> str | None:
    import dateparser

    try:
        d = dateparser.parse(phrase, languages=["ar"], settings={
            "RELATIVE_BASE": dt.datetime(2013, 2, 12, 4, 30), "PREFER_DATES_FROM": "future"})
    except Exception:  # noqa: BLE001 - the baseline's failure counts as "no date"
        return None
    return d.date().isoformat() if d else None


def _row(name: str, s: dict[str, float]) -> str:
    return (f"{name:<22}{s['n']:>5}{s['gold']:>6}{s['pred']:>6}{s['P']:>7.3f}{s['R']:>7.3f}"
            f"{s['F1']:>7.3f}{s['value_acc']:>9.3f}{s['art_per_s']:>12.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid eval dates", description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=None, help="shared folder (default: $RASID_SHARED or ../shared)")
    ap.add_argument("--no-dateparser", action="store_true", help="score Rasid only")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--repeat", type=int, default=20, help="timing repeats for Rasid (default 20)")
    args = ap.parse_args(argv)
    shared = args.shared or shared_dir()
    arts = load_gold(shared)
    if not arts:
        print(f"error: no gold files under {shared / 'data' / 'gold'}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {"articles": {}, "phrases": {}}
    sets = {"dev": [a for a in arts if a["set"] == "dev"],
            "seeds": [a for a in arts if a["set"] == "seeds"], "all": arts}
    find_dates("", None)  # compile the patterns outside the timing
    systems: list[tuple[str, Callable, int]] = [("rasid", rasid_spans, args.repeat)]
    if not args.no_dateparser:
        systems.append(("dateparser", dateparser_spans, 1))
    for sname, fn, rep in systems:
        for set_name, subset in sets.items():
            if subset:
                results["articles"][f"{sname}/{set_name}"] = score(fn, subset, rep if set_name == "all" else 1)
    items, skipped = phrase_items(shared)
    ph: dict[str, Any] = {"n": len(items), "skipped": skipped}
    misses = []
    for sname, fn in [("rasid", rasid_phrase)] + ([] if args.no_dateparser else [("dateparser", dateparser_phrase)]):
        ok = 0
        for src, phrase, exp in items:
            got = fn(phrase)
            if got == exp:
                ok += 1
            elif sname == "rasid":
                misses.append((phrase, exp, got))
        ph[sname] = {"correct": ok, "accuracy": ok / len(items) if items else 0.0}
    ph["rasid_misses"] = misses
    results["phrases"] = ph
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    print(f"Dates on gold articles ({shared / 'data' / 'gold'}); span overlap match, value = exact")
    print(f"{'system/set':<22}{'arts':>5}{'gold':>6}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}{'value_acc':>9}{'articles/s':>12}")
    for name, s in results["articles"].items():
        print(_row(name, s))
    r, d = results["articles"].get("rasid/all"), results["articles"].get("dateparser/all")
    if r and d and d["art_per_s"]:
        print(f"speed: rasid {r['art_per_s']:.0f} articles/s vs dateparser {d['art_per_s']:.1f} "
              f"articles/s = {r['art_per_s'] / d['art_per_s']:.0f}x")
    print()
    print(f"Phrase corpora (Duckling/puckling Arabic, reference 2013-02-12 Tue, future reading): "
          f"{ph['n']} calendar-date phrases scored")
    for reason, n in skipped.items():
        print(f"  skipped {n:>3}: {reason}")
    for sname in ("rasid", "dateparser"):
        if sname in ph:
            print(f"  {sname:<11} value accuracy {ph[sname]['accuracy']:.3f} "
                  f"({ph[sname]['correct']}/{ph['n']})")
    if misses:
        print("  rasid misses: " + "; ".join(f"{p!r} -> {g} (want {e})" for p, e, g in misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
