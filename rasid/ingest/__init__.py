"""Readers: paths, folders, globs and stdin to Articles (or InputErrors, never raised).

``read_inputs`` yields, in order, an :class:`~rasid.doc.Article` for every article found
and an :class:`~rasid.errors.InputError` for every input that could not be read, so that
one bad file never stops the others.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from rasid.doc import ANALYZED_KEYS, Article, Doc, doc_from_record
from rasid.errors import InputError
from rasid.ingest.encoding import decode, looks_binary
from rasid.ingest.records import from_record
from rasid.ingest.txt import parse_txt
from rasid.ingest.web import looks_like_feed, parse_feed, parse_html, parse_warc

#: a single file larger than this is refused (a record-per-line file is streamed instead)
MAX_FILE_BYTES = int(os.environ.get("RASID_MAX_FILE_MB", "32")) * 1024 * 1024
#: one JSONL line / CSV row larger than this is refused
MAX_RECORD_BYTES = 5 * 1024 * 1024

_EXT_FORMAT = {".txt": "txt", ".text": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".json": "json", ".csv": "csv", ".html": "html", ".htm": "html",
               ".xml": "feed", ".rss": "feed", ".atom": "feed", ".warc": "warc",
               ".parquet": "parquet", ".gz": "gz"}

#: an Article to analyze, a Doc already analyzed (a contract record), or an input error
Item = Article | Doc | InputError


def expand_paths(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[str | InputError]:
    """Files of folders (recursively, sorted), glob matches, ``-`` as is. Files found in a
    folder or by a pattern that are one of ``exclude`` (the run's own output file: it would
    read back what it is writing) are left out."""
    skip = {os.path.realpath(x) for x in exclude}

    def found(f: str) -> bool:
        return not skip or os.path.realpath(f) not in skip

    for p in paths:
        if p == "-":
            yield p
            continue
        if any(c in p for c in "*?[") and not os.path.exists(p):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                yield InputError(p, "no file matches this pattern")
            for m in matches:
                if found(m):
                    yield from expand_paths([m], exclude)
            continue
        path = Path(p)
        if path.is_dir():
            # inside folders only files of a known input format (a named file is always read)
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and _known_format(f.name) and found(str(f)):
                    yield str(f)
        elif path.exists():
            yield p
        else:
            yield InputError(p, "no such file or folder")


def read_inputs(paths: Iterable[str], *, published: str | None = None,
                exclude: Iterable[str] = ()) -> Iterator[Item]:
    for p in expand_paths(paths, exclude):
        if isinstance(p, InputError):
            yield p
            continue
        for item in read_path(p, published=published):
            if isinstance(item, Article):
                why = not_arabic(item.body)
                if why:
                    item = InputError(item.origin or p, why)
            yield item


#: below this share of Arabic among a text's letters, it is not an Arabic article
MIN_ARABIC_SHARE = 0.2
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")


def not_arabic(text: str) -> str | None:
    """Why ``text`` is not an Arabic article Rasid can analyze (None when it is): no letters
    at all, or under :data:`MIN_ARABIC_SHARE` of them Arabic (an English or French article in
    a mixed feed). Latin names, acronyms and URLs inside Arabic news stay far above it."""
    letters = len(_LETTER.findall(text))
    arabic = len(_ARABIC_LETTER.findall(text))
    if letters == 0:
        return "no words (the text has no letters)"
    if arabic < MIN_ARABIC_SHARE * letters:
        return (f"not Arabic text ({100 * arabic / letters:.0f}% of its letters are Arabic; "
                "Rasid analyzes Arabic news)")
    return None


def _known_format(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return os.path.splitext(lower)[1] in _EXT_FORMAT or lower.endswith(".warc")


def format_of(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return "warc"
    if lower.endswith(".jsonl.gz"):
        return "jsonl.gz"
    return _EXT_FORMAT.get(os.path.splitext(lower)[1], "txt")


def read_path(path: str, *, published: str | None = None) -> Iterator[Item]:
    """Every article in one file (or ``-``); errors are yielded, not raised."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
            yield from _read_bytes(data, "-", _sniff(data), published)
            return
        fmt = format_of(path)
        if fmt == "parquet":
            yield from _read_parquet(path, published)
            return
        if fmt in ("jsonl", "jsonl.gz"):
            yield from _read_jsonl_file(path, gz=fmt == "jsonl.gz", published=published)
            return
        size = os.path.getsize(path)
        if size == 0:
            raise InputError(path, "empty file")
        if size > MAX_FILE_BYTES and fmt != "warc":
            raise InputError(path, f"file too large ({size / 2**20:.0f} MB; the limit is "
                                   f"{MAX_FILE_BYTES // 2**20} MB per file — split it or use JSONL, which is streamed)")
        with open(path, "rb") as f:
            data = f.read()
        if fmt == "gz":
            import gzip

            data = gzip.decompress(data)
            fmt = format_of(path[:-3])
        yield from _read_bytes(data, path, fmt, published)
    except InputError as e:
        yield e
    except FileNotFoundError:
        yield InputError(path, "file disappeared before it could be read")
    except PermissionError:
        yield InputError(path, "permission denied")
    except IsADirectoryError:
        yield InputError(path, "is a folder")
    except OSError as e:
        yield InputError(path, f"cannot read ({e.strerror or e})")


def _sniff(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"warc/"):
        return "warc"
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed"
    if head.startswith(b"<"):
        return "html"
    return "txt"


def _read_bytes(data: bytes, name: str, fmt: str, published: str | None) -> Iterator[Item]:
    if not data.strip():
        raise InputError(name, "empty file")
    if fmt == "warc":
        yield from parse_warc(data, origin=name)
        return
    text, _enc = decode(data, name)
    if fmt == "jsonl":
        yield from _jsonl_lines(io.StringIO(text), name, published)
    elif fmt == "json":
        yield from _read_json(text, name, published)
    elif fmt == "csv":
        yield from _read_csv(text, name, published)
    elif fmt == "html":
        if looks_like_feed(text):
            yield from parse_feed(text, origin=name)
        else:
            yield parse_html(text, origin=name, published=published)
    elif fmt == "feed":
        if looks_like_feed(text):
            yield from parse_feed(text, origin=name)
        else:
            raise InputError(name, "XML file is not an RSS or Atom feed")
    else:
        if not text.strip():
            raise InputError(name, "empty file (only white space)")
        yield parse_txt(text, origin=name, published=published)


def _read_jsonl_file(path: str, *, gz: bool, published: str | None) -> Iterator[Item]:
    import gzip

    with (gzip.open(path, "rb") if gz else open(path, "rb")) as f:
        head = f.read(4096)
        if not head.strip():
            raise InputError(path, "empty file")
        if looks_binary(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(path, "binary file, not JSON Lines")
        try:
            head.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError as e:
            utf8 = e.start > len(head) - 4  # a character cut at the 4 KB boundary
        if not utf8:  # not UTF-8: decode the whole file with detection
            data = head + f.read()
            text, _ = decode(data, path)
            yield from _jsonl_lines(io.StringIO(text), path, published)
            return
        f.seek(0)
        stream = io.TextIOWrapper(f, encoding="utf-8-sig", errors="strict")
        yield from _jsonl_lines(stream, path, published)


def _jsonl_lines(stream: Iterable[str], name: str, published: str | None) -> Iterator[Item]:
    n = 0
    try:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            where = f"{name}:{n}"
            if len(line) > MAX_RECORD_BYTES:
                yield InputError(where, f"line too long ({len(line)} characters)")
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                yield InputError(where, f"invalid JSON ({e.msg} at column {e.colno})")
                continue
            yield _record_item(rec, where, line.rstrip("\n"), "jsonl", published)
    except UnicodeDecodeError as e:
        yield InputError(f"{name}:{n + 1}", f"invalid UTF-8 text ({e.reason})")


def _record_item(rec: object, where: str, raw: str, fmt: str, published: str | None) -> Item:
    """A raw-input record becomes an Article; an analyzed contract record becomes a Doc."""
    if isinstance(rec, dict) and ANALYZED_KEYS <= rec.keys() and isinstance(rec.get("text"), str):
        try:
            return doc_from_record(rec, origin=where, raw=raw, fmt=fmt)
        except (KeyError, TypeError, ValueError) as e:
            return InputError(where, f"malformed analyzed record ({type(e).__name__}: {e})")
    try:
        art = from_record(rec, origin=where, raw=raw, fmt=fmt)  # type: ignore[arg-type]
    except InputError as e:
        return e
    art.published = art.published or published
    return art


def _read_parquet(path: str, published: str | None) -> Iterator[Item]:
    """Parquet rows (e.g. ``rasid spark analyze`` output): analyzed records load as Docs."""
    try:
        import pyarrow.parquet as pq
    except ImportError as e:
        raise InputError(path, "reading Parquet needs pyarrow: pip install 'rasid[parquet]'") from e
    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises ArrowInvalid/OSError subclasses on bad files
        raise InputError(path, f"not a readable Parquet file ({e})") from e
    n = 0
    for batch in pf.iter_batches(batch_size=1024):
        for rec in batch.to_pylist():
            where = f"{path}#{n}"
            n += 1
            yield _record_item(rec, where, "", "parquet", published)


def _read_json(text: str, name: str, published: str | None) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        # maybe JSON Lines saved as .json
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from _jsonl_lines(io.StringIO(text), name, published)
            return
        raise InputError(name, f"invalid JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    if isinstance(data, dict):
        recs = next((data[k] for k in ("articles", "items", "data") if isinstance(data.get(k), list)), [data])
    elif isinstance(data, list):
        recs = data
    else:
        raise InputError(name, "JSON holds neither an object nor a list of objects")
    for i, rec in enumerate(recs):
        yield _record_item(rec, f"{name}[{i}]", json.dumps(rec, ensure_ascii=False), "json", published)


def _read_csv(text: str, name: str, published: str | None) -> Iterator[Item]:
    csv.field_size_limit(MAX_RECORD_BYTES)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InputError(name, "CSV file has no header row")
    try:
        for row in reader:
            where = f"{name}:{reader.line_num}"
            rec = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            try:
                art = from_record(rec, origin=where, raw=json.dumps(row, ensure_ascii=False), fmt="csv")
            except InputError as e:
                yield e
                continue
            art.published = art.published or published
            yield art
    except csv.Error as e:
        yield InputError(f"{name}:{reader.line_num}", f"malformed CSV ({e})")
