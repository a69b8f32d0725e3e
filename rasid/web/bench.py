"""Web latency benchmark: search and article pages over real HTTP on a real store.

    python -m rasid.web.bench --db /tmp/ant.db [-n 200]      (or: rasid bench-web --db ...)

Starts the app under uvicorn on 127.0.0.1 (a free port, in this process), then requests
one URL at a time with a keep-alive client and reports p50/p95/max per endpoint in ms:
``/search`` (HTML) and ``/search.json`` with queries drawn from the store's own titles
(one to three words; a quarter with a source filter, a quarter sorted by date, some on
page 2, some filtered by a linked entity), ``/articles/{id}`` (HTML) and ``/articles/{id}.json``
for random articles, and the HTML page of random analyzed articles (those with entities:
the most markup to build).
The targets (issue 7, with the 31k ANT articles stored): search p95 < 200 ms, article
page p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from typing import Any

TARGETS = {"search": 200.0, "search.json": 200.0, "article": 100.0, "article.json": 100.0,
           "article (analyzed)": 100.0}
_WORD = re.compile(r"[\u0621-\u064a]{4,}")


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def workload(db: str, n: int, seed: int) -> dict[str, list[str]]:
    """URLs per endpoint, reproducible for a seed."""
    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        total = con.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0
        ids: list[str] = []
        titles: list[str] = []
        while len(ids) < n and total:
            row = con.execute("SELECT id, coalesce(title, substr(text, 1, 200)) FROM articles WHERE rowid >= ?"
                              " ORDER BY rowid LIMIT 1", (rng.randint(1, total),)).fetchone()
            if row:
                ids.append(row[0])
                titles.append(row[1] or "")
        sources = [r[0] for r in con.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL")]
        # analyzed articles (entities, quotes, dates to highlight) are the heavier pages
        analyzed = [r[0] for r in con.execute("SELECT DISTINCT article_id FROM entities")]
        entities = [r[0] for r in con.execute(
            "SELECT kb_id FROM entities WHERE kb_id IS NOT NULL GROUP BY kb_id HAVING count(*) >= 5")]
    finally:
        con.close()
    searches: list[str] = []
    for t in titles:
        words = _WORD.findall(t)
        if not words:
            continue
        k = rng.choice((1, 1, 2, 3))
        start = rng.randrange(max(1, len(words) - k + 1))
        params: dict[str, Any] = {"q": " ".join(words[start:start + k])}
        r = rng.random()
        if r < 0.25 and sources:
            params["source"] = rng.choice(sources)
        elif r < 0.5:
            params["sort"] = "date"
        elif r < 0.6:
            params["page"] = 2
        elif r < 0.7 and entities:
            params["entity"] = rng.choice(entities)
        searches.append(urllib.parse.urlencode(params))
    quoted = [urllib.parse.quote(i, safe="") for i in ids]
    out = {
        "search": [f"/search?{s}" for s in searches],
        "search.json": [f"/search.json?{s}" for s in searches],
        "article": [f"/articles/{i}" for i in quoted],
        "article.json": [f"/articles/{i}.json" for i in quoted],
    }
    if analyzed:
        pick = [urllib.parse.quote(rng.choice(analyzed), safe="") for _ in range(n)]
        out["article (analyzed)"] = [f"/articles/{i}" for i in pick]
    return out


def run(db: str, n: int = 200, seed: int = 7) -> dict[str, Any]:
    import httpx
    import uvicorn

    from rasid.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        if not th.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    urls = workload(db, n, seed)
    out: dict[str, Any] = {"db": db, "requests_per_endpoint": n, "endpoints": {}}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(3):  # warm-up: first connection, templates compiled, page cache
                client.get(urls["search"][0])
                client.get(urls["article"][0])
            for name, batch in urls.items():
                times: list[float] = []
                for u in batch:
                    t0 = time.perf_counter()
                    r = client.get(u)
                    dt = (time.perf_counter() - t0) * 1000
                    if r.status_code != 200:
                        raise RuntimeError(f"{u}: HTTP {r.status_code}")
                    times.append(dt)
                out["endpoints"][name] = {
                    "n": len(times), "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(_pct(times, 95), 1), "max_ms": round(max(times), 1),
                    "target_p95_ms": TARGETS[name], "ok": _pct(times, 95) < TARGETS[name]}
    finally:
        server.should_exit = True
        th.join(timeout=10)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out["articles"] = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    out["entities"] = con.execute("SELECT count(*) FROM entities").fetchone()[0]
    con.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid bench-web", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("-n", type=int, default=200, help="requests per endpoint (default 200)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = run(args.db, args.n, args.seed)
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print(f"{res['db']}: {res['articles']} articles, {res['entities']} entity mentions; "
              f"{res['requests_per_endpoint']} requests per endpoint, one at a time over HTTP")
        print(f"{'endpoint':20}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'target':>9}")
        for name, e in res["endpoints"].items():
            print(f"{name:20}{e['n']:>5}{e['p50_ms']:>9}{e['p95_ms']:>9}{e['max_ms']:>9}"
                  f"{'<' + str(int(e['target_p95_ms'])):>9}  {'ok' if e['ok'] else 'SLOW'}")
    return 0 if all(e["ok"] for e in res["endpoints"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
