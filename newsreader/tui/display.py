"""Rich ``Text`` for everything the app draws from the cache.

Every string that came from a document goes through :func:`safe` (control
characters, ESC, C1 and bidi overrides removed) and into ``Text`` objects,
which Textual never parses as markup: a headline ``[@click=app.quit]`` is
drawn as those characters and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text

from newsreader.core.sanitize import clean, clean_line
from newsreader.core.timefmt import humanize
from newsreader.store import ArticleRow, HeadlineRow, RelatedRow, SourceRow

FLAG_MARK = "⚑"
UNREAD_MARK = "●"
BOOKMARK_MARK = "★"


def safe(text: str | None) -> str:
    """One-line, control-free text from outside."""
    return clean_line(text)


def plain(text: str) -> Text:
    """Untrusted text as a ``Text`` (never markup)."""
    return Text(safe(text))


def when_text(published: str | None, precision: str, published_text: str | None, now: datetime) -> str:
    shown = humanize(published, precision, now)
    if not shown:
        return safe(published_text) if published_text else "undated"
    return shown


def source_label(row: SourceRow) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(safe(row.name))
    text.append(f" ({row.unread})" if row.unread else "", style="bold")
    if row.kind == "sample":
        text.append("  sample", style="dim italic")
    if row.gone:
        text.append("  gone", style="red")
    elif row.last_error:
        text.append("  ! " + safe(row.last_error)[:60], style="red")
    return text


def special_label(name: str, count: int | None) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(name, style="bold")
    if count:
        text.append(f" ({count})", style="bold")
    return text


def headline_label(
    row: HeadlineRow,
    now: datetime,
    *,
    bookmarked: bool,
    show_source: bool = True,
    story=None,
    member: bool = False,
    when: str | None = None,
) -> Text:
    """Two lines or more: the whole title (it wraps to the pane's width,
    a word longer than a line folds), then source, time and story badge
    (``when``: the time as :func:`when_text` gives it, when already known)."""
    text = Text(overflow="fold")
    if member:
        text.append("  ↳ ", style="dim")
    text.append(UNREAD_MARK + " " if not row.is_read else "  ", style="bold")
    if bookmarked:
        text.append(BOOKMARK_MARK + " ", style="bold yellow")
    if row.flagged:  # a rule flagged it
        text.append(FLAG_MARK + " ", style="bold red")
    text.append(safe(row.title), style=("bold " if not row.is_read else "") + ("red" if row.flagged else ""))
    meta = when if when is not None else when_text(row.published, row.precision, row.published_text, now)
    if story is not None and story.members:
        # A story that came with its versions (the Briefing) names its outlets, the first to report first.
        meta = ", ".join(dict.fromkeys(safe(m.source) for m in story.members)) + " · " + meta
    elif show_source:
        meta = safe(row.source) + " · " + meta
    if row.summary_only:
        meta += " · summary"
    text.append("\n    " + ("  " if member else ""), style="dim")
    if story is not None and story.source_count > 1:
        new = story.new_sources if story.followed else 0
        badge = f"+{story.source_count - 1} sources" + (f", {new} new" if new else "")
        text.append(f"[{badge}] ", style="bold reverse" if new else "bold")
    if row.revised:  # a feed changed it since it was last opened (D shows how); first, so a narrow pane shows it
        text.append("updated", style="bold italic")
        text.append(" · ", style="dim")
    text.append(meta, style="dim")
    return text


def heading_label(title: str) -> Text:
    """A group heading in the related sidebar."""
    return Text(f"── {title} ──", style="bold dim", no_wrap=True, overflow="ellipsis")


def related_label(number: int | None, row: RelatedRow, now: datetime, *, current: bool = False) -> Text:
    """The whole title, wrapped to the sidebar's width, then source and time."""
    text = Text(overflow="fold")
    text.append(f"{number} " if number is not None and number <= 9 else "  ", style="bold")
    text.append(safe(row.title), style="bold" if current else "")
    meta = f"{safe(row.source)} · {when_text(row.published, row.precision, row.published_text, now)}"
    if row.summary_only:
        meta += " · summary"
    text.append("\n  " + meta, style="dim")
    # The group heading says "same story" or "on the page"; a similar story
    # says what it shares.
    if row.reason == "similar":
        text.append("\n  similar: " + safe(row.detail or ""), style="italic dim")
    return text


def article_text(
    article: ArticleRow,
    now: datetime,
    *,
    bookmarked: bool,
    highlight: Iterable[str] = (),
) -> Text:
    """The article as the reader sees it: title, meta, captions, body, link."""
    out = Text()
    out.append(safe(article.title) + "\n", style="bold")
    meta = [safe(article.source), when_text(article.published, article.precision, article.published_text, now)]
    if article.published_text and article.precision != "exact":
        meta[-1] += f" (“{safe(article.published_text)}”)"
    if article.author:
        meta.append("by " + safe(article.author))
    out.append(" · ".join(meta), style="dim")
    if bookmarked:
        out.append("  " + BOOKMARK_MARK + " bookmarked", style="bold yellow")
    if not article.is_read:
        out.append("  " + UNREAD_MARK + " unread", style="dim")
    out.append("\n")
    if article.revised:
        out.append("Updated: the feed changed this article (D shows what changed).\n", style="bold italic")
    if article.tags:
        out.append("tags: " + ", ".join(safe(t) for t in article.tags) + "\n", style="dim")
    out.append("\n")
    full_text_error = article.full_text_error
    full_text_host = article.full_text_host
    if article.summary_only and full_text_error:
        out.append(
            "Summary only — the full text could not be fetched: "
            + safe(full_text_error)
            + (" (press f to try again)" if article.url else "")
            + ".\n\n",
            style="italic",
        )
    elif article.summary_only:
        out.append(
            "Summary only — this story came with just a summary"
            + (" (press f for the full text)" if article.url else "")
            + ".\n\n",
            style="italic",
        )
    elif full_text_host:
        out.append(
            f"Full text fetched from {safe(full_text_host)} — the feed had only a summary.\n\n", style="italic dim"
        )
    for caption, credit in article.captions:
        out.append("▣ " + safe(caption), style="italic")
        if credit:
            out.append(" — " + safe(credit), style="dim italic")
        out.append("\n\n")
    body = clean(article.body).strip()
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    out.append("\n\n".join(paragraphs))
    if article.url:
        out.append("\n\nLink: ", style="dim")
        out.append(safe(article.url), style="underline")
    for enclosure in article.enclosures:
        url = safe(str(enclosure.get("url", "")))
        if url:
            out.append(
                "\nAttachment: " + url + (f" ({safe(str(enclosure.get('type')))})" if enclosure.get("type") else ""),
                style="dim",
            )
    out.append("\n")
    words = [w for w in highlight if w.strip()]
    if words:
        out.highlight_words(words, style="reverse", case_sensitive=False)
    return out
