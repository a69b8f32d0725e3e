"""The dates stage: Arabic date expressions resolved against the publication date.

Without a publication date in the metadata, the text's own clues are used
(:func:`rasid.timex.infer.infer_publication`): a determined day becomes ``published`` with
``published_inferred: true``; a determined year and month still resolve "الجاري" dates;
otherwise relative dates stay unresolved (value null) and year-less dates keep ``XXXX``.
"""

from __future__ import annotations

import datetime as dt

from rasid.doc import DateMention, Doc
from rasid.registry import stage
from rasid.util.dates import publication_date


class DateStage:
    def __call__(self, doc: Doc) -> Doc:
        from rasid.timex.extract import find_dates
        from rasid.timex.infer import infer_publication

        pub: dt.date | None = publication_date(doc.article.published)
        year_month = None
        if pub is None:
            inf = infer_publication(doc.text)
            if inf.date is not None:
                pub = inf.date
                doc.published = pub.isoformat()
                doc.published_inferred = True
            else:
                year_month = inf.year_month
        doc.dates = [DateMention(m.start, m.end, m.text, m.value, m.anchor)
                     for m in find_dates(doc.text, pub, year_month=year_month)]
        return doc


@stage("dates", requires=("text",), assigns=("dates", "published"))
def make_dates() -> DateStage:
    """Date expressions resolved to ISO values; infers an undated article's date."""
    return DateStage()
