"""Guess a document's format from its first bytes."""

from __future__ import annotations

import re

_HEAD_BYTES = 4096
_XML_ROOT = re.compile(rb"<\s*([A-Za-z_][\w.:-]*)")
_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)


def _strip_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            return head[len(bom):]
    return head


def _utf16_to_utf8(head: bytes) -> bytes:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore").encode("utf-8")
        except Exception:  # noqa: BLE001
            return head
    return head


def detect(data: bytes) -> str:
    """Return the format name: "rss", "atom", "rdf", "json-feed", "html",
    "opml" or "page-dump" (any other text)."""
    head = _strip_bom(_utf16_to_utf8(data[:_HEAD_BYTES])).lstrip()
    if head.startswith((b"{", b"[")):
        return "json-feed"
    if head.startswith(b"<"):
        rest = head
        while True:
            m = _SKIP.match(rest)
            if not m or m.end() == 0:
                break
            rest = rest[m.end():]
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
