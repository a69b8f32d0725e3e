"""Rasid on Apache Spark: the same pipeline and output contract, for corpora beyond one machine.

``rasid spark analyze IN OUT`` (see :mod:`rasid.spark.runner` and docs/spark.md): executors run
:class:`rasid.pipeline.Pipeline` per partition (built once per Python worker), the driver only
plans; the corpus-wide steps (near-duplicates, stories) run as Spark joins and per-window
clustering. Nothing here is imported by the rest of Rasid: pyspark stays optional.
"""

from __future__ import annotations

import shutil

from rasid.errors import RasidError


class SparkUnavailable(RasidError):
    """pyspark or Java is missing."""


def require_spark() -> None:
    """Fail early and clearly when the Spark runner cannot start."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as e:
        raise SparkUnavailable(
            f"the Spark runner needs pyspark and pyarrow ({e.name} is missing): "
            "pip install 'rasid[spark]' (or pip install pyspark pyarrow pandas)") from e
    import os

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable("the Spark runner needs Java 17 or newer: install a JDK or set JAVA_HOME")
