"""``rasid bench``: articles/s and tokens/s per stage and peak memory on real corpora.

Reads ANT (JSONL.gz) or SaudiNewsNet (daily zips) from ../shared/data/news. Times each
stage separately on the same articles (one process, one core), plus read+clean+tokenize+
store into a fresh SQLite file, which is the ingest path.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator

from rasid.doc import Article
from rasid.util.shared import shared_dir


def ant_articles(limit: int) -> Iterator[Article]:
    from rasid.ingest.records import from_record

    path = shared_dir() / "data/news/ant/ant_multisource_v2.1.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= limit:
                return
            yield from_record(json.loads(line), origin=f"ant:{n}", raw=line, fmt="jsonl")


def saudi_articles(limit: int) -> Iterator[Article]:
    from rasid.ingest.records import from_record

    n = 0
    for z in sorted((shared_dir() / "data/news/saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for rec in json.loads(zf.read(name).decode("utf-8")):
                    if n >= limit:
                        return
                    if not (rec.get("content") or "").strip():
                        continue
                    yield from_record(rec, origin=f"{z.name}:{n}", raw="", fmt="json")
                    n += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid bench", description=__doc__)
    ap.add_argument("--corpus", choices=("ant", "saudinewsnet"), default="ant")
    ap.add_argument("--limit", type=int, default=2000, help="articles (default 2000)")
    from rasid.pipeline import DEFAULT_STAGES

    ap.add_argument("--stages", default=",".join(DEFAULT_STAGES), help="comma-separated (default: all)")
    args = ap.parse_args(argv)
    try:
        t0 = time.perf_counter()
        arts = list((ant_articles if args.corpus == "ant" else saudi_articles)(args.limit))
        t_read = time.perf_counter() - t0
    except FileNotFoundError as e:
        print(f"rasid bench: {e.filename}: not found (needs ../shared/data/news; set RASID_SHARED)", file=sys.stderr)
        return 2
    from rasid.pipeline import Pipeline

    names = args.stages.split(",")
    pipe = Pipeline(names)
    docs = [pipe.make_doc(a) for a in arts]
    rows = [("read+parse", t_read)]
    from rasid.pipeline import settle_gc
    from rasid.registry import pipe_default

    for name, fn in pipe.stages:
        if name != "text":  # warm-up: load models outside the timing, then freeze them as
            list(pipe_default(fn, docs[:2]))  # Pipeline.pipe does after its first batch
            settle_gc()
        t0 = time.perf_counter()
        docs = list(pipe_default(fn, docs))
        if name == "text":  # sentences and tokens are built lazily: build them here so they are timed
            for d in docs:
                d.sentences[:1]
                d.tokens[:1]
        rows.append((name, time.perf_counter() - t0))
    n_tok = sum(len(d.tokens) for d in docs)
    # the ingest path: read + clean + tokenize + store, into a fresh database
    from rasid.store import Store

    settle_gc()  # as a CLI process would be after its first batch (not timed)
    with tempfile.TemporaryDirectory() as tmp:
        text_only = Pipeline(("text",))
        t0 = time.perf_counter()
        arts2 = list((ant_articles if args.corpus == "ant" else saudi_articles)(args.limit))
        with Store(os.path.join(tmp, "bench.db")) as store:
            for d in text_only.pipe(arts2, batch_size=256):
                store.add(d)
        t_ingest = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus {args.corpus}: {len(arts)} articles, {n_tok} tokens ({n_tok / max(len(arts), 1):.0f}/article)")
    print(f"{'stage':14} {'seconds':>8} {'articles/s':>11} {'tokens/s':>11}")
    for name, t in rows:
        print(f"{name:14} {t:8.2f} {len(arts) / t:11.0f} {n_tok / t:11.0f}")
    total = sum(t for _, t in rows)
    print(f"{'all stages':14} {total:8.2f} {len(arts) / total:11.0f} {n_tok / total:11.0f}")
    t_rct = rows[0][1] + dict(rows).get("text", float("nan"))
    print(f"{'read+text':14} {t_rct:8.2f} {len(arts) / t_rct:11.0f} {n_tok / t_rct:11.0f}"
          "   (read + parse + clean + sentences + tokenize, no store)")
    print(f"{'ingest path':14} {t_ingest:8.2f} {len(arts) / t_ingest:11.0f} {n_tok / t_ingest:11.0f}"
          "   (read + clean + count tokens + store in SQLite; sentences/Token objects are built lazily by later stages)")
    print(f"peak memory {peak:.0f} MB (one process, one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
