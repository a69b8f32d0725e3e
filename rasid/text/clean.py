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


@lru_cache(maxsize=1)
def _special() -> re.Pattern[str]:
    # characters that cleaning removes or replaces (not the plain space: it is everywhere)
    cm = charmap()
    return re.compile(f"[{re.escape(''.join(cm['clean_drop']) + ''.join(cm['clean_space']))}&\r]")


def _unchanged(raw: str) -> bool:
    """True when cleaning would only strip the ends: no entity, control or special space,
    no run of spaces, no space at a line edge, no more than one blank line. Checked with
    C-speed substring searches; most news bodies pass, and skip the regex walk."""
    return not ("  " in raw or " \n" in raw or "\n " in raw or "\n\n\n" in raw
                or _special().search(raw))


def clean(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Clean ``raw`` and return ``(text, offset_map)``.

    Removes zero-width and bidi controls, tatweel and soft hyphens; turns NBSP and other
    spaces into one space; collapses runs of spaces; keeps at most one blank line between
    paragraphs; decodes HTML entities; strips the ends. ``offset_map`` is a sorted list of
    ``(clean_start, raw_start)`` breakpoints: an offset ``i`` in the text maps to
    ``raw_start + (i - clean_start)`` for the last breakpoint at or before ``i``.
    """
    if _unchanged(raw):
        text = raw.strip()
        return text, ([(0, len(raw) - len(raw.lstrip()))] if text else [])
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
    """One breakpoint per clean offset, and none where the mapping just goes on (a
    replacement of the same length, such as a newline kept as it was)."""
    res: list[tuple[int, int]] = []
    for c, r in omap:
        if res and res[-1][0] == c:
            res[-1] = (c, r)
            if len(res) > 1 and res[-1][0] - res[-2][0] == res[-1][1] - res[-2][1]:
                res.pop()
        elif res and c - res[-1][0] == r - res[-1][1]:
            continue
        else:
            res.append((c, r))
    return res
