"""Local HTTP servers on 127.0.0.1 for tests that fetch.

:class:`LocalServer` is the threaded server itself (a free port, HTTP/1.1,
no logging, a context manager); a subclass says what a GET answers.

:class:`FeedServer`, a well-behaved feed server for refresh tests, serves
``/feed/<n>.xml`` (RSS with a few invented items), ``/page.html`` (a page
that links to a feed), ``/article.html`` (an article page with no feed),
with ETag / Last-Modified and 304s, optional latency, and counters of 200s
and 304s. Feeds can be changed, broken or removed while it runs.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

LAST_MODIFIED = "Tue, 24 Nov 2026 08:00:00 GMT"


def feed_xml(n: int, items: int = 3, version: int = 1) -> bytes:
    entries = "".join(
        f"<item><title>Harbour notice {n}.{i} (v{version})</title>"
        f"<link>http://news.example/{n}/{i}</link><guid>n{n}-i{i}</guid>"
        f"<pubDate>Tue, 24 Nov 2026 0{i % 10}:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Notice {i} from harbour office {n}: berth {i + n} is open again.&lt;/p&gt;</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Office {n}</title><link>http://news.example/{n}/</link>{entries}</channel></rss>"
    ).encode()


ARTICLE_HTML = b"""<!DOCTYPE html><html><head><title>Lighthouse keepers return - Lakeside Herald</title>
<meta property="og:site_name" content="Lakeside Herald">
<meta property="article:published_time" content="2026-11-25T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav><article><h1>Lighthouse keepers return</h1>
<p>For the first time in forty years, keepers will live at the Skerry Point lighthouse over the winter, the heritage trust said on Tuesday.</p>
<p>Two volunteers will stay in the keepers' cottage from December to March, logging the weather and guiding visitors along the causeway.</p>
<p>The trust said the scheme would help it look after the building, which was restored last year with a heritage grant.</p>
</article><footer>Lakeside Herald</footer></body></html>"""


class LocalServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that answers every GET with
    :meth:`do_get`; start and stop it with ``with``."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                return

            def do_GET(self) -> None:
                server.do_get(self, self.path.split("?", 1)[0])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def do_get(self, request: BaseHTTPRequestHandler, path: str) -> None:
        raise NotImplementedError

    @staticmethod
    def send(
        request: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        """One whole response: status, the headers given, Content-Length, body."""
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        if status != 304:
            request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


_FEED_PAGE = (
    b"<!DOCTYPE html><html><head><title>Harbour Office</title>"
    b'<link rel="alternate" type="application/rss+xml" title="Notices" href="/feed/0.xml">'
    b"</head><body><p>Welcome.</p></body></html>"
)


class FeedServer(LocalServer):
    def __init__(self, feeds: int = 3, latency: float = 0.0) -> None:
        super().__init__()
        self.bodies: dict[str, bytes] = {f"/feed/{n}.xml": feed_xml(n) for n in range(feeds)}
        self.statuses: dict[str, int] = {}
        self.latency = latency
        self.counts = {"200": 0, "304": 0}
        self.lock = threading.Lock()

    def do_get(self, request: BaseHTTPRequestHandler, path: str) -> None:
        if self.latency:
            time.sleep(self.latency)
        status = self.statuses.get(path)
        if status:
            return self.send(request, status)
        html = {"Content-Type": "text/html; charset=utf-8", "Last-Modified": LAST_MODIFIED}
        if path == "/page.html":
            return self.send(request, 200, _FEED_PAGE, html)
        if path == "/article.html":
            return self.send(request, 200, ARTICLE_HTML, html)
        body = self.bodies.get(path)
        if body is None:
            return self.send(request, 404)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            with self.lock:
                self.counts["304"] += 1
            return self.send(request, 304, headers={"ETag": etag})
        with self.lock:
            self.counts["200"] += 1
        self.send(
            request, 200, body, {"Content-Type": "application/rss+xml", "Last-Modified": LAST_MODIFIED, "ETag": etag}
        )

    def url(self, n: int) -> str:
        return f"{self.base}/feed/{n}.xml"
