"""``rasid spark analyze``: read articles with Spark, analyze them on the executors, write the
contract as typed Parquet (and optionally JSON Lines), rejects with their reason beside it.

Steps (each timed in :class:`SparkResult`):

1. read: JSONL(.gz) / CSV / Parquet from any path Spark reads (local, HDFS, S3...). Every record
   becomes ``(seq, origin, line)``: input order, ``file:line``, the record as JSON text.
2. analyze: ``mapInArrow`` over evenly repartitioned records; each Python worker builds the
   Pipeline once (:mod:`rasid.spark.worker`). Invalid JSON, empty text and analysis failures
   become reject rows: counted, written to the rejects output, never failing the job.
3. near-duplicates and 4. stories: :mod:`rasid.spark.corpus`.
5. write: contract columns (:data:`rasid.spark.schema.CONTRACT`) in input order.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rasid.errors import RasidError
from rasid.pipeline import DEFAULT_STAGES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FORMATS = ("jsonl", "csv", "parquet")
#: JVM options of a local[N] session (the driver's JVM is the executor): C1 JIT only
LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1"
#: up to this many analyzed articles, the corpus columns are broadcast (see analyze)
BROADCAST_ARTICLES = 500_000
#: up to this many analyzed articles, the corpus steps fetch their per-article keys (200 bytes)
#: and the window stories (a few KB each) at once rather than through shuffles and sorts
SMALL_CORPUS = 20_000


@dataclass
class SparkResult:
    out: str
    rejects: str
    jsonl: str | None = None
    read: int = 0
    analyzed: int = 0
    rejected: int = 0
    duplicates: int = 0
    stories: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    #: CPU seconds the Python workers spent in the analyze step (all cores together)
    worker_cpu: float = 0.0

    def summary(self) -> str:
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        return (f"{self.read} records read, {self.analyzed} analyzed, {self.rejected} rejected"
                f"{f' (reasons in {self.rejects})' if self.rejected else ''}, {self.duplicates} near-duplicates, "
                f"{self.stories} stories; wrote {self.out}{f' and {self.jsonl}' if self.jsonl else ''} ({steps})")


def session(master: str | None = None, *, partitions: int | None = None, quiet: bool = False,
            conf: dict[str, str] | None = None) -> SparkSession:
    """The SparkSession: ``master`` when given, else the one spark-submit set, else local[*].
    Locally the executors' Python is this interpreter (the one with rasid installed)."""
    from rasid.spark import require_spark

    require_spark()
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    preset = SparkConf()
    master = master or str(preset.get("spark.master", "local[*]"))
    b = SparkSession.builder.appName("rasid").master(master)
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        b = b.config("spark.ui.enabled", "false")
        if not preset.contains("spark.driver.extraJavaOptions") and "spark.driver.extraJavaOptions" not in (conf or {}):
            # the JVM only moves data here (Python does the analysis), but its optimizing JIT
            # compiler spent as much CPU (about 30 s per run) compiling Spark's code paths as
            # the JVM spent running them: the quick compiler alone halves the JVM's CPU
            b = b.config("spark.driver.extraJavaOptions", LOCAL_JVM_OPTIONS)
    if quiet:
        b = b.config("spark.ui.showConsoleProgress", "false")
    for k, v in (conf or {}).items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR" if quiet else "WARN")
    if master.startswith("local") and not preset.contains("spark.sql.shuffle.partitions"):
        # the corpus steps shuffle little: 200 tiny tasks would cost more than the work
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions or 2 * spark.sparkContext.defaultParallelism))
    return spark


def input_format(paths: Sequence[str], fmt: str = "auto") -> str:
    if fmt != "auto":
        return fmt
    kinds = set()
    for p in paths:
        lower = p.lower().rstrip("/")
        for suffix in (".gz", ".bz2", ".zst", ".snappy", ".lz4"):
            lower = lower.removesuffix(suffix)
        kinds.add("csv" if lower.endswith(".csv") else "parquet" if lower.endswith(".parquet") else "jsonl")
    if len(kinds) > 1:
        raise RasidError(f"inputs mix formats ({', '.join(sorted(kinds))}): run one format at a time or give --format")
    return kinds.pop()


#: seq = (rank of the input file << LINE_BITS) + line (or record) number in the file
LINE_BITS = 36


@dataclass
class Records:
    """The input records ``(seq, origin, line)`` and how Spark split them."""

    df: DataFrame
    #: input partitions, and how many of them hold records
    partitions: int
    #: every partition holds a range of seq entirely after the previous partition's
    ordered: bool
    #: no partition holds more than 1.5 x the mean number of records
    balanced: bool


def read_records(spark: SparkSession, paths: Sequence[str], fmt: str) -> Records:
    """``(seq, origin, line)``: every record as JSON text, numbered in input order (files by
    path, then lines: the same whatever the partitioning), with the ``file:line`` it came from
    (record number for CSV/Parquet). Blank lines are skipped."""
    from pyspark.sql import functions as F

    if fmt == "jsonl":
        df = spark.read.text(list(paths)).select(F.col("value").alias("line"), F.col("_metadata.file_path").alias("file"))
    elif fmt == "csv":
        raw = (spark.read.option("header", True).option("multiLine", True).option("escape", '"')
               .option("mode", "PERMISSIVE").csv(list(paths)))
        cols = [c for c in raw.columns]
        df = raw.select(F.to_json(F.struct(*[F.col(f"`{c}`") for c in cols])).alias("line"),
                        F.col("_metadata.file_path").alias("file"))
    elif fmt == "parquet":
        raw = spark.read.parquet(*paths)
        df = raw.select(F.to_json(F.struct(*[F.col(f"`{c}`") for c in raw.columns])).alias("line"),
                        F.col("_metadata.file_path").alias("file"))
    else:
        raise RasidError(f"unknown input format {fmt!r} (one of {', '.join(FORMATS)})")
    # monotonically_increasing_id = (partition << 33) + row in partition: turned into line
    # numbers with one small aggregate (no sort, no shuffle of the texts)
    df = df.withColumn("mid", F.monotonically_increasing_id())
    part, row = F.shiftright("mid", 33), F.col("mid").bitwiseAND(F.lit((1 << 33) - 1))
    counts = (df.select("file", part.alias("part"), row.alias("row")).groupBy("file", "part")
              .agg(F.min("row").alias("first"), F.count(F.lit(1)).alias("n")).collect())
    rank = {f: i for i, f in enumerate(sorted({r["file"] for r in counts}))}
    base: list[tuple[str, int, int, int]] = []
    done: dict[str, int] = {}
    ranges: dict[int, tuple[int, int]] = {}
    rows: dict[int, int] = {}
    for r in sorted(counts, key=lambda r: (r["file"], r["part"])):
        before = done.get(r["file"], 0)
        base.append((r["file"], r["part"], before - r["first"] + 1, rank[r["file"]] << LINE_BITS))
        done[r["file"]] = before + r["n"]
        lo = (rank[r["file"]] << LINE_BITS) + before + 1
        old = ranges.get(r["part"], (lo, lo + r["n"] - 1))
        ranges[r["part"]] = (min(old[0], lo), max(old[1], lo + r["n"] - 1))
        rows[r["part"]] = rows.get(r["part"], 0) + r["n"]
    spans = [ranges[p] for p in sorted(ranges)]
    ordered = all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
    balanced = bool(rows) and max(rows.values()) <= 1.5 * sum(rows.values()) / len(rows)
    offsets = spark.createDataFrame(base or [("", 0, 0, 0)], "ofile string, opart long, offset long, obase long")
    df = df.join(F.broadcast(offsets), (F.col("file") == F.col("ofile")) & (part == F.col("opart")), "left")
    line_no = row + F.col("offset")
    name = F.regexp_replace(F.col("file"), "^file:(//)?(?=/)", "")
    sep = F.lit(":" if fmt == "jsonl" else "#")
    origin = F.concat(name, sep, line_no.cast("string"))
    df = (df.where(F.trim("line") != "")
          .select((F.col("obase") + line_no).alias("seq"), origin.alias("origin"), "line"))
    return Records(df, len(rows), ordered, balanced)


def input_bytes(spark: SparkSession, paths: Sequence[str]) -> int | None:
    """Total size of the input files (None when a file system cannot tell)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    total = 0
    try:
        for p in paths:
            path = jvm.org.apache.hadoop.fs.Path(p)
            fs = path.getFileSystem(conf)
            for st in fs.globStatus(path) or []:
                total += fs.getContentSummary(st.getPath()).getLength() if st.isDirectory() else st.getLen()
    except Exception:  # noqa: BLE001 - only a hint for the split size
        return None
    return total


def _exists(spark: SparkSession, path: str) -> bool:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    p = jvm.org.apache.hadoop.fs.Path(path)
    return bool(p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(p))


def _empty_output(spark: SparkSession, path: str) -> None:
    """``path`` as an empty output folder (replacing what was there) with its ``_SUCCESS`` marker."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    p = jvm.org.apache.hadoop.fs.Path(path)
    fs = p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if fs.exists(p):
        fs.delete(p, True)
    fs.mkdirs(p)
    fs.create(jvm.org.apache.hadoop.fs.Path(p, "_SUCCESS"), True).close()


def sibling(out: str, suffix: str) -> str:
    """``x.parquet`` -> ``x.<suffix>``: where the JSONL and rejects outputs go by default."""
    base = out.rstrip("/")
    return (base.removesuffix(".parquet") if base.endswith(".parquet") else base) + "." + suffix


def analyze(spark: SparkSession, paths: Sequence[str], out: str, **kw: Any) -> SparkResult:
    """Run the job (see the module doc and :func:`_analyze` for the options); the session's
    split size, set for the input, is restored afterwards."""
    key = "spark.sql.files.maxPartitionBytes"
    before = spark.conf.get(key, None)
    try:
        return _analyze(spark, paths, out, **kw)
    finally:
        if before is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, before)


def _analyze(spark: SparkSession, paths: Sequence[str], out: str, *,
            stages: Sequence[str] = DEFAULT_STAGES, partitions: int | None = None, fmt: str = "auto",
            jsonl: bool = False, rejects: str | None = None, corpus: bool = True, window_days: int = 30,
            published: str | None = None, overwrite: bool = False, batch_size: int = 64) -> SparkResult:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import to_arrow_schema

    from rasid.pipeline import Pipeline
    from rasid.spark import corpus as corpus_steps
    from rasid.spark.schema import ANALYZED, CONTRACT_FIELDS
    from rasid.spark.worker import arrow_mapper

    Pipeline.check_order(_Order(stages))  # type: ignore[arg-type]  # fail here, not on every executor
    fmt = input_format(paths, fmt)
    res = SparkResult(out=out, rejects=rejects or sibling(out, "rejects"), jsonl=sibling(out, "jsonl") if jsonl else None)
    targets = [p for p in (res.out, res.rejects, res.jsonl) if p]
    if not overwrite:
        for p in targets:
            if _exists(spark, p):
                raise RasidError(f"{p} exists: give another output path, or --overwrite to replace it")
    mode = "overwrite"
    t = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal t
        now = time.perf_counter()
        res.seconds[step] = round(now - t, 2)
        t = now

    n_parts = partitions or 3 * spark.sparkContext.defaultParallelism
    # files that can be split are read in about n_parts splits of equal size (so balanced by
    # text length): then no shuffle precedes the analysis
    size = input_bytes(spark, paths)
    if size:
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(max(64 * 1024, -(-size // n_parts))))
    records = read_records(spark, paths, fmt)
    lap("read")
    cpu = spark.sparkContext.accumulator(0.0)
    mapper = arrow_mapper(to_arrow_schema(ANALYZED), cpu=cpu, stages=tuple(stages), fmt=fmt, published=published,
                          corpus=corpus, batch_size=batch_size)
    # each analysis task takes a consecutive range of input order, so the write needs no
    # shuffle: the input partitions themselves when they are that and balanced, else ranges
    # of equal counts
    source = records.df
    if not (records.ordered and records.balanced and records.partitions >= n_parts):
        source = source.repartitionByRange(n_parts, "seq")
    analyzed = source.mapInArrow(mapper, ANALYZED).persist(StorageLevel.MEMORY_AND_DISK)
    for r in analyzed.groupBy(F.col("reject").isNull().alias("ok")).count().collect():
        if r["ok"]:
            res.analyzed = r["count"]
        else:
            res.rejected = r["count"]
    res.read = res.analyzed + res.rejected
    lap("analyze")
    # the per-article corpus columns (seq, story: ~30 bytes) are broadcast to the analyzed
    # partitions up to this size; beyond, they are joined by a shuffle and the rows re-ranged
    broadcast = res.analyzed <= BROADCAST_ARTICLES
    # a small corpus: the band keys and the window stories come to the driver at once
    small_corpus = res.analyzed <= SMALL_CORPUS

    def small(d: DataFrame) -> DataFrame:
        return F.broadcast(d) if broadcast else d

    res.worker_cpu = round(float(cpu.value), 2)
    ok = analyzed.where(F.col("reject").isNull())
    if corpus and res.analyzed:
        dups, n_dups = corpus_steps.duplicates(ok.select("seq", "id", "sig", "day"), small=small_corpus)
        if n_dups is None:  # found by Spark tasks: kept, and counted
            dups = dups.persist(StorageLevel.MEMORY_AND_DISK)
            n_dups = dups.count()
        res.duplicates = n_dups
        lap("near-duplicates")
        base = ok.select("seq", "id", "day", "features").join(dups.drop("dup_seq"), "seq", "left")
        st, res.stories = corpus_steps.stories(base, window_days, fetch_all=small_corpus)
        lap("stories")
        final = (ok.drop("duplicate_of", "story")
                 .join(small(dups.select("seq", "duplicate_of")), "seq", "left").join(small(st), "seq", "left"))
    else:
        final = ok
    # the analyzed partitions are consecutive ranges of seq: with the corpus columns
    # broadcast, each is written as it is, sorted (no shuffle of the analyzed rows)
    ordered = (final if broadcast else final.repartitionByRange(n_parts, "seq")).sortWithinPartitions("seq")
    ordered = ordered.select(*CONTRACT_FIELDS)
    if res.jsonl:  # both outputs from one computed, ordered copy
        ordered = ordered.persist(StorageLevel.MEMORY_AND_DISK)
    ordered.write.mode(mode).parquet(res.out)
    if res.jsonl:
        ordered.write.mode(mode).option("ignoreNullFields", "false").json(res.jsonl)
        ordered.unpersist()
    if res.rejected:
        (analyzed.where(F.col("reject").isNotNull()).orderBy("seq")
         .select("origin", F.col("reject").alias("reason"), "raw").coalesce(1)
         .write.mode(mode).option("ignoreNullFields", "false").json(res.rejects))
    else:  # an empty rejects folder, as Spark writes it, without a job
        _empty_output(spark, res.rejects)
    lap("write")
    analyzed.unpersist()
    return res


class _Order:
    """Enough of a Pipeline for ``Pipeline.check_order`` (no stage is built on the driver)."""

    def __init__(self, stages: Sequence[str]) -> None:
        from rasid import registry

        self.infos = [registry.get(n) for n in stages]


def analyze_args(args: Any) -> dict[str, Any]:
    """The keyword arguments of :func:`analyze` from parsed CLI options."""
    return {"stages": args.stages.split(",") if args.stages else DEFAULT_STAGES, "partitions": args.partitions,
            "fmt": args.format, "jsonl": args.jsonl, "rejects": args.rejects, "corpus": not args.no_corpus,
            "window_days": args.story_window_days, "published": args.published, "overwrite": args.overwrite,
            "batch_size": args.batch_size}
