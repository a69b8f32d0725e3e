"""``rasid serve``: the web interface and JSON API over a store; ``rasid bench-web``: its latency."""

from __future__ import annotations

import argparse
import os
import sys

from rasid.errors import RasidError


class WebUnavailable(RasidError):
    pass


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sp = sub.add_parser("serve", help="web interface and JSON API over the store (read-only unless --token)")
    sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sp.add_argument("--token", default=None,
                    help="enable POST /api/ingest for clients sending 'Authorization: Bearer TOKEN' "
                         "(default: $RASID_TOKEN; without one the server is read-only)")
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser("bench-web", help="web latency: search and article page p50/p95 on a store")
    sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")
    sp.add_argument("-n", type=int, default=200, help="requests per endpoint (default 200)")
    sp.add_argument("--seed", type=int, default=7, help="seed of the sampled queries and articles (default 7)")
    sp.add_argument("--json", action="store_true", help="print the figures as JSON")
    sp.set_defaults(func=cmd_bench_web)


def _check_db(path: str) -> None:
    from rasid.store import Store

    with Store(path, readonly=True) as st:  # a clear error for a missing or foreign file
        try:
            st.count()
        except Exception as e:  # sqlite3.Error: not a Rasid store
            raise RasidError(f"{path}: not a Rasid store ({e})") from e


def _need_web() -> None:
    try:
        import jinja2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise WebUnavailable(f"the web interface needs starlette, uvicorn and jinja2 ({e}); "
                             "install them with: pip install 'rasid[web]'") from e


def cmd_serve(args: argparse.Namespace) -> int:
    _need_web()
    _check_db(args.db)
    import uvicorn

    from rasid.web.app import create_app

    token = args.token or os.environ.get("RASID_TOKEN") or None
    app = create_app(args.db, token=token)
    import threading

    from rasid.web.data import _kb

    # the KB (names, coordinates) loads in the background, not during the first request
    threading.Thread(target=_kb, daemon=True).start()
    if token and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("rasid: warning: the token travels in clear over plain HTTP; put a TLS proxy in front "
              "when serving beyond this machine", file=sys.stderr)
    mode = "uploads enabled (POST /api/ingest with the bearer token)" if token else "read-only"
    print(f"rasid: serving {args.db} at http://{args.host}:{args.port}/ ({mode}); Ctrl-C to stop",
          file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_bench_web(args: argparse.Namespace) -> int:
    _need_web()
    _check_db(args.db)
    from rasid.web.bench import main as bench_main

    argv = ["--db", args.db, "-n", str(args.n), "--seed", str(args.seed)] + (["--json"] if args.json else [])
    return bench_main(argv)
