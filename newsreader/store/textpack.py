"""Article text as the cache stores it: deflated when that pays.

The body and summary are most of a cache's bytes. News prose deflates about
2x; level 3 gets nearly all of what higher levels get for a fraction of the
time. Inflating is paid only when an article is shown or a lede is read.

A stored value is either plain TEXT (short texts, where deflate would save
nothing, and every row written before schema 2) or a BLOB: one format byte
then raw deflate of the UTF-8 text. Readers go through :func:`unpack`.
SQL can use ``nr_text(column)``, registered on every cache connection (the
FTS5 update and delete triggers need the old text), but hot paths inflate
in Python instead: a function called back from inside a statement takes
the GIL once per row, and while the event loop holds it each of those
waits (the reason inserts index their text themselves, articlerows.py).
"""

from __future__ import annotations

import json
import sqlite3
import zlib

#: The first byte of a packed value: raw deflate (no zlib header) of UTF-8.
DEFLATE = 0x01
#: Below this many bytes deflate saves too little to be worth a decode.
MIN_PACKED_BYTES = 160
LEVEL = 3
#: A packed value never inflates to more than this (a damaged or foreign
#: blob must not become a memory bomb).
MAX_TEXT_BYTES = 16 * 1024 * 1024


def pack(text: str | None) -> str | bytes | None:
    """What to store for ``text``: itself when short, else its deflated bytes."""
    if text is None:
        return None
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) < MIN_PACKED_BYTES:
        return text
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    packed = bytes([DEFLATE]) + compressor.compress(raw) + compressor.flush()
    return packed if len(packed) < len(raw) else text


def unpack(value: str | bytes | None) -> str | None:
    """The text of a stored value; a blob that does not unpack reads as ''."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, bytes | bytearray | memoryview):
        return str(value)
    data = bytes(value)
    if not data or data[0] != DEFLATE:
        return ""
    try:
        inflater = zlib.decompressobj(-15)
        raw = inflater.decompress(data[1:], MAX_TEXT_BYTES)
    except zlib.error:
        return ""
    return raw.decode("utf-8", "replace")


def unpack_prefix(value: str | bytes | None, chars: int) -> str:
    """The first ``chars`` characters of a stored value, inflating no more
    than those can take (a lede of a long article)."""
    if value is None or isinstance(value, str):
        return (value or "")[:chars]
    data = bytes(value)
    if not data or data[0] != DEFLATE:
        return ""
    try:
        raw = zlib.decompressobj(-15).decompress(data[1:], 4 * chars)  # UTF-8: at most 4 bytes a character
    except zlib.error:
        return ""
    return raw.decode("utf-8", "ignore")[:chars]


def _sql_text(value: object) -> str | None:
    # SQLite calls this from inside a statement: it must never raise.
    try:
        return unpack(value)  # type: ignore[arg-type]  # SQLite may hand any column type; unpack() reads it as str()
    except Exception:  # noqa: BLE001 - an exception would abort the query
        return ""


def captions_text(extras: object) -> str:
    """The searchable text of an article's captions and their credits, one a
    line, from its ``extras`` (the JSON text or the dict). The search index
    is given exactly this both when a row is added and when it is removed."""
    try:
        if isinstance(extras, (str, bytes)):
            extras = json.loads(extras)
        captions = extras.get("captions", []) if isinstance(extras, dict) else []
        parts = [str(part) for caption in captions if isinstance(caption, list) for part in caption[:2] if part]
    except Exception:  # noqa: BLE001 - SQLite calls this inside a statement: it must never raise
        return ""
    return "\n".join(parts)


def register(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the ``nr_text(value)`` and ``nr_captions(extras)`` SQL
    functions (the triggers use them)."""
    conn.create_function("nr_text", 1, _sql_text, deterministic=True)
    conn.create_function("nr_captions", 1, captions_text, deterministic=True)
