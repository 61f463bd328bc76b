"""How well newsreader.parser.html finds the article in web pages it has not learned.

Scores our extraction beside plain ``trafilatura.extract()`` and
readability-lxml, in the same run, on each of these sets:

* ``tune``: the half of the 181 pages of the public article-extraction
  benchmark (``../shared/corpus/html_articles``) whose file name hashes even
  (sha256 of the key, lowest bit): the half that thresholds may be tuned on;
* ``report``: the other half, only looked at to report;
* ``tune, cut after paragraph N`` and ``report, cut after paragraph N``
  (``--cut N``): the same halves with each article cut after its N-th
  paragraph, the shape of a short article in a long page's chrome;
* ``extra``: another public extraction set with ground truth, given with
  ``--extra DIR`` and kept outside the repository (``DIR/ground-truth.json``
  mapping a key to ``{"articleBody": ..., "url": ...}`` and the pages as
  ``DIR/html/KEY.html`` or ``KEY.html.gz``); skipped when absent.

The metric is the benchmark's own (re-implemented here and checked with
``--check-metric``, which re-scores the other extractors' stored outputs):
text is split into ``\\w+`` tokens (case kept), joined into overlapping
4-token shingles, and per page TP/FP/FN count shingles as a multiset,
normalised to sum to 1 so long pages weigh no more than short ones.
Precision and recall are means over pages; F1 is computed from the two
means. A page refused (ParseError, or no output) scores as empty.

For each set and extractor it prints F1, precision, recall, the pages
refused, the pages whose output has more than three times the words of the
ground truth, and the time per page; then which of our methods produced
each page's text, and every page we refuse where a library finds 100 words
or more.

Usage::

    python benchmarks/html_extraction.py [--extra DIR] [--cut N ...] [--check-metric] [--worst N] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
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
    precisions = [precision_recall(*r)[0] for r in rows if r[0] + r[1] > 0] or [0.0]
    recalls = [precision_recall(*r)[1] for r in rows if r[0] + r[2] > 0] or [0.0]
    precision, recall = statistics.mean(precisions), statistics.mean(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def page_f1(counts: Counts) -> float:
    p, r = precision_recall(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def words(text: str) -> int:
    return len(_TOKEN.findall(text or ""))


# --- the sets ------------------------------------------------------------------------


def half_of(key: str) -> str:
    """'tune' or 'report': a stable split by a hash of the page's file name."""
    return "tune" if hashlib.sha256(key.encode()).digest()[-1] % 2 == 0 else "report"


def load_set(directory: Path) -> dict[str, dict]:
    """key -> {"truth", "url", "html"} for a set laid out like the public benchmark."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for key, item in truth.items():
        plain, packed = directory / "html" / f"{key}.html", directory / "html" / f"{key}.html.gz"
        if packed.exists():
            data = gzip.decompress(packed.read_bytes())
        elif plain.exists():
            data = plain.read_bytes()
        else:
            continue
        pages[key] = {"truth": item.get("articleBody") or "", "url": item.get("url"), "html": data}
    return pages


def _text(el) -> str:
    return "".join(str(t) for t in el.itertext())


def cut_after(pages: dict[str, dict], n: int) -> dict[str, dict]:
    """The pages with their article cut after its n-th paragraph: short
    articles in a page's full chrome (made in memory, never saved).

    A paragraph of the article is a ``<p>`` of 12+ words found in the ground
    truth; everything after the n-th one inside the element that holds the
    article's paragraphs goes, and the truth is cut at the same place. Pages
    with fewer than n + 2 such paragraphs are left out.
    """
    import lxml.html

    cut = {}
    for key, page in pages.items():
        truth_key = " ".join(_TOKEN.findall(page["truth"].lower()))
        root = lxml.html.fromstring(page["html"])
        paragraphs = [
            p
            for p in root.iter("p")
            if len(_TOKEN.findall(_text(p))) >= 12 and " ".join(_TOKEN.findall(_text(p).lower())) in truth_key
        ]
        if len(paragraphs) < n + 2:
            continue
        last = paragraphs[n - 1]
        around = set(paragraphs[0].iterancestors())
        holder = next(a for a in last.iterancestors() if a in around)
        doomed, passed = [], False
        for el in holder.iter():
            if el is last:
                passed = True
            elif passed and not any(a is last or a in doomed for a in el.iterancestors()):
                doomed.append(el)
        for el in doomed:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)  # its tail too: text after the cut goes with it
        last_tokens = _TOKEN.findall(_text(last))
        spans = list(_TOKEN.finditer(page["truth"]))
        tokens = [m.group() for m in spans]
        ends = [
            spans[i + len(last_tokens) - 1].end()
            for i in range(len(tokens) - len(last_tokens) + 1)
            if tokens[i : i + len(last_tokens)] == last_tokens
        ]
        if ends:
            cut[key] = {"truth": page["truth"][: ends[0]], "url": page["url"], "html": lxml.html.tostring(root)}
    return cut


# --- the extractors -------------------------------------------------------------------


def run_ours(data: bytes, url: str | None) -> tuple[str | None, str]:
    from newsreader.core.models import ParseError
    from newsreader.parser import html

    try:
        doc, method = html.parse_page(data, as_of=None, url=url)
    except ParseError:
        return None, "refused"
    return doc.articles[0].body, method


def run_trafilatura(data: bytes, url: str | None) -> tuple[str | None, str]:
    import trafilatura

    from newsreader.parser.html import decode

    return trafilatura.extract(decode(data), url=url), "trafilatura"


def run_readability(data: bytes, url: str | None) -> tuple[str | None, str]:
    import lxml.html
    from readability import Document

    from newsreader.parser.html import decode
    from newsreader.parser.html_render import render_blocks

    try:
        summary = Document(decode(data), url=url).summary(html_partial=True)
    except Exception:  # the library raises its own errors on pages it cannot read
        return None, "readability"
    if not summary.strip():
        return None, "readability"
    return "\n\n".join(render_blocks(lxml.html.fragment_fromstring(summary, create_parent="div"))), "readability"


EXTRACTORS = {"newsreader (ours)": run_ours, "trafilatura": run_trafilatura, "readability-lxml": run_readability}


def evaluate(name: str, pages: dict[str, dict]) -> dict:
    """Outputs, scores and timings of one extractor over one set."""
    outputs: dict[str, str | None] = {}
    methods: dict[str, str] = {}
    seconds: list[float] = []
    for key, page in pages.items():
        start = time.perf_counter()
        text, method = EXTRACTORS[name](page["html"], page["url"])
        seconds.append(time.perf_counter() - start)
        outputs[key], methods[key] = text, method
    rows = {key: page_counts(page["truth"], outputs[key] or "") for key, page in pages.items()}
    return {
        "outputs": outputs,
        "methods": methods,
        "rows": rows,
        "score": aggregate(list(rows.values())),
        "refused": [k for k, v in outputs.items() if not (v or "").strip()],
        "bloated": [k for k, v in outputs.items() if words(v or "") > 3 * max(1, words(pages[k]["truth"]))],
        "seconds": seconds,
    }


def report_set(label: str, pages: dict[str, dict], worst: int) -> dict[str, dict]:
    print(f"\n== {label}: {len(pages)} pages")
    results = {name: evaluate(name, pages) for name in EXTRACTORS}
    print(f"{'extractor':<20}{'F1':>7}{'P':>7}{'R':>7}{'refused':>9}{'>3x':>5}{'ms/page':>9}{'max ms':>8}")
    for name, res in results.items():
        f1, p, r = res["score"]
        ms = statistics.mean(res["seconds"]) * 1000
        print(
            f"{name:<20}{f1:>7.3f}{p:>7.3f}{r:>7.3f}{len(res['refused']):>9}{len(res['bloated']):>5}"
            f"{ms:>9.1f}{max(res['seconds']) * 1000:>8.0f}"
        )
    ours = results["newsreader (ours)"]
    by_method = Counter(ours["methods"].values())
    print("our text came from: " + ", ".join(f"{m} {n}" for m, n in by_method.most_common()))
    for key in ours["refused"]:
        found = {n: words(results[n]["outputs"][key] or "") for n in ("trafilatura", "readability-lxml")}
        if max(found.values()) >= 100:
            print(f"  refused by us, a library finds 100+ words: {key[:16]} {found}")
    for key in ours["bloated"]:
        print(
            f"  more than 3x the truth: {key[:16]} ours {words(ours['outputs'][key] or '')} words, "
            f"truth {words(pages[key]['truth'])}, via {ours['methods'][key]}"
        )
    if worst:
        ranked = sorted(pages, key=lambda k: page_f1(ours["rows"][k]))[:worst]
        for key in ranked:
            others = "  ".join(
                f"{n[:5]} {page_f1(results[n]['rows'][key]):.2f}" for n in results if n != "newsreader (ours)"
            )
            print(f"  F1 {page_f1(ours['rows'][key]):.3f} via {ours['methods'][key]:<14} {others}  {key[:16]}")
    return results


# --- the metric check -----------------------------------------------------------------


def published_scores() -> dict[str, tuple[str, ...]]:
    """name -> (version, F1, precision, recall) as printed in the benchmark README."""
    text = (CORPUS / "published_scores_from_README.txt").read_text(encoding="utf-8")
    block = text.split("Results of the initial evaluation")[0]
    found: dict[str, tuple[str, ...]] = {}
    for line in block.splitlines():
        m = re.match(r"\s+(\S+)\s+(\S+)\s+([\d.]+ ± [\d.]+)\s+([\d.]+ ± [\d.]+)\s+([\d.]+ ± [\d.]+)", line)
        if m and m.group(1) not in found:
            found[m.group(1)] = (m.group(2), m.group(3), m.group(4), m.group(5))
    return found


def check_metric(truth: dict) -> None:
    """Re-score the stored outputs of other extractors: must match the README."""
    published = published_scores()
    print("metric check (ours vs published F1 / precision / recall):")
    for path in sorted((CORPUS / "extractor_outputs").glob("*.json")):
        stored = json.loads(path.read_text(encoding="utf-8"))
        outputs = stored.get("output", stored) if "version" in stored else stored
        rows = [
            page_counts(truth[k].get("articleBody", ""), (outputs.get(k) or {}).get("articleBody") or "") for k in truth
        ]
        f1, p, r = aggregate(rows)
        ref = published.get(path.stem)
        print(f"  {path.stem:<16} ours {f1:.3f} {p:.3f} {r:.3f}   published {'  '.join(ref[1:]) if ref else '-'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extra", type=Path, help="another extraction set (outside the repository)")
    ap.add_argument("--check-metric", action="store_true", help="re-score stored outputs first")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages of each set with our lowest F1")
    ap.add_argument("--out", type=Path, help="write our extracted bodies and methods to this JSON file")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (quick look)")
    ap.add_argument("--cut", type=int, action="append", default=[], help="also the halves cut after paragraph N")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # the libraries' "discarding data" chatter
    sets: dict[str, dict[str, dict]] = {}
    if CORPUS.exists():
        visible = load_set(CORPUS)
        if args.check_metric:
            check_metric(json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8")))
        for half in ("tune", "report"):
            sets[half] = {k: v for k, v in visible.items() if half_of(k) == half}
        for n in args.cut:
            for half in ("tune", "report"):
                sets[f"{half}, cut after paragraph {n}"] = cut_after(sets[half], n)
    else:
        print(f"visible set not found: {CORPUS}")
    if args.extra is None:
        print("extra set: none given (--extra DIR)")
    elif not (args.extra / "ground-truth.json").exists():
        print(f"extra set: skipped, {args.extra}/ground-truth.json not found")
    else:
        sets["extra"] = load_set(args.extra)
    if not sets:
        return 1
    import trafilatura  # noqa: F401  - imported before the clock starts
    from readability import Document  # noqa: F401

    saved = {}
    for label, pages in sets.items():
        if args.limit:
            pages = dict(list(pages.items())[: args.limit])
        results = report_set(label, pages, args.worst)
        ours = results["newsreader (ours)"]
        saved[label] = {k: {"articleBody": ours["outputs"][k] or "", "method": ours["methods"][k]} for k in pages}
    if args.out:
        args.out.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
