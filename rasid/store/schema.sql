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
