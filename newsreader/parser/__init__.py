"""Turn the bytes of a news document into :class:`~newsreader.core.models.ParsedDocument`.

One entry point, :func:`parse`. The format is found from the content (never
the file name) by :mod:`newsreader.parser.detect`; each format lives in its own
module with the same ``parse(data, *, as_of, url) -> ParsedDocument``
signature. Nothing here imports Textual or touches the cache.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from newsreader.core.models import ParsedDocument, ParseError
from newsreader.parser.detect import detect

__all__ = ["FORMAT_MODULES", "MAX_DOCUMENT_BYTES", "ParseError", "detect", "parse"]

#: Larger documents are refused before any parsing starts.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024

#: Detected format -> module (imported on first use, so starting the app does
#: not pay for lxml).
FORMAT_MODULES: dict[str, str] = {
    "page-dump": "newsreader.parser.dump",
    "rss": "newsreader.parser.feed",
    "atom": "newsreader.parser.feed",
    "rdf": "newsreader.parser.feed",
    "json-feed": "newsreader.parser.jsonfeed",
    "html": "newsreader.parser.html",
    "opml": "newsreader.parser.opml",
}


def parse(
    data: bytes,
    *,
    as_of: datetime | None = None,
    url: str | None = None,
    format: str | None = None,
) -> ParsedDocument:
    """Parse one document.

    ``as_of`` is the reference time for relative ages ("a day ago"); ``url``
    is where the document came from, used to resolve relative links. Any
    failure, whatever the library raised, becomes :class:`ParseError` with a
    one-line reason.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(f"document too large ({len(data)} bytes, limit {MAX_DOCUMENT_BYTES})")
    fmt = format or detect(data)
    module_name = FORMAT_MODULES.get(fmt)
    if module_name is None:
        raise ParseError(f"unsupported format: {fmt}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # a format not built yet
        raise ParseError(f"no parser for {fmt} yet ({exc.name})") from None
    try:
        doc = module.parse(data, as_of=as_of, url=url)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"{fmt}: document nested too deeply") from None
    except MemoryError:
        raise ParseError(f"{fmt}: document too large to parse") from None
    except Exception as exc:  # noqa: BLE001 - a parser bug must not end an import
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ParseError(f"{fmt}: {reason}") from None
    if not doc.articles and not doc.subscriptions:
        raise ParseError(f"{fmt}: no readable text")
    return doc
