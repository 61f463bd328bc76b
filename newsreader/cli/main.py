"""The command line: start the reader, or work on the cache headless.

Every subcommand is usable from scripts: failures are one line each on
stderr, summaries on stdout, and the exit code says whether anything failed.
Heavy modules (Textual, lxml, httpx) are imported only by the commands that
need them, so ``newsreader parse`` starts quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsreader import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="A terminal news reader. With no command, starts the reader.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", help="import files, directories or globs into the cache")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--as-of", metavar="TIMESTAMP", help="reference time for relative ages (default: each file's modification time)"
    )

    p = sub.add_parser("parse", help="parse a document without touching the cache")
    p.add_argument("path", metavar="PATH")
    p.add_argument(
        "--as-of", metavar="TIMESTAMP", help="reference time for relative ages (default: the file's modification time)"
    )
    p.add_argument("--json", action="store_true", help="print the parse as JSON")

    p = sub.add_parser("search", help="full-text search over the cache")
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=20)

    p = sub.add_parser("bookmarks", help="work with bookmarks")
    bsub = p.add_subparsers(dest="bookmarks_command", metavar="ACTION", required=True)
    e = bsub.add_parser("export", help="write the bookmarks out")
    e.add_argument("--format", choices=["markdown", "html", "json"], default="markdown")
    e.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    bsub.add_parser("list", help="list the bookmarks")

    from newsreader.cli.feed_commands import add_feed_commands

    add_feed_commands(sub)
    from newsreader.cli.fulltext_commands import add_fulltext_command

    add_fulltext_command(sub)
    from newsreader.cli.story_commands import add_stories_command

    add_stories_command(sub)
    from newsreader.cli.briefing_commands import add_briefing_command

    add_briefing_command(sub)
    from newsreader.cli.article_commands import add_article_commands

    add_article_commands(sub)
    from newsreader.cli.rules_commands import add_rules_command

    add_rules_command(sub)
    from newsreader.cli.sync_commands import add_sync_command

    add_sync_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command
    try:
        if command is None:
            from newsreader.cli.reader import run_app

            return run_app()
        if command == "import":
            from newsreader.cli.import_commands import run_import

            return run_import(args.paths, as_of=args.as_of)
        if command == "parse":
            from newsreader.cli.import_commands import run_parse

            return run_parse(args.path, as_of=args.as_of, as_json=args.json)
        if command == "search":
            from newsreader.cli.import_commands import run_search

            return run_search(" ".join(args.query), as_json=args.json, limit=args.limit)
        if command == "bookmarks":
            from newsreader.cli.bookmark_commands import run_bookmarks

            return run_bookmarks(args)
        if command == "stories":
            from newsreader.cli.story_commands import run_stories

            return run_stories(args)
        if command == "briefing":
            from newsreader.cli.briefing_commands import run_briefing

            return run_briefing(args)
        if command in ("show", "list", "mark-read", "mark-unread"):
            from newsreader.cli.article_commands import run_article_command

            return run_article_command(args)
        if command == "rules":
            from newsreader.cli.rules_commands import run_rules

            return run_rules(args)
        if command == "sync":
            from newsreader.cli.sync_commands import run_sync

            return run_sync(args)
        if command == "fetch-full":
            from newsreader.cli.fulltext_commands import run_fulltext

            return run_fulltext(args)
        from newsreader.cli.feed_commands import run_feed_command

        return run_feed_command(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        from newsreader.store import CacheUnavailable

        if isinstance(exc, CacheUnavailable):
            from newsreader.cli.output import error

            error(f"newsreader: {exc}")
            return 1
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
