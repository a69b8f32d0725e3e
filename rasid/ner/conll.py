"""CoNLL I/O for the NER tagger: ``rasid ner --conll IN -o OUT``."""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO


def read_conll(stream: IO[str], with_tags: bool = True) -> Iterator[tuple[list[str], list[str]]]:
    """Yield (tokens, tags) per sentence. Tag = text after the last TAB ('' if none)."""
    toks: list[str] = []
    tags: list[str] = []
    for line in stream:
        line = line.rstrip("\r\n")
        if not line.strip():
            if toks:
                yield toks, tags
                toks, tags = [], []
            continue
        if "\t" in line:
            tok, _, rest = line.partition("\t")
            tag = rest.rsplit("\t", 1)[-1].strip()
        else:
            tok, tag = line, ""
        toks.append(tok)
        tags.append(tag)
    if toks:
        yield toks, tags


def read_conll_file(path: str) -> list[tuple[list[str], list[str]]]:
    with open(path, encoding="utf-8") as fh:
        return list(read_conll(fh))


def tag_conll(in_stream: IO[str], out_stream: IO[str], tagger=None, batch_size: int = 200) -> int:
    """Read one token per line (text before the first TAB, or the whole line), blank line
    between sentences; write ``token<TAB>TAG`` lines, keeping the blank lines. Returns the
    number of sentences."""
    if tagger is None:
        from . import load_tagger
        tagger = load_tagger()
    n_sent = 0
    batch: list[list[str]] = []
    # blank-line runs preceding each sentence, so layout is reproduced exactly
    pending_blank = 0
    layout: list[int] = []

    def flush():
        nonlocal batch, layout
        if not batch:
            return
        tagged = tagger.tag(batch)
        for blanks, toks, tags in zip(layout, batch, tagged):
            out_stream.write("\n" * blanks)
            for t, g in zip(toks, tags):
                out_stream.write(f"{t}\t{g}\n")
        batch, layout = [], []

    cur: list[str] = []
    for line in in_stream:
        line = line.rstrip("\r\n")
        if not line.strip():
            if cur:
                batch.append(cur)
                layout.append(pending_blank)
                pending_blank = 0
                n_sent += 1
                cur = []
                if len(batch) >= batch_size:
                    flush()
            pending_blank += 1
            continue
        cur.append(line.split("\t", 1)[0])
    if cur:
        batch.append(cur)
        layout.append(pending_blank)
        pending_blank = 0
        n_sent += 1
    flush()
    out_stream.write("\n" * pending_blank)
    return n_sent
