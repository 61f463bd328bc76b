#!/usr/bin/env python3
"""Whether two checkouts' parse workers give the same output, field for field.

A refresh's parse worker parses a feed, computes each article's story
features (``prepare_article``) and row fields (``text_fields``). A change
made for speed must leave all three exactly as they were. This runs both
checkouts' code, each in its own process, over the shared real feeds
(``../shared/corpus/feeds``), the generated corpus of the peer harness and
the HTML pages of the extraction set (HTML to text alone), and prints every
document whose output differs (none, when the change is safe).

    python benchmarks/parse_equivalence.py --base ../wt-base
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv[:-1] else REPO
sys.path.insert(0, str(CODE))

SHARED = REPO.parent / "shared"
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json"}


def inputs(generated: Path | None) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes): feeds, and pages read as HTML to text."""
    found: list[tuple[str, str, bytes]] = []
    for path in sorted((SHARED / "corpus" / "feeds").rglob("*")):
        if path.suffix in FEED_SUFFIXES and "expected" not in path.parts:
            found.append(("feed", str(path.relative_to(SHARED)), path.read_bytes()))
    if generated is not None:
        found += [("feed", f"generated/{p.name}", p.read_bytes()) for p in sorted(generated.glob("f*.xml"))]
    for path in sorted((SHARED / "corpus" / "html_articles" / "html").glob("*.html.gz")):
        found.append(("html", str(path.relative_to(SHARED)), gzip.decompress(path.read_bytes())))
    return found


def plain(value: object) -> object:
    """A comparable form of a parsed value (dataclasses as dicts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def outputs(items: list[tuple[str, str, bytes]]) -> dict[str, object]:
    from newsreader.core.models import ParseError
    from newsreader.parser import parse
    from newsreader.parser.htmltext import html_to_text
    from newsreader.store import text_fields
    from newsreader.store.articlerows import title_hash
    from newsreader.store.textpack import unpack
    from newsreader.stories.signature import prepare_article

    result: dict[str, object] = {}
    for kind, name, data in items:
        if kind == "html":
            text = data.decode("utf-8", "replace")
            result[name] = (html_to_text(text), html_to_text(text, base_url="https://example.org/a/", max_chars=5000))
            continue
        url = "https://example.org/feed.xml"
        try:
            doc = parse(data, url=url)
        except ParseError as exc:
            result[name] = ("error", str(exc))
            continue
        arts = []
        for art in doc.articles:
            fields = text_fields(art)
            # Packed text compares as the text it holds: a codec changes the bytes, not what they say.
            fields = fields._replace(body=unpack(fields.body), summary=unpack(fields.summary))
            # Compared by name, as the newest fields say them: the body's text
            # sent along for the search index (``text``) repeats ``body``, the
            # normalised title is sent as its hash (``title_hash``), and the
            # key is set, or not, before the source is known (from norm_url).
            stored = fields._asdict()
            stored.pop("text", None)
            stored.pop("key", None)
            if "norm_title" in stored:
                stored["title_hash"] = title_hash(stored.pop("norm_title"))
            arts.append((plain(art), tuple(prepare_article(art)), sorted(stored.items())))
        doc.articles = []
        result[name] = (plain(doc), arts)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, required=False, help="the checkout to compare with")
    ap.add_argument("--feeds", type=int, default=200, help="generated feeds (0: none)")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.out is not None:  # a child: one checkout's outputs, pickled
        generated = args.corpus if args.corpus and args.corpus.name else None
        args.out.write_bytes(pickle.dumps(outputs(inputs(generated))))
        return 0
    if args.base is None:
        ap.error("--base is required")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        bench = SHARED / "bench" / "gen_feeds.py"
        if args.feeds and bench.exists():
            subprocess.run(
                [sys.executable, str(bench), "--out", str(corpus), "-n", str(args.feeds), "-m", "50"],
                check=True,
                capture_output=True,
            )
        runs = {}
        for name, code in (("base", args.base.resolve()), ("this", REPO)):
            out = Path(tmp) / f"{name}.pickle"
            subprocess.run(
                [sys.executable, __file__, "--code", str(code), "--corpus", str(corpus), "--out", str(out)], check=True
            )
            runs[name] = pickle.loads(out.read_bytes())
    base, this = runs["base"], runs["this"]
    differ = [name for name in base if base[name] != this.get(name)]
    for name in differ[:20]:
        print(f"differs: {name}")
    articles = sum(len(v[1]) for v in base.values() if isinstance(v, tuple) and isinstance(v[1], list))
    print(f"{len(base)} documents ({articles} articles): {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
