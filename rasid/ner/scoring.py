"""Entity-level scoring equivalent to conlleval (exact span and type, IOB2/IOB1 tolerant)."""
from __future__ import annotations

from collections import Counter


def spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Chunks as conlleval computes them (an I- after O or another type starts a chunk)."""
    out = set()
    start, typ = None, None
    for i, t in enumerate(list(tags) + ["O"]):
        if t in ("O", "", None) or "-" not in t:
            p, ty = "O", None
        else:
            p, ty = t.split("-", 1)
        end_chunk = start is not None and (p in ("O", "B") or ty != typ)
        if end_chunk:
            out.add((start, i, typ))
            start, typ = None, None
        if p == "B" or (p == "I" and start is None):
            start, typ = i, ty
    return out


def score(gold: list[list[str]], pred: list[list[str]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        gs, ps = spans(g), spans(p)
        for s in gs & ps:
            tp[s[2]] += 1
        for s in ps - gs:
            fp[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1
    res = {}
    for t in sorted(set(tp) | set(fp) | set(fn)) + ["micro"]:
        if t == "micro":
            a, b, c = sum(tp.values()), sum(fp.values()), sum(fn.values())
        else:
            a, b, c = tp[t], fp[t], fn[t]
        P = a / (a + b) if a + b else 0.0
        R = a / (a + c) if a + c else 0.0
        F = 2 * P * R / (P + R) if P + R else 0.0
        res[t] = {"p": P, "r": R, "f1": F, "tp": a, "fp": b, "fn": c, "support": a + c}
    return res


def format_report(res: dict) -> str:
    lines = [f"{'type':<6} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6}"]
    for t, m in res.items():
        lines.append(f"{t:<6} {m['p']:7.4f} {m['r']:7.4f} {m['f1']:7.4f} {m['support']:6d}")
    return "\n".join(lines)
