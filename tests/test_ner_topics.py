"""What a passage is about, as context for the NER tagger (rasid.ner.topics)."""
from __future__ import annotations

import gzip
import json

import pytest

from rasid.ner import topics as T
from rasid.ner.features import FeatureExtractor
from rasid.ner.paths import MODEL_DIR
from rasid.ner.scoring import spans

# centred log-likelihoods per topic, in T.TOPICS order (news, sport, economy, technology, culture)
TINY = {"مباراه": (-1.0, 4.0, -1.0, -1.0, -1.0), "ملعب": (-1.0, 4.0, -1.0, -1.0, -1.0),
        "حكومه": (4.0, -1.0, -1.0, -1.0, -1.0), "بورصه": (-1.0, -1.0, 4.0, -1.0, -1.0)}


def _stems(text: str) -> list[str]:
    return [T.stem(w) for w in text.split()]


def test_a_sentence_takes_the_topic_of_its_passage():
    tm = T.TopicModel(TINY, context=1)
    sents = ["انتهت المباراة بالتعادل", "وقال المدرب إن الفريق لعب جيدا", "ثم غادر الجميع",
             "وأعلنت الحكومة خطة جديدة", "ولا شيء هنا", "ولا شيء هنا", "ولا شيء هنا"]
    got = tm.passage_topics([tm.sentence_scores(_stems(s)) for s in sents])
    # the coach's sentence names no sport word but sits next to one; the last has no
    # evidence and falls back on the commonest section
    assert got == ["sport", "sport", "news", "news", "news", "news", "news"]
    assert tm.passage_topics([]) == []


def test_shipped_topic_model_knows_sport_and_economy():
    tm = T.TopicModel(T.load(str(MODEL_DIR / "topics.tsv")))
    sport = "وسجل المهاجم هدفين في مرمى الحارس خلال المباراة التي أقيمت على ملعب النادي ضمن الدوري"
    economy = "وارتفعت أسعار النفط في الأسواق العالمية بينما تراجعت أسهم البنوك في البورصة مع صعود الدولار"
    assert tm.passage_topics([tm.sentence_scores(_stems(sport))]) == ["sport"]
    assert tm.passage_topics([tm.sentence_scores(_stems(economy))]) == ["economy"]
    # words as common in every section carry no evidence and are not stored
    assert not {"في", "من", "على", "ان"} & set(tm.model)


def _fake_ant(shared, articles):
    path = shared / "data" / "news" / "ant"
    path.mkdir(parents=True)
    with gzip.open(path / "ant_multisource_v2.1.jsonl.gz", "wt", encoding="utf-8") as fh:
        for cat, title, text in articles:
            fh.write(json.dumps({"cat": cat, "title": title, "text": text}, ensure_ascii=False) + "\n")


ARTICLES = [
    ("sport", "فوز كبير", "فاز الفريق في المباراة على ملعبه. وسجل المهاجم هدفا في الدقيقة الأخيرة من المباراة."),
    ("internationalNews", "قرار الحكومة", "أعلنت الحكومة قرارا جديدا. وقال الوزير إن الحكومة ستناقش القرار."),
    ("economy", "البورصة", "ارتفعت الأسهم في البورصة. وتراجع سعر الدولار في البورصة اليوم."),
    ("technology", "هاتف جديد", "كشفت الشركة عن هاتف جديد في معرض. ويعمل الهاتف بنظام جديد في التصوير."),
    ("culture", "مهرجان", "افتتح المهرجان في المدينة ـ وعرض في المهرجان فيلم جديد في الافتتاح."),
] * 5


def test_build_learns_topics_from_section_labels(tmp_path):
    _fake_ant(tmp_path, ARTICLES)
    assert T.main(["--shared", str(tmp_path), "--out", str(tmp_path)]) == 0
    model = T.load(str(tmp_path / "topics.tsv"))
    best = {w: T.TOPICS[max(range(len(T.TOPICS)), key=v.__getitem__)] for w, v in model.items()}
    assert best["مباراه"] == "sport" and best["حكومه"] == "news" and best["بورصه"] == "economy"
    assert "" not in model  # "ـ" (a tatweel) has no stem


def test_build_without_the_corpus_says_so(tmp_path, capsys):
    assert T.main(["--shared", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "no labelled ANT articles under " + str(tmp_path) in capsys.readouterr().err
    assert not (tmp_path / "topics.tsv").exists()


def test_news_sentences_carry_the_topic_of_their_article(tmp_path):
    from rasid.ner.teacher import news_sentences

    _fake_ant(tmp_path, ARTICLES[:3])
    items = news_sentences(str(tmp_path), min_len=4, topics=T.TopicModel(TINY))
    by_text = {" ".join(toks): tp for toks, tp, _ in items}
    assert by_text["وسجل المهاجم هدفا في الدقيقة الأخيرة من المباراة ."] == "sport"
    assert by_text["وقال الوزير إن الحكومة ستناقش القرار ."] == "news"
    assert by_text["وتراجع سعر الدولار في البورصة اليوم ."] == "economy"
    # each sentence comes with the two before it in its article (here the title and the lead)
    # and the two after it: what a context-reading teacher reads
    nb = {" ".join(toks): n for toks, _, n in items}["وقال الوزير إن الحكومة ستناقش القرار ."]
    assert [" ".join(s) for s in nb[0]] == ["قرار الحكومة", "أعلنت الحكومة قرارا جديدا ."] and nb[1] == ()
    # the same sentences in the same seeded order without a topic model
    assert [(toks, "", nb) for toks, _, nb in items] == news_sentences(str(tmp_path), min_len=4)


def test_features_conjoin_the_topic_with_the_gazetteer_flags():
    fx = FeatureExtractor(gazetteer={"LOC": {"ليون"}})
    plain = fx.sent_features(["فاز", "ليون"])
    sport = fx.sent_features(["فاز", "ليون"], "sport")
    assert not any(f.startswith("tp") for f in plain[1])
    assert {"tp=sport", "tpsport|g1LOC"} <= set(sport[1])
    assert set(plain[1]) <= set(sport[1])


def _write_conll(path, sents):
    path.write_text("\n\n".join("\n".join(f"{w}\t{t}" for w, t in zip(ws.split(), ts.split())) for ws, ts in sents)
                    + "\n", encoding="utf-8")


def test_a_trained_tagger_reads_the_same_name_by_its_passage(tmp_path):
    """ليون in the same words either side is a club in a sports report and a city in a news one:
    only the passage's topic tells them apart, and the tagger learns it."""
    from rasid.ner.tagger import CRFTagger
    from rasid.ner.train import main as train_main

    T.write({w: list(v) for w, v in TINY.items()}, str(tmp_path / "topics.tsv"))
    sport = [("وصل فريق ليون أمس بعد المباراة", "O O B-ORG O O O")] * 8
    news = [("وصل فريق ليون أمس بعد قرار الحكومة", "O O B-LOC O O O O")] * 8
    _write_conll(tmp_path / "gold.conll", sport + news)
    assert train_main(["--train", str(tmp_path / "gold.conll"), "--no-dev", "--no-gazetteer", "--no-clusters",
                       "--no-mined", "--no-memory", "--clusters-dir", str(tmp_path), "--max-iter", "100",
                       "--out", str(tmp_path / "m")]) == 0
    tagger = CRFTagger(tmp_path / "m")
    assert tagger.config["topics"] is True
    club = "وصل فريق ليون أمس قبل المباراة".split()
    city = "وصل فريق ليون أمس وسط انتقاد الحكومة".split()
    assert spans(tagger.tag([club])[0]) == {(2, 3, "ORG")}
    assert spans(tagger.tag([city])[0]) == {(2, 3, "LOC")}


def test_train_rejects_silver_topics_that_do_not_fit(tmp_path, capsys):
    from rasid.ner.train import main as train_main

    _write_conll(tmp_path / "gold.conll", [("قال باراك أوباما", "O B-PERS I-PERS")] * 3)
    _write_conll(tmp_path / "silver.conll", [("وصل جونسون", "O B-PERS")] * 2)
    for content, msg in (("sport\n", "for each of the 2 silver sentences"),
                         ("sport\nweather\n", "want one of news, sport")):
        (tmp_path / "silver.conll.topics").write_text(content, encoding="utf-8")
        with pytest.raises(SystemExit):
            train_main(["--train", str(tmp_path / "gold.conll"), "--no-dev", "--silver", str(tmp_path / "silver.conll"),
                        "--out", str(tmp_path / "m")])
        err = capsys.readouterr().err
        assert str(tmp_path / "silver.conll.topics") in err and msg in err
