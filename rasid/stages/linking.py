"""The linking stage: KB ids and English names for NER mentions, in-document
coreference groups, places with coordinates (see rasid.kb.doclink)."""

from __future__ import annotations

from rasid.doc import Doc
from rasid.kb.doclink import link_doc, resolve_title
from rasid.kb.linker import Linker, get_linker
from rasid.registry import stage

__all__ = ["LinkingStage", "make_linking", "resolve_title"]


class LinkingStage:
    def __init__(self, drop_adjectives: bool = True, fix_types: bool = True) -> None:
        self.drop_adjectives = drop_adjectives
        self.fix_types = fix_types
        self._linker: Linker | None = None

    @property
    def linker(self) -> Linker:
        # loaded on the first document, not when the pipeline is built
        if self._linker is None:
            self._linker = get_linker()
        return self._linker

    def __call__(self, doc: Doc) -> Doc:
        return link_doc(doc, self.linker, self.drop_adjectives, self.fix_types)


@stage("linking", requires=("entities",), assigns=("entities", "places"))
def make_linking(drop_adjectives: bool = True, fix_types: bool = True) -> LinkingStage:
    """Link entity mentions to the knowledge base; group mentions; fill places."""
    return LinkingStage(drop_adjectives=drop_adjectives, fix_types=fix_types)
