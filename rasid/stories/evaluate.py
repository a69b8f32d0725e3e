"""Repeatable evaluation of rasid.stories, with timings (``rasid eval-stories`` or
``python -m rasid.stories.evaluate [all|duplicates|clusters|speed|sample-pairs]``).

- duplicates: every SaudiNewsNet article (../shared/data/news/saudinewsnet) through clean +
  MinHash + LSH, in order; precision and recall on the hand-checked pairs of
  ``rasid/resources/stories/dup_pairs.tsv`` (how they were checked: docs/stories.md).
- clusters: every ANT article clustered incrementally, in corpus order; B-cubed P/R/F1 on
  the hand-labelled articles of ``rasid/resources/stories/ant_stories.tsv``.
- speed: the ingest path (text stage + duplicates + clustering + SQLite store) on all of
  SaudiNewsNet and all of ANT, into a temporary database.
- sample-pairs: print candidate pairs (stratified by similarity) to check by hand.

Label files hold article ids only (ANT ``docno``; SaudiNewsNet has no id, so its articles
are named by the content-hash id the store gives them).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from importlib import resources
from typing import Any

from rasid.doc import Article

#: floors pinned by tests/test_stories.py (the eval gate)
FLOORS = {"dup_precision": 0.95, "dup_recall": 0.75, "bcubed_f1": 0.80}


def _labels(name: str) -> list[list[str]]:
    text = (resources.files("rasid.resources") / "stories" / name).read_text(encoding="utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _aid(a: Article) -> str:
    return a.id or a.content_hash()[:16]


def _ant() -> Iterator[Article]:
    """Every ANT article with a text, in corpus order (a few records have none)."""
    import gzip
    import json

    from rasid.errors import InputError
    from rasid.ingest.records import from_record
    from rasid.util.shared import shared_dir

    with gzip.open(shared_dir() / "data/news/ant/ant_multisource_v2.1.jsonl.gz", "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            try:
                yield from_record(json.loads(line), origin=f"ant:{n}", raw="", fmt="jsonl")
            except InputError:
                continue


def _corpus(name: str) -> Iterator[Article]:
    from rasid.bench import saudi_articles

    return saudi_articles(10**9) if name == "saudinewsnet" else _ant()


def run_duplicates(threshold: float | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """Group every SaudiNewsNet article; returns (article id -> group root, stats)."""
    from rasid.stories.fingerprint import THRESHOLD, DuplicateIndex
    from rasid.text import clean

    t0, c0 = time.perf_counter(), time.process_time()
    idx = DuplicateIndex(threshold or THRESHOLD)
    root: dict[str, str] = {}
    n = 0
    for a in _corpus("saudinewsnet"):
        text, _ = clean(a.body)
        aid = _aid(a)
        m = idx.check(aid, text)
        idx.add(aid, m)
        root[aid] = m.duplicate_of or aid
        n += 1
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    dups = sum(1 for k, v in root.items() if k != v)
    return root, {"articles": n, "duplicates": dups, "groups": len(set(root.values())), "seconds": secs,
                  "cpu": cpu}


def score_duplicates(root: dict[str, str]) -> dict[str, float]:
    pairs = _labels("dup_pairs.tsv")
    tp = fp = fn = tn = 0
    for a, b, gold, *_ in pairs:
        pred = root.get(a, a) == root.get(b, b)
        if gold == "1":
            tp += pred
            fn += not pred
        else:
            fp += pred
            tn += not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"pairs": len(pairs), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": p, "recall": r}


def run_clusters() -> tuple[dict[str, str], dict[str, Any]]:
    """Cluster every ANT article incrementally (text stage, duplicates, stories)."""
    from rasid.pipeline import Pipeline
    from rasid.stories.tracker import StoryTracker

    t0, c0 = time.perf_counter(), time.process_time()
    tracker = StoryTracker(None)
    story: dict[str, str] = {}
    for doc in Pipeline(("text",)).pipe(_corpus("ant"), batch_size=256):
        tracker.assign(doc)
        story[doc.id] = doc.story or doc.id
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    return story, {"articles": len(story), "stories": len(set(story.values())), "seconds": secs, "cpu": cpu}


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision/recall/F1 (Bagga & Baldwin 1998) over the items of ``gold``."""
    items = [i for i in gold if i in pred]
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for i in items:
        by_pred[pred[i]].add(i)
        by_gold[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        same_p, same_g = by_pred[pred[i]], by_gold[gold[i]]
        both = len(same_p & same_g)
        p += both / len(same_p)
        r += both / len(same_g)
    n = len(items) or 1
    p, r = p / n, r / n
    return {"items": len(items), "gold_clusters": len(by_gold),
            "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def gold_stories() -> dict[str, str]:
    return {row[0]: row[1] for row in _labels("ant_stories.tsv")}


def run_speed() -> list[tuple[str, int, float, float]]:
    """The ingest path of ``rasid ingest`` into a fresh database, per corpus."""
    from rasid.pipeline import Pipeline
    from rasid.store import Store
    from rasid.stories.tracker import StoryTracker

    out = []
    for name in ("saudinewsnet", "ant"):
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            n = 0
            with Store(os.path.join(tmp, "eval.db")) as store:
                tracker = StoryTracker(store)
                for doc in Pipeline(("text",)).pipe(_corpus(name), batch_size=256):
                    tracker.assign(doc)
                    if store.add(doc):
                        tracker.added(doc)
                    else:
                        tracker.skipped(doc)
                    n += 1
                tracker.close()
            out.append((name, n, time.perf_counter() - t0, time.process_time() - c0))
    return out


def sample_pairs(n_per_bin: int = 10, seed: int = 7) -> None:
    """Candidate pairs by estimated Jaccard bin, side by side, to check by hand."""
    from rasid.stories.fingerprint import DuplicateIndex, jaccard
    from rasid.text import clean

    idx = DuplicateIndex(0.3)
    bins: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    arts: dict[str, Article] = {}
    for a in _corpus("saudinewsnet"):
        text, _ = clean(a.body)
        aid = _aid(a)
        arts[aid] = a
        m = idx.check(aid, text)
        if m.signature is not None:
            for cand in idx.lsh.query(idx._minhash(m.signature)):
                sim = jaccard(m.signature, idx.sigs[cand])
                if sim >= 0.3:
                    bins[min(int(sim * 10), 9)].append((cand, aid, sim))
        idx.add(aid, m)
    rnd = random.Random(seed)
    for b in sorted(bins):
        for x, y, sim in rnd.sample(bins[b], min(n_per_bin, len(bins[b]))):
            print(f"== {x}\t{y}\t{sim:.2f}")
            for aid in (x, y):
                a = arts[aid]
                print(f"   {a.source}: {a.title} | {' '.join(a.body.split())[:300]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rasid.stories.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="?", default="all",
                    choices=("all", "duplicates", "clusters", "speed", "sample-pairs"))
    args = ap.parse_args(argv)
    from rasid.util.shared import shared_dir

    if not (shared_dir() / "data" / "news").is_dir():
        print(f"rasid eval-stories: {shared_dir() / 'data/news'} not found (set RASID_SHARED)", file=sys.stderr)
        return 2
    if args.what == "sample-pairs":
        sample_pairs()
        return 0
    if args.what in ("all", "duplicates"):
        root, st = run_duplicates()
        sc = score_duplicates(root)
        print(f"near-duplicates, SaudiNewsNet: {st['articles']} articles in {st['seconds']:.1f} s "
              f"({st['articles'] / st['seconds']:.0f}/s; {st['cpu']:.1f} s CPU), {st['duplicates']} duplicates in "
              f"{st['groups']} groups")
        print(f"  checked pairs {sc['pairs']}: precision {sc['precision']:.3f} recall {sc['recall']:.3f} "
              f"(tp {sc['tp']} fp {sc['fp']} fn {sc['fn']} tn {sc['tn']})")
    if args.what in ("all", "clusters"):
        story, st = run_clusters()
        b = bcubed(story, gold_stories())
        print(f"stories, ANT: {st['articles']} articles clustered incrementally in {st['seconds']:.1f} s "
              f"({st['articles'] / st['seconds']:.0f}/s; {st['cpu']:.1f} s CPU), {st['stories']} stories")
        print(f"  B-cubed on {b['items']} labelled articles ({b['gold_clusters']} gold stories): "
              f"P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f}")
    if args.what in ("all", "speed"):
        for name, n, secs, cpu in run_speed():
            print(f"ingest path (text + duplicates + stories + SQLite), {name}: {n} articles in {secs:.1f} s "
                  f"({n / secs:.0f}/s; {cpu:.1f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
