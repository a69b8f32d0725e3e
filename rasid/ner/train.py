"""Train the Arabic NER CRF (wired as ``rasid train ner``).

Reproducible: L-BFGS training is deterministic given the data, features and options below.

    python -m rasid.ner.train                      # final model: train+dev, shipped clusters
    python -m rasid.ner.train --no-dev --eval-dev  # model selection run on train only
    python -m rasid.ner.train --clusters-from-news # also rebuild word clusters first (slow)
    python -m rasid.ner.train --silver silver.conll  # plus news sentences tagged by the teacher
                                                   # (rasid.ner.teacher; see docs/ner.md)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

from .conll import read_conll_file
from .paths import MODEL_DIR, anercorp, shared_dir
from .tagger import LABELS
from .topics import TOPICS

SEED = 13


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid train ner", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=None, help="CoNLL training file (default ANERcorp train)")
    ap.add_argument("--dev", default=None, help="CoNLL dev file (default ANERcorp dev)")
    ap.add_argument("--no-dev", action="store_true", help="do not add dev to the training data")
    ap.add_argument("--eval-dev", action="store_true", help="score on dev after training")
    ap.add_argument("--out", default=str(MODEL_DIR), help="model directory to write")
    ap.add_argument("--clusters-dir", default=str(MODEL_DIR),
                    help="where the news-derived clusters_raw.tsv / clusters_stem.tsv / mined.tsv / topics.tsv "
                         "are read from")
    ap.add_argument("--clusters-from-news", action="store_true",
                    help="rebuild the word clusters from the shared news first (needs gensim, scikit-learn)")
    ap.add_argument("--no-clusters", action="store_true")
    ap.add_argument("--no-mined", action="store_true",
                    help="do not use mined.tsv (trigger-pattern name evidence from the news)")
    ap.add_argument("--no-gazetteer", action="store_true")
    ap.add_argument("--no-topics", action="store_true",
                    help="do not use topics.tsv (what each sentence's passage is about; rasid.ner.topics)")
    ap.add_argument("--no-memory", action="store_true",
                    help="disable seen-entity memory features (jackknifed over --folds)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.02)
    ap.add_argument("--max-iter", type=int, default=300)
    ap.add_argument("--cv", type=int, default=0, metavar="K",
                    help="instead of training the model: K-fold cross-validation over the training data "
                         "(contiguous folds; each fold scored by a model trained on the others, two "
                         "folds at a time); prints each fold's micro F1 and the pooled score. Dev has "
                         "only ~1k entities, so a single dev run cannot separate changes under ~1 point")
    ap.add_argument("--silver", default=None, metavar="CONLL",
                    help="also train on these machine-tagged sentences (written by "
                         "rasid train ner-teacher label); they get the full gold entity memory")
    ap.add_argument("--silver-n", type=int, default=0, metavar="N", help="use only the first N silver sentences")
    ap.add_argument("--silver-topics", default=None, metavar="FILE",
                    help="the topic of each silver sentence's passage in its article, one line per sentence "
                         "(default: CONLL.topics when it exists, as rasid train ner-teacher label writes it)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    silver, silver_topics = [], None
    if args.silver:
        if args.cv:
            ap.error("--silver with --cv: the silver tagger saw every fold; cross-validate without it")
        try:
            silver = read_conll_file(args.silver)
        except (OSError, UnicodeDecodeError) as e:
            ap.error(f"--silver {args.silver}: {e}")
        silver = silver[:args.silver_n or None]
        topics_path = args.silver_topics or (args.silver + ".topics" if os.path.exists(args.silver + ".topics")
                                             else None)
        if topics_path:
            try:
                with open(topics_path, encoding="utf-8") as fh:
                    silver_topics = [line.strip() for line in fh][:len(silver)]
            except (OSError, UnicodeDecodeError) as e:
                ap.error(f"--silver-topics {topics_path}: {e}")
            if len(silver_topics) != len(silver) or not set(silver_topics) <= set(TOPICS) | {""}:
                ap.error(f"--silver-topics {topics_path}: want one of {', '.join(TOPICS)} (or an empty line) "
                         f"for each of the {len(silver)} silver sentences")
        elif not args.no_topics:
            print(f"warning: no {args.silver}.topics: the silver sentences are trained without their passage "
                  "topic (rasid train ner-teacher label writes it)", file=sys.stderr)
        bad = {t for _, tags in silver for t in tags} - set(LABELS)
        if not silver or bad:
            ap.error(f"--silver {args.silver}: " + (f"unknown tags {sorted(bad)[:5]}" if bad else "no sentences"))

    from .gazetteer import build as build_gaz
    from .gazetteer import write as write_gaz
    from .tagger import CRFTagger

    shared = shared_dir()
    os.makedirs(args.out, exist_ok=True)
    if args.clusters_from_news:
        from .clusters import main as clusters_main
        clusters_main(["--out", args.out, "--seed", str(args.seed)])
        if not args.no_mined:
            from .mine import main as mine_main
            mine_main(["--out", args.out])
        if not args.no_topics:
            from .topics import main as topics_main
            topics_main(["--out", args.out])
        args.clusters_dir = args.out
    if not args.no_clusters and os.path.abspath(args.clusters_dir) != os.path.abspath(args.out):
        for name in ("clusters_raw.tsv", "clusters_stem.tsv"):
            shutil.copyfile(os.path.join(args.clusters_dir, name), os.path.join(args.out, name))
        if not args.no_mined:
            shutil.copyfile(os.path.join(args.clusters_dir, "mined.tsv"), os.path.join(args.out, "mined.tsv"))
    if not args.no_topics and os.path.abspath(args.clusters_dir) != os.path.abspath(args.out):
        shutil.copyfile(os.path.join(args.clusters_dir, "topics.tsv"), os.path.join(args.out, "topics.tsv"))
    if not args.no_gazetteer:
        write_gaz(build_gaz(shared), os.path.join(args.out, "gazetteer.tsv"))
    config = {"window": args.window, "clusters": not args.no_clusters,
              "gazetteer": not args.no_gazetteer, "memory": not args.no_memory,
              "mined": not args.no_mined, "topics": not args.no_topics,
              # provenance only: the L-BFGS options the model was trained with
              "training": {"c1": args.c1, "c2": args.c2, "max_iter": args.max_iter}}
    if silver:  # provenance only: the tagger does not read it
        config["silver"] = {"file": os.path.basename(args.silver), "sentences": len(silver),
                            "tokens": sum(len(t) for t, _ in silver)}
    with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as fh:
        json.dump(config, fh, indent=1)

    train_path = args.train or anercorp("train")
    dev_path = args.dev or anercorp("dev")
    data = read_conll_file(train_path)
    if not args.no_dev:
        data += read_conll_file(dev_path)
    if args.cv:
        return cross_validate(data, args.out, config, args)
    fit(data, args.out, config, args, silver=silver, silver_topics=silver_topics)
    if args.eval_dev:
        from .evaluate import evaluate_file
        evaluate_file(dev_path, CRFTagger(args.out))
    return 0


def fold_bounds(n: int, k: int) -> list[int]:
    """Start indices of ``k`` contiguous folds over ``n`` items, and ``n`` (documents stay
    together: ANERcorp is in document order)."""
    return [round(n * i / k) for i in range(k + 1)]


def fit(data, out: str, config: dict, args, silver=(), silver_topics=None) -> str:
    """Train the CRF on ``data`` (plus ``silver`` sentences, with their passage topics when
    known) with the feature files in ``out``; returns the model path."""
    import pycrfsuite

    from .features import build_memory, write_memory
    from .tagger import make_extractor

    t0 = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    memory = None
    fx = make_extractor(out, config)
    # the gold data is in document order: each sentence's passage is its neighbours there
    topics = fx.passage_topics([t for t, _ in data])
    if args.no_memory:
        for (toks, tags), tp in zip(data, topics):
            trainer.append(fx.sent_features(toks, tp), tags)
    else:
        # jackknife: features of fold k use the entity memory of the other folds
        memory = build_memory(data)
        write_memory(memory, os.path.join(out, "memory.tsv"))
        K = args.folds
        bounds = fold_bounds(len(data), K)
        for k in range(K):
            lo, hi = bounds[k], bounds[k + 1]
            fx = make_extractor(out, config, memory=build_memory(data[:lo] + data[hi:]))
            for (toks, tags), tp in zip(data[lo:hi], topics[lo:hi]):
                trainer.append(fx.sent_features(toks, tp), tags)
    if silver:
        # machine-tagged news: none of it is in the gold memory, so it sees all of it, as new text does
        fx = make_extractor(out, config, memory=memory)
        for (toks, tags), tp in zip(silver, silver_topics or [""] * len(silver)):
            trainer.append(fx.sent_features(toks, tp), tags)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.max_iter,
                        "feature.possible_transitions": True})
    print(f"features extracted for {len(data)} + {len(silver)} silver sentences in {time.time() - t0:.1f}s; training...",
          file=sys.stderr)
    model_path = os.path.join(out, "ner.crfsuite")
    trainer.train(model_path)
    print(f"trained in {time.time() - t0:.1f}s -> {model_path}", file=sys.stderr)
    return model_path


def _cv_fold(job) -> tuple[int, list, list]:
    f, data, lo, hi, out, config, args = job
    from .tagger import CRFTagger

    fold_dir = os.path.join(out, f"cv{f}")
    os.makedirs(fold_dir, exist_ok=True)
    for name in os.listdir(out):
        if os.path.isfile(os.path.join(out, name)) and name not in ("ner.crfsuite", "memory.tsv"):
            shutil.copyfile(os.path.join(out, name), os.path.join(fold_dir, name))
    fit(data[:lo] + data[hi:], fold_dir, config, args)
    held = data[lo:hi]
    pred = CRFTagger(fold_dir).tag([t for t, _ in held])
    return f, [g for _, g in held], pred


def cross_validate(data, out: str, config: dict, args) -> int:
    from multiprocessing import get_context
    from statistics import mean, stdev

    from .scoring import score

    K = args.cv
    bounds = fold_bounds(len(data), K)
    jobs = [(f, data, bounds[f], bounds[f + 1], out, config, args) for f in range(K)]
    with get_context("spawn").Pool(min(2, K)) as pool:
        results = sorted(pool.imap_unordered(_cv_fold, jobs))
    gold_all, pred_all, f1s = [], [], []
    for f, gold, pred in results:
        r = score(gold, pred)["micro"]
        f1s.append(r["f1"])
        gold_all += gold
        pred_all += pred
        print(f"fold {f + 1}/{K}: {len(gold)} sentences  P {r['p']:.4f}  R {r['r']:.4f}  "
              f"F1 {r['f1']:.4f}")
    pooled = score(gold_all, pred_all)["micro"]
    sd = stdev(f1s) if len(f1s) > 1 else 0.0
    print(f"{K}-fold CV: mean F1 {mean(f1s):.4f} (sd {sd:.4f}, standard error {sd / K ** 0.5:.4f}); "
          f"pooled P {pooled['p']:.4f}  R {pooled['r']:.4f}  F1 {pooled['f1']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
