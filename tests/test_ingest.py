"""Readers on real-shaped inputs: every format, encodings, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from rasid.doc import Article
from rasid.errors import InputError
from rasid.ingest import read_inputs
from tests.conftest import need_shared

BODY = "قال وزير الخارجية الأردني أيمن الصفدي اليوم الأحد إن عمّان ترفض أي حل لا يضمن حقوق الفلسطينيين.\nوأضاف أن الأردن سيواصل جهوده."


def _articles(items: list) -> list[Article]:
    return [a for a in items if isinstance(a, Article)]


def _errors(items: list) -> list[InputError]:
    return [e for e in items if isinstance(e, InputError)]


def test_txt_layout_title_section_caption_outlet(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("الصفدي: لا حل دون الفلسطينيين\n\nعربي ودولي\n\nالصفدي\nالصفدي\n\n" + BODY + "\nصحيفة الغد\n",
                 encoding="utf-8")
    [a] = list(read_inputs([str(p)]))
    assert a.title == "الصفدي: لا حل دون الفلسطينيين"
    assert a.meta["section"] == "عربي ودولي" and a.meta["caption"] == "الصفدي"
    assert a.source == "صحيفة الغد"
    assert a.body == BODY
    assert a.raw[a.body_offset:a.body_offset + len(a.body)] == a.body


def test_seeds_layout() -> None:
    seeds = need_shared("seeds")
    arts = _articles(list(read_inputs([str(seeds)])))
    by_name = {Path(a.origin).name[:3]: a for a in arts}
    assert by_name["000"].title == "لافروف: مباردة المناطق الآمنة في سوريا لا تهدف لإسقاط الأسد"
    assert by_name["000"].meta["section"] == "عربي ودولي"
    assert by_name["000"].body.startswith("قال وزير الخارجية الروسي")
    assert by_name["004"].source == "سيريانيوز"
    assert not by_name["004"].body.rstrip().endswith("سيريانيوز")
    assert by_name["004"].title is None


def test_encodings(tmp_path: Path) -> None:
    text = "عنوان الخبر\n\n" + BODY
    (tmp_path / "utf8bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "cp1256.txt").write_bytes(text.replace("عمّان", "عمان").encode("cp1256"))
    (tmp_path / "iso.txt").write_bytes(text.replace("عمّان", "عمان").encode("iso-8859-6"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    arts = _articles(list(read_inputs([str(tmp_path)])))
    assert len(arts) == 4
    for a in arts:
        assert a.title == "عنوان الخبر", a.origin
        assert a.body.startswith("قال وزير الخارجية الأردني"), a.origin


def test_jsonl_csv_json_and_bad_lines(tmp_path: Path) -> None:
    good = {"id": "x1", "title": "خبر", "text": BODY, "published": "Sun, 15 Jul 2018 10:00:00 +0300",
            "source": "بي بي سي", "url": "http://e.org/1", "category": "world"}
    lines = [json.dumps(good, ensure_ascii=False), '{"id": "x2", "text": "مقطوع', "",
             json.dumps({"id": "x3", "title": "بلا نص"}), json.dumps({**good, "id": "x4", "content": BODY})]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,title,content,published\nc1,عنوان,\"" + BODY + "\",2018-07-01\n",
                                    encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps([good], ensure_ascii=False), encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    arts = {a.id: a for a in _articles(items)}
    errs = _errors(items)
    assert set(arts) == {"x1", "x4", "c1"}
    assert arts["x1"].published == "2018-07-15T10:00:00+03:00"
    assert arts["x1"].meta == {"category": "world"}
    assert arts["c1"].published == "2018-07-01"
    reasons = {e.input.split("/")[-1]: e.reason for e in errs}
    assert "invalid JSON" in reasons["a.jsonl:2"]
    assert "no text" in reasons["a.jsonl:4"]


def test_bad_files_are_named_and_do_not_stop_others(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("عنوان\n\n" + BODY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    items = list(read_inputs([str(tmp_path), str(tmp_path / "missing.txt")]))
    assert [a.title for a in _articles(items)] == ["عنوان"]
    reasons = {Path(e.input).name: e.reason for e in _errors(items)}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["image.txt"]
    assert "encoding" in reasons["latin.txt"]
    assert "no such file" in reasons["missing.txt"]


def test_non_arabic_articles_are_rejected_with_the_reason(tmp_path: Path) -> None:
    """An English article of a mixed feed, and a text without words, are named and rejected;
    Arabic news with Latin names, acronyms and a URL is kept."""
    mixed = ("قال الرئيس التنفيذي لشركة Apple تيم كوك (Tim Cook) في مؤتمر WWDC إن الشركة ستفتح "
             "متجرا في دبي، وفق ما نقلت وكالة Reuters عبر موقعها https://www.reuters.com/technology.")
    records = [{"id": "ar", "text": mixed},
               {"id": "en", "text": "The minister said on Monday that the talks would resume in Geneva."},
               {"id": "num", "text": "2018 - 15 / 3 : 45%"}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                         encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    assert [a.id for a in _articles(items)] == ["ar"]
    reasons = {e.input.rsplit(":", 1)[-1]: e.reason for e in _errors(items)}
    assert reasons == {"2": "not Arabic text (0% of its letters are Arabic; Rasid analyzes Arabic news)",
                       "3": "no words (the text has no letters)"}


def test_a_folder_scan_leaves_out_the_excluded_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("عنوان\n\n" + BODY, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "old", "text": BODY}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert [a.id for a in _articles(list(read_inputs([str(tmp_path)])))][-1] == "old"
    items = list(read_inputs([str(tmp_path)], exclude=[str(out)]))
    assert [a.title for a in _articles(items)] == ["عنوان"] and not _errors(items)
    items = list(read_inputs([str(tmp_path / "*")], exclude=[str(out)]))
    assert [a.title for a in _articles(items)] == ["عنوان"]
    # a pattern matching the folder that holds it
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_text("عنوان ثان\n\n" + BODY, encoding="utf-8")
    inner = sub / "out.jsonl"
    inner.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    items = list(read_inputs([str(tmp_path / "s*")], exclude=[str(inner)]))
    assert [a.title for a in _articles(items)] == ["عنوان ثان"]


def test_samples_every_format() -> None:
    from importlib import resources

    with resources.as_file(resources.files("rasid.resources") / "samples") as folder:
        items = list(read_inputs([str(folder)]))
    assert not _errors(items)
    arts = _articles(items)
    assert {a.format for a in arts} == {"txt", "jsonl", "csv", "html", "feed", "warc"}
    html = next(a for a in arts if a.format == "html")
    assert html.title == "شكري يبحث مع نظيره الأردني تطورات القضية الفلسطينية"
    assert html.source == "نشرة القاهرة" and html.published == "2018-06-11"
    assert not html.body.startswith(html.title)
    warc = next(a for a in arts if a.format == "warc")
    assert warc.url == "https://example.org/maghreb/tunisia-municipal"
    feed = [a for a in arts if a.format == "feed"]
    assert len(feed) == 2 and all(a.source == "موجز الخليج" and a.published for a in feed)
    assert all("<p>" not in a.body for a in feed)
