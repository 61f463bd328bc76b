"""How well newsreader.parser.html finds the article in real web pages.

Runs the HTML parser over the 181 pages of the public article-extraction
benchmark in ``../shared/corpus/html_articles`` and scores the bodies against
its ground truth with the benchmark's own metric, beside the published scores.

The metric (re-implemented here from the benchmark's definition and checked
with ``--check-metric``, which re-scores the other extractors' stored
outputs): text is split into ``\\w+`` tokens (case kept), tokens are joined
into overlapping 4-token shingles, and per page TP/FP/FN count shingles as a
multiset, then are normalised to sum to 1 so that long pages weigh no more
than short ones. Precision and recall are means over pages; F1 is computed
from the two means. "±" is the standard deviation over 1000 bootstrap
resamples of the pages. A page our parser refuses (ParseError) scores as an
empty extraction.

Usage::

    python benchmarks/html_extraction.py [--check-metric] [--worst N] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus" / "html_articles"

_TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < n:  # a short text is one shingle of what it has
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(true: str, pred: str) -> Counts:
    """Normalised (tp, fp, fn) over shingles for one page."""
    want, got = shingles(true), shingles(pred)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision_recall(tp: float, fp: float, fn: float) -> tuple[float, float]:
    if fp == fn == 0:
        return 1.0, 1.0
    precision = 0.0 if tp == fp == 0 else tp / (tp + fp)
    recall = 0.0 if tp == fn == 0 else tp / (tp + fn)
    return precision, recall


def aggregate(rows: list[Counts]) -> tuple[float, float, float]:
    """(F1, precision, recall): means over pages, F1 of the means."""
    precision = statistics.mean(precision_recall(*r)[0] for r in rows if r[0] + r[1] > 0)
    recall = statistics.mean(precision_recall(*r)[1] for r in rows if r[0] + r[2] > 0)
    return 2 * precision * recall / (precision + recall), precision, recall


def score(truth: dict, predicted: dict[str, str], n_bootstrap: int = 1000):
    rows = [page_counts(truth[k].get("articleBody", ""), predicted.get(k) or "") for k in truth]
    point = aggregate(rows)
    rng = random.Random(12345)
    samples = [aggregate([rows[rng.randrange(len(rows))] for _ in rows]) for _ in range(n_bootstrap)]
    spread = tuple(statistics.stdev(s[i] for s in samples) for i in range(3))
    return point, spread, rows


def published_scores() -> dict[str, str]:
    """name -> 'F1 precision recall' columns as printed in the benchmark README."""
    text = (CORPUS / "published_scores_from_README.txt").read_text(encoding="utf-8")
    block = text.split("Results of the initial evaluation")[0]
    found = {}
    for line in block.splitlines():
        m = re.match(r"\s+(\S+)\s+(\S+)\s+([\d.]+ ± [\d.]+)\s+([\d.]+ ± [\d.]+)\s+([\d.]+ ± [\d.]+)", line)
        if m and m.group(1) not in found:
            found[m.group(1)] = (m.group(2), m.group(3), m.group(4), m.group(5))
    return found


def fmt(point, spread) -> str:
    return "  ".join(f"{p:.3f} ± {s:.3f}" for p, s in zip(point, spread))


def check_metric(truth: dict) -> None:
    """Re-score the stored outputs of other extractors: must match the README."""
    published = published_scores()
    print("metric check (ours vs published F1 / precision / recall):")
    for path in sorted((CORPUS / "extractor_outputs").glob("*.json")):
        stored = json.loads(path.read_text(encoding="utf-8"))
        outputs = stored.get("output", stored) if "version" in stored else stored
        predicted = {k: (v or {}).get("articleBody") or "" for k, v in outputs.items()}
        point, spread, _ = score(truth, predicted)
        ref = published.get(path.stem)
        print(
            f"  {path.stem:<16} ours {fmt(point, spread)}   published "
            f"{'  '.join(ref[1:]) if ref else '(not in latest table)'}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check-metric", action="store_true", help="re-score stored outputs first")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    ap.add_argument("--out", type=Path, help="write our extracted bodies to this JSON file")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (quick look)")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}")
        return 1
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    if args.check_metric:
        check_metric(truth)
    if args.limit:
        truth = dict(list(truth.items())[: args.limit])

    from newsreader.core.models import ParseError
    from newsreader.parser import html

    t0 = time.perf_counter()
    import trafilatura  # noqa: F401  - timed apart from the pages

    import_seconds = time.perf_counter() - t0
    predicted: dict[str, str] = {}
    seconds: list[float] = []
    refused: list[str] = []
    for key, item in truth.items():
        data = gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes())
        start = time.perf_counter()
        try:
            doc = html.parse(data, as_of=None, url=item.get("url"))
            predicted[key] = doc.articles[0].body
        except ParseError as exc:
            predicted[key] = ""
            refused.append(f"{key[:10]} {exc}")
        seconds.append(time.perf_counter() - start)

    point, spread, rows = score(truth, predicted)
    print(f"\npages: {len(truth)}   refused (ParseError): {len(refused)}")
    for line in refused:
        print(f"  refused {line}")
    print(f"\n{'extractor':<22}{'version':<10}{'F1':<16}{'precision':<16}{'recall':<16}")
    print(f"{'newsreader (ours)':<22}{'':<10}{fmt(point, spread)}")
    published = published_scores()
    for name in (
        "rs_trafilatura",
        "go_trafilatura",
        "trafilatura",
        "newspaper4k",
        "readability_js",
        "go_readability",
        "readability",
        "readability-lxml",
        "goose3",
        "justext",
    ):
        if name in published:
            version, *cols = published[name]
            print(f"{name:<22}{version:<10}{'  '.join(cols)}   (published)")
    seconds.sort()
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    print(
        f"\ntime per page: median {statistics.median(seconds) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {seconds[-1] * 1000:.1f} ms, "
        f"mean {statistics.mean(seconds) * 1000:.1f} ms "
        f"(plus {import_seconds * 1000:.0f} ms to import trafilatura once)"
    )
    if args.worst:
        print(f"\nworst {args.worst} pages by F1:")
        per_page = []
        for (key, item), counts in zip(truth.items(), rows):
            p, r = precision_recall(*counts)
            per_page.append((2 * p * r / (p + r) if p + r else 0.0, p, r, key, item.get("url", "")))
        for f1, p, r, key, url in sorted(per_page)[: args.worst]:
            print(f"  F1 {f1:.3f}  P {p:.3f}  R {r:.3f}  {key[:10]}  {url[:80]}")
    if args.out:
        args.out.write_text(
            json.dumps({k: {"articleBody": v} for k, v in predicted.items()}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
