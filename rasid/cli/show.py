"""A readable terminal view of one analyzed article."""

from __future__ import annotations

from typing import Any


def render(rec: dict[str, Any], width: int = 100) -> str:
    out: list[str] = []
    out.append(f"# {rec.get('title') or '(no title)'}")
    meta = [f"id {rec['id']}"]
    if rec.get("source"):
        meta.append(f"source {rec['source']}")
    if rec.get("published"):
        meta.append(f"published {rec['published']}" + (" (inferred)" if rec.get("published_inferred") else ""))
    if rec.get("url"):
        meta.append(rec["url"])
    out.append("  ".join(meta))
    text = rec["text"]
    out.append("")
    out.append(text if len(text) <= 1200 else text[:1200] + " …")
    quotes = rec.get("quotes") or []
    out.append("")
    out.append(f"## Who said what ({len(quotes)})")
    for q in quotes:
        sp = q.get("speaker")
        who = "(no source)" if not sp else sp["text"] + (f" = {sp['name']}" if sp.get("name") else "")
        content = q["content"] if len(q["content"]) <= 160 else q["content"][:157] + "…"
        out.append(f"- {who} [{q['kind']}, {q['cue']}]: {content}")
    ents: dict[str, dict[str, Any]] = {}
    for e in rec.get("entities") or []:
        key = e.get("id") or e.get("group") or e["text"]  # unlinked: one line per in-document group
        d = ents.setdefault(key, {"type": e["type"], "name": e.get("name"),
                                      "linked": bool(e.get("id")), "forms": {}, "n": 0})
        d["forms"][e["text"]] = 1
        d["n"] += 1
    out.append("")
    out.append(f"## Entities ({len(ents)})")
    for key, d in sorted(ents.items(), key=lambda kv: -kv[1]["n"]):
        forms = "، ".join(d["forms"])
        link = f" = {d['name']} ({key if d['linked'] else 'romanized, not in the KB'})" if d["name"] else ""
        out.append(f"- {d['type']:4} {forms}{link} ×{d['n']}")
    tents = rec.get("title_entities") or []
    if tents:
        out.append("- in the title: " + "; ".join(
            f"{e['type']} {e['text']}" + (f" = {e['name']}" if e.get("name") else "") for e in tents))
    nats: dict[str, dict[str, Any]] = {}
    for n in rec.get("nationalities") or []:
        d = nats.setdefault(n.get("id") or n["text"], {"name": n.get("name") or n["text"], "forms": {}, "n": 0})
        d["forms"][n["text"]] = 1
        d["n"] += 1
    if nats:
        out.append("- nationalities: " + "; ".join(
            f"{d['name']} ({'، '.join(d['forms'])}) ×{d['n']}"
            for d in sorted(nats.values(), key=lambda d: -d["n"])))
    dates = rec.get("dates") or []
    out.append("")
    out.append(f"## Dates ({len(dates)})")
    for dm in dates:
        out.append(f"- {dm['text']} → {dm['value'] or '(unresolved)'} [{dm['anchor']}]")
    places = rec.get("places") or []
    if places:
        out.append("")
        out.append(f"## Places ({len(places)})")
        seen: set[str] = set()
        for p in places:
            if p.get("id") in seen:
                continue
            seen.add(p.get("id") or p["text"])
            out.append(f"- {p['text']} = {p.get('name')} ({p.get('country')}, {p.get('lat')}, {p.get('lon')})")
    return "\n".join(out)
