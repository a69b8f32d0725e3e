"""Evaluate the NER tagger on a CoNLL file (wired as ``rasid eval ner``).

Prints per-type and micro P/R/F1 (entity level, exact span and type, as conlleval)
and the tagging speed in tokens/s.

``--aqmar`` scores instead on AQMAR (Arabic Wikipedia, 28 articles, 5.8k mentions in
``shared/data/ner/aqmar``), which no Rasid model trains on: an out-of-domain check of how
the tagger generalises, with five times dev's mentions. Only PERS/LOC/ORG are scored: AQMAR's
MIS0-3 classes follow another scheme than ANERcorp's MISC, so MISC is dropped on both sides.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

from .conll import read_conll_file
from .paths import anercorp, shared_dir
from .scoring import format_report, score


def evaluate_file(path: str, tagger=None, out=sys.stdout) -> dict:
    if tagger is None:
        from . import load_tagger
        tagger = load_tagger()
    data = read_conll_file(path)
    sents = [t for t, _ in data]
    gold = [g for _, g in data]
    n_tok = sum(len(s) for s in sents)
    if hasattr(tagger, "fx"):  # measure as after load: only frequent news words prewarmed
        tagger.fx._cache.clear()
        tagger.fx.prewarm(int(tagger.config.get("prewarm", 20000)))
    from rasid.pipeline import settle_gc
    settle_gc()  # as `rasid ner` and the pipeline do after loading
    t0, c0 = time.perf_counter(), time.process_time()
    pred = tagger.tag(sents)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    res = score(gold, pred)
    print(format_report(res), file=out)
    print(f"micro F1 {res['micro']['f1']:.4f}  |  {n_tok} tokens in {dt:.2f}s wall = "
          f"{n_tok / dt:,.0f} tokens/s; {n_tok / max(dc, 1e-9):,.0f} tokens per CPU-second "
          "(single thread; feature cache prewarmed with frequent news words only)", file=out)
    res["tokens_per_s"] = n_tok / dt
    res["tokens_per_cpu_s"] = n_tok / max(dc, 1e-9)
    return res


def aqmar_tag(raw: str) -> str:
    """An AQMAR tag in ANERcorp's scheme: PER -> PERS; the MIS0-3 classes, the ENGLISH/SPANISH
    language marks and the corpus's few malformed tags (``OO``, ``IO``, ``I--ORG``) -> O,
    except that a doubled dash is read as one."""
    prefix, _, typ = raw.strip().replace("--", "-").partition("-")
    typ = {"PER": "PERS"}.get(typ, typ)
    return f"{prefix}-{typ}" if prefix in ("B", "I") and typ in ("PERS", "LOC", "ORG") else "O"


def read_aqmar(path: str) -> list[tuple[list[str], list[str]]]:
    """One AQMAR article: ``token TAG`` lines (space-separated), blank line between sentences."""
    sents, toks, tags = [], [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if toks:
                    sents.append((toks, tags))
                    toks, tags = [], []
                continue
            toks.append(parts[0])
            tags.append(aqmar_tag(parts[-1]) if len(parts) > 1 else "O")
    if toks:
        sents.append((toks, tags))
    return sents


def evaluate_aqmar(folder: str, tagger=None, out=sys.stdout) -> dict:
    """PERS/LOC/ORG scores on the AQMAR articles in ``folder``, each article tagged as one
    document (so label propagation stays inside it)."""
    if tagger is None:
        from . import load_tagger
        tagger = load_tagger()
    files = sorted(glob.glob(os.path.join(folder, "*.txt")))
    if not files:
        raise FileNotFoundError(f"no AQMAR articles (*.txt) in {folder}")
    gold, pred = [], []
    for f in files:
        doc = read_aqmar(f)
        gold += [g for _, g in doc]
        pred += [["O" if t.endswith("-MISC") else t for t in p] for p in tagger.tag([w for w, _ in doc])]
    res = score(gold, pred)
    print(format_report(res), file=out)
    print(f"AQMAR (Wikipedia, out of domain; PERS/LOC/ORG, MISC dropped): {len(files)} articles, "
          f"{sum(map(len, gold))} tokens, micro F1 {res['micro']['f1']:.4f}", file=out)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid eval ner", description=__doc__)
    ap.add_argument("conll", nargs="?", default=None,
                    help="gold CoNLL file (default: ANERcorp dev from the shared data)")
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--json", action="store_true", help="also print the scores as JSON")
    ap.add_argument("--aqmar", action="store_true",
                    help="score on AQMAR (Arabic Wikipedia, never trained on) instead: PERS/LOC/ORG only")
    args = ap.parse_args(argv)
    folder = os.path.join(shared_dir(), "data", "ner", "aqmar", "articles")
    if args.aqmar and not os.path.isdir(folder):  # before the model takes seconds to load
        print(f"rasid eval ner: AQMAR not found at {folder} (set RASID_SHARED)", file=sys.stderr)
        return 2
    from . import load_tagger
    tagger = load_tagger(args.model_dir)
    if args.aqmar:
        res = evaluate_aqmar(folder, tagger)
        if args.json:
            print(json.dumps(res, indent=1))
        return 0
    if args.conll is None:
        print("note: the shipped model is trained on ANERcorp train+dev, so this dev score is not a held-out "
              "estimate (train-only dev F1 0.790: docs/ner.md); score a held-out file with "
              "`rasid eval ner FILE` or `rasid ner --conll`", file=sys.stderr)
    res = evaluate_file(args.conll or anercorp("dev"), tagger)
    if args.json:
        print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
