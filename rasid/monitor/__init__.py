"""Live intake: follow news sources (RSS/Atom feeds, news sitemaps), fetch new article
pages politely, extract them, analyze and store them as they arrive.

- :mod:`~rasid.monitor.urls`    canonical URLs, the address policy
- :mod:`~rasid.monitor.fetch`   polite HTTP (robots.txt, per-host limits, timeouts, size cap)
- :mod:`~rasid.monitor.sitemap` news sitemaps
- :mod:`~rasid.monitor.sources` sources and seen URLs in the store
- :mod:`~rasid.monitor.watch`   the polling cycle: discover, fetch, extract, analyze, store
"""
