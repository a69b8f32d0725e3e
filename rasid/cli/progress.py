"""Progress on stderr for long runs (tqdm), silent with --quiet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], *, quiet: bool, desc: str, unit: str = "article",
             total: int | None = None) -> Iterator[T]:
    if quiet:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, mininterval=0.5,
                    dynamic_ncols=True, leave=False)
