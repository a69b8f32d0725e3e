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


# a news-style paragraph with every kind of character the fast paths special-case:
# hamza/alef forms, ta marbuta, tanween and shadda, tatweel, Arabic-Indic and Persian
# digits, Persian ya/kaf, an underscore, Latin words and numbers with separators
_MIXED = ("أعلنَ وزيرُ الخارجيّة إنّ الاتفاقَ سيُوقَّع يوم ٢٣ آذار/مارس ۲۰۱۷ في مدينة إسطنبول، "
          "وقالـــت مصادرُ مسؤولةٌ إن المؤتمر_الدولي (COP-21) رصدَ 1,500 مليون دولار أيضاً؛ "
          "ی ک ۀ ٱلقدس؟ «نعم» قالها بوضوح.") * 3


def test_fast_tokenizer_matches_reference_pattern() -> None:
    from rasid.text.tokenize import _TOKEN, _TOKEN_NO_US

    without_us = _MIXED.replace("_", " ")
    assert [t.text for t in tokenize(without_us)] == _TOKEN.findall(without_us)
    assert _TOKEN_NO_US.findall(without_us) == _TOKEN.findall(without_us)
    # with "_" the reference pattern is used: "_" is a token of its own
    toks = [t.text for t in tokenize(_MIXED)]
    assert toks == _TOKEN.findall(_MIXED) and "_" in toks
    assert len(TokenList(_MIXED)) == len(toks) and len(TokenList(without_us)) == len(tokenize(without_us))


def test_fast_normalize_equals_full_table() -> None:
    from rasid.text.normalize import _table

    for text in (_MIXED, _MIXED.replace("ی", "ي").replace("ک", "ك").replace("ۀ", "ة"), "قصير"):
        assert normalize(text) == text.translate(_table())
    assert "ة" not in normalize(_MIXED) and "\u064b" not in normalize(_MIXED) and "٢٣" not in normalize(_MIXED)


def test_clean_fast_path_gives_the_same_text_and_offsets() -> None:
    import bisect
    import sys

    mod = sys.modules["rasid.text.clean"]

    def at(omap: list[tuple[int, int]], i: int) -> int:
        k = bisect.bisect_right(omap, (i, 1 << 62)) - 1
        c, r = omap[max(k, 0)]
        return r + (i - c)

    plain = "قال الوزير إن المحادثات ستستأنف.\nوأضاف أن الوفد سيصل غدا.\n\nوتابع: «لا تراجع»."
    assert mod._unchanged(plain) and mod._unchanged("\n" + plain + "\n")
    for raw in (plain, "\n" + plain + "\n", "  " + plain, plain.replace("\n\n", "\n \n\n"),
                plain.replace("الوزير", "الوزير\u00a0"), plain + "&amp;", plain.replace("\n", "\r\n")):
        fast = mod.clean(raw)
        mod_unchanged = mod._unchanged
        mod._unchanged = lambda r: False
        try:
            slow = mod.clean(raw)
        finally:
            mod._unchanged = mod_unchanged
        assert fast[0] == slow[0]
        text = fast[0]
        for i, ch in enumerate(text):
            if not ch.isspace() and ch != "&":
                assert raw[at(fast[1], i)] == ch and at(fast[1], i) == at(slow[1], i)
    # an identity mapping needs one breakpoint, not one per line
    assert mod.clean("أ\nب\nج")[1] == [(0, 0)]


def test_nisba_like_shapes() -> None:
    from rasid.text import nisba_like

    assert nisba_like(normalize("الروسي")) and nisba_like(normalize("الأمريكية"))
    assert not nisba_like(normalize("الروسيين")) and nisba_like(normalize("الروسيين"), plural=True)
    assert not nisba_like(normalize("إسرائيليا")) and nisba_like(normalize("إسرائيليًا"), accusative=True)
    assert not nisba_like(normalize("الأرمن"), plural=True, accusative=True)
