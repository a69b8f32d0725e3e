"""Score the quotes stage against the gold files: ``rasid eval quotes`` (``main(argv)``).

Matching (written down in docs/quotes.md): contents are compared as multisets of
normalized word tokens (punctuation and quotation marks dropped); a predicted and a gold
quote match when their token F1 is >= 0.5, pairs taken greedily from the best F1 down, one
to one, within an article. Quote P/R/F1 are over all items and per kind (a pair counts for
a kind when both sides have it). Speaker accuracy is over matched pairs: the speaker
strings are equal after normalization and clitic stripping, or the predicted English name
equals the gold canonical name.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.doc import Article, Doc, Entity
from rasid.text import normalize, strip_clitics

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def shared_dir() -> Path:
    env = os.environ.get("RASID_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


def words(s: str) -> list[str]:
    return [normalize(w) for w in _WORD.findall(s)]


def token_f1(a: Sequence[str], b: Sequence[str]) -> float:
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def speaker_key(s: str | None) -> str:
    if not s:
        return ""
    out = []
    for w in _WORD.findall(s):
        w = normalize(w)
        k = strip_clitics(w)
        if k and w[:k] in ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل"):
            w = w[k:]
        out.append(w)
    return " ".join(out)


def speaker_ok(pred: dict[str, Any] | None, gold: dict[str, Any]) -> bool:
    if pred is None:
        return False
    if speaker_key(pred.get("text")) == speaker_key(gold.get("speaker")) and pred.get("text"):
        return True
    name, canon = pred.get("name"), gold.get("speaker_canonical")
    return bool(name and canon and name.strip().lower() == canon.strip().lower())


@dataclass
class Score:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [tp, pred, gold]
    spk_ok: int = 0
    misses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    false_alarms: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    wrong_speaker: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @staticmethod
    def prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
        p = tp / np_ if np_ else 0.0
        r = tp / ng if ng else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def add(self, doc_id: str, preds: list[dict[str, Any]], golds: list[dict[str, Any]]) -> None:
        self.n_pred += len(preds)
        self.n_gold += len(golds)
        for q in preds:
            self.by_kind.setdefault(q["kind"], [0, 0, 0])[1] += 1
        for g in golds:
            self.by_kind.setdefault(g["kind"], [0, 0, 0])[2] += 1
        pw = [words(q["content"]) for q in preds]
        gw = [words(g["content"]) for g in golds]
        pairs = []
        for i, a in enumerate(pw):
            for j, b in enumerate(gw):
                f = token_f1(a, b)
                if f >= 0.5:
                    pairs.append((f, i, j))
        pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
        used_p: set[int] = set()
        used_g: set[int] = set()
        for _, i, j in pairs:
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            self.tp += 1
            if preds[i]["kind"] == golds[j]["kind"]:
                self.by_kind[golds[j]["kind"]][0] += 1
            if speaker_ok(preds[i].get("speaker"), golds[j]):
                self.spk_ok += 1
            else:
                self.wrong_speaker.append((doc_id, preds[i], golds[j]))
        self.misses += [(doc_id, g) for j, g in enumerate(golds) if j not in used_g]
        self.false_alarms += [(doc_id, q) for i, q in enumerate(preds) if i not in used_p]

    def summary(self) -> dict[str, Any]:
        p, r, f = self.prf(self.tp, self.n_pred, self.n_gold)
        out: dict[str, Any] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                               "matched": self.tp, "predicted": self.n_pred, "gold": self.n_gold,
                               "speaker_accuracy": round(self.spk_ok / self.tp, 4) if self.tp else 0.0}
        for k, (tp, np_, ng) in sorted(self.by_kind.items()):
            kp, kr, kf = self.prf(tp, np_, ng)
            out[k] = {"precision": round(kp, 4), "recall": round(kr, 4), "f1": round(kf, 4),
                      "predicted": np_, "gold": ng}
        return out


def oracle_entities(text: str, gold_entities: list[dict[str, Any]]) -> list[Entity]:
    """Entities from the gold mention lists (for measuring the stage apart from NER)."""
    spans: list[tuple[int, int, str, str]] = []
    forms = []
    for e in gold_entities:
        for m in e.get("mentions", ()):
            forms.append((m, e["type"], e.get("canonical")))
    forms.sort(key=lambda x: -len(x[0]))
    taken = [False] * (len(text) + 1)
    out: list[Entity] = []
    for m, typ, canon in forms:
        if not m:
            continue
        for mt in re.finditer(r"(?<![^\W_])(?:[وفبلك]{0,2})(" + re.escape(m) + r")(?![^\W_])", text):
            s, e = mt.span(1)
            if any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            spans.append((s, e, typ, canon))
    for s, e, typ, canon in sorted(spans):
        out.append(Entity(s, e, text[s:e], typ, None, canon, canon))
    return out


def load_jsonl(p: Path) -> list[dict[str, Any]]:
    with p.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_runner(oracle: bool, no_entities: bool = False
                 ) -> tuple[Callable[[Article, dict[str, Any]], Doc], Any, str]:
    """A function article -> Doc, the quotes stage callable, and a description of the mode."""
    from rasid.stages.quotes import make_quotes

    qstage = make_quotes()
    reason = "no entities requested" if no_entities else "oracle entities requested"
    if not oracle and not no_entities:
        try:
            from rasid.pipeline import Pipeline

            pipe = Pipeline()
            names = pipe.names
            stages = [fn for name, fn in pipe.stages if name != "quotes"]

            def run_full(a: Article, gold: dict[str, Any]) -> Doc:
                doc = pipe.make_doc(a)
                for fn in stages:
                    doc = fn(doc)
                return doc

            return run_full, qstage, "full pipeline: " + " -> ".join(names)
        except Exception as e:  # noqa: BLE001 - fall back to the stages that exist
            reason = f"{type(e).__name__}: {e}"
    from rasid.stages.text import make_text

    text = make_text()
    ents = None
    if not oracle and not no_entities:
        try:
            from rasid.stages.entities import make_entities  # type: ignore[import-not-found]

            ents = make_entities()
        except Exception:  # noqa: BLE001
            ents = None

    broken: list[str] = []

    def run_fallback(a: Article, gold: dict[str, Any]) -> Doc:
        doc = text(Doc(article=a, text=""))
        if oracle:
            doc.entities = oracle_entities(doc.text, gold.get("entities", []))
        elif ents is not None and not broken:
            try:
                doc = ents(doc)
            except Exception as e:  # noqa: BLE001 - another team's stage, still in progress
                broken.append(f"{type(e).__name__}: {e}")
                print(f"rasid eval quotes: entities stage failed ({broken[0]}); "
                      "going on without entities", file=sys.stderr)
                doc.entities = []
        return doc

    mode = ("text + gold entities (oracle)" if oracle else
            "text + " + ("entities stage" if ents else "no entities")) + f"  [{reason}]"
    return run_fallback, qstage, mode


def evaluate(sets: Sequence[str] = ("dev", "seeds"), oracle: bool = False,
             shared: Path | None = None, no_entities: bool = False
             ) -> tuple[Score, dict[str, Any], list[Doc]]:
    root = (shared or shared_dir()) / "data" / "gold"
    run, qstage, mode = build_runner(oracle, no_entities)
    score = Score()
    docs: list[Doc] = []
    golds: list[dict[str, Any]] = []
    for name in sets:
        inp, gp = root / f"{name}_input.jsonl", root / f"{name}_gold.jsonl"
        if not inp.exists() or not gp.exists():
            raise FileNotFoundError(f"gold set {name!r} not found under {root}")
        for a, g in zip(load_jsonl(inp), load_jsonl(gp)):
            art = Article(body=a["text"], id=a.get("id"), published=a.get("published"),
                          title=a.get("title"), source=a.get("source"), url=a.get("url"))
            docs.append(run(art, g))
            golds.append(g)
    if docs:
        qstage(docs[0])  # warm up: the lexicon loads on first use
    # CPU time per pass over all articles; the median pass, so that a busy machine or a
    # garbage collection in one pass does not decide the figure
    times: list[float] = []
    t_all = time.process_time()
    while len(times) < 40 and (len(times) < 5 or time.process_time() - t_all < 1.0):
        t0 = time.process_time()
        for d in docs:
            qstage(d)
        times.append(time.process_time() - t0)
    times.sort()
    per_pass = times[len(times) // 2]
    for d, g in zip(docs, golds):
        score.add(d.id, [q.to_dict() for q in d.quotes], g.get("quotes", []))
    info = {"mode": mode, "articles": len(docs),
            "articles_per_s": round(len(docs) / per_pass, 1) if per_pass else 0.0}
    return score, info, docs


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rasid eval quotes",
                                 description="Score quotes and speakers against the gold files.")
    ap.add_argument("--set", action="append", choices=["dev", "seeds"],
                    help="gold set(s) to use (default: dev and seeds)")
    ap.add_argument("--oracle-entities", action="store_true",
                    help="give the stage the gold entity mentions instead of running NER")
    ap.add_argument("--no-entities", action="store_true",
                    help="run without NER (speakers taken from the text alone)")
    ap.add_argument("--shared", type=Path, help="the shared folder (default: ../shared or $RASID_SHARED)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses, false alarms, wrong speakers")
    args = ap.parse_args(argv)
    try:
        score, info, _ = evaluate(tuple(args.set or ("dev", "seeds")), args.oracle_entities,
                                  args.shared, args.no_entities)
    except FileNotFoundError as e:
        print(f"rasid eval quotes: {e} (set RASID_SHARED or pass --shared)", file=sys.stderr)
        return 2
    summ = score.summary()
    summ.update(info)
    if args.json:
        print(json.dumps(summ, ensure_ascii=False, indent=1))
    else:
        print(f"mode: {info['mode']}")
        print(f"articles: {info['articles']}   quotes stage speed: {info['articles_per_s']} articles/s")
        print(f"quotes  P {summ['precision']:.3f}  R {summ['recall']:.3f}  F1 {summ['f1']:.3f}"
              f"   (matched {summ['matched']}, predicted {summ['predicted']}, gold {summ['gold']})")
        for k in ("direct", "indirect"):
            if k in summ:
                s = summ[k]
                print(f"  {k:8s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
                      f"   (predicted {s['predicted']}, gold {s['gold']})")
        print(f"speaker accuracy on matched: {summ['speaker_accuracy']:.3f}"
              f"   ({score.spk_ok}/{score.tp})")
    if args.verbose:
        print("\n-- misses (gold not found)")
        for did, g in score.misses:
            print(f"  [{did}] {g['cue']} | {g['kind']} | {g['speaker']} | {g['content'][:110]}")
        print("\n-- false alarms (predicted, no gold)")
        for did, q in score.false_alarms:
            sp = (q.get("speaker") or {}).get("text")
            print(f"  [{did}] {q['cue']} | {q['kind']} | {sp} | {q['content'][:110]}")
        print("\n-- wrong speakers (matched)")
        for did, q, g in score.wrong_speaker:
            sp = q.get("speaker") or {}
            print(f"  [{did}] {g['cue']} | got {sp.get('text')!r} ({sp.get('name')}) | "
                  f"gold {g['speaker']!r} ({g['speaker_canonical']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
