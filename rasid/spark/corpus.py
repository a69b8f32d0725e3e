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

import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

#: the window key of articles without a usable publication day: stitched after every dated window
UNDATED = 1 << 40


def lsh_params(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH uses for this threshold."""
    from datasketch import MinHashLSH

    from rasid.stories.fingerprint import NUM_PERM

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def duplicates(df: DataFrame, threshold: float | None = None, max_rounds: int = 100) -> DataFrame:
    """``(seq, id, sig)`` rows -> ``(seq, duplicate_of, dup_seq)`` for the articles that are
    near-duplicates of an earlier one (the others are absent)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from rasid.stories.fingerprint import NUM_PERM, THRESHOLD

    threshold = THRESHOLD if threshold is None else threshold
    b, r = lsh_params(threshold)
    sigs = df.where(F.col("sig").isNotNull()).select("seq", "id", "sig")
    keys = F.array(*[F.xxhash64(F.lit(i), F.slice("sig", i * r + 1, r)) for i in range(b)])
    bands = sigs.select("seq", F.posexplode(keys).alias("band", "key"))
    a, e = bands.alias("a"), bands.alias("e")
    # LSH candidates: earlier articles sharing a band bucket (what MinHashLSH.query returns)
    pairs = (a.join(e, (F.col("a.band") == F.col("e.band")) & (F.col("a.key") == F.col("e.key"))
                    & (F.col("e.seq") < F.col("a.seq")))
             .select(F.col("a.seq").alias("seq"), F.col("e.seq").alias("cand")).distinct()
             .persist(StorageLevel.MEMORY_AND_DISK))
    nodes = pairs.select("seq").union(pairs.select(F.col("cand").alias("seq"))).distinct().persist()
    s1 = sigs.select("seq", F.col("sig").alias("sig1"))
    s2 = sigs.select(F.col("seq").alias("root"), F.col("sig").alias("sig2"))
    same = F.expr("size(filter(zip_with(sig1, sig2, (x, y) -> x = y), z -> z))")
    # DuplicateIndex.check: groups are stars around their root; an article joins the earliest
    # root of its candidates that it matches itself. root(i) depends on earlier roots only, so
    # iterating from root(x) = x reaches the sequential result (one round per level of depth).
    roots = nodes.select("seq", F.col("seq").alias("root"))
    for _ in range(max_rounds):
        via = pairs.join(roots.select(F.col("seq").alias("cand"), "root"), "cand").select("seq", "root").distinct()
        hit = (via.join(s1, "seq").join(s2, "root").where(same / F.lit(float(NUM_PERM)) >= F.lit(threshold))
               .groupBy("seq").agg(F.min("root").alias("found")))
        new = (nodes.join(hit, "seq", "left").select("seq", F.coalesce("found", "seq").alias("root"))
               .localCheckpoint())
        changed = (new.join(roots.withColumnRenamed("root", "old"), "seq")
                   .where(F.col("root") != F.col("old")).limit(1).count())
        roots = new
        if not changed:
            break
    pairs.unpersist()
    nodes.unpersist()
    ids = sigs.select(F.col("seq").alias("root"), F.col("id").alias("duplicate_of"))
    return (roots.where(F.col("root") != F.col("seq")).join(ids, "root")
            .select("seq", "duplicate_of", F.col("root").alias("dup_seq")))


# -- stories ----------------------------------------------------------------------------

WINDOW_OUT = ("kind string, seq long, story string, window long, first_seq long, first string, "
              "last string, size int, state binary")


def _features(blob: bytes) -> Any:
    """The executors' :class:`rasid.stories.features.Features`, as pickled there (exact, and
    whatever fields the clusterer reads)."""
    return pickle.loads(blob)


def cluster_window(rows: Iterable[tuple[int, str, str | None, bytes]]) -> Iterator[dict[str, Any]]:
    """One window's articles ``(seq, id, duplicate_of, pickled features)`` in input order, through
    the local Clusterer: a row per article (``kind`` "a", story null when it is a duplicate of
    an article outside the window) and one per story (``kind`` "s", with its state)."""
    from rasid.stories.cluster import Clusterer

    c = Clusterer()
    first_seq: dict[str, int] = {}
    for seq, aid, dup, fjs in rows:
        f = _features(fjs)
        if dup and dup not in c.member_story:
            # its original is in another window: it takes the original's story after stitching
            yield {"kind": "a", "seq": seq, "story": None}
            continue
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
            for sid in c.candidates(unit):
                if sid not in c.stories or self.window_of[sid] == ws.window:
                    continue  # pruned, or split apart by the window's own clustering
                sc, cos = c.score(unit, c.stories[sid])
                if cos >= c.min_cosine and sc >= c.threshold and (best is None or sc > best[0]):
                    best = (sc, sid)
        if best is None:
            c.load(s)
            self.window_of[s.id] = ws.window
            return
        g = c.stories[best[1]]
        new_ents = [k for k in s.entities if k not in g.entities]
        # the window story's centroid is a sum of unit vectors, like the story it joins
        whole = Features(s.centroid, s.surfaces, s.entities, s.names, s.first)
        if hasattr(whole, "name_terms"):
            whole.name_terms = frozenset(getattr(s, "name_terms", ()))
        g.absorb(whole)
        g.size += s.size
        g.add_dates(s.first)
        g.add_dates(s.last)
        c.entity_df.update(new_ents)
        c._index(g)
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


def stories(df: DataFrame, window_days: int = 30) -> DataFrame:
    """``(seq, id, day, features, duplicate_of, dup_seq)`` rows -> ``(seq, story)`` for every row.

    ``window_days=0``: one window, the local store's result exactly (one task clusters all)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    spark = df.sparkSession
    if window_days > 0:
        window = F.coalesce(F.floor(F.col("day") / F.lit(window_days)), F.lit(UNDATED)).cast("long")
    else:
        window = F.lit(0).cast("long")
    win = (df.select("seq", "id", "duplicate_of", "features", window.alias("window"))
           .groupBy("window").applyInPandas(_window_pandas(), WINDOW_OUT)
           .persist(StorageLevel.MEMORY_AND_DISK))
    summaries = (win.where(F.col("kind") == "s").orderBy("window", "first_seq")
                 .select("window", "story", "first", "last", "size", "state"))
    merged = stitch((WindowStory(r["window"], pickle.loads(r["state"])) for r in summaries.toLocalIterator()),
                    window_days)
    art = win.where(F.col("kind") == "a").select("seq", F.col("story").alias("local"))
    if merged:
        m = spark.createDataFrame(list(merged.items()), "local string, merged string")
        art = art.join(F.broadcast(m) if len(merged) < 200_000 else m, "local", "left")
        art = art.select("seq", F.coalesce("merged", "local").alias("story"))
    else:
        art = art.select("seq", F.col("local").alias("story"))
    # duplicates of an article in another window: their original's story
    dups = df.where(F.col("dup_seq").isNotNull()).select("seq", "dup_seq")
    orig = art.select(F.col("seq").alias("dup_seq"), F.col("story").alias("orig_story"))
    art = (art.join(dups, "seq", "left").join(orig, "dup_seq", "left")
           .select("seq", F.coalesce("story", "orig_story").alias("story")))
    return art

