"""An article's pictures through the fetch policy, from a server on 127.0.0.1:
each hostile picture of issue 14 gets one clear, quiet outcome."""

from __future__ import annotations

import pytest

from newsreader.feeds.address_guard import address_problem
from newsreader.feeds.image_cache import ImageCache
from newsreader.feeds.image_fetch import PictureOutcome, fetch_pictures
from tests.support.pictures import SVG_WITH_SCRIPT, PictureServer, huge_png, png

PNG = png(40, 20)
HTML = b"<!DOCTYPE html><html><body>Sign in</body></html>"


@pytest.fixture
def server():
    routes = {
        "/lead.png": (200, PNG, {"Content-Type": "image/png"}),
        "/mislabelled.png": (200, PNG, {"Content-Type": "text/html"}),
        "/page.png": (200, HTML, {"Content-Type": "image/png"}),
        "/huge.png": (200, huge_png(50_000), {"Content-Type": "image/png"}),
        "/drawing.svg": (200, SVG_WITH_SCRIPT, {"Content-Type": "image/svg+xml"}),
        "/to-file.png": (302, b"", {"Location": "file:///etc/passwd"}),
        "/to-private.png": (302, b"", {"Location": "http://192.168.1.1/admin.png"}),
    }
    with PictureServer(routes) as running:
        yield running


def _fetch(server, paths, tmp_path, *, article_url=None, **options) -> dict[str, PictureOutcome]:
    got: list[PictureOutcome] = []
    fetch_pictures(
        [server.base + p for p in paths],
        article_url=article_url or server.base + "/story",
        cache=ImageCache(tmp_path / "images", 10 * 1024 * 1024),
        on_picture=got.append,
        timeout=5,
        **options,
    )
    return {o.url.removeprefix(server.base): o for o in got}


def test_a_picture_is_fetched_decoded_and_kept(server, tmp_path):
    first = _fetch(server, ["/lead.png"], tmp_path)["/lead.png"]
    assert first.picture is not None and first.picture.size == (40, 20)
    again = _fetch(server, ["/lead.png"], tmp_path)["/lead.png"]
    assert again.picture is not None
    assert server.hits["/lead.png"] == 1  # the second time from the disk cache


def test_the_format_comes_from_the_bytes_not_the_content_type(server, tmp_path):
    got = _fetch(server, ["/mislabelled.png", "/page.png"], tmp_path)
    assert got["/mislabelled.png"].picture is not None
    assert got["/page.png"].picture is None
    assert "web page" in (got["/page.png"].problem or "")


def test_hostile_pictures_get_one_quiet_reason_each(server, tmp_path):
    got = _fetch(server, ["/huge.png", "/drawing.svg", "/to-file.png", "/to-private.png"], tmp_path)
    assert all(o.picture is None for o in got.values())
    assert got["/huge.png"].problem.startswith("too large")
    assert "SVG" in got["/drawing.svg"].problem
    assert "file:" in got["/to-file.png"].problem
    assert "private or local network address" in got["/to-private.png"].problem
    assert all("\n" not in o.problem for o in got.values())


def test_a_refusal_is_kept_and_not_fetched_again(server, tmp_path):
    _fetch(server, ["/huge.png"], tmp_path)
    again = _fetch(server, ["/huge.png"], tmp_path)["/huge.png"]
    assert again.problem.startswith("too large")
    assert server.hits["/huge.png"] == 1


def test_a_public_article_cannot_make_the_reader_fetch_a_local_address(server, tmp_path):
    got = _fetch(server, ["/lead.png"], tmp_path, article_url="https://news.example.org/story")
    assert "private or local" in got["/lead.png"].problem
    assert "/lead.png" not in server.hits  # refused before any request


def test_a_picture_over_the_size_cap_is_too_large(server, tmp_path):
    got = _fetch(server, ["/lead.png"], tmp_path, fetcher_options={"max_bytes": 100})
    assert got["/lead.png"].problem.startswith("too large")


def test_an_article_with_2000_pictures_fetches_the_first_20(server, tmp_path):
    got = _fetch(server, [f"/lead.png?n={n}" for n in range(2000)], tmp_path)
    assert len(got) == 20
    assert server.hits["/lead.png"] == 20


def test_nothing_is_fetched_once_the_article_is_closed(server, tmp_path):
    assert _fetch(server, ["/lead.png"], tmp_path, wanted=lambda: False) == {}
    assert "/lead.png" not in server.hits


@pytest.mark.parametrize(
    ("host", "addresses", "refused"),
    [
        ("10.0.0.7", [], True),
        ("127.0.0.1", [], True),
        ("[::1]", [], True),
        ("::ffff:192.168.0.1", [], True),
        ("169.254.169.254", [], True),
        ("localhost", [], True),
        ("printer.local", [], True),
        ("93.184.215.14", [], False),
        ("pictures.example.org", ["93.184.215.14"], False),
        ("pictures.example.org", ["93.184.215.14", "192.168.1.1"], True),
        ("pictures.example.org", ["fe80::1%2"], True),
    ],
)
def test_the_address_rule(host, addresses, refused):
    assert (address_problem(host, addresses) is not None) is refused
