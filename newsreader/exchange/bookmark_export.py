"""Export bookmarks as Markdown, JSON or a browser-importable HTML file.

The HTML is the Netscape bookmark file format that Firefox, Chrome, Safari
and most bookmark managers import::

    <!DOCTYPE NETSCAPE-Bookmark-file-1>
    <META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
    <TITLE>Bookmarks</TITLE>
    <H1>Bookmarks</H1>
    <DL><p>
        <DT><A HREF="https://..." ADD_DATE="1795716000" TAGS="a,b">title</A>
        <DD>note
    </DL><p>

A bookmark without a URL (a page dump had none) is listed as text in
Markdown and JSON, and left out of the HTML: a browser cannot import a link
that goes nowhere, and a ``<DT>`` without ``<A>`` is dropped or shown as an
empty folder by the importers. Only URLs that pass :func:`check_url` become
links anywhere, and every string is escaped for its format.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable

from newsreader.core.sanitize import clean, clean_line
from newsreader.core.urls import is_safe_url
from newsreader.store import Bookmark

__all__ = ["FORMATS", "export"]

FORMATS = ("markdown", "json", "html")
_ALIASES = {"md": "markdown", "markdown": "markdown", "json": "json", "html": "html", "netscape": "html"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def markdown_text(text: str) -> str:
    """One line of untrusted text for Markdown: controls out, every special character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", clean_line(text))


def _byline(bookmark: Bookmark) -> str:
    return " · ".join(p for p in (clean_line(bookmark.source), clean_line(bookmark.published)) if p)


def _markdown(bookmarks: list[Bookmark]) -> str:
    lines = ["# Bookmarks", ""]
    for bm in bookmarks:
        title = markdown_text(bm.title) or "untitled"
        # check_url has refused spaces and controls, so <url> is one token;
        # the angle brackets keep ")" in a URL from ending the link.
        if is_safe_url(bm.url):
            link = bm.url.replace("<", "%3C").replace(">", "%3E")
            head = f"[{title}](<{link}>)"
        else:
            head = title
        byline = _byline(bm)
        lines.append(f"- {head}" + (f" — {markdown_text(byline)}" if byline else ""))
        if bm.tags:
            lines.append("  tags: " + ", ".join(markdown_text(t) for t in bm.tags))
        for note_line in clean(bm.note).splitlines():
            if note_line.strip():
                lines.append(f"  > {markdown_text(note_line)}")
    return "\n".join(lines) + "\n"


def _json(bookmarks: list[Bookmark]) -> str:
    items = []
    for bm in bookmarks:
        items.append(
            {
                "title": clean_line(bm.title),
                "url": bm.url if is_safe_url(bm.url) else None,
                "source": clean_line(bm.source) or None,
                "published": clean_line(bm.published) or None,
                "saved_at": bm.saved_at.isoformat(),
                "tags": [clean_line(t) for t in bm.tags],
                "note": clean(bm.note),
                "article_key": bm.article_key,
                "summary": clean_line(bm.summary) or None,
            }
        )
    return json.dumps({"bookmarks": items}, ensure_ascii=False, indent=2) + "\n"


def _attr(text: str) -> str:
    return html.escape(clean_line(text), quote=True)


def _netscape(bookmarks: list[Bookmark]) -> str:
    out = [
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
        "<!-- Exported by newsreader. Import it into a browser's bookmarks. -->",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
        "<TITLE>Bookmarks</TITLE>",
        "<H1>Bookmarks</H1>",
        "<DL><p>",
    ]
    for bm in bookmarks:
        if not is_safe_url(bm.url):
            continue
        attrs = f'HREF="{_attr(bm.url)}" ADD_DATE="{int(bm.saved_at.timestamp())}"'
        if bm.tags:
            attrs += f' TAGS="{_attr(",".join(t.replace(",", " ") for t in bm.tags))}"'
        out.append(f"    <DT><A {attrs}>{_attr(bm.title) or _attr(bm.url)}</A>")
        description = clean_line(bm.note) or _byline(bm)
        if description:
            out.append(f"    <DD>{html.escape(description, quote=True)}")
    out.append("</DL><p>")
    return "\n".join(out) + "\n"


def export(bookmarks: Iterable[Bookmark], format: str) -> str:
    """The bookmarks as text in ``format``: ``markdown`` (``md``), ``json`` or
    ``html`` (``netscape``). Raises ``ValueError`` for any other format."""
    kind = _ALIASES.get(format.lower().strip())
    if kind is None:
        raise ValueError(f"unknown export format {format!r} (choose markdown, json or html)")
    items = list(bookmarks)
    if kind == "markdown":
        return _markdown(items)
    if kind == "json":
        return _json(items)
    return _netscape(items)
