"""Saved HTML pages, RSS/Atom feed files and WARC archives."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from rasid.doc import Article
from rasid.errors import InputError
from rasid.util.dates import parse_published


def parse_html(html: str, *, origin: str, url: str | None = None,
               published: str | None = None, fmt: str = "html") -> Article:
    """Main text and metadata of a news page (trafilatura)."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                           include_comments=False, favor_precision=True)
    if doc is None:
        raise InputError(origin, "no article text found in the HTML page")
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (d.get("text") or "").strip()
    if not body:
        raise InputError(origin, "no article text found in the HTML page")
    title = d.get("title")
    if title and body.startswith(title.strip()):  # the page's <h1> repeats the title
        body = body[len(title.strip()):].lstrip()
    if not body:
        raise InputError(origin, "no article text found in the HTML page (only a title)")
    meta = {k: d[k] for k in ("description", "categories", "tags", "hostname") if d.get(k)}
    return Article(body=body, title=title, source=d.get("sitename"),
                   url=d.get("url") or url,
                   published=parse_published(d.get("date")) or published,
                   author=d.get("author"), meta=meta, raw=html, format=fmt, origin=origin)


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def parse_feed(text: str, *, origin: str) -> Iterator[Article | InputError]:
    """One article per feed item (content, else summary)."""
    import feedparser

    fp: Any = feedparser.parse(text)
    if fp.bozo and not fp.entries:
        raise InputError(origin, f"malformed feed ({fp.bozo_exception})")
    outlet = fp.feed.get("title")
    for n, e in enumerate(fp.entries, 1):
        where = f"{origin}#item{n}"
        content = ""
        if e.get("content"):
            content = e.content[0].get("value", "")
        content = content or e.get("summary", "")
        if "<" in content:
            content = _html_to_text(content)
        if not content.strip():
            yield InputError(where, "feed item has no text")
            continue
        published = None
        for key in ("published", "updated"):
            if e.get(key):
                published = parse_published(e.get(key))
                if published:
                    break
        yield Article(body=content.strip(), title=e.get("title"), id=e.get("id"),
                      source=outlet, url=e.get("link"), published=published,
                      author=e.get("author"), raw=text, format="feed", origin=where)


def _html_to_text(fragment: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(fragment)
    except Exception:  # noqa: BLE001 - lxml raises several types on fragments; keep the raw text then
        return fragment
    for br in root.iter("br", "p", "div", "li"):
        br.tail = "\n" + (br.tail or "")
    return root.text_content()


def parse_warc(data: bytes, *, origin: str) -> Iterator[Article | InputError]:
    """Each HTML response record of a WARC file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from rasid.ingest.encoding import decode

    try:
        for rec in ArchiveIterator(io.BytesIO(data)):
            if rec.rec_type != "response":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            where = f"{origin}#{url}"
            ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
            if "html" not in ctype:
                continue
            payload = rec.content_stream().read()
            try:
                html, _ = decode(payload, where)
                yield parse_html(html, origin=where, url=url, fmt="warc",
                                 published=parse_published(rec.rec_headers.get_header("WARC-Date")))
            except InputError as e:
                yield e
    except ArchiveLoadFailed as e:
        raise InputError(origin, f"not a valid WARC file ({e})") from e
