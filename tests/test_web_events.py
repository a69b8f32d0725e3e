"""The web's events views: ``/events`` (and ``.json``), events on the map, on story and
entity pages and on the entity timeline, in-process (Starlette's TestClient) over a real
store: three short Arabic news-style articles written for these tests (not real
reporting) run through the full pipeline, two of them reporting the same phone call from
two outlets, plus one contract record written here with an unlinked actor and hostile
markup in its title, source and actor."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extras (starlette, jinja2, httpx) are not installed")
pytest.importorskip("httpx", reason="httpx is needed by starlette's TestClient")

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from rasid.doc import Article, doc_from_record
from rasid.errors import RasidError
from rasid.store import Store
from rasid.web.app import create_app
from tests.test_web import _span

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

#: (id, story, source, published, title, text)
ARTICLES = [
    ("ev-call-a", "story-call", "وكالة الشرق", "2019-03-10", "بوتين وترامب يبحثان الأزمة السورية هاتفيا",
     ("أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع الرئيس الأمريكي دونالد ترامب في موسكو يوم السبت"
      " 9 آذار 2019، وبحث الجانبان الأزمة في سوريا.")),
    ("ev-call-b", "story-call", "صحيفة الغرب", "2019-03-11", "ترامب يتحدث مع بوتين",
     ("بحث الرئيس الأمريكي دونالد ترامب مع الرئيس الروسي فلاديمير بوتين في اتصال هاتفي في واشنطن مساء"
      " الجمعة 8 آذار 2019 تطورات الأزمة السورية.")),
    ("ev-idlib", "story-idlib", "وكالة الشرق", "2019-04-02", "غارات على إدلب",
     ("شنت طائرات حربية روسية غارات على مواقع في مدينة إدلب يوم الإثنين 1 نيسان 2019، وقالت مصادر محلية"
      " إن القصف أدى إلى مقتل مدنيين.")),
]

HOSTILE_ACTOR = "حزب <i>المستقبل</i>"


def hostile_record() -> dict[str, Any]:
    """A contract record with one event, written by hand: an unlinked actor, markup everywhere."""
    text = f"اتهم {HOSTILE_ACTOR} الحكومة بالفساد في بيروت يوم الأحد 17 آذار 2019."
    trig, act, tgt = _span(text, "اتهم"), _span(text, HOSTILE_ACTOR), _span(text, "الحكومة")
    bey, day = _span(text, "بيروت"), _span(text, "يوم الأحد")
    return {
        "id": "ev-hostile", "title": "<img src=x onerror=alert(1)>", "source": "<script>alert(2)</script>",
        "url": "javascript:alert(3)", "published": "2019-03-18", "published_inferred": False, "text": text,
        "entities": [{"start": act[0], "end": act[1], "text": HOSTILE_ACTOR, "type": "ORG", "id": None, "name": None},
                     {"start": bey[0], "end": bey[1], "text": "بيروت", "type": "LOC", "id": "geonames:276781",
                      "name": "Beirut"}],
        "quotes": [], "dates": [], "places": [],
        "events": [{"type": "ACCUSE", "trigger": {"start": trig[0], "end": trig[1], "text": "اتهم"},
                    "actor": {"text": HOSTILE_ACTOR, "start": act[0], "end": act[1], "id": None, "name": None},
                    "target": {"text": "الحكومة", "start": tgt[0], "end": tgt[1], "id": None, "name": None},
                    "date": {"value": "2019-03-17", "source": "text", "text": "يوم الأحد", "start": day[0],
                             "end": day[1]},
                    "place": {"text": "بيروت", "start": bey[0], "end": bey[1], "name": "Beirut",
                              "id": "geonames:276781", "lat": 33.8886, "lon": 35.4955, "country": "LB"},
                    "negated": False, "quote": None}],
        "story": None,
    }


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    from rasid.pipeline import Pipeline

    try:
        pipeline = Pipeline()  # the default stages, events included
    except (RasidError, ImportError) as e:
        pytest.skip(f"the full pipeline is not available in this checkout: {e}")
    path = str(tmp_path_factory.mktemp("web-events") / "events.db")
    with Store(path) as st:
        for aid, story, source, published, title, text in ARTICLES:
            doc = pipeline(Article(body=text, id=aid, title=title, source=source, published=published,
                                   url=f"https://example.org/{aid}"))
            doc.story = story
            st.add(doc)
        rec = hostile_record()
        st.add(doc_from_record(rec, raw=json.dumps(rec, ensure_ascii=False)))
    return path


@pytest.fixture(scope="module")
def client(store_path: str) -> TestClient:
    return TestClient(create_app(store_path))


def _call(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The phone call between Putin and Trump, however the events were ordered."""
    found = [e for e in events if e["type"] == "CONSULT"
             and {e["actor"]["text"], e["target"]["text"]} == {"فلاديمير بوتين", "دونالد ترامب"}]
    assert len(found) == 1, [(e["type"], e["actor"], e["target"]) for e in events]
    return found[0]


def _strike(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["type"] == "ASSAULT" and e["place"] and e["place"]["text"] == "إدلب")


# -- the events page -------------------------------------------------------------------------

def test_events_json_has_the_deduplicated_event_with_its_corroboration(client: TestClient) -> None:
    r = client.get("/events.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    res = r.json()
    assert res["total"] == len(res["events"]) >= 3 and res["page"] == 1 and res["next"] is None
    call = _call(res["events"])
    # two articles, two outlets: one event, reported first by the earlier article
    assert call["n_sources"] == 2 and call["n_mentions"] == 2 and call["n_articles"] == 2
    assert call["outlets"] == sorted(["وكالة الشرق", "صحيفة الغرب"])
    assert call["first_article"] == "ev-call-a" and call["first_report"].startswith("2019-03-10")
    assert call["first_title"] == ARTICLES[0][4] and call["first_url"] == "https://example.org/ev-call-a"
    assert res["events"][0] is not None and res["events"][0]["n_sources"] == 2  # most reported first
    # the details the reports disagree on, side by side with their counts
    assert call["dates"] == {"2019-03-09": 1, "2019-03-08": 1}
    assert set(call["places"]) == {"Moscow", "Washington, D.C."}
    assert sorted(m["article_id"] for m in call["mentions"]) == ["ev-call-a", "ev-call-b"]
    assert {m["title"] for m in call["mentions"]} == {ARTICLES[0][4], ARTICLES[1][4]}
    # the first report's trigger, in context, as written in the article
    ctx = call["context"]
    (s, e), = ctx["highlights"]
    assert ctx["text"][s:e] == "اتصالا" and "فلاديمير بوتين" in ctx["text"]
    for ev in res["events"]:
        for k in ("record_id", "type", "date", "actor", "target", "place", "n_sources", "outlets", "first_report",
                  "first_article", "first_url", "first_title", "dates", "places", "mentions", "context"):
            assert k in ev, k


def test_events_page_html(client: TestClient) -> None:
    r = client.get("/events")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="ar" dir="rtl">' in html
    assert '<link rel="alternate" type="application/json" href="/events.json">' in html
    call_id = _call(client.get("/events.json").json()["events"])["record_id"]
    row = html.split(f'data-record="{call_id}"', 1)[1].split("</tbody>", 1)[0]
    assert 'data-type="CONSULT"' in html and '<span class="n n-sources">2</span>' in row
    assert 'href="/articles/ev-call-a"' in row and "<mark>اتصالا</mark>" in row
    assert "أماكن متباينة" in row and "Moscow" in row and "Washington, D.C." in row
    assert "تواريخ متباينة" in row and "<time>2019-03-08</time>" in row
    assert 'href="/entities/Q7747"' in row or 'href="/entities/norm:' in row
    # the nav links the page from everywhere
    assert '<a href="/events">' in client.get("/").text


def test_filters_narrow_the_list(client: TestClient) -> None:
    def ids(**params: str) -> set[int]:
        r = client.get("/events.json", params=params)
        assert r.status_code == 200, r.text
        return {e["record_id"] for e in r.json()["events"]}

    every = client.get("/events.json").json()["events"]
    call, strike = _call(every)["record_id"], _strike(every)["record_id"]
    everything = ids()
    assert ids(type="consult") == {call}
    assert strike in ids(type="ASSAULT") and call not in ids(type="ASSAULT")
    assert ids(actor="ترامب") == {call} == ids(actor="Donald Trump")
    assert ids(place="إدلب") == {strike}
    assert call in ids(place="موسكو") and call not in ids(place="إدلب")
    assert ids(**{"from": "2019-04-01"}) == {e["record_id"] for e in every if (e["date"] or "") >= "2019-04-01"}
    march = ids(**{"from": "2019-03-01", "to": "2019-03-31"})
    assert call in march and strike not in march and march < everything
    assert ids(actor="لا أحد بهذا الاسم") == set()
    assert client.get("/events.json", params={"type": "NOPE"}).status_code == 400
    assert client.get("/events", params={"from": "yesterday"}).status_code == 400
    html = client.get("/events", params={"type": "CONSULT"}).text
    assert 'data-type="ASSAULT"' not in html and '<option value="CONSULT" selected>' in html


def test_sort_and_pages(client: TestClient) -> None:
    total = client.get("/events.json").json()["total"]
    first = client.get("/events.json", params={"per_page": 1}).json()
    assert first["pages"] == total and len(first["events"]) == 1 and first["prev"] is None
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and second["events"][0]["record_id"] != first["events"][0]["record_id"]
    assert client.get(second["prev"]).json()["events"] == first["events"]
    by_date = client.get("/events.json", params={"sort": "date"}).json()["events"]
    dates = [e["date"] for e in by_date]
    assert dates == sorted(dates, key=lambda d: d or "9999")
    html = client.get("/events", params={"per_page": 1, "page": 2}).text
    assert 'rel="next"' in html and 'rel="prev"' in html


def test_hostile_event_renders_inert(client: TestClient) -> None:
    res = client.get("/events.json", params={"type": "ACCUSE"}).json()
    ev = next(e for e in res["events"] if e["first_article"] == "ev-hostile")
    assert ev["actor"]["text"] == HOSTILE_ACTOR and ev["outlets"] == ["<script>alert(2)</script>"]
    for path in ("/events", "/events?type=ACCUSE", "/map", "/entities/norm:" + urllib.parse.quote(HOSTILE_ACTOR)):
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.text
        assert "<i>المستقبل" not in html and "<script>alert" not in html and "<img src=x" not in html, path
        assert "<script" not in re.sub(r'<script (src="/static/[^"]+"|type="application/json" id="map-(data|events)")>',
                                       "", html), path
    html = client.get("/events").text
    assert "&lt;i&gt;المستقبل&lt;/i&gt;" in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# -- stories, entities, timelines ----------------------------------------------------------------

def test_story_lists_its_events_in_date_order(client: TestClient) -> None:
    st = client.get("/stories/story-call.json").json()
    assert st["n_events"] == 1 and _call(st["events"])["n_sources"] == 2
    idlib = client.get("/stories/story-idlib.json").json()
    assert idlib["n_events"] == len(idlib["events"]) >= 1 and _strike(idlib["events"])
    assert all(m["article_id"] == "ev-idlib" for e in idlib["events"] for m in e["mentions"])
    dates = [e["date"] or "9999" for e in idlib["events"]]
    assert dates == sorted(dates)
    html = client.get("/stories/story-call").text
    section = html.split('<section id="events">', 1)[1].split("</section>", 1)[0]
    assert "الأحداث بالترتيب (1)" in section and 'data-type="CONSULT"' in section
    assert 'id="map-events"' in html  # the story's map shows where its events happened


def test_entity_page_and_timeline_show_its_events(client: TestClient) -> None:
    call = _call(client.get("/events.json").json()["events"])
    putin = next(a for a in (call["actor"], call["target"]) if a["text"] == "فلاديمير بوتين")
    key = putin["id"] or "norm:" + putin["text"]
    ent = client.get(f"/entities/{key}.json").json()
    assert ent["n_events"] == 1 and ent["events"][0]["record_id"] == call["record_id"]
    html = client.get(f"/entities/{key}").text
    section = html.split('<section id="events">', 1)[1].split("</section>", 1)[0]
    assert 'data-type="CONSULT"' in section and "(1)" in section
    tl = client.get(f"/entities/{key}/timeline.json").json()
    evs = [i for i in tl["items"] if i["kind"] == "event"]
    assert [i["event"]["record_id"] for i in evs] == [call["record_id"]]
    assert evs[0]["date"] == call["date"] and evs[0]["article"]["id"] == "ev-call-a"
    assert [i["date"] or "9999" for i in tl["items"]] == sorted(i["date"] or "9999" for i in tl["items"])
    assert 'class="ev-line"' in client.get(f"/entities/{key}/timeline").text
    # as target too, and for a name nobody linked (norm:)
    other = client.get("/events.json", params={"entity": key}).json()
    assert [e["record_id"] for e in other["events"]] == [call["record_id"]]
    unlinked = client.get("/entities/norm:" + urllib.parse.quote(HOSTILE_ACTOR) + ".json").json()
    assert [e["type"] for e in unlinked["events"]] == ["ACCUSE"]
    assert client.get("/events.json", params={"entity": "Q0"}).json()["total"] == 0


# -- the map ----------------------------------------------------------------------------------

def test_map_has_an_events_layer(client: TestClient) -> None:
    m = client.get("/map.json").json()
    by_id = {p["id"]: p for p in m["events"]}
    idlib = by_id["geonames:169389"]
    assert idlib["events"] >= 1 and idlib["types"].get("ASSAULT", 0) >= 1 and idlib["lat"] and idlib["lon"]
    assert by_id["geonames:276781"]["types"] == {"ACCUSE": 1}
    # each point links to the events page filtered to its place, which lists those events
    listed = client.get(idlib["href"].replace("/events?", "/events.json?")).json()["events"]
    assert listed and all(e["place"]["id"] == "geonames:169389" for e in listed)
    assert len(listed) == idlib["events"]
    # scoped like the places: one article's events only
    art = client.get("/map.json", params={"article": "ev-idlib"}).json()
    assert [p["id"] for p in art["events"]] == ["geonames:169389"]
    html = client.get("/map").text
    data = json.loads(re.search(r'<script type="application/json" id="map-events">(.*?)</script>', html,
                                re.DOTALL)[1])
    assert {p["id"] for p in data} == set(by_id)
    assert 'data-layer="events"' in html and 'href="/events?place=geonames%3A169389"' in html


# -- the API description, and stores without events --------------------------------------------

def test_openapi_describes_the_events_views(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/events.json" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/events.json"]["get"]["parameters"]}
    assert {"type", "actor", "place", "from", "to", "entity", "sort", "page", "per_page"} <= params


def test_a_store_without_event_tables(store_path: str, tmp_path: Path) -> None:
    old = str(tmp_path / "old.db")
    con = sqlite3.connect(old)
    with sqlite3.connect(store_path) as src:
        src.backup(con)
    con.execute("DROP TABLE event_mentions")
    con.execute("DROP TABLE event_records")
    con.commit()
    con.close()
    c = TestClient(create_app(old))
    assert c.get("/events.json").json()["total"] == 0
    assert "جداول الأحداث" in c.get("/events").text
    assert c.get("/map.json").json()["events"] == []
    assert c.get("/stories/story-call.json").json()["events"] == []
    assert c.get("/").status_code == 200
