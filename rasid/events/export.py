"""Exports of deduplicated events: PLOVER-style JSON and a tab-separated event table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

TSV_COLUMNS = ("date", "type", "actor", "target", "place", "lat", "lon", "n_sources",
               "first_source_url")


def _name(arg: dict[str, Any] | None) -> str:
    if not arg:
        return ""
    return arg.get("name") or arg.get("text") or ""


def plover(summary: dict[str, Any], event_id: str) -> dict[str, Any]:
    """One event record in the PLOVER/POLECAT style (source actor, target, event type,
    date, location, with the Arabic spans and every backing report)."""
    p = summary.get("place") or {}
    a, t = summary.get("actor") or {}, summary.get("target") or {}
    return {
        "event_id": event_id,
        "event_date": summary.get("date"),
        "event_type": summary["type"],
        "event_mode": None,
        "negated": summary.get("negated", False),
        "source_actor": {"name": a.get("name"), "text": a.get("text"), "id": a.get("id")} if a else None,
        "target_actor": {"name": t.get("name"), "text": t.get("text"), "id": t.get("id")} if t else None,
        "location": {"text": p.get("text"), "name": p.get("name"), "id": p.get("id"),
                     "lat": p.get("lat"), "lon": p.get("lon"), "country": p.get("country")} if p else None,
        "num_sources": summary.get("n_sources", 0),
        "num_mentions": summary.get("n_mentions", 0),
        "outlets": summary.get("outlets", []),
        "first_report": summary.get("first_report"),
        "first_url": summary.get("first_url"),
        "date_alternatives": summary.get("dates", {}),
        "place_alternatives": summary.get("places", {}),
        "mentions": summary.get("mentions", []),
        "language": "ar",
    }


def write_plover_json(summaries: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """JSON Lines, one PLOVER-style event per line. Returns the number written."""
    n = 0
    for s in summaries:
        n += 1
        eid = s.get("record_id") or f"rasid-{n:06d}"
        out.write(json.dumps(plover(s, str(eid)), ensure_ascii=False))
        out.write("\n")
    return n


def _cell(v: Any) -> str:
    if v is None:
        return ""
    return str(v).replace("\t", " ").replace("\n", " ")


def write_tsv(summaries: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """One row per deduplicated event, with a header. Returns the number of rows."""
    out.write("\t".join(TSV_COLUMNS) + "\n")
    n = 0
    for s in summaries:
        p = s.get("place") or {}
        row = (s.get("date"), s["type"], _name(s.get("actor")), _name(s.get("target")),
               p.get("name") or p.get("text"), p.get("lat"), p.get("lon"), s.get("n_sources", 0),
               s.get("first_url"))
        out.write("\t".join(_cell(v) for v in row) + "\n")
        n += 1
    return n
