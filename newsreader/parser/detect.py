"""Guess a document's format from its first bytes."""

from __future__ import annotations

import re

from newsreader.parser.unicode_sniff import bom_encoding, wide_encoding

_HEAD_BYTES = 4096
#: How far a DOCTYPE's internal subset is followed to find the root element
#: (an entity-bomb subset is easily longer than the usual head).
_PROLOG_BYTES = 1024 * 1024
_XML_ROOT = re.compile(rb"<\s*([A-Za-z_][\w.:-]*)")
_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)


def _head_as_utf8(data: bytes, size: int = _HEAD_BYTES) -> bytes:
    """The first bytes, re-encoded as UTF-8 when the document is UTF-16/32."""
    head = data[:size]
    bom = bom_encoding(head)
    if bom is not None:
        encoding, length = bom
        head = head[length:]
        return head if encoding == "utf-8" else head.decode(encoding, "ignore").encode("utf-8")
    wide = wide_encoding(head)
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
        rest = rest[m.end() :]


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
