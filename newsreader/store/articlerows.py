"""Article rows as the cache stores them, and the fast way to add a feed's new ones.

:class:`ArticleFields` is everything :class:`~.cache.Cache` derives from an
:class:`~newsreader.core.models.Article` before it looks for the row (normalised
URL and title, identity key, body and summary, extras JSON, dates), so the
one-by-one path and the fast path below write exactly the same columns.

Why a fast path: a refresh of a thousand feeds stores tens of thousands of
new articles. One by one, each costs four look-ups and an INSERT whose FTS5
trigger runs in its own statement; SQLite opens a statement savepoint for
it, and FTS5 writes its pending terms to disk at every savepoint, so the
index grows one tiny segment per article and spends its time merging
them. :func:`import_feed_articles` asks once per document which of its
identities are already stored, and puts the articles that match nothing in
with one multi-row INSERT, so FTS5 sees one statement per document.
Everything else (an article that matches a stored one, or an earlier one in
the same document) still goes through the one-by-one path, in document
order, so the outcome is the same as importing them one at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import NamedTuple

from newsreader.core.models import Article, iso_published
from newsreader.core.sanitize import one_line
from newsreader.core.textnorm import normalize_title
from newsreader.core.urls import normalize_url
from newsreader.store import textpack

#: The columns of a new article row, in the order :meth:`ArticleFields.row` gives them.
ARTICLE_COLUMNS = (
    "source_id",
    "key",
    "guid",
    "url",
    "own_norm_url",
    "title",
    "title_hash",
    "author",
    "published",
    "published_ts",
    "published_text",
    "precision",
    "summary",
    "body",
    "extras",
    "summary_only",
    "is_read",
    "added_at",
    "updated_at",
)
_ONE_ROW = "(" + ",".join("?" * len(ARTICLE_COLUMNS)) + ")"
INSERT_ARTICLE = f"INSERT INTO articles({', '.join(ARTICLE_COLUMNS)}) VALUES {_ONE_ROW}"
_INSERT_WITH_ID = f"INSERT INTO articles(id, {', '.join(ARTICLE_COLUMNS)})"
_ONE_ROW_WITH_ID = "(" + ",".join("?" * (len(ARTICLE_COLUMNS) + 1)) + ")"

#: Rows per multi-row INSERT: far below SQLite's variable limit (32,766
#: since 3.32; 999 before) x 19 columns would allow, and a whole feed.
ROWS_PER_INSERT = 50
#: Values per ``IN (...)`` look-up (SQLite before 3.32 allows 999 in all).
LOOKUP_CHUNK = 500


class ArticleFields(NamedTuple):
    """What the cache derives from one article before storing it.

    ``body`` and ``summary`` are as stored (:func:`textpack.pack`: text, or
    compressed bytes); ``title_hash`` is of the normalised title
    (:func:`title_hash`), computed where the fields are; ``body_chars`` is the body's length as text, and
    ``text`` the body as text when whoever packed it still had it: the
    search index is given it (:func:`index_text`) rather than unpacking the
    body again, which cost the writer about as much as the worker saves by
    not sending it (benchmarks/MEASUREMENTS.md).
    """

    key: str
    norm_url: str | None
    title_hash: int
    body: str | bytes
    body_chars: int
    summary: str | bytes | None
    summary_only: bool
    extras: dict
    extras_json: str
    published: str | None
    published_ts: int | None
    precision: str
    text: str | None = None

    def row(self, source_id: int, art: Article, is_read: int, now: int) -> tuple:
        """The values of a new row, in :data:`ARTICLE_COLUMNS` order."""
        return (
            source_id,
            self.key,
            stored_guid(art),
            art.url,
            own_norm_url(art.url, self.norm_url),
            art.title,
            self.title_hash,
            art.author,
            self.published,
            self.published_ts,
            art.published_text,
            self.precision,
            self.summary,
            self.body,
            self.extras_json,
            int(self.summary_only),
            is_read,
            now,
            now,
        )

    def identities(self, art: Article) -> list[tuple[str, str | int]]:
        """Everything a stored row could match this article by (see ``Cache._find_existing``)."""
        marks: list[tuple[str, str | int]] = [("t", self.title_hash), ("k", self.key)]
        if self.norm_url:
            marks.append(("u", self.norm_url))
        if art.guid:
            marks.append(("g", art.guid))
        return marks


def own_norm_url(url: str | None, norm_url: str | None) -> str | None:
    """What ``articles.own_norm_url`` holds: '' when the normalised URL is
    the URL itself (``norm_url`` then reads ``url``: schema.NORM_URL_COLUMN)."""
    return "" if norm_url is not None and norm_url == url else norm_url


def stored_guid(art: Article) -> str | None:
    """What ``articles.guid`` holds: the feed's id for the item, unless that
    is the item's own URL (a permalink, as most feeds give): then NULL, and
    the URL stands for it (:func:`guid_as_url`). The URL is not stored twice
    (in the row and in ``articles_guid``)."""
    return art.guid if art.guid and art.guid != art.url else None


def guid_as_url(guid: str | None) -> str | None:
    """The normalised URL under which a row whose guid was its URL is found
    again (``articles.norm_url``), or None for a guid that is no web address."""
    if not guid or not guid.startswith(("http://", "https://")):
        return None
    return normal_url(guid)


def title_hash(norm_title: str) -> int:
    """What the cache stores of a normalised title (``articles.title_hash``):
    a signed 64-bit hash, for finding an article again by its title. Eight
    bytes where the title took fifty, twice (row and index); two titles of
    one source share it about once in 10^14 pairs."""
    digest = hashlib.blake2b(norm_title.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def article_key(source_key: str, art: Article, norm_url: str | None) -> str:
    """A stable identity that does not depend on row ids, so read state and
    bookmarks find the article again after the cache is rebuilt."""
    if norm_url:
        basis = "u\x1f" + norm_url
    elif art.guid:
        basis = "g\x1f" + source_key + "\x1f" + art.guid
    else:
        basis = "t\x1f" + source_key + "\x1f" + normalize_title(art.title)
    return hashlib.blake2b(basis.encode("utf-8", "replace"), digest_size=12).hexdigest()


def published_timestamp(value: datetime | date | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp())
    return int(datetime(value.year, value.month, value.day, 12, tzinfo=UTC).timestamp())


# An address already as normalize_url spells it (lower-case scheme and host,
# no port, user, query or fragment): it is its own normal form, once it has a path.
_NORMAL_ADDRESS = re.compile(r"https?://[a-z0-9][a-z0-9.-]{0,252}(/[A-Za-z0-9/._~%!$&'()*+,=:@-]*)?\Z")


def normal_url(url: str) -> str:
    """:func:`normalize_url`, without taking apart an address already normal."""
    match = _NORMAL_ADDRESS.match(url)
    if match is None:
        return normalize_url(url)
    return url if match.group(1) else url + "/"


def text_fields(art: Article) -> ArticleFields:
    """What does not depend on the source: everything but the identity key
    of an article without a URL (that one names its source, article_key).

    A refresh computes this in its parse workers (``art.stored_fields``),
    compressing and hashing included, so the one writer thread does not.
    """
    norm_url = normal_url(art.url) if art.url else None
    body = (art.body or "").strip()
    summary = (art.summary or "").strip() or None
    summary_only = not body or (summary is not None and body == summary)
    if not body:
        body = summary or ""
    elif summary is not None and not summary_only and is_cut_of(summary, body):
        summary = None  # says nothing the body does not (a feed's description cut from its content)
    extras = {
        "captions": [[c.text, c.credit] for c in art.captions],
        "tags": list(dict.fromkeys(art.tags)),
        "enclosures": [{"url": e.url, "type": e.type, "length": e.length} for e in art.enclosures],
    }
    if art.images:  # only when there are some: most rows' extras stay as they were
        extras["images"] = list(art.images)
    return ArticleFields(
        key=article_key("", art, norm_url) if norm_url else "",
        norm_url=norm_url,
        title_hash=title_hash(normalize_title(art.title)),
        body=textpack.pack(body) or "",
        body_chars=len(body),
        summary=textpack.pack(summary),
        summary_only=summary_only,
        extras=extras,
        extras_json=dump_extras(extras),
        published=iso_published(art.published),
        published_ts=published_timestamp(art.published),
        precision=art.precision if art.published is not None else "unknown",
        text=body,
    )


def is_cut_of(summary: str, body: str) -> bool:
    """Whether ``summary`` is the start of ``body`` with its spacing flattened
    (and perhaps a trailing ``…``): what the parser derives when a feed item
    has content but no description, and what many feeds send as both. Only
    bookmarks read a summary when there is a body, and they cut the body
    the same way."""
    head = one_line(summary.rstrip("…"))
    if not head:
        return True
    window = body[: 2 * len(summary) + 64]
    # ``head`` has single spaces only: a window that starts with it, as it
    # stands or with its paragraph breaks made spaces, flattens to a text
    # that does too (the usual derived summary); the general way otherwise.
    if window.startswith(head) or ("\n\n" in window and window.replace("\n\n", " ").startswith(head)):
        return True
    return " ".join(window.split()).startswith(head)


def article_fields(source_key: str, art: Article) -> ArticleFields:
    """What storing ``art`` under the source ``source_key`` derives from it."""
    base = art.stored_fields if isinstance(art.stored_fields, ArticleFields) else text_fields(art)
    if base.key and base.norm_url:  # a URL's key is the same under every source
        return base
    return base._replace(key=article_key(source_key, art, base.norm_url))


def dump_extras(extras: dict) -> str:
    """The stored JSON of ``extras``; empty lists are left out (every reader
    takes a missing key as empty: 30 of the 50 bytes of a typical row's)."""
    return _EXTRAS_JSON.encode({name: value for name, value in extras.items() if value != []})


# One encoder for every row (json.dumps with options builds one per call).
_EXTRAS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def load_extras(text: str | None) -> dict:
    if not text:
        return {"captions": [], "tags": [], "enclosures": []}
    try:
        value = json.loads(text)
    except ValueError:
        return {"captions": [], "tags": [], "enclosures": []}
    return value if isinstance(value, dict) else {}


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row the INSERT just run on ``cur`` added."""
    if cur.lastrowid is None:
        raise sqlite3.InterfaceError("the statement inserted no row")
    return cur.lastrowid


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def index_text(conn: sqlite3.Connection, rows: list[tuple[int, Article, ArticleFields]]) -> None:
    """Put new rows in the full-text indexes and their tags in
    ``article_tags``: ``(id, article, its fields)``.

    Every INSERT INTO articles is followed by this (the schema has no
    insert trigger, see FTS_TRIGGERS); one statement a table for the lot,
    so FTS5 takes them as one batch. Title, body, author and captions in
    the full index, all but the body in the titles' one (its three-letter
    prefixes), as the triggers give them when the row is changed or removed.
    """
    if not rows:
        return
    # As the update trigger (articles_tags_au) reads them from the extras:
    # each text tag, in order, so of two spellings of one tag the first stays.
    conn.executemany(
        "INSERT OR IGNORE INTO article_tags(tag, article_id) VALUES (?, ?)",
        [
            (tag, article_id)
            for article_id, _, fields in rows
            for tag in fields.extras.get("tags", ())
            if isinstance(tag, str)
        ],
    )
    captions = [textpack.captions_text(fields.extras) for _, _, fields in rows]
    full = [
        v
        for (article_id, art, fields), caption in zip(rows, captions)
        for v in (article_id, _index_body(fields), art.title, art.author, caption)
    ]
    conn.execute(
        f"INSERT INTO articles_fts(rowid, body, title, author, captions) VALUES {','.join(['(?,?,?,?,?)'] * len(rows))}",
        full,
    )
    heads = [
        v for (article_id, art, _), caption in zip(rows, captions) for v in (article_id, art.title, art.author, caption)
    ]
    conn.execute(
        f"INSERT INTO articles_titles_fts(rowid, title, author, captions) VALUES {','.join(['(?,?,?,?)'] * len(rows))}",
        heads,
    )


def _index_body(fields: ArticleFields) -> str:
    """The body's text for the search index: the text sent with it, else unpacked."""
    return fields.text if fields.text is not None else textpack.unpack(fields.body) or ""


def _stored_identities(
    conn: sqlite3.Connection, source_id: int, articles: list[Article], fields: list[ArticleFields]
) -> set[tuple[str, str | int]]:
    """The identities of this document that some stored row already has.

    A superset is harmless (that article just takes the one-by-one path):
    a title counts as taken whatever the stored row's URL is.
    """
    found: set[tuple[str, str | int]] = set()

    def look_up(kind: str, sql: str, leading: tuple[int, ...], values: set[str] | set[int]) -> None:
        for chunk in chunks(sorted(values), LOOKUP_CHUNK):
            for (value,) in conn.execute(sql.format(",".join("?" * len(chunk))), (*leading, *chunk)):
                found.add((kind, value))

    urls = {f.norm_url for f in fields if f.norm_url}
    look_up("u", "SELECT norm_url FROM articles WHERE norm_url IN ({})", (), urls)
    guids = {a.guid for a in articles if a.guid}
    look_up("g", "SELECT guid FROM articles WHERE source_id = ? AND guid IN ({})", (source_id,), guids)
    # Rows whose guid was their URL (stored_guid): found by that URL. One
    # the look-up above found no row at is at none (most guids are the link).
    as_urls = {u for u in map(guid_as_url, guids) if u and (u not in urls or ("u", u) in found)}
    look_up(
        "g", "SELECT url FROM articles WHERE source_id = ? AND guid IS NULL AND norm_url IN ({})", (source_id,), as_urls
    )
    titles = {f.title_hash for f in fields}
    look_up("t", "SELECT title_hash FROM articles WHERE source_id = ? AND title_hash IN ({})", (source_id,), titles)
    look_up("k", "SELECT key FROM articles WHERE key IN ({})", (), {f.key for f in fields})
    return found


def _read_states(conn: sqlite3.Connection, keys: list[str]) -> dict[str, int]:
    states: dict[str, int] = {}
    for chunk in chunks(keys, LOOKUP_CHUNK):
        for key, is_read in conn.execute(
            f"SELECT article_key, is_read FROM state.read_state WHERE article_key IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            states[key] = int(is_read)
    return states


def import_feed_articles(
    conn: sqlite3.Connection,
    source_id: int,
    articles: list[Article],
    fields: list[ArticleFields],
    now: int,
    upsert_one: Callable[[int], tuple[int, str]],
) -> list[tuple[int, str]]:
    """Store a feed document's articles; ``(row id, outcome)`` for each, in order.

    ``upsert_one(i)`` stores article ``i`` the one-by-one way; it is called
    for every article that matches a stored row or an earlier article of the
    document, after the new articles before it have been inserted, so it
    sees the table exactly as a one-at-a-time import would.
    """
    stored = _stored_identities(conn, source_id, articles, fields)
    results: list[tuple[int, str]] = [(0, "")] * len(articles)
    pending: list[int] = []
    seen: set[tuple[str, str | int]] = set()

    def insert_pending() -> None:
        if not pending:
            return
        states = _read_states(conn, [fields[i].key for i in pending])
        # The ids SQLite would give (the next after the highest), chosen
        # here so that no query reads them back: within this write
        # transaction nothing else adds rows.
        next_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])
        for chunk in chunks(pending, ROWS_PER_INSERT):
            values = []
            for offset, i in enumerate(chunk):
                results[i] = (next_id + offset, "new")
                values.append(next_id + offset)
                values.extend(fields[i].row(source_id, articles[i], states.get(fields[i].key, 0), now))
            conn.execute(f"{_INSERT_WITH_ID} VALUES {','.join([_ONE_ROW_WITH_ID] * len(chunk))}", values)
            next_id += len(chunk)
            index_text(conn, [(results[i][0], articles[i], fields[i]) for i in chunk])
        pending.clear()

    for index, (art, field) in enumerate(zip(articles, fields)):
        marks = field.identities(art)
        if any(mark in stored or mark in seen for mark in marks):
            insert_pending()
            results[index] = upsert_one(index)
        else:
            pending.append(index)
        seen.update(marks)
    insert_pending()
    return results
