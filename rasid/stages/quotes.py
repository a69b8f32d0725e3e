"""The quotes stage: every direct and indirect reported statement, with its speaker.

Reads ``sentences``, ``tokens`` and ``entities`` (with ``id``/``name``/``group`` when the
linking stage ran before it); works without entities too (speakers are then taken from the
text). The rules live in :mod:`rasid.quotes.extract`, the cue lexicon in
``rasid/resources/quotes/cues.json``; see ``docs/quotes.md``.
"""

from __future__ import annotations

import logging

from rasid.doc import Doc
from rasid.quotes.extract import QuoteExtractor
from rasid.registry import stage

log = logging.getLogger(__name__)


class QuotesStage:
    def __init__(self) -> None:
        self._extract: QuoteExtractor | None = None

    @property
    def extractor(self) -> QuoteExtractor:
        if self._extract is None:  # the lexicon loads on first use, once per process
            self._extract = QuoteExtractor()
        return self._extract

    def __call__(self, doc: Doc) -> Doc:
        doc.quotes = self.extractor(doc)
        return doc


@stage("quotes", requires=("sentences", "tokens", "entities"), assigns=("quotes",))
def make_quotes() -> QuotesStage:
    """Direct and indirect quotes with resolved speakers."""
    return QuotesStage()
