"""Pictures connect only to the addresses that were checked (SECURITY.md, trap 12).

The names here resolve through a resolver the test controls (socket.getaddrinfo
replaced); every connection really made goes to the server on 127.0.0.1, and a
connection to a public address is recorded and failed, never attempted.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler

import httpcore
import pytest

from newsreader.feeds.image_cache import ImageCache
from newsreader.feeds.image_fetch import PictureOutcome, fetch_pictures
from tests.support.pictures import PictureServer, png

PUBLIC = "93.184.215.14"


class HostRecordingServer(PictureServer):
    """A picture server that also keeps the Host header of every request."""

    def __init__(self, routes) -> None:
        super().__init__(routes)
        self.hosts: list[str] = []

    def do_get(self, request: BaseHTTPRequestHandler, path: str) -> None:
        self.hosts.append(request.headers.get("Host", ""))
        super().do_get(request, path)


@pytest.fixture
def server():
    routes = {
        "/lead.png": (200, png(40, 20), {"Content-Type": "image/png"}),
        "/to-inside.png": (302, b"", {"Location": "http://inside.example/admin.png"}),
    }
    with HostRecordingServer(routes) as running:
        yield running


@pytest.fixture
def resolver(monkeypatch):
    """``answers[name]``: the addresses each lookup of ``name`` gets, in turn
    (the last one repeats); other names resolve as usual."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in answers:
            return real(host, port, *args, **kwargs)
        turns = answers[name]
        address = turns.pop(0) if len(turns) > 1 else turns[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 0)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def connections(monkeypatch):
    """The hosts httpcore was asked to connect to; public addresses fail at once."""
    made: list[str] = []
    real = httpcore.AnyIOBackend.connect_tcp

    async def connect_tcp(self, host, port, *args, **kwargs):
        made.append(host)
        try:
            public = ipaddress.ip_address(host).is_global
        except ValueError:
            public = False
        if public:
            raise httpcore.ConnectError("no network beyond 127.0.0.1 in tests")
        return await real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", connect_tcp)
    return made


def _fetch(urls, tmp_path, article_url) -> list[PictureOutcome]:
    got: list[PictureOutcome] = []
    fetch_pictures(
        urls,
        article_url=article_url,
        cache=ImageCache(tmp_path / "images", 10 * 1024 * 1024),
        on_picture=got.append,
        timeout=5,
    )
    return got


def _port(server) -> int:
    return server.httpd.server_address[1]


def test_a_name_that_changes_its_answer_is_connected_by_the_address_checked(server, resolver, connections, tmp_path):
    # DNS rebinding: public for the check, loopback for a second lookup.
    resolver["rebind.example"] = [PUBLIC, "127.0.0.1"]
    [outcome] = _fetch([f"http://rebind.example:{_port(server)}/lead.png"], tmp_path, "https://news.example.org/s")
    assert outcome.picture is None
    assert server.hits == {}  # the local server was never reached
    assert connections == [PUBLIC]  # one lookup, and the address it gave
    assert "could not connect" in (outcome.problem or "")


def test_a_name_with_a_private_address_is_refused_before_connecting(server, resolver, connections, tmp_path):
    resolver["mixed.example"] = ["10.1.2.3"]
    [outcome] = _fetch([f"http://mixed.example:{_port(server)}/lead.png"], tmp_path, "https://news.example.org/s")
    assert outcome.problem == "a private or local network address"
    assert connections == []


def test_a_redirect_to_a_name_with_a_private_address_is_refused(server, resolver, connections, tmp_path):
    resolver["pictures.example"] = ["127.0.0.1"]
    resolver["inside.example"] = ["192.168.1.1"]
    port = _port(server)
    [outcome] = _fetch([f"http://pictures.example:{port}/to-inside.png"], tmp_path, f"http://pictures.example:{port}/s")
    assert outcome.problem == "redirect refused: a private or local network address"
    assert connections == ["127.0.0.1"]  # the article's own host only


def test_the_own_host_is_connected_by_address_and_asked_by_name(server, resolver, connections, tmp_path):
    resolver["pictures.example"] = ["127.0.0.1"]
    port = _port(server)
    [outcome] = _fetch([f"http://pictures.example:{port}/lead.png"], tmp_path, f"http://pictures.example:{port}/s")
    assert outcome.picture is not None
    assert connections == ["127.0.0.1"]
    assert server.hosts == [f"pictures.example:{port}"]


def test_tls_names_the_host_not_the_address(resolver, connections, tmp_path):
    # A listener that keeps the first bytes a client sends: TLS's ClientHello,
    # whose server name extension is in the clear.
    listener = socket.create_server(("127.0.0.1", 0))
    hello: list[bytes] = []

    def accept_one() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            hello.append(conn.recv(4096))

    thread = threading.Thread(target=accept_one, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    resolver["secure.example"] = ["127.0.0.1"]
    try:
        [outcome] = _fetch([f"https://secure.example:{port}/a.png"], tmp_path, f"https://secure.example:{port}/s")
        thread.join(5)
    finally:
        listener.close()
    assert outcome.picture is None  # the listener speaks no TLS
    assert connections == ["127.0.0.1"]
    assert hello and b"secure.example" in hello[0]


def test_a_proxy_from_the_environment_is_not_used_for_pictures(server, resolver, connections, tmp_path, monkeypatch):
    # A proxy would look the name up again itself, after the check.
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    resolver["pictures.example"] = ["127.0.0.1"]
    port = _port(server)
    [outcome] = _fetch([f"http://pictures.example:{port}/lead.png"], tmp_path, f"http://pictures.example:{port}/s")
    assert outcome.picture is not None
    assert connections == ["127.0.0.1"]
