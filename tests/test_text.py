from rasid.text import clean, normalize, split_sentences, strip_clitics, tokenize
from rasid.text.tokenize import TokenList


def test_clean_removes_controls_and_keeps_offsets() -> None:
    raw = "  قال\u00a0\u00a0الوزير &quot;نعم&quot;\u200f لل\u0640\u0640أمم\n\n\n\nفقرة  ثانية.  "
    text, omap = clean(raw)
    assert text == 'قال الوزير "نعم" للأمم\n\nفقرة ثانية.'
    from rasid.doc import Article, Doc

    doc = Doc(Article(body=raw), text, omap)
    # every character that was copied (not replaced) maps back to itself in the raw input
    for i, ch in enumerate(text):
        if ch not in ' "\n':
            assert raw[doc.raw_offset(i)] == ch, (i, ch)


def test_normalize_folds_variants_only_for_matching() -> None:
    assert normalize("أُسامة") == normalize("اسامه") == "اسامه"
    assert normalize("إلى") == "الي"
    assert normalize("٢٠١٧ و۲۰۱۸") == "2017 و2018"
    assert normalize("مؤتمر") == "موتمر"


def test_strip_clitics() -> None:
    assert strip_clitics("وواشنطن") == 1
    assert strip_clitics("والحكومة") == 1
    assert strip_clitics("وبالعاصمة") == 2
    assert strip_clitics("للأمم") == 1
    assert strip_clitics("وزير") == 0
    assert strip_clitics("وقال") == 0
    assert strip_clitics("بيروت") == 0


def test_sentences_respect_abbreviations_and_quotes() -> None:
    text = 'قال د. محمد علي إن الوضع مستقر. وأضاف: "سنواصل العمل." ثم غادر؟ نعم\nسطر جديد'
    spans = split_sentences(text)
    sents = [text[s:e] for s, e in spans]
    assert sents == ["قال د. محمد علي إن الوضع مستقر.", 'وأضاف: "سنواصل العمل."', "ثم غادر؟",
                     "نعم", "سطر جديد"]


def test_tokenize_offsets_and_clitics() -> None:
    text = "وقال وزير الخارجية (أ ف ب) إن 3.5 مليون، وواشنطن ترفض."
    toks = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert [t.text for t in toks][:6] == ["وقال", "وزير", "الخارجية", "(", "أ", "ف"]
    assert "3.5" in [t.text for t in toks]
    w = next(t for t in toks if t.text == "وواشنطن")
    assert w.stem == "واشنطن"
    lazy = TokenList(text)
    assert len(lazy) == len(toks)
    assert [t.text for t in lazy] == [t.text for t in toks]
