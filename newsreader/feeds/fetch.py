"""HTTP fetching that a hostile server cannot hang, flood or confuse.

httpx does the HTTP (on :mod:`~newsreader.feeds.http_transport`'s connection
per request); this module adds what httpx leaves out (SECURITY.md, traps 7, 8):

* a **total deadline** per fetch (connect, headers and the whole body) with
  ``asyncio.timeout``, since httpx only times single reads and a server
  dripping one byte a second never trips those;
* a **size cap** on raw and on decoded bytes, enforced inside decompression
  (:class:`~newsreader.feeds.policy.BoundedBody`); we ask only for gzip and
  deflate and refuse stacked encodings;
* **redirects followed by hand**: at most ``max_redirects``, http/https only,
  loops detected, and a ``permanent_redirect`` reported only when every hop
  was a 301/308 (the caller moves a feed with
  :func:`~newsreader.feeds.policy.redirect_decision`);
* **conditional GETs** with validators stored verbatim; 410 and
  ``Retry-After`` reported so the caller can stop or back off;
* **concurrency limits**: ``concurrency`` in all, ``per_host`` per host name;
* optionally a **network backend** that decides where connections may go
  (:class:`~newsreader.feeds.address_guard.PublicAddressesOnly` for
  pictures); its refusals are reported as ``refused: …``.

``fetch()`` never raises for anything the network or the server does: every
failure is a :class:`FetchResult` with a sanitized one-line ``error`` and no
body. Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import DefaultCookiePolicy
from urllib.request import getproxies

# ``import httpx`` also loads its command-line tool (httpx._main) when click
# and rich are installed, which pulls in click, rich.progress and pygments:
# about a tenth of a second of a refresh's start for code it never runs.
# A None entry makes that import fail, and httpx then keeps its small stub.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None marks a failed import

import httpcore
import httpx

# httpcore asks ``import sniffio`` six times per request to learn which
# async library runs it. When sniffio is not installed each ask is a failed
# import that searches all of sys.path again, a large share of the CPU of a
# 304. Recording the absence once makes the answer immediate and the same:
# asyncio.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]  # None marks a failed import; typeshed allows only modules

from newsreader import __version__
from newsreader.feeds.address_guard import AddressRefused, transport_for
from newsreader.feeds.http_transport import StreamTransport, prepare_tls, tls_context
from newsreader.feeds.policy import (
    ACCEPT_ENCODING,
    PERMANENT_REDIRECT_CODES,
    REDIRECT_CODES,
    BodyError,
    BoundedBody,
    check_url,
    host_key,
    one_line,
    parse_retry_after,
    redirect_decision,
    redirect_target,
    shown_url,
    status_error,
    transport_error,
    visit_key,
)

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchRequest",
    "FetchResult",
    "Fetcher",
    "prepare_tls",
    "redirect_decision",
    "tls_context",
]

MiB = 1024 * 1024
DEFAULT_USER_AGENT = f"newsreader/{__version__} (+https://github.com/newsreader; terminal news reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)


@dataclass(slots=True)
class FetchRequest:
    """One address to fetch, with the validators saved from the last fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class FetchResult:
    """What one fetch produced. ``error`` is set exactly when ``body`` is unusable.

    ``body`` is bytes only for a 2xx answer that arrived whole and within the
    caps; otherwise None. ``etag``/``last_modified`` are the validators to
    store for the next conditional GET, verbatim (on a 304 that repeats
    none, the ones that were sent; None whenever ``error`` is set).
    ``permanent_redirect`` is the final address when every hop was 301/308
    and the answer was 2xx or 304.
    """

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    permanent_redirect: str | None = None
    retry_after: datetime | None = None
    gone: bool = False
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True for a fresh body or a 304."""
        return self.error is None


# httpcore's trace events -> what a timeout message says we were doing.
_PHASES = {
    "connection.connect_tcp.started": "connecting",
    "connection.start_tls.started": "setting up TLS",
    "http11.send_request_headers.started": "sending the request",
    "http11.receive_response_headers.started": "waiting for the response headers",
}


class _Attempt:
    """The result being built, kept so a timeout can still say what was known."""

    def __init__(self, url: str) -> None:
        self.result = FetchResult(url=url, final_url=url)
        self.phase = "waiting for a connection"
        self.received = 0
        self.hops = 0

    def refusal(self, exc: BaseException) -> str | None:
        """Why the network backend refused the connection, if it did."""
        if not isinstance(exc.__cause__, AddressRefused):
            return None
        return f"{'redirect refused' if self.hops else 'refused'}: {exc.__cause__}"

    async def trace(self, event: str, info: dict) -> None:
        """httpx's ``trace`` extension hook: follow the request's progress."""
        self.phase = _PHASES.get(event, self.phase)

    def fail(self, reason: str) -> None:
        # No validators either: storing the ETag of a body we never got
        # would turn every later fetch into a 304 for content we lack.
        self.result.body = None
        self.result.etag = self.result.last_modified = None
        self.result.error = one_line(reason, 300) or "failed"


ResultCallback = Callable[[FetchResult], "Awaitable[None] | None"]


class Fetcher:
    """An HTTP client for feeds and pages, used as ``async with Fetcher() as f``.

    ``deadline`` bounds each fetch from its first byte sent to its last byte
    read (time spent waiting for a free slot is not counted).
    ``max_bytes`` caps the body both as sent and as decoded. Connections
    are not reused unless ``reuse_connections``: a server that sends more
    than its Content-Length would otherwise have its extra bytes read as
    the answer to the next request on that connection (observed with
    httpx 0.28.1 / h11 0.16).
    """

    def __init__(
        self,
        *,
        concurrency: int = 16,
        per_host: int = 4,
        deadline: float = 20.0,
        max_bytes: int = 10 * MiB,
        max_redirects: int = 5,
        user_agent: str = DEFAULT_USER_AGENT,
        reuse_connections: bool = False,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        accept: str = ACCEPT,
    ) -> None:
        if concurrency < 1 or per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if deadline <= 0 or max_bytes < 1 or max_redirects < 0:
            raise ValueError("deadline and max_bytes must be positive, max_redirects not negative")
        self.concurrency = concurrency
        self.per_host = per_host
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self.reuse_connections = reuse_connections
        self.network_backend = network_backend
        self.accept = accept
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        limits = httpx.Limits(
            max_connections=self.concurrency,
            max_keepalive_connections=self.concurrency if self.reuse_connections else 0,
        )
        backend = self.network_backend
        if backend is not None:
            transport: httpx.AsyncBaseTransport | None = transport_for(backend, tls_context(), limits)
        elif not self.reuse_connections and not getproxies():
            # A connection per request without httpcore's pool; with a proxy
            # in the environment httpx's own transports, which route to it.
            transport = StreamTransport(tls_context())
        else:
            transport = None
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            # Per-phase limits as a backstop; the real bound is the deadline.
            timeout=httpx.Timeout(self.deadline),
            limits=limits,
            transport=transport,
            headers={
                "User-Agent": self.user_agent,
                "Accept": self.accept,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            event_hooks={"response": [_take_location]},
            verify=tls_context(),
        )
        # No cookie is ever stored or sent: feeds need none, and a jar shared
        # by every fetch would carry one site's state into later requests and
        # let sites track the reader. (httpx copies a jar passed as cookies=
        # into a fresh one with the default policy, so set it afterwards.)
        self._client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self._global = asyncio.Semaphore(self.concurrency)
        self._hosts = {}
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # ------------------------------------------------------------ one fetch

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch ``url``; send the validators for a conditional GET if given."""
        problem = check_url(url)
        if problem:
            return FetchResult(url=url, final_url=url, error=f"refused: {problem}")
        client = self._client
        if client is None:
            raise RuntimeError("Fetcher must be used as 'async with Fetcher() as fetcher'")
        async with self._slot(host_key(url)):
            attempt = _Attempt(url)
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.deadline):
                    await self._follow(client, attempt, etag, last_modified)
            except TimeoutError:
                got = f", {attempt.received:,} bytes received" if attempt.received else ""
                attempt.fail(f"timed out after {self.deadline:g} s while {attempt.phase}{got}")
            except BodyError as exc:
                attempt.fail(str(exc))
            except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
                attempt.fail(attempt.refusal(exc) or transport_error(exc))
            except Exception as exc:  # noqa: BLE001 - a library bug must not end a refresh
                attempt.fail(f"unexpected error: {type(exc).__name__}: {one_line(exc, 120)}")
            attempt.result.elapsed = time.monotonic() - started
            return attempt.result

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        # The host slot first: a task waiting for a busy host must not hold
        # one of the global slots other hosts could use.
        host_limit = self._hosts.get(host)
        if host_limit is None:
            host_limit = self._hosts[host] = asyncio.Semaphore(self.per_host)
        assert self._global is not None
        async with host_limit, self._global:
            yield

    async def _follow(
        self,
        client: httpx.AsyncClient,
        attempt: _Attempt,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        result = attempt.result
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = result.url
        visited = {visit_key(current)}
        hops = 0
        all_permanent = True
        while True:
            result.final_url = current
            attempt.phase = "waiting for a connection"
            async with client.stream("GET", current, headers=headers, extensions={"trace": attempt.trace}) as response:
                status = result.status = response.status_code
                # Not response.is_redirect: httpx counts 304 as a redirect.
                if status in REDIRECT_CODES:
                    target, problem = redirect_target(current, response.extensions.get(_LOCATION), status)
                    if target is not None and visit_key(target) in visited:
                        problem = f"redirect loop: {one_line(shown_url(target), 120)} was already visited"
                    elif target is not None and hops >= self.max_redirects:
                        problem = f"too many redirects (more than {self.max_redirects})"
                    if target is None or problem is not None:
                        attempt.fail(problem or f"redirect ({status}) refused")
                        return
                    hops = attempt.hops = hops + 1
                    all_permanent = all_permanent and status in PERMANENT_REDIRECT_CODES
                    visited.add(visit_key(target))
                    current = target
                    continue
                await self._answer(response, attempt, etag, last_modified)
            break
        if hops and all_permanent and result.error is None:
            result.permanent_redirect = current

    async def _answer(
        self,
        response: httpx.Response,
        attempt: _Attempt,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        """Fill the result from a final (non-redirect) response."""
        result = attempt.result
        status = response.status_code
        result.content_type = one_line(response.headers.get("content-type"), 200) or None
        result.etag = _validator(response.headers.get("etag"))
        result.last_modified = _validator(response.headers.get("last-modified"))
        if status == 304:
            result.not_modified = True
            result.etag = result.etag or etag
            result.last_modified = result.last_modified or last_modified
            return
        if 200 <= status < 300:
            result.body = await self._read_body(response, attempt)
            return
        if status == 410:
            result.gone = True
        elif status in (429, 503):
            result.retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
        attempt.fail(status_error(status, result.retry_after))

    async def _read_body(self, response: httpx.Response, attempt: _Attempt) -> bytes:
        declared = response.headers.get("content-length", "").strip()
        if declared.isascii() and declared.isdigit() and len(declared) < 20 and int(declared) > self.max_bytes:
            raise BodyError(f"body too large ({int(declared):,} bytes announced, limit {self.max_bytes:,})")
        body = BoundedBody(response.headers.get("content-encoding"), self.max_bytes)
        attempt.phase = "reading the body"
        # No chunk_size: aiter_raw(n) would hold bytes back until n arrive.
        async for chunk in response.aiter_raw():
            attempt.received += len(chunk)
            body.feed(chunk)
        return body.finish()

    # ------------------------------------------------------------ many fetches

    async def fetch_many(self, requests: Iterable[str | FetchRequest]) -> AsyncIterator[FetchResult]:
        """Fetch all ``requests`` concurrently; yield results as they finish.

        The limits of this Fetcher apply. Leaving the loop early cancels the
        fetches still running (wrap in ``contextlib.aclosing`` to make that
        happen at once rather than when the generator is collected).
        """
        queue: asyncio.Queue[FetchResult] = asyncio.Queue()

        async def run(request: FetchRequest) -> None:
            queue.put_nowait(await self._fetch_request(request))

        tasks = [asyncio.create_task(run(_as_request(r))) for r in requests]
        try:
            for _ in range(len(tasks)):
                yield await queue.get()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def fetch_all(
        self,
        requests: Iterable[str | FetchRequest],
        *,
        on_result: ResultCallback | None = None,
    ) -> list[FetchResult]:
        """Fetch all ``requests``; call ``on_result`` as each finishes.

        Returns the results in the order of ``requests``. ``on_result`` may
        be a plain function or a coroutine function.
        """

        async def run(request: FetchRequest) -> FetchResult:
            result = await self._fetch_request(request)
            if on_result is not None:
                outcome = on_result(result)
                if inspect.isawaitable(outcome):
                    await outcome
            return result

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(run(_as_request(r))) for r in requests]
        return [task.result() for task in tasks]

    async def _fetch_request(self, request: FetchRequest) -> FetchResult:
        return await self.fetch(request.url, etag=request.etag, last_modified=request.last_modified)


_LOCATION = "newsreader.location"


async def _take_location(response: httpx.Response) -> None:
    """Move Location out of httpx's sight.

    Even with redirects off, httpx builds the next request from Location and
    raises on addresses it cannot parse (``javascript:alert(1)``, an ESC),
    losing the status. Without the header it hands the response back
    untouched and :func:`~newsreader.feeds.policy.redirect_target` judges it.
    """
    locations = response.headers.get_list("location")
    if locations:
        del response.headers["location"]
        # Two Location headers: no single answer, so none.
        response.extensions[_LOCATION] = locations[0] if len(locations) == 1 else None


#: A validator longer than this is not stored or sent back: real ones are
#: short, and a server should not make every later request carry 100 KiB.
MAX_VALIDATOR_LENGTH = 1024


def _validator(value: str | None) -> str | None:
    return value if value and len(value) <= MAX_VALIDATOR_LENGTH else None


def _as_request(item: str | FetchRequest) -> FetchRequest:
    return item if isinstance(item, FetchRequest) else FetchRequest(item)
