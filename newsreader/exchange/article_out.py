"""One article out of the reader: its links, an opener for a link, Markdown,
a pipe to a command and a saved file.

Everything takes an :class:`~newsreader.store.ArticleRow` (``Cache.article``)
and the checked config, and reports problems as one line (:class:`OutError`
or a :class:`~newsreader.core.commands.CommandResult`) that the reader shows
in its status line; nothing here touches the screen.

Links come from the stored text: the parser writes a link as ``text (url)``
in the body (newsreader.parser.htmltext), so every format that had links
keeps them, in reading order, with no second copy in the cache.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsreader.config.settings import Opener
from newsreader.core.commands import CommandResult, fill, run_command
from newsreader.core.sanitize import clean, clean_line
from newsreader.store import ArticleRow

__all__ = [
    "Link",
    "OutError",
    "article_links",
    "article_markdown",
    "choose_opener",
    "default_save_dir",
    "open_with",
    "pipe_article",
    "safe_file_name",
    "save_article",
]

#: How long ``pipe_command`` may run when it is not a pager on the terminal.
PIPE_TIMEOUT = 60.0
#: A file name's stem, at most (in UTF-8 bytes: most file systems allow 255).
MAX_NAME_BYTES = 120
#: Tries at ``name-2.md``, ``name-3.md``... before giving up.
MAX_SUFFIX = 999

_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+(?:\([^\s()]*\)[^\s<>\"'()\[\]{}]*)*")
_TRAILING = ".,;:!?…"
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]+')


class OutError(Exception):
    """A save that cannot be done; ``str(err)`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Link:
    """One entry of an article's link list, numbered from 1 as shown."""

    number: int
    url: str
    kind: str  # article | link | image | enclosure
    text: str = ""
    media_type: str | None = None
    length: int | None = None

    def label(self) -> str:
        """The line a link list shows: ``3 link  the report  https://…``."""
        extra = ""
        if self.kind == "enclosure":
            size = f", {self.length:,} bytes" if self.length else ""
            extra = f" ({self.media_type or 'file'}{size})"
        text = f"{self.text}  " if self.text else ""
        return clean_line(f"{self.number} {self.kind}{extra}  {text}{self.url}")


def _links_in(text: str) -> list[tuple[str, str]]:
    """(url, the words before it) for each address in ``text``."""
    found: list[tuple[str, str]] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        before = text[max(0, match.start() - 80) : match.start()].rstrip(" (")
        words = re.split(r"[.!?;:\n]\s", before)[-1].split()[-8:]
        found.append((url, " ".join(words) if text[match.start() - 1 : match.start()] == "(" else ""))
    return found


def article_links(article: ArticleRow) -> list[Link]:
    """The article's own address, the links of its body, summary and
    captions, its images, and its enclosures (with type and length): each
    once, numbered."""
    seen: set[str] = set()
    links: list[Link] = []

    def add(url: str, kind: str, text: str = "", media_type: str | None = None, length: int | None = None) -> None:
        if url and url not in seen:
            seen.add(url)
            links.append(Link(len(links) + 1, url, kind, clean_line(text)[:80], media_type, length))

    if article.url:
        add(article.url, "article", article.title)
    texts = [article.body, article.summary or "", *(f"{text} {credit or ''}" for text, credit in article.captions)]
    for text in texts:
        for url, words in _links_in(text):
            add(url, "link", words)
    for image in article.images:
        add(image, "image")
    for enclosure in article.enclosures:
        if isinstance(enclosure, dict) and isinstance(enclosure.get("url"), str):
            length = enclosure.get("length")
            add(
                enclosure["url"],
                "enclosure",
                media_type=enclosure.get("type") if isinstance(enclosure.get("type"), str) else None,
                length=length if isinstance(length, int) else None,
            )
    return links


def choose_opener(openers: Sequence[Opener], link: Link | str) -> Opener | None:
    """The first ``[[opener]]`` for the link (its URL, or an enclosure's
    type); None: open it in the browser."""
    url = link if isinstance(link, str) else link.url
    media_type = None if isinstance(link, str) else link.media_type
    for opener in openers:
        if opener.matches(url, media_type):
            return opener
    return None


def open_with(opener: Opener, url: str, title: str = "") -> CommandResult:
    """Start the opener's command on ``url`` (``{file}`` is the URL too: the
    program fetches it) and leave it running."""
    return run_command(fill(opener.command, {"url": url, "title": title, "file": url}), wait=False)


def article_markdown(article: ArticleRow) -> str:
    """The article as Markdown: title, source and date, link, body, captions."""
    lines = [f"# {clean_line(article.title)}", ""]
    meta = [clean_line(article.source)]
    if article.published:
        meta.append(article.published)
    if article.author:
        meta.append(f"by {clean_line(article.author)}")
    lines.append(" · ".join(meta))
    if article.url:
        lines += ["", f"<{clean_line(article.url)}>"]
    body = clean(article.body or article.summary or "").strip()
    if body:
        lines += ["", body]
    if article.captions:
        lines += ["", "---", ""]
        lines += [
            f"*{clean_line(text)}*" + (f" — {clean_line(credit)}" if credit else "")
            for text, credit in article.captions
        ]
    return "\n".join(lines) + "\n"


def pipe_article(
    command: Sequence[str], article: ArticleRow, *, timeout: float = PIPE_TIMEOUT, terminal: bool = False
) -> CommandResult:
    """Run ``[ui] pipe_command`` with the article's Markdown on its standard
    input; ``terminal`` when the reader has handed it the screen (a pager)."""
    argv = fill(command, {"url": article.url or "", "title": article.title, "file": ""})
    return run_command(argv, stdin=article_markdown(article).encode("utf-8"), timeout=timeout, terminal=terminal)


def default_save_dir() -> Path:
    """The user's downloads folder (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_downloads_dir())


def safe_file_name(title: str) -> str:
    """A file name stem from a title: no path separators, control or
    reserved characters, no leading dots (no ``..``, no hidden file), not
    too long for any file system; ``article`` when nothing is left."""
    text = unicodedata.normalize("NFC", clean_line(title))
    text = _UNSAFE_NAME.sub(" ", text)
    text = " ".join(text.split()).strip(" .")
    encoded = text.encode("utf-8")[:MAX_NAME_BYTES]
    text = encoded.decode("utf-8", "ignore").strip(" .")
    return text or "article"


def save_article(article: ArticleRow, folder: Path | None = None) -> Path:
    """Save the article as Markdown in ``folder`` (``[ui] save_dir``, else the
    downloads folder), never over an existing file: ``title.md``,
    ``title-2.md``, ... Raises :class:`OutError` with one line."""
    folder = folder if folder is not None else default_save_dir()
    shown = clean_line(str(folder))
    if not folder.is_dir():
        raise OutError(f"save_dir {shown}: no such folder")
    data = article_markdown(article).encode("utf-8")
    stem = safe_file_name(article.title)
    for number in range(1, MAX_SUFFIX + 1):
        path = folder / (f"{stem}.md" if number == 1 else f"{stem}-{number}.md")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutError(f"save_dir {shown}: {clean_line(exc.strerror or str(exc))}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise OutError(f"save_dir {shown}: {clean_line(exc.strerror or str(exc))}") from None
        return path
    raise OutError(f"save_dir {shown}: {stem}.md and {MAX_SUFFIX - 1} numbered copies exist already")
