"""Connect only to public addresses, and only to the ones that were checked.

A picture's address comes from a stranger's feed, and fetching it costs the
reader no click (SECURITY.md, trap 12). :class:`PublicAddressesOnly` is an
httpcore network backend: for every connection it resolves the host name
once, refuses it when the name is a local one or any of its addresses is
private, loopback, link-local, reserved or multicast, and then connects to
those very addresses (IPv6 and IPv4 in turn, each started a quarter second
after the one before, as httpcore does when it resolves names itself).
Letting the HTTP library resolve the name a second time would let a name
that changes its answer in between (DNS rebinding) pass a check made on its
first answer.

Only the TCP connection uses the address: the request keeps its URL, so the
Host header, TLS's server name and the certificate check still use the host
name. Redirects open new connections and go through the same check. A
refusal is an :class:`AddressRefused`, which the fetcher reports as
``refused: …``. Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["AddressRefused", "PublicAddressesOnly", "address_problem", "connection_host", "transport_for"]

#: Names that are local by their suffix whatever they resolve to.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal")
#: What a refused address is called on the reader's line.
PRIVATE = "a private or local network address"


class AddressRefused(httpcore.ConnectError):
    """A connection not made because of where it would have gone."""


def _not_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _literal(host: str) -> str | None:
    """``host`` as an IP address when it is one (brackets allowed)."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return None
    return bare


def address_problem(host: str, addresses: Iterable[str] = ()) -> str | None:
    """None when ``host``, resolved to ``addresses``, is public, else why not.

    The name alone is judged first (``localhost``, ``*.local``…; an IP
    address written as the host), so such hosts need no lookup.
    """
    host = host.lower().rstrip(".")
    if not host:
        return "no host in the address"
    if host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return f"{host} is a local address"
    literal = _literal(host)
    if any(_not_public(a) for a in ([literal] if literal else addresses)):
        return PRIVATE
    return None


class PublicAddressesOnly(httpcore.AsyncNetworkBackend):
    """An httpcore backend that connects only to checked, public addresses.

    ``own_host`` (an IDNA host name as httpcore passes it, see
    :func:`connection_host`) is exempt from the rule: an article on a local
    site may show its own pictures. It is still resolved once and connected
    by address. ``inner`` makes the connections (httpcore's own by default).
    """

    def __init__(self, own_host: str = "", inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.own_host = own_host.lower()
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        exempt = host.lower() == self.own_host
        if not exempt and (problem := address_problem(host)):
            raise AddressRefused(problem)
        addresses = await _resolve(host, port, timeout)
        if not exempt and (problem := address_problem(host, addresses)):
            raise AddressRefused(problem)

        async def connect(address: str) -> httpcore.AsyncNetworkStream:
            return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)

        return await _first_connection(_interleaved(addresses), connect)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[tuple] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("a local socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


async def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses to connect to, in the resolver's order, each once."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        async with asyncio.timeout(timeout):
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"looking up {host} took too long") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    addresses: list[str] = []
    for family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if family == socket.AF_INET6 and len(sockaddr) > 3 and sockaddr[3]:
            address = f"{address}%{sockaddr[3]}"  # a link-local address needs its interface
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise httpcore.ConnectError(f"{host} has no address")
    return addresses


#: Seconds one address gets before the next is tried alongside it (RFC 8305's
#: "Happy Eyeballs" delay, as httpcore's own connections use when they resolve).
NEXT_ADDRESS_DELAY = 0.25


def _interleaved(addresses: list[str]) -> list[str]:
    """IPv6 and IPv4 addresses taken in turn, each family in the resolver's order."""
    six = [a for a in addresses if ":" in a]
    four = [a for a in addresses if ":" not in a]
    first, second = (six, four) if addresses[0] in six else (four, six)
    mixed = [a for pair in zip(first, second, strict=False) for a in pair]
    return mixed + first[len(second) :] + second[len(first) :]


async def _first_connection(
    addresses: list[str], connect: Callable[[str], Coroutine[Any, Any, httpcore.AsyncNetworkStream]]
) -> httpcore.AsyncNetworkStream:
    """The first of ``addresses`` to connect, each started
    :data:`NEXT_ADDRESS_DELAY` after the one before (at once when that one
    failed), so an address that never answers does not hold up the others.
    The losers are cancelled or closed; when all fail, the last failure is raised."""
    waiting = list(addresses)
    running: set[asyncio.Task[httpcore.AsyncNetworkStream]] = set()
    failure: BaseException | None = None
    winner: httpcore.AsyncNetworkStream | None = None
    try:
        while winner is None and (waiting or running):
            if waiting:
                running.add(asyncio.create_task(connect(waiting.pop(0))))
            done, running = await asyncio.wait(
                running, timeout=NEXT_ADDRESS_DELAY if waiting else None, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                if task.exception() is not None:
                    failure = task.exception()
                elif winner is None:
                    winner = task.result()
                else:
                    await task.result().aclose()
    finally:
        for task in running:
            task.cancel()
        for late in await asyncio.gather(*running, return_exceptions=True):
            if isinstance(late, httpcore.AsyncNetworkStream):
                await late.aclose()
    if winner is None:
        raise failure or httpcore.ConnectError("no address to connect to")
    return winner


def connection_host(url: str) -> str:
    """The host of ``url`` as the connection sees it (IDNA, lower case), or ''."""
    try:
        return httpx.URL(url).raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError, TypeError):
        return ""


class _BackendTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that uses ``backend``.

    httpx has no parameter for the network backend, so the pool it builds
    is replaced by one built the same way with the backend added. No
    proxy from the environment is used: a proxy would resolve the name
    itself, after the check.
    """

    def __init__(
        self, backend: httpcore.AsyncNetworkBackend, ssl_context: ssl.SSLContext, limits: httpx.Limits
    ) -> None:
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def transport_for(
    backend: httpcore.AsyncNetworkBackend, ssl_context: ssl.SSLContext, limits: httpx.Limits
) -> httpx.AsyncBaseTransport:
    """An httpx transport whose connections are made by ``backend``."""
    return _BackendTransport(backend, ssl_context, limits)
