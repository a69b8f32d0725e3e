"""The Starlette application: HTML pages, each with a ``.json`` twin, over one store.

Read-only unless started with a token: then ``POST /api/ingest`` accepts uploads from a
client that sends ``Authorization: Bearer <token>``. Ids from URLs are only ever looked up
in the database (never used as paths); static files are served by Starlette's StaticFiles,
which refuses to leave its folder. Every piece of article content reaches HTML through
Jinja2 autoescaping or ``markupsafe.escape``, and a strict Content-Security-Policy forbids
inline script anyway.
"""

from __future__ import annotations

import hmac
import os
import tempfile
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasid.stories.timeline import lead
from rasid.web import data
from rasid.web.data import EntityKey, EventParams, SearchParams, article_path, entity_path
from rasid.web.markup import Ann, annotate_html, article_annotations, find_matches, highlight_html, query_terms
from rasid.web.openapi import spec

HERE = Path(__file__).resolve().parent
#: the largest upload POST /api/ingest accepts
MAX_UPLOAD = 50 * 1024 * 1024
_UPLOAD_SUFFIXES = (".jsonl.gz", ".warc.gz", ".txt", ".jsonl", ".json", ".csv", ".html", ".htm", ".xml",
                    ".rss", ".atom", ".warc")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds the same protective headers to every response (pages, JSON, static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h.setdefault("content-security-policy", CSP)
                h.setdefault("x-content-type-options", "nosniff")
                h.setdefault("referrer-policy", "no-referrer")
                h.setdefault("x-frame-options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(article_path=article_path, entity_path=entity_path, quote=urllib.parse.quote,
                       highlight=highlight_html, event_types=data.EVENT_TYPES)
    env.filters["day"] = lambda s: (s or "")[:10]
    env.filters["lead"] = lambda s: lead(s or "")  # an untitled article's opening words
    env.filters["safe_url"] = _safe_url
    return env


def _safe_url(url: str | None) -> str | None:
    """An article's URL as a link only when it is http(s): never ``javascript:``."""
    if url and urllib.parse.urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def _int(v: str | None, default: int, lo: int = 1, hi: int = 10**6) -> int:
    try:
        return max(lo, min(hi, int(v))) if v not in (None, "") else default
    except ValueError:
        return default


def _date(v: str | None) -> str | None:
    v = (v or "").strip()
    if not v:
        return None
    if len(v) >= 4 and v[:4].isdigit() and all(c.isdigit() or c in "-T:+Z." for c in v):
        return v
    raise HTTPException(400, f"not a date: {v!r} (use YYYY-MM-DD)")


def search_params(request: Request) -> SearchParams:
    qp = request.query_params
    return SearchParams(q=(qp.get("q") or "").strip()[:500], source=qp.get("source") or None,
                        date_from=_date(qp.get("from")), date_to=_date(qp.get("to")),
                        entity=qp.get("entity") or None, sort="date" if qp.get("sort") == "date" else "rank",
                        page=_int(qp.get("page"), 1), per_page=_int(qp.get("per_page"), 20, 1, data.MAX_PER_PAGE))


def event_params(request: Request) -> EventParams:
    qp = request.query_params
    typ = (qp.get("type") or "").strip().upper() or None
    if typ and typ not in data.EVENT_TYPES:
        raise HTTPException(400, f"unknown event type {typ!r} (one of {', '.join(data.EVENT_TYPES)})")
    return EventParams(type=typ, actor=(qp.get("actor") or "").strip()[:200] or None,
                       place=(qp.get("place") or "").strip()[:200] or None,
                       date_from=_date(qp.get("from")), date_to=_date(qp.get("to")),
                       entity=qp.get("entity") or None, sort="date" if qp.get("sort") == "date" else "sources",
                       page=_int(qp.get("page"), 1), per_page=_int(qp.get("per_page"), 20, 1, data.MAX_PER_PAGE))


def _query(params: dict[str, Any]) -> str:
    return urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "", False)})


def create_app(db: str | Path, *, token: str | None = None) -> Starlette:
    """The web app over the store at ``db``. With ``token``, ``POST /api/ingest`` is enabled."""
    db_path = str(Path(db).resolve())
    env = _env()
    write_lock = threading.Lock()

    def render(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("q", "")
        ctx.setdefault("json_url", None)
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    def twin(request: Request, path: str) -> str:
        return path + (("?" + request.url.query) if request.url.query else "")

    # -- pages ---------------------------------------------------------------------
    def home(request: Request) -> Response:
        ov = data.overview(db_path)
        if request.url.path.endswith(".json"):
            return JSONResponse(ov)
        return render("home.html", ov=ov, json_url="/.json")

    def search(request: Request) -> Response:
        p = search_params(request)
        with data.connect(db_path) as con:
            res = data.search(con, p)
            base = {"q": p.q, "source": p.source, "from": p.date_from, "to": p.date_to, "entity": p.entity,
                    "sort": None if p.sort == "rank" else p.sort,
                    "per_page": None if p.per_page == 20 else p.per_page}
            pages = res.get("pages", 0)
            res["next"] = f"/search.json?{_query({**base, 'page': p.page + 1})}" if p.page < pages else None
            res["prev"] = f"/search.json?{_query({**base, 'page': p.page - 1})}" if p.page > 1 else None
            if request.url.path.endswith(".json"):
                return JSONResponse(res)
            ids = [r["id"] for r in res["results"]]
            points = data.places_for(con, ids) if ids else []
            entity_label = None
            if p.entity:
                entity_label = data.entity_label(con, EntityKey.parse(p.entity))
        return render("search.html", res=res, p=p, q=p.q, sources=data.sources(db_path), points=points,
                      entity_label=entity_label,
                      page_url=lambda n: "/search?" + _query({**base, "page": n}),
                      map_url="/map?" + _query(base), json_url=twin(request, "/search.json"))

    def article(request: Request) -> Response:
        rest = request.path_params["rest"]
        with data.connect(db_path) as con:
            if rest.endswith("/raw") and data.article_row(con, rest[:-4]) is not None:
                raw = data.raw_of(con, rest[:-4])
                return PlainTextResponse(raw or "", headers={"content-disposition": "inline"})
            want_json = rest.endswith(".json")
            row = data.article_row(con, rest[:-5]) if want_json else None
            if row is None:
                want_json = False
                row = data.article_row(con, rest)
            if row is None:
                raise HTTPException(404, f"no article {rest!r}")
            rec = data.record_of(row)
            if want_json:
                return JSONResponse(rec)
            points = data.places_for(con, [rec["id"]])
        anns = article_annotations(rec, entity_path)
        hl = (request.query_params.get("q") or "").strip()[:500]
        if hl:  # arriving from a search: its matches are marked too
            anns += [Ann(s, e, ["hit"], layer=4) for s, e in find_matches(rec["text"], query_terms(hl))]
        body = annotate_html(rec["text"], anns)
        ents: dict[str, dict[str, Any]] = {}
        for e in rec.get("entities") or []:
            href = entity_path(e.get("id"), e.get("text") or "")
            d = ents.setdefault(href, {"href": href, "type": e.get("type"), "name": e.get("name"),
                                       "forms": [], "n": 0})
            if e["text"] not in d["forms"]:
                d["forms"].append(e["text"])
            d["n"] += 1
        return render("article.html", rec=rec, body=body, q=hl, meta=data.article_meta(row),
                      entities=sorted(ents.values(), key=lambda d: -d["n"]), points=points,
                      url=_safe_url(rec.get("url")), json_url=article_path(rec["id"]) + ".json",
                      raw_url=article_path(rec["id"]) + "/raw")

    def entity(request: Request) -> Response:
        rest = request.path_params["rest"]
        kind = "entity"
        for suffix, k in (("/timeline.json", "timeline.json"), ("/timeline", "timeline"), (".json", "entity.json")):
            if rest.endswith(suffix):
                rest, kind = rest[: -len(suffix)], k
                break
        key = EntityKey.parse(rest)
        if key.norm == "" or not rest:
            raise HTTPException(404, "no entity")
        with data.connect(db_path) as con:
            ent = data.entity(con, key)
            if ent is None:
                raise HTTPException(404, f"no entity {rest!r}")
            base = "/entities/" + urllib.parse.quote(str(key), safe=":")
            if kind.startswith("timeline"):
                items = data.timeline(con, key)
                summary = {k: ent[k] for k in ("id", "kb_id", "name", "type", "n_articles", "n_quotes")}
                if kind == "timeline.json":
                    return JSONResponse({"entity": summary, "items": items})
                return render("timeline.html", ent=ent, items=items, json_url=base + "/timeline.json")
            ids = [a["id"] for a in ent["articles"]]
            ent["places"] = data.places_for(con, ids)
            if ent["kb"] and ent["kb"]["lat"] is not None and not any(p["id"] == key.kb_id for p in ent["places"]):
                ent["places"].insert(0, {"id": key.kb_id, "name": ent["name"], "text": ent["name"],
                                         "lat": ent["kb"]["lat"], "lon": ent["kb"]["lon"],
                                         "country": ent["kb"]["country"], "mentions": ent["mentions"],
                                         "articles": ent["n_articles"], "href": base})
        if kind == "entity.json":
            return JSONResponse(ent)
        return render("entity.html", ent=ent, points=ent["places"], event_points=data.event_places(ent["events"]),
                      json_url=base + ".json", timeline_url=base + "/timeline",
                      search_url="/search?" + _query({"entity": str(key)}),
                      events_url="/events?" + _query({"entity": str(key), "sort": "date"}))

    def stories(request: Request) -> Response:
        with data.connect(db_path) as con:
            st = data.stories(con)
        if request.url.path.endswith(".json"):
            return JSONResponse(st)
        return render("stories.html", st=st, json_url="/stories.json")

    def story(request: Request) -> Response:
        rest = request.path_params["rest"]
        want_json = False
        with data.connect(db_path) as con:
            st = None
            if rest.endswith(".json"):
                st = data.story(con, rest[:-5])
                want_json = st is not None
            if st is None:
                st = data.story(con, rest)
            if st is None:
                raise HTTPException(404, f"no story {rest!r}")
            if want_json:
                return JSONResponse(st)
            points = data.places_for(con, [a["id"] for a in st["articles"]])
        return render("story.html", st=st, points=points, event_points=data.event_places(st["events"]),
                      json_url="/stories/" + urllib.parse.quote(st["id"], safe="") + ".json")

    def events(request: Request) -> Response:
        p = event_params(request)
        with data.connect(db_path) as con:
            res = data.events(con, p, db_path)
            base = {"type": p.type, "actor": p.actor, "place": p.place, "from": p.date_from, "to": p.date_to,
                    "entity": p.entity, "sort": None if p.sort == "sources" else p.sort,
                    "per_page": None if p.per_page == 20 else p.per_page}
            res["next"] = f"/events.json?{_query({**base, 'page': p.page + 1})}" if p.page < res["pages"] else None
            res["prev"] = f"/events.json?{_query({**base, 'page': p.page - 1})}" if p.page > 1 else None
            if request.url.path.endswith(".json"):
                return JSONResponse(res)
            has = data.has_events(con)
            entity_label = data.entity_label(con, EntityKey.parse(p.entity)) if p.entity else None
        return render("events.html", res=res, p=p, has_events=has, entity_label=entity_label,
                      page_url=lambda n: "/events?" + _query({**base, "page": n}),
                      json_url=twin(request, "/events.json"))

    def map_page(request: Request) -> Response:
        qp = request.query_params
        p = search_params(request)
        scope: dict[str, Any] = {"article": qp.get("article"), "entity": p.entity, "q": p.q,
                                 "source": p.source, "from": p.date_from, "to": p.date_to}
        label = "كل المخزن"
        with data.connect(db_path) as con:
            ids: list[str] | None = None  # the whole store
            if qp.get("article"):
                row = data.article_row(con, qp["article"])
                if row is None:
                    raise HTTPException(404, f"no article {qp['article']!r}")
                ids = [row["id"]]
                label = row["title"] or row["id"]
            elif p.active():
                ids = data.search_rowids(con, p)
                label = " · ".join(str(v) for v in (p.q, p.source, p.entity, p.date_from, p.date_to) if v)
            points = data.places_for(con, ids)
            # the events layer: where the events reported in the same articles happened
            events = data.event_places_for(con, ids, db_path)
        if request.url.path.endswith(".json"):
            return JSONResponse({"scope": {k: v for k, v in scope.items() if v}, "places": points,
                                 "events": events})
        return render("map.html", points=points, events=events, label=label, q=p.q,
                      json_url=twin(request, "/map.json"))

    def openapi(request: Request) -> Response:
        return JSONResponse(spec(ingest=bool(token)))

    # -- writing (only with a token) ---------------------------------------------------
    async def ingest(request: Request) -> Response:
        if not token:
            return JSONResponse({"error": "this server is read-only: uploads need `rasid serve --token TOKEN` "
                                          "(or RASID_TOKEN)", "status": 403}, status_code=403)
        auth = request.headers.get("authorization", "")
        scheme, _, given = auth.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return JSONResponse({"error": "a valid 'Authorization: Bearer <token>' header is required",
                                 "status": 401}, status_code=401, headers={"www-authenticate": "Bearer"})
        name = Path(request.query_params.get("filename") or "upload.txt").name.lower()
        suffix = next((s for s in _UPLOAD_SUFFIXES if name.endswith(s)), None)
        if suffix is None:
            raise HTTPException(400, f"unsupported file type {name!r}: use one of {' '.join(_UPLOAD_SUFFIXES)}")
        if _int(request.headers.get("content-length"), 0, 0, 1 << 62) > MAX_UPLOAD:
            raise HTTPException(413, f"upload larger than {MAX_UPLOAD} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPLOAD:
                raise HTTPException(413, f"upload larger than {MAX_UPLOAD} bytes")
        published = _date(request.query_params.get("published"))
        analyze = request.query_params.get("analyze", "1") != "0"
        res = await run_in_threadpool(_ingest, bytes(body), suffix, name, published, analyze)
        return JSONResponse(res)

    def _ingest(body: bytes, suffix: str, name: str, published: str | None, analyze: bool) -> dict[str, Any]:
        from rasid.cli.run import run
        from rasid.errors import RasidError
        from rasid.store import Store

        try:
            pipeline = _pipeline(analyze)
        except (RasidError, ImportError) as e:
            raise HTTPException(503, f"the analysis pipeline is not available: {e}") from e
        with write_lock, tempfile.TemporaryDirectory(prefix="rasid-upload-") as tmp:
            path = Path(tmp) / ("upload" + suffix)
            path.write_bytes(body)
            with Store(db_path) as store:  # the one writer, serialized by the lock
                res = run([str(path)], pipeline, store=store, out=None, published=published,
                          keep_docs=True, quiet=True)
        return {"file": name, "read": res.read, "stored": res.stored, "skipped": res.skipped,
                "ids": [d.id for d in res.docs],
                "rejected": [{"input": e.input.replace(str(path), name), "reason": e.reason}
                             for e in res.rejected]}

    # -- errors --------------------------------------------------------------------
    def wants_json(request: Request) -> bool:
        p = request.url.path
        return p.endswith(".json") or p.startswith("/api/") or "json" in request.headers.get("accept", "")[:40]

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if wants_json(request):
            return JSONResponse({"error": detail, "status": exc.status_code}, status_code=exc.status_code,
                                headers=exc.headers)
        return render("error.html", status=exc.status_code, code=exc.status_code, detail=detail)

    def redirect(to: str) -> Callable[[Request], Response]:
        return lambda request: RedirectResponse(to, status_code=308)

    routes: list[Any] = [
        Route("/", home), Route("/.json", home),
        Route("/search", search), Route("/search.json", search),
        Route("/articles/{rest:path}", article),
        Route("/entities/{rest:path}", entity),
        Route("/stories", stories), Route("/stories.json", stories), Route("/stories/", redirect("/stories")),
        Route("/stories/{rest:path}", story),
        Route("/events", events), Route("/events.json", events),
        Route("/map", map_page), Route("/map.json", map_page),
        Route("/openapi.json", openapi),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    routes.append(Route("/api/ingest", ingest, methods=["POST"]))  # 403 unless started with a token
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.add_middleware(SecurityHeaders)
    app.state.db = db_path
    return app


_PIPELINES: dict[bool, Any] = {}


def _pipeline(analyze: bool) -> Any:
    """The upload pipeline, built once per process (models load on first use)."""
    if analyze not in _PIPELINES:
        from rasid.pipeline import DEFAULT_STAGES, Pipeline

        _PIPELINES[analyze] = Pipeline(DEFAULT_STAGES if analyze else ("text",))
    return _PIPELINES[analyze]


def app_from_env() -> Starlette:
    """For ``uvicorn rasid.web.app:app_from_env --factory``: ``RASID_DB`` and ``RASID_TOKEN``."""
    return create_app(os.environ.get("RASID_DB", "rasid.db"), token=os.environ.get("RASID_TOKEN") or None)
