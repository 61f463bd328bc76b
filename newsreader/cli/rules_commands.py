"""``newsreader rules apply [--dry-run]`` and ``newsreader rules test QUERY``.

``apply`` runs the ``[[rule]]`` tables of ``config.toml`` over the whole cache
(a refresh or an import applies them to new articles by itself) and says
how many articles each rule matched and changed; ``test`` lists what a rule
with that ``match`` would find.
"""

from __future__ import annotations

import argparse

from newsreader.cli.output import error
from newsreader.core.sanitize import clean_line


def add_rules_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="apply or try the [[rule]] tables of config.toml")
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    a = rsub.add_parser("apply", help="apply every rule to the whole cache")
    a.add_argument("--dry-run", action="store_true", help="count what each rule would touch; change nothing")
    t = rsub.add_parser("test", help="list what a rule matching QUERY would match")
    t.add_argument("query", nargs="+", metavar="QUERY")
    t.add_argument("--limit", type=int, default=50)


def run_rules(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.config.settings import load_config
    from newsreader.core.paths import Paths

    paths = Paths.default()
    if args.rules_command == "test":
        return _test(args)
    config = load_config(paths)
    if config.error:
        error(config.error)
        return 1
    problems = [w for w in config.warnings if ": rule" in w]
    for warning in problems:
        error(warning)
    if not config.rules:
        print("no rules to apply ([[rule]] tables in config.toml)")
        return 1 if problems else 0
    from newsreader.store import apply_rules

    cache = open_cache(paths, rules=False)
    try:
        outcomes = apply_rules(cache, config.rules, dry_run=args.dry_run)
    finally:
        cache.close()
    for outcome in outcomes:
        rule = outcome.rule
        what = ", ".join(rule.actions())
        if args.dry_run:
            print(clean_line(f"{rule.label}: would touch {outcome.matched} articles ({what})"))
        else:
            print(clean_line(f"{rule.label}: {outcome.matched} matched, {outcome.changed} changed ({what})"))
    return 1 if problems else 0


def _test(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.search.language import QueryError, parse_query
    from newsreader.store import matching_ids

    text = " ".join(args.query)
    try:
        query = parse_query(text)
    except QueryError as exc:
        error(f"rules test: {clean_line(str(exc))}")
        return 2
    if query.is_empty():
        error("rules test: the query asks for nothing (type a word or a filter)")
        return 2
    cache = open_cache(rules=False)
    try:
        ids = matching_ids(cache, query)
        rows = cache.headlines_by_ids(sorted(ids, reverse=True)[: max(0, args.limit)])
    finally:
        cache.close()
    for r in rows:
        print(clean_line(f"{r.id:6d}  {r.title[:80]} — {r.source} · {r.published_text or r.published or 'undated'}"))
    print(f"{len(ids)} articles match")
    return 0
