"""Mine entity-name evidence from unlabeled news with trigger patterns (training time).

For every word, count how often it follows an organisation head ("حزب X", "حركة X", "نادي X"...),
a place head ("مدينة X", "بلدة X", "مخيم X"...) or a person title ("الرئيس X", "الشيخ X"...),
skipping one nisba adjective ("الرئيس الامريكي X"), and compare with its total frequency.
Writes ``mined.tsv`` (TYPE<TAB>word<TAB>share bucket) for words seen >= 3 times after
triggers of one type. Input: the normalised news corpus written by ``rasid.ner.clusters``.

    python -m rasid.ner.mine [--corpus /tmp/rasid_ner_clusters/news_raw.txt] [--out DIR]
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

from rasid.text.normalize import nisba_like

from .paths import MODEL_DIR
from .textnorm import normalize, strip_conj, strip_punct

TRIGGERS = {
    "ORG": "حزب حركه جماعه منظمه شركه جامعه نادي فريق صحيفه وكاله قناه تنظيم جبهه مؤسسه بنك مصرف مجموعه جمعيه",
    "LOC": "مدينه بلده قريه مخيم محافظه ولايه اقليم منطقه جزيره نهر عاصمه مقاطعه حي",
    "PERS": "الرئيس السيد الشيخ الامير الملك الدكتور اللاعب المدرب النائب الفنان الفنانه المطرب الكاتب "
            "الزعيم المستشار الجنرال اللواء العقيد الاستاذ الامام المخرج الممثل الممثله السفير",
}
TRIG = {normalize(w): t for t, ws in TRIGGERS.items() for w in ws.split()}
# frequent function words never mined
STOP = {normalize(w) for w in """في من الى علي على عن مع ان او و ثم التي الذي الذين هذا هذه ذلك تلك
كان كانت قد لم لن ما لا هو هي هم بعد قبل خلال حيث بين امس اليوم العام الجديد""".split()}  # noqa: SIM905


def mine(corpus: str, min_count: int = 3) -> dict[str, dict[str, int]]:
    total: Counter = Counter()
    after = {t: Counter() for t in TRIGGERS}
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            toks = [strip_punct(t) for t in line.split()]
            total.update(toks)
            L = len(toks)
            for i, w in enumerate(toks):
                t = TRIG.get(strip_conj(w))
                if t is None or i + 1 >= L:
                    continue
                j = i + 1
                nxt = toks[j]
                if t == "PERS" and nxt.startswith("ال") and nisba_like(nxt) and j + 1 < L:
                    j += 1
                    nxt = toks[j]
                if len(nxt) < 3 or nxt in STOP or nxt in TRIG or not nxt[0].isalpha():
                    continue
                after[t][nxt] += 1
    out: dict[str, dict[str, int]] = {}
    for t, cnt in after.items():
        d = {}
        for w, c in cnt.items():
            if c >= min_count:
                share = c / total[w]
                if share >= 0.05:
                    d[w] = 0 if share < 0.2 else (1 if share < 0.5 else 2)
        out[t] = d
    return out


def write(mined: dict, path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for t in sorted(mined):
            fh.writelines(f"{t}\t{w}\t{b}\n" for w, b in sorted(mined[t].items()))


def load(path: str) -> dict[str, str]:
    """word -> space-separated feature strings, e.g. 'ORG:2 LOC:0'."""
    d: dict[str, list[str]] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                t, w, b = line.rstrip("\n").split("\t")
                d.setdefault(w, []).append(f"{t}:{b}")
    return {w: tuple(v) for w, v in d.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid.ner.mine", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="/tmp/rasid_ner_clusters/news_raw.txt")
    ap.add_argument("--out", default=str(MODEL_DIR))
    args = ap.parse_args(argv)
    m = mine(args.corpus)
    write(m, os.path.join(args.out, "mined.tsv"))
    print({t: len(v) for t, v in m.items()}, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
