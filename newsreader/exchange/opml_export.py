"""Write subscriptions as OPML 2.0, the format every feed reader imports.

Tags become folders: a feed goes under a folder named after its first tag,
and its other tags go in the ``category`` attribute (comma-separated, as
OPML 2.0 defines it), so :func:`newsreader.parser.opml.parse` gives back the
same tags in the same order. A comma inside a later tag cannot survive the
``category`` list and is written as a space. Feeds whose URL fails
:func:`check_url` are not written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from newsreader.core.models import Subscription
from newsreader.core.sanitize import clean_line
from newsreader.core.urls import check_url

__all__ = ["to_opml"]

# Characters XML 1.0 cannot hold at all; clean_line already removed C0/C1.
_NOT_XML = re.compile("[\ufffe\uffff]")


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", clean_line(value))


def to_opml(
    subscriptions: Iterable[Subscription],
    title: str = "newsreader subscriptions",
    *,
    created: datetime | None = None,
) -> bytes:
    """The subscriptions as an OPML 2.0 document (UTF-8 bytes).

    ``created`` adds ``<dateCreated>``; without it the output depends only
    on the subscriptions, which keeps exports diffable.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _text(title) or "subscriptions"
    if created is not None:
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        etree.SubElement(head, "dateCreated").text = format_datetime(created.astimezone(UTC))
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for sub in subscriptions:
        url = sub.url.strip()
        if check_url(url):
            continue
        tags = [t for t in dict.fromkeys(_text(t) for t in sub.tags) if t]
        parent = body
        if tags:
            folder = folders.get(tags[0])
            if folder is None:
                folder = folders[tags[0]] = etree.SubElement(body, "outline", text=tags[0], title=tags[0])
            parent = folder
        name = _text(sub.title)
        outline = etree.SubElement(parent, "outline", type="rss", text=name or url)
        if name:
            outline.set("title", name)
        outline.set("xmlUrl", url)
        if sub.html_url and check_url(sub.html_url.strip()) is None:
            outline.set("htmlUrl", sub.html_url.strip())
        rest = [t.replace(",", " ").strip() for t in tags[1:]]
        rest = [t for t in rest if t]
        if rest:
            outline.set("category", ",".join(rest))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
