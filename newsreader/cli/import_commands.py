"""``newsreader import``, ``parse`` and ``search``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsreader.cli.output import error
from newsreader.core.models import ParsedDocument, iso_published
from newsreader.core.sanitize import clean_line
from newsreader.exchange.files import ImportReport, describe_error, expand_paths, parse_as_of, parse_file
from newsreader.store import is_busy


def document_json(doc: ParsedDocument) -> dict:
    """The ``parse --json`` contract: field names other tools rely on."""
    return {
        "format": doc.format,
        "main": doc.main,
        "articles": [
            {
                "title": a.title,
                "source": a.source,
                "url": a.url,
                "published": iso_published(a.published),
                "published_text": a.published_text,
                "precision": a.precision if a.published is not None else "unknown",
                "summary": a.summary,
                "body": a.body,
                "captions": [{"text": c.text, "credit": c.credit} for c in a.captions],
                "related": list(a.related),
                "tags": list(a.tags),
            }
            for a in doc.articles
        ],
        "warnings": list(doc.warnings),
    }


def run_parse(path: str, *, as_of: str | None, as_json: bool) -> int:
    try:
        reference = parse_as_of(as_of)
        doc = parse_file(Path(path), reference)
    except (ValueError, OSError) as exc:
        error(f"{clean_line(path)}: {describe_error(exc)}")
        return 1
    if as_json:
        json.dump(document_json(doc), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"format: {doc.format}")
    for index, art in enumerate(doc.articles):
        mark = "*" if index == doc.main else " "
        when = art.published_text or iso_published(art.published) or "undated"
        print(f"{mark}{index:3d} {art.title[:70]} — {art.source or 'unknown source'} · {when}")
    for warning in doc.warnings:
        print(f"warning: {warning}")
    if doc.subscriptions:
        print(f"{len(doc.subscriptions)} subscriptions")
    return 0


def run_import(paths: list[str], *, as_of: str | None) -> int:
    from newsreader.cli.session import open_cache

    try:
        reference = parse_as_of(as_of)
    except ValueError as exc:
        error(str(exc))
        return 2
    files, missing = expand_paths(paths)
    report = ImportReport()
    for raw, reason in missing:
        report.failures.append((raw, reason))
        error(f"{clean_line(raw)}: {reason}")
    cache = open_cache()
    try:
        for path in files:
            try:
                doc = parse_file(path, reference)
                if doc.format == "opml":
                    from newsreader.feeds.subscribe import subscribe_all

                    added, problems = subscribe_all(doc)
                    report.subscriptions += added
                    for problem in problems:
                        error(f"{clean_line(str(path))}: {problem}")
                    continue
                report.stats.add(cache.import_document(doc))
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the import
                if is_busy(exc):
                    # Not this file's fault, and every next file would wait
                    # the same busy timeout: stop, in one line.
                    report.failures.append((str(path), "cache busy"))
                    error(
                        f"newsreader: the cache is busy (another newsreader is writing); stopped at {clean_line(str(path))}"
                    )
                    break
                reason = describe_error(exc)
                report.failures.append((str(path), reason))
                error(f"{clean_line(str(path))}: {reason}")
        if report.stats.new:
            from newsreader.store import remove_sample

            dropped = remove_sample(cache)
            if dropped:
                print(f"the bundled sample ({dropped} stories) made way for your own news")
    finally:
        cache.close()
    print(report.summary())
    return 0 if not report.failures else 1


def run_search(query: str, *, as_json: bool, limit: int) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.search.language import QueryError, parse_query

    try:
        if parse_query(query).is_empty():
            error("search: the query asks for nothing (type a word or a filter)")
            return 2
    except QueryError as exc:
        error(f"search: {clean_line(str(exc))}")
        return 2
    from newsreader.core.paths import Paths
    from newsreader.store import BookmarkStore

    keys = [b.article_key for b in BookmarkStore(Paths.default().bookmarks_file).load().all() if b.article_key]
    cache = open_cache(rules=False)
    try:
        rows = cache.search(query, limit=limit, bookmarked_keys=keys)
    finally:
        cache.close()
    if as_json:
        json.dump(
            [{"id": r.id, "title": r.title, "source": r.source, "published": r.published} for r in rows],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("no matches")
        return 0
    for r in rows:
        print(f"{r.id:6d}  {r.title[:80]} — {r.source} · {r.published_text or r.published or 'undated'}")
    return 0
