"""Sentence splitting for Arabic news text, with offsets."""

from __future__ import annotations

import re

from rasid.text.lazy import LazySequence

# End of sentence: . ! ? ؟ (and runs of them / an ellipsis), optionally followed by closing
# quotation marks or brackets, then whitespace. Newlines always end a sentence (news
# paragraphs). A period after a lone letter ("أ.ف.ب", "د. محمد") or between digits is
# not an end. ؛ (semicolon) and ، (comma) never end a sentence: they join clauses.
_END = re.compile(
    r"(?<![\s(\[«\"“.][^\W\d_])"  # not after a one-letter abbreviation
    r"(?:[.!?؟…]+)(?P<close>[\"”»’)\]']*)(?=\s|$)"
    r"|\n+"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence in ``text``; ends exclude trailing space."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end() if m.group().strip() else m.start()
        _add(text, start, end, spans)
        start = m.end()
    if start < n:
        _add(text, start, n, spans)
    return spans


def _add(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


class SentenceList(LazySequence[tuple[int, int]]):
    """The sentence spans of a text, split on first use (the ingest path never needs them)."""

    __slots__ = ()
    build = staticmethod(split_sentences)
