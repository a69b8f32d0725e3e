"""Document-level entity evaluation against the gold files (``rasid eval entities``).

For each gold article the pipeline runs on ``Article(body=text, ...)``; the predicted
entity *groups* (mentions sharing ``Entity.group``) are compared with the gold
``entities`` (type, canonical, mentions):

- a predicted group and a gold entity match when they share a normalized mention
  (``rasid.text.normalize``, article of the first word and leading clitics ignored);
  matching is one-to-one per article, largest overlap first, so a gold entity split into
  two groups counts one hit and one false positive;
- ``overall``: any types; per type: the group's type (majority of its mentions) must equal
  the gold type. MISC groups are not scored (the gold has no MISC) and are counted apart;
- ``name``: the share of matched gold entities whose group's English ``name`` (or one of
  the KB entry's English aliases) equals the gold ``canonical`` (case and accents ignored).

``--oracle`` replaces the NER with the gold mentions (every occurrence in the text,
typed as in the gold) to measure linking and grouping alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rasid.doc import Article, Doc, Entity
from rasid.kb.build import shared_dir
from rasid.kb.keys import clitic_variants, compact, drop_al, name_key

TYPES = ("PER", "ORG", "LOC")


def mention_keys(text: str) -> set[str]:
    k = name_key(text)
    if not k:
        return set()
    out = {compact(drop_al(k))}
    first, _, rest = k.partition(" ")
    for v in clitic_variants(first):
        out.add(compact(drop_al((v + " " + rest).strip())))
    return out


def fold_name(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(ch for ch in s if not unicodedata.combining(ch)).strip()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass
class Result:
    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in
                                                               ("overall", *TYPES)})
    names_ok: int = 0
    names_total: int = 0
    misc_groups: int = 0
    docs: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {}
        for t, c in self.counts.items():
            p, r, f = c.prf()
            d[t] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": c.tp,
                    "fp": c.fp, "fn": c.fn}
        d["name_accuracy"] = round(self.names_ok / self.names_total, 4) if self.names_total else 0.0
        d["names_ok"], d["names_total"] = self.names_ok, self.names_total
        d["misc_groups"], d["docs"] = self.misc_groups, self.docs
        return d


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(ln) for ln in fh if ln.strip()]


def gold_sets(gold_dir: Path, which: Sequence[str]) -> list[tuple[dict, dict]]:
    pairs: list[tuple[dict, dict]] = []
    for name in which:
        inp, gold = gold_dir / f"{name}_input.jsonl", gold_dir / f"{name}_gold.jsonl"
        if not inp.exists() or not gold.exists():
            raise FileNotFoundError(f"gold files not found: {inp} / {gold}")
        a, b = read_jsonl(inp), read_jsonl(gold)
        gid = {str(g["id"]): g for g in b}
        for art in a:
            g = gid.get(str(art["id"]))
            if g is not None:
                pairs.append((art, g))
    return pairs


def article_of(rec: dict) -> Article:
    return Article(body=str(rec.get("text") or ""), title=rec.get("title"),  # type: ignore[arg-type]
                   id=str(rec.get("id")), source=rec.get("source"),  # type: ignore[arg-type]
                   published=rec.get("published"))  # type: ignore[arg-type]


def oracle_entities(doc: Doc, gold: dict) -> list[Entity]:
    """Entities at every occurrence of a gold mention (word-bounded, clitics outside)."""
    text = doc.text
    found: list[Entity] = []
    for g in gold.get("entities", []):
        for m in g["mentions"]:
            forms = {m}
            if m.startswith("ال"):
                forms.add("ل" + m[2:])  # للأمم -> the span after the ل clitic
            for form in forms:
                i = text.find(form)
                while i >= 0:
                    j = i + len(form)
                    before_ok = i == 0 or not text[i - 1].isalnum() or (
                        text[i - 1] in "وفبلك" and (i == 1 or not text[i - 2].isalnum()))
                    after_ok = j >= len(text) or not text[j].isalnum()
                    if before_ok and after_ok:
                        found.append(Entity(i, j, form, g["type"]))
                    i = text.find(form, i + 1)
    found.sort(key=lambda e: (e.start, -(e.end - e.start)))
    out: list[Entity] = []
    end = -1
    for e in found:
        if e.start >= end:
            out.append(e)
            end = e.end
    return out


def score_doc(doc: Doc, gold: dict, res: Result, verbose: bool = False) -> None:
    from rasid.kb.linker import get_linker

    lk = get_linker()
    groups: dict[str, list[Entity]] = {}
    for e in doc.entities:
        groups.setdefault(e.group or f"_{e.start}", []).append(e)
    preds = []
    for gid, ents in groups.items():
        typ = Counter(e.type for e in ents).most_common(1)[0][0]
        if typ not in TYPES:
            res.misc_groups += 1
            continue
        keys: set[str] = set()
        for e in ents:
            keys |= mention_keys(e.text)
        names = {fold_name(e.name) for e in ents if e.name}
        for e in ents:
            entry = lk.get(e.id) if e.id else None
            if entry is not None:
                names |= {fold_name(a) for a in entry.aliases}
        preds.append((typ, keys, names, ents))
    golds = []
    for g in gold.get("entities", []):
        keys = set()
        for m in g["mentions"]:
            keys |= mention_keys(m)
        golds.append((g["type"], keys, g))
    pairs = sorted(((len(pk & gk), i, j) for i, (_, pk, _, _) in enumerate(preds)
                    for j, (_, gk, _) in enumerate(golds) if pk & gk), reverse=True)
    pm: dict[int, int] = {}
    gm: dict[int, int] = {}
    for _, i, j in pairs:
        if i not in pm and j not in gm:
            pm[i], gm[j] = j, i
    c = res.counts
    c["overall"].tp += len(pm)
    c["overall"].fp += len(preds) - len(pm)
    c["overall"].fn += len(golds) - len(gm)
    for t in TYPES:
        tp = sum(1 for i, j in pm.items() if preds[i][0] == t and golds[j][0] == t)
        c[t].tp += tp
        c[t].fp += sum(1 for p in preds if p[0] == t) - tp
        c[t].fn += sum(1 for g in golds if g[0] == t) - tp
    for j, i in gm.items():
        res.names_total += 1
        canon = fold_name(golds[j][2]["canonical"] or "")
        if canon in preds[i][2]:
            res.names_ok += 1
        elif verbose:
            got = sorted({e.name or "-" for e in preds[i][3]})
            res.errors.append(f"{doc.id}\tNAME\t{golds[j][2]['canonical']}\tgot {got}\t"
                              f"{[e.text for e in preds[i][3]]}")
    if verbose:
        for j, g in enumerate(golds):
            if j not in gm:
                res.errors.append(f"{doc.id}\tMISS\t{g[0]}\t{g[2]['canonical']}\t{g[2]['mentions']}")
        for i, p in enumerate(preds):
            if i not in pm:
                res.errors.append(f"{doc.id}\tFP\t{p[0]}\t{[e.text for e in p[3]]}\t"
                                  f"{sorted({e.name or '-' for e in p[3]})}")


def evaluate(pairs: Iterable[tuple[dict, dict]], oracle: bool = False,
             stages: Sequence[str] | None = None, verbose: bool = False) -> Result:
    res = Result()
    t0 = time.perf_counter()
    if oracle:
        from rasid.kb.doclink import link_doc
        from rasid.stages.text import TextStage

        text = TextStage()
        for art, gold in pairs:
            doc = text(Doc(article=article_of(art), text=""))
            doc.entities = oracle_entities(doc, gold)
            link_doc(doc)
            score_doc(doc, gold, res, verbose)
            res.docs += 1
    else:
        from rasid.pipeline import DEFAULT_STAGES, Pipeline

        nlp = Pipeline(stages or DEFAULT_STAGES)
        for art, gold in pairs:
            doc = nlp(article_of(art))
            score_doc(doc, gold, res, verbose)
            res.docs += 1
    res.seconds = time.perf_counter() - t0
    return res


def format_result(res: Result, label: str) -> str:
    lines = [f"entities ({label}, {res.docs} articles, {res.seconds:.1f}s)",
             f"{'type':8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for t, c in res.counts.items():
        p, r, f = c.prf()
        lines.append(f"{t:8} {p:6.3f} {r:6.3f} {f:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}")
    acc = res.names_ok / res.names_total if res.names_total else 0.0
    lines.append(f"name accuracy (found entities with the gold English name): {acc:.3f} "
                 f"({res.names_ok}/{res.names_total}); MISC groups not scored: {res.misc_groups}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid eval entities", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=None,
                    help="gold folder (default: <shared>/data/gold)")
    ap.add_argument("--sets", default="dev,seeds", help="comma-separated: dev, seeds")
    ap.add_argument("--oracle", action="store_true",
                    help="use the gold mentions instead of the NER (linking/grouping only)")
    ap.add_argument("--stages", default=None,
                    help="pipeline stages (default: the full default pipeline)")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and errors")
    ap.add_argument("--min-f1", type=float, default=None, help="exit 1 if overall F1 is lower")
    ap.add_argument("--min-name", type=float, default=None,
                    help="exit 1 if the name accuracy is lower")
    args = ap.parse_args(argv)
    gold_dir = args.gold or shared_dir() / "data" / "gold"
    try:
        pairs = gold_sets(gold_dir, [s.strip() for s in args.sets.split(",") if s.strip()])
    except FileNotFoundError as e:
        print(f"rasid eval entities: {e}", file=sys.stderr)
        return 2
    stages = [s.strip() for s in args.stages.split(",")] if args.stages else None
    res = evaluate(pairs, oracle=args.oracle, stages=stages, verbose=args.verbose)
    if args.json:
        print(json.dumps(res.to_dict(), ensure_ascii=False))
    else:
        print(format_result(res, "oracle mentions" if args.oracle else "pipeline"))
    if args.verbose:
        for line in res.errors:
            print(line, file=sys.stderr)
    d = res.to_dict()
    f1 = d["overall"]["f1"]  # type: ignore[index]
    if args.min_f1 is not None and f1 < args.min_f1:
        return 1
    if args.min_name is not None and d["name_accuracy"] < args.min_name:  # type: ignore[operator]
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
