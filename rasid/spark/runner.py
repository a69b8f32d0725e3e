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


def read_records(spark: SparkSession, paths: Sequence[str], fmt: str) -> DataFrame:
    """``(seq, origin, line)``: every record as JSON text, numbered in input order, with the
    ``file:line`` it came from (record number for CSV/Parquet). Blank lines are skipped."""
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
    # monotonically_increasing_id = (partition << 33) + row in partition: ordered, and turned
    # into line numbers with one small aggregate (no sort, no shuffle of the texts)
    df = df.withColumn("seq", F.monotonically_increasing_id())
    part, row = F.shiftright("seq", 33), F.col("seq").bitwiseAND(F.lit((1 << 33) - 1))
    counts = (df.select("file", part.alias("part"), row.alias("row")).groupBy("file", "part")
              .agg(F.min("row").alias("first"), F.count(F.lit(1)).alias("n")).collect())
    base: list[tuple[str, int, int]] = []
    done: dict[str, int] = {}
    for r in sorted(counts, key=lambda r: (r["file"], r["part"])):
        before = done.get(r["file"], 0)
        base.append((r["file"], r["part"], before - r["first"] + 1))
        done[r["file"]] = before + r["n"]
    offsets = spark.createDataFrame(base or [("", 0, 0)], "ofile string, opart long, offset long")
    df = df.join(F.broadcast(offsets), (F.col("file") == F.col("ofile")) & (part == F.col("opart")), "left")
    name = F.regexp_replace(F.col("file"), "^file:(//)?(?=/)", "")
    sep = F.lit(":" if fmt == "jsonl" else "#")
    origin = F.concat(name, sep, (row + F.col("offset")).cast("string"))
    return (df.where(F.trim("line") != "")
            .select("seq", origin.alias("origin"), "line"))


def _exists(spark: SparkSession, path: str) -> bool:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    p = jvm.org.apache.hadoop.fs.Path(path)
    return bool(p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(p))


def sibling(out: str, suffix: str) -> str:
    """``x.parquet`` -> ``x.<suffix>``: where the JSONL and rejects outputs go by default."""
    base = out.rstrip("/")
    return (base.removesuffix(".parquet") if base.endswith(".parquet") else base) + "." + suffix


def analyze(spark: SparkSession, paths: Sequence[str], out: str, *,
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

    records = read_records(spark, paths, fmt)
    n_parts = partitions or 3 * spark.sparkContext.defaultParallelism
    lap("read")
    cpu = spark.sparkContext.accumulator(0.0)
    mapper = arrow_mapper(to_arrow_schema(ANALYZED), cpu=cpu, stages=tuple(stages), fmt=fmt, published=published,
                          corpus=corpus, batch_size=batch_size)
    analyzed = (records.repartition(n_parts).mapInArrow(mapper, ANALYZED)
                .persist(StorageLevel.MEMORY_AND_DISK))
    for r in analyzed.groupBy(F.col("reject").isNull().alias("ok")).count().collect():
        if r["ok"]:
            res.analyzed = r["count"]
        else:
            res.rejected = r["count"]
    res.read = res.analyzed + res.rejected
    lap("analyze")
    res.worker_cpu = round(float(cpu.value), 2)
    (analyzed.where(F.col("reject").isNotNull())
     .select("origin", F.col("reject").alias("reason"), "raw").orderBy("origin").coalesce(1)
     .write.mode(mode).option("ignoreNullFields", "false").json(res.rejects))
    ok = analyzed.where(F.col("reject").isNull())
    if corpus and res.analyzed:
        dups = corpus_steps.duplicates(ok.select("seq", "id", "sig")).persist(StorageLevel.MEMORY_AND_DISK)
        res.duplicates = dups.count()
        lap("near-duplicates")
        base = ok.select("seq", "id", "day", "features").join(dups, "seq", "left")
        st = corpus_steps.stories(base, window_days).persist(StorageLevel.MEMORY_AND_DISK)
        res.stories = st.select("story").distinct().count()
        lap("stories")
        final = (ok.drop("duplicate_of", "story")
                 .join(dups.select("seq", "duplicate_of"), "seq", "left").join(st, "seq", "left"))
    else:
        final = ok
    ordered = final.repartitionByRange(n_parts, "seq").sortWithinPartitions("seq").select(*CONTRACT_FIELDS)
    if res.jsonl:  # both outputs from one computed, ordered copy
        ordered = ordered.persist(StorageLevel.MEMORY_AND_DISK)
    ordered.write.mode(mode).parquet(res.out)
    if res.jsonl:
        ordered.write.mode(mode).option("ignoreNullFields", "false").json(res.jsonl)
        ordered.unpersist()
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
