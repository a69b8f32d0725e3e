"""Per-text annotations built on first use.

The ingest path cleans and stores text and never reads sentences or Token objects; the
analysis stages do. A lazy sequence lets the text stage assign both without paying for
them until a later stage asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar, overload

T = TypeVar("T")


class LazySequence(Sequence[T], Generic[T]):
    """``build(text)`` run on the first access, then an ordinary read-only list."""

    __slots__ = ("_items", "_text")
    build: Callable[[str], list[T]]

    def __init__(self, text: str) -> None:
        self._text = text
        self._items: list[T] | None = None

    def _all(self) -> list[T]:
        if self._items is None:
            self._items = type(self).build(self._text)
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        return self._all()[i]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} items)"
