"""The corpus-wide steps, which no partition can do alone: near-duplicates and stories.

Both give ``duplicate_of`` / ``story`` the meaning they have in the local store
(:mod:`rasid.stories`), where articles arrive one by one in input order (``seq`` here):

- **Near-duplicates.** The MinHash signature of every text is computed on the executors with
  :func:`rasid.stories.fingerprint.signature` (same shingles, same permutations). Candidate pairs
  are the pairs sharing one LSH band: the bands and rows datasketch's ``MinHashLSH`` picks for the
  same threshold, bucketed with a Spark self-join. As in :meth:`DuplicateIndex.check`, groups
  are stars around their root (earliest article): an article's ``duplicate_of`` is the earliest
  root, among its candidates' roots, whose signature it matches itself (estimated Jaccard >=
  :data:`rasid.stories.fingerprint.THRESHOLD`), else none. Roots depend on earlier roots only:
  a fixed point reached by a few rounds of joins (one per level of dependency).
- **Stories.** Articles are grouped in windows of publication days; in each window one task runs
  the local single-pass :class:`rasid.stories.cluster.Clusterer` in input order, so one window
  (``window_days=0``) is exactly the local result. Windows are then stitched on the driver in date
  order: a window's story joins an earlier window's story when the local scoring rule
  (:meth:`Clusterer.score`: cosine + entity overlap - time penalty, dormancy) accepts its centroid.
  Only story summaries reach the driver, never articles. Duplicates take their original's story.
"""

from __future__ import annotations

import importlib
import pickle
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

#: the window key of articles without a usable publication day: stitched after every dated window
UNDATED = 1 << 40


#: datasketch's MinHashLSH (bands, rows) for (threshold, permutations), so the driver need not
#: import it (0.5 s, scipy) before the first job of the step (checked by the tests)
KNOWN_LSH_PARAMS = {(0.5, 128): (25, 5)}


def lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH uses for this threshold."""
    from rasid.stories.fingerprint import NUM_PERM

    if (threshold, NUM_PERM) in KNOWN_LSH_PARAMS:
        return KNOWN_LSH_PARAMS[(threshold, NUM_PERM)]
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def components(edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Connected components of an edge list: {node: the smallest node of its component}."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def duplicate_rows(rows: Iterable[tuple[int, str, Any, int | None]], threshold: float | None = None
                   ) -> Iterator[tuple[int, str, int, int | None]]:
    """Articles ``(seq, id, signature, day)`` of whole LSH groups through one local
    :class:`rasid.stories.fingerprint.DuplicateIndex`, in input order: ``(seq, duplicate_of, its
    seq, its day)`` for each article that is a near-duplicate of an earlier one. Articles of
    different groups share no band bucket, so the index never makes one the other's candidate:
    several groups can go through one index (building one costs about 10 ms)."""
    import numpy as np

    from rasid.stories.fingerprint import THRESHOLD, DuplicateIndex

    idx = DuplicateIndex(THRESHOLD if threshold is None else threshold)
    known: dict[str, tuple[int, int | None]] = {}
    for seq, aid, sig, day in sorted(rows, key=lambda r: r[0]):
        m = idx.check_signature(aid, np.asarray(sig, dtype=np.uint64))
        idx.add(aid, m, seq=seq)
        known[aid] = (seq, day)
        if m.duplicate_of is not None:
            yield (seq, m.duplicate_of, *known[m.duplicate_of])


DUPLICATE_OUT = "seq long, duplicate_of string, dup_seq long, dup_day int"


def _duplicate_arrow(threshold: float | None) -> Any:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        rows = [r for b in batches for r in zip(*(b.column(c).to_pylist() for c in ("seq", "id", "sig", "day")))]
        found = list(duplicate_rows(rows, threshold))
        yield pa.RecordBatch.from_arrays(
            [pa.array([f[i] for f in found], t) for i, t in enumerate((pa.int64(), pa.string(), pa.int64(), pa.int32()))],
            names=["seq", "duplicate_of", "dup_seq", "dup_day"])

    return run


def _bucket_edges(rows: Iterable[tuple[int, list[int]]]) -> Iterator[tuple[int, int]]:
    """(seq, band keys) -> an edge from each article to the first article of every bucket it
    shares with an earlier one."""
    head: dict[int, int] = {}
    for seq, keys in rows:
        for k in keys:
            h = head.setdefault(k, seq)
            if h != seq:
                yield h, seq


#: up to this many articles sharing a bucket, the driver runs the index over their groups
LOCAL_GROUP_NODES = 50_000


def duplicates(df: DataFrame, threshold: float | None = None, local_nodes: int = LOCAL_GROUP_NODES,
               small: bool = False) -> tuple[DataFrame, int | None]:
    """``(seq, id, sig, day)`` rows -> ``(seq, duplicate_of, dup_seq, dup_day)`` for the articles
    that are near-duplicates of an earlier one (the others are absent), and their number when
    the driver knows it without a job.

    Exactly what :class:`DuplicateIndex` gives in input order: every candidate an LSH query would
    return shares a band bucket with the article, so the index can run over each connected
    group of the "shares a bucket" graph on its own. Spark computes the buckets (one shuffle
    of 8-byte keys); the driver joins their heads into groups (union-find over one pair of ids
    per article that shares a bucket: no signatures, no texts). When at most ``local_nodes``
    articles are in groups (the usual case: a few percent of a news corpus) the driver fetches
    their signatures and runs the index; beyond, the groups are spread over Python tasks (a
    group never split), each running one index over its groups in input order. A ``small``
    corpus skips the bucket shuffle: its band keys (200 bytes per article) come to the driver."""
    from pyspark.sql import functions as F

    from rasid.stories.fingerprint import THRESHOLD

    spark = df.sparkSession
    threshold = THRESHOLD if threshold is None else threshold
    b, r = lsh_params(threshold)
    # the local index needs datasketch: imported while the first job runs
    threading.Thread(target=importlib.import_module, args=("datasketch",), daemon=True).start()
    sigs = df.where(F.col("sig").isNotNull()).select("seq", "id", "sig", "day")
    keys = F.array(*[F.xxhash64(F.lit(i), F.slice("sig", i * r + 1, r)) for i in range(b)])
    # a bucket with k articles gives k - 1 edges to one of them (not k(k-1)/2 pairs)
    if small:
        group = components(_bucket_edges((row["seq"], row["keys"]) for row in sigs.select("seq", keys.alias("keys"))
                                         .collect()))
    else:
        edges = (sigs.select("seq", F.explode(keys).alias("key"))
                 .groupBy("key").agg(F.min("seq").alias("head"), F.collect_set("seq").alias("members"))
                 .where(F.size("members") > 1)
                 .select("head", F.explode("members").alias("seq")).where(F.col("seq") != F.col("head"))
                 .distinct())
        group = components((row["head"], row["seq"]) for row in edges.collect())
    if not group:
        return spark.createDataFrame([], DUPLICATE_OUT), 0
    g = spark.createDataFrame(list(group.items()), "seq long, grp long")
    members = sigs.join(F.broadcast(g) if len(group) < 1_000_000 else g, "seq")
    if len(group) > local_nodes:
        n_tasks = max(1, min(len(set(group.values())), spark.sparkContext.defaultParallelism * 4))
        return (members.repartition(n_tasks, "grp").drop("grp")
                .mapInArrow(_duplicate_arrow(threshold), DUPLICATE_OUT)), None
    found = list(duplicate_rows(((row["seq"], row["id"], row["sig"], row["day"]) for row in members.collect()),
                                threshold))
    return spark.createDataFrame(found, DUPLICATE_OUT), len(found)


# -- stories ----------------------------------------------------------------------------

WINDOW_OUT = ("kind string, seq long, story string, window long, first_seq long, first string, "
              "last string, size int, state binary")


def _features(blob: bytes) -> Any:
    """The executors' :class:`rasid.stories.features.Features`, as pickled there (exact, and
    whatever fields the clusterer reads)."""
    return pickle.loads(blob)


def cluster_window(rows: Iterable[tuple[int, str, str | None, bytes]]) -> Iterator[dict[str, Any]]:
    """One window's articles ``(seq, id, duplicate_of, pickled features)`` in input order, through
    the local Clusterer: a row per article (``kind`` "a") and one per story (``kind`` "s", with
    its state). A duplicate is in its original's window (see :func:`stories`): it joins the
    original's story, whose size and dates it extends, as in the local store."""
    from rasid.stories.cluster import Clusterer

    c = Clusterer()
    first_seq: dict[str, int] = {}
    for seq, aid, dup, fjs in rows:
        f = _features(fjs)
        a = c.assign(aid, f, duplicate_of=dup)
        first_seq.setdefault(a.story, seq)
        yield {"kind": "a", "seq": seq, "story": a.story}
    for s in c.stories.values():
        yield {"kind": "s", "story": s.id, "first_seq": first_seq[s.id], "first": s.first, "last": s.last,
               "size": s.size, "state": pickle.dumps(s, protocol=pickle.HIGHEST_PROTOCOL)}


def _window_pandas() -> Any:
    def run(pdf: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        pdf = pdf.sort_values("seq")
        dup = pdf["duplicate_of"].where(pdf["duplicate_of"].notna(), None)
        rows = list(cluster_window(zip(pdf["seq"].tolist(), pdf["id"].tolist(), dup.tolist(),
                                       pdf["features"].tolist())))
        window = int(pdf["window"].iloc[0])
        out = pd.DataFrame(rows, columns=["kind", "seq", "story", "window", "first_seq", "first", "last",
                                          "size", "state"])
        out["window"] = window
        return out.astype({"seq": "Int64", "first_seq": "Int64", "size": "Int32", "window": "int64"})

    return run


@dataclass
class WindowStory:
    window: int
    story: Any  # rasid.stories.cluster.Story


def _cosine_below(vec: dict[str, float], s: Any, bound: float) -> bool:
    """Whether ``s.cosine(vec)`` is surely below ``bound``: the same sum over the shared terms
    only (a set intersection instead of a lookup per term), with a margin for the order of
    the additions, so that a candidate the exact score could accept is never skipped."""
    if not s.norm:
        return True
    cent = s.centroid
    return sum(vec[t] * cent[t] for t in vec.keys() & cent.keys()) / s.norm < bound - 1e-9


class _Stitcher:
    """The driver side of story clustering: window stories in date order join an earlier
    window's story or stay their own. Stories dormant for every later window are dropped."""

    def __init__(self) -> None:
        from rasid.stories.cluster import Clusterer

        self.c = Clusterer()
        self.window_of: dict[str, int] = {}
        self.merged: dict[str, str] = {}

    def add(self, ws: WindowStory) -> None:
        from rasid.stories.features import Features

        s = ws.story
        c = self.c
        best: tuple[float, str] | None = None
        if s.norm:
            unit = Features({t: w / s.norm for t, w in s.centroid.items()}, s.surfaces, s.entities, s.names,
                            s.first)

            def skip(sid: str) -> bool:
                # pruned, or split apart by the window's own clustering; or rejected whatever
                # the rest of the score (most candidates)
                return sid not in c.stories or self.window_of[sid] == ws.window or \
                    _cosine_below(unit.vec, c.stories[sid], c.min_cosine)

            best = c.best(unit, skip)
        if best is None:
            c.load(s)
            self.window_of[s.id] = ws.window
            return
        g = c.stories[best[1]]
        # the window story's centroid is a sum of unit vectors, like the story it joins
        whole = Features(s.centroid, s.surfaces, s.entities, s.names, s.first, frozenset(s.name_terms))
        c.grow(g, whole, s.size, (s.first, s.last))
        self.window_of[g.id] = ws.window
        self.merged[s.id] = g.id

    def prune(self, before: str) -> None:
        """Forget the stories whose last article is older than ``before`` (ISO date)."""
        old = [sid for sid, s in self.c.stories.items() if s.last is not None and s.last < before]
        for sid in old:
            del self.c.stories[sid]
            self.window_of.pop(sid, None)


def stitch(stories: Iterable[WindowStory], window_days: int) -> dict[str, str]:
    """Window stories, in (window, first article) order -> {window story id: the story it joined}."""
    import datetime as dt

    from rasid.stories.cluster import DORMANT_DAYS

    st = _Stitcher()
    current: int | None = None
    for ws in stories:
        if ws.window != current:
            current = ws.window
            if window_days and current != UNDATED:
                start = dt.date(1970, 1, 1) + dt.timedelta(days=current * window_days - DORMANT_DAYS - 1)
                st.prune(start.isoformat())
        st.add(ws)
    return st.merged


def stories(df: DataFrame, window_days: int = 30, fetch_all: bool = False) -> tuple[DataFrame, int]:
    """``(seq, id, day, features, duplicate_of, dup_day)`` rows -> ``(seq, story)`` for every
    row, and the number of stories (window stories less those stitched into an earlier one:
    no Spark job counts them).

    An article's window is that of its publication day, a near-duplicate's that of its
    original (``dup_day``): it joins the original's story inside the window, as in the local
    store. ``window_days=0``: one window, the local store's result exactly (one task).
    The window stories come to the driver in date order, a partition at a time; with
    ``fetch_all`` (a small corpus) the window stories and the articles' stories come in one
    job, and the result is a local table (no further job computes it)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    spark = df.sparkSession
    if window_days > 0:
        day = F.when(F.col("duplicate_of").isNotNull(), F.col("dup_day")).otherwise(F.col("day"))
        window = F.coalesce(F.floor(day / F.lit(window_days)), F.lit(UNDATED)).cast("long")
    else:
        window = F.lit(0).cast("long")
    win = (df.select("seq", "id", "duplicate_of", "features", window.alias("window"))
           .groupBy("window").applyInPandas(_window_pandas(), WINDOW_OUT))
    if fetch_all:  # one job: every window's stories and articles
        rows = win.select("kind", "seq", "story", "window", "first_seq", "state").collect()
        local = [(r["seq"], r["story"]) for r in rows if r["kind"] == "a"]
        summaries = sorted((r for r in rows if r["kind"] == "s"), key=lambda r: (r["window"], r["first_seq"]))
        merged = stitch((WindowStory(r["window"], pickle.loads(r["state"])) for r in summaries), window_days)
        art = spark.createDataFrame([(seq, merged.get(story, story)) for seq, story in local], "seq long, story string")
        return art, len(summaries) - len(merged)
    win = win.persist(StorageLevel.MEMORY_AND_DISK)
    n_window = 0

    def window_stories() -> Iterator[WindowStory]:
        nonlocal n_window
        for r in (win.where(F.col("kind") == "s").select("window", "first_seq", "state")
                  .orderBy("window", "first_seq").toLocalIterator(prefetchPartitions=True)):
            n_window += 1
            yield WindowStory(r["window"], pickle.loads(r["state"]))

    merged = stitch(window_stories(), window_days)
    art = win.where(F.col("kind") == "a").select("seq", F.col("story").alias("local"))
    if not merged:
        return art.select("seq", F.col("local").alias("story")), n_window
    m = spark.createDataFrame(list(merged.items()), "local string, merged string")
    art = (art.join(F.broadcast(m) if len(merged) < 200_000 else m, "local", "left")
           .select("seq", F.coalesce("merged", "local").alias("story")))
    return art, n_window - len(merged)
