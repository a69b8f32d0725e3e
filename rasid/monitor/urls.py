"""URL canonicalization and the address policy of the monitor.

Canonical URLs are the keys of the seen-URL table: two links to the same page (a fragment,
``utm_*`` tracking parameters, host case, a default port, a trailing slash, raw vs
percent-encoded Arabic in the path) give one key. The URL actually fetched is the one the
outlet published; only the key is canonical.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

#: query parameters that only track the reader (dropped from the key)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|_ga|igshid|ref_src)$", re.IGNORECASE)
_DEFAULT_PORT = {"http": 80, "https": 443}
_ESCAPE = re.compile(r"%([0-9a-fA-F]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class URLError(ValueError):
    """A URL the monitor will not fetch; ``str(e)`` is the reason."""


def _norm_escapes(part: str, safe: str) -> str:
    # raw non-ASCII (an Arabic slug) -> UTF-8 escapes; %xx upper-cased; escaped
    # unreserved characters decoded (%41 -> A), so every spelling gives one key
    part = quote(part, safe=safe + "%")

    def fix(m: re.Match[str]) -> str:
        b = int(m.group(1), 16)
        return chr(b) if b in _UNRESERVED else "%" + m.group(1).upper()

    return _ESCAPE.sub(fix, part)


def check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _DEFAULT_PORT:
        raise URLError(f"not an http(s) URL ({scheme or 'no scheme'}:)")


def canonicalize(url: str) -> str:
    """The key of a URL: lower-case scheme and host, no default port, no fragment, no
    tracking parameters, sorted query, normalized escapes, no trailing slash (but ``/``)."""
    url = url.strip()
    check_scheme(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise URLError(f"malformed URL ({e})") from e
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise URLError("URL without a host")
    scheme = parts.scheme.lower()
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError as e:
        raise URLError(f"malformed host name ({e})") from e
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORT[scheme]) else f"{host}:{port}"
    path = _norm_escapes(parts.path or "/", "/;:@&=+$,!*'()-._~")
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    q = _norm_escapes(urlencode(query), "=&+;:@,/?!*'()-._~")
    return urlunsplit((scheme, netloc, path, q, ""))


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL (where its robots.txt lives)."""
    p = urlsplit(url)
    return f"{p.scheme.lower()}://{p.netloc.lower()}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# -- address policy -------------------------------------------------------------------
# A fetch may go to a public address. A loopback or private-network address is allowed
# only for a source that itself lives on such an address (a local test server, an
# intranet outlet): a public feed must not make Rasid fetch 127.0.0.1 or 169.254.169.254.
GLOBAL, LOOPBACK, PRIVATE, FORBIDDEN = "global", "loopback", "private", "forbidden"


def address_class(ip: str) -> str:
    a = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped:
        a = a.ipv4_mapped
    if a.is_loopback:
        return LOOPBACK
    if a.is_multicast or a.is_unspecified or a.is_reserved:
        return FORBIDDEN
    if a.is_private or a.is_link_local or not a.is_global:
        return PRIVATE
    return GLOBAL


def resolve(host: str, port: int) -> list[str]:
    """Addresses of ``host`` (IP literals without a look-up)."""
    h = host.strip("[]")
    try:
        ipaddress.ip_address(h.split("%", 1)[0])
        return [h]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(h, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise URLError(f"cannot resolve host {host} ({e})") from e
    return sorted({str(i[4][0]) for i in infos})


def host_classes(url: str) -> set[str]:
    p = urlsplit(url)
    port = p.port or _DEFAULT_PORT.get(p.scheme.lower(), 80)
    return {address_class(ip) for ip in resolve(p.hostname or "", port)}


def allowed_classes(source_url: str) -> frozenset[str]:
    """What a source may reach: public addresses, plus its own kind of local address."""
    try:
        own = host_classes(source_url)
    except URLError:
        own = set()
    return frozenset({GLOBAL} | (own & {LOOPBACK, PRIVATE}))


def check_target(url: str, allowed: frozenset[str]) -> None:
    """Raise URLError unless every address of ``url``'s host is of an allowed class."""
    check_scheme(url)
    for cls in host_classes(url):
        if cls not in allowed:
            raise URLError(f"{host_of(url)} is a {cls} address, not allowed for this source")
