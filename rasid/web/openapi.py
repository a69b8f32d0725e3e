"""The OpenAPI 3.1 description of the JSON API (served at ``/openapi.json``).

Written by hand: the shapes are the output contract's (docs/output-contract.md) and this
module's, and a description that says what each field means is worth more than one
derived from function signatures.
"""

from __future__ import annotations

from typing import Any

from rasid.events.lexicon import PLOVER_TYPES

_STR_NULL: dict[str, Any] = {"type": ["string", "null"]}
_GROUP: dict[str, Any] = {"type": ["string", "null"], "description": (
    "Added field: in-document coreference; the mentions of one entity in the article share it "
    "(g0, g1... in the body; t0... for an entity only the headline names)")}


def _span(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"start": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"}}
    props.update(extra or {})
    return {"type": "object", "properties": props, "required": ["start", "end"]}


_SPEAKER: dict[str, Any] = {"type": ["object", "null"], "properties": {
    "text": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"},
    "id": _STR_NULL, "name": _STR_NULL}}

_QUOTE: dict[str, Any] = {"type": "object", "properties": {
    "start": {"type": "integer"}, "end": {"type": "integer"},
    "content": {"type": "string", "description": "text[start:end]"},
    "kind": {"type": "string", "enum": ["direct", "indirect"]}, "cue": {"type": "string"},
    "speaker": _SPEAKER}}

_ARTICLE_REF: dict[str, Any] = {"type": "object", "properties": {
    "id": {"type": "string"}, "title": _STR_NULL, "published": _STR_NULL, "source": _STR_NULL}}

SCHEMAS: dict[str, Any] = {
    "Record": {
        "description": "One analyzed article: the output contract v1 (docs/output-contract.md). Every offset "
                       "indexes into `text`. Fields may be added; these keep their names and meaning.",
        "type": "object",
        "required": ["id", "title", "source", "url", "published", "published_inferred", "text", "entities",
                     "quotes", "dates", "places", "events", "story"],
        "properties": {
            "id": {"type": "string"}, "title": _STR_NULL, "source": _STR_NULL, "url": _STR_NULL,
            "published": _STR_NULL, "published_inferred": {"type": "boolean"}, "text": {"type": "string"},
            "entities": {"type": "array", "items": _span({
                "type": {"type": "string", "enum": ["PER", "ORG", "LOC", "MISC"]},
                "id": _STR_NULL, "name": _STR_NULL, "group": _GROUP})},
            "quotes": {"type": "array", "items": _QUOTE},
            "dates": {"type": "array", "items": _span({
                "value": _STR_NULL, "anchor": {"type": "string", "enum": ["absolute", "relative"]}})},
            "places": {"type": "array", "items": _span({
                "name": _STR_NULL, "id": _STR_NULL, "lat": {"type": ["number", "null"]},
                "lon": {"type": ["number", "null"]}, "country": _STR_NULL})},
            "events": {"type": "array", "items": {"type": "object"}},
            "story": _STR_NULL,
            "title_entities": {
                "description": "Added field: entities in the title; offsets index `title`.",
                "type": "array", "items": _span({
                    "type": {"type": "string", "enum": ["PER", "ORG", "LOC", "MISC"]},
                    "id": _STR_NULL, "name": _STR_NULL, "group": _GROUP})},
            "nationalities": {
                "description": "Added field: nationality adjectives and people-nouns (الروسي، السوريين) "
                               "linked to their country; offsets index `text`.",
                "type": "array", "items": _span({"id": _STR_NULL, "name": _STR_NULL, "country": _STR_NULL})},
        },
    },
    "SearchResult": {
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "title": _STR_NULL, "source": _STR_NULL, "published": _STR_NULL,
            "url": _STR_NULL, "story": _STR_NULL,
            "snippet": {"type": "string", "description": "a piece of the article text as written"},
            "highlights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}},
                           "description": "[start, end] of the matched words within `snippet`"},
            "title_highlights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "matches": {"type": "array", "items": {"type": "object", "properties": {
                "start": {"type": "integer"}, "end": {"type": "integer"}}},
                "description": "matched words as offsets into the record's `text` (first 50)"},
            "n_matches": {"type": "integer"},
        },
    },
    "SearchResponse": {
        "type": "object",
        "properties": {
            "query": {"type": "string"}, "filters": {"type": "object"}, "sort": {"type": "string"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"},
            "total": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
            "next": _STR_NULL, "prev": _STR_NULL,
        },
    },
    "Place": {"type": "object", "properties": {
        "id": _STR_NULL, "name": _STR_NULL, "text": _STR_NULL, "lat": {"type": "number"},
        "lon": {"type": "number"}, "country": _STR_NULL, "mentions": {"type": "integer"},
        "articles": {"type": "integer"}, "href": {"type": "string"}}},
    "Places": {"type": "object", "properties": {
        "scope": {"type": "object"},
        "places": {"type": "array", "items": {"$ref": "#/components/schemas/Place"}},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/EventPlace"},
                   "description": "where the events reported in the same articles happened"}}},
    "QuoteRef": {**_QUOTE, "properties": {**_QUOTE["properties"], "article": _ARTICLE_REF}},
    "Entity": {"type": "object", "properties": {
        "id": {"type": "string", "description": "KB id, or norm:<normalized name> for unlinked mentions"},
        "kb_id": _STR_NULL, "name": _STR_NULL, "type": _STR_NULL,
        "variants": {"type": "array", "items": {"type": "object", "properties": {
            "text": {"type": "string"}, "mentions": {"type": "integer"}}}},
        "kb": {"type": ["object", "null"], "description": "the knowledge-base entry, when shipped"},
        "linked_as": {"type": "array", "items": {"type": "string"}},
        "mentions": {"type": "integer"}, "n_articles": {"type": "integer"}, "n_quotes": {"type": "integer"},
        "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/QuoteRef"}},
        "articles": {"type": "array", "items": _ARTICLE_REF},
        "cooccurring": {"type": "array", "items": {"type": "object"}},
        "places": {"type": "array", "items": {"$ref": "#/components/schemas/Place"}},
        "n_events": {"type": "integer"},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                   "description": "events it is the actor or target of, in date order"}}},
    "Timeline": {"type": "object", "properties": {
        "entity": {"type": "object"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "date": _STR_NULL, "kind": {"type": "string", "enum": ["quote", "event", "mention"]},
            "article": _ARTICLE_REF, "quote": _QUOTE, "mentions": {"type": "integer"},
            "event": {"$ref": "#/components/schemas/Event"},
            "dates": {"type": "array", "items": {"type": "object"}}}}}}},
    "Story": {"type": "object", "properties": {
        "id": {"type": "string"},
        "story": {"type": ["object", "null"], "description": "the stories table's row, when the store has one"},
        "articles": {"type": "array", "items": _ARTICLE_REF},
        "statements": {"type": "array", "items": {"$ref": "#/components/schemas/QuoteRef"}},
        "dates": {"type": "array", "items": {"type": "object"}},
        "n_events": {"type": "integer"},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                   "description": "events reported in its articles, in date order"}}},
    "Event": {"type": "object", "description": "A deduplicated event: one real event and the reports (mentions) "
                                              "that back it (rasid.events.dedup.summarize; `rasid events --json`)",
              "properties": {
                  "record_id": {"type": "integer"}, "key": {"type": "string"},
                  "type": {"type": "string", "description": "PLOVER type (AGREE … ASSAULT)"},
                  "actor": {"type": ["object", "null"]}, "target": {"type": ["object", "null"]},
                  "date": {**_STR_NULL, "description": "the date the reports state most often"},
                  "dates": {"type": "object", "description": "every date given, with how many reports give it"},
                  "place": {"type": ["object", "null"]},
                  "places": {"type": "object", "description": "every place given, with how many reports give it"},
                  "negated": {"type": "boolean"}, "n_mentions": {"type": "integer"},
                  "n_articles": {"type": "integer"},
                  "n_sources": {"type": "integer", "description": "outlets reporting it (corroboration)"},
                  "outlets": {"type": "array", "items": {"type": "string"}},
                  "first_report": _STR_NULL, "first_url": _STR_NULL, "first_article": {"type": "string"},
                  "first_title": _STR_NULL,
                  "context": {"type": ["object", "null"], "description": "the first report's text around the "
                              "trigger: `text`, and `highlights` ([start, end] of the trigger in it)"},
                  "mentions": {"type": "array", "items": {"type": "object"}}}},
    "EventsResponse": {"type": "object", "properties": {
        "filters": {"type": "object"}, "sort": {"type": "string"}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "pages": {"type": "integer"}, "total": {"type": "integer"},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
        "next": _STR_NULL, "prev": _STR_NULL}},
    "EventPlace": {"type": "object", "properties": {
        "id": _STR_NULL, "name": _STR_NULL, "text": _STR_NULL, "lat": {"type": "number"}, "lon": {"type": "number"},
        "country": _STR_NULL, "events": {"type": "integer"}, "reports": {"type": "integer"},
        "types": {"type": "object", "description": "events per PLOVER type"},
        "href": {"type": "string", "description": "the events page filtered to this place"}}},
    "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
}


def _get(summary: str, schema: str, params: list[dict[str, Any]] | None = None,
         desc: str = "") -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"}}}},
            "404": {"description": "not found", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }
    if desc:
        op["description"] = desc
    return {"get": op}


def _q(name: str, desc: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": desc,
            "schema": schema or {"type": "string"}}


def _p(name: str, desc: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": desc, "schema": {"type": "string"}}


_FILTERS = [
    _q("q", "words to find; hamza/ya/ta marbuta/diacritics and attached clitics are ignored; every word must match"),
    _q("source", "only this source (outlet)"),
    _q("from", "published on or after (YYYY-MM-DD)"),
    _q("to", "published on or before (YYYY-MM-DD)"),
    _q("entity", "only articles mentioning this entity (KB id or norm:<name>)"),
]


def spec(*, ingest: bool) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/search.json": _get("Full-text search", "SearchResponse", [
            *_FILTERS,
            _q("sort", "rank (default) or date", {"type": "string", "enum": ["rank", "date"]}),
            _q("page", "1-based page", {"type": "integer", "minimum": 1}),
            _q("per_page", "results per page (max 100)", {"type": "integer", "minimum": 1, "maximum": 100}),
        ], "Snippets and highlights are taken from the article text as written."),
        "/articles/{id}.json": _get("An article's analyzed record (output contract)", "Record",
                                    [_p("id", "article id")]),
        "/articles/{id}/raw": {"get": {"summary": "The original input as stored (text/plain)",
                                       "parameters": [_p("id", "article id")],
                                       "responses": {"200": {"description": "OK", "content": {
                                           "text/plain": {"schema": {"type": "string"}}}},
                                           "404": {"description": "not found"}}}},
        "/entities/{id}.json": _get("An entity: names, quotes by it, articles, co-occurring entities", "Entity",
                                    [_p("id", "KB id (e.g. Q7747) or norm:<name> for unlinked mentions")]),
        "/entities/{id}/timeline.json": _get("Dated statements and mentions of an entity, in order", "Timeline",
                                             [_p("id", "KB id or norm:<name>")]),
        "/stories/{id}.json": _get("A story: its articles, statements and dates in order", "Story",
                                   [_p("id", "story id")]),
        "/events.json": _get("Deduplicated events (PLOVER types), most reported first", "EventsResponse", [
            _q("type", "PLOVER type, e.g. CONSULT", {"type": "string", "enum": list(PLOVER_TYPES)}),
            _q("actor", "actor or target: Arabic mention, English name or KB id (contained, normalized)"),
            _q("place", "place: Arabic mention, English name or id (contained, normalized)"),
            _q("from", "event dated on or after (YYYY[-MM[-DD]])"),
            _q("to", "event dated on or before (YYYY[-MM[-DD]])"),
            _q("entity", "events this entity is the actor or target of (KB id or norm:<name>)"),
            _q("sort", "sources (default: most reported first) or date",
               {"type": "string", "enum": ["sources", "date"]}),
            _q("page", "1-based page", {"type": "integer", "minimum": 1}),
            _q("per_page", "events per page (max 100)", {"type": "integer", "minimum": 1, "maximum": 100}),
        ], "The query `rasid events` runs (rasid.events.store.event_summaries). Each event keeps the dates "
           "and places its reports disagree on, with their counts."),
        "/map.json": _get("Places mentioned (article, entity, search or the whole store)", "Places", [
            _q("article", "places of one article"), _q("entity", "places in articles mentioning an entity"),
            *_FILTERS]),
    }
    if ingest:
        paths["/api/ingest"] = {"post": {
            "summary": "Upload one input file to read, analyze and store",
            "security": [{"bearer": []}],
            "parameters": [
                _q("filename", "the file's name: its extension picks the reader (.txt .jsonl .json .csv .html "
                               ".xml .warc .warc.gz .jsonl.gz)"),
                _q("published", "YYYY-MM-DD for inputs that carry no date"),
                _q("analyze", "0 to store the cleaned text only", {"type": "integer", "enum": [0, 1]}),
            ],
            "requestBody": {"required": True, "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}},
            "responses": {"200": {"description": "what was read and stored"},
                          "401": {"description": "missing or wrong bearer token"},
                          "413": {"description": "too large"}},
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rasid JSON API", "version": "1",
                 "description": "Read-only views of a Rasid store: every HTML page has a .json twin. "
                                "Article records follow the output contract v1."},
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
