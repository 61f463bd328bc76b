"""A link inside an item's HTML, as the text shows it: ``label (address)``.

The walk (:mod:`newsreader.parser.htmltext`) and the short way for plain
paragraphs (:mod:`newsreader.parser.html_paragraphs`) follow one rule: only
an absolute http(s) address is shown, and only when the label does not
already show it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

__all__ = ["MAX_LINK_CHARS", "link_target", "same_address"]

#: Longest address shown after a link's text.
MAX_LINK_CHARS = 2048

_WHITESPACE = re.compile(r"\s")


def same_address(text: str, url: str) -> bool:
    """True when a link's text already shows its address (maybe shortened)."""

    def bare(value: str) -> str:
        value = value.strip().lower()
        if "://" in value:
            value = value.split("://", 1)[1]
        if value.startswith("www."):
            value = value[4:]
        return value.rstrip("/")

    t, u = bare(text), bare(url)
    if not t:
        return True
    if t == u:
        return True
    for ellipsis in ("…", "..."):
        if t.endswith(ellipsis) and len(t) > len(ellipsis) + 4:
            return u.startswith(t[: -len(ellipsis)])
    return False


def link_target(href: str | None, base_url: str | None) -> str | None:
    """The absolute http(s) address of a link, or None when it is not one."""
    if not href:
        return None
    # The usual link: an absolute address without whitespace (printable
    # text has none but the space), which every step below keeps as it is.
    if (
        href.startswith(("https://", "http://"))
        and len(href) <= MAX_LINK_CHARS
        and " " not in href
        and href.isprintable()
    ):
        return href
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if base_url and not href.lower().startswith(("http://", "https://")):
        try:
            href = urljoin(base_url, href)
        except ValueError:
            return None
    if not href.lower().startswith(("http://", "https://")) or len(href) > MAX_LINK_CHARS:
        return None
    # Printable text has no whitespace but the space (see one_line).
    if (" " in href or not href.isprintable()) and _WHITESPACE.search(href):
        return None
    return href
