"""The polling cycle: poll every source, discover new article URLs, fetch and extract the
pages, analyze and store them as they arrive.

Threads do the waiting (HTTP) and the page extraction; one scheduler thread (the caller's)
owns the store, the pipeline and all decisions:

- jobs wait in per-host queues; a job starts only when its host has a free slot and its
  delay has passed (:class:`~rasid.monitor.fetch.HostLimiter`), so a slow or failing host
  holds at most ``per_host`` workers and never stalls the others;
- a transient failure (timeout, connection error, 429, 5xx) is retried within the cycle
  after a backoff, without holding a thread; what still fails is recorded per URL with its
  reason and a ``retry_at`` (exponential backoff across cycles, then given up);
- a feed answered 304 (ETag / Last-Modified) or with the same bytes as last time costs
  nothing more; a URL whose canonical form was seen is not fetched again; a page whose
  content hash is already stored is recorded as a duplicate without being analyzed.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

from rasid.doc import Article
from rasid.errors import InputError
from rasid.monitor import sources as S
from rasid.monitor.fetch import Fetcher, FetchError, HostLimiter, Politeness, gunzip
from rasid.monitor.sitemap import looks_like_sitemap, parse_sitemap
from rasid.monitor.urls import URLError, allowed_classes, canonicalize, host_of, origin
from rasid.pipeline import DEFAULT_STAGES, Pipeline
from rasid.store import Store

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/html", "text/plain", ""})


@dataclass(frozen=True)
class WatchConfig:
    politeness: Politeness = field(default_factory=Politeness)
    #: threads fetching and extracting (I/O-bound; extraction holds the GIL only in part)
    workers: int = 8
    #: pipeline stages run on each new article
    stages: Sequence[str] = DEFAULT_STAGES
    #: articles analyzed together (they are also analyzed whenever the fetchers go idle)
    batch_size: int = 16
    #: new article URLs fetched per source and cycle (the rest wait, queued, for the next)
    max_new_per_source: int = 200
    #: fetch attempts of one URL, over all cycles, before it is given up
    max_attempts: int = 5
    #: seconds before a failed URL is tried again in a later cycle (doubled each time)
    retry_base: float = 900.0
    #: seconds a source whose poll failed is left alone (doubled for each further failure)
    source_backoff: float = 300.0
    max_backoff: float = 86400.0
    #: child sitemaps of a sitemap index read per poll (newest first)
    sitemap_children: int = 3
    #: a feed item text at least this long stands in for a page with no extractable text
    feed_text_min: int = 400
    #: seconds between two status lines on stderr
    status_every: float = 10.0


@dataclass
class CycleStats:
    sources: int = 0
    polled: int = 0
    unchanged: int = 0
    source_errors: int = 0
    backing_off: int = 0
    items: int = 0
    repeats: int = 0
    queued: int = 0
    retried: int = 0
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.polled}/{self.sources} sources polled ({self.unchanged} unchanged, "
                f"{self.source_errors} failed, {self.backing_off} backing off); {self.items} items, "
                f"{self.queued} new URLs, {self.retried} retries; {self.fetched} pages fetched: "
                f"{self.stored} stored, {self.duplicates} duplicates, {self.failed} failed; "
                f"{self.seconds:.1f} s")


@dataclass
class Job:
    kind: str  # "poll" | "page"
    source: S.Source
    url: str
    canon: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    #: attempts within this cycle so far
    attempt: int = 0
    #: attempts in earlier cycles (from the seen-URL table)
    prior: int = 0

    @property
    def host(self) -> str:
        return host_of(self.url)


@dataclass
class PollResult:
    unchanged: bool
    kind: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    bad_items: int = 0
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    status: int = 200


class Watcher:
    """One per process: ``cycle()`` as often as wanted, then ``close()``."""

    def __init__(self, store: Store, config: WatchConfig | None = None, *,
                 pipeline: Pipeline | None = None, log: Callable[[str], None] | None = None,
                 fetcher: Fetcher | None = None) -> None:
        self.store = store
        self.db = store.db
        self.config = config or WatchConfig()
        self.pipeline = pipeline or Pipeline(self.config.stages)
        self.fetcher = fetcher or Fetcher(self.config.politeness)
        self.log = log or (lambda msg: None)
        self._allowed: dict[str, frozenset[str]] = {}
        self._pool = ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="rasid-fetch")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()
        self.store.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the cycle ------------------------------------------------------------------
    def cycle(self) -> CycleStats:
        cfg = self.config
        st = CycleStats()
        t0 = time.monotonic()
        now = S.utc()
        self._st = st
        self._ready: dict[str, deque[Job]] = {}
        self._delayed: list[tuple[float, int, Job]] = []
        self._seq = itertools.count()
        self._cycle_seen: set[str] = set()
        self._batch: list[tuple[Job, Article]] = []
        self._batch_hashes: set[str] = set()
        self._allowed = {}  # addresses are looked up again each cycle
        srcs = S.list_sources(self.db)
        st.sources = len(srcs)
        by_id = {s.id: s for s in srcs}
        for src in srcs:
            if src.next_poll and src.next_poll > now:
                st.backing_off += 1
                self.log(f"  {self._name(src)}: backing off after {src.consecutive_errors} failed polls "
                         f"(next poll {src.next_poll}): {src.last_error}")
                continue
            self.db.execute("UPDATE sources SET last_new=0 WHERE id=?", (src.id,))
            self._push(Job("poll", src, src.url))
        for seen in S.due_retries(self.db, now, cfg.max_attempts):
            owner = by_id.get(seen.source_id or -1)
            if owner is None or seen.url in self._cycle_seen:
                continue
            self._cycle_seen.add(seen.url)
            st.retried += 1
            self._push(Job("page", owner, seen.fetch_url, canon=seen.url, meta=seen.meta, prior=seen.attempts))
        self.log(f"watch: polling {st.sources - st.backing_off} sources"
                 + (f", retrying {st.retried} URLs" if st.retried else ""))
        try:
            self._run()
        finally:
            self._analyze()
            self.store.flush()
        st.seconds = time.monotonic() - t0
        return st

    def _push(self, job: Job, not_before: float = 0.0) -> None:
        if not_before > time.monotonic():
            heapq.heappush(self._delayed, (not_before, next(self._seq), job))
        else:
            self._ready.setdefault(job.host, deque()).append(job)

    def _run(self) -> None:
        cfg, pol = self.config, self.config.politeness
        limiter = HostLimiter(per_host=pol.per_host, delay=pol.delay)
        inflight: dict[Future[Any], Job] = {}
        last_flush = last_status = time.monotonic()
        while self._ready or self._delayed or inflight:
            now = time.monotonic()
            while self._delayed and self._delayed[0][0] <= now:
                self._push(heapq.heappop(self._delayed)[2])
            # start what the host limits allow, hosts in turn
            for host in list(self._ready):
                if len(inflight) >= cfg.workers:
                    break
                q = self._ready[host]
                started = False
                while q and len(inflight) < cfg.workers and limiter.ready(host, now):
                    job = q.popleft()
                    limiter.start(host, now, self._host_delay(job))
                    inflight[self._pool.submit(self._work, job)] = job
                    started = True
                if not q:
                    del self._ready[host]
                elif started:  # to the back of the line
                    self._ready[host] = self._ready.pop(host)
            # wait for a result, or until a delayed job or a host is due
            timeout = 0.5
            if self._delayed:
                timeout = min(timeout, self._delayed[0][0] - now)
            for host in self._ready:
                timeout = min(timeout, limiter.wait_time(host, now) or 0.5)
            timeout = max(timeout, 0.005)
            if inflight:
                done, _ = wait(list(inflight), timeout=timeout, return_when=FIRST_COMPLETED)
            else:
                time.sleep(timeout)
                done = set()
            for fut in done:
                job = inflight.pop(fut)
                limiter.finish(job.host)
                self._handle(job, fut)
            if len(self._batch) >= cfg.batch_size or (self._batch and not done):
                self._analyze()
            t = time.monotonic()
            if t - last_flush > 2.0:  # readers see progress; a crash loses little
                self.store.flush()
                last_flush = t
            if t - last_status > cfg.status_every:
                st = self._st
                self.log(f"watch: {st.fetched} pages fetched, {st.stored} stored, {st.failed} failed, "
                         f"{sum(len(q) for q in self._ready.values()) + len(self._delayed)} waiting, "
                         f"{len(inflight)} in flight")
                last_status = t

    def _host_delay(self, job: Job) -> float:
        cd = self.fetcher.crawl_delay(origin(job.url))
        return max(self.config.politeness.delay, cd or 0.0)

    # -- worker side (threads: no store, no pipeline) --------------------------------
    def _allowed_for(self, src: S.Source) -> frozenset[str]:
        a = self._allowed.get(src.url)
        if a is None:
            a = self._allowed[src.url] = allowed_classes(src.url)
        return a

    def _work(self, job: Job) -> PollResult | Article:
        return self._poll(job) if job.kind == "poll" else self._page(job)

    def _poll(self, job: Job) -> PollResult:
        src, pol = job.source, self.config.politeness
        allowed = self._allowed_for(src)
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        if src.etag:
            headers["If-None-Match"] = src.etag
        if src.last_modified:
            headers["If-Modified-Since"] = src.last_modified
        resp = self.fetcher.request(src.url, allowed, headers=headers)
        res = PollResult(unchanged=resp.status == 304, status=resp.status,
                         etag=resp.headers.get("etag") or src.etag,
                         last_modified=resp.headers.get("last-modified") or src.last_modified)
        if res.unchanged:
            return res
        body = resp.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, pol.max_bytes, src.url)
        res.content_hash = hashlib.sha1(body).hexdigest()
        if res.content_hash == src.content_hash:
            res.unchanged = True  # no validators from the server, but the same bytes
            return res
        self._parse_listing(src, body, res, allowed)
        return res

    def _parse_listing(self, src: S.Source, body: bytes, res: PollResult, allowed: frozenset[str]) -> None:
        from rasid.ingest.encoding import decode
        from rasid.ingest.web import looks_like_feed, parse_feed

        text, _ = decode(body, src.url)
        if looks_like_feed(text):
            res.kind = "feed"
            for item in parse_feed(text, origin=src.url):
                if isinstance(item, InputError) or not item.url:
                    res.bad_items += 1
                    continue
                res.items.append({"url": item.url, "title": item.title, "published": item.published,
                                  "author": item.author, "outlet": item.source, "summary": item.body})
            return
        if not looks_like_sitemap(text):
            raise InputError(src.url, "neither an RSS/Atom feed nor a sitemap")
        res.kind = "sitemap"
        sm = parse_sitemap(body, origin=src.url)
        maps = [sm]
        if sm.kind == "index":
            children = sorted(sm.children, key=lambda c: c[1] or "", reverse=True)
            maps = []
            for loc, _lastmod in children[:self.config.sitemap_children]:
                r = self.fetcher.request(loc, allowed)
                data = r.body if r.body[:2] != b"\x1f\x8b" else gunzip(r.body, self.config.politeness.max_bytes, loc)
                maps.append(parse_sitemap(data, origin=loc))
        for m in maps:
            for e in m.entries:
                res.items.append({"url": e.loc, "title": e.title, "published": e.publication_date or e.lastmod,
                                  "outlet": e.name, "author": None, "summary": None})

    def _page(self, job: Job) -> Article:
        from rasid.ingest import not_arabic
        from rasid.ingest.encoding import decode
        from rasid.ingest.web import parse_html

        src, meta = job.source, job.meta
        resp = self.fetcher.request(job.url, self._allowed_for(src),
                                    headers={"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"})
        if resp.content_type not in _HTML_TYPES:
            raise FetchError(job.url, f"not an HTML page ({resp.content_type})", transient=False)
        html = None
        if resp.charset:
            try:
                html = resp.body.decode(resp.charset)
            except (LookupError, UnicodeDecodeError):
                html = None  # a wrong charset header: sniff instead
        if html is None:
            html, _ = decode(resp.body, resp.url)
        try:
            art = parse_html(html, origin=resp.url, url=resp.url, published=meta.get("published"))
        except InputError:
            summary = meta.get("summary") or ""
            if len(summary) < self.config.feed_text_min:
                raise
            art = Article(body=summary, url=resp.url, format="feed", origin=resp.url,
                          published=meta.get("published"))
        # the page first; what it lacks, from the feed/sitemap; the outlet a user named wins
        host = host_of(resp.url)
        netloc = urlsplit(resp.url).netloc.lower()
        if art.source and art.source.lower().removeprefix("www.") in {host.removeprefix("www."),
                                                                     netloc.removeprefix("www.")}:
            art.source = None  # trafilatura's stand-in for a missing site name
        listed = meta.get("published")
        if listed and (not art.published or (len(art.published) == 10 and listed.startswith(art.published))):
            art.published = listed  # the listing's timestamp is more precise than the page's date
        art.title = art.title or meta.get("title")
        art.author = art.author or meta.get("author")
        art.source = src.name or art.source or meta.get("outlet") or host
        art.origin = resp.url
        art.meta["monitor"] = {"source": src.url, "listed_url": job.url, "fetched_url": resp.url,
                               "fetched_at": S.utc()}
        why = not_arabic(art.body)  # an outlet's English edition linked from its Arabic feed
        if why:
            raise InputError(resp.url, why)
        return art

    # -- scheduler side --------------------------------------------------------------
    def _handle(self, job: Job, fut: Future[Any]) -> None:
        try:
            result = fut.result()
        except (FetchError, InputError, URLError) as e:
            self._failed(job, e)
            return
        except Exception as e:  # noqa: BLE001  # a bug or an odd input must not end the cycle: record it
            self._failed(job, InputError(job.url, f"unexpected error ({type(e).__name__}: {e})"))
            return
        if job.kind == "poll":
            self._polled(job, result)
        else:
            self._fetched(job, result)

    def _failed(self, job: Job, e: Exception) -> None:
        cfg, pol = self.config, self.config.politeness
        reason = e.reason if isinstance(e, (FetchError, InputError)) else str(e)
        transient = isinstance(e, FetchError) and e.transient
        if transient and job.attempt < pol.retries:
            wait_s = pol.backoff * (2 ** job.attempt)
            ra = e.retry_after if isinstance(e, FetchError) else None
            if ra is None or ra <= 60:
                job.attempt += 1
                self._push(job, time.monotonic() + max(wait_s, ra or 0.0))
                return
        if job.kind == "poll":
            src = job.source
            n = src.consecutive_errors + 1
            self._st.polled += 1
            self._st.source_errors += 1
            S.update_source(self.db, src.id, last_poll=S.utc(), last_status="error", last_error=reason,
                            consecutive_errors=n,
                            next_poll=S.utc(min(cfg.source_backoff * 2 ** (n - 1), cfg.max_backoff)))
            S.bump_source(self.db, src.id, polls=1, errors=1)
            self.log(f"  {self._name(src)}: poll failed: {reason}")
            return
        self._st.failed += 1
        attempts = job.prior + 1
        if attempts >= cfg.max_attempts:
            S.mark_seen(self.db, job.canon, "gave_up", reason=reason)
        else:
            S.mark_seen(self.db, job.canon, "failed", reason=reason,
                        retry_at=S.utc(min(cfg.retry_base * 2 ** (attempts - 1), cfg.max_backoff)))
        self.log(f"  failed {job.url}: {reason}")

    def _polled(self, job: Job, res: PollResult) -> None:
        src, st = job.source, self._st
        st.polled += 1
        values: dict[str, Any] = {"last_poll": S.utc(), "consecutive_errors": 0, "next_poll": None,
                                  "last_error": None, "etag": res.etag, "last_modified": res.last_modified}
        if res.unchanged:
            st.unchanged += 1
            values["last_status"] = "unchanged"
            S.update_source(self.db, src.id, **values)
            S.bump_source(self.db, src.id, polls=1, unchanged=1)
            self.log(f"  {self._name(src)}: unchanged ({'304' if res.status == 304 else 'same content'})")
            return
        values.update(last_status="changed", kind=res.kind, content_hash=res.content_hash,
                      last_items=len(res.items))
        S.update_source(self.db, src.id, **values)
        S.bump_source(self.db, src.id, polls=1)
        new = self._discover(src, res.items)
        st.items += len(res.items)
        self.log(f"  {self._name(src)}: {res.kind}, {len(res.items)} items"
                 + (f" ({res.bad_items} without link or text)" if res.bad_items else "") + f", {new} new URLs")

    def _discover(self, src: S.Source, items: list[dict[str, Any]]) -> int:
        st, cfg = self._st, self.config
        items = sorted(items, key=lambda i: i.get("published") or "", reverse=True)  # newest first
        new = scheduled = 0
        for it in items:
            url = str(it["url"]).strip()
            try:
                canon = canonicalize(url)
            except URLError as e:
                key = url[:2000]
                if key not in self._cycle_seen and S.get_seen(self.db, key) is None:
                    S.queue_seen(self.db, key, url, src.id, {})
                    S.mark_seen(self.db, key, "gave_up", reason=str(e))
                    self.log(f"  bad link in {self._name(src)}: {url}: {e}")
                self._cycle_seen.add(key)
                continue
            if canon in self._cycle_seen:
                st.repeats += 1
                continue
            self._cycle_seen.add(canon)
            seen = S.get_seen(self.db, canon)
            if seen is not None and seen.status != "queued":
                continue  # stored, duplicate, gave up, or failed and not due (due ones are queued)
            meta = {k: it.get(k) for k in ("title", "published", "author", "outlet") if it.get(k)}
            if len(it.get("summary") or "") >= cfg.feed_text_min:
                meta["summary"] = it["summary"]
            if seen is None:
                S.queue_seen(self.db, canon, url, src.id, meta)
                new += 1
            if scheduled < cfg.max_new_per_source:
                self._push(Job("page", src, url, canon=canon, meta=meta, prior=seen.attempts if seen else 0))
                scheduled += 1
        st.queued += new
        return new

    def _fetched(self, job: Job, art: Article) -> None:
        self._st.fetched += 1
        h = art.content_hash()
        if h in self._batch_hashes:
            S.mark_seen(self.db, job.canon, "duplicate", hash=h, reason="same content as another URL of this cycle")
            self._st.duplicates += 1
            return
        row = self.db.execute("SELECT id FROM articles WHERE hash=?", (h,)).fetchone()
        if row is not None:
            S.mark_seen(self.db, job.canon, "duplicate", hash=h, article_id=row[0],
                        reason=f"same content as article {row[0]}")
            self._st.duplicates += 1
            return
        self._batch.append((job, art))
        self._batch_hashes.add(h)

    def _analyze(self) -> None:
        """Run the pipeline on the fetched articles and store them."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        self._batch_hashes = set()
        jobs = {id(a): j for j, a in batch}
        errors: dict[int, Exception] = {}

        def on_error(a: Article, e: Exception) -> None:
            errors[id(a)] = e

        for doc in self.pipeline.pipe([a for _, a in batch], batch_size=len(batch), on_error=on_error):
            job = jobs[id(doc.article)]
            h = doc.article.content_hash()
            if self.store.add(doc):
                S.mark_seen(self.db, job.canon, "stored", hash=h, article_id=doc.id)
                S.bump_source(self.db, job.source.id, articles=1, last_new=1)
                self._st.stored += 1
                self.log(f"  stored {doc.id} {doc.article.source or ''}: {doc.article.title or job.url}")
            else:
                S.mark_seen(self.db, job.canon, "duplicate", hash=h, article_id=doc.id,
                            reason="same content already stored")
                self._st.duplicates += 1
        for key, e in errors.items():
            job = jobs[key]
            self._failed(job, InputError(job.url, f"analysis failed ({type(e).__name__}: {e})"))

    @staticmethod
    def _name(src: S.Source) -> str:
        return src.name or src.url


def stderr_log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
