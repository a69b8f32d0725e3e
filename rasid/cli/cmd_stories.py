"""Story commands: ``rasid stories``, ``rasid story ID``, ``rasid timeline ENTITY``,
``rasid export-stories`` and ``rasid eval-stories`` (rasid.stories)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from rasid.errors import StoreError


def add_commands(sub: Any) -> None:
    def db_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")

    sp = sub.add_parser("stories", help="list the story clusters of the store, largest first")
    sp.add_argument("--limit", type=int, default=30, help="at most this many stories (default 30)")
    sp.add_argument("--min-size", type=int, default=2, help="only stories with at least this many articles")
    sp.add_argument("--json", action="store_true", help="JSON Lines, one story per line")
    db_opt(sp)
    sp.set_defaults(func=cmd_stories)

    sp = sub.add_parser("story", help="one story: its articles (duplicates marked) and its timeline of "
                                      "dated statements and mentions, each with its source span")
    sp.add_argument("id", help="story id (s-...; a unique prefix is enough) or an article id")
    sp.add_argument("--json", action="store_true", help="print the story as JSON")
    sp.add_argument("--no-mentions", action="store_true", help="statements and articles only")
    sp.add_argument("--limit", type=int, default=300, help="timeline items printed (default 300; --json has all)")
    db_opt(sp)
    sp.set_defaults(func=cmd_story)

    sp = sub.add_parser("timeline", help="an entity's dated statements and mentions, in order")
    sp.add_argument("entity", help="KB id (Q...), English name or Arabic name")
    sp.add_argument("--limit", type=int, default=200, help="timeline items printed (default 200)")
    sp.add_argument("--json", action="store_true", help="print the timeline as JSON")
    db_opt(sp)
    sp.set_defaults(func=cmd_timeline)

    sp = sub.add_parser("export-stories", help="export every story with its articles and timeline (JSON Lines)")
    sp.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    sp.add_argument("--min-size", type=int, default=1, help="only stories with at least this many articles")
    db_opt(sp)
    sp.set_defaults(func=cmd_export_stories)

    sp = sub.add_parser("eval-stories", help="near-duplicate P/R on SaudiNewsNet, B-cubed clustering scores on "
                                             "hand-labelled ANT articles, with timings (needs ../shared)")
    sp.add_argument("what", nargs="?", choices=("all", "duplicates", "clusters", "speed"), default="all",
                    help="which evaluation (default all)")
    sp.set_defaults(func=cmd_eval_stories)


def _open(db: str) -> Any:
    from rasid.store import Store

    store = Store(db, readonly=True)
    if store.db.execute("SELECT 1 FROM sqlite_master WHERE name='stories'").fetchone() is None:
        store.close()
        raise StoreError(f"{db}: no story tables (analyze or ingest into it with this version first)")
    return store


def cmd_stories(args: argparse.Namespace) -> int:
    with _open(args.db) as store:
        rows = [dict(r) for r in store.db.execute(
            "SELECT id, label, first, last, size FROM stories WHERE size >= ? ORDER BY size DESC, first LIMIT ?",
            (args.min_size, args.limit))]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['id']}\t{r['size']:4d}\t{r['first'] or '?'} .. {r['last'] or '?'}\t{r['label']}")
    return 0


def _span(it: dict[str, Any]) -> str:
    return f"[{it['article_id']} {it['start']}:{it['end']}]"


def render_story(st: dict[str, Any], limit: int | None = None) -> str:
    lines = [f"{st['id']}  {st['label']}",
             f"{st['first'] or '?'} .. {st['last'] or '?'}, {st['size']} articles"]
    lines.append("articles:")
    for a in st["articles"]:
        dup = f"  (copy of {a['duplicate_of']})" if a["duplicate_of"] else ""
        lines.append(f"  {(a['published'] or '?')[:10]}  {a['source'] or '-'}  {a['id']}  {a['title'] or a.get('lead') or ''}{dup}")
    lines.append("timeline:")
    items = st["timeline"] if limit is None else st["timeline"][:limit]
    lines.extend(render_items(items))
    if len(items) < len(st["timeline"]):
        lines.append(f"  ... {len(st['timeline']) - len(items)} more (--limit, --json)")
    return "\n".join(lines)


def render_items(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for it in items:
        date = it.get("date") or "?"
        if it["kind"] == "statement":
            sp = it.get("speaker") or {}
            who = sp.get("name") or sp.get("text") or "?"
            outlets = it.get("outlets", [])
            also = f"  ({len(it.get('articles', []))} articles: {', '.join(outlets)})" if len(it.get("articles", [])) > 1 else ""
            how = "" if it.get("date_source") == "text" else " (published)"
            out.append(f"  {date}{how}  {who}: «{it['text']}» {_span(it)}{also}")
        elif it["kind"] == "mention":
            ent = it.get("entity")
            what = f"{it['text']} ({ent.get('name') or ent.get('type')})" if ent else it["text"]
            out.append(f"  {date}  mention: {what} {_span(it)}")
        else:
            out.append(f"  {date}  article: {it['text']} [{it['article_id']}] {it.get('source') or ''}")
    return out


def cmd_story(args: argparse.Namespace) -> int:
    from rasid.stories.timeline import story_timeline

    with _open(args.db) as store:
        sid = args.id
        row = store.db.execute("SELECT story FROM articles WHERE id=?", (sid,)).fetchone()
        if row is not None and row[0]:
            sid = row[0]  # an article id: its story
        st = story_timeline(store.db, sid, mentions=not args.no_mentions)
    if st is None:
        print(f"rasid: error: no story {args.id!r} in {args.db}", file=sys.stderr)
        return 1
    print(json.dumps(st, ensure_ascii=False, indent=2) if args.json else render_story(st, args.limit))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from rasid.stories.timeline import entity_timeline

    with _open(args.db) as store:
        tl = entity_timeline(store.db, args.entity, limit=args.limit)
    if args.json:
        print(json.dumps(tl, ensure_ascii=False, indent=2))
        return 0
    if not tl["timeline"]:
        print(f"rasid: nothing found for {args.entity!r} in {args.db}", file=sys.stderr)
        return 1
    print(f"{args.entity}  {' '.join(tl['ids'])}  {', '.join(tl['names'])}")
    print("\n".join(render_items(tl["timeline"])))
    return 0


def cmd_export_stories(args: argparse.Namespace) -> int:
    from rasid.stories.timeline import story_timeline

    n = 0
    with _open(args.db) as store, contextlib.ExitStack() as stack:
        out = sys.stdout if args.output == "-" else stack.enter_context(open(args.output, "w", encoding="utf-8"))
        ids = [r[0] for r in store.db.execute(
            "SELECT id FROM stories WHERE size >= ? ORDER BY first, id", (args.min_size,))]
        for sid in ids:
            st = story_timeline(store.db, sid)
            out.write(json.dumps(st, ensure_ascii=False) + "\n")
            n += 1
    print(f"rasid: exported {n} stories", file=sys.stderr)
    return 0


def cmd_eval_stories(args: argparse.Namespace) -> int:
    from rasid.stories.evaluate import main

    return main([args.what])
