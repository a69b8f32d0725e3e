"""The read -> analyze -> store/print loop shared by ``ingest``, ``analyze`` and ``demo``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from rasid.doc import Article, Doc
from rasid.errors import InputError
from rasid.ingest import read_inputs
from rasid.pipeline import Pipeline
from rasid.store import Store


@dataclass
class RunResult:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    rejected: list[InputError] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)


def run(paths: Iterable[str], pipeline: Pipeline, *, store: Store | None, out: IO[str] | None,
        published: str | None = None, skip_known: bool = False, keep_docs: bool = False,
        quiet: bool = False, batch_size: int = 64, stories: bool = True,
        exclude: Iterable[str] = ()) -> RunResult:
    """``exclude``: files that folders and patterns among ``paths`` must not yield (the output)."""
    res = RunResult()
    tracker = None
    if stories:  # duplicate_of and story, incrementally over what the store holds
        from rasid.stories.tracker import StoryTracker

        tracker = StoryTracker(store)

    def reject(where: str, reason: str) -> None:
        err = InputError(where, reason)
        res.rejected.append(err)
        print(f"rasid: rejected {where}: {reason}", file=sys.stderr)
        if store is not None:
            store.reject(where, reason)

    def articles() -> Iterator[Article]:
        for item in read_inputs(paths, published=published, exclude=exclude):
            if isinstance(item, InputError):
                reject(item.input, item.reason)
                continue
            res.read += 1
            if isinstance(item, Doc):  # already analyzed (a contract record): store it as is
                emit(item)
                continue
            if skip_known and store is not None and store.has_hash(item.content_hash()):
                res.skipped += 1
                continue
            yield item

    def on_error(a: Article, e: Exception) -> None:
        reject(a.origin or a.id or "?", f"analysis failed ({type(e).__name__}: {e})")

    from rasid.cli.progress import progress

    def emit(doc: Doc) -> None:
        if tracker is not None:
            tracker.assign(doc)
        if store is not None:
            if store.add(doc):
                res.stored += 1
                if tracker is not None:
                    tracker.added(doc)
            else:
                res.skipped += 1
                if tracker is not None:
                    tracker.skipped(doc)
        if out is not None:
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False))
            out.write("\n")
        if keep_docs:
            res.docs.append(doc)

    docs = pipeline.pipe(articles(), batch_size=batch_size, on_error=on_error)
    try:
        for doc in progress(docs, quiet=quiet, desc="analyzing"):
            emit(doc)
    finally:
        if tracker is not None:
            tracker.close()
    return res
