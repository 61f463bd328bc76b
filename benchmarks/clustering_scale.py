"""Story clustering's cost at scale, on generated articles.

``run_scale(N)`` generates N articles from 1,200 outlets over 60 days (~5 %
in stories told by 2-8 outlets), imports them in time order as feed
refreshes of ~10 items, and prints the time spent in ``assign_stories`` per
article (overall and while the cache held its last 10 %), the import rate,
story lookups at full size (p50/p95) and the disk the story tables take.
Each article's features are computed before its import, as a refresh's
parse workers do (``features_in_writer``: by ``assign_stories`` itself, as
for a page or file import).

Run it with ``python benchmarks/clustering_eval.py --scale N``.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.clustering_labelled_set import NOW, score
from newsreader.core.models import Article, ParsedDocument
from newsreader.core.textnorm import STOPWORDS
from newsreader.store import ingest as cache_module
from newsreader.store.cache import Cache
from newsreader.stories import signature

_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "co",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "ga",
    "go",
    "ha",
    "he",
    "hi",
    "ka",
    "ke",
    "ko",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "wa",
    "we",
    "ya",
    "yo",
    "za",
    "ze",
]
_OUTLET_KINDS = [
    "Gazette",
    "Herald",
    "Ledger",
    "Post",
    "Courier",
    "Times",
    "Tribune",
    "Wire",
    "News",
    "Chronicle",
    "Observer",
    "Journal",
    "Star",
    "Standard",
    "Mail",
]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def generate(n: int, seed: int = 7) -> list[tuple[int, str, Article, int | None]]:
    """(time, outlet, article, event id or None), in time order."""
    rng = random.Random(seed)
    vocab = list(dict.fromkeys(_word(rng, rng.choice((2, 3, 3, 4))) for _ in range(40000)))
    # The head of a language's Zipf curve is its function words: make it so,
    # or every article shares a dozen "content" words with every other.
    vocab[:150] = sorted(STOPWORDS)[:150]
    cum: list[float] = []
    acc = 0.0
    for rank in range(len(vocab)):
        acc += 1.0 / (rank + 1)  # Zipf: the n-th commonest word is n times rarer
        cum.append(acc)
    # Names recur like words do: a few are everywhere, most are rare.
    names = [_word(rng, 3).title() + " " + _word(rng, 2).title() for _ in range(6000)]
    name_cum: list[float] = []
    acc = 0.0
    for rank in range(len(names)):
        acc += 1.0 / (rank + 1)
        name_cum.append(acc)
    outlets = list(dict.fromkeys(f"{_word(rng, 3).title()} {rng.choice(_OUTLET_KINDS)}" for _ in range(1300)))[:1200]
    start = NOW - 60 * 86400
    out: list[tuple[int, str, Article, int | None]] = []

    def text(words: int, extra: list[str]) -> list[str]:
        body = rng.choices(vocab, cum_weights=cum, k=words)
        for term in extra:
            body.insert(rng.randrange(len(body) + 1), term)
        return body

    def sentence(words: list[str]) -> str:
        text = " ".join(words)
        return text[:1].upper() + text[1:]  # names keep their capitals

    def article(t: int, outlet: str, title_words: list[str], lede_words: list[str]) -> Article:
        title = sentence(title_words)
        sentences = [sentence(lede_words[i : i + 14]) + "." for i in range(0, len(lede_words), 14)]
        body = " ".join(sentences) + "\n" + " ".join(text(80, [])) + "."
        return Article(
            title=title,
            body=body,
            source=outlet,
            url=f"https://{outlet.split()[0].lower()}.example/{len(out)}",
            published=datetime.fromtimestamp(t, UTC),
            precision="minute",
        )

    in_stories = int(n * 0.05)
    event = 0
    while sum(1 for x in out if x[3] is not None) < in_stories:
        t0 = start + rng.randrange(60 * 86400)
        rare = rng.sample(vocab[5000:], 4)
        who = rng.choices(names, cum_weights=name_cum, k=2)
        figure = f"{rng.randrange(2, 999)}.{rng.randrange(10, 99)}"
        for outlet in rng.sample(outlets, rng.randint(2, 8)):
            t = t0 + rng.randrange(-86400, 86400)
            title = text(5, [rare[0], rare[1], who[0]])
            lede = text(40, [*rare, who[0], who[1], figure, rare[rng.randrange(4)]])
            out.append((t, outlet, article(t, outlet, title, lede), event))
        event += 1
    while len(out) < n:
        t = start + rng.randrange(60 * 86400)
        outlet = rng.choice(outlets)
        extra = rng.choices(names, cum_weights=name_cum, k=1) if rng.random() < 0.5 else []
        out.append((t, outlet, article(t, outlet, text(8, extra), text(45, extra + [rng.choice(vocab[3000:])])), None))
    out.sort(key=lambda x: x[0])
    return out[:n]


def run_scale(n: int, keep: Path | None, features_in_writer: bool = False) -> None:
    from newsreader.store import story_rows as stories

    t0 = time.perf_counter()
    generated = generate(n)
    print(
        f"generated {len(generated)} articles in {time.perf_counter() - t0:.1f} s "
        f"({sum(1 for g in generated if g[3] is not None)} in {len({g[3] for g in generated if g[3] is not None})} events)"
    )
    if features_in_writer:
        print("features computed by assign_stories (as for a page or a file import)")
    else:
        # What a refresh's parse workers do (refresh.parse_feed_body), so
        # assign_stories below costs what it costs a refresh's writer.
        c = time.process_time()
        for _t, _outlet, art, _event in generated:
            art.cluster_features = signature.prepare_article(art)
        print(
            f"features computed beforehand, as a refresh's parse workers do: "
            f"{(time.process_time() - c) / len(generated) * 1000:.3f} ms CPU per article (not in the figures below)"
        )
    workdir = keep or Path(tempfile.mkdtemp(prefix="nr-cluster-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in workdir.glob("bench.sqlite3*"):
        stale.unlink()
    cache = Cache(workdir / "bench.sqlite3", workdir / "bench-state.sqlite3")
    assign_times: list[tuple[int, float, int]] = []  # (articles before, seconds, batch size)
    assign_cpu = 0.0
    real_assign = cache_module.assign_stories

    def timed_assign(conn, ids, **kw):
        nonlocal assign_cpu
        t, c = time.perf_counter(), time.process_time()
        result = real_assign(conn, ids, **kw)
        assign_times.append((done, time.perf_counter() - t, len(ids)))
        assign_cpu += time.process_time() - c
        return result

    cache_module.assign_stories = timed_assign  # type: ignore[assignment]  # a timing wrapper
    pending: dict[str, list[Article]] = {}
    done = 0
    t_import, cpu_import = time.perf_counter(), time.process_time()
    try:
        for _t, outlet, art, _event in generated:
            batch = pending.setdefault(outlet, [])
            batch.append(art)
            if len(batch) >= 10:
                cache.import_document(
                    ParsedDocument(format="rss", articles=batch), feed_url=f"https://{outlet}/feed", now=NOW
                )
                done += len(batch)
                del pending[outlet]
                if done % 20000 < 10:
                    print(f"  {done} imported, {time.perf_counter() - t_import:.0f} s")
        for outlet, batch in pending.items():
            cache.import_document(
                ParsedDocument(format="rss", articles=batch), feed_url=f"https://{outlet}/feed", now=NOW
            )
            done += len(batch)
    finally:
        cache_module.assign_stories = real_assign
    total = time.perf_counter() - t_import
    cpu_total = time.process_time() - cpu_import
    assign_total = sum(t for _, t, _ in assign_times)
    late = [(t, k) for before, t, k in assign_times if before >= 0.9 * n]
    per_batch = sorted(t / k * 1000 for t, k in late if k)
    print(
        f"\nimport of {done} articles: {total:.1f} s ({done / total:.0f} articles/s), "
        f"of which assign_stories {assign_total:.1f} s"
    )
    print(
        f"assign_stories per article: mean {assign_total / done * 1000:.3f} ms overall; "
        f"with the cache at 90-100 %: mean {sum(t for t, _ in late) / max(1, sum(k for _, k in late)) * 1000:.3f} ms, "
        f"per-batch p50 {per_batch[len(per_batch) // 2]:.3f} ms p95 {per_batch[int(len(per_batch) * 0.95)]:.3f} ms"
    )
    print(f"import without clustering: {(total - assign_total) / done * 1000:.3f} ms per article")
    print(
        f"CPU time (the machine may be shared): assign_stories {assign_cpu / done * 1000:.3f} ms per article, "
        f"the rest of the import {(cpu_total - assign_cpu) / done * 1000:.3f} ms"
    )

    conn = cache.connection()
    rng = random.Random(3)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    in_story = [r[0] for r in conn.execute("SELECT article_id FROM story_articles")]

    def timeit(fn, repeat: int) -> tuple[float, float]:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return times[len(times) // 2], times[int(len(times) * 0.95)]

    print("\nlookups at full size (ms, p50 / p95):")
    p = timeit(lambda: stories.story_of_article(conn, rng.choice(in_story)), 500)
    print(f"  story_of_article (member)        {p[0]:.3f} / {p[1]:.3f}")
    p = timeit(lambda: stories.story_of_article(conn, rng.choice(ids)), 500)
    print(f"  story_of_article (any article)   {p[0]:.3f} / {p[1]:.3f}")
    p = timeit(lambda: stories.stories_for_articles(conn, rng.sample(ids, 100)), 200)
    print(f"  stories_for_articles (100 ids)   {p[0]:.3f} / {p[1]:.3f}")
    p = timeit(lambda: stories.list_stories(conn, since_ts=NOW - 2 * 86400), 20)
    print(f"  list_stories (last 2 days)       {p[0]:.3f} / {p[1]:.3f}")

    truth = {}
    for (_t, _outlet, _art, event), article_id in zip(generated, _ids_in_order(conn, generated)):
        truth[article_id] = ("gen", f"e{event}" if event is not None else "", "")
    s = score(cache, truth)
    # Generated text sprinkles the same invented names over unrelated
    # articles; nearly every false pair here is two of those (on 30,000
    # articles: 208 of 212), which real headlines rarely are.
    print("\nsynthetic events (a sanity check, not the quality figure):")
    print("  " + s.line("generated"))

    size = (workdir / "bench.sqlite3").stat().st_size
    print(f"\ncache file {size / 1e6:.1f} MB ({size / done:.0f} bytes per article)")
    try:
        rows = conn.execute(
            """SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'stor%' OR name LIKE 'sqlite_autoindex_stor%'
               GROUP BY name ORDER BY 2 DESC"""
        ).fetchall()
        story_bytes = sum(r[1] for r in rows)
        print(
            f"story tables {story_bytes / 1e6:.1f} MB ({story_bytes / done:.0f} bytes per article): "
            + ", ".join(f"{r[0]} {r[1] / 1e6:.1f}" for r in rows)
        )
    except sqlite3.Error as exc:  # dbstat is a compile-time option
        print(f"(no dbstat: {exc})")
    cache.close()


def _ids_in_order(conn, generated) -> list[int]:
    """Article ids of the generated articles (by their unique URLs)."""
    from newsreader.core.urls import normalize_url

    by_url = dict(conn.execute("SELECT norm_url, id FROM articles"))
    return [by_url[normalize_url(g[2].url)] for g in generated]
