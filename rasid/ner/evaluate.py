"""Evaluate the NER tagger on a CoNLL file (wired as ``rasid eval ner``).

Prints per-type and micro P/R/F1 (entity level, exact span and type, as conlleval)
and the tagging speed in tokens/s.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from .conll import read_conll_file
from .paths import anercorp
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid eval ner", description=__doc__)
    ap.add_argument("conll", nargs="?", default=None,
                    help="gold CoNLL file (default: ANERcorp dev from the shared data)")
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--json", action="store_true", help="also print the scores as JSON")
    args = ap.parse_args(argv)
    from . import load_tagger
    tagger = load_tagger(args.model_dir)
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
