"""The web interface and JSON API over the store (``rasid serve``).

- :mod:`rasid.web.app`: the Starlette application (HTML pages, their ``.json`` twins, OpenAPI).
- :mod:`rasid.web.data`: read-only queries, one connection per request.
- :mod:`rasid.web.markup`: search snippets from the real text, and annotated article HTML
  (every piece of article content escaped).
- :mod:`rasid.web.bench`: latency benchmark (search and article page p95).

Nothing is imported here: ``rasid`` works without the web extras installed.
"""
