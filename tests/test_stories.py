"""Stories: near-duplicates, incremental story clustering, timelines, CLI, eval gate.

The short articles below were written for these tests (not copied from any outlet)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rasid.doc import Article, DateMention, Doc, Entity, Quote, Speaker
from rasid.pipeline import Pipeline
from rasid.store import Store
from rasid.stories.tracker import StoryTracker
from tests.conftest import need_shared

WIRE = (
    "أعلنت وزارة الزراعة اليوم الثلاثاء إطلاق برنامج وطني لدعم مزارعي النخيل في المناطق الشرقية والوسطى، "
    "بميزانية تبلغ مئتي مليون ريال على مدى ثلاث سنوات. وقال المتحدث الرسمي باسم الوزارة إن البرنامج يشمل "
    "قروضا ميسرة لصغار المزارعين وتدريبا على أساليب الري الحديثة، إضافة إلى إنشاء مراكز لتسويق التمور "
    "في ست محافظات. وأوضح أن التسجيل في البرنامج يبدأ مطلع الشهر المقبل عبر البوابة الإلكترونية للوزارة، "
    "وأن الأولوية ستكون للمزارعين الذين تقل حيازاتهم عن خمسة هكتارات. وأشار إلى أن إنتاج المملكة من التمور "
    "تجاوز مليوني طن في العام الماضي، وأن الصادرات وصلت إلى أكثر من مئة دولة. ودعا المتحدث المزارعين إلى "
    "الاستفادة من البرنامج ومراجعة فروع الوزارة للحصول على المعلومات اللازمة حول شروط القبول.")

# the same wire copy as another paper runs it: its own byline, a changed word, the last sentence dropped
REPUBLISHED = ("الرياض - واس: " + WIRE.replace("اليوم الثلاثاء", "أمس").replace("وأوضح", "وبيّن")
               .rsplit(" ودعا المتحدث", 1)[0])

# another article on the same subject, written independently
OTHER = (
    "يشكو مزارعو النخيل في الأحساء من ارتفاع تكاليف العمالة وتراجع أسعار التمور في الأسواق المحلية هذا الموسم، "
    "ويقول عدد منهم إن الدعم الحكومي لا يصل إلى أصحاب المزارع الصغيرة. وطالب المزارعون بإنشاء جمعيات تعاونية "
    "تتولى التسويق والتخزين المبرد، وبتسهيل إجراءات التصدير إلى الأسواق الآسيوية. ويرى خبراء أن مستقبل القطاع "
    "مرتبط بتحسين الجودة والتعبئة أكثر من زيادة الكميات المنتجة.")


def _docs(*arts: Article) -> list[Doc]:
    return list(Pipeline(("text",)).pipe(arts))


def _ingest(db: str, docs: list[Doc]) -> list[Doc]:
    """The run.py loop: assign, store, record."""
    with Store(db) as store:
        tracker = StoryTracker(store)
        for d in docs:
            tracker.assign(d)
            if store.add(d):
                tracker.added(d)
            else:
                tracker.skipped(d)
        tracker.close()
    return docs


# -- near-duplicates -------------------------------------------------------------------
def test_republished_wire_copy_is_a_duplicate_across_runs(db: str) -> None:
    _ingest(db, _docs(Article(WIRE, title="إطلاق برنامج لدعم مزارعي النخيل", id="w1", source="okaz",
                              published="2015-08-04")))
    # a later run (new tracker, new process): the index is rebuilt from the store
    d2, d3 = _ingest(db, _docs(
        Article(REPUBLISHED, title="200 مليون لدعم النخيل", id="w2", source="alriyadh", published="2015-08-05"),
        Article(OTHER, title="مزارعو النخيل يشكون", id="o1", source="alyaum", published="2015-08-05")))
    assert d2.duplicate_of == "w1"
    assert d3.duplicate_of is None
    assert d2.story == "s-w1"  # a copy joins the story of its original
    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT id, duplicate_of FROM articles")) == {"w1": None, "w2": "w1", "o1": None}
    assert con.execute("SELECT count(*) FROM duplicate_groups WHERE group_id='w1'").fetchone()[0] == 2
    rec = json.loads(con.execute("SELECT record FROM articles WHERE id='w2'").fetchone()[0])
    assert rec["duplicate_of"] == "w1"


def test_third_copy_points_to_the_earliest() -> None:
    tracker = StoryTracker(None)
    docs = _docs(Article(WIRE, id="a"), Article(REPUBLISHED, id="b"), Article(REPUBLISHED + " انتهى", id="c"))
    for d in docs:
        tracker.assign(d)
    assert [d.duplicate_of for d in docs] == [None, "a", "a"]


def test_short_texts_are_not_fingerprinted() -> None:
    tracker = StoryTracker(None)
    docs = _docs(Article("صورة من الحدث", id="a"), Article("صورة من الحدث", id="b"))
    for d in docs:
        tracker.assign(d)
    assert docs[1].duplicate_of is None


# -- incremental clustering ----------------------------------------------------------------
FIRST = (
    "أعلنت السلطات في ولاية كيرالا الهندية أن فيضانات غير مسبوقة أودت بحياة أكثر من مئة شخص خلال أسبوع، "
    "وأجبرت مئتي ألف من السكان على النزوح إلى مخيمات الإيواء. وقال رئيس حكومة الولاية إن الأمطار الموسمية "
    "هي الأغزر منذ قرن، وإن السدود فتحت بواباتها بعد امتلائها. وطلبت كيرالا مساعدة عاجلة من الحكومة المركزية "
    "لإعادة بناء الطرق والجسور التي جرفتها السيول.")
FOLLOW_UP = (
    "ارتفعت حصيلة ضحايا الفيضانات في ولاية كيرالا جنوب الهند إلى ثلاثمئة وخمسين قتيلا، فيما يواصل الجيش "
    "عمليات الإنقاذ بالمروحيات والقوارب لإجلاء العالقين فوق أسطح المنازل. وأعلنت الحكومة المركزية تخصيص "
    "مساعدات عاجلة للولاية المنكوبة، بينما لا يزال أكثر من ثمانمئة ألف نازح في مخيمات الإيواء بعد أن غمرت "
    "السيول القرى وانهارت الجسور. وحذرت الأرصاد من أمطار موسمية غزيرة جديدة خلال الأيام المقبلة.")
# shares a famous name (Trump) with the next one, and nothing else
TRUMP_A = (
    "وقع الرئيس الأمريكي دونالد ترامب أمرا تنفيذيا يفرض رسوما جمركية على واردات الصلب والألمنيوم، "
    "وقال ترامب إن الإجراء يحمي العمال الأمريكيين من المنافسة غير العادلة. وانتقدت المفوضية الأوروبية "
    "القرار وهددت بإجراءات مضادة تشمل سلعا زراعية وصناعية.")
TRUMP_B = (
    "استقبل الرئيس الأمريكي دونالد ترامب في البيت الأبيض فريق كرة السلة الفائز ببطولة الدوري للجامعات، "
    "وهنأ ترامب اللاعبين والمدرب على الموسم الاستثنائي، والتقط معهم الصور التذكارية في الحديقة الجنوبية.")


def _with_entities(doc: Doc, names: list[tuple[str, str]]) -> Doc:
    for text, kb in names:
        i = doc.text.find(text)
        if i >= 0:
            doc.entities.append(Entity(i, i + len(text), text, "PER" if kb == "Q22686" else "LOC", kb))
    return doc


def test_follow_up_joins_and_a_shared_famous_name_does_not(db: str) -> None:
    d1, d2, d3, d4 = _docs(
        Article(FIRST, title="فيضانات كيرالا تقتل أكثر من مئة شخص", id="k1", published="2018-08-12"),
        Article(TRUMP_A, title="ترامب يفرض رسوما على الصلب", id="t1", published="2018-08-13"),
        Article(FOLLOW_UP, title="ارتفاع حصيلة ضحايا فيضانات كيرالا", id="k2", published="2018-08-18"),
        Article(TRUMP_B, title="ترامب يستقبل فريق كرة السلة", id="t2", published="2018-08-14"))
    for d in (d1, d3):
        _with_entities(d, [("كيرالا", "Q1186"), ("الهند", "Q668")])
    for d in (d2, d4):
        _with_entities(d, [("دونالد ترامب", "Q22686")])
    _ingest(db, [d1, d2])
    _ingest(db, [d3, d4])  # a later run: clustering goes on from the stored stories
    assert d3.story == d1.story == "s-k1"
    assert d2.story == "s-t1"
    assert d4.story not in (d1.story, d2.story)
    con = sqlite3.connect(db)
    size, label = con.execute("SELECT size, label FROM stories WHERE id='s-k1'").fetchone()
    assert size == 2 and "كيرالا" in label


def test_story_goes_dormant_after_months() -> None:
    tracker = StoryTracker(None)
    d1, d2 = _docs(Article(FIRST, id="k1", published="2018-01-10"), Article(FOLLOW_UP, id="k2", published="2018-12-10"))
    tracker.assign(d1)
    tracker.assign(d2)
    assert d2.story != d1.story


def test_seeds_are_one_story_that_no_ant_article_joins() -> None:
    seeds = need_shared("seeds")
    need_shared("news", "ant")
    from rasid.bench import ant_articles
    from rasid.ingest import read_inputs

    s0, s4 = sorted(read_inputs([str(seeds)]), key=lambda a: a.origin)
    ants = list(ant_articles(2000))
    for dated in (True, False):
        s0.published, s4.published = ("2017-01-30", "2017-05-15") if dated else (None, None)  # data/README.md
        tracker = StoryTracker(None)
        # the January seed first, the May seed halfway through: ANT articles (2018) arrive
        # between and after them
        docs = list(Pipeline(("text",)).pipe([s0, *ants[:1000], s4, *ants[1000:]]))
        for d in docs:
            tracker.assign(d)
        seed_docs = [d for d in docs if d.article is s0 or d.article is s4]
        assert seed_docs[0].story == seed_docs[1].story, f"dated={dated}"
        joined = [d.id for d in docs if d.story == seed_docs[0].story and d not in seed_docs]
        assert joined == [], f"dated={dated}"


# -- timelines and counting once ---------------------------------------------------------------
def _quoted(aid: str, source: str, published: str, title: str) -> Doc:
    text = "قال وزير الزراعة يوم الاثنين إن \"الدعم سيصل إلى كل مزارع في المملكة\"، " + WIRE
    doc = _docs(Article(text, title=title, id=aid, source=source, published=published))[0]
    q0 = doc.text.index("الدعم")
    q1 = doc.text.index("المملكة\"") + len("المملكة")
    s0 = doc.text.index("وزير الزراعة")
    d0 = doc.text.index("يوم الاثنين")
    doc.quotes = [Quote(q0, q1, doc.text[q0:q1], "direct", "قال",
                        Speaker(s0, s0 + 12, doc.text[s0:s0 + 12], None, None))]
    doc.dates = [DateMention(d0, d0 + 11, doc.text[d0:d0 + 11], "2015-08-03", "relative")]
    doc.entities = [Entity(s0, s0 + 12, doc.text[s0:s0 + 12], "PER")]
    return doc


def test_story_timeline_counts_a_republished_statement_once(db: str) -> None:
    from rasid.stories.timeline import entity_timeline, story_timeline

    _ingest(db, [_quoted("q1", "okaz", "2015-08-04", "دعم النخيل"), _quoted("q2", "alriyadh", "2015-08-05", "الدعم")])
    con = sqlite3.connect(db)
    st = story_timeline(con, "s-q1")
    assert st is not None and [a["id"] for a in st["articles"]] == ["q1", "q2"]
    statements = [it for it in st["timeline"] if it["kind"] == "statement"]
    assert len(statements) == 1
    s = statements[0]
    assert s["date"] == "2015-08-03" and s["date_source"] == "text"
    assert s["outlets"] == ["okaz", "alriyadh"] and s["articles"] == ["q1", "q2"]
    text = con.execute("SELECT text FROM articles WHERE id=?", (s["article_id"],)).fetchone()[0]
    assert text[s["start"]:s["end"]] == s["text"]
    dates = [it["date"] for it in st["timeline"] if it["date"]]
    assert dates == sorted(dates)
    tl = entity_timeline(con, "وزير الزراعة")
    kinds = [it["kind"] for it in tl["timeline"]]
    assert "statement" in kinds and "mention" in kinds
    # the copy's mention is not listed again
    assert [it["article_id"] for it in tl["timeline"] if it["kind"] == "mention"] == ["q1"]


def test_story_commands(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rasid.cli.main import main

    _ingest(db, [_quoted("q1", "okaz", "2015-08-04", "دعم النخيل"), _quoted("q2", "alriyadh", "2015-08-05", "الدعم")])
    assert main(["stories", "--db", db]) == 0
    assert "s-q1" in capsys.readouterr().out
    assert main(["story", "q2", "--db", db]) == 0  # an article id finds its story
    out = capsys.readouterr().out
    assert "copy of q1" in out and "الدعم سيصل" in out and "2 articles: okaz, alriyadh" in out
    assert main(["timeline", "وزير الزراعة", "--db", db]) == 0
    assert "الدعم سيصل" in capsys.readouterr().out
    path = tmp_path / "stories.jsonl"
    assert main(["export-stories", "--db", db, "-o", str(path)]) == 0
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == "s-q1" and rows[0]["timeline"]
    assert main(["story", "nope", "--db", db]) == 1


def test_an_untitled_article_is_shown_by_its_opening_words(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from rasid.cli.main import main
    from rasid.stories.timeline import lead

    assert lead("كشف الوزير أن المحادثات ستستأنف الأسبوع المقبل في جنيف بحضور الأطراف كلها واللجنة.") \
        == "كشف الوزير أن المحادثات ستستأنف الأسبوع المقبل في جنيف بحضور…"
    assert lead("سطر قصير\nوباقي النص") == "سطر قصير…"
    _ingest(db, [_quoted("q1", "okaz", "2015-08-04", "دعم النخيل"), _quoted("q2", "alriyadh", "2015-08-05", None)])
    assert main(["story", "q1", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "q2  قال وزير الزراعة يوم الاثنين إن" in out  # the article line, not a blank title


def test_analyze_output_has_duplicate_of_and_story(tmp_path: Path) -> None:
    from rasid.cli.main import main

    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("برنامج لدعم النخيل\n\n" + WIRE, encoding="utf-8")
    b.write_text("دعم النخيل\n\n" + REPUBLISHED, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["analyze", str(a), str(b), "--no-store", "-q", "-o", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert recs[0]["duplicate_of"] is None and recs[1]["duplicate_of"] == recs[0]["id"]
    assert recs[0]["story"] == recs[1]["story"]


# -- evaluation gate (pinned floors) ------------------------------------------------------------
def test_eval_gate_near_duplicates() -> None:
    need_shared("news", "saudinewsnet")
    from rasid.stories.evaluate import FLOORS, run_duplicates, score_duplicates

    root, _ = run_duplicates()
    sc = score_duplicates(root)
    assert sc["precision"] >= FLOORS["dup_precision"], sc
    assert sc["recall"] >= FLOORS["dup_recall"], sc


def test_eval_gate_story_clusters() -> None:
    need_shared("news", "ant")
    from rasid.stories.evaluate import FLOORS, bcubed, gold_stories, run_clusters

    story, _ = run_clusters()
    b = bcubed(story, gold_stories())
    assert b["items"] >= 200
    assert b["f1"] >= FLOORS["bcubed_f1"], b


def test_bcubed() -> None:
    from rasid.stories.evaluate import bcubed

    assert bcubed({"a": "x", "b": "x"}, {"a": "1", "b": "1"})["f1"] == 1.0
    b = bcubed({"a": "x", "b": "x"}, {"a": "1", "b": "2"})
    assert b["precision"] == 0.5 and b["recall"] == 1.0


def test_corrected_text_under_the_same_id_keeps_its_story_and_is_refingerprinted(db: str) -> None:
    # first run: an unrelated text under id "w1"
    _ingest(db, _docs(Article(OTHER, id="w1", source="alyaum", published="2015-08-04")))
    con = sqlite3.connect(db)
    old_sig = con.execute("SELECT sig FROM fingerprints WHERE article_id='w1'").fetchone()[0]
    # the outlet replaces it with the wire story (same id, new content): same story, new fingerprint
    (d1,) = _ingest(db, _docs(Article(WIRE, id="w1", source="alyaum", published="2015-08-04")))
    assert d1.story == "s-w1"
    new_sig = con.execute("SELECT sig FROM fingerprints WHERE article_id='w1'").fetchone()[0]
    assert new_sig != old_sig
    assert con.execute("SELECT count(*) FROM fingerprints").fetchone()[0] == 1
    # a later copy of the corrected text is found as its duplicate (with the old signature it was not)
    (d2,) = _ingest(db, _docs(Article(REPUBLISHED, id="w2", source="alriyadh", published="2015-08-05")))
    assert d2.duplicate_of == "w1"
    # re-ingesting the same content changes nothing
    _ingest(db, _docs(Article(WIRE, id="w1", source="alyaum", published="2015-08-04")))
    assert con.execute("SELECT sig FROM fingerprints WHERE article_id='w1'").fetchone()[0] == new_sig


def test_corrected_text_without_a_store_is_refingerprinted() -> None:
    tracker = StoryTracker(None)
    for d in _docs(Article(OTHER, id="a"), Article(WIRE, id="a"), Article(REPUBLISHED, id="b")):
        tracker.assign(d)
    assert d.duplicate_of == "a"
