"""Story clustering: quality on the labelled set, and its cost at 100k articles.

Quality: imports each part of the labelled set (``tests/fixtures/clusters/``;
the shared parts are read in place from ``../shared``) into one fresh cache
through ``Cache.import_document``, so stories form incrementally in import
order exactly as in use, then scores pairs of articles: a pair is positive
when both carry one story label, unscored when the labels differ but the
topic is the same, negative otherwise. Prints precision, recall, F1 and pair
counts per part, per half (see below) and for everything together, how many
hard negatives were merged (``hard-negatives.tsv``: different events that
share words; must be 0), the same with each of the rules that keep a story
together switched off (``--no-ablation`` skips it), then a sweep of
``JOIN_SCORE`` (what the threshold was tuned on).

Halves: every labelled story (and every unlabelled article) falls in the
*tuning* or the *held-out* half by a stable hash of its part and story label
(or reference), so one event never straddles them. Thresholds are tuned on
the tuning half; the held-out half says whether that generalises. A pair is
scored in a half when both its articles are in it; pairs across halves count
in ``all`` only.

Cost (``--scale N``): generates N articles from 1,200 outlets over 60 days
(~5 % in stories told by 2-8 outlets), imports them in time order as feed
refreshes of ~10 items, and prints the time spent in ``assign_stories`` per
article (overall and while the cache held its last 10 %), the import rate,
story lookups at full size (p50/p95) and the disk the story tables take.
Each article's features are computed before its import, as a refresh's
parse workers do (``--features-in-writer``: by ``assign_stories`` itself, as
for a page or file import).

The labelled set and its scoring are in ``clustering_labelled_set.py``, the
generated articles and the cost in ``clustering_scale.py``; this script prints.

Usage::

    python benchmarks/clustering_eval.py [--pairs] [--no-sweep] [--no-ablation] [--set clustering.JOIN_SCORE=0.22]
    python benchmarks/clustering_eval.py --scale 100000 [--keep DIR] [--features-in-writer]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.clustering_labelled_set import PARTS, Scores, evaluate, load_documents, part_available
from benchmarks.clustering_scale import run_scale
from newsreader.store.cache import Cache
from newsreader.stories import clustering, features, signature


def describe_pairs(cache: Cache, s: Scores) -> list[str]:
    conn = cache.connection()
    out = []
    for kind, a, b in s.wrong:
        rows = {
            r[0]: r
            for r in conn.execute(
                """SELECT a.id, a.title, s.name, g.terms, g.weights, g.postings FROM articles a JOIN sources s ON s.id = a.source_id
                   JOIN story_signatures g ON g.article_id = a.id WHERE a.id IN (?, ?)""",
                (a, b),
            )
        }
        sa, sb = (signature.Signature.decode(*rows[i][3:6]) for i in (a, b))
        sim = clustering.similarity(sa, sb)
        if clustering.same_event_score(sa, sb) == 0.0:
            sim = -sim  # refused by a guard
        why = ", ".join(clustering.shared_terms(sa, sb, 4))
        floor = clustering.CONCEPT_MIN_WEIGHT * signature.WEIGHT_SCALE
        telling = {t for t in sa.vector.keys() & sb.vector.keys() if min(sa.vector[t], sb.vector[t]) >= floor}
        names = clustering.concept_count(t for t in telling if t.startswith("~"))
        why += f"; {clustering.concept_count(telling)} things shared, {names} named"
        out.append(
            f"{kind:8s} {sim:6.3f}  {rows[a][2][:16]}: {rows[a][1][:60]}\n"
            f"                 {rows[b][2][:16]}: {rows[b][1][:60]}   [{why}]"
        )
    return out


#: The rules of issue 14 (item 6), each with the settings that turn it off.
ABLATIONS: list[tuple[str, list[tuple[object, str, object]]]] = [
    ("single-word names", [(features, "NAME_WEIGHT", 0.0)]),
    ("names further down the body", [(features, "BODY_NAME_WEIGHT", 0.0)]),
    ("joining a story as a whole", [(clustering, "STORY_JOIN_SCORE", 2.0)]),
    ("name evidence", [(clustering, "NAME_EVIDENCE", False)]),
    ("names written two ways", [(clustering, "NAME_TWO_WAYS", False)]),
    ("one-name headlines", [(clustering, "ONE_NAME_MIN_CONCEPTS", 0)]),
    ("conflicting headline names", [(clustering, "NAME_CONFLICT", False)]),
    ("four shared things (three)", [(clustering, "MIN_SHARED_CONCEPTS", 3)]),
    ("names in the index", [(signature, "INDEX_NAMES", 0)]),
]


def run_quality(show_pairs: bool, sweep: bool, ablation: bool = True) -> None:
    parts = [p for p in PARTS if part_available(p)]
    print(f"parts: {', '.join(parts)}" + ("" if len(parts) == len(PARTS) else "  (../shared absent)"))
    t0 = time.perf_counter()
    docs = {part: load_documents(part) for part in parts}
    print(f"parsed in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        cache, _items, scores = evaluate(parts, Path(tmp) / "main", docs)
        alone = evaluate(["sample"], Path(tmp) / "sample", docs)[2]["sample"]
        print(f"\nJOIN_SCORE = {clustering.JOIN_SCORE}")
        print(alone.line("sample alone"))
        for name, s in scores.items():
            print(s.line(name))
        if "feeds" in parts:
            # The same news arriving in a cache that already holds ~2,000
            # feed items: document frequencies past the young-cache floor.
            warm_parts = ["feeds", *[p for p in parts if p != "feeds"]]
            warm_cache, _, warm = evaluate(warm_parts, Path(tmp) / "warm", docs)
            warm_cache.close()
            print(warm["all"].line("warm cache"))
        if show_pairs:
            print(
                "\npairs (fp: grouped but different stories; fn: same story, not grouped;"
                " unscored: grouped, same topic; a negative score is a pair a guard refused,"
                " grouped through other members):"
            )
            for text in describe_pairs(cache, scores["all"]):
                print("  " + text)
        cache.close()
        if ablation:
            print("\neach rule that keeps a story together, switched off (a rule earns its place if a row is worse):")
            for name, settings in ABLATIONS:
                saved = [(module, attr, getattr(module, attr)) for module, attr, _ in settings]
                try:
                    for module, attr, value in settings:
                        setattr(module, attr, value)
                    ablated_cache, _, ablated = evaluate(parts, Path(tmp) / f"ablation-{name}", docs)
                    ablated_cache.close()
                finally:
                    for module, attr, value in saved:
                        setattr(module, attr, value)
                print(f"  without {name}:")
                for key in ("invented tuning", "invented held-out", "html-articles", "tuning", "held-out", "all"):
                    if key in ablated:
                        print("    " + ablated[key].line(key))
        if sweep:
            print("\nsweep of JOIN_SCORE (all parts together):")
            original = clustering.JOIN_SCORE
            try:
                for i, threshold in enumerate((0.14, 0.16, 0.18, 0.20, 0.22, 0.24, 0.26, 0.30, 0.35)):
                    clustering.JOIN_SCORE = threshold
                    swept_cache, _, swept = evaluate(parts, Path(tmp) / f"sweep{i}", docs)
                    print("  " + swept["all"].line(f"{threshold:.2f}"))
                    swept_cache.close()
            finally:
                clustering.JOIN_SCORE = original


def override(assignment: str) -> None:
    """``module.NAME=VALUE``: set a constant of ``newsreader.stories.module``."""
    import ast
    import importlib

    target, _, value = assignment.partition("=")
    module_name, _, name = target.rpartition(".")
    module = importlib.import_module(f"newsreader.stories.{module_name}")
    if not hasattr(module, name):
        raise SystemExit(f"no {name} in newsreader.stories.{module_name}")
    setattr(module, name, ast.literal_eval(value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", action="store_true", help="list the wrongly grouped and missed pairs")
    parser.add_argument("--no-sweep", action="store_true", help="skip the threshold sweep")
    parser.add_argument("--no-ablation", action="store_true", help="skip the runs with one rule switched off")
    parser.add_argument("--scale", type=int, metavar="N", help="measure assignment cost on N generated articles")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the generated cache in DIR")
    parser.add_argument(
        "--features-in-writer",
        action="store_true",
        help="with --scale: let assign_stories compute the features (no parse workers)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=VALUE",
        help="override a tuning constant of newsreader.stories (e.g. clustering.JOIN_SCORE=0.22)",
    )
    args = parser.parse_args(argv)
    for assignment in args.set:
        override(assignment)
    if args.scale:
        run_scale(args.scale, args.keep, args.features_in_writer)
    else:
        run_quality(args.pairs, not args.no_sweep, not args.no_ablation)
    return 0


if __name__ == "__main__":
    sys.exit(main())
