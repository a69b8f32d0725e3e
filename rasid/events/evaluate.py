"""``rasid eval events``: score event extraction against gold annotations.

Gold: ``../shared/data/gold/dev_events.jsonl`` (and ``seeds_events.jsonl``), one line per
article of the matching ``*_input.jsonl``, annotated per ``EVENTS_GUIDELINES.md``.

Matching: a predicted event matches a gold event of the same type when its trigger span
overlaps an occurrence of the gold trigger string in the text (gold triggers are strings;
every occurrence counts). One-to-one, greedy in gold order, preferring the candidate whose
actor agrees. Event P/R/F1 over matched pairs; on matched events the accuracy of actor,
target, date and place.

- actor/target: the same named mention (normalized text equal, or one's words contained
  in the other's: ``بوتين`` ~ ``فلاديمير بوتين``), or the same canonical English name; both
  null counts as agreement. For the symmetric types (CONSULT, AGREE, COOPERATE) the pair is
  compared unordered: "X met Y" and "Y met X" are the same event.
- date: the guidelines give ``null`` when the article gives no date for the event; the
  contract falls back to the publication date with ``date.source == "published"``. The
  headline date accuracy therefore reads a ``published`` fallback as "no date in the text"
  (``date_acc``); ``date_acc_strict`` compares the output values as they are.
- place: normalized text equal or contained.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rasid.events.extract import SYMMETRIC
from rasid.events.lexicon import bare
from rasid.text import normalize


def _gold_dir() -> Path:
    from rasid.util.shared import shared_dir

    return shared_dir() / "data" / "gold"


def _words(s: str) -> list[str]:
    return [bare(normalize(w)).strip("\"'«»“”#()") for w in s.replace("_", " ").split()]


def same_mention(pred: dict[str, Any] | None, gold: str | None, canon: str | None) -> bool:
    if pred is None or not pred.get("text"):
        return gold is None
    if gold is None:
        return False
    if canon and pred.get("name") and pred["name"].lower() == canon.lower():
        return True
    p, g = _words(pred["text"]), _words(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    sp, sg = set(p), set(g)
    return sp <= sg or sg <= sp


def same_place(pred: dict[str, Any] | None, gold: str | None) -> bool:
    if pred is None:
        return gold is None
    if gold is None:
        return False
    p, g = _words(pred["text"]), _words(gold)
    return bool(p) and bool(g) and (set(p) <= set(g) or set(g) <= set(p))


def _occurrences(text: str, s: str) -> list[tuple[int, int]]:
    out, i = [], text.find(s)
    while i >= 0 and s:
        out.append((i, i + len(s)))
        i = text.find(s, i + 1)
    return out


def _args_ok(p: dict[str, Any], g: dict[str, Any]) -> tuple[bool, bool]:
    a = same_mention(p.get("actor"), g.get("actor"), g.get("actor_canonical"))
    t = same_mention(p.get("target"), g.get("target"), g.get("target_canonical"))
    if g["type"] in SYMMETRIC and not (a and t):
        a2 = same_mention(p.get("actor"), g.get("target"), g.get("target_canonical"))
        t2 = same_mention(p.get("target"), g.get("actor"), g.get("actor_canonical"))
        if g.get("target") is not None and (a2 or t2):
            a, t = a or a2, t or t2
    return a, t


def match(text: str, pred: list[dict[str, Any]], gold: list[dict[str, Any]]
          ) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs: same type, overlapping trigger."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(gold):
        occ = _occurrences(text, g["trigger"])
        cands = []
        for pi, p in enumerate(pred):
            if pi in used or p["type"] != g["type"]:
                continue
            tr = p["trigger"]
            if any(tr["start"] < e and s < tr["end"] for s, e in occ):
                a, t = _args_ok(p, g)
                cands.append((-(a + t), pi))
        if cands:
            pi = min(cands)[1]
            used.add(pi)
            pairs.append((pi, gi))
    return pairs


def score(texts: list[str], preds: list[list[dict[str, Any]]], golds: list[list[dict[str, Any]]]
          ) -> dict[str, Any]:
    n_pred = sum(len(p) for p in preds)
    n_gold = sum(len(g) for g in golds)
    m = 0
    acc: Counter[str] = Counter()
    per_type: dict[str, Counter[str]] = {}
    for text, ps, gs in zip(texts, preds, golds):
        pairs = match(text, ps, gs)
        m += len(pairs)
        for p in ps:
            per_type.setdefault(p["type"], Counter())["pred"] += 1
        for g in gs:
            per_type.setdefault(g["type"], Counter())["gold"] += 1
        for pi, gi in pairs:
            p, g = ps[pi], gs[gi]
            per_type[g["type"]]["match"] += 1
            a, t = _args_ok(p, g)
            acc["actor"] += a
            acc["target"] += t
            d = p.get("date") or {}
            val = d.get("value")
            acc["date_strict"] += val == g.get("date")
            acc["date"] += (None if d.get("source") == "published" else val) == g.get("date")
            acc["place"] += same_place(p.get("place"), g.get("place"))
            acc["negated"] += bool(p.get("negated")) == bool(g.get("negated"))
    prec = m / n_pred if n_pred else 0.0
    rec = m / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    def r(x: float) -> float:
        return round(x, 3)

    return {
        "events_gold": n_gold, "events_pred": n_pred, "matched": m,
        "precision": r(prec), "recall": r(rec), "f1": r(f1),
        "actor_acc": r(acc["actor"] / m) if m else 0.0,
        "target_acc": r(acc["target"] / m) if m else 0.0,
        "date_acc": r(acc["date"] / m) if m else 0.0,
        "date_acc_strict": r(acc["date_strict"] / m) if m else 0.0,
        "place_acc": r(acc["place"] / m) if m else 0.0,
        "negated_acc": r(acc["negated"] / m) if m else 0.0,
        "per_type": {t: {"gold": c["gold"], "pred": c["pred"], "match": c["match"]}
                     for t, c in sorted(per_type.items())},
    }


def available_stages() -> list[str]:
    """The default pipeline's stages that exist in this checkout, plus ``events``."""
    from rasid import registry
    from rasid.pipeline import DEFAULT_STAGES

    names = []
    for n in list(DEFAULT_STAGES) + ["events"]:
        if n in names:
            continue
        try:
            registry.get(n)
        except Exception:  # noqa: BLE001 - an unfinished optional stage is left out
            continue
        names.append(n)
    if "events" not in names:
        import rasid.stages.events  # noqa: F401  (registers the stage)

        names.append("events")
    return names


def predict(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from rasid.doc import Article
    from rasid.pipeline import Pipeline

    pipe = Pipeline(available_stages())
    arts = [Article(body=r["text"], title=r.get("title"), id=r.get("id"), source=r.get("source"),
                    url=r.get("url"), published=r.get("published")) for r in inputs]
    return [d.to_dict() for d in pipe.pipe(arts)]


def evaluate(sets: Sequence[str] = ("dev",), pred_path: str | None = None) -> dict[str, Any]:
    gd = _gold_dir()
    inputs: list[dict[str, Any]] = []
    golds: list[dict[str, Any]] = []
    for name in sets:
        inp, ev = gd / f"{name}_input.jsonl", gd / f"{name}_events.jsonl"
        inputs += [json.loads(x) for x in inp.read_text(encoding="utf-8").splitlines() if x.strip()]
        golds += [json.loads(x) for x in ev.read_text(encoding="utf-8").splitlines() if x.strip()]
    if pred_path:
        by_id = {}
        with open(pred_path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    by_id[r["id"]] = r
        recs = [by_id.get(r["id"], {"text": r["text"], "events": []}) for r in inputs]
    else:
        recs = predict(inputs)
    texts = [r["text"] for r in recs]
    res = score(texts, [r.get("events") or [] for r in recs], [g["events"] for g in golds])
    res["sets"] = list(sets)
    res["articles"] = len(inputs)
    return res


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid eval events",
                                 description="Event P/R/F1 (type + trigger overlap) and argument "
                                             "accuracy against the gold event annotations.")
    ap.add_argument("--set", action="append", choices=["dev", "seeds"],
                    help="gold set(s) to score (default: dev and seeds)")
    ap.add_argument("--pred", help="score this JSONL of contract records instead of running the "
                                   "pipeline")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = ap.parse_args(argv)
    res = evaluate(args.set or ["dev", "seeds"], args.pred)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return 0
    print(f"events ({', '.join(res['sets'])}: {res['articles']} articles): gold {res['events_gold']}"
          f"  predicted {res['events_pred']}  matched {res['matched']}")
    print(f"  P {res['precision']:.3f}  R {res['recall']:.3f}  F1 {res['f1']:.3f}")
    print(f"  on matched: actor {res['actor_acc']:.3f}  target {res['target_acc']:.3f}  "
          f"date {res['date_acc']:.3f} (strict {res['date_acc_strict']:.3f})  "
          f"place {res['place_acc']:.3f}  negated {res['negated_acc']:.3f}")
    print("  per type (gold/pred/match): " + "  ".join(
        f"{t} {c['gold']}/{c['pred']}/{c['match']}" for t, c in res["per_type"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
