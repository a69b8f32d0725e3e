"""The pipeline: one object, built once per process, that turns Articles into Docs."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from rasid import registry
from rasid.doc import Article, Doc
from rasid.errors import StageOrderError

#: what ``rasid analyze`` runs by default, in order
DEFAULT_STAGES: tuple[str, ...] = ("text", "entities", "linking", "nationalities", "dates", "quotes",
                                   "events")


def settle_gc() -> None:
    """Move what is alive now (the loaded models, lexicons, knowledge base: a few hundred
    thousand objects) out of reach of Python's cyclic garbage collector (``gc.freeze``).

    The collector's automatic full passes walk every tracked object; over the models they
    cost about 10% of the analysis CPU (measured on 600 ANT articles), and pyspark's daemon
    runs a full ``gc.collect()`` after every task. Frozen objects are still freed by reference
    counting; only cycles among them would stay, hence the collection first."""
    gc.collect()
    gc.freeze()


class Pipeline:
    """``Pipeline()(article) -> Doc`` and ``Pipeline().pipe(articles, batch_size=64)``."""

    def __init__(self, stages: Sequence[str] = DEFAULT_STAGES,
                 config: dict[str, dict[str, Any]] | None = None) -> None:
        config = config or {}
        self.names = list(stages)
        self.infos = [registry.get(n) for n in self.names]
        self.check_order()
        self.stages = [(i.name, i.factory(**config.get(i.name, {}))) for i in self.infos]

    def check_order(self) -> None:
        have = {"article"}
        for info in self.infos:
            for req in info.requires:
                if req not in have:
                    raise StageOrderError(info.name, req)
            have.update(info.assigns)

    def make_doc(self, article: Article) -> Doc:
        return Doc(article=article, text="")

    def __call__(self, article: Article) -> Doc:
        doc = self.make_doc(article)
        for name, fn in self.stages:
            doc = fn(doc)
            doc.done.append(name)
        return doc

    def pipe(self, articles: Iterable[Article], batch_size: int = 64,
             on_error: Callable[[Article, Exception], None] | None = None) -> Iterator[Doc]:
        """Process articles in batches; stages with a ``pipe`` method get whole batches.

        With ``on_error``, an article that makes a stage fail is reported through it and
        skipped (its batch is redone one article at a time); without, the error propagates.
        """
        it = iter(articles)
        while True:
            batch = list(itertools.islice(it, batch_size))
            if not batch:
                return
            try:
                docs: list[Doc] = [self.make_doc(a) for a in batch]
                for name, fn in self.stages:
                    docs = list(registry.pipe_default(fn, docs))
                    for d in docs:
                        d.done.append(name)
            except Exception:
                if on_error is None:
                    raise
                docs = []
                for a in batch:
                    try:
                        docs.append(self(a))
                    except Exception as e:  # noqa: BLE001 - reported to the caller, who records it
                        on_error(a, e)
            if gc.get_freeze_count() == 0:
                settle_gc()  # the first batch of this process loaded the models
            yield from docs

    def analyze(self) -> list[dict[str, str | tuple[str, ...]]]:
        """What each stage requires and assigns (like spaCy's analyze_pipes)."""
        return [{"name": i.name, "requires": i.requires, "assigns": i.assigns, "doc": i.doc}
                for i in self.infos]
