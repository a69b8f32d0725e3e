"""Word tokens with offsets, in the ANERcorp convention (clitics attached to the word,
punctuation separate), plus the heuristic proclitic length of each word."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import overload

from rasid.doc import Token

# a word: letters/marks/digits (Arabic or Latin) possibly joined by internal ' or . in
# numbers (3.5, 1,000); everything else non-space is a one-character token.
_TOKEN = re.compile(r"\d+(?:[.,٫٬]\d+)*|[^\W\d_](?:[^\W_]|[\u064b-\u065f\u0670])*|\S", re.UNICODE)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    return [Token(m.start(), m.end(), m.group())
            for m in _TOKEN.finditer(text, start, len(text) if end is None else end)]


class TokenList(Sequence[Token]):
    """The tokens of a text, built on first use: counting them (``len``) is cheap, so the
    ingest path that only stores clean text never pays for Token objects."""

    __slots__ = ("_text", "_items", "_n")

    def __init__(self, text: str) -> None:
        self._text = text
        self._items: list[Token] | None = None
        self._n: int | None = None

    def _all(self) -> list[Token]:
        if self._items is None:
            self._items = tokenize(self._text)
        return self._items

    def __len__(self) -> int:
        if self._items is not None:
            return len(self._items)
        if self._n is None:
            self._n = len(_TOKEN.findall(self._text))
        return self._n

    @overload
    def __getitem__(self, i: int) -> Token: ...

    @overload
    def __getitem__(self, i: slice) -> list[Token]: ...

    def __getitem__(self, i: int | slice) -> Token | list[Token]:
        return self._all()[i]

    def __iter__(self) -> Iterator[Token]:
        return iter(self._all())

    def __repr__(self) -> str:
        return f"TokenList({len(self)} tokens)"
