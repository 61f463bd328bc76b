"""PublicAddressesOnly: one lookup, checked, then a race over exactly those addresses.

No real connection is made: the backend under it is a stand-in that answers,
fails or never answers per address, and socket.getaddrinfo is replaced.
"""

from __future__ import annotations

import asyncio
import socket

import httpcore
import pytest

from newsreader.feeds.address_guard import AddressRefused, PublicAddressesOnly, _interleaved, connection_host

V6 = "2606:4700:4700::1111"
V4 = "93.184.215.14"
V4_OTHER = "93.184.215.15"


class Stream(httpcore.AsyncNetworkStream):
    def __init__(self, address: str, closed: list[str]) -> None:
        self.address = address
        self.closed = closed

    async def aclose(self) -> None:
        self.closed.append(self.address)


class StandIn(httpcore.AsyncNetworkBackend):
    """``answers[address]``: "ok", "fail" or "never"."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.started: list[str] = []
        self.cancelled: list[str] = []
        self.closed: list[str] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.started.append(host)
        answer = self.answers[host]
        if answer == "fail":
            raise httpcore.ConnectError(f"{host}: connection refused")
        if answer == "never":
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled.append(host)
                raise
        return Stream(host, self.closed)


class Resolver:
    """Stands in for socket.getaddrinfo: ``answers[name]`` is what every
    lookup of ``name`` gets; ``asked`` lists the names looked up."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.asked.append(host)
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in self.answers[host]]


@pytest.fixture
def lookups(monkeypatch) -> Resolver:
    resolver = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    return resolver


def _connect(backend: PublicAddressesOnly, host: str):
    async def run():
        async with asyncio.timeout(5):  # a backend that waited on a silent address forever
            return await backend.connect_tcp(host, 443)

    return asyncio.run(run())


def test_an_address_that_never_answers_does_not_hold_up_the_next(lookups):
    lookups.answers["pictures.example"] = [V6, V4]
    inner = StandIn({V6: "never", V4: "ok"})
    stream = _connect(PublicAddressesOnly(inner=inner), "pictures.example")
    assert stream.address == V4
    assert inner.started == [V6, V4]
    assert inner.cancelled == [V6]
    assert lookups.asked == ["pictures.example"]  # one lookup for the check and the connection


def test_a_failed_address_gives_way_to_the_next(lookups):
    lookups.answers["pictures.example"] = [V4, V4_OTHER]
    inner = StandIn({V4: "fail", V4_OTHER: "ok"})
    assert _connect(PublicAddressesOnly(inner=inner), "pictures.example").address == V4_OTHER


def test_when_every_address_fails_the_last_failure_is_raised(lookups):
    lookups.answers["pictures.example"] = [V4, V4_OTHER]
    inner = StandIn({V4: "fail", V4_OTHER: "fail"})
    with pytest.raises(httpcore.ConnectError, match=r"93\.184\.215\.15: connection refused"):
        _connect(PublicAddressesOnly(inner=inner), "pictures.example")


def test_one_private_address_refuses_the_name_before_any_connection(lookups):
    lookups.answers["mixed.example"] = [V4, "10.0.0.8"]
    inner = StandIn({})
    with pytest.raises(AddressRefused, match="a private or local network address"):
        _connect(PublicAddressesOnly(inner=inner), "mixed.example")
    assert inner.started == []


def test_a_local_name_is_refused_without_a_lookup(lookups):
    with pytest.raises(AddressRefused, match=r"router\.local is a local address"):
        _connect(PublicAddressesOnly(inner=StandIn({})), "router.local")
    assert lookups.asked == []


def test_the_own_host_may_be_private_and_is_still_connected_by_address(lookups):
    lookups.answers["intranet.example"] = ["10.0.0.8"]
    inner = StandIn({"10.0.0.8": "ok"})
    assert _connect(PublicAddressesOnly("intranet.example", inner=inner), "intranet.example").address == "10.0.0.8"


def test_unix_sockets_are_refused():
    with pytest.raises(AddressRefused):
        asyncio.run(PublicAddressesOnly(inner=StandIn({})).connect_unix_socket("/run/docker.sock"))


def test_address_families_take_turns():
    assert _interleaved(["::1", "::2", "::3", "1.1.1.1"]) == ["::1", "1.1.1.1", "::2", "::3"]
    assert _interleaved(["1.1.1.1", "1.1.1.2", "::1"]) == ["1.1.1.1", "::1", "1.1.1.2"]


def test_the_own_host_is_named_as_the_connection_names_it():
    # httpcore hands the backend the IDNA form: an article on a host with
    # non-ASCII letters must still be exempt for its own pictures.
    assert connection_host("https://Bücher.example:8443/story") == "xn--bcher-kva.example"
    assert connection_host("http://[::1]:8080/a") == "::1"
    assert connection_host("not a url") == ""
