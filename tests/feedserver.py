"""A well-behaved feed server on 127.0.0.1 for refresh tests.

Serves ``/feed/<n>.xml`` (RSS with a few invented items), ``/page.html``
(a page that links to a feed), ``/article.html`` (an article page with no
feed), with ETag / Last-Modified and 304s, optional latency, and counters of
200s and 304s. Feeds can be changed, broken or removed while it runs.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class FeedServer:
    def __init__(self, feeds: int = 3, latency: float = 0.0) -> None:
        self.bodies: dict[str, bytes] = {f"/feed/{n}.xml": feed_xml(n) for n in range(feeds)}
        self.statuses: dict[str, int] = {}
        self.latency = latency
        self.counts = {"200": 0, "304": 0}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # noqa: ANN002
                return

            def do_GET(self) -> None:  # noqa: N802
                if server.latency:
                    time.sleep(server.latency)
                path = self.path.split("?", 1)[0]
                status = server.statuses.get(path)
                if status:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path == "/page.html":
                    body = (b'<!DOCTYPE html><html><head><title>Harbour Office</title>'
                            b'<link rel="alternate" type="application/rss+xml" title="Notices" href="/feed/0.xml">'
                            b"</head><body><p>Welcome.</p></body></html>")
                    return self._send(body, "text/html; charset=utf-8")
                if path == "/article.html":
                    return self._send(ARTICLE_HTML, "text/html; charset=utf-8")
                body = server.bodies.get(path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    with server.lock:
                        server.counts["304"] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                with server.lock:
                    server.counts["200"] += 1
                self._send(body, "application/rss+xml", etag)

            def _send(self, body: bytes, content_type: str, etag: str | None = None) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", LAST_MODIFIED)
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, n: int) -> str:
        return f"{self.base}/feed/{n}.xml"

    def __enter__(self) -> "FeedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
