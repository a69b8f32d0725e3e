"""Word tokens with offsets, in the ANERcorp convention (clitics attached to the word,
punctuation separate), plus the heuristic proclitic length of each word."""

from __future__ import annotations

import re

from rasid.doc import Token
from rasid.text.normalize import strip_clitics

# a word: letters/marks/digits (Arabic or Latin) possibly joined by internal ' or . in
# numbers (3.5, 1,000); everything else non-space is a one-character token.
_TOKEN = re.compile(r"\d+(?:[.,٫٬]\d+)*|[^\W\d_](?:[^\W_]|[\u064b-\u065f\u0670])*|\S", re.UNICODE)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    toks: list[Token] = []
    append = toks.append
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        w = m.group()
        append(Token(m.start(), m.end(), w, strip_clitics(w) if len(w) > 3 else 0))
    return toks


def token_spans(text: str) -> list[tuple[int, int]]:
    """Just the ``(start, end)`` of each token: the fast path for counting and search."""
    return [m.span() for m in _TOKEN.finditer(text)]
