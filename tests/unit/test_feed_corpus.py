"""The shared feed corpus: every file parses, and parses like the reference parsers.

``../shared/corpus/feeds`` holds test feeds from feedparser, feed-rs,
NetNewsWire and rss-parser (see its ``manifest.tsv``), some with an expected
parse: feed-rs and rss-parser JSON files, feedparser ``Expect:`` lines. Every
difference from those is listed below with the reason we accept it; a new
difference, or an accepted one that no longer happens, fails the test.
"""

from __future__ import annotations

import ast
import csv
import fnmatch
import importlib
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from newsreader.core.models import ParsedDocument, ParseError, iso_published
from newsreader.core.sanitize import has_control
from newsreader.parser import FORMAT_MODULES, detect, feed, parse
from newsreader.parser.htmltext import html_to_text, one_line
from tests.support.paths import shared_path

FEED_FORMATS = {"rss", "atom", "rdf", "json-feed"}

# feedparser's HTTP tests name the document by this address (its test server).
FEEDPARSER_SERVER = "http://127.0.0.1:8097/tests/"

#: detect.py sends these to the page-dump parser: UTF-16 without a BOM and
#: UTF-32 (with or without one) are not recognised as XML. feed.py reads them
#: when called directly (reported to the lead; detect.py is not ours).
#: Files whose format detection fails (none since detect.py reads UTF-16/32).
DETECT_MISSES: set[str] = set()

_EMPTY_ITEMS = "an item with no title, text, link or enclosure is skipped: there is nothing to show"
_ORIGLINK = "we prefer feedburner:origLink (the article) to the feedproxy tracking redirect"
_RESOLVED = "relative links are resolved (xml:base, then the feed's own link); the reference keeps them relative"
_CONTENT_LOCATION = "feedparser takes the base from the test server's Content-Location header, which we never see"

#: (file, field, reason): differences from the reference parsers we accept.
#: ``field`` is "count", "title", "link", "date", "id", "summary", "content",
#: "feed.title" or "feed.link" (for any item); both may be fnmatch patterns.
ACCEPTED: list[tuple[str, str, str]] = [
    ("rss-parser/incomplete-fields.atom", "count", _EMPTY_ITEMS),
    ("rss-parser/missing-fields.atom", "count", _EMPTY_ITEMS),
    ("feedparser/wellformed/node_precedence/atom10_id.xml", "id", _EMPTY_ITEMS),
    ("feedparser/wellformed/rdf/rdf_item_rdf_about.xml", "id", _EMPTY_ITEMS),
    (
        "feedparser/wellformed/base/http_entry_id_base_docuri.xml",
        "id",
        _EMPTY_ITEMS + " (and an id is an identifier, never resolved as a link)",
    ),
    ("feed-rs/atom/atom_example_3.xml", "link", _ORIGLINK),
    ("feed-rs/rss2/rss_2.0_rps.xml", "link", _ORIGLINK),
    ("rss-parser/feedburner.atom", "link", _ORIGLINK),
    ("rss-parser/many-links.rss", "link", _ORIGLINK),
    ("feed-rs/rss1/rss_1.0_example_1.xml", "link", _RESOLVED),
    ("rss-parser/gulp-atom.atom", "link", _RESOLVED),
    (
        "feed-rs/atom/atom_relative.xml",
        "link",
        "a relative link with no base to resolve it against is dropped (not an http(s) URL)",
    ),
    (
        "rss-parser/uolNoticias.rss",
        "title",
        "rss-parser read the undeclared ISO-8859-1 bytes as UTF-8 (U+FFFD); we fall back to windows-1252",
    ),
    (
        "feedparser/encoding/bozo_linenoise.xml",
        "summary",
        "feedparser keeps mojibake from a wrong declaration; we read valid UTF-8 as UTF-8",
    ),
    ("feedparser/wellformed/base/http_*_base_content_location.xml", "*", _CONTENT_LOCATION),
    ("feedparser/wellformed/http/headers_content_location-relative.xml", "feed.link", _CONTENT_LOCATION),
]


def _accepted(name: str, field: str, accepted: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    for entry in accepted:
        if fnmatch.fnmatchcase(name, entry[0]) and fnmatch.fnmatchcase(field, entry[1]):
            return entry
    return None


def _manifest() -> list[dict[str, str]]:
    root = shared_path("corpus", "feeds")
    with open(root / "manifest.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _feed_files() -> list[dict[str, str]]:
    return [row for row in _manifest() if row["kind"] != "expected"]


def _corpus() -> Path:
    return shared_path("corpus", "feeds")


def _url_for(name: str, data: bytes) -> str | None:
    if name.startswith("feedparser/") and b"127.0.0.1:8097" in data:
        return FEEDPARSER_SERVER + name.removeprefix("feedparser/")
    return None


def _parse_module(name: str, data: bytes) -> ParsedDocument:
    """The format module's own parse (it also returns feeds without items)."""
    fmt = detect(data)
    if name in DETECT_MISSES or fmt not in FEED_FORMATS:
        return feed.parse(data, as_of=None, url=_url_for(name, data))
    module = importlib.import_module(FORMAT_MODULES[fmt])
    return module.parse(data, as_of=None, url=_url_for(name, data))


def _strings(doc: ParsedDocument) -> list[str]:
    out = [s for s in (doc.feed_title, doc.feed_url, doc.site_url) if s] + doc.warnings
    for a in doc.articles:
        out += [s for s in (a.title, a.body, a.url, a.summary, a.author, a.guid, a.published_text) if s]
        out += a.tags + [e.url for e in a.enclosures]
    return out


def test_every_corpus_feed_parses_or_gives_a_one_line_parse_error():
    failures, parsed, refused = [], 0, 0
    for row in _feed_files():
        name = row["file"]
        data = (_corpus() / name).read_bytes()
        try:
            doc = parse(data, url=_url_for(name, data))
        except ParseError as exc:
            refused += 1
            if "\n" in str(exc):
                failures.append(f"{name}: multi-line ParseError")
            continue
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        parsed += 1
        if any(has_control(s) for s in _strings(doc)):
            failures.append(f"{name}: control character in output")
        if any("item skipped" in w for w in doc.warnings):
            failures.append(f"{name}: {doc.warnings}")
    assert not failures, "\n".join(failures)
    assert parsed > 250  # most of the corpus is read, not refused


def test_detect_misses_are_exactly_the_known_ones():
    """If detect.py is fixed, DETECT_MISSES must shrink with it."""
    missed = set()
    for row in _feed_files():
        data = (_corpus() / row["file"]).read_bytes()
        if row["format"].startswith(("RSS", "Atom", "RDF")) and detect(data) not in FEED_FORMATS:
            missed.add(row["file"])
    assert missed == DETECT_MISSES


class _Differences:
    def __init__(self) -> None:
        self.found: list[tuple[str, str, str]] = []
        self.checked = 0

    def compare(self, name: str, field: str, ours: object, expected: object) -> None:
        self.checked += 1
        if ours != expected:
            self.found.append((name, field, f"ours {ours!r:.120} != expected {expected!r:.120}"))

    def unexplained(self, accepted: list[tuple[str, str, str]]) -> list[str]:
        return [f"{n} [{fld}]: {why}" for n, fld, why in self.found if not _accepted(n, fld, accepted)]


def _norm_text(value: str | None) -> str:
    return one_line(html_to_text(value or ""))


def _norm_link(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^(https?://)([^/?#]*)(.*)$", value, re.I)
    if m:  # scheme and host are case-insensitive; an empty path is "/"
        value = m.group(1).lower() + m.group(2).lower() + (m.group(3) or "/")
    return value


def _norm_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return iso_published(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def _our_date(value: datetime | date | None) -> str | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return iso_published(value)


def _expected_items(path: Path) -> tuple[Path, list[tuple[str | None, str | None, str | None]]] | None:
    """(source feed, [(title, link, date)]) from a feed-rs or rss-parser expected file."""
    try:
        expected = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None  # rss-parser/expected/encoding.json is not UTF-8 (manifest: json-INVALID)
    rel = path.relative_to(_corpus()).as_posix()
    if rel.startswith("feed-rs/"):
        stem = rel.replace("/expected", "").removesuffix(".serde.json")
        source = next((_corpus() / stem).parent.glob(Path(stem).name + ".*"))
        items = [
            (
                (e.get("title") or {}).get("content"),
                (e.get("links") or [{}])[0].get("href"),
                e.get("published") or e.get("updated"),
            )
            for e in expected["entries"]
        ]
    else:
        source = next((_corpus() / "rss-parser").glob(path.stem + ".*"))
        items = [(i.get("title"), i.get("link"), i.get("isoDate")) for i in expected["feed"]["items"]]
    return source, items


def test_items_match_feed_rs_and_rss_parser_expected_output():
    diffs = _Differences()
    for row in _manifest():
        if row["kind"] != "expected":
            continue
        found = _expected_items(_corpus() / row["file"])
        if found is None:
            continue
        source, items = found
        name = source.relative_to(_corpus()).as_posix()
        doc = _parse_module(name, source.read_bytes())
        diffs.compare(name, "count", len(doc.articles), len(items))
        for article, (title, link, when) in zip(doc.articles, items):
            if title:
                diffs.compare(name, "title", article.title, _norm_text(title))
            if link:
                diffs.compare(name, "link", _norm_link(article.url), _norm_link(link))
            if when:
                diffs.compare(name, "date", _our_date(article.published), _norm_date(when))
    problems = diffs.unexplained(ACCEPTED)
    assert not problems, "\n".join(problems)
    assert diffs.checked > 1000


def test_item_counts_match_the_manifest():
    diffs = _Differences()
    for row in _feed_files():
        m = re.search(r"\b(?:items|entries)=(\d+)", row["notes"])
        if not m or not row["format"].startswith(("RSS", "Atom", "RDF", "JSON Feed", "CDF")):
            continue
        name = row["file"]
        data = (_corpus() / name).read_bytes()
        try:
            count = len(_parse_module(name, data).articles)
        except ParseError as exc:
            count = f"ParseError: {exc}"
        diffs.compare(name, "count", count, int(m.group(1)))
    accepted = (
        ACCEPTED
        + [(n, "count", _EMPTY_ITEMS) for n in _EMPTY_ITEM_FILES]
        + [("netnewswire/authors.json", "count", _EMPTY_ITEMS + " (four items with only an author)")]
    )
    problems = diffs.unexplained(accepted)
    assert not problems, "\n".join(problems)
    differing = {n for n, _, _ in diffs.found}
    stale = [n for n in _EMPTY_ITEM_FILES if n not in differing]
    assert not stale, "no longer differ:\n" + "\n".join(stale)


#: feedparser test feeds whose single item has nothing to read (only an id,
#: a category, a relative link with no base, markup that is not text, or an
#: extension we do not use); the manifest counts them, we skip them.
_EMPTY_ITEM_FILES = [
    "feedparser/encoding/encoding_attribute_crash.xml",
    "feedparser/encoding/encoding_attribute_crash_2.xml",
    "feedparser/encoding/euc-kr-attribute.xml",
    "feedparser/encoding/http_encoding_attribute_crash.xml",
    "feedparser/illformed/geo/georss_point_no_coords.xml",
    "feedparser/illformed/geo/georss_polygon_insufficient_coords.xml",
    "feedparser/illformed/geo/gml_point.xml",
    "feedparser/wellformed/rdf/rdf_item_rdf_about.xml",
    "feedparser/wellformed/media-rss/item_media_category_label.xml",
    "feedparser/wellformed/media-rss/item_media_category_multiple.xml",
    "feedparser/wellformed/media-rss/item_media_category_scheme1.xml",
    "feedparser/wellformed/media-rss/item_media_category_scheme2.xml",
    "feedparser/wellformed/media-rss/item_media_category_term.xml",
    "feedparser/wellformed/namespace/atommathml.xml",
    "feedparser/wellformed/namespace/atomsvg.xml",
    "feedparser/wellformed/namespace/atomsvgdesc.xml",
    "feedparser/wellformed/namespace/atomsvgtitle.xml",
    "feedparser/wellformed/namespace/atomxlink.xml",
    "feedparser/wellformed/namespace/rss2.0mathml.xml",
    "feedparser/wellformed/namespace/rss2.0svg.xml",
    "feedparser/wellformed/namespace/rss2.0svg5.xml",
    "feedparser/wellformed/namespace/rss2.0svgtitle.xml",
    "feedparser/wellformed/namespace/rss2.0xlink.xml",
    "feedparser/wellformed/namespace/unknown-namespace.xml",
    "feedparser/wellformed/node_precedence/atom10_arbitrary_element.xml",
    "feedparser/wellformed/node_precedence/atom10_id.xml",
    "feedparser/wellformed/psc/version_1.0_keyerror.xml",
    "feedparser/wellformed/base/http_entry_author_url_base_content_location.xml",
    "feedparser/wellformed/base/http_entry_author_url_base_docuri.xml",
    "feedparser/wellformed/base/http_entry_contributor_url_base_content_location.xml",
    "feedparser/wellformed/base/http_entry_contributor_url_base_docuri.xml",
    "feedparser/wellformed/base/http_entry_id_base_content_location.xml",
    "feedparser/wellformed/base/http_entry_id_base_docuri.xml",
    "feedparser/wellformed/base/http_entry_link_base_content_location.xml",
    "feedparser/wellformed/base/http_item_comments_base_content_location.xml",
    "feedparser/wellformed/base/http_item_comments_base_docuri.xml",
    "feedparser/wellformed/base/http_item_link_base_content_location.xml",
    "feedparser/wellformed/base/http_item_wfw_commentRSS_base_content_location.xml",
    "feedparser/wellformed/base/http_item_wfw_commentRSS_base_docuri.xml",
    "feedparser/wellformed/base/http_item_wfw_comment_base_content_location.xml",
    "feedparser/wellformed/base/http_item_wfw_comment_base_docuri.xml",
]

# feedparser result keys we can compare, and where we keep the same thing.
_ENTRY_FIELDS = {"title": "title", "link": "link", "id": "id", "description": "summary", "summary": "summary"}
_FEED_FIELDS = {"title": "feed.title", "link": "feed.link"}


def _target(node: ast.AST) -> tuple | None:
    """``feed['title']`` / ``entries[0]['link']`` / ``entries[0]['content'][0]['value']``."""
    keys: list[object] = []
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            keys.append(node.slice.value)
            node = node.value
        elif isinstance(node, ast.Attribute):
            keys.append(node.attr)
            node = node.value
        else:
            break
    if not isinstance(node, ast.Name):
        return None
    keys.reverse()
    if node.id == "feed" and len(keys) == 1 and keys[0] in _FEED_FIELDS:
        return ("feed", _FEED_FIELDS[keys[0]])
    if node.id == "entries" and keys and isinstance(keys[0], int):
        if len(keys) == 2 and keys[1] in _ENTRY_FIELDS:
            return ("entry", keys[0], _ENTRY_FIELDS[keys[1]])
        if keys[1:] == ["content", 0, "value"]:
            return ("entry", keys[0], "content")
    return None


def _expectations(expr: str) -> list[tuple[tuple, str]]:
    """The ``target == 'constant'`` clauses of an ``Expect:`` line that we can check."""
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return []
    clauses = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    out = []
    for clause in clauses:
        if not isinstance(clause, ast.Compare) or not all(isinstance(op, ast.Eq) for op in clause.ops):
            continue
        nodes = [clause.left, *clause.comparators]
        constants = [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        targets = [_target(n) for n in nodes if not isinstance(n, ast.Constant)]
        if len(constants) == 1 and targets and None not in targets:
            out += [(t, constants[0]) for t in targets]
    return out


def _ours(doc: ParsedDocument, target: tuple) -> str | None:
    if target[0] == "feed":
        return doc.feed_title if target[1] == "feed.title" else doc.site_url
    index, field = target[1], target[2]
    if index >= len(doc.articles):
        return "<no such item>"
    article = doc.articles[index]
    return {
        "title": article.title,
        "link": article.url,
        "id": article.guid,
        "summary": article.summary,
        "content": article.body,
    }[field]


def test_feedparser_expectations_on_titles_links_ids_and_text():
    diffs = _Differences()
    for path in sorted((_corpus() / "feedparser").rglob("*.xml")):
        data = path.read_bytes()
        m = re.search(rb"Expect:\s*(.*)", data)
        checks = _expectations(m.group(1).decode("utf-8", "replace").strip()) if m else []
        if not checks:
            continue
        name = path.relative_to(_corpus()).as_posix()
        try:
            doc = _parse_module(name, data)
        except ParseError as exc:
            diffs.compare(name, "count", f"ParseError: {exc}", "a document")
            continue
        for target, expected in checks:
            field = target[-1]
            ours = _ours(doc, target)
            if field in ("link", "id", "feed.link"):
                diffs.compare(name, field, (ours or "").strip() or None, expected.strip() or None)
            else:  # feedparser keeps markup; we give plain text, so compare the text of both
                diffs.compare(name, field, _norm_text(ours), _norm_text(expected))
    problems = diffs.unexplained(ACCEPTED)
    assert not problems, "\n".join(problems)
    assert diffs.checked > 80


def test_every_accepted_difference_still_happens():
    """An accepted difference that is gone should leave the list."""
    seen: set[tuple[str, str]] = set()
    for test in (
        test_items_match_feed_rs_and_rss_parser_expected_output,
        test_feedparser_expectations_on_titles_links_ids_and_text,
    ):
        original = _Differences.unexplained

        def record(self, accepted, _original=original):
            seen.update((n, f) for n, f, _ in self.found)
            return _original(self, accepted)

        _Differences.unexplained = record
        try:
            test()
        finally:
            _Differences.unexplained = original
    used = {_accepted(n, f, ACCEPTED) for n, f in seen}
    stale = [f"{n} [{f}]" for n, f, why in ACCEPTED if (n, f, why) not in used]
    assert not stale, "no longer differ:\n" + "\n".join(stale)
