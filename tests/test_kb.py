"""The knowledge base and the alias linker, on names written for these tests."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rasid.kb import get_linker
from rasid.kb.build import is_arabic_name, read_curated, title_case
from rasid.kb.keys import clitic_variants, club_short_names, compact, drop_al, name_key, skeleton
from rasid.kb.linker import KB_FILE, KBEntry, Linker, read_kb


@pytest.fixture(scope="module")
def lk() -> Linker:
    return get_linker()


def test_kb_file_is_small_and_complete() -> None:
    assert KB_FILE.exists()
    assert KB_FILE.stat().st_size < 30_000_000
    entries = read_kb()
    types = {e.type for e in entries}
    assert {"PER", "ORG", "LOC"} <= types
    assert len(entries) > 10_000
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))


def test_kb_is_sorted_and_deterministic() -> None:
    with gzip.open(KB_FILE, "rt", encoding="utf-8") as fh:
        ids = [ln.split("\t", 1)[0] for ln in fh if not ln.startswith("#")]
    assert ids == sorted(ids)


def test_keys() -> None:
    assert name_key("أُسامة") == name_key("اسامه")
    assert compact(name_key("عبد العزيز")) == compact(name_key("عبدالعزيز"))
    assert name_key("حزب_الله") == name_key("حزب الله")
    assert drop_al(name_key("الأسد")) == "اسد"
    assert skeleton(name_key("ترامب")) == skeleton(name_key("ترمب"))
    assert skeleton(name_key("سيرغي")) == skeleton(name_key("سيرجي"))
    assert skeleton(name_key("بوتين")) == skeleton(name_key("بوتن"))
    assert "واشنطن" in clitic_variants(name_key("وواشنطن"))
    assert "الامم" in clitic_variants(name_key("للأمم"))


def test_arabic_filter_and_title_case() -> None:
    assert is_arabic_name("دمشق")
    assert not is_arabic_name("ایران")  # Persian ye
    assert not is_arabic_name("Damascus")
    assert title_case("bashar al-assad") == "Bashar al-Assad"
    from rasid.kb.build import _CLUB_UPPER

    assert title_case("zamalek sc", _CLUB_UPPER) == "Zamalek SC"
    assert title_case("fc bayern munich", _CLUB_UPPER) == "FC Bayern Munich"
    assert title_case("al-hilal club (omdurman)", _CLUB_UPPER) == "Al-Hilal Club (Omdurman)"


@pytest.mark.parametrize("text,typ,name", [
    ("سيرغي لافروف", "PER", "Sergey Lavrov"),
    ("سيرجي لافروف", "PER", "Sergey Lavrov"),
    ("لافروف", "PER", "Sergey Lavrov"),
    ("ترمب", "PER", "Donald Trump"),
    ("دونالد ترامب", "PER", "Donald Trump"),
    ("بوتن", "PER", "Vladimir Putin"),
    ("فلاديمير بوتين", "PER", "Vladimir Putin"),
    ("تيلرسون", "PER", "Rex Tillerson"),
    ("إيمانويل ماكرون", "PER", "Emmanuel Macron"),
    ("الأمم المتحدة", "ORG", "United Nations"),
    ("داعش", "ORG", "Islamic State of Iraq and the Levant"),
    ("تنظيم الدولة الإسلامية", "ORG", "Islamic State of Iraq and the Levant"),
    ("أنصار الله", "ORG", "Houthis"),
    ("جبهة النصرة", "ORG", "al-Nusra Front"),
    ("وكالة الأنباء السعودية", "ORG", "Saudi Press Agency"),
    ("فرانس برس", "ORG", "Agence France-Presse"),
    ("الحكومة السورية", "ORG", "Government of Syria"),
    ("وزارة الخارجية الروسية", "ORG", "Ministry of Foreign Affairs (Russia)"),
    ("سورية", "LOC", "Syria"),
    ("أميركا", "LOC", "United States"),
    ("دمشق", "LOC", "Damascus"),
    ("واشنطن", "LOC", "Washington, D.C."),
    ("وواشنطن", "LOC", "Washington, D.C."),
    ("إنكلترا", "LOC", "England"),
    ("بيونغ يانغ", "LOC", "Pyongyang"),
    ("شبه الجزيرة الكورية", "LOC", "Korean Peninsula"),
    ("للسعودية", "LOC", "Saudi Arabia"),
    ("نتانياهو", "ORG", "Benjamin Netanyahu"),  # a curated person the NER typed ORG
    # a title qualified in Wikipedia ("نادي الهلال (السودان)") yields the bare name to the other
    ("نادي الهلال", "ORG", "Al-Hilal FC"),
    ("نادي الزمالك", "ORG", "Zamalek SC"),
    # a Middle Eastern city without a Wikipedia-mapped title loses GeoNames' romanization marks
    ("الحديدة", "LOC", "Al Hudaydah"),
    ("عفرين", "LOC", "Afrin"),
])
def test_link(lk: Linker, text: str, typ: str, name: str) -> None:
    e = lk.link(text, typ)
    assert e is not None, text
    assert e.name == name


def test_adjectives_and_types(lk: Linker) -> None:
    # nationality adjectives are not entities
    assert lk.link("الروسي", "MISC") is None
    assert lk.link("الأمريكية", "LOC") is None
    assert lk.is_adjective("السورية")
    # a country the NER called ORG still links (and is a LOC in the KB)
    e = lk.link("روسيا", "ORG")
    assert e is not None and e.type == "LOC"
    # the type picks between two readings of one name
    assert lk.link("الشرق الأوسط", "LOC").name == "Middle East"  # type: ignore[union-attr]
    assert lk.link("الشرق الأوسط", "ORG").name == "Asharq Al-Awsat"  # type: ignore[union-attr]


def test_places_have_coordinates(lk: Linker) -> None:
    d = lk.link("دمشق", "LOC")
    assert d is not None and d.id == "geonames:170654" and d.country == "SY"
    assert d.lat == pytest.approx(33.51, abs=0.05) and d.lon == pytest.approx(36.29, abs=0.05)
    s = lk.link("سوريا", "LOC")
    assert s is not None and s.id == "Q858" and s.lat is not None  # the capital's point
    # the larger city wins an ambiguous name
    t = lk.link("طرابلس", "LOC")
    assert t is not None and t.country == "LY"


def test_bare_club_names_need_the_org_type(lk: Linker) -> None:
    """``ليفربول`` typed ORG is the club (its KB title is ``نادي ليفربول``), typed LOC the
    city; a nationality-qualified title gives its bare name (``نادي النصر السعودي``); generic
    names (``الاتحاد``) link to no club."""
    assert lk.link("ليفربول", "ORG").name == "Liverpool F.C."  # type: ignore[union-attr]
    assert lk.link("ليفربول", "LOC").name == "Liverpool"  # type: ignore[union-attr]
    assert lk.link("برشلونة", "ORG").name == "FC Barcelona"  # type: ignore[union-attr]
    assert lk.link("النصر", "ORG").name == "Al-Nassr FC"  # type: ignore[union-attr]
    assert lk.link("الوداد", "ORG").name == "Wydad Casablanca"  # type: ignore[union-attr]
    e = lk.link("الاتحاد", "ORG")
    assert e is None or not e.id.startswith("rasid:club-")


def test_unknown_names(lk: Linker) -> None:
    assert lk.link("زيد عبيدات الخرابشة", "PER") is None
    assert lk.link("", "PER") is None


def test_surname_only_when_unambiguous() -> None:
    lk = Linker([
        KBEntry("a", "Ann Smith", "PER", ar=("آن سميث",), src="curated", prio=1000),
        KBEntry("b", "Bob Smith", "PER", ar=("بوب سميث",), src="curated", prio=1000),
        KBEntry("c", "Carl Jones", "PER", ar=("كارل جونز",), src="curated", prio=1000),
    ])
    assert lk.link("جونز", "PER").id == "c"  # type: ignore[union-attr]
    assert lk.link("سميث", "PER") is None  # two curated Smiths


def test_curated_rows_are_valid() -> None:
    d = Path(__file__).resolve().parent.parent / "rasid" / "resources" / "kb" / "curated"
    rows = [e for p in sorted(d.glob("*.tsv")) for e in read_curated(p)]
    assert len(rows) > 500
    for e in rows:
        assert e.name and e.ar, e.id
        assert e.id.startswith(("Q", "rasid:", "iso:", "geonames:")), e.id


def test_build_reproducible(tmp_path: Path) -> None:
    from tests.conftest import need_shared

    need_shared("kb")
    from rasid.kb.build import main

    out = tmp_path / "kb.tsv.gz"
    assert main(["-o", str(out)]) == 0
    assert out.read_bytes() == KB_FILE.read_bytes(), "shipped KB is stale: run `rasid build kb`"


def test_surname_that_is_an_ordinary_word_does_not_link_alone() -> None:
    from rasid.doc import Article
    from rasid.kb.linker import get_linker
    from rasid.pipeline import Pipeline

    lk = get_linker()
    # السلام "peace", الثالث "the third", بين "between": surnames of KB people, never a
    # person by themselves
    for w in ("السلام", "الثالث", "بين"):
        assert lk.match(w, "PER") is None, w
    # a distinctive surname still does
    m = lk.match("لافروف", "PER")
    assert m is not None and m.entry.name == "Sergey Lavrov"
    # الضيف ("the guest") is not looked for in running text; the full name still links
    pipe = Pipeline(("text", "entities", "linking"))
    assert [e.name for e in pipe(Article(body="وقال الضيف في البرنامج إن الوضع صعب.")).entities] == []
    d = pipe(Article(body="وأكد محمد الضيف قائد كتائب القسام أن المقاومة مستمرة."))
    assert "Mohammed Deif" in [e.name for e in d.entities]


def test_club_short_names_drop_the_club_word_sport_suffix_and_nationality():
    nisba = {"القطري", "السعودي"}.__contains__
    assert club_short_names("نادي السد القطري الرياضي", nisba) == ["السد القطري", "السد"]
    assert club_short_names("نادي ليفربول لكرة القدم", nisba) == ["ليفربول"]
    assert club_short_names("نادي سلتيك (اسكتلندا)", nisba) == ["سلتيك"]
    # the last word is not a nationality adjective here
    assert club_short_names("نادي ريال مدريد", nisba) == ["ريال مدريد"]
    assert club_short_names("ريال مدريد", nisba) == []
    assert club_short_names("نادي الرياضي", nisba) == ["الرياضي"]
