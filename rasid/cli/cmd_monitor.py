"""``rasid sources add|list|remove|failures`` and ``rasid watch``: follow news sources live."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_commands(sub: Any) -> None:
    def db_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")

    sp = sub.add_parser("sources", help="the news sources `rasid watch` follows (RSS/Atom feeds, news sitemaps)")
    ssub = sp.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    a = ssub.add_parser("add", help="follow a feed or sitemap URL")
    a.add_argument("url", metavar="URL", help="an RSS/Atom feed or a (news) sitemap")
    a.add_argument("--name", help="outlet name for its articles (default: the page's or the feed's)")
    db_opt(a)
    a.set_defaults(func=cmd_sources_add)
    a = ssub.add_parser("list", help="each source with its last poll, new articles and errors")
    a.add_argument("--json", action="store_true", help="JSON Lines, one source per line")
    db_opt(a)
    a.set_defaults(func=cmd_sources_list)
    a = ssub.add_parser("remove", help="stop following a source (by id or URL)")
    a.add_argument("source", metavar="ID|URL", help="the source's id (rasid sources list) or URL")
    db_opt(a)
    a.set_defaults(func=cmd_sources_remove)
    a = ssub.add_parser("failures", help="article URLs that failed, with the reason and the next retry")
    a.add_argument("source", metavar="ID|URL", nargs="?", help="only this source")
    a.add_argument("--limit", type=int, default=50, help="at most this many URLs (default 50)")
    db_opt(a)
    a.set_defaults(func=cmd_sources_failures)

    sp = sub.add_parser("watch", help="poll the sources; fetch, analyze and store new articles as they appear")
    sp.add_argument("--once", action="store_true", help="one polling cycle, then exit")
    sp.add_argument("--interval", type=float, default=300, metavar="SECONDS",
                    help="seconds between the starts of two cycles (default 300)")
    sp.add_argument("--stages", default=None, metavar="A,B,...",
                    help="pipeline stages (default: the full analysis)")
    sp.add_argument("--workers", type=int, default=8, help="fetching threads (default 8)")
    sp.add_argument("--per-host", type=int, default=2, help="requests in flight per host (default 2)")
    sp.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                    help="minimum seconds between requests to one host (default 1; robots.txt Crawl-delay may raise it)")
    sp.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS", help="per response (default 20)")
    sp.add_argument("--retries", type=int, default=2, help="retries of a transient failure within a cycle (default 2)")
    sp.add_argument("--max-bytes", type=int, default=5_000_000, help="largest page accepted (default 5 MB)")
    db_opt(sp)
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress or status on stderr")
    sp.set_defaults(func=cmd_watch)


def _store(path: str) -> Any:
    from rasid.store import Store

    return Store(path)


def cmd_sources_add(args: argparse.Namespace) -> int:
    from rasid.monitor.sources import add_source

    with _store(args.db) as store:
        src, added = add_source(store.db, args.url, args.name)
    print(f"{'added' if added else 'already followed'}: source {src.id} {src.url}"
          + (f" ({src.name})" if src.name else ""), file=sys.stderr)
    return EXIT_OK


def cmd_sources_remove(args: argparse.Namespace) -> int:
    from rasid.monitor.sources import remove_source

    with _store(args.db) as store:
        src = remove_source(store.db, args.source)
    print(f"removed: source {src.id} {src.url}", file=sys.stderr)
    return EXIT_OK


def cmd_sources_list(args: argparse.Namespace) -> int:
    from rasid.monitor.sources import list_sources

    with _store(args.db) as store:
        srcs = list_sources(store.db)
    if args.json:
        for s in srcs:
            print(json.dumps(s.to_dict(), ensure_ascii=False))
        return EXIT_OK
    if not srcs:
        print("no sources (add one with `rasid sources add URL`)", file=sys.stderr)
        return EXIT_OK
    for s in srcs:
        status = s.last_status or "never polled"
        if s.last_status == "error":
            status = f"error ({s.consecutive_errors} in a row): {s.last_error}"
        print(f"{s.id:>4}  {s.name or '-'}  [{s.kind or '?'}]  {s.url}\n"
              f"      last poll {s.last_poll or '-'}: {status}"
              + (f"; next poll not before {s.next_poll}" if s.next_poll else "") + "\n"
              f"      new articles: {s.last_new} last poll, {s.articles} in all; "
              f"polls {s.polls} ({s.unchanged} unchanged, {s.errors} failed); failed URLs {s.failed_urls}")
    return EXIT_OK


def cmd_sources_failures(args: argparse.Namespace) -> int:
    from rasid.monitor.sources import SourceError, failures, get_source

    with _store(args.db) as store:
        sid = None
        if args.source:
            src = get_source(store.db, args.source)
            if src is None:
                raise SourceError(f"no source {args.source!r} (see `rasid sources list`)")
            sid = src.id
        rows = failures(store.db, sid, args.limit)
    for r in rows:
        nxt = f"retry after {r['retry_at']}" if r["status"] == "failed" else "given up"
        print(f"{r['fetch_url']}\t{r['reason']}\t{r['attempts']} attempts, {nxt}")
    return EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    from rasid.monitor.fetch import Politeness
    from rasid.monitor.watch import WatchConfig, Watcher, stderr_log
    from rasid.pipeline import DEFAULT_STAGES

    if args.interval <= 0 or args.workers < 1 or args.per_host < 1 or args.timeout <= 0 or args.max_bytes < 1:
        print("rasid: error: --interval, --workers, --per-host, --timeout and --max-bytes must be positive",
              file=sys.stderr)
        return EXIT_USAGE
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip()) if args.stages else DEFAULT_STAGES
    config = WatchConfig(
        politeness=Politeness(timeout=args.timeout, retries=max(0, args.retries), max_bytes=args.max_bytes,
                              delay=max(0.0, args.delay), per_host=args.per_host),
        workers=args.workers, stages=stages)
    log = (lambda msg: None) if args.quiet else stderr_log
    store = _store(args.db)
    try:
        with Watcher(store, config, log=log) as w:
            n = 0
            while True:
                n += 1
                st = w.cycle()
                if not args.quiet:
                    stderr_log(f"watch: cycle {n} done: {st.summary()}")
                if args.once:
                    return EXIT_OK
                pause = max(0.0, args.interval - st.seconds)
                if not args.quiet:
                    stderr_log(f"watch: next cycle in {pause:.0f} s (Ctrl-C to stop)")
                time.sleep(pause)
    except KeyboardInterrupt:
        if not args.quiet:
            stderr_log("watch: stopped")
        return EXIT_OK
    finally:
        store.close()
