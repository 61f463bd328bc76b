"""Hostile feeds: entities, XInclude, DTDs and links that reach for files or
the network, control characters, and any bytes at all (hypothesis)."""

from __future__ import annotations

import http.server
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.core.models import ParsedDocument, ParseError
from newsreader.core.sanitize import has_control
from newsreader.parser import parse
from tests.support.paths import FIXTURES

FEEDS = FIXTURES / "feeds"


def strings_of(doc: ParsedDocument) -> list[str]:
    """Every string the parser produced, for the no-control-character check."""
    out = [s for s in (doc.feed_title, doc.feed_url, doc.site_url) if s]
    out += doc.warnings
    for a in doc.articles:
        out += [s for s in (a.title, a.body, a.source, a.url, a.summary, a.author, a.guid, a.published_text) if s]
        out += a.tags
        out += [e.url for e in a.enclosures] + [e.type for e in a.enclosures if e.type]
    return out


# -- safety ---------------------------------------------------------------------


def test_external_entity_to_a_local_file_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42")
    uri = secret.as_uri()
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{uri}">'
        f'<!ENTITY % pe SYSTEM "{uri}"> %pe;]>'
        '<rss version="2.0"><channel><title>T &xxe;</title><item><title>I &xxe;</title>'
        "<description>D &xxe;</description></item></channel></rss>"
    ).encode()
    doc = parse(data)
    assert "TOPSECRET" not in repr(doc)
    assert doc.articles[0].title == "I"


def test_xinclude_is_not_processed(tmp_path):
    secret = tmp_path / "included.txt"
    secret.write_text("INCLUDED-SECRET")
    data = (
        '<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><item>'
        f'<title>x</title><description><xi:include href="{secret.as_uri()}" parse="text"/>after</description>'
        "</item></channel></rss>"
    ).encode()
    doc = parse(data)
    assert "INCLUDED-SECRET" not in repr(doc)


def test_entity_expansion_bomb_expands_nothing():
    entities = (
        '<!ENTITY a "'
        + "ha" * 50
        + '">'
        + "".join(f'<!ENTITY {c} "' + f"&{p};" * 10 + '">' for p, c in zip("abcdefgh", "bcdefghi"))
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<item><title>bomb &i;</title></item></channel></rss>"
    ).encode()
    doc = parse(data)
    assert doc.articles[0].title == "bomb"


def test_no_network_access_is_caused_by_a_document():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "LEAKED">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        data = (
            f'<?xml version="1.0"?><?xml-stylesheet href="{base}/style.xsl" type="text/xsl"?>'
            f'<!DOCTYPE rss SYSTEM "{base}/rss.dtd" [<!ENTITY ext SYSTEM "{base}/ext">'
            f'<!ENTITY % remote SYSTEM "{base}/remote.dtd"> %remote;]>'
            f'<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>t &ext;</title>'
            f'<item><title>i &leak;</title><xi:include href="{base}/inc"/></item></channel></rss>'
        ).encode()
        doc = parse(data, url=f"{base}/feed.xml")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert "LEAKED" not in repr(doc)


def test_doctype_after_the_root_is_not_a_dtd(tmp_path):
    secret = tmp_path / "late.txt"
    secret.write_text("LATE-SECRET")
    data = (
        f'<rss version="2.0"><channel><item><title>x</title></item></channel>'
        f'<!DOCTYPE rss [<!ENTITY s SYSTEM "{secret.as_uri()}">]><p>&s;</p></rss>'
    ).encode()
    try:
        doc = parse(data)
    except ParseError:
        return
    assert "LATE-SECRET" not in repr(doc)


def test_unsafe_links_are_dropped_with_a_warning():
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="file:///etc/">'
        b'<entry><title>a</title><link href="passwd"/></entry>'
        b'<entry><title>b</title><link href="javascript:alert(1)"/></entry>'
        b'<entry><title>c</title><link href="data:text/html,hi"/></entry>'
        b'<entry><title>d</title><link href="-https://e.example/"/></entry></feed>'
    )
    doc = parse(data)
    assert [a.url for a in doc.articles] == [None, None, None, None]
    warnings = " ".join(doc.warnings)
    assert "file:" in warnings and "javascript:" in warnings and "data:" in warnings


def test_control_characters_and_bidi_overrides_are_removed():
    data = (
        '<rss version="2.0"><channel><title>Feed\u202e</title><item>'
        "<title>Esc&#x1b;[31m red &#x9b; \u2066title</title><author>a\u0085b</author>"
        "<description>line\u2028two&#27;</description><category>\u200ftag</category></item></channel></rss>"
    )
    doc = parse(data.encode())
    assert not any(has_control(s) for s in strings_of(doc))


# -- properties -------------------------------------------------------------------


def _check(data: bytes) -> None:
    try:
        doc = parse(data, format="rss")
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(doc, ParsedDocument)
    assert not any(has_control(s) for s in strings_of(doc))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_document_or_a_parse_error(data):
    _check(data)


_VALID = (FEEDS / "rss20.xml").read_bytes()
_ATOM = (FEEDS / "atom10.xml").read_bytes()


_NASTY = [
    b"<",
    b"&",
    b"]]>",
    b"<![CDATA[",
    b"\x00",
    b"\x1b[2J",
    b"\xff\xfe",
    b"&#0;",
    b"\xc3",
    b"&bogus;",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"</item>",
    b"<item>",
    b'<link href="javascript:x"/>',
]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from([_VALID, _ATOM])))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "flip"]))
        at = draw(st.integers(0, len(data)))
        if op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(_NASTY)) + draw(st.binary(max_size=20))
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 500))]
        elif data:
            i = min(at, len(data) - 1)
            data[i] ^= draw(st.integers(1, 255))
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_feeds_give_a_document_or_a_parse_error(data):
    _check(data)
