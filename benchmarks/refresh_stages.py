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
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

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


def cpu(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = fn()
    return time.process_time() - started, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH)
    args = ap.parse_args()
    if not (args.bench_dir / "gen_feeds.py").exists():
        print(f"skipped: the peer harness is not at {args.bench_dir}")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        files = make_corpus(args.bench_dir, Path(tmp) / "corpus", args.feeds, args.items)
        bodies = [(f"http://127.0.0.1/{path.name}", path.read_bytes()) for path in files]

        # 1. Parse, with the HTML-to-text walk inside it timed on its own.
        html_clock = StageClock()
        original = htmltext.html_to_text
        htmltext.html_to_text = html_clock.wrap(original)
        for module in list(sys.modules.values()):
            if module is not None and getattr(module, "html_to_text", None) is original:
                module.html_to_text = htmltext.html_to_text  # type: ignore[attr-defined]
        from newsreader.parser import parse

        docs: list[ParsedDocument] = []
        parse_seconds = 0.0
        for url, body in bodies:
            seconds, doc = cpu(lambda b=body, u=url: parse(b, url=u))
            parse_seconds += seconds
            docs.append(doc)  # type: ignore[arg-type]
        for module in list(sys.modules.values()):
            if module is not None and getattr(module, "html_to_text", None) is htmltext.html_to_text:
                module.html_to_text = original  # type: ignore[attr-defined]
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

        # 3. The writer: insert, index and assign stories, one feed a call.
        cache = Cache(Path(tmp) / "cache.sqlite3")
        store_seconds = 0.0
        for (url, _body), doc in zip(bodies, docs):
            with cache.write():
                seconds, _ = cpu(lambda d=doc, u=url: cache.import_document(d, feed_url=u))
            store_seconds += seconds
        cache.close()

        # The whole worker path once more, end to end, as the refresh runs it.
        end_to_end, _ = cpu(lambda: [parse_feed_body(body, url) for url, body in bodies])

    per = 1e6 / max(1, articles)
    rows = [
        ("parse (XML + items)", parse_seconds - html_clock.seconds),
        ("  HTML to text", html_clock.seconds),
        ("clustering features", features_seconds),
        ("row fields (text, deflate)", fields_seconds),
        ("store (insert, index, stories)", store_seconds),
    ]
    total = sum(seconds for _name, seconds in rows)
    print(f"refresh stages: {args.feeds} feeds x {args.items} items = {articles} articles, CPU µs per article")
    print(f"{'stage':<34}{'µs/article':>12}{'share':>8}")
    for name, seconds in rows:
        print(f"{name:<34}{seconds * per:>12.1f}{seconds / total:>8.0%}")
    print(f"{'total':<34}{total * per:>12.1f}")
    print(f"parse worker end to end (parse + features + fields): {end_to_end * per:.1f} µs/article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
