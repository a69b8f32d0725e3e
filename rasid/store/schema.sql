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
