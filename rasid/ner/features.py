"""Fast CRF feature extraction for Arabic NER.

Per-word-type features are computed once and cached (word types repeat a lot);
sentence-level work is only the window assembly, bigrams and gazetteer span matching.
Runtime needs only the stdlib.
"""
from __future__ import annotations

import os
import re
from itertools import chain

from .textnorm import normalize, split_prefix, split_suffix, strip_conj, strip_punct
from .topics import TopicModel


def _wordset(text: str) -> set[str]:
    return {normalize(w) for w in text.split()}


# Hand-written trigger words (normalised forms, clitics stripped).
PER_TRIGGERS = _wordset("""
الرئيس رئيس الرئيسة رئيسة السيد السيده الشيخ الملك الامير الاميره الملكه وزير الوزير وزيره الوزيره
نائب النائب المستشار مستشار المتحدث متحدث الجنرال اللواء العقيد العميد الدكتور د الاستاذ الامام البابا
الحاج المدرب مدرب اللاعب لاعب الفنان الفنانه المطرب المطربه الكاتب الشاعر المخرج الممثل الممثله
قال قالت اضاف اضافت اكد اكدت اعلن اعلنت صرح صرحت اوضح اوضحت اشار اشارت ذكر ذكرت اعتبر
الزعيم زعيم القائد قائد المرشد السفير سفير الوزيرة المبعوث مبعوث المندوب الامين امين السناتور
ابو ام بن ابن بنت
""")
ORG_TRIGGERS = _wordset("""
وزاره حزب منظمه شركه جامعه وكاله مجلس جمعيه اتحاد هيئه بنك مصرف حركه جبهه صحيفه مؤسسه مركز
معهد نادي فريق منتخب محكمه لجنه برلمان الكونغرس مجموعه تنظيم جيش قوات اذاعه تلفزيون قناه مجله
الامم المتحده صندوق برنامج مكتب سلطه مصلحه ادارة اداره دائره نقابه رابطه مجمع كليه مستشفي
""")
LOC_TRIGGERS = _wordset("""
مدينه محافظه ولايه اقليم منطقه عاصمه العاصمه جزيره جزر بحر نهر جبل قريه بلده دوله شمال جنوب شرق غرب
وسط شمالي جنوبي شرقي غربي في الي من قرب بالقرب ضواحي مقاطعه
""")
MISC_TRIGGERS = _wordset("""
كاس بطوله جائزه دوري مهرجان مؤتمر معاهده اتفاقيه اتفاق حرب عمليه كتاب فيلم
""")

_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_ARAB = re.compile("[\u0621-\u064a]")


def _shape(w: str) -> str:
    if _ARAB.search(w):
        if _DIGIT.search(w):
            return "ARD"
        return "AR" if w.isalnum() else "ARP"
    if _LATIN.search(w):
        return "LAT"
    if _DIGIT.search(w):
        return "NUM"
    return "PUNCT"


def _lenb(n: int) -> str:
    return str(n) if n < 8 else "8+"


def _by_second_word(index: dict) -> dict:
    """first word -> second word (``""`` for one-word entries) -> entries, longest first (in
    their listed order on a tie): a span lookup then only tries the entries that can match
    (``وزارة`` starts some 800 gazetteer names, ``وزارة الخارجية`` some 200)."""
    out: dict[str, dict[str, list]] = {}
    for first, lst in index.items():
        d = out.setdefault(first, {})
        for toks, typ in lst:
            d.setdefault(toks[1] if len(toks) > 1 else "", []).append((toks, typ))
        for sub in d.values():
            sub.sort(key=lambda x: -len(x[0]))
    return out


class FeatureExtractor:
    """Turns a token sequence into crfsuite feature lists, with a per-type cache."""

    def __init__(self, clusters_raw: dict | None = None, clusters_stem: dict | None = None,
                 gazetteer: dict | None = None, window: int = 2, max_cache: int = 500_000,
                 memory: dict | None = None, mined: dict | None = None, topics: dict | None = None):
        self.cr = clusters_raw or {}
        self.cs = clusters_stem or {}
        g = gazetteer or {}
        self.per_tok = g.get("PER_TOK", set())
        self.norp = g.get("NORP", set())
        # multi-word gazetteer index: first token -> list of (tuple tokens, type)
        self.spans: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.single: dict[str, str] = {}
        for typ in ("LOC", "ORG"):
            for e in g.get(typ, ()):
                toks = tuple(e.split())
                if len(toks) == 1:
                    self.single.setdefault(toks[0], typ)
                else:
                    self.spans.setdefault(toks[0], []).append((toks, typ))
        # sports clubs without نادي: their own flag, since many are also place names
        self.club: set[str] = set()
        for e in g.get("CLUB", ()):
            toks = tuple(e.split())
            if len(toks) == 1:
                self.club.add(toks[0])
            else:
                self.spans.setdefault(toks[0], []).append((toks, "CLUB"))
        self.spans = _by_second_word(self.spans)
        # "memory" of entities seen in the training data (jackknifed during training)
        memory = memory or {}
        self.mem_tok: dict[str, str] = memory.get("T", {})
        self.mem_spans: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for e, typ in memory.get("S", {}).items():
            toks = tuple(e.split())
            self.mem_spans.setdefault(toks[0], []).append((toks, typ))
        self.mem_spans = _by_second_word(self.mem_spans)
        self.mined = mined or {}
        # what the passage around a sentence is about (rasid.ner.topics), conjoined with the
        # word's gazetteer/trigger flags and coarse clusters: a city in a sports report is
        # often a club, a brand in a technology report a product
        self.topics = TopicModel(topics) if topics else None
        # words never propagated as single-token entities (triggers, frequent function words)
        self.stop = PER_TRIGGERS | ORG_TRIGGERS | LOC_TRIGGERS | MISC_TRIGGERS
        self.window = window
        self.max_cache = max_cache
        self._cache: dict[str, tuple] = {}
        # topic -> word -> the word's topic-conjoined features
        self._topic_cache: dict[str, dict[str, list[str]]] = {}

    def prewarm(self, n: int = 20000) -> None:
        """Precompute the per-type features of the n most frequent news words (the cluster
        file is in frequency order), so that common words are never computed at tag time."""
        for i, w in enumerate(self.cr):
            if i >= n:
                break
            self._type_feats(w)

    # -- per-type features ------------------------------------------------------------
    def _type_feats(self, w: str) -> tuple:
        c = self._cache.get(w)
        if c is not None:
            return c
        bare = strip_punct(w)
        n = normalize(bare)
        pfx, stem = split_prefix(n)
        conj = strip_conj(n)
        stem2, sfx = split_suffix(stem)
        own = ["b", "w=" + w, "n=" + n, "s=" + stem, "c=" + conj, "pf=" + pfx,
               "sh=" + _shape(w), "ln=" + _lenb(len(n))]
        if bare != w:
            own.append("pw=" + (w[0] if not w[0].isalnum() else "") + "_" + (w[-1] if not w[-1].isalnum() else ""))
        for k in (1, 2, 3, 4):
            if len(n) > k:
                own.append(f"s{k}=" + n[-k:])
            if len(stem) > k:
                own.append(f"p{k}=" + stem[:k])
                own.append(f"ss{k}=" + stem[-k:])
        if sfx:
            own.append("sx=" + sfx)
            own.append("s2=" + stem2)
        ctx = ["n=" + n, "s=" + stem, "pf=" + pfx]
        # clusters
        cl = self.cr.get(n) or self.cr.get(conj)
        if cl is not None:
            for i, cid in enumerate(cl):
                own.append(f"cr{i}={cid}")
            ctx.append("cr1=" + cl[1])
            ctx.append("cr2=" + cl[2])

        else:
            own.append("cr=none")
        cs = self.cs.get(stem)
        if cs is not None:
            for i, cid in enumerate(cs):
                own.append(f"cs{i}={cid}")
            ctx.append("cs1=" + cs[1])
            ctx.append("cs2=" + cs[2])

        # gazetteers / triggers (on stem and conj-stripped forms)
        gz = []
        if stem in self.per_tok or conj in self.per_tok or n in self.per_tok:
            gz.append("gPER")
        if n in self.norp or stem in self.norp or conj in self.norp:
            gz.append("gNORP")
        st = self.single.get(n) or self.single.get(conj) or self.single.get(stem)
        if st:
            gz.append("g1" + st)
        if self.club and (n in self.club or conj in self.club or stem in self.club):
            gz.append("g1CLUB")
        if stem in PER_TRIGGERS or conj in PER_TRIGGERS or n in PER_TRIGGERS:
            gz.append("tPER")
        if stem in ORG_TRIGGERS or conj in ORG_TRIGGERS or n in ORG_TRIGGERS:
            gz.append("tORG")
        if stem in LOC_TRIGGERS or n in LOC_TRIGGERS:
            gz.append("tLOC")
        if stem in MISC_TRIGGERS or conj in MISC_TRIGGERS:
            gz.append("tMISC")
        mn = self.mined.get(n) or self.mined.get(conj)
        if mn:
            for x in mn:
                own.append("mn=" + x)
                gz.append("mn" + x[:-2])
        mt = self.mem_tok.get(conj) or self.mem_tok.get(stem)
        if mt:
            gz.append("m=" + mt.split(":")[0])
            own.append("mr=" + mt)
        own.extend(gz)
        ctx.extend(gz)
        keys = (n, conj, stem)
        topical = gz + [f"cr0={cl[0]}" if cl is not None else "cr=none"] + ([f"cs0={cs[0]}"] if cs is not None else [])
        res = (own, {o: [f"{o}:{f}" for f in ctx] for o in range(-self.window, self.window + 1) if o}, keys,
               topical)
        if len(self._cache) < self.max_cache:
            self._cache[w] = res
        return res

    # -- gazetteer span matching -------------------------------------------------------
    def _span_feats(self, types: list[tuple]) -> list[list[str]]:
        L = len(types)
        out: list[list[str]] = [[] for _ in range(L)]
        if self.spans:
            self._match(types, self.spans, "g", out)
        if self.mem_spans:
            self._match(types, self.mem_spans, "m", out)
        return out

    @staticmethod
    def _match(types, index, pre, out) -> None:
        L = len(types)
        norms = [t[2][0] for t in types]
        i = 0
        while i < L:
            # the longest entry starting here, over the word's forms in a fixed order (normalized,
            # conjunction-stripped, stem; first listed wins a tie): iterating a set here made the
            # features, and so the tags, depend on the process's string-hash seed
            matched, best = 0, ""
            nxt = norms[i + 1] if i + 1 < L else None
            for key in dict.fromkeys(types[i][2]):
                d = index.get(key)
                if d is None:
                    continue
                for toks, typ in chain(d.get(nxt, ()) if nxt is not None else (), d.get("", ())):
                    m = len(toks)
                    if m <= matched or i + m > L:
                        continue
                    if all(norms[i + j] == toks[j] for j in range(1, m)):
                        matched, best = m, typ
            if matched:
                out[i].append(pre + "B" + best)
                for j in range(1, matched):
                    out[i + j].append(pre + "I" + best)
            i += max(matched, 1)

    def passage_topics(self, sentences: list[list[str]]) -> list[str]:
        """The topic of each sentence's passage (``""`` for all without a topic model);
        ``sentences`` are consecutive sentences of one document."""
        if self.topics is None:
            return [""] * len(sentences)
        tf = self._type_feats
        return self.topics.topics_of(sentences, lambda w: tf(w)[2][2])

    def sent_features(self, tokens: list[str], topic: str = "") -> list[list[str]]:
        types = [self._type_feats(w) for w in tokens]
        spans = self._span_feats(types)
        L = len(tokens)
        W = self.window
        feats = []
        tcache = self._topic_cache.setdefault(topic, {}) if topic else None
        for i in range(L):
            own, _, keys, topical = types[i]
            f = list(own)
            for o in range(-W, W + 1):
                if o == 0:
                    continue
                j = i + o
                if 0 <= j < L:
                    f.extend(types[j][1][o])
                else:
                    f.append(f"{o}:PAD")
            n0 = keys[0]
            if i > 0:
                f.append("bg-=" + types[i - 1][2][0] + "|" + n0)
            else:
                f.append("BOS")
            if i + 1 < L:
                f.append("bg+=" + n0 + "|" + types[i + 1][2][0])
            else:
                f.append("EOS")
            sp = spans[i]
            if sp:
                f.extend(sp)
                if i > 0 and spans[i - 1]:
                    f.extend("-1:" + x for x in spans[i - 1])
            if i + 1 < L and spans[i + 1]:
                f.extend("+1:" + x for x in spans[i + 1])
            if topic:
                tf = tcache.get(tokens[i])
                if tf is None:
                    tf = ["tp=" + topic] + [f"tp{topic}|{x}" for x in topical]
                    if len(tcache) < self.max_cache:
                        tcache[tokens[i]] = tf
                f.extend(tf)
                if sp:
                    f.extend(f"tp{topic}|{x}" for x in sp)
            feats.append(f)
        return feats


def build_memory(data) -> dict:
    """Entities seen in labelled data: token -> dominant type (with a share bucket) and
    multi-token span -> majority type. ``data`` is a list of (tokens, tags)."""
    from collections import Counter, defaultdict

    from .scoring import spans as _spans

    tokc: dict[str, Counter] = defaultdict(Counter)
    spanc: dict[str, Counter] = defaultdict(Counter)
    for toks, tags in data:
        norm = [strip_conj(normalize(strip_punct(t))) for t in toks]
        for c, t in zip(norm, tags):
            tokc[c][t[2:] if t != "O" else "O"] += 1
        for a, b, typ in _spans(tags):
            if b - a > 1:
                key = " ".join([norm[a]] + [normalize(strip_punct(t)) for t in toks[a + 1:b]])
                spanc[key][typ] += 1
    T = {}
    for c, cnt in tokc.items():
        ent = [(v, k) for k, v in cnt.items() if k != "O"]
        if not ent:
            continue
        v, k = max(ent)
        share = v / sum(cnt.values())
        T[c] = f"{k}:{min(int(share * 4), 3)}"
    S = {k: c.most_common(1)[0][0] for k, c in spanc.items()}
    return {"T": T, "S": S}


def write_memory(mem: dict, path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for k in ("T", "S"):
            fh.writelines(f"{k}\t{t}\t{e}\n" for e, t in sorted(mem[k].items()))


def load_memory(path: str) -> dict:
    mem: dict = {"T": {}, "S": {}}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                k, t, e = line.rstrip("\n").split("\t", 2)
                mem[k][e] = t
    return mem


def load_clusters(path: str) -> dict[str, tuple[str, ...]]:
    d: dict[str, tuple[str, ...]] = {}
    if not os.path.exists(path):
        return d
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            d[parts[0]] = tuple(parts[1:])
    return d
