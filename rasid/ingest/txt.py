"""Plain-text articles: title, section label, photo caption and outlet line detection.

Layout seen in real pasted news (the seeds): a headline line, a section label
("عربي ودولي"), a photo caption repeated twice, then the body; or a body whose last
line is the outlet's name alone. Those lines land in ``title``, ``meta.section``,
``meta.caption`` and ``source``, never in the body.
"""

from __future__ import annotations

import re

from rasid.doc import Article

_END_PUNCT = re.compile(r"[.!?؟:،,;؛]\s*$")


def _words(line: str) -> int:
    return len(line.split())


def parse_txt(text: str, *, origin: str, published: str | None = None) -> Article:
    lines: list[tuple[int, int, str]] = []  # (start, end, stripped) of non-blank lines
    pos = 0
    for raw_line in text.splitlines(keepends=True):
        s = raw_line.strip()
        if s:
            start = pos + raw_line.index(s[0])
            lines.append((start, start + len(s), s))
        pos += len(raw_line)
    meta: dict[str, str] = {}
    title = source = None
    i, j = 0, len(lines)
    if j >= 2:
        first = lines[0][2]
        nxt_blank = text[lines[0][1]:lines[1][0]].count("\n") >= 2
        short_next = _words(lines[1][2]) <= 6
        if _words(first) <= 25 and not first.endswith(".") and (nxt_blank or short_next):
            title = first
            i = 1
    # short label lines after the title: a repeated one is a photo caption, else a section
    while i < j - 1 and _words(lines[i][2]) <= 5 and not _END_PUNCT.search(lines[i][2]):
        s = lines[i][2]
        if i + 1 < j and lines[i + 1][2] == s:
            meta["caption"] = s
            i += 2
        elif title is not None and "section" not in meta:
            meta["section"] = s
            i += 1
        else:
            break
    # the outlet's name alone on the last line
    if j - i >= 2:
        last = lines[j - 1][2]
        if _words(last) <= 3 and not _END_PUNCT.search(last) and not re.search(r"\d", last):
            source = last
            j -= 1
    body = text[lines[i][0]:lines[j - 1][1]] if i < j else ""
    return Article(body=body, title=title, source=source, published=published, meta=meta,
                   raw=text, format="txt", origin=origin,
                   body_offset=lines[i][0] if i < j else 0)
