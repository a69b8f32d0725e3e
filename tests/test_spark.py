"""``rasid spark analyze`` in local[2] against ``rasid analyze`` on the same ANT articles.

One Spark run (module fixture) on a few hundred ANT articles plus bad records; the tests then
check the outputs: per article the same entities, quotes, dates and places as the single-process
CLI (ordering aside), the same ``duplicate_of`` and ``story`` (one story window), a typed Parquet
schema, rejects with their reason, and ``rasid ingest OUT.parquet`` loading the results.
Skipped, with the reason, when pyspark, Java or ../shared is missing. RASID_SPARK_TEST_N sets
the number of articles (default 300; the issue's acceptance run used 500).
"""

from __future__ import annotations

import glob
import gzip
import importlib.util
import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rasid.cli.main import main
from tests.conftest import need_shared

N = int(os.environ.get("RASID_SPARK_TEST_N", "300"))
BAD = [
    "{this is not json\n",
    json.dumps({"id": "empty-1", "title": "عنوان", "text": "   "}, ensure_ascii=False) + "\n",
    json.dumps({"id": "no-text-1", "title": "عنوان فقط"}, ensure_ascii=False) + "\n",
    json.dumps({"id": "english-1", "text": "The ministers met in Geneva on Monday to resume the talks."}) + "\n",
]
FIELDS = ("entities", "quotes", "dates", "places", "events")


def _need_spark() -> None:
    for mod in ("pyspark", "pyarrow", "pandas"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"{mod} is not installed (pip install pyspark pyarrow pandas): Spark runner not tested")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("no Java (install JDK 17 or set JAVA_HOME): Spark runner not tested")


def _dropnull(x: Any) -> Any:
    """A typed schema has no "absent": a key a stage leaves out comes back as null."""
    if isinstance(x, dict):
        return {k: _dropnull(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_dropnull(v) for v in x]
    return x


def _canon(items: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(_dropnull(x), sort_keys=True, ensure_ascii=False) for x in items)


def _parquet_records(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    out: list[dict[str, Any]] = []
    for f in sorted(glob.glob(str(path / "*.parquet"))):
        out.extend(pq.read_table(f).to_pylist())
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _need_spark()
    ant = need_shared("news", "ant", "ant_multisource_v2.1.jsonl.gz")
    tmp = tmp_path_factory.mktemp("spark")
    inp = tmp / "ant.jsonl"
    with gzip.open(ant, "rt", encoding="utf-8") as f, open(inp, "w", encoding="utf-8") as o:
        for n, line in enumerate(f):
            if n >= N:
                break
            o.write(line)
            if n % 50 == 25 and n // 50 < len(BAD):
                o.write(BAD[n // 50])
    local = tmp / "local.jsonl"
    assert main(["analyze", str(inp), "--no-store", "-q", "-o", str(local)]) == 1  # the bad records
    out = tmp / "out.parquet"
    code = main(["spark", "analyze", str(inp), str(out), "--master", "local[2]", "--partitions", "4",
                 "--story-window-days", "0", "--jsonl", "-q"])
    return {"tmp": tmp, "code": code, "out": out, "inp": inp,
            "local": [json.loads(x) for x in local.read_text(encoding="utf-8").splitlines() if x.strip()],
            "spark": _parquet_records(out)}


def test_exit_status_and_outputs(run: dict[str, Any]) -> None:
    assert run["code"] == 1  # some records rejected, the job itself succeeded
    # every ANT article, but those the pipeline fails on (rejected by rasid analyze too)
    assert len(run["spark"]) == len(run["local"]) >= N - 5
    assert [r["id"] for r in run["spark"]] == [r["id"] for r in run["local"]]  # input order kept
    jsonl = [json.loads(x) for f in sorted(glob.glob(str(run["tmp"] / "out.jsonl" / "*.json")))
             for x in Path(f).read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in jsonl] == [r["id"] for r in run["spark"]]
    assert jsonl[0]["story"] is not None and "duplicate_of" in jsonl[0]


def test_same_annotations_as_rasid_analyze(run: dict[str, Any]) -> None:
    local = {r["id"]: r for r in run["local"]}
    spark = {r["id"]: r for r in run["spark"]}
    assert local.keys() == spark.keys()
    diffs = []
    for aid, a in local.items():
        b = spark[aid]
        assert list(a) == list(b), (aid, "fields")  # a field rasid analyze adds is in the schema
        for k in ("title", "source", "url", "published", "published_inferred", "text", "author"):
            assert a[k] == b[k], (aid, k)
        for k in FIELDS:
            if _canon(a[k]) != _canon(b[k]):
                diffs.append((aid, k))
        for e in b["entities"] + b["dates"] + b["places"]:
            assert b["text"][e["start"]:e["end"]] == e["text"]
    # Spark's batches are not rasid analyze's: a difference here usually means a stage lets the
    # other articles of a batch change an article's result (compare rasid analyze --batch-size 1 and 64)
    assert not diffs, f"{len(diffs)} differences, first: {diffs[:5]}"


def test_duplicates_and_stories_as_local_store(run: dict[str, Any]) -> None:
    local = {r["id"]: r for r in run["local"]}
    spark = {r["id"]: r for r in run["spark"]}
    assert {k: r["duplicate_of"] for k, r in spark.items()} == {k: r["duplicate_of"] for k, r in local.items()}
    assert {k: r["story"] for k, r in spark.items()} == {k: r["story"] for k, r in local.items()}


def test_typed_schema(run: dict[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rasid.spark.schema import CONTRACT_FIELDS

    schema = pq.read_schema(min(glob.glob(str(run["out"] / "*.parquet"))))
    assert tuple(schema.names) == CONTRACT_FIELDS
    ent = schema.field("entities").type
    assert pa.types.is_list(ent) and pa.types.is_struct(ent.value_type)
    assert ent.value_type.field("start").type == pa.int32()
    assert schema.field("places").type.value_type.field("lat").type == pa.float64()
    assert schema.field("published_inferred").type == pa.bool_()
    assert pa.types.is_struct(schema.field("quotes").type.value_type.field("speaker").type)


def test_rejects_with_reasons(run: dict[str, Any]) -> None:
    files = glob.glob(str(run["tmp"] / "out.rejects" / "*.json"))
    rows = [json.loads(x) for f in files for x in Path(f).read_text(encoding="utf-8").splitlines()]
    reasons = Counter(r["reason"].split(" (")[0] for r in rows)
    failed = N - len(run["local"])  # articles a stage fails on: rejected by both runners
    assert reasons == +Counter({"invalid JSON": 1, "record has no text": 2, "not Arabic text": 1,
                                "analysis failed": failed}), reasons
    inp = run["inp"].read_text(encoding="utf-8").splitlines()
    for r in rows:  # origin is file:line of the bad record
        path, line = r["origin"].rsplit(":", 1)
        assert path == str(run["inp"])
        assert inp[int(line) - 1] == r["raw"]


def test_ingest_parquet_output(run: dict[str, Any], db: str) -> None:
    from rasid.store import Store

    assert main(["ingest", str(run["out"]), "--db", db, "-q"]) == 0
    spark = {r["id"]: r for r in run["spark"]}
    with Store(db, readonly=True) as store:
        assert store.count() == len(spark)
        some = next(r for r in run["spark"] if r["quotes"] and r["entities"])
        rec = store.record(some["id"])
        assert rec is not None
        for k in FIELDS:
            assert _canon(rec[k]) == _canon(spark[some["id"]][k])
        assert rec["meta"].get("cat") == dict(some["meta"])["cat"]
    # --no-stories: the store keeps Spark's story and duplicate_of as they are
    kept = str(Path(db).with_name("kept.db"))
    assert main(["ingest", str(run["out"]), "--db", kept, "--no-stories", "-q"]) == 0
    with Store(kept, readonly=True) as store:
        for r in run["spark"][:50]:
            rec = store.record(r["id"])
            assert rec is not None and (rec["story"], rec["duplicate_of"]) == (r["story"], r["duplicate_of"])


def test_stitch_joins_a_story_across_windows() -> None:
    """Driver-side stitching (no Spark): a story continued in the next window is one story;
    an unrelated one and a dormant one stay apart; undated stories join the active ones."""
    pytest.importorskip("datasketch")
    from rasid.spark.corpus import UNDATED, WindowStory, stitch
    from rasid.stories.cluster import Story

    def ws(window: int, sid: str, first: str | None, terms: dict[str, float], ents: dict[str, int]) -> WindowStory:
        state = json.dumps({"centroid": terms, "entities": ents, "names": {}, "surfaces": {}})
        return WindowStory(window, Story.from_row(sid, first, first, 1, state))

    quake = {"زلزال": 0.7, "هزة": 0.5, "ريختر": 0.5}
    merged = stitch([
        ws(1, "s-a", "1970-01-05", quake, {"Q1": 2}),
        ws(1, "s-b", "1970-01-06", {"انتخابات": 0.8, "اقتراع": 0.6}, {}),
        ws(2, "s-c", "1970-01-12", {"زلزال": 0.6, "هزة": 0.6, "ريختر": 0.4, "ضحايا": 0.3}, {"Q1": 1}),
        ws(2, "s-d", "1970-01-13", {"كرة": 0.9, "مباراة": 0.4}, {}),
        ws(60, "s-e", "1970-12-01", quake, {"Q1": 1}),  # long after: the quake story is dormant
        ws(UNDATED, "s-f", None, {"زلزال": 0.9, "ريختر": 0.4}, {}),
        ws(UNDATED, "s-g", None, {"كرة": 0.9, "مباراة": 0.4}, {}),  # s-d is long dormant
    ], window_days=7)
    assert merged == {"s-c": "s-a", "s-f": "s-e"}


def _corpus_fixture() -> list[str]:
    """The first ANT articles plus near-copies of some of them, later in the input and dated
    in a later story window: the last three quarters of an article's words, and the last half
    (it matches the first copy but often not the original: the groups are stars around
    their earliest article, so it then stays apart)."""
    ant = need_shared("news", "ant", "ant_multisource_v2.1.jsonl.gz")
    recs = []
    with gzip.open(ant, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= 240:
                break
            recs.append(json.loads(line))
    extra = []
    for r in recs[::12]:
        words = r["text"].split(" ")
        if len(words) < 120:
            continue
        later = "Fri, 20 Jul 2018 10:00:00 +0300"
        extra.append(dict(r, docno=r["docno"] + "-copy", text=" ".join(words[len(words) // 4:]), time=later))
        extra.append(dict(r, docno=r["docno"] + "-copy2", text=" ".join(words[len(words) // 2:]), time=later))
    return [json.dumps(r, ensure_ascii=False) for r in recs + extra]


def test_corpus_steps_match_the_local_store() -> None:
    """The Spark near-duplicate step (LSH buckets, groups, the local index per group; on the
    driver and in Spark tasks) and the story step (one window) give, article by article, the
    ``duplicate_of`` and ``story`` of the local store's incremental tracker in input order;
    with 30-day windows a near-duplicate still joins its original's story."""
    _need_spark()
    pytest.importorskip("datasketch")
    from pyspark.sql import functions as F

    from rasid.pipeline import Pipeline
    from rasid.spark import corpus
    from rasid.spark.runner import session
    from rasid.spark.worker import corpus_columns, parse_record
    from rasid.stories.tracker import StoryTracker

    lines = _corpus_fixture()
    arts = [parse_record(line, f"x:{i + 1}", "jsonl", None) for i, line in enumerate(lines)]
    docs = list(Pipeline(("text",)).pipe(arts))  # type: ignore[arg-type]
    rows = [(seq, d.id, *corpus_columns(d).values()) for seq, d in enumerate(docs)]
    tracker = StoryTracker()
    local = {d.id: (x.duplicate_of, x.story) for d in docs for x in [tracker.assign(d)]}
    assert sum(1 for dup, _ in local.values() if dup) >= 10  # the fixture has near-duplicates
    assert any(k.endswith("-copy2") and not dup for k, (dup, _) in local.items())  # a star kept apart

    spark = session("local[2]", partitions=2, quiet=True)
    df = spark.createDataFrame(rows, "seq long, id string, sig array<long>, day int, features binary")
    ids = dict((seq, d.id) for seq, d in enumerate(docs))
    # buckets by a shuffle or on the driver (small corpus); groups on the driver or in tasks
    for small, nodes in ((False, corpus.LOCAL_GROUP_NODES), (False, 0), (True, corpus.LOCAL_GROUP_NODES)):
        dups, n = corpus.duplicates(df.select("seq", "id", "sig", "day"), local_nodes=nodes, small=small)
        got = {ids[r["seq"]]: r["duplicate_of"] for r in dups.collect()}
        assert got == {k: dup for k, (dup, _) in local.items() if dup}
        assert n in (None, len(got))
    base = df.join(dups.drop("dup_seq"), "seq", "left")
    st, n_stories = corpus.stories(base, 0, fetch_all=True)
    got = {ids[r["seq"]]: r["story"] for r in st.collect()}
    assert got == {k: story for k, (_, story) in local.items()}
    assert n_stories == len(set(got.values()))
    windowed = []
    for fetch_all in (False, True):
        st, n_stories = corpus.stories(base, 30, fetch_all=fetch_all)
        got = {ids[r["seq"]]: r["story"] for r in st.collect()}
        assert n_stories == len(set(got.values()))
        for k, (dup, _) in local.items():
            if dup:
                assert got[k] == got[dup], k
        windowed.append(got)
    assert windowed[0] == windowed[1]
    assert df.where(F.col("day").isNull()).count() == 0
    from datasketch import MinHashLSH

    for (threshold, perm), params in corpus.KNOWN_LSH_PARAMS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=perm)
        assert (lsh.b, lsh.r) == params
