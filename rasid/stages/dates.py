"""The dates stage: Arabic date expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt

from rasid.doc import DateMention, Doc
from rasid.registry import stage
from rasid.util.dates import publication_date


class DateStage:
    def __call__(self, doc: Doc) -> Doc:
        from rasid.timex.extract import find_dates
        from rasid.timex.infer import infer_published

        pub: dt.date | None = publication_date(doc.article.published)
        if pub is None:
            inferred = infer_published(doc.text)
            if inferred is not None:
                pub = getattr(inferred, "date", inferred)
                doc.published = pub.isoformat()
                doc.published_inferred = True
        doc.dates = [DateMention(m.start, m.end, m.text, m.value, m.anchor)
                     for m in find_dates(doc.text, pub)]
        return doc


@stage("dates", requires=("text",), assigns=("dates", "published"))
def make_dates() -> DateStage:
    """Date expressions resolved to ISO values; infers an undated article's date."""
    return DateStage()
