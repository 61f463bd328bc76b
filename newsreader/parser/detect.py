"""Guess a document's format from its first bytes."""

from __future__ import annotations

import re

_HEAD_BYTES = 4096
#: How far a DOCTYPE's internal subset is followed to find the root element
#: (an entity-bomb subset is easily longer than the usual head).
_PROLOG_BYTES = 1024 * 1024
_XML_ROOT = re.compile(rb"<\s*([A-Za-z_][\w.:-]*)")
_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 without a BOM, from the zero bytes around the first character."""
    if len(head) < 4:
        return None
    if head[:3] == b"\x00\x00\x00" and head[3]:
        return "utf-32-be"
    if head[0] and head[1:4] == b"\x00\x00\x00":
        return "utf-32-le"
    if head[0] == 0 and head[1] and head[2] == 0:
        return "utf-16-be"
    if head[0] and head[1] == 0 and head[3] == 0:
        return "utf-16-le"
    return None


def _head_as_utf8(data: bytes, size: int = _HEAD_BYTES) -> bytes:
    """The first bytes, re-encoded as UTF-8 when the document is UTF-16/32."""
    head = data[:size]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            return head if encoding == "utf-8" else head.decode(encoding, "ignore").encode("utf-8")
    wide = _wide_encoding(head)
    if wide:
        return head.decode(wide, "ignore").encode("utf-8")
    return head


def _skip_prolog(head: bytes) -> bytes:
    """``head`` after the XML declaration, comments and DOCTYPE before the root."""
    rest = head
    while True:
        m = _SKIP.match(rest)
        if not m or m.end() == 0:
            return rest.lstrip()
        rest = rest[m.end():]


def detect(data: bytes) -> str:
    """Return the format name: "rss", "atom", "rdf", "json-feed", "html",
    "opml" or "page-dump" (any other text)."""
    head = _head_as_utf8(data).lstrip()
    if head.startswith((b"{", b"[")):
        return "json-feed"
    if head.startswith(b"<"):
        rest = _skip_prolog(head)
        if rest[:9].upper() == b"<!DOCTYPE" and len(data) > _HEAD_BYTES:
            rest = _skip_prolog(_head_as_utf8(data, _PROLOG_BYTES).lstrip())
        if re.match(rb"\s*<!DOCTYPE\s+html", head, re.I):
            return "html"
        root = _XML_ROOT.match(rest.lstrip())
        if root:
            name = root.group(1).lower()
            local = name.rsplit(b":", 1)[-1]
            if local in (b"rss",):
                return "rss"
            if local == b"feed":
                return "atom"
            if local == b"rdf":
                return "rdf"
            if local == b"opml":
                return "opml"
            if local in (b"html", b"head", b"body"):
                return "html"
            if local in (b"channel", b"item"):
                return "rss"
            if local == b"entry":
                return "atom"
        # Markup we do not recognise: treat it as an HTML page, which has the
        # best chance of yielding readable text.
        if re.search(rb"<(p|div|article|body|title)\b", head, re.I):
            return "html"
    return "page-dump"
