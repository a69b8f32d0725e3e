"""The nationalities stage: what the body's entity list leaves out by contract.

- ``title_entities``: the headline through the same NER (``rasid.stages.entities``) and
  linking (``rasid.kb.doclink.link_doc``), offsets into ``title``, then tied to the body's
  mentions by in-document coreference (``rasid.kb.doclink.corefer_title``): the gold and
  ``entities`` annotate the body only, so a person named only in the headline
  (``لإسقاط الأسد``) was nowhere in the record;
- ``nationalities``: nationality adjectives of the body linked to their country
  (``نظيره الإريتري`` -> Eritrea), outside entity mentions (``rasid.kb.nisba``); the
  guidelines keep them out of ``entities``.

One stage after ``linking`` (it needs the linked body mentions) so that the entities and
linking stages keep their speed and their output.
"""

from __future__ import annotations

from rasid.doc import Doc, Entity
from rasid.kb.doclink import corefer_title, link_doc
from rasid.kb.linker import Linker, get_linker
from rasid.kb.nisba import find_nationalities
from rasid.registry import stage
from rasid.stages.entities import EntityStage

__all__ = ["NationalitiesStage", "make_nationalities", "title_entities"]


def title_entities(doc: Doc, linker: Linker | None = None,
                   ner: EntityStage | None = None) -> list[Entity]:
    """Entities of ``doc.article.title`` (offsets into it), linked and tied to the body."""
    title = doc.article.title or ""
    if not title.strip():
        return []
    from rasid.text import split_sentences
    from rasid.text.tokenize import TokenList

    lk = linker or get_linker()
    t = Doc(article=doc.article, text=title)
    t.sentences = split_sentences(title)
    t.tokens = TokenList(title)
    t = (ner or EntityStage())(t)
    link_doc(t, lk)
    for e in t.entities:  # the headline's own groups must not read as the body's g0, g1...
        if e.group:
            e.group = "t" + e.group[1:]
    return corefer_title(t, doc.entities, lk)


class NationalitiesStage:
    def __init__(self, title: bool = True, adjectives: bool = True) -> None:
        self.title = title
        self.adjectives = adjectives
        self._ner = EntityStage()

    def __call__(self, doc: Doc) -> Doc:
        lk = get_linker()
        if self.title:
            doc.title_entities = title_entities(doc, lk, self._ner)
        if self.adjectives:
            doc.nationalities = find_nationalities(doc, lk)
        return doc


@stage("nationalities", requires=("entities",), assigns=("title_entities", "nationalities"))
def make_nationalities(title: bool = True, adjectives: bool = True) -> NationalitiesStage:
    """Title entities (NER + linking on the headline) and nationality adjectives -> country."""
    return NationalitiesStage(title=title, adjectives=adjectives)
