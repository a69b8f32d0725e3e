"""Stage registry: built-in stages register like plugins.

A stage is a factory decorated with :func:`stage`; the factory takes keyword options
and returns a callable ``Doc -> Doc``. The callable may also offer ``pipe(docs)`` to work
on a batch. ``requires`` and ``assigns`` name Doc attributes (``"tokens"``,
``"entities"``...) so that :class:`rasid.pipeline.Pipeline` can refuse a wrong order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from rasid.doc import Doc


class StageFn(Protocol):
    def __call__(self, doc: Doc) -> Doc: ...


@dataclass(frozen=True)
class StageInfo:
    name: str
    factory: Callable[..., StageFn]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    doc: str


_REGISTRY: dict[str, StageInfo] = {}


def stage(name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()
          ) -> Callable[[Callable[..., StageFn]], Callable[..., StageFn]]:
    """Register a stage factory under ``name``."""

    def deco(factory: Callable[..., StageFn]) -> Callable[..., StageFn]:
        _REGISTRY[name] = StageInfo(name, factory, tuple(requires), tuple(assigns),
                                    (factory.__doc__ or "").strip().split("\n")[0])
        return factory

    return deco


#: built-in stages, each in ``rasid/stages/<name>.py``; imported on first use
BUILTINS: tuple[str, ...] = ("text", "entities", "linking", "nationalities", "dates", "quotes",
                             "events")


def get(name: str) -> StageInfo:
    if name not in _REGISTRY and name in BUILTINS:
        importlib.import_module(f"rasid.stages.{name}")
    try:
        return _REGISTRY[name]
    except KeyError:
        from rasid.errors import UnknownStage

        raise UnknownStage(name, sorted(_REGISTRY)) from None


def all_stages() -> dict[str, StageInfo]:
    _load_builtins()
    return dict(_REGISTRY)


def _load_builtins() -> None:
    # importing the modules registers them; cheap (models load lazily on first use)
    for name in BUILTINS:
        importlib.import_module(f"rasid.stages.{name}")


def pipe_default(fn: StageFn, docs: Iterable[Doc]) -> Iterator[Doc]:
    """Batch helper for stages without their own ``pipe``."""
    pipe: Any = getattr(fn, "pipe", None)
    if pipe is not None:
        yield from pipe(docs)
    else:
        for d in docs:
            yield fn(d)
