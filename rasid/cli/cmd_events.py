"""``rasid events`` (list deduplicated events) and ``rasid export-events`` (PLOVER JSON / TSV)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rasid.events.lexicon import PLOVER_TYPES


def _date(value: str) -> str:
    parts = value.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4):
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def _type(value: str) -> str:
    v = value.upper()
    if v not in PLOVER_TYPES:
        raise argparse.ArgumentTypeError(f"unknown event type {value!r} (one of {', '.join(PLOVER_TYPES)})")
    return v


def add_commands(sub: Any) -> None:
    sp = sub.add_parser("events", help="deduplicated political events (PLOVER types) in the store, "
                                       "most reported first")
    sp.add_argument("--type", type=_type, help="PLOVER type, e.g. CONSULT")
    sp.add_argument("--actor", help="actor or target: Arabic mention, English name or KB id")
    sp.add_argument("--place", help="place: Arabic mention or English name")
    sp.add_argument("--since", type=_date, metavar="DATE", help="events dated on/after (YYYY[-MM[-DD]])")
    sp.add_argument("--until", type=_date, metavar="DATE", help="events dated on/before")
    sp.add_argument("--limit", type=int, default=50, help="at most this many (default 50; 0 = all)")
    sp.add_argument("--json", action="store_true", help="JSON Lines: one event record per line")
    sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")
    sp.set_defaults(func=cmd_events)

    sp = sub.add_parser("export-events", help="export deduplicated events: PLOVER-style JSON Lines "
                                              "or a tab-separated table")
    sp.add_argument("--format", choices=["plover-json", "tsv"], default="plover-json",
                    help="PLOVER-style JSON Lines (default) or a tab-separated table")
    sp.add_argument("--from", dest="from_jsonl", metavar="JSONL",
                    help="deduplicate the events of these analyzed records (rasid analyze output) "
                         "instead of reading the store")
    sp.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")
    sp.set_defaults(func=cmd_export_events)


def _summaries_from_store(args: argparse.Namespace, **filters: Any) -> list[dict[str, Any]]:
    from rasid.events.store import event_summaries
    from rasid.store import Store

    store = Store(args.db, readonly=True)
    try:
        return event_summaries(store.db, **filters)
    finally:
        store.db.close()


def _line(s: dict[str, Any]) -> str:
    def name(a: dict[str, Any] | None) -> str:
        return (a.get("name") or a.get("text") or "?") if a else "-"

    p = s.get("place") or {}
    where = f" @ {p.get('name') or p.get('text')}" if p else ""
    neg = " [NOT]" if s.get("negated") else ""
    alt = ""
    if len(s.get("dates", {})) > 1:
        alt += " dates " + ", ".join(f"{d}×{n}" for d, n in s["dates"].items())
    if len(s.get("places", {})) > 1:
        alt += " places " + ", ".join(f"{d}×{n}" for d, n in s["places"].items())
    return (f"{s.get('date') or '????-??-??':<10}  {s['type']:<9} {name(s.get('actor'))} -> "
            f"{name(s.get('target'))}{where}{neg}  [{s['n_sources']} sources, {s['n_mentions']} "
            f"mentions; first {s.get('first_report') or '?'}]{alt}")


def cmd_events(args: argparse.Namespace) -> int:
    sums = _summaries_from_store(args, type=args.type, actor=args.actor, place=args.place,
                                 since=args.since, until=args.until, limit=args.limit or None)
    for s in sums:
        print(json.dumps(s, ensure_ascii=False) if args.json else _line(s))
    if not args.json:
        print(f"{len(sums)} events", file=sys.stderr)
    return 0


def cmd_export_events(args: argparse.Namespace) -> int:
    from rasid.events.export import write_plover_json, write_tsv

    if args.from_jsonl:
        from rasid.events.dedup import dedup

        with open(args.from_jsonl, encoding="utf-8") as f:
            d = dedup(json.loads(line) for line in f if line.strip())
        sums = d.summaries()
        n_mentions = d.n_mentions
    else:
        sums = _summaries_from_store(args)
        n_mentions = sum(s["n_mentions"] for s in sums)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    try:
        n = (write_tsv if args.format == "tsv" else write_plover_json)(sums, out)
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"rasid: {n} deduplicated events from {n_mentions} event mentions", file=sys.stderr)
    return 0
