"""``rasid spark analyze IN... OUT``: the pipeline on Apache Spark (see docs/spark.md)."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_REJECTED = 0, 1


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from rasid.cli.main import _published

    sp = sub.add_parser("spark", help="run the pipeline on Apache Spark (local[*], spark://..., yarn): "
                                      "Parquet out, same contract")
    ssub = sp.add_subparsers(dest="spark_command", metavar="SUBCOMMAND", required=True)
    a = ssub.add_parser(
        "analyze", help="analyze JSONL(.gz)/CSV/Parquet articles on Spark; write the contract as typed Parquet",
        description="Analyze articles on Spark: the same pipeline and output contract as `rasid analyze`. "
                    "OUT is a Parquet folder (load it with `rasid ingest OUT`, or query it with DuckDB/pandas); "
                    "records that cannot be read or analyzed go to OUT's sibling .rejects folder with their reason.")
    a.add_argument("paths", nargs="+", metavar="IN", help="input files/folders/globs, any path Spark reads "
                                                          "(file:, hdfs:, s3a:); the last positional is OUT")
    a.add_argument("out", metavar="OUT", help="output Parquet folder, e.g. results.parquet")
    a.add_argument("--master", help="Spark master: local[*], local[2], spark://host:7077, yarn "
                                    "(default: the one spark-submit gives, else local[*])")
    a.add_argument("--partitions", type=int, help="analysis tasks (default: 3 x the cores)")
    a.add_argument("--format", choices=("auto", "jsonl", "csv", "parquet"), default="auto",
                   help="input format (default: from the file names; .jsonl(.gz)/.json are JSON Lines)")
    a.add_argument("--jsonl", action="store_true", help="also write JSON Lines (OUT's sibling .jsonl folder)")
    a.add_argument("--rejects", metavar="PATH", help="rejects folder (default: OUT's sibling .rejects)")
    a.add_argument("--stages", help="comma-separated pipeline stages (default: rasid analyze's)")
    a.add_argument("--no-corpus", action="store_true", help="skip near-duplicates and stories")
    a.add_argument("--story-window-days", type=int, default=30, metavar="N",
                   help="cluster stories in windows of N publication days, then stitch them (default 30; "
                        "0 = one window: exactly the local store's clustering, on one task)")
    a.add_argument("--published", type=_published, metavar="YYYY-MM-DD",
                   help="publication date for inputs that carry none")
    a.add_argument("--batch-size", type=int, default=64, help="articles per pipeline batch (default 64)")
    a.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    a.add_argument("-q", "--quiet", action="store_true", help="no Spark progress on stderr")
    a.set_defaults(func=cmd_spark_analyze)


def cmd_spark_analyze(args: argparse.Namespace) -> int:
    from rasid.spark.runner import analyze, analyze_args, session

    spark = session(args.master, partitions=args.partitions, quiet=args.quiet)
    try:
        res = analyze(spark, args.paths, args.out, **analyze_args(args))
    finally:
        spark.stop()
    print(f"rasid spark: {res.summary()}", file=sys.stderr)
    return EXIT_REJECTED if res.rejected else EXIT_OK
