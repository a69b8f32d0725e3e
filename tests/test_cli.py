"""The CLI as a user runs it: real files in, JSON Lines and a real SQLite store out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasid.cli.main import main
from tests.conftest import need_shared

BODY = "قال وزير الخارجية الأردني أيمن الصفدي اليوم الأحد إن الأردن يرفض أي حل لا يضمن حقوق الفلسطينيين."


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_version_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "rasid", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("rasid ")


def test_every_option_and_argument_has_help() -> None:
    """`rasid COMMAND --help` documents everything a user can type."""
    import argparse

    from rasid.cli.main import build_parser

    missing = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for a in parser._actions:
            if isinstance(a, argparse._SubParsersAction):
                for name, sp in a.choices.items():
                    walk(sp, f"{path} {name}")
            elif not a.help and a.dest != "help":
                missing.append(f"{path} {'/'.join(a.option_strings) or a.dest}")

    walk(build_parser(), "rasid")
    assert not missing, missing


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["analyze"])
    assert e.value.code == 2


def test_analyze_seeds_contract(tmp_path: Path, db: str) -> None:
    seeds = need_shared("seeds")
    out = tmp_path / "out.jsonl"
    code = main(["analyze", *sorted(str(p) for p in seeds.glob("*.txt")), "-o", str(out), "--db", db, "-q"])
    assert code == 0
    recs = _records(out)
    assert len(recs) == 2
    by = {r["source"]: r for r in recs}
    r0 = next(r for r in recs if r["title"])
    assert r0["title"] == "لافروف: مباردة المناطق الآمنة في سوريا لا تهدف لإسقاط الأسد"
    assert r0["text"].startswith("قال وزير الخارجية الروسي")
    r4 = by["سيريانيوز"]
    assert not r4["text"].rstrip().endswith("سيريانيوز")
    for r in recs:
        for key in ("id", "title", "source", "url", "published", "published_inferred", "text", "entities",
                    "quotes", "dates", "places", "events", "story"):
            assert key in r
        t = r["text"]
        for item in r["entities"] + r["dates"] + r["places"]:
            assert t[item["start"]:item["end"]] == item["text"]
        for q in r["quotes"]:
            assert t[q["start"]:q["end"]] == q["content"]
            if q["speaker"]:
                sp = q["speaker"]
                assert t[sp["start"]:sp["end"]] == sp["text"]


def test_bad_inputs_folder_exit_1(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "utf8.txt").write_text("عنوان أول\n\n" + BODY, encoding="utf-8")
    (d / "win.txt").write_bytes(("عنوان ثان\n\n" + BODY.replace("الأحد", "الاثنين")).encode("cp1256"))
    (d / "blob.txt").write_bytes(bytes(range(256)) * 8)
    (d / "empty.txt").write_bytes(b"")
    good = json.dumps({"id": "j1", "title": "ثالث", "text": BODY + " وأضاف أن الحل قريب."}, ensure_ascii=False)
    (d / "feed.jsonl").write_text(good + '\n{"id": "j2", "text": "مقطو\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["analyze", str(d), "-o", str(out), "--db", db, "-q"])
    assert code == 1
    titles = sorted(r["title"] for r in _records(out))
    assert titles == sorted(["عنوان أول", "عنوان ثان", "ثالث"])
    err = capsys.readouterr().err
    assert "blob.txt: binary file" in err
    assert "empty.txt: empty file" in err
    assert "feed.jsonl:2: invalid JSON" in err
    # recorded in the store, and the good articles are all there
    import sqlite3

    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM rejected").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_output_file_is_never_read_back_or_overwritten_as_input(tmp_path: Path, db: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("عنوان أول\n\n" + BODY, encoding="utf-8")
    out = d / "out.jsonl"
    # the output named as an input: a usage error before anything is written; the file is intact
    old = json.dumps({"id": "kept", "text": BODY}, ensure_ascii=False) + "\n"
    out.write_text(old, encoding="utf-8")
    assert main(["analyze", str(out), "-o", str(out), "--db", db, "-q"]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == old
    # inside the analyzed folder (the second run of "rasid analyze . -o out.jsonl"): left out
    assert main(["analyze", str(d), "-o", str(out), "--db", db, "-q"]) == 0
    assert [r["title"] for r in _records(out)] == ["عنوان أول"]
    assert main(["analyze", str(d), "-o", str(out), "--db", db, "-q"]) == 0
    assert [r["title"] for r in _records(out)] == ["عنوان أول"]


def test_ingest_twice_stores_once_then_show_stats_export(tmp_path: Path, db: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import resources

    with resources.as_file(resources.files("rasid.resources") / "samples") as folder:
        assert main(["ingest", str(folder), "--db", db, "-q"]) == 0
        assert main(["ingest", str(folder), "--db", db]) == 0
    err = capsys.readouterr().err
    assert "0 new, 9 already stored" in err
    assert main(["stats", "--db", db]) == 0
    assert "9 articles" in capsys.readouterr().out
    assert main(["search", "غوتيريش", "--db", db]) == 0
    assert "sample-wire-001" in capsys.readouterr().out
    assert main(["show", "sample-wire-001", "--db", db]) == 0
    assert "الأمم المتحدة تدعو إلى هدنة إنسانية في اليمن" in capsys.readouterr().out
    assert main(["show", "sample-wire-001", "--raw", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "sample-wire-001"
    out = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "-o", str(out), "--db", db]) == 0
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 9 and {"id", "title", "text", "published"} <= set(rows[0])
    pq = tmp_path / "x.parquet"
    assert main(["export", "--format", "parquet", "-o", str(pq), "--db", db]) == 0
    import pyarrow.parquet as pa_pq

    assert pa_pq.read_table(pq).num_rows == 9


def test_ingest_ant_twice_stores_each_once(tmp_path: Path, db: str) -> None:
    """Idempotent ingest on real news: 3,000 ANT records (the whole corpus is the same
    check at scale: ``rasid ingest`` it twice and compare ``rasid stats``)."""
    import gzip
    import sqlite3

    ant = need_shared("news", "ant", "ant_multisource_v2.1.jsonl.gz")
    part = tmp_path / "ant3000.jsonl.gz"
    with gzip.open(ant, "rt", encoding="utf-8") as f, gzip.open(part, "wt", encoding="utf-8") as out:
        lines = [next(f) for _ in range(3000)]
        out.writelines(lines)
    recs = [json.loads(line) for line in lines]
    has_empty = any(not (r.get("text") or "").strip() for r in recs)
    expect = 1 if has_empty else 0  # records with an empty text are rejected (exit 1)
    assert main(["ingest", str(part), "--db", db, "-q"]) == expect
    n1 = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    assert main(["ingest", str(part), "--db", db, "-q"]) == expect
    n2 = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    distinct = {((r.get("title") or "").strip(), r["text"]) for r in recs if (r.get("text") or "").strip()}
    assert n1 == n2 == len(distinct)


def test_annotations_do_not_depend_on_batching() -> None:
    """An article's analysis is the same alone or in a batch (Spark partitions, --batch-size)."""
    from rasid.bench import ant_articles
    from rasid.pipeline import Pipeline

    need_shared("news", "ant", "ant_multisource_v2.1.jsonl.gz")
    arts = list(ant_articles(40))
    p = Pipeline()
    batched = [d.to_dict() for d in p.pipe(arts, batch_size=40)]
    alone = [d.to_dict() for d in p.pipe(arts, batch_size=1)]
    for x, y in zip(batched, alone):
        for key in ("entities", "quotes", "dates", "places", "events"):
            assert x[key] == y[key], (x["id"], key)


def test_ner_conll_writes_tags(tmp_path):
    src = tmp_path / "in.conll"
    src.write_text("قال\nالرئيس\nباراك\nأوباما\nفي\nواشنطن\n\nوصل\nإلى\nدمشق\n", encoding="utf-8")
    out = tmp_path / "out.conll"
    assert main(["ner", "--conll", str(src), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[:6] == ["قال\tO", "الرئيس\tO", "باراك\tB-PERS", "أوباما\tI-PERS", "في\tO", "واشنطن\tB-LOC"]
    assert lines[6] == "" and lines[9] == "دمشق\tB-LOC"
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


def test_ner_conll_bad_input_names_it_and_keeps_previous_output(tmp_path, capsys):
    out = tmp_path / "out.conll"
    out.write_text("previous run\n", encoding="utf-8")
    assert main(["ner", "--conll", str(tmp_path / "missing.conll"), "-o", str(out)]) == 2
    assert "cannot read --conll" in capsys.readouterr().err
    bad = tmp_path / "bad.conll"
    bad.write_bytes("كلمة\n".encode() * 3 + b"\xff\xfe\xfa\n")
    assert main(["ner", "--conll", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not UTF-8" in err
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.conll", "out.conll"]


def test_help_after_a_delegated_command_reaches_its_module(capsys):
    with pytest.raises(SystemExit) as ex:
        main(["eval", "entities", "--help"])
    assert ex.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: rasid eval entities") and "--min-f1" in out
    assert main(["eval", "--help"]) == 0
    assert "{dates,entities,events,ner,quotes}" in capsys.readouterr().out
    assert main(["train"]) == 2
    assert "rasid train {ner,ner-teacher}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ex:
        main(["train", "ner-teacher", "distill", "--help"])
    assert ex.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: rasid train ner-teacher distill") and "--workdir" in out
