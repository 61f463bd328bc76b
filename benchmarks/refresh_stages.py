#!/usr/bin/env python3
"""Where a refresh's CPU goes, per new article and stage, in one process.

A refresh does, for every new article: parse the feed (XML, and the HTML of
each item turned into text), compute the story-clustering features and the
stored row fields (text deflated) in a parse worker, then store it on the
writer thread (insert, full-text index, story assignment). This benchmark
runs exactly those functions, one stage at a time over a whole generated
corpus, with no network and no worker processes, and prints the CPU time of
each stage per article.

The corpus comes from the peer harness (``../shared/bench/gen_feeds.py``,
the same feeds ``refresh_vs_newsboat.py`` serves); the run skips with a
message when it is absent.

    python benchmarks/refresh_stages.py                 # 200 feeds x 50 items
    python benchmarks/refresh_stages.py --feeds 1000    # the large corpus
    python benchmarks/refresh_stages.py --base ../wt-base --rounds 3
    python benchmarks/refresh_stages.py --store-parts   # and where the store stage goes

``--base DIR`` runs the same stages, on the same corpus, with the code of
another checkout (``git worktree add --detach ../wt-base COMMIT``) beside
this one's, alternating ``--rounds`` times, and prints both tables (each
stage's lowest figure over the rounds) and the ratios: on a shared machine
only figures from one run compare.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# ``--code DIR``: the stages of that checkout's code (a child of ``--base``).
CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv[:-1] else REPO
sys.path.insert(0, str(CODE))

from newsreader.core.models import ParsedDocument
from newsreader.feeds.refresh import parse_feed_body
from newsreader.parser import htmltext
from newsreader.store import Cache, text_fields
from newsreader.stories.signature import prepare_article

DEFAULT_BENCH = REPO.parent / "shared" / "bench"


def make_corpus(bench: Path, out: Path, feeds: int, items: int) -> list[Path]:
    subprocess.run(
        [sys.executable, str(bench / "gen_feeds.py"), "--out", str(out), "-n", str(feeds), "-m", str(items)],
        check=True,
        capture_output=True,
    )
    return sorted(out.glob("f*.xml"))


class StageClock:
    """CPU seconds spent inside a function, however it is reached."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - started

        return timed


#: ``--store-parts``: the store stage's parts, each a function timed wherever
#: it is called from: (label, module, function name).
STORE_PARTS = (
    ("rows: insert, ids, FTS", "newsreader.store.articlerows", "import_feed_articles"),
    ("  FTS and tags insert", "newsreader.store.articlerows", "index_text"),
    ("stories: sign, match, place", "newsreader.store.story_rows", "assign_stories"),
    ("  sign (weigh, insert, post)", "newsreader.store.storyindex", "sign"),
    ("  candidates (postings, compare)", "newsreader.store.storyindex", "matches"),
    ("  signatures and postings written", "newsreader.store.storyindex", "write_signatures"),
    ("  frequencies written", "newsreader.store.storyindex", "TermCounts.store"),
    # The rest of the stage: what is read before signing, and the stories written.
    ("  articles read, text hashed", "newsreader.store.story_rows", "_to_sign"),
    ("  frequencies read", "newsreader.store.storyindex", "TermCounts.load"),
    ("  candidates' stories read", "newsreader.store.story_rows", "memberships"),
    ("  stories written", "newsreader.store.story_rows", "_place"),
)


def time_store_parts() -> dict[str, StageClock]:
    """Wrap each :data:`STORE_PARTS` function in every module that holds it."""
    import importlib

    clocks: dict[str, StageClock] = {}
    for label, module_name, name in STORE_PARTS:
        holder: object = importlib.import_module(module_name)
        *owner, name = name.split(".")  # a method: Class.name
        for attr in owner:
            holder = getattr(holder, attr, None)
        original = getattr(holder, name, None)
        if original is None:
            continue  # not in that checkout's code
        clock = clocks[label] = StageClock()
        timed = clock.wrap(original)
        if owner:
            setattr(holder, name, timed)
        for module in list(sys.modules.values()):
            if module is not None and getattr(module, name, None) is original:
                setattr(module, name, timed)
    return clocks


def cpu(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = fn()
    return time.process_time() - started, result


STAGES = (
    ("parse", "parse (XML + items)"),
    ("html", "  HTML to text"),
    ("features", "clustering features"),
    ("fields", "row fields (text, deflate)"),
    ("store", "store (insert, index, stories)"),
)


def measure(bodies: list[tuple[str, bytes]], tmp: Path, store_parts: bool = False) -> dict[str, float]:
    """CPU seconds of each stage over the corpus, and the article count."""
    # 1. Parse, with the HTML-to-text walk inside it timed on its own.
    html_clock = StageClock()
    original = htmltext.html_to_text
    timed = html_clock.wrap(original)
    htmltext.html_to_text = timed
    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "html_to_text", None) is original:
            module.html_to_text = timed  # type: ignore[attr-defined]
    from newsreader.parser import parse

    docs: list[ParsedDocument] = []
    parse_seconds = 0.0
    for url, body in bodies:
        seconds, doc = cpu(lambda b=body, u=url: parse(b, url=u))
        parse_seconds += seconds
        docs.append(doc)  # type: ignore[arg-type]
    # Compared with the wrapper kept aside: every module that took it gets
    # the original back (the end-to-end run below must not add to the clock).
    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "html_to_text", None) is timed:
            module.html_to_text = original  # type: ignore[attr-defined]
    html_seconds = html_clock.seconds
    articles = sum(len(d.articles) for d in docs)

    # 2. What the parse worker adds: clustering features, then row fields.
    features_seconds = fields_seconds = 0.0
    for doc in docs:
        for art in doc.articles:
            seconds, features = cpu(lambda a=art: prepare_article(a))
            features_seconds += seconds
            art.cluster_features = features
            seconds, stored = cpu(lambda a=art: text_fields(a))
            fields_seconds += seconds
            art.stored_fields = stored
            art.body, art.summary = "", None

    # 3. The writer: insert, index and assign stories, one feed a call, as
    # the refresh's writer stores it: in a savepoint of a transaction, the
    # stories after it when this checkout's refresh does so.
    parts = time_store_parts() if store_parts else {}
    cache = Cache(tmp / "cache.sqlite3")
    store_seconds = 0.0
    for (url, _body), doc in zip(bodies, docs):
        with cache.write() as conn:
            seconds, _ = cpu(lambda d=doc, u=url: store_feed(cache, conn, d, u))
        store_seconds += seconds
    cache.close()

    # The whole worker path once more, end to end, as the refresh runs it.
    end_to_end, _ = cpu(lambda: [parse_feed_body(body, url) for url, body in bodies])
    return {
        "articles": articles,
        "parse": parse_seconds - html_seconds,
        "html": html_seconds,
        "features": features_seconds,
        "fields": fields_seconds,
        "store": store_seconds,
        "worker": end_to_end,
        **{label: clock.seconds for label, clock in parts.items()},
    }


def store_feed(cache: Cache, conn: Any, doc: ParsedDocument, url: str) -> None:
    """One feed as ``feeds/refresh.py`` stores it, in that checkout's way."""
    import newsreader.store as store

    deferred = getattr(store, "DeferredStories", None)
    if deferred is None:  # stories placed inside the feed's own savepoint
        cache.import_document(doc, feed_url=url)
        return
    stories = deferred()
    cache.import_document(doc, feed_url=url, stories=stories)  # its own savepoint
    stories.assign(conn)


def read_corpus(corpus: Path) -> list[tuple[str, bytes]]:
    return [(f"http://127.0.0.1/{path.name}", path.read_bytes()) for path in sorted(corpus.glob("f*.xml"))]


def print_table(title: str, runs: dict[str, dict[str, float]]) -> None:
    """One column per checkout (µs per article), then new / old."""
    names = list(runs)
    first = runs[names[0]]
    per = 1e6 / max(1, first["articles"])
    print(title)
    print(f"{'stage':<34}" + "".join(f"{name:>12}" for name in names) + ("      ratio" if len(names) == 2 else ""))
    rows = [*STAGES, ("total", "total"), ("worker", "parse worker end to end")]
    # Within the store stage (a part one checkout's code does not have: "-").
    rows += [(label, "  " + label) for label, *_ in STORE_PARTS if any(label in run for run in runs.values())]
    for run in runs.values():
        run["total"] = sum(run[key] for key, _ in STAGES)
    for key, label in rows:
        cells = "".join(f"{run[key] * per:>12.1f}" if key in run else f"{'-':>12}" for run in runs.values())
        both = len(names) == 2 and all(run.get(key) for run in runs.values())
        ratio = f"{runs[names[1]][key] / runs[names[0]][key]:>11.2f}" if both else ""
        print(f"{label:<34}{cells}{ratio}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--base", type=Path, help="another checkout whose stages run beside this one's")
    ap.add_argument("--rounds", type=int, default=1, help="with --base: alternate runs, lowest figure kept")
    ap.add_argument("--store-parts", action="store_true", help="also time the parts of the store stage")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # read at import time
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)  # a child's ready corpus
    args = ap.parse_args()
    if args.corpus is not None:  # a child of --base: one measurement, as JSON
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(measure(read_corpus(args.corpus), Path(tmp), args.store_parts)))
        return 0
    if not (args.bench_dir / "gen_feeds.py").exists():
        print(f"skipped: the peer harness is not at {args.bench_dir}")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus(args.bench_dir, corpus, args.feeds, args.items)
        heading = f"refresh stages: {args.feeds} feeds x {args.items} items, CPU µs per article"
        if args.base is None:
            run = measure(read_corpus(corpus), Path(tmp), args.store_parts)
            print_table(f"{heading} ({int(run['articles'])} articles)", {"this": run})
            return 0
        runs: dict[str, dict[str, float]] = {}
        for _round in range(max(1, args.rounds)):
            for name, code in (("base", args.base.resolve()), ("this", REPO)):
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--code",
                        str(code),
                        "--corpus",
                        str(corpus),
                        *(["--store-parts"] if args.store_parts else []),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                run = json.loads(out.strip().splitlines()[-1])
                kept = runs.setdefault(name, run)
                for key, value in run.items():
                    kept[key] = min(kept[key], value)
        print_table(f"{heading} ({int(runs['this']['articles'])} articles), lowest of {args.rounds}", runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
