"""Sitemaps as news outlets publish them: ``<urlset>`` with Google News entries
(``<news:news>``: publication name, publication_date, title), plain ``<url><loc>``
entries with ``<lastmod>``, and ``<sitemapindex>`` files pointing at child sitemaps.

Parsed with lxml, entities not resolved and no network access (an XML file from the web
is untrusted input).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rasid.errors import InputError
from rasid.util.dates import parse_published


@dataclass(slots=True)
class SitemapEntry:
    loc: str
    lastmod: str | None = None
    #: from <news:news>
    title: str | None = None
    publication_date: str | None = None
    name: str | None = None  # the publication (outlet) name
    language: str | None = None
    keywords: str | None = None


@dataclass(slots=True)
class Sitemap:
    kind: str  # "urlset" | "index"
    entries: list[SitemapEntry] = field(default_factory=list)
    #: child sitemaps of an index, with their lastmod
    children: list[tuple[str, str | None]] = field(default_factory=list)


def looks_like_sitemap(text: str) -> bool:
    head = text[:2000]
    return "<urlset" in head or "<sitemapindex" in head


def _local(tag: object) -> str:
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def _text(el: object) -> str | None:
    t = getattr(el, "text", None)
    t = t.strip() if t else None
    return t or None


def parse_sitemap(data: bytes | str, *, origin: str) -> Sitemap:
    """Parse a sitemap or sitemap index; raise InputError for what is neither."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, recover=False)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        root = etree.fromstring(raw.lstrip(), parser=parser)
    except etree.XMLSyntaxError as e:
        raise InputError(origin, f"malformed sitemap XML ({e})") from e
    kind = _local(root.tag)
    if kind == "sitemapindex":
        sm = Sitemap("index")
        for child in root:
            if _local(child.tag) != "sitemap":
                continue
            loc = lastmod = None
            for el in child:
                name = _local(el.tag)
                if name == "loc":
                    loc = _text(el)
                elif name == "lastmod":
                    lastmod = parse_published(_text(el))
            if loc:
                sm.children.append((loc, lastmod))
        return sm
    if kind != "urlset":
        raise InputError(origin, f"not a sitemap (root element <{kind}>)")
    sm = Sitemap("urlset")
    for url in root:
        if _local(url.tag) != "url":
            continue
        entry = SitemapEntry(loc="")
        for el in url:
            name = _local(el.tag)
            if name == "loc":
                entry.loc = _text(el) or ""
            elif name == "lastmod":
                entry.lastmod = parse_published(_text(el))
            elif name == "news":
                for n in el.iter():
                    nn = _local(n.tag)
                    if nn == "title":
                        entry.title = _text(n)
                    elif nn == "publication_date":
                        entry.publication_date = parse_published(_text(n))
                    elif nn == "name":
                        entry.name = _text(n)
                    elif nn == "language":
                        entry.language = _text(n)
                    elif nn == "keywords":
                        entry.keywords = _text(n)
        if entry.loc:
            sm.entries.append(entry)
    return sm
