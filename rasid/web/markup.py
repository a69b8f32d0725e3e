"""Search snippets and annotated article text, built from the REAL article text.

The full-text index holds a normalized, clitic-stripped copy of each article (see
:func:`rasid.store.sqlite.search_key`), so its own ``snippet()`` shows text nobody wrote.
Here the displayed text is tokenized with offsets, each token's search keys are computed
the same way the index computed them, and a token whose keys meet the query's terms is a
match: the highlight lands on the word as written (``وللأمم`` for the query ``الامم``).

Everything from an article is untrusted: HTML is produced only through ``markupsafe.escape``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from rasid.doc import Entity, group_heads
from rasid.store.sqlite import match_expression, search_key

# a word as written: letters/digits plus the marks normalization drops inside a word
# (harakat, superscript alef, Quranic marks) so that a vocalized word stays one token
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")
_TERM = re.compile(r'"([^"]*)"')
_ALNUM_RUN = re.compile(r"[^\W_]+")


def query_terms(query: str) -> frozenset[str]:
    """The index keys a query looks for: every alternative of every term of
    :func:`match_expression` (the same parse the search itself uses)."""
    return frozenset(t.lower() for t in _TERM.findall(match_expression(query)) if t)


@lru_cache(maxsize=262144)
def _token_keys(token: str) -> frozenset[str]:
    # as the index saw the token: search_key, then FTS5 unicode61 splits on non-alnum
    # and folds case
    return frozenset(_ALNUM_RUN.findall(search_key(token).lower()))


def find_matches(text: str, terms: frozenset[str], limit: int = 1000) -> list[tuple[int, int]]:
    """Spans of ``text`` (as written) whose words match one of the query ``terms``."""
    if not terms or not text:
        return []
    out: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if not _token_keys(m.group()).isdisjoint(terms):
            out.append(m.span())
            if len(out) >= limit:
                break
    return out


@dataclass
class Snippet:
    text: str
    #: highlighted spans, offsets into ``text``
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def html(self) -> Markup:
        return highlight_html(self.text, self.highlights)


def make_snippet(text: str, matches: Sequence[tuple[int, int]], width: int = 240) -> Snippet:
    """About ``width`` characters of ``text`` around the densest cluster of matches,
    cut at spaces, with ``…`` where text was left out."""
    if not text:
        return Snippet("")
    if not matches:
        if len(text) <= width:
            return Snippet(text.strip())
        cut = text.rfind(" ", 0, width)
        return Snippet(text[: cut if cut > width // 2 else width].strip() + " …")
    # the match with the most other matches within the next `width` characters
    best, best_n, j = 0, 0, 0
    for i, (s, _) in enumerate(matches):
        while j < len(matches) and matches[j][0] < s + width * 2 // 3:
            j += 1
        if j - i > best_n:
            best, best_n = i, j - i
    anchor = matches[best][0]
    start = max(0, anchor - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    if start > 0:
        sp = text.find(" ", start, anchor)
        start = sp + 1 if sp != -1 else start
    if end < len(text):
        sp = text.rfind(" ", max(anchor, start), end)
        end = sp if sp > anchor else end
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    shift = start + lead
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    hl = [(s - shift + len(prefix), e - shift + len(prefix)) for s, e in matches
          if s >= shift and e <= shift + len(body)]
    # newlines inside a snippet read as one line
    return Snippet(prefix + body.replace("\n", " ") + suffix, hl)


def highlight_html(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """``text`` escaped, with ``spans`` in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for s, e in sorted(spans):
        if s < pos or e <= s:
            continue
        out.append(str(escape(text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


# -- annotated article text -------------------------------------------------------------

@dataclass
class Ann:
    """One highlighted span: rendered as ``<a>`` when it has an href, else ``<span>``."""

    start: int
    end: int
    classes: list[str]
    title: list[str] = field(default_factory=list)
    href: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    #: nesting order for equal starts: lower opens first (outside)
    layer: int = 1


def _merge(anns: list[Ann]) -> list[Ann]:
    # annotations over exactly the same characters (a speaker that is also an entity
    # mention, a place that is a LOC entity) become one element
    by_span: dict[tuple[int, int], Ann] = {}
    for a in anns:
        old = by_span.get((a.start, a.end))
        if old is None:
            by_span[(a.start, a.end)] = Ann(a.start, a.end, list(a.classes), list(a.title), a.href,
                                            dict(a.data), a.layer)
            continue
        old.classes += [c for c in a.classes if c not in old.classes]
        old.title += [t for t in a.title if t not in old.title]
        old.href = old.href or a.href
        for k, v in a.data.items():
            old.data.setdefault(k, v)
        old.layer = min(old.layer, a.layer)
    return list(by_span.values())


def _open_tag(a: Ann, in_link: bool) -> tuple[str, str]:
    tag = "a" if a.href and not in_link else "span"
    attrs = [f'class="{escape(" ".join(a.classes))}"']
    if a.title:
        attrs.append(f'title="{escape(" · ".join(a.title))}"')
    if tag == "a":
        attrs.append(f'href="{escape(a.href)}"')
    for k, v in a.data.items():
        attrs.append(f'data-{escape(k)}="{escape(v)}"')
    return f"<{tag} {' '.join(attrs)}>", f"</{tag}>"


def annotate_html(text: str, anns: Iterable[Ann]) -> Markup:
    """``text`` escaped, with every annotation as an element around its characters.

    Annotations may nest (entities inside a quote) or cross (a date running past the end
    of a quote): an element that must close while an inner one is open closes the inner
    one and reopens it after, so the HTML is always well formed."""
    n = len(text)
    spans = _merge([a for a in anns if 0 <= a.start < a.end <= n])
    spans.sort(key=lambda a: (a.start, -a.end, a.layer))
    bounds = sorted({0, n} | {a.start for a in spans} | {a.end for a in spans})
    starts: dict[int, list[Ann]] = {}
    for a in spans:
        starts.setdefault(a.start, []).append(a)
    out: list[str] = []
    stack: list[tuple[Ann, str]] = []  # open element and its closing tag

    def in_link() -> bool:
        return any(close == "</a>" for _, close in stack)

    for bi, pos in enumerate(bounds):
        if any(a.end == pos for a, _ in stack):
            reopen: list[Ann] = []
            while any(a.end == pos for a, _ in stack):
                a, close = stack.pop()
                out.append(close)
                if a.end != pos:
                    reopen.append(a)
            for a in reversed(reopen):
                op, close = _open_tag(a, in_link())
                out.append(op)
                stack.append((a, close))
        for a in starts.get(pos, ()):
            op, close = _open_tag(a, in_link())
            out.append(op)
            stack.append((a, close))
        if bi + 1 < len(bounds):
            out.append(str(escape(text[pos:bounds[bi + 1]])))
    while stack:
        out.append(stack.pop()[1])
    return Markup("".join(out))


def article_annotations(rec: dict[str, Any], entity_href: Any) -> list[Ann]:
    """The annotations of a contract record: quotes (outer), their cues and speakers,
    entities, dates (resolved value in the title, shown on hover) and places.
    ``entity_href(kb_id, text)`` gives the link of an entity page."""
    anns: list[Ann] = []
    for q in rec.get("quotes") or []:
        sp = q.get("speaker") or None
        who = (sp.get("name") or sp.get("text")) if sp else None
        title = ["اقتباس مباشر" if q.get("kind") == "direct" else "اقتباس غير مباشر"]
        if who:
            title.append(f"المتحدث: {who}")
        if q.get("cue"):
            title.append(f"الفعل: {q['cue']}")
        anns.append(Ann(q["start"], q["end"], ["quote", f"quote-{q.get('kind') or 'direct'}"], title,
                        data={"speaker": who or ""}, layer=0))
        if sp and sp.get("start") is not None and sp.get("end") is not None:
            anns.append(Ann(sp["start"], sp["end"], ["speaker"],
                            [f"متحدث: {sp.get('name') or sp.get('text')}"],
                            href=entity_href(sp.get("id"), sp.get("text") or ""), layer=1))
        if q.get("cue_start") is not None and q.get("cue_end") is not None:
            anns.append(Ann(q["cue_start"], q["cue_end"], ["cue"], [f"فعل القول: {q.get('cue')}"], layer=2))
    ents = rec.get("entities") or []
    # an unlinked mention links to its in-document group's page, keyed (as the store keys it)
    # by the group's fullest mention: "أبو زيد" to the page of "أحمد أبو زيد"
    heads = {k: h.text for k, h in group_heads([
        Entity(e["start"], e["end"], e.get("text") or "", e.get("type") or "MISC", e.get("id"), e.get("name"),
               e.get("group")) for e in ents]).items()}
    for e in ents:
        title = [e.get("type") or ""]
        if e.get("name"):
            title.append(e["name"])
        if e.get("id"):
            title.append(e["id"])
        key_text = heads.get(e.get("group") or "", e.get("text") or "")
        anns.append(Ann(e["start"], e["end"], ["ent", f"ent-{e.get('type') or 'MISC'}"], title,
                        href=entity_href(e.get("id"), key_text), layer=2))
    for d in rec.get("dates") or []:
        value = d.get("value")
        anns.append(Ann(d["start"], d["end"], ["date"] + ([] if value else ["date-unresolved"]),
                        [f"{value or 'غير محدد'} ({d.get('anchor') or ''})"],
                        data={"value": value or ""}, layer=3))
    for p in rec.get("places") or []:
        label = p.get("name") or p.get("text") or ""
        if p.get("country"):
            label += f", {p['country']}"
        anns.append(Ann(p["start"], p["end"], ["place"], [label], layer=3))
    return anns
