"""OPML in (forgiving, hostile-proof) and out (round-trips)."""

from __future__ import annotations

import csv
import html
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from newsreader.core.models import ParseError, Subscription
from newsreader.core.sanitize import has_control
from newsreader.core.urls import check_url, normalize_url
from newsreader.exchange.opml_export import to_opml
from newsreader.parser import opml
from newsreader.parser import parse as parse_any
from tests.support.paths import FIXTURES, shared_path

OPML = FIXTURES / "opml"


def _read(name: str, **kw):
    return parse_any((OPML / name).read_bytes(), **kw)


# -- reading --------------------------------------------------------------------


def test_nested_folders_become_tags_and_duplicates_merge():
    doc = _read("nested_folders.opml")
    assert doc.format == "opml" and doc.feed_title == "Marta's feeds" and doc.warnings == []
    subs = {s.url: s for s in doc.subscriptions}
    assert list(subs) == [
        "https://harbour-gazette.example/rss.xml",
        "https://lantern.example/feeds/all.atom",
        "http://kettle.example/index.xml",
        "https://loose.example/feed",
    ]
    gazette = subs["https://harbour-gazette.example/rss.xml"]
    assert gazette.title == "Harbour Gazette" and gazette.html_url == "https://harbour-gazette.example/"
    assert gazette.tags == ["World", "Tech"]  # listed in two folders: one feed, both tags
    lantern = subs["https://lantern.example/feeds/all.atom"]
    assert lantern.title == "Lantern Daily"  # from text= when there is no title=
    assert lantern.tags == ["World", "Asia", "Politics", "Long reads"]
    assert subs["http://kettle.example/index.xml"].tags == ["Tech"]  # xmlURL spelled oddly
    assert subs["https://loose.example/feed"].tags == []


def test_broken_real_world_shapes_are_repaired():
    doc = _read("broken_attributes.opml")
    assert [(s.title, s.url) for s in doc.subscriptions] == [
        ("Crumbs & Co", "https://crumbs.example/rss?lang=en&section=all"),
        ('Journal "Le Pain" du matin', "https://lepain.example/flux.xml"),
        ("Oven Notes", "https://oven.example/feed/"),
        ("Café Society", "https://cafe.example/atom.xml"),
    ]
    assert all(s.tags == ["Food & Drink"] for s in doc.subscriptions)
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("OPML is not well-formed XML (")
    assert "line 7" in doc.warnings[0]


def test_command_and_script_urls_are_refused_one_warning_each():
    doc = _read("newsboat_commands.opml")
    assert [s.url for s in doc.subscriptions] == ["https://honest.example/rss"]
    assert doc.subscriptions[0].html_url is None  # javascript: htmlUrl dropped
    assert doc.warnings == [
        "refused feed \"Pipe\": '|' command pipe",
        'refused feed "Exec": exec: command (newsboat)',
        'refused feed "Filter": filter: command (newsboat)',
        'refused feed "Query": query: feed (newsboat)',
        'refused feed "Script": javascript: URL',
        'refused feed "Local": file: URL',
        'refused feed "Data": data: URL',
        "refused feed \"Option\": URL starts with '-' (would be read as a browser option)",
        'refused feed "Spaces": whitespace inside URL',
    ]


def test_xxe_reads_no_file():
    doc = _read("xxe.opml")
    text = repr(doc)
    assert "root:" not in text and "/bin/" not in text
    assert [s.url for s in doc.subscriptions] == ["https://leak.example/rss?x=&secret;", "https://plain.example/rss"]


def test_external_dtd_and_entities_are_never_fetched():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "pwned">')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        doc = (
            f'<?xml version="1.0"?>\n<!DOCTYPE opml SYSTEM "{base}/outer.dtd" [\n'
            f'<!ENTITY % p SYSTEM "{base}/param.dtd"> %p;\n<!ENTITY e SYSTEM "{base}/entity">\n]>\n'
            '<opml version="2.0"><head><title>&e;&x;</title></head><body>'
            '<outline text="t&e;" xmlUrl="https://ok.example/rss"/></body></opml>'
        ).encode()
        result = opml.parse(doc, as_of=None, url=None)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert [s.url for s in result.subscriptions] == ["https://ok.example/rss"]
    assert "pwned" not in repr(result)


def test_billion_laughs_is_not_expanded():
    doc = _read("billion_laughs.opml")
    assert [s.url for s in doc.subscriptions] == ["https://laughs.example/rss"]
    assert "lollol" not in repr(doc)
    assert len(doc.subscriptions[0].title or "") < 100


def test_no_feeds_is_a_one_line_parse_error():
    with pytest.raises(ParseError, match="no feed outlines") as info:
        _read("folders_only.opml")
    assert "\n" not in str(info.value)


def test_only_refused_feeds_says_why():
    data = b'<opml version="2.0"><body><outline text="x" xmlUrl="javascript:alert(1)"/></body></opml>'
    with pytest.raises(ParseError, match=r"1 refused, first: refused feed \"x\": javascript: URL"):
        opml.parse(data, as_of=None, url=None)


@pytest.mark.parametrize("data", [b"<rss version='2.0'><channel/></rss>", b"<opml", b"", b"\x00\x01\x02", b"<<<<>>>>"])
def test_garbage_is_a_parse_error(data):
    with pytest.raises(ParseError):
        opml.parse(data, as_of=None, url=None)


def test_deep_nesting_does_not_raise_recursion_error():
    depth = 5000
    data = (
        b'<opml version="2.0"><body>'
        + b'<outline text="f">' * depth
        + b'<outline xmlUrl="https://deep.example/rss"/>'
        + b"</outline>" * depth
        + b"</body></opml>"
    )
    try:
        doc = parse_any(data)
    except ParseError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(check_url(s.url) is None for s in doc.subscriptions)
        assert all(len(s.tags) <= opml._MAX_TAGS for s in doc.subscriptions)


def test_utf16_and_bom():
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<opml version="2.0"><body>'
        '<outline text="Ünïcode" xmlUrl="https://u16.example/rss"/></body></opml>'
    )
    doc = parse_any(text.encode("utf-16"))
    assert [(s.title, s.url) for s in doc.subscriptions] == [("Ünïcode", "https://u16.example/rss")]
    doc = parse_any(b"\xef\xbb\xbf" + text.replace("UTF-16", "UTF-8").encode())
    assert doc.subscriptions[0].title == "Ünïcode"


def test_relative_and_feed_scheme_urls():
    data = (
        b'<opml version="2.0"><body>'
        b'<outline text="rel" xmlUrl="feeds/a.xml"/>'
        b'<outline text="feed1" xmlUrl="feed://pseudo.example/rss"/>'
        b'<outline text="feed2" xmlUrl="feed:https://pseudo2.example/rss"/>'
        b"</body></opml>"
    )
    doc = opml.parse(data, as_of=None, url="https://site.example/blogroll/list.opml")
    assert [s.url for s in doc.subscriptions] == [
        "https://site.example/blogroll/feeds/a.xml",
        "http://pseudo.example/rss",
        "https://pseudo2.example/rss",
    ]
    doc = opml.parse(data, as_of=None, url=None)
    assert [s.url for s in doc.subscriptions] == ["http://pseudo.example/rss", "https://pseudo2.example/rss"]
    assert 'refused feed "rel": not an absolute http(s) URL' in doc.warnings


def test_control_characters_never_come_out():
    data = (
        '<opml version="2.0"><head><title>T&#x9b;itle\u202e</title></head><body>'
        '<outline text="Fol&#x1b;der"><outline text="A&#x85;b\u2066c" xmlUrl="https://c.example/rss"/></outline>'
        "</body></opml>"
    ).encode()
    doc = opml.parse(data, as_of=None, url=None)
    sub = doc.subscriptions[0]
    assert not has_control(sub.title) and not has_control(doc.feed_title) and not has_control(sub.tags[0])


# -- the shared corpus -----------------------------------------------------------------


def _expected_urls(raw: bytes) -> set[str]:
    """Distinct http(s) xmlUrl values, read with a regex instead of a parser."""
    found = set()
    for value in re.findall(rb'xmlUrl="([^"]*)"', raw, re.I):
        url = html.unescape(value.decode("utf-8", "replace")).strip()
        if check_url(url) is None:
            found.add(normalize_url(url))
    return found


def test_every_corpus_file_gives_feeds_or_one_line_error(capsys):
    root = shared_path("corpus", "opml")
    manifest = {row["file"]: row for row in csv.DictReader((root / "manifest.tsv").open(), delimiter="\t")}
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".opml", ".xml"))
    assert files
    with_feeds = 0
    feeds = 0
    lines = []
    for path in files:
        raw = path.read_bytes()
        try:
            doc = parse_any(raw)
        except ParseError as exc:
            assert "\n" not in str(exc)
            lines.append(f"{path.relative_to(root)}: ParseError {exc}")
            continue
        with_feeds += 1
        feeds += len(doc.subscriptions)
        got = {normalize_url(s.url) for s in doc.subscriptions}
        assert got == _expected_urls(raw), path
        assert all(check_url(s.url) is None for s in doc.subscriptions)
        listed = manifest.get(str(path.relative_to(root)), {}).get("feeds(xmlUrl count)")
        lines.append(f"{path.relative_to(root)}: {len(doc.subscriptions)} feeds (manifest {listed})")
    with capsys.disabled():
        print(f"\nOPML corpus: {with_feeds}/{len(files)} files yield feeds, {feeds} feeds in all")
    assert with_feeds == len(files)


# -- writing ------------------------------------------------------------------------


def test_writer_structure():
    subs = [
        Subscription("https://a.example/rss", "A & <b>", "https://a.example/", ["World", "Asia", "x,y"]),
        Subscription("https://b.example/rss", None, None, ["World"]),
        Subscription("https://c.example/rss", "C", None, []),
        Subscription("javascript:alert(1)", "bad", None, ["World"]),
    ]
    out = to_opml(subs, title="Mine")
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(out)
    assert root.get("version") == "2.0" and root.findtext("head/title") == "Mine"
    body = root.find("body")
    folder, loose = list(body)
    assert folder.get("text") == "World" and folder.get("xmlUrl") is None
    a, b = list(folder)
    assert a.get("title") == "A & <b>" and a.get("htmlUrl") == "https://a.example/"
    assert a.get("category") == "Asia,x y" and a.get("type") == "rss"
    assert b.get("text") == "https://b.example/rss" and b.get("title") is None
    assert loose.get("xmlUrl") == "https://c.example/rss"
    assert b"javascript" not in out


def test_writer_round_trips_through_parse():
    subs = [
        Subscription("https://a.example/rss", 'A & <b> "q"', "https://a.example/", ["World", "Asia"]),
        Subscription("https://b.example/rss", None, None, ["World"]),
        Subscription("https://c.example/rss", "Ünïcode ✓", None, []),
    ]
    doc = parse_any(to_opml(subs))
    assert doc.subscriptions == subs and doc.warnings == []


_tag = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp", "Zs"), blacklist_characters=",/\ufffe\uffff"),
    min_size=1,
    max_size=12,
)
_sub = st.builds(
    Subscription,
    url=st.builds(
        lambda host, path: f"https://{host}.example/{path}",
        st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9_./-]{0,20}", fullmatch=True),
    ),
    title=st.one_of(st.none(), _tag),
    html_url=st.none(),
    tags=st.lists(_tag, max_size=3, unique=True),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_sub, min_size=1, max_size=6, unique_by=lambda s: normalize_url(s.url)))
def test_property_round_trip(subs):
    doc = parse_any(to_opml(subs))
    # Folders are written before loose feeds, so compare feed by feed.
    assert sorted(s.url for s in doc.subscriptions) == sorted(s.url for s in subs)
    by_url = {s.url: s for s in doc.subscriptions}
    for want in subs:
        got = by_url[want.url]
        assert got.title == (want.title if want.title != want.url else None)
        assert got.tags == want.tags


_TEMPLATE = (
    '<?xml version="1.0"?>\n<opml version="1.0"><head><title>{0}</title></head><body>'
    '<outline text="{1}" title="{2}"><outline text="{3}" xmlUrl="{4}" htmlUrl="{5}"/>{6}</outline></body></opml>'
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                [
                    "&",
                    '"',
                    "<",
                    ">",
                    "&amp;",
                    "&lol;",
                    "]]>",
                    "<!--",
                    "|sh",
                    "javascript:x",
                    "https://ok.example/f",
                    "<outline",
                    "/>",
                    "'",
                    "\x00",
                    "\x1b[2J",
                ]
            ),
        ),
        min_size=7,
        max_size=7,
    )
)
def test_property_parser_never_raises_anything_but_parse_error(parts):
    data = _TEMPLATE.format(*parts).encode("utf-8", "surrogatepass")
    try:
        doc = opml.parse(data, as_of=None, url=None)
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    for sub in doc.subscriptions:
        assert check_url(sub.url) is None
        for text in [sub.title or "", *sub.tags, doc.feed_title or ""]:
            assert not has_control(text)
    assert all("\n" not in w for w in doc.warnings)
