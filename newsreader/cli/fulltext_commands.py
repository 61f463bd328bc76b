"""``newsreader fetch-full``: the full text of summary-only articles.

Fetches each article's own page (politely: see :mod:`newsreader.feeds.fulltext`)
and stores the story in place of the feed's summary. A progress bar on
stderr when it is a terminal, one line on stderr per article that kept its
summary, a summary line on stdout; exit code 1 when any page failed.
"""

from __future__ import annotations

import argparse
import time

from newsreader.cli.output import error
from newsreader.cli.progress import Progress
from newsreader.core.sanitize import clean_line


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_fulltext_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fetch-full",
        help="fetch the full text of summary-only articles from their pages",
        description="Fetch the linked page of each summary-only article and keep its text in place of "
        "the summary. Articles whose page failed before are skipped unless --retry is given.",
    )
    p.add_argument("--source", metavar="NAME_OR_URL", help="only this source (its name, or its feed's address)")
    p.add_argument("--limit", type=_positive, metavar="N", help="at most N articles, newest first")
    p.add_argument("--retry", action="store_true", help="also try articles whose page failed before")


def run_fulltext(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.config.settings import load_config
    from newsreader.core.paths import Paths
    from newsreader.core.textnorm import normalize_name
    from newsreader.feeds.fulltext import FullTextFetcher, summary_line
    from newsreader.store import candidates, find_sources

    config = load_config(Paths.default())
    if config.error:
        error(config.error)
    cache = open_cache()
    try:
        source_ids = None
        if args.source:
            matches = find_sources(cache, args.source)
            if not matches:
                error(f"no source named {args.source} (newsreader feeds lists them)")
                return 1
            if len({normalize_name(name) for _id, name in matches}) > 1:
                names = ", ".join(clean_line(name) for _id, name in matches)
                error(f"{args.source} matches several sources: {names}")
                return 1
            source_ids = [source_id for source_id, _name in matches]
        items = candidates(cache, source_ids=source_ids, include_tried=args.retry, limit=args.limit)
        if not items:
            print(
                "no summary-only articles to fetch"
                + (" (add --retry to try failed ones again)" if not args.retry else "")
            )
            return 0
        progress = Progress(len(items), "fetching full text")
        started = time.perf_counter()
        try:
            outcomes = FullTextFetcher(cache, config.fetch).run_sync(items, on_progress=progress.update)
        finally:
            progress.close()
    finally:
        cache.close()
    for outcome in outcomes:
        if not outcome.ok:
            error(f"{outcome.title}: {outcome.message()}")
    print(summary_line(outcomes, time.perf_counter() - started))
    return 1 if any(o.status == "failed" for o in outcomes) else 0
