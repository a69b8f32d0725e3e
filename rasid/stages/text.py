"""The text stage: clean the raw body (keeping an offset map), split sentences, tokenize."""

from __future__ import annotations

from rasid.doc import Doc
from rasid.registry import stage
from rasid.text import clean
from rasid.text.sentences import SentenceList
from rasid.text.tokenize import TokenList


class TextStage:
    def __call__(self, doc: Doc) -> Doc:
        doc.text, doc.offset_map = clean(doc.article.body)
        doc.sentences = SentenceList(doc.text)
        doc.tokens = TokenList(doc.text)
        return doc


@stage("text", requires=("article",), assigns=("text", "sentences", "tokens"))
def make_text() -> TextStage:
    """Clean text with offsets, sentences and clitic-aware tokens."""
    return TextStage()
