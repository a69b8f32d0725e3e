"""Polite, bounded HTTP for the monitor (httpx).

- a clear User-Agent; robots.txt (urllib.robotparser) checked before every page, with its
  Crawl-delay honoured;
- per-host concurrency cap and minimum delay between requests (:class:`HostLimiter`, a
  non-blocking gate the scheduler asks, so a slow host never ties up the workers);
- a timeout on the whole response (not only per read), a maximum body size (counted after
  decompression, so a gzip bomb stops at the limit too);
- only http(s); redirects followed by hand, each hop checked against the address policy of
  :mod:`rasid.monitor.urls` and robots.txt;
- failures raised as :class:`FetchError` with a reason and whether retrying may help.
  Retries with backoff are the scheduler's job (:mod:`rasid.monitor.watch`), so that a
  waiting retry holds no thread.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from rasid import __version__
from rasid.monitor.urls import URLError, check_target, origin

USER_AGENT = f"Rasid/{__version__} (+https://example.invalid/rasid)"
#: statuses worth retrying later; any other 4xx/5xx is a permanent failure of that URL
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_REDIRECT = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Politeness:
    """How hard the monitor may pull on other people's servers."""

    user_agent: str = USER_AGENT
    #: seconds for one whole response (connect, headers and body)
    timeout: float = 20.0
    #: extra attempts within one cycle for a transient failure (timeout, 5xx, 429)
    retries: int = 2
    #: seconds before the first in-cycle retry, doubled for each further one
    backoff: float = 2.0
    #: largest body accepted (bytes, after decompression)
    max_bytes: int = 5_000_000
    #: minimum seconds between two request starts to one host (robots Crawl-delay may raise it)
    delay: float = 1.0
    #: requests in flight to one host
    per_host: int = 2
    max_redirects: int = 5
    #: a robots.txt Crawl-delay above this is capped (a site asking for an hour gets this)
    max_crawl_delay: float = 60.0
    #: seconds a fetched robots.txt is trusted
    robots_ttl: float = 6 * 3600.0


class FetchError(Exception):
    """A URL that could not be fetched. ``reason`` is for people; ``transient`` says
    whether trying again later may help; ``retry_after`` is the server's wish (seconds)."""

    def __init__(self, url: str, reason: str, *, transient: bool, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


@dataclass
class Response:
    url: str  #: final URL, after redirects
    status: int
    headers: dict[str, str]
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            k, _, v = part.partition("=")
            if k.strip().lower() == "charset" and v.strip():
                return v.strip().strip("\"'").lower()
        return None


# -- per-host gate --------------------------------------------------------------------
@dataclass
class _Host:
    inflight: int = 0
    next_start: float = 0.0


@dataclass
class HostLimiter:
    """Per-host concurrency cap and minimum delay between request starts. Not blocking:
    the scheduler asks :meth:`ready`, calls :meth:`start` and :meth:`finish`. Used from
    the scheduler's thread only."""

    per_host: int = 2
    delay: float = 1.0
    hosts: dict[str, _Host] = field(default_factory=dict)

    def ready(self, host: str, now: float) -> bool:
        h = self.hosts.get(host)
        return h is None or (h.inflight < self.per_host and now >= h.next_start)

    def wait_time(self, host: str, now: float) -> float:
        h = self.hosts.get(host)
        return 0.0 if h is None else max(0.0, h.next_start - now)

    def start(self, host: str, now: float, delay: float | None = None) -> None:
        h = self.hosts.setdefault(host, _Host())
        h.inflight += 1
        h.next_start = now + (self.delay if delay is None else delay)

    def finish(self, host: str) -> None:
        h = self.hosts[host]
        h.inflight -= 1
        if h.inflight == 0 and h.next_start <= time.monotonic():
            del self.hosts[host]  # keep the table as small as the hosts in flight


# -- robots.txt -----------------------------------------------------------------------
@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    fetched: float
    error: str | None = None  # robots.txt unreachable: nothing allowed until retried


class Fetcher:
    """Thread-safe; one per watch run. ``close()`` when done."""

    def __init__(self, politeness: Politeness | None = None, client: Any = None) -> None:
        import httpx

        self.p = politeness or Politeness()
        self._httpx = httpx
        self.client = client or httpx.Client(
            headers={"User-Agent": self.p.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.p.timeout), follow_redirects=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32), trust_env=False)
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    # -- robots ---------------------------------------------------------------------
    def _robots_for(self, url: str, allowed: frozenset[str]) -> _Robots:
        o = origin(url)
        with self._lock:
            r = self._robots.get(o)
            if r is not None and time.monotonic() - r.fetched < self.p.robots_ttl:
                return r
            lock = self._robots_locks.setdefault(o, threading.Lock())
        with lock:  # one fetch per origin; other workers for that host wait for it
            with self._lock:
                r = self._robots.get(o)
            if r is not None and time.monotonic() - r.fetched < self.p.robots_ttl:
                return r
            r = self._fetch_robots(o + "/robots.txt", allowed)
            with self._lock:
                self._robots[o] = r
            return r

    def _fetch_robots(self, url: str, allowed: frozenset[str]) -> _Robots:
        # RFC 9309: a 4xx means no rules (fetch anything); a 5xx or no answer means
        # assume everything is disallowed, and ask again later.
        now = time.monotonic()
        try:
            resp = self.request(url, allowed, max_bytes=500_000, check_robots=False)
        except FetchError as e:
            if e.status is not None and 400 <= e.status < 500 and e.status != 429:
                return _Robots(None, now)
            return _Robots(None, now - self.p.robots_ttl + 300, error=f"robots.txt unreachable ({e.reason})")
        rp = urllib.robotparser.RobotFileParser(url)
        rp.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        return _Robots(rp, now)

    def robots_allows(self, url: str, allowed: frozenset[str]) -> None:
        r = self._robots_for(url, allowed)
        if r.error:
            raise FetchError(url, r.error, transient=True)
        if r.parser is not None and not r.parser.can_fetch(self.p.user_agent, url):
            raise FetchError(url, "disallowed by robots.txt", transient=False)

    def crawl_delay(self, host_origin: str) -> float | None:
        """The Crawl-delay robots.txt asked of us, when known (capped)."""
        with self._lock:
            r = self._robots.get(host_origin)
        if r is None or r.parser is None:
            return None
        d = r.parser.crawl_delay(self.p.user_agent)
        return None if d is None else min(float(d), self.p.max_crawl_delay)

    # -- requests -------------------------------------------------------------------
    def request(self, url: str, allowed: frozenset[str], *, headers: dict[str, str] | None = None,
                max_bytes: int | None = None, check_robots: bool = True) -> Response:
        """GET ``url``: robots.txt and the address policy checked at every hop, redirects
        followed by hand. Returns a 2xx or 304 response; raises FetchError otherwise."""
        limit = self.p.max_bytes if max_bytes is None else max_bytes
        for _hop in range(self.p.max_redirects + 1):
            try:
                check_target(url, allowed)
            except URLError as e:
                raise FetchError(url, str(e), transient="resolve" in str(e)) from e
            if check_robots:
                self.robots_allows(url, allowed)
            resp = self._get_once(url, headers or {}, limit)
            if resp.status in _REDIRECT:
                loc = resp.headers.get("location")
                if not loc:
                    raise FetchError(url, f"HTTP {resp.status} redirect without a Location", transient=False,
                                     status=resp.status)
                from urllib.parse import urljoin

                target = urljoin(url, loc.strip())
                try:
                    check_target(target, allowed)
                except URLError as e:
                    raise FetchError(url, f"redirect to {target} refused: {e}", transient=False,
                                     status=resp.status) from e
                url = target
                continue
            if resp.status == 304 or 200 <= resp.status < 300:
                return resp
            transient = resp.status in TRANSIENT_STATUS
            raise FetchError(url, f"HTTP {resp.status}", transient=transient, status=resp.status,
                             retry_after=_retry_after(resp.headers.get("retry-after")))
        raise FetchError(url, f"more than {self.p.max_redirects} redirects", transient=False)

    def _get_once(self, url: str, headers: dict[str, str], limit: int) -> Response:
        httpx = self._httpx
        deadline = time.monotonic() + self.p.timeout
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                hdrs = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code in _REDIRECT or r.status_code == 304 or r.status_code >= 400:
                    return Response(str(r.url), r.status_code, hdrs)  # the body is not needed
                size = hdrs.get("content-length", "")
                if size.isdigit() and int(size) > limit:  # compressed size > limit: decoded is too
                    raise FetchError(url, f"page too large ({int(size)} bytes > {limit})", transient=False)
                buf = bytearray()
                for chunk in r.iter_bytes():
                    buf += chunk
                    if len(buf) > limit:
                        raise FetchError(url, f"page too large (over {limit} bytes)", transient=False)
                    if time.monotonic() > deadline:
                        raise FetchError(url, f"timed out after {self.p.timeout:g} s (body too slow)",
                                         transient=True)
                return Response(str(r.url), r.status_code, hdrs, bytes(buf))
        except httpx.TimeoutException as e:
            raise FetchError(url, f"timed out after {self.p.timeout:g} s ({type(e).__name__})",
                             transient=True) from e
        except httpx.DecodingError as e:
            raise FetchError(url, f"cannot decode the response ({e})", transient=False) from e
        except httpx.TransportError as e:
            raise FetchError(url, f"connection failed ({type(e).__name__}: {e})", transient=True) from e
        except httpx.InvalidURL as e:
            raise FetchError(url, f"invalid URL ({e})", transient=False) from e


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    v = value.strip()
    if v.isdigit():
        return float(v)
    try:
        return max(0.0, parsedate_to_datetime(v).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def gunzip(data: bytes, limit: int, url: str) -> bytes:
    """A gzip-compressed file body (sitemap.xml.gz), at most ``limit`` bytes."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as e:
        raise FetchError(url, f"bad gzip data ({e})", transient=False) from e
    if len(out) > limit:
        raise FetchError(url, f"file too large once decompressed (over {limit} bytes)", transient=False)
    return out
