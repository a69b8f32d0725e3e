"""Tests for the Arabic NER tagger (rasid.ner)."""
from __future__ import annotations

import io
import os

import pytest

from rasid.ner import load_tagger
from rasid.ner.conll import read_conll, tag_conll
from rasid.ner.paths import anercorp, shared_dir
from rasid.ner.scoring import score, spans


def _toks(text: str) -> list[str]:
    return text.split()


LABELS = {"B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC", "O"}

# Pinned floor for ANERcorp dev micro F1 (a bit under what the shipped model achieves;
# the shipped model is trained on train+dev, so dev is optimistic -- see docs/ner.md).
DEV_F1_FLOOR = float(os.environ.get("RASID_NER_DEV_F1_FLOOR", "0.95"))
# AQMAR (Wikipedia, never trained on; PERS/LOC/ORG): the shipped model scores 0.58 (docs/ner.md)
AQMAR_F1_FLOOR = float(os.environ.get("RASID_NER_AQMAR_F1_FLOOR", "0.55"))


@pytest.fixture(scope="module")
def tagger():
    return load_tagger()


def test_load_is_cached(tagger):
    assert load_tagger() is tagger


def test_tags_person_and_capital(tagger):
    sents = [
        _toks("وقال الرئيس الأمريكي باراك أوباما في واشنطن إن المحادثات كانت مثمرة ."),
        _toks("التقى الرئيس المصري حسني مبارك في القاهرة بوزير الخارجية الفرنسي ."),
        _toks("وصل جورج بوش إلى بغداد يوم الاثنين في زيارة مفاجئة ."),
    ]
    out = tagger.tag(sents)
    assert [len(t) for t in out] == [len(s) for s in sents]
    for tags in out:
        assert set(tags) <= LABELS
    s0 = dict(zip(sents[0], out[0]))
    assert s0["باراك"] == "B-PERS" and s0["أوباما"] == "I-PERS"
    assert s0["واشنطن"] == "B-LOC"
    s1 = dict(zip(sents[1], out[1]))
    assert s1["حسني"] == "B-PERS" and s1["القاهرة"] == "B-LOC"
    s2 = dict(zip(sents[2], out[2]))
    assert s2["جورج"] == "B-PERS" and s2["بغداد"] == "B-LOC"


def test_clitic_attached_location(tagger):
    toks = _toks("وزار وزير الخارجية لندن وباريس الأسبوع الماضي .")
    tags = dict(zip(toks, tagger.tag([toks])[0]))
    assert tags["لندن"] == "B-LOC"
    assert tags["وباريس"] == "B-LOC"


def test_empty_inputs(tagger):
    assert tagger.tag([]) == []
    assert tagger.tag([[]]) == [[]]


def test_output_is_valid_iob2(tagger):
    toks = _toks("أعلنت منظمة الأمم المتحدة للطفولة يونيسيف في نيويورك عن برنامج جديد .")
    tags = tagger.tag([toks])[0]
    prev = "O"
    for t in tags:
        if t.startswith("I-"):
            assert prev != "O" and prev[2:] == t[2:], tags
        prev = t


def test_tag_conll_roundtrip(tagger):
    src = ("وقال\tO\nأوباما\tB-PERS\nفي\tO\nواشنطن\tB-LOC\n\n"
           "ذهب\nمحمد\nإلى\nالقاهرة\n\n\n"
           "نيو يورك\tX\tB-LOC\n")
    out = io.StringIO()
    n = tag_conll(io.StringIO(src), out, tagger=tagger)
    assert n == 3
    in_lines = src.split("\n")
    out_lines = out.getvalue().split("\n")
    assert len(in_lines) == len(out_lines)
    for a, b in zip(in_lines, out_lines):
        if not a.strip():
            assert b == ""
        else:
            tok, tag = b.split("\t")
            assert tok == a.split("\t", 1)[0]
            assert tag in LABELS
    assert "نيو يورك\t" in out.getvalue()


def test_tag_conll_default_tagger_and_no_trailing_blank():
    out = io.StringIO()
    assert tag_conll(io.StringIO("بغداد\nعاصمة\nالعراق"), out) == 1
    assert out.getvalue().count("\n") == 3


def test_scorer_matches_conlleval_semantics():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC", "B-LOC"]]
    pred = [["B-PERS", "I-PERS", "O", "B-LOC", "I-LOC"]]
    assert spans(gold[0]) == {(0, 2, "PERS"), (3, 4, "LOC"), (4, 5, "LOC")}
    r = score(gold, pred)
    assert r["micro"]["tp"] == 1 and r["micro"]["fp"] == 1 and r["micro"]["fn"] == 2
    assert r["PERS"]["f1"] == 1.0
    # I- after O starts a chunk, as in conlleval
    assert spans(["O", "I-ORG", "I-ORG"]) == {(1, 3, "ORG")}


def test_read_conll():
    sents = list(read_conll(io.StringIO("a\tB-LOC\nb\tO\n\n\nc\tO\n")))
    assert sents == [(["a", "b"], ["B-LOC", "O"]), (["c"], ["O"])]


def test_dev_f1_gate(tagger):
    path = anercorp("dev")
    if not os.path.exists(path):
        pytest.skip(f"shared ANERcorp data not found at {path} (set RASID_SHARED)")
    from rasid.ner.evaluate import evaluate_file

    res = evaluate_file(path, tagger, out=io.StringIO())
    assert res["micro"]["f1"] >= DEV_F1_FLOOR, res["micro"]


def test_aqmar_tags_are_read_in_anercorp_scheme(tmp_path):
    from rasid.ner.evaluate import aqmar_tag, read_aqmar

    assert [aqmar_tag(t) for t in ("B-PER", "I-PER", "B-LOC", "I--ORG", "B-MIS1", "I-MIS0", "MIS-1",
                                   "OO", "IO", "ENGLISH", "-ORG", "O")] == \
        ["B-PERS", "I-PERS", "B-LOC", "I-ORG", "O", "O", "O", "O", "O", "O", "O", "O"]
    f = tmp_path / "Damascus.txt"
    f.write_text("دمشق B-LOC\nهي O\nعاصمة O\nسوريا B-LOC\n\n\nأسسها O\nالآراميون B-MIS2\n"
                 "خالد B-PER\nبن I-PER\nالوليد I-PER\n", encoding="utf-8")
    assert read_aqmar(str(f)) == [
        (["دمشق", "هي", "عاصمة", "سوريا"], ["B-LOC", "O", "O", "B-LOC"]),
        (["أسسها", "الآراميون", "خالد", "بن", "الوليد"], ["O", "O", "B-PERS", "I-PERS", "I-PERS"]),
    ]


def test_aqmar_f1_gate(tagger):
    """Out of domain and never trained on: a floor on how far the tagger generalises."""
    folder = os.path.join(shared_dir(), "data", "ner", "aqmar", "articles")
    if not os.path.isdir(folder):
        pytest.skip(f"shared AQMAR data not found at {folder} (set RASID_SHARED)")
    from rasid.ner.evaluate import evaluate_aqmar

    res = evaluate_aqmar(folder, tagger, out=io.StringIO())
    assert set(res) >= {"PERS", "LOC", "ORG"} and "MISC" not in res
    assert res["micro"]["support"] > 3000
    assert res["micro"]["f1"] >= AQMAR_F1_FLOOR, res["micro"]


def test_currencies_are_tagged_misc_but_not_listed_as_entities(tagger):
    """ANERcorp tags currencies MISC and `rasid ner` keeps that; the analysis drops them."""
    from rasid.doc import Article
    from rasid.pipeline import Pipeline

    text = "وقال الرئيس باراك أوباما إن بلاده ستقدم 500 مليون دولار إلى العراق ."
    toks = text.split()
    tags = dict(zip(toks, tagger.tag([toks])[0]))
    assert tags["دولار"] == "B-MISC"
    doc = Pipeline(stages=("text", "entities"))(Article(body=text))
    got = {(e.text, e.type) for e in doc.entities}
    assert ("باراك أوباما", "PER") in got and ("العراق", "LOC") in got
    assert not any(e.text == "دولار" for e in doc.entities)


def test_inflected_currencies_and_particles_are_not_entities():
    """Currencies with clitics and case/number endings (دولارا، للدولار، ليرات) are dropped as
    the bare form is; a lone preposition the tagger read as a name (على ~ علي) is never an
    entity. The filter works on the stage's spans: it is checked on them directly, and on a
    sentence through the whole stage."""
    from rasid.doc import Article
    from rasid.pipeline import Pipeline
    from rasid.stages.entities import _PARTICLES, _is_currency

    for w in ("دولارا", "للدولار", "وبالدولار", "دولارين", "الدولارات", "ليرات", "بالليرة", "ريالا"):
        assert _is_currency(w), w
    for w in ("ريال مدريد", "واشنطن", "الدوري", "لندن", "علي", "دولة"):
        assert not _is_currency(w), w
    assert "على" in _PARTICLES and "علي" not in _PARTICLES
    text = ("وارتفع سهم الشركة إلى 357 دولارا في بورصة نيويورك، وقال علي حسن إن العملة المحلية "
            "تراجعت أمام الدولار بنسبة 2 بالمئة، وإن الحكومة ستدفع 40 مليار ليرة للمصارف.")
    doc = Pipeline(stages=("text", "entities"))(Article(body=text))
    got = {e.text for e in doc.entities}
    assert "نيويورك" in got and "علي حسن" in got
    assert not got & {"دولارا", "الدولار", "ليرة", "على", "إلى"}, got


def test_train_cross_validation_reports_each_fold(tmp_path, capsys):
    """`rasid train ner --cv K` trains K models on the other folds and scores each held-out fold."""
    from rasid.ner.train import main as train_main

    sents = [("قال الرئيس باراك أوباما في واشنطن".split(), "O O B-PERS I-PERS O B-LOC".split()),
             ("وصل سيرغي لافروف إلى موسكو".split(), "O B-PERS I-PERS O B-LOC".split()),
             ("زار الوزير دمشق أمس".split(), "O O B-LOC O".split())] * 6
    src = tmp_path / "tiny.conll"
    src.write_text("\n\n".join("\n".join(f"{w}\t{t}" for w, t in zip(ws, ts)) for ws, ts in sents) + "\n",
                   encoding="utf-8")
    out = tmp_path / "model"
    assert train_main(["--train", str(src), "--no-dev", "--no-gazetteer", "--cv", "2", "--max-iter", "30",
                       "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines[:2]] == ["fold 1/2", "fold 2/2"]
    assert all("9 sentences" in ln for ln in lines[:2])
    assert lines[2].startswith("2-fold CV: mean F1 ")
    pooled = float(lines[2].rsplit("F1 ", 1)[1])
    assert pooled > 0.5  # the names repeat across folds: the memory and word features carry them
    assert (out / "cv0" / "ner.crfsuite").exists() and not (out / "ner.crfsuite").exists()


def test_marginals_are_distributions_that_agree_with_the_tags(tagger):
    from rasid.ner.tagger import LABELS

    toks = _toks("وقال الرئيس باراك أوباما في واشنطن")
    m = tagger.marginals(toks, LABELS + ("B-NOPE",))
    assert len(m) == len(toks) and all(len(row) == len(LABELS) + 1 for row in m)
    assert all(abs(sum(row) - 1.0) < 1e-6 and row[-1] == 0.0 for row in m)
    assert [LABELS[max(range(len(LABELS)), key=row.__getitem__)] for row in m] == tagger.tag_one(toks)
    assert tagger.marginals([], LABELS) == []


def test_propagation_breaks_type_ties_by_document_order():
    """A string tagged once as PERS and once as LOC labels its untagged repeat with the type
    seen first. (Iterating a set made this depend on the process's string-hash seed.)"""
    from rasid.ner.tagger import propagate_labels

    class Fx:  # the part of the feature extractor propagation reads: the normalized key
        stop: frozenset = frozenset()

        def _type_feats(self, w):
            return (None, None, (w, w, w))

    names = ["سمير", "حلب", "دانة", "زيتون", "نزار", "ريم"]
    for first, second in (("PERS", "LOC"), ("LOC", "PERS")):
        # both readings in one sentence (the set of its chunks had no order), the repeat in the next
        sents = [[w, "قال", "إن", w, "جاء"] for w in names] + [["رأى", w] for w in names]
        tags = [[f"B-{first}", "O", "O", f"B-{second}", "O"]] * len(names) + [["O", "O"]] * len(names)
        out = propagate_labels(sents, tags, Fx())
        assert out[len(names):] == [["O", f"B-{first}"]] * len(names)


def test_tags_do_not_depend_on_the_hash_seed():
    """Same article, two processes with different string-hash seeds: the same tags (they
    differed before propagation and gazetteer matching stopped iterating sets)."""
    import gzip
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import need_shared

    ant = need_shared("news", "ant", "ant_multisource_v2.1.jsonl.gz")
    with gzip.open(ant, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(150), f)]
    code = ("import sys, json; from rasid.doc import Article; from rasid.pipeline import Pipeline\n"
            "texts = json.load(sys.stdin)\n"
            "docs = Pipeline(('text', 'entities')).pipe([Article(t) for t in texts])\n"
            "print(json.dumps([[(e.start, e.end, e.type) for e in d.entities] for d in docs]))")
    outs = []
    for seed in ("0", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True,
                           text=True, env=env, check=True)
        outs.append(json.loads(r.stdout))
    assert sum(map(len, outs[0])) > 500
    assert outs[0] == outs[1]
