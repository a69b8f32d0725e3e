"""Build word-cluster files for the NER tagger from unlabeled news (training-time step).

Trains two skip-gram word2vec models (gensim) on the shared news corpora --
one on raw (normalised) tokens, one on clitic-split tokens (prefix marker + stem) --
and clusters the vectors with k-means at several k (scikit-learn). Writes
``clusters_raw.tsv`` and ``clusters_stem.tsv`` (word<TAB>id_k1<TAB>id_k2...) into
the model directory; only those small files are shipped, never the corpora.

    python -m rasid.ner.clusters [--shared DIR] [--out DIR] [--workdir DIR]

Needs (training only): gensim, scikit-learn.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import logging
import os
import re
import sys
import zipfile
import zlib

from .paths import MODEL_DIR, shared_dir
from .textnorm import normalize, split_prefix, tokenize

log = logging.getLogger("rasid.ner.clusters")
_SENT_SPLIT = re.compile(r"[\n\r]+|(?<=[.!?\u061f])\s+")
KS = (64, 256, 1024, 4096)


def ant_records(shared: str):
    """The ANT corpus's article records (dicts), in file order; none when it is absent."""
    ant = os.path.join(shared, "data/news/ant/ant_multisource_v2.1.jsonl.gz")
    if os.path.exists(ant):
        with gzip.open(ant, "rt", encoding="utf-8") as fh:
            for line in fh:
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def article_text(d: dict) -> str:
    return (d.get("title") or "") + "\n" + (d.get("text") or "")


def iter_texts(shared: str):
    for d in ant_records(shared):
        yield article_text(d)
    for z in sorted(glob.glob(os.path.join(shared, "data/news/saudinewsnet/*.zip"))):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                if not name.endswith(".json"):
                    continue
                for d in json.loads(zf.read(name).decode("utf-8")):
                    yield (d.get("title") or "") + "\n" + (d.get("content") or "")


def write_corpora(shared: str, raw_path: str, split_path: str) -> int:
    n_tok = 0
    seen = set()
    with open(raw_path, "w", encoding="utf-8") as fr, open(split_path, "w", encoding="utf-8") as fs:
        for text in iter_texts(shared):
            h = zlib.crc32(text[:300].encode("utf-8"))
            if h in seen:  # drop exact duplicate articles
                continue
            seen.add(h)
            for sent in _SENT_SPLIT.split(text):
                toks = [normalize(t) for t in tokenize(sent)]
                toks = [t for t in toks if t]
                if len(toks) < 3:
                    continue
                n_tok += len(toks)
                fr.write(" ".join(toks) + "\n")
                out = []
                for t in toks:
                    p, s = split_prefix(t)
                    if p:
                        out.append(p + "+")
                    out.append(s)
                fs.write(" ".join(out) + "\n")
    return n_tok


def stable_hash(s: str) -> int:
    """Process-independent hash for gensim's vector seeding (str hash is randomised)."""
    return zlib.crc32(s.encode("utf-8"))


def train_and_cluster(corpus: str, out_tsv: str, seed: int, workers: int, min_count: int,
                      max_words: int) -> None:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    if os.path.exists(corpus + ".w2v"):
        model = Word2Vec.load(corpus + ".w2v")
    else:
        model = Word2Vec(LineSentence(corpus), vector_size=100, window=5, min_count=min_count,
                         sg=1, negative=5, epochs=5, workers=workers, seed=seed,
                         hashfxn=stable_hash)
        model.save(corpus + ".w2v")
    cluster_vectors(model.wv, out_tsv, seed, max_words)


def cluster_vectors(wv, out_tsv: str, seed: int, max_words: int) -> None:
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans

    model_wv = wv
    words = [w for w in model_wv.index_to_key[:max_words]
             if not w.endswith("+")]
    vecs = np.stack([model_wv[w] for w in words]).astype("float32")
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-8
    cols = []
    for k in KS:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=1,
                             max_iter=50)
        cols.append(km.fit_predict(vecs))
        log.info("k-means k=%d done for %s", k, out_tsv)
    with open(out_tsv, "w", encoding="utf-8") as fh:
        fh.write("#word\t" + "\t".join(f"k{k}" for k in KS) + "\n")
        fh.writelines(w + "\t" + "\t".join(str(int(c[i])) for c in cols) + "\n" for i, w in enumerate(words))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid.ner.clusters", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=None, help="shared data dir (default ../shared or $RASID_SHARED)")
    ap.add_argument("--out", default=str(MODEL_DIR))
    ap.add_argument("--workdir", default="/tmp/rasid_ner_clusters")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--max-words", type=int, default=150000)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    shared = args.shared or shared_dir()
    os.makedirs(args.workdir, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    raw = os.path.join(args.workdir, "news_raw.txt")
    split = os.path.join(args.workdir, "news_split.txt")
    if not (os.path.exists(raw) and os.path.exists(split)):
        n = write_corpora(shared, raw, split)
        log.info("corpus: %d tokens", n)
    for corpus, name in ((raw, "clusters_raw.tsv"), (split, "clusters_stem.tsv")):
        train_and_cluster(corpus, os.path.join(args.out, name), args.seed, args.workers,
                          args.min_count, args.max_words)
    return 0


if __name__ == "__main__":
    sys.exit(main())
