"""Export the store: contract records as JSON Lines, or one table as CSV / Parquet."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

from rasid.store import Store

_COLUMNS = {
    "articles": "id, title, source, url, published, published_inferred, author, n_tokens, format, origin,"
                " duplicate_of, story, text",
    "quotes": 'article_id, start, "end", kind, cue, content, speaker_text, speaker_id, speaker_name',
    "entities": 'article_id, start, "end", type, text, kb_id, name',
    "dates": 'article_id, start, "end", text, value, anchor',
    "places": 'article_id, start, "end", text, name, place_id, lat, lon, country',
}


def export(db: str, fmt: str, table: str, output: str) -> int:
    with Store(db, readonly=True) as store:
        if fmt == "jsonl":
            out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
            n = 0
            try:
                for rec in store.records():
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    n += 1
            finally:
                if out is not sys.stdout:
                    out.close()
            return n
        cur = store.db.execute(f"SELECT {_COLUMNS[table]} FROM {table}")
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    if fmt == "csv":
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")
        try:
            w = csv.writer(out)
            w.writerow(names)
            w.writerows(tuple(r) for r in rows)
        finally:
            if out is not sys.stdout:
                out.close()
        return len(rows)
    return _parquet(names, rows, output)


def _parquet(names: list[str], rows: list[Any], output: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        from rasid.errors import RasidError

        raise RasidError("Parquet export needs pyarrow: pip install 'rasid[parquet]'") from e
    cols = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    pq.write_table(pa.table(cols), output)
    return len(rows)
