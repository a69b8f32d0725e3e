"""The ``rasid`` command: a thin shell over the library (parse, validate, call, print)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rasid import __version__
from rasid.errors import RasidError

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

_EVALS = {  # rasid eval NAME -> module with main(argv)
    "ner": "rasid.ner.evaluate",
    "entities": "rasid.kb.evaluate",
    "quotes": "rasid.quotes.evaluate",
    "dates": "rasid.timex.evaluate",
    "events": "rasid.events.evaluate",
}


def _published(value: str) -> str:
    from rasid.util.dates import parse_published

    iso = parse_published(value)
    if iso is None:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return iso


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="rasid",
        description="Rasid (راصد): who said and did what, to whom, where and when, in Arabic news. "
                    "Offline; every fact points back to its span of source text.")
    p.add_argument("--version", action="version", version=f"rasid {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def db_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", default="rasid.db", help="SQLite store (default: ./rasid.db)")

    def quiet_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar on stderr")

    def inputs(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("paths", nargs="+", metavar="PATH",
                        help="files, folders (recursive), globs or - for stdin: .txt .jsonl .json .csv "
                             ".html .xml/.rss/.atom .warc(.gz), .jsonl.gz")
        sp.add_argument("--published", type=_published, metavar="YYYY-MM-DD",
                        help="publication date for inputs that carry none")
        sp.add_argument("--batch-size", type=int, default=64, help="articles per batch (default 64)")
        sp.add_argument("--no-stories", action="store_true",
                        help="skip near-duplicate and story assignment (faster bulk loads; "
                             "duplicate_of/story stay null for these articles)")

    sp = sub.add_parser("analyze", help="analyze articles: JSON Lines per the output contract, stored in --db")
    inputs(sp)
    sp.add_argument("-o", "--output", default="-", help="output JSONL file (default: stdout)")
    sp.add_argument("--no-store", action="store_true", help="do not write to the store")
    db_opt(sp)
    quiet_opt(sp)

    sp = sub.add_parser("ingest", help="read, clean and store articles (idempotent); --analyze runs every stage")
    inputs(sp)
    sp.add_argument("--analyze", action="store_true", help="also run entities, quotes and dates")
    db_opt(sp)
    quiet_opt(sp)

    sp = sub.add_parser("show", help="a readable view of one stored article (who said what, entities, dates)")
    sp.add_argument("id", help="article id (a unique prefix is enough)")
    sp.add_argument("--raw", action="store_true", help="print the original input as stored")
    sp.add_argument("--json", action="store_true", help="print the contract record")
    db_opt(sp)

    sp = sub.add_parser("stats", help="what the store holds")
    sp.add_argument("--json", action="store_true", help="print the figures as JSON")
    db_opt(sp)

    sp = sub.add_parser("search", help="full-text search (ignores hamza/ya/ta marbuta variants and clitics)")
    sp.add_argument("query", help="words to find (all must match; spelling variants and clitics ignored)")
    sp.add_argument("--limit", type=int, default=20, help="at most this many articles (default 20)")
    db_opt(sp)

    sp = sub.add_parser("export", help="export the store: jsonl (contract records), csv or parquet")
    sp.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl",
                    help="output format (default jsonl)")
    sp.add_argument("--table", choices=("articles", "quotes", "entities", "dates", "places"),
                    default="articles", help="csv/parquet: which table (jsonl is always articles)")
    sp.add_argument("-o", "--output", default="-", help="output file (default stdout; required for parquet)")
    db_opt(sp)

    sp = sub.add_parser("demo", help="the main job on bundled sample articles (every input format): "
                                     "analyze into the store and print a summary")
    db_opt(sp)
    quiet_opt(sp)

    sp = sub.add_parser("ner", help="NER on pre-tokenized CoNLL text (the ANERcorp benchmark format)")
    sp.add_argument("--conll", required=True, metavar="IN", help="one token per line, blank line between sentences (- for stdin)")
    sp.add_argument("-o", "--output", default="-", help="token<TAB>TAG lines (default stdout)")

    # these delegate to a module with its own options: -h/--help after WHAT goes to it
    # (rasid eval ner --help), so the subparsers take no -h of their own
    for name, helptext, whats in (
            ("eval", "score against the gold data in ../shared (ner, entities, quotes, dates, events)",
             sorted(_EVALS)),
            ("train", "train a shipped model (ner; ner-teacher: the transformer that tags its silver data)",
             ["ner", "ner-teacher"]),
            ("build", "rebuild shipped data (kb)", ["kb"]),
            ("bench", "speed: articles/s and tokens/s per stage, peak memory, on ../shared/data/news", None)):
        sp = sub.add_parser(name, help=helptext, description=helptext, add_help=False,
                            usage=f"rasid {name} {'{' + ','.join(whats) + '} ' if whats else ''}"
                                  "[options] (-h after it for the options)")
        if whats:
            sp.add_argument("what", nargs="?", choices=whats, help="one of: " + ", ".join(whats))
        sp.set_defaults(_parser=sp)

    sp = sub.add_parser("stages", help="list the pipeline stages and what each requires/assigns")

    # more commands live in rasid/cli/cmd_*.py: each defines add_commands(sub), registering
    # subparsers with set_defaults(func=handler) where handler(args) -> exit status
    import importlib
    import pkgutil

    import rasid.cli

    for mod in sorted(m.name for m in pkgutil.iter_modules(rasid.cli.__path__) if m.name.startswith("cmd_")):
        importlib.import_module(f"rasid.cli.{mod}").add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command in ("eval", "train", "build", "bench"):
        args.args = extra  # the delegate parses its own options (rasid eval ner --help)
        if args.command != "bench" and args.what is None:
            asked = bool({"-h", "--help"} & set(extra))
            args._parser.print_help(sys.stdout if asked else sys.stderr)
            return EXIT_OK if asked else EXIT_USAGE
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = getattr(args, "func", None) or globals()[f"cmd_{args.command}"]
    try:
        return handler(args)
    except RasidError as e:
        print(f"rasid: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("rasid: interrupted", file=sys.stderr)
        return 130


def _open_out(path: str) -> Any:
    return sys.stdout if path == "-" else open(path, "w", encoding="utf-8")


def cmd_analyze(args: argparse.Namespace) -> int:
    from rasid.cli.run import run
    from rasid.pipeline import Pipeline
    from rasid.store import Store

    exclude = []
    if args.output != "-":
        # -o truncates its file: one that is also a named input would be lost before it is read
        target = os.path.realpath(args.output)
        for p in args.paths:
            if p != "-" and os.path.isfile(p) and os.path.realpath(p) == target:
                raise RasidError(f"-o {args.output} is also an input: it would be overwritten before "
                                 "it is read (write the output elsewhere)")
        exclude.append(args.output)  # and a folder or pattern that holds it leaves it out
    store = None if args.no_store else Store(args.db)
    out = _open_out(args.output)
    try:
        res = run(args.paths, Pipeline(), store=store, out=out, published=args.published,
                  quiet=args.quiet, batch_size=args.batch_size, stories=not args.no_stories,
                  exclude=exclude)
    finally:
        if out is not sys.stdout:
            out.close()
        if store is not None:
            store.close()
    if not args.quiet:
        print(f"rasid: {res.read} articles read, {len(res.rejected)} inputs rejected"
              + ("" if store is None else f", stored in {args.db}"), file=sys.stderr)
    return EXIT_REJECTED if res.rejected else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from rasid.cli.run import run
    from rasid.pipeline import DEFAULT_STAGES, Pipeline
    from rasid.store import Store

    pipeline = Pipeline(DEFAULT_STAGES if args.analyze else ("text",))
    with Store(args.db) as store:
        res = run(args.paths, pipeline, store=store, out=None, published=args.published,
                  skip_known=True, quiet=args.quiet, batch_size=args.batch_size, stories=not args.no_stories)
        total = store.count()
    if not args.quiet:
        print(f"rasid: {res.read} articles read, {res.stored} new, {res.skipped} already stored, "
              f"{len(res.rejected)} inputs rejected; {total} articles in {args.db}", file=sys.stderr)
    return EXIT_REJECTED if res.rejected else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from rasid.cli.show import render
    from rasid.store import Store

    with Store(args.db, readonly=True) as store:
        row = store.get(args.id)
        if row is None:
            print(f"rasid: error: no article {args.id!r} in {args.db}", file=sys.stderr)
            return EXIT_REJECTED
        if args.raw:
            sys.stdout.write(row["raw"] or "")
            return EXIT_OK
        rec = store.record(row["id"])
        assert rec is not None
        if args.json:
            print(json.dumps(rec, ensure_ascii=False, indent=2))
        else:
            print(render(rec))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from rasid.store import Store

    with Store(args.db, readonly=True) as store:
        st = store.stats()
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{st['database']}: {st['articles']} articles, {st['tokens']} tokens, "
          f"{st['entities']} entity mentions ({st['linked_entities']} linked), {st['quotes']} quotes, "
          f"{st['dates']} dates, {st['places']} places, {st['rejected']} rejected inputs")
    print(f"events: {st['event_mentions']} mentions in articles -> {st['events']} deduplicated events "
          f"({st['events_multi_source']} reported by more than one outlet)")
    print(f"published: {st['published']['first']} .. {st['published']['last']}")
    for title, key, fields in (("sources", "sources", ("source", "articles")),
                               ("top speakers", "top_speakers", ("speaker", "quotes")),
                               ("top entities", "top_entities", ("entity", "mentions"))):
        if st[key]:
            print(f"{title}: " + "، ".join(f"{r[fields[0]]} ({r[fields[1]]})" for r in st[key]))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from rasid.store import Store

    with Store(args.db, readonly=True) as store:
        for r in store.search(args.query, limit=args.limit):
            print(f"{r['id']}\t{r['published'] or ''}\t{r['source'] or ''}\t{r['title'] or ''}\n    {r['snippet']}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from rasid.export import export

    if args.format == "parquet" and args.output == "-":
        print("rasid: error: --format parquet needs -o FILE", file=sys.stderr)
        return EXIT_USAGE
    n = export(args.db, args.format, args.table, args.output)
    print(f"rasid: exported {n} rows", file=sys.stderr)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from rasid.demo import demo

    return demo(args.db, quiet=args.quiet)


def cmd_ner(args: argparse.Namespace) -> int:
    from rasid.ner import load_tagger
    from rasid.ner.conll import tag_conll
    from rasid.pipeline import settle_gc

    try:
        fin = sys.stdin if args.conll == "-" else open(args.conll, encoding="utf-8-sig")
    except OSError as e:
        raise RasidError(f"cannot read --conll {args.conll}: {e.strerror or e}") from None
    # write to a temporary file beside the output and rename on success: a failed run never
    # leaves a truncated OUT (or clobbers a previous good one)
    tmp = None if args.output == "-" else f"{args.output}.tmp{os.getpid()}"
    try:
        out = sys.stdout if tmp is None else open(tmp, "w", encoding="utf-8")
    except OSError as e:
        fin.close()
        raise RasidError(f"cannot write -o {args.output}: {e.strerror or e}") from None
    ok = False
    try:
        tagger = load_tagger()
        settle_gc()  # the model tables stay alive: keep them out of the cyclic collector's passes
        n = tag_conll(fin, out, tagger)
        ok = True
    except UnicodeDecodeError as e:
        raise RasidError(f"cannot read --conll {args.conll}: not UTF-8 text ({e.reason})") from None
    finally:
        if fin is not sys.stdin:
            fin.close()
        if tmp is not None:
            out.close()
            if ok:
                os.replace(tmp, args.output)
            else:
                os.unlink(tmp)
    print(f"rasid: tagged {n} sentences", file=sys.stderr)
    return EXIT_OK


def _delegate(module: str, argv: list[str]) -> int:
    import importlib

    mod = importlib.import_module(module)
    return int(mod.main(argv) or 0)


def cmd_eval(args: argparse.Namespace) -> int:
    return _delegate(_EVALS[args.what], args.args)


def cmd_train(args: argparse.Namespace) -> int:
    return _delegate({"ner": "rasid.ner.train", "ner-teacher": "rasid.ner.teacher"}[args.what], args.args)


def cmd_build(args: argparse.Namespace) -> int:
    return _delegate("rasid.kb.build", args.args)


def cmd_bench(args: argparse.Namespace) -> int:
    return _delegate("rasid.bench", args.args)


def cmd_stages(args: argparse.Namespace) -> int:
    from rasid.registry import all_stages

    for name, info in all_stages().items():
        print(f"{name:10} requires {', '.join(info.requires) or '-':30} assigns {', '.join(info.assigns):30} {info.doc}")
    return EXIT_OK
