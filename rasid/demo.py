"""``rasid demo``: the main job on the bundled sample articles (every input format)."""

from __future__ import annotations

import sys
from importlib import resources

from rasid.cli.run import run
from rasid.doc import group_heads
from rasid.pipeline import Pipeline
from rasid.store import Store


def demo(db: str, *, quiet: bool = False) -> int:
    with resources.as_file(resources.files("rasid.resources") / "samples") as folder:
        with Store(db) as store:
            res = run([str(folder)], Pipeline(), store=store, out=None, keep_docs=True, quiet=quiet)
            total = store.count()
    for doc in res.docs:
        r = doc.to_dict()
        print(f"\n■ {r['title'] or '(no title)'}")
        print(f"  {doc.article.format:5} {r['source'] or '-'}  {r['published'] or 'no date'}  id {r['id']}")
        # one item per entity: a linked one by its English name, another by the fullest mention
        # of its in-document group ("أحمد أبو زيد", not again "أبو زيد")
        names: dict[str, str] = {}
        for h in group_heads(doc.entities).values():
            names.setdefault(h.name or h.text, h.type)
        if names:
            print("  entities: " + "، ".join(f"{n} ({t})" for n, t in list(names.items())[:10]))
        for q in doc.quotes:
            who = (q.speaker.name or q.speaker.text) if q.speaker else "?"
            content = q.content if len(q.content) <= 90 else q.content[:87] + "…"
            print(f"  {who} [{q.kind}, {q.cue}]: {content}")
        if doc.dates:
            print("  dates: " + "، ".join(f"{d.text} → {d.value or '?'}" for d in doc.dates))
    print(f"\n{len(res.docs)} articles analyzed, {len(res.rejected)} inputs rejected; "
          f"{total} articles in {db}.")
    if res.docs:
        print(f"Next: rasid show {res.docs[0].id} --db {db}   |   rasid search لافروف --db {db}"
              f"   |   rasid stats --db {db}")
    sys.stdout.flush()
    return 1 if res.rejected else 0
