"""benchmarks/scale.py, the feeds of its refresh: a static file server on
127.0.0.1 in a child process, and generated feeds for the first sources of
the copied home (config.toml and the sources pointed at them)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

#: The benchmark's entry point: the feed server is ``scale.py --serve``.
SCALE = Path(__file__).with_name("scale.py")


def serve(directory: Path, port_file: Path) -> None:
    """A static file server on 127.0.0.1 (a separate process, so its work
    never shares the app's interpreter lock)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    port_file.write_text(str(httpd.server_address[1]))
    httpd.serve_forever()


def start_feed_server(directory: Path, port_file: Path) -> tuple[subprocess.Popen, str]:
    """``scale.py --serve directory`` in a child process, and its base URL
    once it listens on 127.0.0.1."""
    port_file.unlink(missing_ok=True)
    server = subprocess.Popen([sys.executable, str(SCALE), "--serve", str(directory), "--port-file", str(port_file)])
    deadline = time.monotonic() + 10
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline:
            server.kill()
            raise RuntimeError("the feed server did not start")
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port_file.read_text()}"


def prepare_refresh(home: Path, feeds_dir: Path, count: int, items: int) -> tuple[list[str], subprocess.Popen, str]:
    """Serve ``count`` feeds of ``items`` new articles each for the first
    sources of the copied home, and point those sources and config.toml at them."""
    import random
    import sqlite3
    from datetime import datetime
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    from benchmarks.gen_cache import Writer

    feeds_dir.mkdir(parents=True, exist_ok=True)
    server, base = start_feed_server(feeds_dir, feeds_dir.parent / "port")
    rng = random.Random(99)
    writer = Writer(rng)
    now = datetime.now(UTC)
    db = sqlite3.connect(str(home / "cache" / "cache.sqlite3"), isolation_level=None)
    rows = db.execute("SELECT id, name FROM sources WHERE kind = 'feed' ORDER BY id LIMIT ?", (count,)).fetchall()
    urls = []
    db.execute("BEGIN")
    for source_id, name in rows:
        url = f"{base}/f{source_id}.xml"
        urls.append(url)
        db.execute("UPDATE sources SET key = ?, feed_url = ? WHERE id = ?", ("feed:" + url, url, source_id))
        entries = []
        for n in range(items):
            link = f"https://fresh{source_id}.example/{n}"
            lede = writer.sentence() + " " + writer.sentence()
            body = writer.body([lede], rng.randint(120, 300)).replace("\n", "</p><p>")
            entries.append(
                f"<item><title>{escape(writer.title())}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{format_datetime(now)}</pubDate><description>{escape('<p>' + body + '</p>')}</description></item>"
            )
        (feeds_dir / f"f{source_id}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(name)}</title>'
            f"<link>https://src{source_id}.example/</link><description>d</description>{''.join(entries)}</channel></rss>",
            encoding="utf-8",
        )
    db.execute("COMMIT")
    db.close()
    config = home / "config" / "config.toml"
    feeds = "".join(f'[[feed]]\nurl = "{u}"\n\n' for u in urls)
    config.write_text(feeds + "[fetch]\nrefresh_on_start = false\n", encoding="utf-8")
    return urls, server, base
