"""``newsreader show``, ``list``, ``mark-read`` and ``mark-unread``: the cache for scripts.

``show --revisions`` prints an article's kept versions (cli/revision_output.py).

``list`` and the marks take a query in the search language (``newsreader
search``); ``list`` prints newest first, as the reader's lists do, and
leaves hidden articles out unless the query says ``is:hidden``.
"""

from __future__ import annotations

import argparse
import json
import sys

from newsreader.cli.output import error
from newsreader.core.sanitize import clean_line


def add_article_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="print one article (by id or URL)")
    p.add_argument("article", metavar="ID|URL")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true")
    form.add_argument("--markdown", action="store_true")
    p.add_argument("--revisions", action="store_true", help="its earlier versions and the current one")

    p = sub.add_parser("list", help="print headlines, newest first (optionally those a query finds)")
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50)

    for name, what in (("mark-read", "read"), ("mark-unread", "unread")):
        p = sub.add_parser(name, help=f"mark what a query finds {what}; prints how many changed")
        p.add_argument("query", nargs="+", metavar="QUERY")


def _query(text: str, command: str):
    """The parsed query, or None after one line on stderr."""
    from newsreader.search.language import QueryError, parse_query

    try:
        parsed = parse_query(text)
    except QueryError as exc:
        error(f"{command}: {clean_line(str(exc))}")
        return None
    return parsed


def _bookmarked_keys() -> list[str]:
    from newsreader.core.paths import Paths
    from newsreader.store import BookmarkStore

    return [b.article_key for b in BookmarkStore(Paths.default().bookmarks_file).load().all() if b.article_key]


def headline_json(row) -> dict:
    """The ``list --json`` record of one headline (a HeadlineRow or an ArticleRow)."""
    return {
        "id": row.id,
        "title": row.title,
        "source": row.source,
        "published": row.published,
        "url": row.url,
        "read": row.is_read,
        "flagged": row.flagged,
        "updated": row.revised,  # a feed changed it since it was last opened (show --revisions)
    }


def run_list(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.store import list_articles

    text = " ".join(args.query)
    parsed = _query(text, "list")
    if parsed is None:
        return 2
    limit = max(0, args.limit)
    cache = open_cache(rules=False)
    try:
        if parsed.is_empty():
            rows = cache.headlines(limit=limit)
        else:
            rows = list_articles(cache, parsed, bookmarked_keys=_bookmarked_keys(), limit=limit)
    finally:
        cache.close()
    if args.json:
        json.dump([headline_json(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in rows:
        mark = " " if r.is_read else "●"
        print(
            clean_line(f"{r.id:6d} {mark} {r.title[:80]} — {r.source} · {r.published_text or r.published or 'undated'}")
        )
    return 0


def _find_article(cache, ref: str) -> int | None:
    if ref.isdigit():
        return int(ref)
    return cache.article_id_for_url(ref)


def article_json(article) -> dict:
    """The ``show --json`` record of one article: its headline's, and the rest."""
    return {
        **headline_json(article),
        "author": article.author,
        "precision": article.precision,
        "summary": article.summary,
        "body": article.body,
        "captions": [{"text": t, "credit": c} for t, c in article.captions],
        "tags": article.tags,
        "enclosures": article.enclosures,
        "hidden": article.hidden,
    }


def run_show(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.exchange.article_out import article_markdown

    if args.revisions and args.markdown:
        error("show: --revisions prints text or --json, not Markdown")
        return 2
    cache = open_cache(rules=False)
    try:
        article_id = _find_article(cache, args.article.strip())
        article = cache.article(article_id) if article_id is not None else None
        if article is not None and args.revisions:
            from newsreader.cli.revision_output import print_revisions

            return print_revisions(cache, article, as_json=args.json)
    finally:
        cache.close()
    if article is None:
        error(f"show: no article {clean_line(args.article)[:200]} in the cache")
        return 1
    if args.json:
        json.dump(article_json(article), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(article_markdown(article))
    else:
        # Plain text for a terminal: no control character from a feed reaches it.
        from newsreader.core.sanitize import clean

        sys.stdout.write(clean(article_markdown(article)))
    return 0


def run_mark(args: argparse.Namespace, read: bool) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.store import matching_ids, note_seen

    command = "mark-read" if read else "mark-unread"
    parsed = _query(" ".join(args.query), command)
    if parsed is None:
        return 2
    if parsed.is_empty():
        error(f"{command}: the query asks for nothing (type a word or a filter)")
        return 2
    cache = open_cache(rules=False)
    try:
        if parsed.hidden is None:
            parsed = parsed.with_filter(hidden=False)  # as the lists: hidden ones only when asked for
        ids = matching_ids(cache, parsed, bookmarked_keys=_bookmarked_keys())
        changed = cache.set_read(ids, read)
        if read:
            note_seen(cache, ids)  # their current versions are the ones seen: no longer "updated"
    finally:
        cache.close()
    print(f"{len(changed)} marked {'read' if read else 'unread'} ({len(ids)} matched)")
    return 0


def run_article_command(args: argparse.Namespace) -> int:
    if args.command == "show":
        return run_show(args)
    if args.command == "list":
        return run_list(args)
    return run_mark(args, read=args.command == "mark-read")
