"""The cache's schema and its migrations (``PRAGMA user_version``).

The cache is rebuildable: everything in it comes from documents that can be
imported or fetched again. What a user would mind losing (read state) is
mirrored in a small separate database in the user data dir, ``state``, which
is ATTACHed to every connection.
"""

from __future__ import annotations

import sqlite3

#: Bump when the schema changes, and add a step to MIGRATIONS.
SCHEMA_VERSION = 1

#: A marker so we never mistake another application's database for ours.
APPLICATION_ID = 0x4E575352  # "NWSR"

CACHE_SCHEMA = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,          -- identity: 'name:<folded name>' or 'feed:<url>'
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'page', -- page | feed | sample
    feed_url TEXT,
    site_url TEXT,
    etag TEXT,
    last_modified TEXT,
    last_attempt INTEGER,
    last_success INTEGER,
    last_error TEXT,
    redirect_candidate TEXT,
    redirect_count INTEGER NOT NULL DEFAULT 0,
    retry_after INTEGER,
    gone INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    key TEXT NOT NULL UNIQUE,          -- stable identity, also used by read state and bookmarks
    guid TEXT,
    url TEXT,
    norm_url TEXT,
    title TEXT NOT NULL,
    norm_title TEXT NOT NULL,
    author TEXT,
    published TEXT,                    -- ISO date or UTC datetime
    published_ts INTEGER,              -- for ordering; a date counts as its noon UTC
    published_text TEXT,               -- as the document said it ("a day ago")
    precision TEXT NOT NULL DEFAULT 'unknown',
    summary TEXT,
    body TEXT NOT NULL DEFAULT '',
    extras TEXT,                       -- JSON: captions, tags, enclosures
    summary_only INTEGER NOT NULL DEFAULT 0,
    is_read INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX articles_norm_url ON articles(norm_url) WHERE norm_url IS NOT NULL;
CREATE INDEX articles_source_title ON articles(source_id, norm_title);
CREATE INDEX articles_title ON articles(norm_title);
CREATE INDEX articles_guid ON articles(source_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_source_time ON articles(source_id, published_ts DESC, id DESC);
CREATE INDEX articles_time ON articles(published_ts DESC, id DESC);
CREATE INDEX articles_unread ON articles(source_id, is_read);

CREATE TABLE related (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,              -- page | same-story | similar
    detail TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, other_id, reason)
) WITHOUT ROWID;
CREATE INDEX related_other ON related(other_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"""

STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS state.read_state (
    article_key TEXT PRIMARY KEY,
    is_read INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
) WITHOUT ROWID;
"""

#: version -> SQL that upgrades from version-1. Empty until the first change.
MIGRATIONS: dict[int, str] = {}


class SchemaError(Exception):
    """The file is not a newsreader cache we can use (newer, foreign, damaged)."""


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create or upgrade the cache schema; refuse a newer or foreign database."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if version == 0 and tables == 0:
        conn.execute("BEGIN IMMEDIATE")
        for statement in _split(CACHE_SCHEMA):
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
        return
    if app_id != APPLICATION_ID:
        raise SchemaError("not a newsreader cache (another application's database)")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"cache schema {version} is newer than this newsreader understands ({SCHEMA_VERSION})"
        )
    if version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _split(MIGRATIONS.get(step, "")):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")


def ensure_state_schema(conn: sqlite3.Connection) -> None:
    for statement in _split(STATE_SCHEMA):
        conn.execute(statement)


def _split(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    current: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.split("--", 1)[0].rstrip()
        if not stripped.strip():
            continue
        current.append(stripped)
        upper = stripped.strip().upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if upper == "END;":
                statements.append("\n".join(current))
                current, in_trigger = [], False
        elif stripped.endswith(";"):
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements
