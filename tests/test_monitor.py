"""The monitor against a local HTTP server on 127.0.0.1 serving the fixture site in
tests/monitor_site/ (feeds, a news sitemap, Arabic article pages) plus pages that misbehave:
slow, 404, 500, too large, redirects (good, to a forbidden address, to file://), a malformed
feed, feeds whose items repeat. No timing assertions."""

from __future__ import annotations

import hashlib
import http.server
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("httpx", reason="the monitor needs httpx (pip install httpx)")

from rasid.cli.main import main
from rasid.monitor import sources as S
from rasid.monitor.fetch import Fetcher, FetchError, HostLimiter, Politeness
from rasid.monitor.sitemap import parse_sitemap
from rasid.monitor.urls import URLError, allowed_classes, canonicalize, check_target
from rasid.monitor.watch import WatchConfig, Watcher
from rasid.store import Store

SITE = Path(__file__).parent / "monitor_site"
LAST_MODIFIED = "Wed, 01 May 2024 00:00:00 GMT"
STAGES = ("text", "dates")
MAX_BYTES = 100_000
GOOD = {"a1", "a2", "a3", "a4", "s1", "s2"}


class Site:
    """The fixture site on 127.0.0.1 with a request log."""

    def __init__(self) -> None:
        self.log: list[tuple[str, dict[str, str], int]] = []
        self.lock = threading.Lock()
        self.overrides: dict[str, bytes] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.handle(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *a: None  # type: ignore[method-assign]  # clients that hang up
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[tuple[str, dict[str, str], int]]:
        with self.lock:
            return [e for e in self.log if e[0].split("?")[0] == path]

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        headers = {k.lower(): v for k, v in h.headers.items()}

        def send(status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                 extra: dict[str, str] | None = None, length: bool = True) -> None:
            with self.lock:
                self.log.append((h.path, headers, status))
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            for k, v in (extra or {}).items():
                h.send_header(k, v)
            if length:
                h.send_header("Content-Length", str(len(body)))
            else:
                h.send_header("Connection", "close")
                h.close_connection = True
            h.end_headers()
            try:
                h.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        if path == "/news/slow.html":
            time.sleep(2.0)
            send(200, (SITE / "news/slow.html").read_bytes())
            return
        if path == "/news/error.html":
            send(500, b"internal error")
            return
        if path == "/news/big.html":
            send(200, b"<html><body>" + "نص طويل جدا. ".encode() * 20_000 + b"</body></html>")
            return
        if path == "/news/big-stream.html":  # no Content-Length: the limit must stop the read
            send(200, b"<html><body>" + "نص طويل جدا. ".encode() * 20_000 + b"</body></html>", length=False)
            return
        if path == "/moved/a3":
            send(301, extra={"Location": "/news/a3.html"})
            return
        if path == "/evil":
            send(302, extra={"Location": "http://169.254.169.254/latest/meta-data/"})
            return
        if path == "/evil-scheme":
            send(302, extra={"Location": "file:///etc/passwd"})
            return
        if path == "/news/copy-of-a1.html":
            path = "/news/a1.html"
        if path in self.overrides:
            body = self.overrides[path]
        else:
            f = SITE / path.lstrip("/")
            if not f.is_file() or ".." in path:
                send(404, b"not found")
                return
            body = f.read_bytes()
        body = body.replace(b"{base}", self.base.encode()).replace(b"{port}", str(self.port).encode())
        ctype = {".xml": "application/xml", ".txt": "text/plain"}.get(Path(path).suffix, "text/html; charset=utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        extra = {}
        if path != "/sitemap.xml":  # the sitemap has only Last-Modified
            extra["ETag"] = etag
        if path != "/feed2.xml":  # feed2 has only an ETag
            extra["Last-Modified"] = LAST_MODIFIED
        if "ETag" in extra and headers.get("if-none-match") == etag:
            send(304, extra=extra, length=False)
            return
        if "ETag" not in extra and "Last-Modified" in extra and headers.get("if-modified-since") == LAST_MODIFIED:
            send(304, extra=extra, length=False)
            return
        send(200, body, ctype, extra)


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def config(**kw: Any) -> WatchConfig:
    pol = Politeness(timeout=0.5, retries=1, backoff=0.05, max_bytes=MAX_BYTES, delay=0.0, per_host=4)
    return WatchConfig(**({"politeness": pol, "workers": 6, "stages": STAGES} | kw))


def add_all(store: Store, site: Site) -> None:
    S.add_source(store.db, site.url("/feed1.xml"), "الوكالة التجريبية")
    S.add_source(store.db, site.url("/feed2.xml"))
    S.add_source(store.db, site.url("/malformed.xml"))
    S.add_source(store.db, site.url("/sitemap.xml"))


def stored(db: str) -> dict[str, dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    out = {}
    for r in con.execute("SELECT * FROM articles"):
        rec = json.loads(r["record"])
        # a1 and its copy under another URL: whichever came first is stored
        # (the URL as the feed gave it may carry a query and a trailing slash: a1.html/?utm_…)
        path = urlsplit(rec["meta"]["monitor"]["fetched_url"]).path.rstrip("/")
        key = Path(path).stem.removeprefix("copy-of-")
        out[key] = dict(r) | {"rec": rec}
    con.close()
    return out


def seen(db: str) -> dict[str, dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = {r["fetch_url"]: dict(r) for r in con.execute("SELECT * FROM seen_urls")}
    con.close()
    return rows


# -- the whole loop -------------------------------------------------------------------
def test_watch_once_then_nothing_new(site: Site, db: str) -> None:
    with Store(db) as store:
        add_all(store, site)
        with Watcher(store, config()) as w:
            st = w.cycle()
    assert st.stored == len(GOOD), st.summary()
    arts = stored(db)
    assert set(arts) == GOOD
    for key, a in arts.items():
        assert len(a["text"]) > 200 and a["title"] and a["published"] and a["source"], key
        assert a["stages"] == ",".join(STAGES)
    # analyzed: the dates stage found the explicit date in the first article
    assert any(d["value"] == "2024-05-05" for d in arts["a1"]["rec"]["dates"])
    # metadata: page first, feed/sitemap for what the page lacks, a named source's outlet wins
    # (a1 is listed by feed1 and the sitemap: either may bring it first)
    assert arts["a2"]["source"] == "الوكالة التجريبية"
    assert arts["a1"]["author"] == "سارة الخطيب"
    assert arts["a1"]["published"].startswith("2024-05-05T")  # the listing's timestamp refines the page date
    assert arts["a2"]["published"].startswith("2024-05-07")  # only the feed has a date
    assert arts["a2"]["author"] == "فريق الاقتصاد"
    assert arts["a3"]["url"].endswith("/news/a3.html")  # followed the redirect
    assert arts["a4"]["source"] == "جريدة المغرب اليوم"  # the page's site name
    assert arts["s2"]["source"] == "وكالة تونس للأنباء"  # the page has none: the sitemap's
    assert arts["s2"]["published"].startswith("2024-04-02")
    assert arts["s2"]["title"] == "تونس تستضيف مؤتمرا إقليميا حول الأمن المائي"

    # each page was fetched once, whatever the repeats and URL variants
    # (a1 is listed as a1.html and as a1.html/?utm_…: whichever variant comes first is fetched)
    assert len(site.hits("/news/a1.html")) + len(site.hits("/news/a1.html/")) == 1
    assert len(site.hits("/news/a4.html")) == 1
    assert len(site.hits("/news/copy-of-a1.html")) == 1
    assert not site.hits("/private/secret.html")  # robots.txt
    assert len(site.hits("/news/error.html")) == 2  # one retry within the cycle

    rows = seen(db)
    def reason(suffix: str) -> str:
        return next(r["reason"] for u, r in rows.items() if u.endswith(suffix))
    assert "timed out" in reason("/news/slow.html")
    assert reason("/news/missing.html") == "HTTP 404"
    assert reason("/news/error.html") == "HTTP 500"
    assert "too large" in reason("/news/big.html")
    assert "too large" in reason("/news/big-stream.html")
    assert "169.254.169.254" in reason("/evil") and "refused" in reason("/evil")
    assert "http(s)" in reason("/evil-scheme")
    assert "robots.txt" in reason("/private/secret.html")
    assert "http(s)" in reason("ftp://files.example.invalid/report.txt")
    dup = [r for u, r in rows.items()
           if u.split("?")[0].rstrip("/").endswith(("/news/a1.html", "/copy-of-a1.html"))]
    assert sorted(r["status"] for r in dup) == ["duplicate", "stored"]
    assert "same content" in next(r["reason"] for r in dup if r["status"] == "duplicate")
    failed = {u for u, r in rows.items() if r["status"] == "failed"}
    assert all(rows[u]["retry_at"] for u in failed)

    with Store(db) as store:
        srcs = {Path(s.url).name: s for s in S.list_sources(store.db)}
    assert srcs["malformed.xml"].last_status == "error" and "malformed" in srcs["malformed.xml"].last_error
    assert sum(s.articles for s in srcs.values()) == len(GOOD)
    assert srcs["feed1.xml"].articles >= 2 and srcs["feed1.xml"].failed_urls >= 7
    assert srcs["sitemap.xml"].kind == "sitemap" and srcs["feed2.xml"].kind == "feed"

    # second run: conditional requests answered 304, nothing fetched, nothing stored
    n_log = len(site.log)
    with Store(db) as store:
        with Watcher(store, config()) as w:
            st2 = w.cycle()
        assert store.count() == len(GOOD)
    assert st2.stored == 0 and st2.fetched == 0 and st2.unchanged == 3, st2.summary()
    second = site.log[n_log:]
    polls = {p: (hd, status) for p, hd, status in second}
    assert polls["/feed1.xml"][0].get("if-none-match") and polls["/feed1.xml"][1] == 304
    assert polls["/feed2.xml"][0].get("if-none-match") and polls["/feed2.xml"][1] == 304
    assert polls["/sitemap.xml"][0].get("if-modified-since") == LAST_MODIFIED and polls["/sitemap.xml"][1] == 304
    assert not [p for p in polls if p.startswith("/news/")]  # failed URLs wait for their retry time
    assert "/malformed.xml" not in polls  # a failing source backs off


def test_new_item_in_a_changed_feed_is_fetched(site: Site, db: str) -> None:
    with Store(db) as store:
        S.add_source(store.db, site.url("/feed2.xml"))
        with Watcher(store, config()) as w:
            assert w.cycle().stored == 2  # a4, a1 (its URL variant and its copy: one article)
            feed = (SITE / "feed2.xml").read_bytes().replace(
                b"<entry>", b'<entry><title>x</title><link href="{base}/news/s1.html"/><id>n</id>'
                            b"<updated>2024-03-13T09:00:00Z</updated><summary>s</summary></entry>\n<entry>", 1)
            site.overrides["/feed2.xml"] = feed
            st = w.cycle()
    assert st.stored == 1 and st.queued == 1, st.summary()
    assert len(site.hits("/news/a4.html")) == 1


def test_failed_url_is_retried_later(site: Site, db: str) -> None:
    with Store(db) as store:
        S.add_source(store.db, site.url("/feed2.xml"))
        site.overrides["/news/a4.html"] = b"<html><body></body></html>"  # nothing to extract yet
        with Watcher(store, config(retry_base=0.0)) as w:
            st = w.cycle()
            assert st.failed == 2 and st.stored == 1  # a1 stored; a4 and the file: redirect failed
            del site.overrides["/news/a4.html"]
            st2 = w.cycle()  # the feed is unchanged (304) but a4's retry is due
        assert st2.retried == 2 and st2.stored == 1, st2.summary()  # a4 now good; file: still refused
        assert S.get_seen(store.db, canonicalize(site.url("/news/a4.html"))).status == "stored"  # type: ignore[union-attr]


def test_a_page_in_another_language_is_refused_with_the_reason(site: Site, db: str) -> None:
    para = ("<p>The foreign ministers of the two countries met in Geneva on Monday and agreed to "
            "resume the talks next month, officials said after the meeting.</p>")
    site.overrides["/news/a4.html"] = (
        "<html lang='en'><head><title>Ministers agree to resume talks</title></head><body><article>"
        f"<h1>Ministers agree to resume talks</h1>{para * 4}</article></body></html>").encode()
    with Store(db) as store:
        S.add_source(store.db, site.url("/feed2.xml"))
        with Watcher(store, config()) as w:
            st = w.cycle()
        assert st.stored == 1, st.summary()  # a1; a4 is English
        row = S.get_seen(store.db, canonicalize(site.url("/news/a4.html")))
    assert row is not None and row.status == "failed" and "not Arabic text" in (row.reason or "")


def test_sitemap_index_is_followed(site: Site, db: str) -> None:
    site.overrides["/sitemap-index.xml"] = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>{base}/sitemap.xml</loc><lastmod>2024-05-05</lastmod></sitemap>"
        b"<sitemap><loc>{base}/missing-sitemap.xml</loc><lastmod>2023-01-01</lastmod></sitemap>"
        b"</sitemapindex>")
    with Store(db) as store:
        S.add_source(store.db, site.url("/sitemap-index.xml"))
        with Watcher(store, config(sitemap_children=1)) as w:
            st = w.cycle()
    assert st.stored == 3, st.summary()  # s1, s2, a1 from the newest child only
    assert not site.hits("/missing-sitemap.xml")


def test_full_pipeline_analyzes(site: Site, db: str) -> None:
    from rasid.pipeline import DEFAULT_STAGES, Pipeline

    try:
        pipeline = Pipeline(DEFAULT_STAGES)
    except Exception as e:  # noqa: BLE001  # a stage still being built: covered by the other tests
        pytest.skip(f"default pipeline unavailable: {e}")
    with Store(db) as store:
        S.add_source(store.db, site.url("/sitemap.xml"))
        with Watcher(store, config(stages=DEFAULT_STAGES), pipeline=pipeline) as w:
            assert w.cycle().stored == 3
    arts = stored(db)
    rec = arts["a1"]["rec"]
    assert rec["entities"] and rec["dates"]
    assert any("الصفدي" in (q["speaker"] or {}).get("text", "") or q["content"] for q in rec["quotes"])


def test_cli_sources_and_watch(site: Site, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "add", site.url("/feed1.xml"), "--name", "الوكالة التجريبية", "--db", db]) == 0
    assert main(["sources", "add", site.url("/malformed.xml"), "--db", db]) == 0
    assert main(["sources", "add", "ftp://example.invalid/feed", "--db", db]) == 2
    opts = ["--db", db, "--stages", "text", "--delay", "0", "--timeout", "0.5", "--retries", "0",
            "--max-bytes", str(MAX_BYTES)]
    capsys.readouterr()
    assert main(["watch", "--once", *opts]) == 0
    err = capsys.readouterr().err
    assert "polling 2 sources" in err and "stored" in err and "HTTP 404" in err and "malformed" in err
    assert main(["sources", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "الوكالة التجريبية" in out and "new articles: 3 last poll, 3 in all" in out
    assert "error (1 in a row)" in out and "failed URLs" in out
    assert main(["sources", "list", "--json", "--db", db]) == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert recs[0]["articles"] == 3 and recs[0]["last_poll"] and recs[1]["errors"] == 1
    assert main(["sources", "failures", "1", "--db", db]) == 0
    assert "HTTP 404" in capsys.readouterr().out
    assert main(["watch", "--once", "-q", *opts]) == 0
    assert capsys.readouterr().err == ""
    assert main(["sources", "remove", "2", "--db", db]) == 0
    assert main(["sources", "remove", "2", "--db", db]) == 2


# -- the parts ------------------------------------------------------------------------
def test_canonicalize() -> None:
    c = canonicalize("HTTP://Example.COM:80/news/خبر/?utm_source=x&b=2&a=1#frag")
    assert c == "http://example.com/news/%D8%AE%D8%A8%D8%B1?a=1&b=2"
    assert canonicalize("http://example.com/news/%d8%ae%d8%a8%d8%b1") == canonicalize("http://example.com/news/خبر/")
    assert canonicalize("https://example.com") == "https://example.com/"
    assert canonicalize("https://example.com:8443/a//b/?fbclid=1") == "https://example.com:8443/a/b"
    for bad in ("ftp://example.com/x", "javascript:alert(1)", "mailto:a@b.c", "http:///nohost"):
        with pytest.raises(URLError):
            canonicalize(bad)


def test_address_policy() -> None:
    local = allowed_classes("http://127.0.0.1:8000/feed.xml")
    public = allowed_classes("http://93.184.216.34/feed.xml")  # an IP literal: no look-up
    check_target("http://127.0.0.1:9/x", local)
    check_target("http://93.184.216.34/x", public)
    for target, allowed in (("http://127.0.0.1/x", public), ("http://[::1]/x", public),
                            ("http://10.1.2.3/x", public), ("http://169.254.169.254/x", local),
                            ("http://192.168.1.1/x", local), ("http://0.0.0.0/x", local),
                            ("file:///etc/passwd", local)):
        with pytest.raises(URLError):
            check_target(target, allowed)


def test_fetcher_refuses_loopback_for_a_public_source(site: Site) -> None:
    f = Fetcher(Politeness(timeout=0.5, delay=0))
    try:
        with pytest.raises(FetchError, match="loopback"):
            f.request(site.url("/news/a1.html"), allowed_classes("http://93.184.216.34/"))
        r = f.request(site.url("/news/a1.html"), allowed_classes(site.base))
        assert r.status == 200 and "الصفدي" in r.body.decode()
        assert site.hits("/news/a1.html")[0][1]["user-agent"].startswith("Rasid/")
        with pytest.raises(FetchError, match="robots.txt") as e:
            f.request(site.url("/private/secret.html"), allowed_classes(site.base))
        assert not e.value.transient
    finally:
        f.close()


def test_host_limiter() -> None:
    lim = HostLimiter(per_host=2, delay=1.0)
    assert lim.ready("a", 0.0)
    lim.start("a", 0.0)
    assert not lim.ready("a", 0.5)  # delay
    assert lim.ready("b", 0.5)  # other hosts are not held up
    lim.start("a", 1.0)
    assert not lim.ready("a", 5.0)  # two in flight
    lim.finish("a")
    assert lim.ready("a", 5.0)


def test_sitemap_parse() -> None:
    sm = parse_sitemap((SITE / "sitemap.xml").read_bytes(), origin="sitemap.xml")
    assert sm.kind == "urlset" and len(sm.entries) == 3
    e = sm.entries[1]
    assert e.name == "وكالة تونس للأنباء" and e.publication_date == "2024-04-02T09:15:00+01:00"
    assert e.title and e.language == "ar"
    idx = parse_sitemap(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
                        b"<loc>http://x/s1.xml</loc><lastmod>2024-05-01</lastmod></sitemap></sitemapindex>", origin="i")
    assert idx.kind == "index" and idx.children == [("http://x/s1.xml", "2024-05-01")]
    from rasid.errors import InputError

    with pytest.raises(InputError):
        parse_sitemap(b"<urlset><url><loc>x</loc>", origin="broken")
    with pytest.raises(InputError):
        parse_sitemap(b"<html/>", origin="html")


def test_sitemap_does_not_expand_entities() -> None:
    sm = parse_sitemap(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                       b'<urlset><url><loc>http://a/&e;</loc></url></urlset>', origin="xxe")
    assert all("root:" not in e.loc for e in sm.entries)


def test_migration_on_fresh_db(tmp_path: Path) -> None:
    db = str(tmp_path / "fresh.db")
    with Store(db) as store:
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert version >= 3 and {"sources", "seen_urls", "articles"} <= tables
    with Store(db) as store:  # reopening applies nothing twice
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == version
