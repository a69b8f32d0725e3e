"""The SQLite store through real files: idempotent ingest, replacement, search, rejects."""

from __future__ import annotations

import sqlite3

import pytest

from rasid.doc import Article
from rasid.errors import StoreError
from rasid.pipeline import Pipeline
from rasid.store import Store
from rasid.store.sqlite import search_key

TEXT = Pipeline(("text",))


def _doc(body: str, **kw: object):  # type: ignore[no-untyped-def]
    return TEXT(Article(body=body, **kw))  # type: ignore[arg-type]


def test_add_is_idempotent_and_replaces_new_versions(db: str) -> None:
    with Store(db) as st:
        assert st.add(_doc("قال الرئيس إن الاتفاق وشيك.", id="a1", title="خبر"))
        assert not st.add(_doc("قال الرئيس إن الاتفاق وشيك.", id="a1", title="خبر"))
        # same id, changed text: the new version replaces the old one
        assert st.add(_doc("قال الرئيس إن الاتفاق تأجل.", id="a1", title="خبر"))
        assert st.count() == 1
        assert "تأجل" in st.get("a1")["text"]
    with Store(db, readonly=True) as st:
        rec = st.record("a1")
        assert rec is not None and rec["text"] == "قال الرئيس إن الاتفاق تأجل."
        assert list(rec)[:7] == ["id", "title", "source", "url", "published", "published_inferred", "text"]


def test_schema_version_and_wal(db: str) -> None:
    Store(db).close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_search_ignores_spelling_variants_and_clitics(db: str) -> None:
    with Store(db) as st:
        st.add(_doc("دعت الأمم المتحدة إلى وقف إطلاق النار في إدلب.", id="un"))
        st.add(_doc("وصل الوفد إلى واشنطن مساء أمس.", id="dc"))
    with Store(db, readonly=True) as st:
        assert [r["id"] for r in st.search("للامم")] == ["un"]
        assert [r["id"] for r in st.search("ادلب")] == ["un"]
        assert [r["id"] for r in st.search("وواشنطن")] == ["dc"]
        assert st.search("باريس") == []
    assert search_key("وللأمم") == search_key("الامم")


def test_rejected_table(db: str) -> None:
    with Store(db) as st:
        st.reject("bad.json:3", "invalid JSON")
        assert st.count("rejected") == 1
        row = st.db.execute("SELECT input, reason, time FROM rejected").fetchone()
        assert row["input"] == "bad.json:3" and row["time"]


def test_readonly_missing_db_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "nope.db", readonly=True)


def test_analyzed_records_load_without_reanalysis(tmp_path, db: str) -> None:  # type: ignore[no-untyped-def]
    import json

    from rasid.cli.main import main

    text = "قال الرئيس اللبناني ميشال عون أمس إن الحكومة ستتشكل قريبا."
    rec = {"id": "done-1", "title": "عون", "source": "s", "url": None, "published": "2018-05-02",
           "published_inferred": False, "text": text,
           "entities": [{"start": 19, "end": 28, "text": "ميشال عون", "type": "PER", "id": "Q1", "name": "Michel Aoun"}],
           "quotes": [{"start": 38, "end": len(text) - 1, "content": text[38:-1], "kind": "indirect", "cue": "قال",
                       "speaker": {"text": "ميشال عون", "start": 19, "end": 28, "id": "Q1", "name": "Michel Aoun"}}],
           "dates": [{"start": 29, "end": 32, "text": "أمس", "value": "2018-05-01", "anchor": "relative"}],
           "places": [], "events": [], "story": None}
    p = tmp_path / "analyzed.jsonl"
    p.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["ingest", str(p), "--db", db, "-q"]) == 0
    with Store(db, readonly=True) as st:
        got = st.record("done-1")
        assert got is not None
        for k in ("text", "entities", "quotes", "dates", "published"):
            assert got[k] == rec[k], k


def test_unlinked_mentions_are_keyed_by_their_groups_fullest_name(db: str) -> None:
    """``أبو زيد`` after ``أحمد أبو زيد`` is the same (unknown) person: the store keys both
    mentions by the full name, so the entity ``norm:أحمد أبو زيد`` holds both, and the
    groups survive the record round trip."""
    from rasid.doc import Entity, doc_from_record
    from rasid.kb.doclink import link_doc

    doc = _doc("وقال المتحدث أحمد أبو زيد إن اللقاء كان مثمرا. وأضاف أبو زيد أن وزير الخارجية "
               "سيرغي لافروف وصل إلى القاهرة، وقال لافروف إن الزيارة مهمة.", id="g1")
    for name, typ in (("أحمد أبو زيد", "PER"), ("أبو زيد", "PER"), ("سيرغي لافروف", "PER"),
                      ("لافروف", "PER"), ("القاهرة", "LOC")):
        i = doc.text.find(name)
        while i >= 0:
            if not any(e.start <= i < e.end for e in doc.entities):
                doc.entities.append(Entity(i, i + len(name), name, typ))
            i = doc.text.find(name, i + 1)
    doc.entities.sort(key=lambda e: e.start)
    link_doc(doc)
    with Store(db) as st:
        st.add(doc)
        rows = st.db.execute("SELECT text, kb_id, norm FROM entities WHERE article_id = 'g1' ORDER BY start").fetchall()
        rec = st.record("g1")
    got = [(r["text"], r["kb_id"], r["norm"]) for r in rows]
    assert got[:2] == [("أحمد أبو زيد", None, "احمد ابو زيد"), ("أبو زيد", None, "احمد ابو زيد")]
    # linked mentions keep their own normalized text (they are keyed by the KB id)
    assert [(t, n) for t, k, n in got if k] == [("سيرغي لافروف", "سيرغي لافروف"), ("القاهرة", "القاهره"),
                                                ("لافروف", "لافروف")]
    groups = [e["group"] for e in rec["entities"]]
    assert groups[0] == groups[1] and groups[2] == groups[4] and len(set(groups)) == 3
    assert [e.group for e in doc_from_record(rec).entities] == groups
    with Store(db, readonly=True) as st:
        # counted once with the short one, shown by the romanized name of the fullest
        # mention (both mentions carry it: rasid.kb.romanize)
        top = {t["entity"]: t["mentions"] for t in st.stats()["top_entities"]}
        assert top["Ahmed Abu Zayd"] == 2 and "أبو زيد" not in top
