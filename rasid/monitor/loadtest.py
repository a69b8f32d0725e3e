"""Load test of the watcher: N sources x M items on a local server (127.0.0.1 only).

    python -m rasid.monitor.loadtest [--sources 200] [--items 20] [--stages text]

A server process generates RSS feeds (with ETags) and Arabic article pages. The watcher
then runs three cycles into a fresh store: (1) every article new, (2) every feed
unchanged (304), (3) every feed changed with M new items each. It reports per cycle the
time, what was stored or failed, and the process's memory (RSS now, and peak), so that
memory growth between cycle 1 and cycle 3 shows. The server runs in its own process so
that its work and memory are not counted.

All sources live on one host (127.0.0.1), so the per-host limits are what bound the
cycle: the load test sets no delay and a cap of ``--per-host`` requests in flight.
"""

from __future__ import annotations

import argparse
import http.server
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

_PARAS = [
    ("قال وزير {m} في {c} يوم {d} إن الحكومة ستطلق خطة جديدة لدعم {s} خلال العام المقبل، "
     "مؤكدا أن التمويل سيبلغ {n} مليون دولار."),
    ("وأضاف في مؤتمر صحفي أن \"الأولوية هي تحسين حياة المواطنين في {c} وتوفير فرص العمل للشباب\"، "
     "مشيرا إلى أن الخطة تشمل {n} مشروعا في مختلف المحافظات."),
    ("من جهته، رحب رئيس غرفة التجارة في {c} بالقرار، وقال إن القطاع الخاص مستعد للمشاركة في تنفيذ "
     "المشاريع المتعلقة بقطاع {s} بالتعاون مع الوزارات المعنية."),
    ("ويأتي الإعلان بعد أسابيع من نقاشات في البرلمان حول أولويات الإنفاق العام، وسط مطالب بزيادة "
     "الاستثمار في {s} وتحسين الخدمات العامة في المناطق الريفية."),
]
_CITIES = ["عمان", "القاهرة", "الرباط", "تونس", "بغداد", "الرياض", "الدوحة", "بيروت", "الجزائر", "الخرطوم"]
_SECTORS = ["التعليم", "الصحة", "النقل", "الطاقة", "الزراعة", "السياحة", "الإسكان", "المياه"]
_MIN = ["الاقتصاد", "التخطيط", "المالية", "الصناعة", "التجارة"]
_DAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس"]


def _page(i: int, k: int) -> bytes:
    v = {"m": _MIN[(i + k) % 5], "c": _CITIES[i % 10], "d": _DAYS[k % 5], "s": _SECTORS[(i * 7 + k) % 8],
         "n": 100 + i * 31 + k}
    title = f"{_CITIES[i % 10]}: خطة جديدة لقطاع {v['s']} رقم {i}-{k}"
    body = "\n".join(f"<p>{p.format(**v)}</p>" for p in _PARAS)
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:site_name" content="مصدر {i}">'
            f'<meta property="article:published_time" content="2024-05-{1 + k % 28:02d}T10:00:00+03:00">'
            f"</head><body><nav><a href='/'>الرئيسية</a></nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>جميع الحقوق محفوظة</footer></body></html>").encode()


def _feed(base: str, i: int, items: int, gen: int) -> bytes:
    out = [(f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>مصدر {i}</title>'
            f"<link>{base}/s/{i}/</link><description>أخبار</description>")]
    for k in range(gen * items, gen * items + items):
        out.append(f"<item><title>خبر {i}-{k}</title><link>{base}/s/{i}/a/{k}.html</link>"
                   f"<description>ملخص الخبر {i}-{k}</description>"
                   f"<pubDate>Wed, {1 + k % 28:02d} May 2024 07:00:00 GMT</pubDate></item>")
    out.append("</channel></rss>")
    return "".join(out).encode()


def serve(items: int) -> None:
    """The server process: prints its port, serves until stdin closes."""
    gen = [0]

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: Any) -> None:
            pass

        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{port}"
            parts = self.path.split("?")[0].strip("/").split("/")
            body, etag = b"", None
            if parts == ["robots.txt"]:
                body = b"User-agent: *\nAllow: /\n"
            elif parts == ["_next"]:
                gen[0] += 1
                body = b"ok"
            elif len(parts) == 3 and parts[0] == "s" and parts[2] == "feed.xml":
                etag = f'"{parts[1]}-{gen[0]}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = _feed(base, int(parts[1]), items, gen[0])
            elif len(parts) == 4 and parts[0] == "s" and parts[2] == "a":
                body = _page(int(parts[1]), int(parts[3].split(".")[0]))
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/xml" if etag else "text/html; charset=utf-8")
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    httpd.request_queue_size = 256
    port = int(httpd.server_address[1])
    print(port, flush=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the parent closes the pipe
    httpd.shutdown()


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def run(n_sources: int, items: int, stages: tuple[str, ...], workers: int, per_host: int) -> int:
    import urllib.request

    from rasid.monitor import sources as S
    from rasid.monitor.fetch import Politeness
    from rasid.monitor.watch import WatchConfig, Watcher
    from rasid.store import Store

    server = subprocess.Popen([sys.executable, "-m", "rasid.monitor.loadtest", "--serve", "--items", str(items)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{int(server.stdout.readline())}"
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "load.db")
            store = Store(db)
            for i in range(n_sources):
                S.add_source(store.db, f"{base}/s/{i}/feed.xml", None)
            store.flush()
            cfg = WatchConfig(politeness=Politeness(delay=0.0, per_host=per_host, timeout=30.0),
                              workers=workers, stages=stages, batch_size=32)
            print(f"load test: {n_sources} sources x {items} items on {base}, stages {','.join(stages)}, "
                  f"{workers} workers, {per_host} per host; start RSS {_rss_mb():.0f} MB", flush=True)
            errors = 0
            with Watcher(store, cfg) as w:
                for n, label in ((1, "all new"), (2, "unchanged"), (3, "all feeds changed")):
                    if n == 3:
                        urllib.request.urlopen(f"{base}/_next").read()
                    t0 = time.monotonic()
                    st = w.cycle()
                    dt = time.monotonic() - t0
                    errors += st.failed + st.source_errors
                    rate = st.fetched / dt if dt else 0.0
                    print(f"cycle {n} ({label}): {dt:.1f} s, {st.polled} polled, {st.unchanged} unchanged, "
                          f"{st.fetched} pages ({rate:.0f}/s), {st.stored} stored, {st.failed} failed URLs, "
                          f"{st.source_errors} failed polls; RSS {_rss_mb():.0f} MB, peak {_peak_mb():.0f} MB",
                          flush=True)
            print(f"store: {store.count()} articles, {store.count('seen_urls')} seen URLs; "
                  f"{os.path.getsize(db) / 2**20:.0f} MB", flush=True)
            store.close()
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rasid.monitor.loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--stages", default="text", help="pipeline stages (default: text; 'all' for the full analysis)")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--per-host", type=int, default=8)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.serve:
        serve(a.items)
        return 0
    from rasid.pipeline import DEFAULT_STAGES

    stages = DEFAULT_STAGES if a.stages == "all" else tuple(s for s in a.stages.split(",") if s)
    return run(a.sources, a.items, stages, a.workers, a.per_host)


if __name__ == "__main__":
    sys.exit(main())
