"""Article text as the cache stores it: compressed when that pays.

The body and summary are most of a cache's bytes. News prose compresses
about 2x. New values are zstd frames with parameters chosen to come out
no bigger than deflate level 3 on news prose, at well under its time to
pack and half its time to unpack (benchmarks/MEASUREMENTS.md, issue 16).

A stored value is either plain TEXT (short texts, where compressing would
save nothing, and every row written before schema 2) or a BLOB: one format
byte, then the compressed UTF-8 text. :data:`DEFLATE` values (raw deflate,
schema 2 to 6) keep reading; :data:`ZSTD` values are new from schema 7,
which an older newsreader refuses to open rather than read them as empty
text. Readers go through :func:`unpack`. SQL can use ``nr_text(column)``,
registered on every cache connection (the FTS5 update and delete triggers
need the old text), but hot paths unpack in Python instead: a function
called back from inside a statement takes the GIL once per row, and while
the event loop holds it each of those waits (the reason inserts index
their text themselves, articlerows.py).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib

import zstandard

#: The first byte of a packed value: raw deflate (no zlib header) of UTF-8.
DEFLATE = 0x01
#: The first byte of a packed value: a zstd frame of UTF-8 without its magic
#: number, checksum or dictionary id, with its content size.
ZSTD = 0x02
#: Below this many bytes compressing saves too little to be worth a decode.
MIN_PACKED_BYTES = 160
#: A packed value never unpacks to more than this (a damaged or foreign
#: blob must not become a memory bomb).
MAX_TEXT_BYTES = 16 * 1024 * 1024
#: The largest window a zstd value may ask for: ours use 64 KiB.
MAX_WINDOW_BYTES = 1 << 20

_FRAME = zstandard.FORMAT_ZSTD1_MAGICLESS
# Greedy matching over a 64 KiB window, looking 8 deep for a match of 4
# bytes or more: on news prose as small as deflate level 3 (levels 1-4 are
# 1-2.5 % bigger, level 5 as big and slower), in about 0.6x its time.
_PARAMETERS = zstandard.ZstdCompressionParameters(
    format=_FRAME,
    write_content_size=True,
    write_checksum=False,
    write_dict_id=False,
    window_log=16,
    hash_log=14,
    chain_log=14,
    search_log=3,
    min_match=4,
    target_length=32,
    strategy=zstandard.STRATEGY_GREEDY,
)


class _Codecs(threading.local):
    """A zstd compressor and decompressor per thread (neither may be shared
    by two threads at once), made on first use."""

    def __init__(self) -> None:
        self.packer = zstandard.ZstdCompressor(compression_params=_PARAMETERS)
        self.unpacker = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW_BYTES, format=_FRAME)


_CODECS = _Codecs()
_ZSTD_MARK = bytes([ZSTD])


def pack(text: str | None) -> str | bytes | None:
    """What to store for ``text``: itself when short, else its compressed bytes."""
    if text is None:
        return None
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) < MIN_PACKED_BYTES:
        return text
    packed = _ZSTD_MARK + _CODECS.packer.compress(raw)
    return packed if len(packed) < len(raw) else text


def _unpacked_bytes(data: bytes, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the UTF-8 a packed value holds, or None
    for a blob that is not one."""
    if not data:
        return None
    try:
        if data[0] == DEFLATE:
            return zlib.decompressobj(-15).decompress(data[1:], limit)
        if data[0] == ZSTD:
            frame = memoryview(data)[1:]
            size = zstandard.get_frame_parameters(frame, format=_FRAME).content_size
            if 0 <= size <= limit:  # ours: the frame says how big it is, and the output is held to that
                return _CODECS.unpacker.decompress(frame)
            return _CODECS.unpacker.stream_reader(frame).read(limit)
    except (zlib.error, zstandard.ZstdError):
        return None
    return None


def unpack(value: str | bytes | None) -> str | None:
    """The text of a stored value; a blob that does not unpack reads as ''."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, bytes | bytearray | memoryview):
        return str(value)
    raw = _unpacked_bytes(bytes(value), MAX_TEXT_BYTES)
    return "" if raw is None else raw.decode("utf-8", "replace")


def unpack_prefix(value: str | bytes | None, chars: int) -> str:
    """The first ``chars`` characters of a stored value, unpacking no more
    than those can take (a lede of a long article)."""
    if value is None or isinstance(value, str):
        return (value or "")[:chars]
    raw = _unpacked_bytes(bytes(value), 4 * chars)  # UTF-8: at most 4 bytes a character
    return "" if raw is None else raw.decode("utf-8", "ignore")[:chars]


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
