"""What runs on the executors: records -> Articles -> Docs -> contract rows, in Arrow batches.

The Pipeline is built once per Python worker process (``lru_cache``) and reused by every
task that worker runs (Spark reuses Python workers by default), never per article and never
on the driver. A record that cannot be read (invalid JSON, no text) or that makes a stage fail
becomes a reject row with its reason; it never fails the task.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rasid.doc import Article, Doc
from rasid.errors import InputError
from rasid.pipeline import settle_gc

if TYPE_CHECKING:
    import pyarrow as pa

    from rasid.pipeline import Pipeline

#: a record longer than this is rejected (the limit of the local JSONL reader)
MAX_RECORD_CHARS = 5 * 1024 * 1024
#: rejected input kept in the rejects output (the rest is cut: the origin names the record)
MAX_RAW_CHARS = 100_000
#: output rows per Arrow batch: bounds the memory a task holds
ROWS_PER_BATCH = 256
_EPOCH = dt.date(1970, 1, 1)


@lru_cache(maxsize=4)
def pipeline(stages: tuple[str, ...]) -> Pipeline:
    """One Pipeline per worker process and stage list (models load on first use, once)."""
    from rasid.pipeline import Pipeline

    return Pipeline(stages)


def parse_record(line: str, origin: str, fmt: str, published: str | None) -> Article | InputError:
    """One input record (a JSON object as text) to an Article, through the local readers'
    :func:`rasid.ingest.records.from_record`; what cannot be read becomes an InputError."""
    from rasid.ingest import not_arabic
    from rasid.ingest.records import from_record

    if len(line) > MAX_RECORD_CHARS:
        return InputError(origin, f"line too long ({len(line)} characters)")
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as e:
        return InputError(origin, f"invalid JSON ({e.msg} at column {e.colno})")
    try:
        art = from_record(rec, origin=origin, raw=line, fmt=fmt)
    except InputError as e:
        return e
    why = not_arabic(art.body)  # as the local readers (rasid.ingest.read_inputs) do
    if why:
        return InputError(origin, why)
    art.published = art.published or published
    return art


def corpus_columns(doc: Doc) -> dict[str, Any]:
    """What the corpus-wide steps need, computed here while the Doc is in memory: the
    MinHash signature of the text and the story-clustering features."""
    from rasid.stories.features import features
    from rasid.stories.fingerprint import shingles, signature

    sig = signature(shingles(doc.text))
    f = features(doc)
    try:
        day = (dt.date.fromisoformat(f.date[:10]) - _EPOCH).days if f.date else None
    except ValueError:  # a partial date (YYYY-MM): no day, like the clusterer's own reading
        day = None
    return {"sig": None if sig is None else [int(x) for x in sig], "day": day,
            "features": pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL)}


def analyze_rows(rows: Iterable[tuple[int, str, str]], *, stages: tuple[str, ...], fmt: str,
                 published: str | None = None, corpus: bool = True,
                 batch_size: int = 64) -> Iterator[dict[str, Any]]:
    """(seq, origin, line) records to output rows (analyzed or rejected), in any order."""
    from rasid.spark.schema import contract_row

    where: dict[int, tuple[int, str]] = {}  # id(Article) -> (seq, origin)
    rejects: list[dict[str, Any]] = []

    def reject(seq: int, origin: str, reason: str, raw: str) -> dict[str, Any]:
        return {"seq": seq, "origin": origin, "reject": reason, "raw": raw[:MAX_RAW_CHARS]}

    def articles() -> Iterator[Article]:
        for seq, origin, line in rows:
            item = parse_record(line, origin, fmt, published)
            if isinstance(item, InputError):
                rejects.append(reject(seq, origin, item.reason, line))
                continue
            where[id(item)] = (seq, origin)
            yield item

    def on_error(a: Article, e: Exception) -> None:
        seq, origin = where.pop(id(a))
        rejects.append(reject(seq, origin, f"analysis failed ({type(e).__name__}: {e})", a.raw))

    # Pipeline.pipe freezes the models after this worker's first batch (settle_gc)
    for doc in pipeline(stages).pipe(articles(), batch_size=batch_size, on_error=on_error):
        yield from rejects
        rejects.clear()
        seq, origin = where.pop(id(doc.article))
        try:
            row = contract_row(doc.to_dict())
            if corpus:
                row.update(corpus_columns(doc))
        except Exception as e:  # noqa: BLE001 - any failure of one article is its reject, with the reason
            yield reject(seq, origin, f"analysis failed ({type(e).__name__}: {e})", doc.article.raw)
            continue
        row["seq"], row["origin"] = seq, origin
        yield row
    yield from rejects


def arrow_mapper(arrow_schema: pa.Schema, cpu: Any = None,
                 **kw: Any) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function given to ``DataFrame.mapInArrow``: input batches of :data:`INPUT` rows to
    batches of :data:`ANALYZED` rows. ``cpu``, a Spark accumulator, sums the CPU seconds the
    Python workers spent (how busy the cores were: the benchmark reports it)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import time

        t0 = time.process_time()
        yield from _run(batches)
        settle_gc()  # before pyspark's own gc.collect() between tasks, which is then cheap
        if cpu is not None:
            cpu.add(time.process_time() - t0)

    def _run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:

        def records() -> Iterator[tuple[int, str, str]]:
            for b in batches:
                cols = b.to_pydict()
                yield from zip(cols["seq"], cols["origin"], cols["line"])

        out: list[dict[str, Any]] = []
        for row in analyze_rows(records(), **kw):
            out.append(row)
            if len(out) >= ROWS_PER_BATCH:
                yield to_batch(out, arrow_schema)
                out = []
        if out:
            yield to_batch(out, arrow_schema)

    return run


def to_batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Rows to an Arrow batch of ``schema``; a row that does not fit it (a stage returned a
    value of another type) becomes a reject instead of failing the task."""
    import pyarrow as pa

    try:
        return pa.RecordBatch.from_pylist(rows, schema=schema)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        fixed = []
        for row in rows:
            try:
                pa.RecordBatch.from_pylist([row], schema=schema)
                fixed.append(row)
            except (pa.ArrowException, TypeError, ValueError, OverflowError) as e:
                fixed.append({"seq": row["seq"], "origin": row.get("origin"),
                              "reject": f"output does not fit the contract schema ({type(e).__name__}: {e})",
                              "raw": (row.get("text") or "")[:MAX_RAW_CHARS]})
        return pa.RecordBatch.from_pylist(fixed, schema=schema)

