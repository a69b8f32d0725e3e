"""The events stage: PLOVER-coded events (who did what to whom, where, when).

Reads tokens, sentences, entities (with ``id``/``name``/``group`` when linking ran), quotes
(speech-act events tie to their quote, actors resolve like speakers), dates and places.
The rules live in :mod:`rasid.events.extract`, the trigger lexicon in
``rasid/resources/events/triggers.json``; see ``docs/events.md``.
"""

from __future__ import annotations

import logging

from rasid.doc import Doc
from rasid.events.extract import EventExtractor
from rasid.registry import stage

log = logging.getLogger(__name__)


class EventsStage:
    def __init__(self) -> None:
        self._extract: EventExtractor | None = None

    @property
    def extractor(self) -> EventExtractor:
        if self._extract is None:  # the lexicon loads on first use, once per process
            self._extract = EventExtractor()
        return self._extract

    def __call__(self, doc: Doc) -> Doc:
        doc.events = self.extractor(doc)
        return doc


@stage("events", requires=("entities", "nationalities", "dates", "quotes"), assigns=("events",))
def make_events() -> EventsStage:
    """PLOVER events with trigger, actor, target, date, place, negation and quote."""
    return EventsStage()
