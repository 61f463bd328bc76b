"""The images of an HTML fragment (a feed item's content), for the link list.

The text the reader shows leaves images out (newsreader.parser.htmltext);
their addresses are kept here so the link list can offer them. A scan of
the ``src`` attributes is enough: the fragment was parsed for its text
already, and an address is only offered, never fetched by itself.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from newsreader.core.urls import MAX_URL_LENGTH, check_url

__all__ = ["MAX_IMAGES", "image_urls"]

#: Images kept per article, at most.
MAX_IMAGES = 20
# An absolute address that urljoin gives back unchanged (no query, fragment
# or parameters it could rewrite) and check_url accepts (short enough, no
# space or control character): most images; the join and check are skipped.
_PLAIN_ADDRESS = re.compile(r"https?://[A-Za-z0-9][A-Za-z0-9.-]{0,252}(?:/[A-Za-z0-9/._~%!$&'()*+,=:@-]*)?\Z")
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def image_urls(markup: str, base_url: str | None = None) -> list[str]:
    """The ``<img src>`` addresses in ``markup``, resolved against ``base_url``:
    web addresses only (no ``data:``), each once, at most :data:`MAX_IMAGES`."""
    if not markup or ("<img" not in markup.lower() and "\u0130" not in markup and "\u0131" not in markup):
        # No tag to find. The pattern's case-blind i also matches the dotted
        # and dotless I (U+0130, U+0131), which lower() does not make an "i".
        return []
    found: list[str] = []
    for match in _IMG_SRC.finditer(markup):
        src = (match.group(1) or match.group(2) or match.group(3) or "").strip()
        src = src.replace("&amp;", "&")
        plain = len(src) <= MAX_URL_LENGTH and _PLAIN_ADDRESS.match(src) is not None
        if base_url and not plain:
            try:
                src = urljoin(base_url, src)
            except ValueError:
                continue
        if src in found or not (plain or (src.lower().startswith(("http://", "https://")) and not check_url(src))):
            continue
        found.append(src)
        if len(found) >= MAX_IMAGES:
            break
    return found
