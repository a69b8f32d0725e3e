-- Rasid store schema. Each migration is numbered; PRAGMA user_version records the last
-- one applied. Add a new "-- migration: N" section to change the schema; never edit an
-- applied one.

-- migration: 1
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,          -- content hash (title + body): re-ingest is idempotent
    title TEXT,
    source TEXT,
    url TEXT,
    published TEXT,
    published_inferred INTEGER NOT NULL DEFAULT 0,
    author TEXT,
    text TEXT NOT NULL,                 -- cleaned text; every stored offset indexes into it
    n_tokens INTEGER NOT NULL DEFAULT 0,
    format TEXT,
    origin TEXT,
    raw TEXT,                           -- the original input, as decoded
    body_offset INTEGER NOT NULL DEFAULT 0,
    offset_map TEXT,                    -- JSON [[clean_start, raw_start], ...]
    meta TEXT,                          -- JSON
    record TEXT,                        -- the full analyzed record (output contract), JSON
    stages TEXT,                        -- the stages that ran, comma separated
    duplicate_of TEXT,
    story TEXT,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_source ON articles(source);

CREATE TABLE entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL,
    kb_id TEXT, name TEXT,
    norm TEXT NOT NULL                  -- normalized mention: groups unknown entities
);
CREATE INDEX entities_article ON entities(article_id);
CREATE INDEX entities_kb ON entities(kb_id);
CREATE INDEX entities_norm ON entities(norm);

CREATE TABLE quotes (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    content TEXT NOT NULL, kind TEXT NOT NULL, cue TEXT,
    speaker_text TEXT, speaker_start INTEGER, speaker_end INTEGER,
    speaker_id TEXT, speaker_name TEXT
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker_id);

CREATE TABLE dates (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, value TEXT, anchor TEXT
);
CREATE INDEX dates_article ON dates(article_id);

CREATE TABLE places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, name TEXT, place_id TEXT, lat REAL, lon REAL, country TEXT
);
CREATE INDEX places_article ON places(article_id);

CREATE TABLE rejected (
    rowid INTEGER PRIMARY KEY,
    input TEXT NOT NULL,
    reason TEXT NOT NULL,
    time TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- full-text search over a normalized copy (hamza/ya/ta marbuta/diacritics folded,
-- proclitics split off), kept in step with articles by the store
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text,
                                            tokenize='unicode61 remove_diacritics 2');

-- migration: 2
-- stories (rasid/stories): near-duplicate fingerprints, story clusters and membership.
-- A duplicate group is every article whose articles.duplicate_of is the group's first
-- (earliest stored) article, plus that article: see the duplicate_groups view.
CREATE TABLE fingerprints (
    article_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,               -- insertion order: the earliest of a group is its root
    sig BLOB NOT NULL,                  -- MinHash signature, 128 x uint32 little-endian
    duplicate_of TEXT,                  -- root of its group, or NULL
    similarity REAL                     -- estimated Jaccard with the matched article
);
CREATE VIEW duplicate_groups AS
    SELECT coalesce(duplicate_of, id) AS group_id, id AS article_id, source, published
    FROM articles;
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
CREATE INDEX articles_story ON articles(story);

CREATE TABLE stories (
    id TEXT PRIMARY KEY,                -- "s-" + the id of its first article
    label TEXT,                         -- top entities and keywords
    first TEXT, last TEXT,              -- earliest and latest publication date of its articles
    size INTEGER NOT NULL DEFAULT 0,    -- articles (duplicates included)
    state TEXT NOT NULL,                -- JSON: centroid, entities, term surfaces (rasid.stories.cluster)
    updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE story_members (
    story_id TEXT NOT NULL,
    article_id TEXT NOT NULL PRIMARY KEY,
    score REAL,                         -- similarity that made it join (1 for the first, dup for duplicates)
    via TEXT                            -- new | similar | duplicate
);
CREATE INDEX story_members_story ON story_members(story_id);

-- migration: 3
-- the monitor (rasid sources / rasid watch): the sources followed, and every article URL
-- seen, so that what was fetched is never fetched again and failures are retried later
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,           -- RSS/Atom feed or (news) sitemap
    name TEXT,                          -- outlet name given by the user
    kind TEXT,                          -- feed | sitemap (known after the first poll)
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    etag TEXT,                          -- validators for the next conditional GET
    last_modified TEXT,
    content_hash TEXT,                  -- of the last body: a server without validators
    last_poll TEXT,                     -- UTC
    last_status TEXT,                   -- changed | unchanged | error
    last_error TEXT,
    last_items INTEGER NOT NULL DEFAULT 0,   -- items listed at the last changed poll
    last_new INTEGER NOT NULL DEFAULT 0,     -- articles stored from the last poll
    polls INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,    -- polls that cost nothing (304 or same body)
    errors INTEGER NOT NULL DEFAULT 0,       -- failed polls, in all
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    articles INTEGER NOT NULL DEFAULT 0,     -- articles stored from this source, in all
    next_poll TEXT                      -- after failed polls: not before this time (UTC)
);

CREATE TABLE seen_urls (
    url TEXT PRIMARY KEY,               -- canonical URL (rasid.monitor.urls.canonicalize)
    fetch_url TEXT NOT NULL,            -- the URL as published: what is fetched
    source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    status TEXT NOT NULL,               -- queued | stored | duplicate | failed | gave_up
    reason TEXT,                        -- why it failed, or which article it duplicates
    hash TEXT,                          -- content hash of the article found there
    article_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at TEXT,                      -- failed: not fetched again before this time (UTC)
    first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_try TEXT,
    meta TEXT                           -- JSON: what the feed/sitemap said of the item
);
CREATE INDEX seen_urls_retry ON seen_urls(status, retry_at);
CREATE INDEX seen_urls_source ON seen_urls(source_id, status);

-- migration: 4
-- events (rasid/events): every coded event mention, and the deduplicated event records
-- they back (one real event reported by N articles = one record, N mentions). Aggregates
-- (sources, outlets, first report, disagreeing dates/places) are computed from the mentions,
-- so deleting or replacing an article never leaves a stale count.
CREATE TABLE event_records (
    rowid INTEGER PRIMARY KEY,
    key TEXT NOT NULL,                  -- type|actor|target|polarity (rasid.events.dedup.event_key)
    type TEXT NOT NULL
);
CREATE INDEX event_records_key ON event_records(key);

CREATE TABLE event_mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,               -- position in the article's events
    record INTEGER NOT NULL,            -- event_records.rowid
    type TEXT NOT NULL,
    trigger TEXT, trigger_start INTEGER, trigger_end INTEGER,
    actor TEXT, actor_id TEXT, actor_name TEXT,
    target TEXT, target_id TEXT, target_name TEXT,
    date TEXT, date_source TEXT,        -- text | sentence | published
    place TEXT, place_name TEXT, place_id TEXT, lat REAL, lon REAL,
    negated INTEGER NOT NULL DEFAULT 0,
    source TEXT, url TEXT, published TEXT,
    event TEXT NOT NULL                 -- the contract item, JSON
);
CREATE INDEX event_mentions_record ON event_mentions(record);
CREATE INDEX event_mentions_article ON event_mentions(article_id);
CREATE INDEX event_mentions_type_date ON event_mentions(type, date);
