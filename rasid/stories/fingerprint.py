"""Near-duplicates: MinHash signatures of normalized word shingles, found with LSH.

Wire copy republished by several outlets, and updated versions of one article, share most
of their word 3-shingles even after small edits (a changed byline, a dropped paragraph, a
different headline). The headline is left out on purpose: republishers rewrite it.

The index is incremental: :class:`DuplicateIndex` keeps its MinHash LSH in memory and, when
given a store, rebuilds it once per process from the signatures stored there, so an
article ingested today is matched against those ingested last month.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from rasid.text.normalize import normalize

#: MinHash permutations: 128 keeps the Jaccard estimate within about +-0.04
NUM_PERM = 128
#: word n-gram size of a shingle
SHINGLE = 3
#: estimated Jaccard similarity from which two articles are the same text (docs/stories.md)
THRESHOLD = 0.5
#: texts with fewer shingles are not fingerprinted (a caption matches too many others)
MIN_SHINGLES = 12

_WORD = re.compile(r"\w+")
_SEED = 1


def words(text: str) -> list[str]:
    """Normalized word tokens (hamza/ya/ta marbuta/diacritics/digits folded)."""
    return _WORD.findall(normalize(text))


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    ws = words(text)
    if len(ws) < k:
        return {" ".join(ws).encode("utf-8")} if ws else set()
    return {" ".join(ws[i:i + k]).encode("utf-8") for i in range(len(ws) - k + 1)}


def _perms() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash  # type: ignore[import-untyped]

    m = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="legacy")
    a, b = m.permutations
    return np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)


_PERMS: tuple[np.ndarray, np.ndarray] | None = None
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)


def signature(sh: Iterable[bytes]) -> np.ndarray | None:
    """MinHash signature (uint64 array of NUM_PERM values, datasketch's "legacy" scheme) of a
    shingle set, or None when it has fewer than MIN_SHINGLES shingles. The shingles are hashed
    with CRC32: stable across processes (Python's ``hash`` is salted) and fast."""
    global _PERMS
    hv = np.fromiter((zlib.crc32(s) for s in sh), dtype=np.uint64)
    if len(hv) < MIN_SHINGLES:
        return None
    if _PERMS is None:
        _PERMS = _perms()
    a, b = _PERMS
    # same arithmetic as datasketch.MinHash.update_batch, done once for the whole set
    phv = ((np.outer(hv, a) + b) % _MERSENNE) & _MAX32
    return phv.min(axis=0)


def jaccard(s1: np.ndarray, s2: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(s1 == s2)) / len(s1)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint64)


class _Sketch:
    """What MinHashLSH reads of a MinHash (its hash values, length and scheme). Building a
    datasketch MinHash from stored values regenerates its permutations every time, which
    cost three quarters of the indexing time."""

    __slots__ = ("hashvalues",)
    scheme = "legacy"

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


@dataclass(slots=True)
class Match:
    """The outcome of :meth:`DuplicateIndex.check`."""

    duplicate_of: str | None
    similarity: float
    signature: np.ndarray | None


class DuplicateIndex:
    """MinHash LSH over every article seen (in this process, plus the store's when given).

    ``check(id, text)`` finds the earliest-stored article of the group the text belongs to;
    ``add(id, match)`` then makes the article findable (call it once the article is stored).
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH  # type: ignore[import-untyped]

        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.sigs: dict[str, np.ndarray] = {}
        #: article id -> (insertion order, root of its duplicate group)
        self.meta: dict[str, tuple[int, str]] = {}

    def __len__(self) -> int:
        return len(self.sigs)

    def _minhash(self, sig: np.ndarray) -> _Sketch:
        return _Sketch(sig)

    def check(self, article_id: str, text: str) -> Match:
        return self.check_signature(article_id, signature(shingles(text)))

    def check_signature(self, article_id: str, sig: np.ndarray | None) -> Match:
        """:meth:`check` of a signature computed elsewhere (the Spark executors compute them
        while the text is in memory, then run this index over each LSH-connected group)."""
        if sig is None:
            return Match(None, 0.0, None)
        # groups are stars around their root (earliest stored article): an article joins a
        # group only when it matches the root itself, so a chain of small edits (or one
        # template filled in twice) does not merge different articles through a third
        best: tuple[int, str, float] | None = None
        for cand in self.lsh.query(self._minhash(sig)):
            if cand == article_id:
                continue
            root = self.meta[cand][1]
            if root == article_id:
                continue
            sim = jaccard(sig, self.sigs[root]) if root in self.sigs else 0.0
            if sim < self.threshold:
                continue
            rseq = self.meta[root][0]
            if best is None or rseq < best[0]:
                best = (rseq, root, sim)
        if best is None:
            return Match(None, 0.0, sig)
        return Match(best[1], best[2], sig)

    def add(self, article_id: str, match: Match, seq: int | None = None) -> None:
        if match.signature is None:
            return
        if article_id in self.sigs:
            self.lsh.remove(article_id)
        self.sigs[article_id] = match.signature
        order = seq if seq is not None else len(self.meta)
        self.meta[article_id] = (order, match.duplicate_of or article_id)
        self.lsh.insert(article_id, self._minhash(match.signature), check_duplication=False)
