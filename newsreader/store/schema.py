"""The cache's schema and its migrations (``PRAGMA user_version``).

The cache is rebuildable: everything in it comes from documents that can be
imported or fetched again. What a user would mind losing (read state) is
mirrored in a small separate database in the user data dir, ``state``, which
is ATTACHed to every connection.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable

from newsreader.store.articlerows import title_hash
from newsreader.store.sql_script import already_done, split_script

#: Bump when the schema changes, and add a step to MIGRATIONS.
SCHEMA_VERSION = 7

#: A marker so we never mistake another application's database for ours.
APPLICATION_ID = 0x4E575352  # "NWSR"

# The body may be stored compressed (store/textpack.py): FTS5 indexes its text.
# Its external content then holds bytes, so never run the 'rebuild' command
# on articles_fts; 'delete' is given the old text by the trigger instead.
# New rows are indexed by the code that inserts them (store/articlerows.py,
# the one place that does), from the text it has in hand: an INSERT trigger
# would inflate every body again through a Python callback per row.
FTS_TRIGGERS = """
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, body, title, author, captions)
        VALUES ('delete', old.id, nr_text(old.body), old.title, old.author, nr_captions(old.extras));
    INSERT INTO articles_titles_fts(articles_titles_fts, rowid, title, author, captions)
        VALUES ('delete', old.id, old.title, old.author, nr_captions(old.extras));
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, body, author, extras ON articles
WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.author IS NOT new.author
    OR nr_captions(old.extras) IS NOT nr_captions(new.extras) BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, body, title, author, captions)
        VALUES ('delete', old.id, nr_text(old.body), old.title, old.author, nr_captions(old.extras));
    INSERT INTO articles_fts(rowid, body, title, author, captions)
        VALUES (new.id, nr_text(new.body), new.title, new.author, nr_captions(new.extras));
    INSERT INTO articles_titles_fts(articles_titles_fts, rowid, title, author, captions)
        VALUES ('delete', old.id, old.title, old.author, nr_captions(old.extras));
    INSERT INTO articles_titles_fts(rowid, title, author, captions)
        VALUES (new.id, new.title, new.author, nr_captions(new.extras));
END;
"""

#: Segments of one size FTS5 merges at once in the full index (its
#: 'automerge'; see FTS_TABLE).
FTS_AUTOMERGE = 16
FTS_MERGING = f"INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', {FTS_AUTOMERGE});\n"

# Authors and image captions are searched too (``author:`` and plain words).
# They are FTS5 columns of their own, so ``author:`` is a column filter.
# The index's content is a view of ``articles`` that gives each column as
# it was indexed (captions live in ``extras``; the body may be compressed).
#
# Three-letter prefixes ("gov*") have an index of their own: FTS5 answers
# a prefix of exactly an index's length from one doclist instead of merging
# those of every word it starts, but that index repeats every position of
# every word, bodies included (about 690 B an article, and a fifth of the
# time an insert takes: benchmarks/MEASUREMENTS.md). So only titles,
# authors and captions have one, in ``articles_titles_fts``: a prefix of
# three letters or fewer is looked for there (store/search_filters.py);
# longer ones ("gove*") in the full index, as before.
#
# The body is the full index's first column: FTS5 marks every word's
# positions in any other column with two bytes a column, and most words of
# an article are in its body only (first: 675 B an article, second: 935).
#
# FTS5 writes each feed's new words as a small segment and merges segments
# of one size into a bigger one as they pile up: in the full index, 16 at a
# time rather than its default 4 rewrites each word's entry about half as
# often (a fifth less indexing time at 100,000 articles) for a few more
# segments to read. The titles' index is small and holds the three-letter
# prefixes: it keeps the default (benchmarks/MEASUREMENTS.md).
FTS_TABLE = (
    """
CREATE VIEW articles_fts_content AS
    SELECT id, nr_text(body) AS body, title, author, nr_captions(extras) AS captions FROM articles;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    body, title, author, captions, content='articles_fts_content', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
CREATE VIEW articles_titles_fts_content AS
    SELECT id, title, author, nr_captions(extras) AS captions FROM articles;
CREATE VIRTUAL TABLE articles_titles_fts USING fts5(
    title, author, captions, content='articles_titles_fts_content', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='3'
);
"""
    + FTS_MERGING
)

# Tags as rows, so tag: filters are an index lookup, not a JSON scan. A new
# row's tags are put in by the code that inserts it (store/articlerows.py
# index_text) from the list it has in hand: an insert trigger read the JSON
# again (schema 7 dropped it; caches from before the table get it then).
TAG_TABLE = """
CREATE TABLE IF NOT EXISTS article_tags (
    tag TEXT NOT NULL COLLATE NOCASE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_tags_article ON article_tags(article_id);
CREATE TRIGGER IF NOT EXISTS articles_tags_au AFTER UPDATE OF extras ON articles BEGIN
    DELETE FROM article_tags WHERE article_id = new.id;
    INSERT OR IGNORE INTO article_tags(tag, article_id)
        SELECT value, new.id FROM json_each(CASE WHEN json_valid(new.extras) THEN new.extras ELSE '{}' END, '$.tags')
        WHERE type = 'text';
END;
"""

# Rules hide and flag articles; a refresh holds a lease per feed so that two
# processes never fetch and store the same feed at once (store/leases.py).
DAILY_TABLES = """
CREATE INDEX IF NOT EXISTS articles_flagged ON articles(flagged) WHERE flagged = 1;
CREATE INDEX IF NOT EXISTS articles_hidden ON articles(hidden) WHERE hidden = 1;
CREATE TABLE IF NOT EXISTS feed_leases (
    url TEXT PRIMARY KEY,
    owner TEXT NOT NULL,               -- 'host:pid:token' of the refreshing process
    expires INTEGER NOT NULL           -- UNIX time; past it the lease is free
) WITHOUT ROWID;
"""

# Earlier versions of articles a feed changed (store/revisions.py): the
# current version is the row in ``articles``; ``revised_articles`` says
# which number it is and which one the reader last opened, and
# ``articles.revised`` whether that is an older one (the lists read it).
REVISION_TABLES = """
ALTER TABLE articles ADD COLUMN revised INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS revisions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,          -- 1: as the article was first stored
    title TEXT NOT NULL,
    body TEXT NOT NULL,                -- as articles.body: text, or compressed (store/textpack.py)
    seen_at INTEGER NOT NULL,          -- when this version arrived
    PRIMARY KEY (article_id, version)
);
CREATE TABLE IF NOT EXISTS revised_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,          -- the number of the version in articles
    seen_at INTEGER NOT NULL,          -- when it arrived
    read_version INTEGER,              -- the version last opened; NULL: none since it changed
    diff_from INTEGER                  -- the version read before that one (what D compares with)
) WITHOUT ROWID;
"""

# ``articles.norm_url``, the normalised URL that finds an article again, is
# most often its URL as given: then the row stores '' (own_norm_url) and the
# column is computed, not stored twice (about 40 B an article). A VIRTUAL
# column added by ALTER TABLE and indexed needs SQLite 3.31.
NORM_URL_COLUMN = """
ALTER TABLE articles ADD COLUMN norm_url TEXT
    GENERATED ALWAYS AS (CASE own_norm_url WHEN '' THEN url ELSE own_norm_url END) VIRTUAL;
CREATE UNIQUE INDEX articles_norm_url ON articles(norm_url) WHERE norm_url IS NOT NULL;
"""

CACHE_SCHEMA = (
    """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,          -- identity: 'name:<folded name>' or 'feed:<url>'
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'page', -- page | feed | sample
    feed_url TEXT,
    fetch_url TEXT,                    -- where the feed moved to (a repeated 301/308)
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
    own_norm_url TEXT,                 -- the normalised URL; '' when it is url itself (norm_url)
    title TEXT NOT NULL,
    title_hash INTEGER NOT NULL,       -- of the normalised title (store/articlerows.py title_hash)
    author TEXT,
    published TEXT,                    -- ISO date or UTC datetime
    published_ts INTEGER,              -- for ordering; a date counts as its noon UTC
    published_text TEXT,               -- as the document said it ("a day ago")
    precision TEXT NOT NULL DEFAULT 'unknown',
    summary TEXT,                      -- summary and body: text, or compressed (store/textpack.py)
    body TEXT NOT NULL DEFAULT '',
    extras TEXT,                       -- JSON: captions, tags, enclosures
    summary_only INTEGER NOT NULL DEFAULT 0,
    full_text_url TEXT,                -- the page the body was fetched from (newsreader.feeds.fulltext)
    full_text_at INTEGER,              -- last full-text attempt; NULL = never tried
    full_text_error TEXT,              -- why that attempt kept the summary (one line)
    is_read INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,  -- by a [[rule]]: only is:hidden finds it
    flagged INTEGER NOT NULL DEFAULT 0, -- by a [[rule]] (is:flagged)
    added_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- A title alone (a page that names no source) or with its source (a feed's
-- items): one index answers both.
CREATE INDEX articles_title ON articles(title_hash, source_id);
CREATE INDEX articles_guid ON articles(source_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_source_time ON articles(source_id, published_ts DESC, id DESC);
CREATE INDEX articles_time ON articles(published_ts DESC, id DESC);
CREATE INDEX articles_unread ON articles(source_id, is_read);
-- is:unread within a time window (store/searching.py) from the index alone,
-- not from every row of the window.
CREATE INDEX articles_read_time ON articles(is_read, published_ts);
CREATE INDEX articles_full_text_todo ON articles(source_id) WHERE summary_only = 1 AND full_text_at IS NULL;

CREATE TABLE related (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,              -- page | same-story | similar
    detail TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, other_id, reason)
) WITHOUT ROWID;
CREATE INDEX related_other ON related(other_id);

"""
    + FTS_TABLE
    + TAG_TABLE
    + FTS_TRIGGERS
    + DAILY_TABLES
    + """
-- Stories: articles from different outlets telling one event (newsreader.stories.clustering).
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,               -- the earliest member's title
    first_ts INTEGER NOT NULL,         -- member times: published, else added
    last_ts INTEGER NOT NULL,
    article_count INTEGER NOT NULL DEFAULT 0,
    source_count INTEGER NOT NULL DEFAULT 0,   -- distinct outlets; shown when >= 2
    seen_source_count INTEGER NOT NULL DEFAULT 0, -- outlets when last looked at (follow)
    muted INTEGER NOT NULL DEFAULT 0,
    followed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX stories_last ON stories(last_ts DESC, id DESC);
CREATE INDEX stories_followed ON stories(followed) WHERE followed = 1;

CREATE TABLE story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    score REAL NOT NULL,               -- similarity that brought it in
    joined_at INTEGER NOT NULL
);
CREATE INDEX story_articles_story ON story_articles(story_id);

-- What clustering compares: one frozen signature per article, a posting list
-- for its heaviest features (how candidates are found without a scan), and
-- document frequencies of every feature (term '' holds the article count).
-- Frequencies are not lowered when articles are deleted: they describe the
-- language of the feeds read so far, which a deletion does not change.
CREATE TABLE story_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    outlet TEXT NOT NULL,              -- folded source name
    published_ts INTEGER,
    added_at INTEGER NOT NULL,
    text_hash INTEGER NOT NULL,        -- of what it was computed from: re-sign when that changes
    terms TEXT NOT NULL,               -- exact keys, title features, other features: one a line
    weights BLOB NOT NULL,             -- uint16 LE: key count, title feature count, each feature's weight
    postings TEXT NOT NULL             -- JSON array of its story_terms rows' terms (for the trigger)
);
-- Posting lists in time order: a candidate search reads only the few days
-- around an article (coalesce(published_ts, added_at), as stories place it).
CREATE TABLE story_terms (
    term TEXT NOT NULL,
    ts INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (term, ts, article_id)
) WITHOUT ROWID;
CREATE TABLE story_term_df (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER story_signatures_ad AFTER DELETE ON story_signatures BEGIN
    DELETE FROM story_terms WHERE term IN (SELECT value FROM json_each(old.postings))
        AND ts = coalesce(old.published_ts, old.added_at) AND article_id = old.article_id;
END;
CREATE TRIGGER story_articles_ad AFTER DELETE ON story_articles BEGIN
    UPDATE stories SET
        article_count = (SELECT count(*) FROM story_articles WHERE story_id = old.story_id),
        source_count = (SELECT count(DISTINCT g.outlet) FROM story_articles m
                        JOIN story_signatures g ON g.article_id = m.article_id
                        WHERE m.story_id = old.story_id)
        WHERE id = old.story_id;
    DELETE FROM stories WHERE id = old.story_id AND article_count = 0;
END;
"""
    + REVISION_TABLES
    + NORM_URL_COLUMN
)

STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS state.read_state (
    article_key TEXT PRIMARY KEY,
    is_read INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Sync (newsreader.sync; SQL in store/outbox.py). A change made here waits in
-- the outbox until a backend confirmed it; sync_items holds the newest known
-- version of every synced thing, from any device; stamps are milliseconds of
-- a hybrid clock (see store/outbox.py).
CREATE TABLE IF NOT EXISTS state.sync_outbox (
    kind TEXT NOT NULL,                -- read | bookmark | feed | story
    key TEXT NOT NULL,                 -- article key, or normalised feed URL
    value TEXT NOT NULL,               -- JSON
    stamp INTEGER NOT NULL,
    seq INTEGER NOT NULL,              -- a confirmation removes only the version it pushed
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state.sync_items (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    stamp INTEGER NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state.sync_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state.sync_remote (
    key TEXT PRIMARY KEY,              -- article key
    remote_id INTEGER NOT NULL         -- the server's article id
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state.sync_remote_id ON sync_remote(remote_id);
-- When the reader was opened (store/briefing.py): the briefing lists what is new since.
CREATE TABLE IF NOT EXISTS state.reader_marks (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
"""

# Drops and refills both search indexes from the rows (schema 5): what a
# change of their columns or options needs. The only slow step of an
# upgrade (about 10 s at 100,000 articles): ensure_schema says so.
REBUILD_SEARCH = (
    "DROP TRIGGER IF EXISTS articles_au;\nDROP TRIGGER IF EXISTS articles_ad;\n"
    "DROP TABLE IF EXISTS articles_vocab;\nDROP TABLE IF EXISTS articles_fts;\n"
    "DROP TABLE IF EXISTS articles_titles_fts;\n"
    "DROP VIEW IF EXISTS articles_fts_content;\nDROP VIEW IF EXISTS articles_titles_fts_content;\n"
    + FTS_TABLE
    + "INSERT INTO articles_fts(rowid, body, title, author, captions)"
    " SELECT id, nr_text(body), title, author, nr_captions(extras) FROM articles;\n"
    "INSERT INTO articles_titles_fts(rowid, title, author, captions)"
    " SELECT id, title, author, nr_captions(extras) FROM articles;\n"
    + FTS_TRIGGERS
    + "DROP INDEX IF EXISTS articles_source_title;\nDROP INDEX IF EXISTS articles_title;\n"
    "ALTER TABLE articles ADD COLUMN title_hash INTEGER NOT NULL DEFAULT 0;\n"
    "UPDATE articles SET title_hash = nr_title_hash(norm_title);\n"
    "ALTER TABLE articles DROP COLUMN norm_title;\n"
    "UPDATE articles SET guid = NULL WHERE guid = url;\n"
    "CREATE INDEX articles_title ON articles(title_hash, source_id);\n"
)

#: The last step that rebuilds the search index (an upgrade from before it is slow).
REBUILD_STEP = 5

#: version -> SQL that upgrades from version-1. Empty until the first change.
MIGRATIONS: dict[int, str] = {
    # 2: bodies may be stored deflated; the FTS triggers give nr_text(body),
    # and inserts index their own text. Rows written before stay plain text
    # (nr_text passes text through).
    # (Its triggers were replaced again by step 3.)
    2: "DROP TRIGGER articles_ai;\nDROP TRIGGER articles_au;\nDROP TRIGGER articles_ad;\n"
    "CREATE INDEX IF NOT EXISTS articles_read_time ON articles(is_read, published_ts);\n",
    # 3: hidden and flagged articles, feed leases, and authors and captions
    # in the search index (rebuilt from the rows by step 5, which every
    # upgrade from before 3 runs too).
    3: "ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE articles ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;\n" + DAILY_TABLES,
    # 4: earlier versions of changed articles (new tables only).
    4: REVISION_TABLES,
    # 5: the search index without its prefix index, three-letter prefixes
    # in a small index of titles, authors and captions (both rebuilt from
    # the rows), one index of title hashes where two of titles were, and
    # no guid that only repeats the URL (store/articlerows.py stored_guid).
    5: REBUILD_SEARCH,
    # 6: norm_url computed from own_norm_url and url (NORM_URL_COLUMN).
    6: "DROP INDEX IF EXISTS articles_norm_url;\n"
    "ALTER TABLE articles RENAME COLUMN norm_url TO own_norm_url;\n"
    "UPDATE articles SET own_norm_url = '' WHERE own_norm_url = url;\n" + NORM_URL_COLUMN,
    # 7: the full search index merges its segments 16 at a time (FTS_MERGING;
    # the segments already there stay as they are); new rows' tags written
    # by the inserting code, not by a trigger; new text is packed with zstd
    # (store/textpack.py ZSTD), and the number keeps an older newsreader from
    # reading those values as empty text (and giving the index's delete empty text).
    7: FTS_MERGING
    + "DROP TRIGGER IF EXISTS articles_tags_ai;\n"
    + TAG_TABLE
    # A table just made (a cache from before it) is filled from the rows.
    + "INSERT OR IGNORE INTO article_tags(tag, article_id) SELECT t.value, a.id"
    " FROM articles a, json_each(CASE WHEN json_valid(a.extras) THEN a.extras ELSE '{}' END, '$.tags') t"
    " WHERE t.type = 'text' AND NOT EXISTS (SELECT 1 FROM article_tags);\n",
}


class SchemaError(Exception):
    """The file is not a newsreader cache we can use (newer, foreign, damaged)."""


def say_on_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


#: An upgrade that rebuilds the search index of more articles than this says
#: so first (before the app's screen is up, on the terminal).
REBUILD_NOTICE_ROWS = 5000
#: Articles an upgrade that rebuilds the search index gets through in a
#: second, VACUUM included (measured at 100,000, rounded down to say a bit
#: more than it takes rather than less).
UPGRADE_ROWS_PER_SECOND = 8000


def ensure_schema(conn: sqlite3.Connection, say: Callable[[str], None] = say_on_stderr) -> None:
    """Create or upgrade the cache schema; refuse a newer or foreign database.

    An upgrade that rebuilds the search index of a big cache says what it
    does and then how long it took, through ``say``.
    """
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if version == 0 and tables == 0:
        conn.execute("BEGIN IMMEDIATE")
        for statement in split_script(CACHE_SCHEMA):
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
        return
    if app_id != APPLICATION_ID:
        raise SchemaError("not a newsreader cache (another application's database)")
    if version > SCHEMA_VERSION:
        raise SchemaError(f"cache schema {version} is newer than this newsreader understands ({SCHEMA_VERSION})")
    if version < SCHEMA_VERSION:
        started = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        rows = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        rebuilds = rows > REBUILD_NOTICE_ROWS and version < REBUILD_STEP
        if rebuilds:
            say(
                f"newsreader: upgrading the cache (schema {version} to {SCHEMA_VERSION}): "
                f"rebuilding the search index of {rows:,} articles, about {rows // UPGRADE_ROWS_PER_SECOND + 1} s…"
            )
        conn.create_function("nr_title_hash", 1, title_hash, deterministic=True)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in split_script(MIGRATIONS.get(step, "")):
                if not already_done(conn, statement):
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
        if rebuilds:
            # The old index's pages are free now: give them back to the disk.
            try:
                conn.execute("VACUUM")
                compacted = ""
            except sqlite3.OperationalError as exc:  # busy, or no room for the copy: it stays as big
                compacted = f" (not compacted: {exc})"
            say(f"newsreader: cache upgraded in {time.monotonic() - started:.0f} s{compacted}")


def ensure_state_schema(conn: sqlite3.Connection) -> None:
    for statement in split_script(STATE_SCHEMA):
        conn.execute(statement)
