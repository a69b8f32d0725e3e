"""Events: trigger lexicon, extraction on sentences written for these tests, dedup across
articles, the store, the CLI, exports, and an eval gate with pinned floors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from rasid.doc import Article, Doc, Entity
from rasid.events.dedup import Deduper, Mention, dates_compatible, dedup, event_key
from rasid.events.export import TSV_COLUMNS, write_plover_json, write_tsv
from rasid.events.extract import EventExtractor
from rasid.events.lexicon import PLOVER_TYPES, load
from rasid.text import normalize


def analyze(text: str, ents: list[tuple[str, str]], published: str | None = "2019-03-12",
            source: str = "test", doc_id: str = "t1") -> Doc:
    from rasid import registry

    doc = Doc(article=Article(body=text, id=doc_id, published=published, source=source,
                              url=f"https://example.org/{doc_id}"), text="")
    doc = registry.get("text").factory()(doc)
    found = []
    for s, typ in ents:
        i = doc.text.find(s)
        while i >= 0:
            found.append(Entity(i, i + len(s), s, typ))
            i = doc.text.find(s, i + len(s))
    doc.entities = sorted(found, key=lambda e: e.start)
    doc = registry.get("nationalities").factory()(doc)
    doc = registry.get("dates").factory()(doc)
    doc = registry.get("quotes").factory()(doc)
    doc.events = EventExtractor()(doc)
    return doc


def only(doc: Doc, typ: str) -> dict[str, Any]:
    evs = [e for e in doc.events if e["type"] == typ]
    assert len(evs) == 1, doc.events
    return evs[0]


# ---------------------------------------------------------------- lexicon
def test_lexicon_covers_every_type_and_inflects() -> None:
    lex = load()
    types = {f.entry.type for forms in lex.forms.values() for f in forms}
    assert types == set(PLOVER_TYPES)

    def typ(w: str) -> set[str]:
        return {f.entry.type for f in lex.forms.get(normalize(w), ())}

    # clitics, feminine/plural, future, object pronouns, article + prepositions
    assert "CONSULT" in typ("والتقت")
    assert "CONSULT" in typ("للاجتماعات")
    assert "PROTEST" in typ("ستقاطع")
    assert "ACCUSE" in typ("ويتهمونه")
    assert "ASSAULT" in typ("بالهجمات")
    assert "REQUEST" in typ("مطالبين")
    assert typ("وزارة") == set()  # not زار + ة


# ---------------------------------------------------------------- extraction
def test_consult_actor_target_place_and_own_date() -> None:
    doc = analyze("التقى وزير الخارجية الفرنسي جان إيف لودريان نظيره المصري سامح شكري "
                  "في القاهرة يوم الأحد لبحث الأزمة.",
                  [("جان إيف لودريان", "PER"), ("سامح شكري", "PER"), ("القاهرة", "LOC")])
    ev = only(doc, "CONSULT")
    assert ev["trigger"]["text"] == "التقى"
    assert {ev["actor"]["text"], ev["target"]["text"]} == {"جان إيف لودريان", "سامح شكري"}
    assert ev["place"]["text"] == "القاهرة"
    assert ev["date"] == {**ev["date"], "value": "2019-03-10", "source": "text"}
    assert ev["negated"] is False
    for e in doc.events:  # every span indexes the text
        for part in ("trigger", "actor", "target", "place"):
            if e[part]:
                assert doc.text[e[part]["start"]:e[part]["end"]] == e[part]["text"]


def test_negated_and_hypothetical() -> None:
    doc = analyze("لم تفرض الحكومة الألمانية عقوبات على الشركة الروسية.", [])
    assert only(doc, "SANCTION")["negated"] is True
    doc = analyze("قد تفرض واشنطن عقوبات جديدة على الشركات.", [("واشنطن", "LOC")])
    assert [e for e in doc.events if e["type"] == "SANCTION"] == []


def test_speech_act_title_continuation_and_svo() -> None:
    doc = analyze("اتهم الرئيس التركي رجب طيب أردوغان الاتحاد الأوروبي بالنفاق يوم الخميس. "
                  "وأضاف الرئيس أن أنقرة ترفض الشروط الأوروبية.",
                  [("رجب طيب أردوغان", "PER"), ("الاتحاد الأوروبي", "ORG"), ("أنقرة", "LOC")])
    acc = only(doc, "ACCUSE")
    assert acc["actor"]["text"] == "رجب طيب أردوغان"
    assert acc["target"]["text"] == "الاتحاد الأوروبي"
    assert acc["date"]["source"] == "text" and acc["date"]["value"] == "2019-03-07"
    rej = only(doc, "REJECT")
    assert rej["actor"]["text"] == "أنقرة"
    assert rej["date"]["source"] == "published"


def test_request_ties_to_its_quote_and_pronoun_object() -> None:
    doc = analyze("وطالب الأمين العام للأمم المتحدة أنطونيو غوتيريش إسرائيل بوقف الاستيطان، "
                  "وقال إن \"الوقت ينفد\".",
                  [("أنطونيو غوتيريش", "PER"), ("إسرائيل", "LOC"), ("الأمم المتحدة", "ORG")])
    req = only(doc, "REQUEST")
    assert req["actor"]["text"] == "أنطونيو غوتيريش"
    assert req["target"]["text"] == "إسرائيل"
    if any(q.cue_start is not None and q.cue_start <= req["trigger"]["start"] < (q.cue_end or 0)
           for q in doc.quotes):
        assert isinstance(req["quote"], int)


def test_assault_light_verb_and_place() -> None:
    doc = analyze("شنت طائرات حربية غارات جوية على مدينة إدلب أمس، ما أدى إلى مقتل مدنيين.",
                  [("إدلب", "LOC")])
    ev = [e for e in doc.events if e["trigger"]["text"] == "غارات"][0]
    assert ev["type"] == "ASSAULT"
    assert ev["actor"]["text"].startswith("طائرات")
    assert ev["place"]["text"] == "إدلب"
    assert ev["date"]["value"] == "2019-03-11"


def test_nationality_adjective_after_a_verbal_noun_is_the_actor() -> None:
    """ضربات إسرائيلية / ترحيبا إسرائيليا: the adjective (any gender, number, the accusative
    -يًا) names who acts; a people noun after the verbal noun (إبادة الأرمن) is its object."""
    doc = analyze("أثار القرار إدانة دولية واسعة وترحيبا إسرائيليا، وجاء ذلك بعد ضربات إيرانية على مواقع.",
                  [])
    ev = [e for e in doc.events if e["trigger"]["text"] == "وترحيبا"][0]
    assert ev["type"] == "SUPPORT" and ev["actor"]["name"] == "Israel"
    assert ev["actor"]["text"] == "إسرائيليا"
    hits = [e for e in doc.events if e["trigger"]["text"] == "ضربات"]
    assert hits and hits[0]["actor"]["name"] == "Iran"
    doc = analyze("وطالب البرلمان الأوروبي بالاعتراف بإبادة الأرمن.", [("البرلمان الأوروبي", "ORG")])
    for e in doc.events:
        assert (e.get("actor") or {}).get("name") != "Armenia", e


def test_speech_act_in_a_quote_is_the_speakers_not_the_adjectives() -> None:
    doc = analyze("وقال وزير الخارجية مايك بومبيو إن هناك 12 مطلبا أميركيا من إيران.",
                  [("مايك بومبيو", "PER"), ("إيران", "LOC")])
    ev = [e for e in doc.events if e["type"] == "REQUEST"]
    assert ev and ev[0]["actor"]["text"] == "مايك بومبيو", doc.events


def test_sharp_attack_is_criticism() -> None:
    doc = analyze("وشن وزير الخارجية الألماني هايكو ماس هجوماً حاداً على الرئيس الأميركي دونالد ترامب.",
                  [("هايكو ماس", "PER"), ("دونالد ترامب", "PER")])
    ev = only(doc, "ACCUSE")
    assert ev["trigger"]["text"] == "هجوماً" and not [e for e in doc.events if e["type"] == "ASSAULT"]
    assert ev["actor"]["text"] == "هايكو ماس" and ev["target"]["text"] == "دونالد ترامب"


def test_release_idiom_is_concede_even_with_an_adjunct_between() -> None:
    """أطلق سراح is a release (CONCEDE) wherever the need-check finds سراح, also past a time
    adjunct between commas; أطلق النار stays an assault."""
    doc = analyze("وكانت ميليشيا الحوثي، أطلقت، الاثنين، سراح المختطف جمال المعمري.",
                  [("ميليشيا الحوثي", "ORG"), ("جمال المعمري", "PER")])
    assert [e["type"] for e in doc.events if e["trigger"]["text"] == "أطلقت"] == ["CONCEDE"]
    doc = analyze("أطلق مسلحون النار على دورية للشرطة.", [])
    assert [e["type"] for e in doc.events if e["trigger"]["text"] == "أطلق"] == ["ASSAULT"]


def test_actor_of_relative_clause_after_comma() -> None:
    doc = analyze("أصدرت المحكمة مذكرات توقيف بحق عناصر في حزب الله، الذي رفض التهم بشكل قاطع.",
                  [("حزب الله", "ORG")])
    ev = only(doc, "REJECT")
    assert ev["actor"]["text"] == "حزب الله"


def test_feminine_plural_subject_does_not_swallow_the_object() -> None:
    doc = analyze("وبحسب مؤرخين، فقد أجبرت السلطات القرويين الأرمن على العمل في الجيش.", [])
    ev = only(doc, "COERCE")
    assert ev["actor"]["text"] == "السلطات"


def test_verbal_noun_with_lam_complement() -> None:
    doc = analyze("شكل القرار في الحقيقة اعتراف الأمم المتحدة بالدولة اليهودية.",
                  [("الأمم المتحدة", "ORG")])
    ev = only(doc, "SUPPORT")
    assert ev["actor"]["text"] == "الأمم المتحدة" and ev["target"]["text"] == "الدولة اليهودية"
    doc = analyze("ودخلت السعودية الحرب في اليمن دعما لقوات الحكومة الشرعية.",
                  [("السعودية", "LOC"), ("اليمن", "LOC"), ("قوات الحكومة الشرعية", "ORG")])
    ev = [e for e in doc.events if e["trigger"]["text"] == "دعما"][0]
    # the adverbial accusative's agent is the subject of its clause (VSO: ودخلت السعودية)
    assert ev["actor"]["text"] == "السعودية" and ev["target"]["text"] == "قوات الحكومة الشرعية"
    doc = analyze("خرج المتظاهرون في الرباط تضامناً مع غزة.", [("الرباط", "LOC"), ("غزة", "LOC")])
    assert all((e["actor"] or {}).get("text") != "الرباط" for e in doc.events)


def test_same_event_twice_in_one_article_is_one_item() -> None:
    doc = analyze("جرى اتصال هاتفي بين الرئيس فلاديمير بوتين والرئيس دونالد ترامب يوم السبت. "
                  "وبحث الرئيسان خلال الاتصال الأزمة السورية.",
                  [("فلاديمير بوتين", "PER"), ("دونالد ترامب", "PER")])
    ev = only(doc, "CONSULT")
    assert {ev["actor"]["text"], ev["target"]["text"]} == {"فلاديمير بوتين", "دونالد ترامب"}
    assert ev["date"]["value"] == "2019-03-09"


def test_empty_doc() -> None:
    assert EventExtractor()(Doc(article=Article(body=""), text="")) == []


# ---------------------------------------------------------------- dedup, export
def _ev(typ: str, actor: str, target: str | None, date: str | None, src: str = "text",
        place: str | None = None) -> dict[str, Any]:
    return {"type": typ, "trigger": {"start": 0, "end": 3, "text": "x"},
            "actor": {"text": actor, "start": 0, "end": 1, "id": None, "name": None},
            "target": {"text": target, "start": 0, "end": 1, "id": None, "name": None} if target else None,
            "date": {"value": date, "source": src} if date else None,
            "place": {"text": place, "start": 0, "end": 1, "name": place, "id": None,
                      "lat": 33.5, "lon": 36.3} if place else None,
            "negated": False, "quote": None}


def test_dedup_across_outlets_keeps_disagreements() -> None:
    recs = [
        {"id": "a", "source": "bbc", "url": "u1", "published": "2018-05-11",
         "events": [_ev("CONSULT", "فلاديمير بوتين", "دونالد ترامب", "2018-05-10", place="موسكو")]},
        {"id": "b", "source": "cnn", "url": "u2", "published": "2018-05-10",
         "events": [_ev("CONSULT", "ترامب", "بوتين", "2018-05-11", place="دمشق"),
                    _ev("ASSAULT", "مسلحون", None, "2018-05-10")]},
        {"id": "c", "source": "cnn", "url": "u3", "published": "2018-06-20",
         "events": [_ev("CONSULT", "بوتين", "ترامب", "2018-06-20")]},
    ]
    d = dedup(recs)
    assert d.n_mentions == 4
    sums = d.summaries()
    assert len(sums) == 3
    call = [s for s in sums if s["type"] == "CONSULT" and s["n_mentions"] == 2][0]
    assert call["n_sources"] == 2 and call["outlets"] == ["bbc", "cnn"]
    assert call["first_report"] == "2018-05-10" and call["first_url"] == "u2"
    assert set(call["dates"]) == {"2018-05-10", "2018-05-11"}
    assert set(call["places"]) == {"موسكو", "دمشق"}

    buf = io.StringIO()
    assert write_tsv(sums, buf) == 3
    lines = buf.getvalue().splitlines()
    assert lines[0].split("\t") == list(TSV_COLUMNS)
    assert all(len(x.split("\t")) == len(TSV_COLUMNS) for x in lines)
    buf = io.StringIO()
    write_plover_json(sums, buf)
    first = json.loads(buf.getvalue().splitlines()[0])
    assert {"event_id", "event_date", "event_type", "source_actor", "target_actor", "location",
            "num_sources", "mentions"} <= set(first)


def test_events_without_participants_are_not_merged_on_date_alone() -> None:
    anon = {**_ev("ASSAULT", "x", None, "2018"), "actor": None}
    recs = [{"id": "a", "source": "bbc", "events": [anon]},
            {"id": "b", "source": "cnn", "events": [anon]}]
    assert len(dedup(recs).records) == 2
    here = {**_ev("ASSAULT", "x", None, "2018-04-07", place="دوما"), "actor": None}
    recs = [{"id": "a", "source": "bbc", "events": [here]},
            {"id": "b", "source": "cnn", "events": [here]}]
    assert len(dedup(recs).records) == 1


def test_date_compatibility_and_keys() -> None:
    assert dates_compatible({"value": "2018-05"}, {"value": "2018-05-14"})
    assert dates_compatible({"value": "2018-05-14"}, {"value": "2018-05-15"})
    assert not dates_compatible({"value": "2018-05-14"}, {"value": "2018-05-20"})
    assert dates_compatible({"value": "2018-05-14", "source": "published"}, {"value": "2018-05-11"})
    assert event_key(_ev("CONSULT", "أ", "ب", None)) == event_key(_ev("CONSULT", "ب", "أ", None))
    assert event_key(_ev("ACCUSE", "أ", "ب", None)) != event_key(_ev("ACCUSE", "ب", "أ", None))
    d = Deduper()
    d.add(Mention("x", 0, _ev("ACCUSE", "أ", "ب", "2018-01-01"), "s", None, None))
    d.add(Mention("y", 0, _ev("ACCUSE", "أ", "ب", "2018-03-01"), "s", None, None))
    assert len(d.records) == 2


# ---------------------------------------------------------------- store and CLI
def test_store_folds_events_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rasid.cli.main import main
    from rasid.events.store import counts, event_summaries
    from rasid.store import Store

    db = tmp_path / "r.db"
    ents = [("فلاديمير بوتين", "PER"), ("دونالد ترامب", "PER")]
    d1 = analyze("أجرى الرئيس فلاديمير بوتين اتصالا هاتفيا مع الرئيس دونالد ترامب يوم السبت.",
                 ents, published="2019-03-11", source="bbc", doc_id="d1")
    d2 = analyze("بحث الرئيس دونالد ترامب مع الرئيس فلاديمير بوتين في اتصال هاتفي السبت الأزمة.",
                 ents, published="2019-03-10", source="cnn", doc_id="d2")
    assert d1.events and d2.events
    with Store(db) as st:
        st.add(d1)
        st.add(d2)
    with Store(db) as st:
        n_mentions, n_records = counts(st.db)
        assert n_records < n_mentions
        sums = event_summaries(st.db, type="CONSULT")
        assert sums[0]["n_sources"] == 2 and sums[0]["first_report"] == "2019-03-10"
        assert event_summaries(st.db, actor="ترامب", since="2019-03", until="2019-03-31")
        assert event_summaries(st.db, actor="لافروف") == []
    assert main(["events", "--db", str(db), "--type", "consult"]) == 0
    out = capsys.readouterr().out
    assert "CONSULT" in out and "2 sources" in out
    assert main(["stats", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"events: {n_mentions} mentions in articles -> {n_records} deduplicated events (1 reported by more than one outlet)" in out
    tsv = tmp_path / "e.tsv"
    assert main(["export-events", "--db", str(db), "--format", "tsv", "-o", str(tsv)]) == 0
    rows = tsv.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + n_records
    assert main(["export-events", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["num_sources"] == 2
    # a replaced article leaves no stale mention behind
    with Store(db) as st:
        st._delete("d2", st.db.execute("SELECT rowid FROM articles WHERE id='d2'").fetchone()[0])
        st.flush()
        assert event_summaries(st.db, type="CONSULT")[0]["n_sources"] == 1


# ---------------------------------------------------------------- eval gate
#: pinned floors on dev + seeds (measured: see docs/events.md); raise them when it improves
FLOORS = {"f1": 0.62, "actor_acc": 0.74, "date_acc": 0.70}


def test_eval_gate() -> None:
    from rasid.events.evaluate import evaluate
    from rasid.util.shared import shared_dir

    if not (shared_dir() / "data" / "gold" / "dev_events.jsonl").exists():
        pytest.skip("shared gold data not available")
    try:
        res = evaluate(["dev", "seeds"])
    except ImportError as e:  # a stage another engineer is still landing
        pytest.skip(f"pipeline not runnable in this checkout: {e}")
    for k, floor in FLOORS.items():
        assert res[k] >= floor, (k, res[k], res)
