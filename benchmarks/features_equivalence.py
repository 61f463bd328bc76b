#!/usr/bin/env python3
"""Whether two checkouts compute the same story features for every article.

A change made for speed in ``stories/features.py`` or ``core/textnorm.py``
must leave an article's features exactly as they were. This gathers
(title, text, address) triples once, with this checkout's parser, from

- the generated corpus of the peer harness (``../shared/bench/gen_feeds.py``),
- the shared real feeds (``../shared/corpus/feeds``),
- the page dumps (``../shared/corpus/page-dumps``, ``other-page-dumps``):
  every line as a title, the lines after it as the text,
- the extraction set's pages turned into text (``html_articles``),
- the labelled clustering set's invented pages, read as the dumps are
  (``tests/fixtures/clusters/invented``),

then runs each checkout's code on them in its own process: ``prepare`` (what
a refresh stores) and ``article_features`` with the lede cut at several
places (what the cut may change), and prints every input whose features
differ.

    python benchmarks/features_equivalence.py --base ../wt-base
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json"}
#: Where ``article_features`` is also asked to cut the lede from the rest.
CUTS = (0, 37, 200, 500)

Triple = tuple[str, str, str | None]


def gather(generated: Path | None) -> list[tuple[str, Triple]]:
    """(where from, (title, text, url)) for every article of the corpora."""
    sys.path.insert(0, str(REPO))
    from newsreader.core.models import ParseError
    from newsreader.parser import parse
    from newsreader.parser.htmltext import html_to_text

    found: list[tuple[str, Triple]] = []
    feeds = sorted(p for p in (SHARED / "corpus" / "feeds").rglob("*") if "expected" not in p.parts)
    feeds = [p for p in feeds if p.suffix in FEED_SUFFIXES]
    if generated is not None:
        feeds += sorted(generated.glob("f*.xml"))
    for path in feeds:
        try:
            articles = parse(path.read_bytes(), url="https://example.org/feed.xml").articles
        except ParseError:
            continue
        for i, art in enumerate(articles):
            text = (art.body or "").strip() or (art.summary or "").strip()
            found.append((f"{path.name}#{i}", (art.title or "", text, art.url)))
    dumps = [SHARED / "corpus" / "page-dumps", SHARED / "corpus" / "other-page-dumps"]
    for folder in [*dumps, REPO / "tests" / "fixtures" / "clusters" / "invented"]:
        for path in sorted(folder.glob("*.txt")):
            lines = [line for line in path.read_text("utf-8", "replace").splitlines() if line.strip()]
            for i, line in enumerate(lines):
                found.append((f"{path.name}:{i}", (line, "\n".join(lines[i + 1 : i + 12]), None)))
    for path in sorted((SHARED / "corpus" / "html_articles" / "html").glob("*.html.gz")):
        text = html_to_text(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        first, _, rest = text.strip().partition("\n")
        found.append((path.name, (first, rest, f"https://example.org/{path.name.removesuffix('.html.gz')}")))
    return found


def features_of(code: Path, triples: list[Triple]) -> list[object]:
    """Each triple's prepared features and raw features, by ``code``."""
    sys.path.insert(0, str(code))
    from newsreader.stories.features import article_features
    from newsreader.stories.signature import prepare

    result: list[object] = []
    for title, text, url in triples:
        raw = []
        for cut in CUTS:
            feats = article_features(title, text[:cut], url, text[cut : cut + 500])
            raw.append((sorted(feats.counts.items()), feats.keys, sorted(feats.title)))
        result.append((tuple(prepare(title, text, url)), raw))
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, help="the checkout to compare with")
    ap.add_argument("--feeds", type=int, default=200, help="generated feeds x 50 (0: none)")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # a child: the checkout whose code runs
    ap.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.code is not None:
        triples = pickle.loads(args.inputs.read_bytes())
        args.out.write_bytes(pickle.dumps(features_of(args.code.resolve(), triples)))
        return 0
    if args.base is None:
        ap.error("--base is required")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        if args.feeds:
            command = [sys.executable, str(SHARED / "bench" / "gen_feeds.py"), "--out", str(corpus)]
            subprocess.run([*command, "-n", str(args.feeds), "-m", "50"], check=True, capture_output=True)
        found = gather(corpus if args.feeds else None)
        inputs = Path(tmp) / "inputs.pickle"
        inputs.write_bytes(pickle.dumps([triple for _, triple in found]))
        runs = []
        for code in (args.base.resolve(), REPO):
            out = Path(tmp) / "out.pickle"
            command = [sys.executable, __file__, "--code", str(code), "--inputs", str(inputs), "--out", str(out)]
            subprocess.run(command, check=True)
            runs.append(pickle.loads(out.read_bytes()))
    base, this = runs
    differ = [name for (name, _), old, new in zip(found, base, this, strict=True) if old != new]
    for name in differ[:20]:
        print(f"differs: {name}")
    print(f"{len(found)} inputs ({len(CUTS) + 1} feature sets each): {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
