"""Cleaning that keeps offsets: the cleaned text plus a map back to the raw body."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from rasid.text.charmap import charmap

_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    cm = charmap()
    drop = "".join(cm["clean_drop"])
    space = "".join(cm["clean_space"])
    return re.compile(
        rf"(?P<ent>{_ENTITY})"
        rf"|(?P<drop>[{re.escape(drop)}]+)"
        rf"|(?P<nl>[ {re.escape(space)}]*(?:\r\n|\r|\n)(?:[ {re.escape(space)}\r\n]*(?:\r\n|\r|\n))?[ {re.escape(space)}]*)"
        rf"|(?P<sp>[ {re.escape(space)}]{{2,}}|[{re.escape(space)}])"
    )


def clean(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Clean ``raw`` and return ``(text, offset_map)``.

    Removes zero-width and bidi controls, tatweel and soft hyphens; turns NBSP and other
    spaces into one space; collapses runs of spaces; keeps at most one blank line between
    paragraphs; decodes HTML entities; strips the ends. ``offset_map`` is a sorted list of
    ``(clean_start, raw_start)`` breakpoints: an offset ``i`` in the text maps to
    ``raw_start + (i - clean_start)`` for the last breakpoint at or before ``i``.
    """
    pat = _pattern()
    out: list[str] = []
    omap: list[tuple[int, int]] = []
    pos = 0  # in raw
    clen = 0  # length of cleaned output so far
    for m in pat.finditer(raw):
        s = m.start()
        if s > pos:
            omap.append((clen, pos))
            seg = raw[pos:s]
            out.append(seg)
            clen += len(seg)
        kind = m.lastgroup
        rep: str
        if kind == "ent":
            rep = html.unescape(m.group())
        elif kind == "drop":
            rep = ""
        elif kind == "nl":
            rep = "\n\n" if m.group().count("\n") + m.group().count("\r") - m.group().count("\r\n") > 1 else "\n"
        else:
            rep = " "
        if rep:
            omap.append((clen, s))
            out.append(rep)
            clen += len(rep)
        pos = m.end()
    if pos < len(raw):
        omap.append((clen, pos))
        out.append(raw[pos:])
    text = "".join(out)
    # strip the ends, shifting the map
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    if lead:
        omap = [(max(c - lead, 0), r + max(lead - c, 0)) for c, r in omap]
    return text, _dedupe(omap)


def _dedupe(omap: list[tuple[int, int]]) -> list[tuple[int, int]]:
    res: list[tuple[int, int]] = []
    for c, r in omap:
        if res and res[-1][0] == c:
            res[-1] = (c, r)
        else:
            res.append((c, r))
    return res
