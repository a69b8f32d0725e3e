"""The output contract (docs/output-contract.md) as a typed Spark schema, and Doc -> row.

A field added to the contract (or to a stage's items) must be added here too: the typed schema
keeps only the fields it names (tests/test_spark.py compares whole records with ``rasid analyze``).
Every contract field has its own column type, so Parquet readers (Spark, DuckDB, pandas,
``rasid ingest``) see ``entities`` as ``array<struct<start:int, ...>>``, not a JSON string.
``meta`` (unknown input fields) is ``map<string,string>``: non-string values are JSON-encoded.
"""

from __future__ import annotations

import json
from typing import Any

from pyspark.sql import types as T

S, I, D, B, L = T.StringType(), T.IntegerType(), T.DoubleType(), T.BooleanType(), T.LongType()  # noqa: E741 - one-letter Spark type names keep the schema table readable


def _struct(*fields: tuple[str, T.DataType]) -> T.StructType:
    return T.StructType([T.StructField(n, t, True) for n, t in fields])


SPAN = _struct(("start", I), ("end", I), ("text", S))
MENTION = _struct(("text", S), ("start", I), ("end", I), ("id", S), ("name", S))
ENTITY = _struct(("start", I), ("end", I), ("text", S), ("type", S), ("id", S), ("name", S), ("group", S))
QUOTE = _struct(("start", I), ("end", I), ("content", S), ("kind", S), ("cue", S), ("speaker", MENTION),
                ("cue_start", I), ("cue_end", I))
DATE = _struct(("start", I), ("end", I), ("text", S), ("value", S), ("anchor", S))
PLACE = _struct(("start", I), ("end", I), ("text", S), ("name", S), ("id", S), ("lat", D), ("lon", D),
                ("country", S))
EVENT = _struct(("type", S), ("trigger", SPAN), ("actor", MENTION), ("target", MENTION),
                ("date", _struct(("value", S), ("source", S), ("start", I), ("end", I), ("text", S))),
                ("place", _struct(("text", S), ("start", I), ("end", I), ("name", S), ("id", S), ("lat", D),
                                  ("lon", D), ("country", S))),
                ("negated", B), ("quote", I))  # quote: index into the article's quotes, or null
#: a nationality adjective linked to its country (the nationalities stage)
NATIONALITY = _struct(("start", I), ("end", I), ("text", S), ("id", S), ("name", S), ("country", S))

#: one analyzed article, in the order of ``Doc.to_dict``
CONTRACT = _struct(
    ("id", S), ("title", S), ("source", S), ("url", S), ("published", S), ("published_inferred", B),
    ("text", S), ("entities", T.ArrayType(ENTITY)), ("quotes", T.ArrayType(QUOTE)),
    ("dates", T.ArrayType(DATE)), ("places", T.ArrayType(PLACE)), ("events", T.ArrayType(EVENT)),
    ("title_entities", T.ArrayType(ENTITY)), ("nationalities", T.ArrayType(NATIONALITY)),
    ("story", S), ("duplicate_of", S), ("author", S), ("meta", T.MapType(S, S)),
)
CONTRACT_FIELDS: tuple[str, ...] = tuple(CONTRACT.fieldNames())

#: what the executors emit: the contract plus bookkeeping for rejects and the corpus steps
ANALYZED = T.StructType([
    T.StructField("seq", L, False),          # input order: the order the local store would see
    T.StructField("origin", S, True),        # file:line of the input record
    T.StructField("reject", S, True),        # why the record was rejected (null when analyzed)
    T.StructField("raw", S, True),           # the input line, for rejected records only
    T.StructField("sig", T.ArrayType(L), True),  # MinHash signature (near-duplicates), null if too short
    T.StructField("day", I, True),           # publication day (days since 1970-01-01): story windows
    T.StructField("features", T.BinaryType(), True),  # story-clustering Features, pickled (internal)
    *CONTRACT.fields,
])

#: the input rows the executors read: one record as a JSON string, numbered
INPUT = _struct(("seq", L), ("origin", S), ("line", S))


def contract_row(rec: dict[str, Any]) -> dict[str, Any]:
    """A ``Doc.to_dict()`` record shaped for :data:`CONTRACT` (extra keys are ignored by Arrow)."""
    meta = rec.get("meta") or {}
    row = dict(rec)
    row["meta"] = {str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
                   for k, v in meta.items() if v is not None}
    return row
