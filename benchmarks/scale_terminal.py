"""benchmarks/scale.py, part 1: the first screen through a real terminal.

``newsreader`` and the bare three-pane Textual app of
``../shared/bench/tx_app.py`` (used in place) are started in tmux panes of
their own tmux server and the screen is captured every 10 ms until their
first full screen is drawn; newsboat likewise, on request, on the same
articles (see scale.py for the whole procedure).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PYTHON = sys.executable
#: The benchmark's entry point: child processes (the in-app part, the feed
#: server) are this script run with an internal option.
SCALE = Path(__file__).with_name("scale.py")
SHARED_BENCH = REPO.parent / "shared" / "bench"

from datetime import UTC

from benchmarks.scale_app import tree
from benchmarks.scale_feeds import start_feed_server


def _tmux(sock: str, *args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, check=check).stdout


def _vm(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM", "VmRSS")):
                    name, value = line.split(":")
                    out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


def _bare_app_script(workdir: Path) -> Path | None:
    """A two-line launcher that runs tx_app.py's app in the terminal (it
    runs headless under run_test by itself); tx_app.py is used in place."""
    tx_app = SHARED_BENCH / "tx_app.py"
    if not tx_app.is_file():
        return None
    script = workdir / "bare_app.py"
    script.write_text(
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('tx_app', {str(tx_app)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "module.Reader(10, 10, 'listview').run()\n",
        encoding="utf-8",
    )
    return script


_OURS_READY = (re.compile(r"Headlines \(\d+"), re.compile(r"Unread \(\d+\)"), re.compile(r"[●★] \S"))
_BARE_READY = (re.compile(r"Feed 9 \(12/50\)"), re.compile(r"Article 9: a title"))


def first_screen(
    sock: str,
    command: str,
    env: dict[str, str],
    ready,
    *,
    session: str,
    timeout: float = 30.0,
    after=None,
    cwd: Path = REPO,
) -> dict:
    """Seconds from asking tmux for the pane to every ``ready`` pattern on screen."""
    env_args = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
    started = time.monotonic()
    # Started in the repository, so ``python -m newsreader`` runs this tree's code.
    for attempt in range(5):
        try:
            _tmux(sock, "new-session", "-d", "-s", session, "-x", "200", "-y", "50", "-c", str(cwd), *env_args, command)
            break
        except subprocess.CalledProcessError:
            # The tmux server quits with its last session and may still be
            # going away: ask again.
            if attempt == 4:
                raise
            time.sleep(0.2)
            started = time.monotonic()
    pid = int(_tmux(sock, "list-panes", "-t", session, "-F", "#{pane_pid}").split()[0])
    seconds = None
    screen = ""
    while time.monotonic() - started < timeout:
        screen = _tmux(sock, "capture-pane", "-p", "-t", session, check=False)
        if all(p.search(screen) for p in ready):
            seconds = time.monotonic() - started
            break
        time.sleep(0.01)
    result = {"seconds": seconds, "vm_first": _vm(pid)}
    if seconds is None:
        result["screen"] = screen
    if after is not None and seconds is not None:
        after(sock, session, pid, result)
    _tmux(sock, "send-keys", "-t", session, "q", check=False)
    end = time.monotonic() + 5
    while time.monotonic() < end and os.path.exists(f"/proc/{pid}") and _state(pid) != "Z":
        time.sleep(0.02)
    _tmux(sock, "kill-session", "-t", session, check=False)
    return result


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _short_session(sock: str, session: str, pid: int, result: dict) -> None:
    """Open a few articles and run a search, then read the peak RSS."""

    def keys(*k: str) -> None:
        _tmux(sock, "send-keys", "-t", session, *k, check=False)
        time.sleep(0.15)

    for _ in range(5):
        keys("j", "j")
        keys("Enter")
        time.sleep(0.3)
    keys("/")
    _tmux(sock, "send-keys", "-t", session, "-l", "council", check=False)
    keys("Enter")
    time.sleep(1.0)
    keys("Enter")
    time.sleep(0.5)
    result["vm_session"] = _vm(pid)


def run_first_screens(home: Path, runs: int, workdir: Path) -> dict:
    sock = f"nrscale{os.getpid()}"
    env = {"NEWSREADER_HOME": str(home), "TERM": "xterm-256color"}
    ours_cmd = f"exec {PYTHON} -m newsreader"
    bare = _bare_app_script(workdir)
    out: dict = {"ours": [], "bare": [], "ours_vm": [], "session_vm": None}
    try:
        # One untimed start of each warms the page cache and the .pyc files.
        first_screen(sock, ours_cmd, env, _OURS_READY, session="warm", cwd=tree())
        if bare:
            first_screen(sock, f"exec {PYTHON} {bare}", env, _BARE_READY, session="warmb")
        for i in range(runs):
            last = i == runs - 1
            r = first_screen(
                sock, ours_cmd, env, _OURS_READY, session=f"o{i}", after=_short_session if last else None, cwd=tree()
            )
            if r["seconds"] is None:
                print(
                    "newsreader: no first screen within 30 s; the screen showed:\n" + r.get("screen", ""),
                    file=sys.stderr,
                )
                continue
            out["ours"].append(r["seconds"])
            out["ours_vm"].append(r["vm_first"].get("VmHWM", 0) / 1024)
            if last:
                out["session_vm"] = r.get("vm_session", {}).get("VmHWM", 0) / 1024
            if bare:
                b = first_screen(sock, f"exec {PYTHON} {bare}", env, _BARE_READY, session=f"b{i}")
                if b["seconds"] is not None:
                    out["bare"].append(b["seconds"])
    finally:
        _tmux(sock, "kill-server", check=False)
    return out


_NB_READY = (re.compile(r"^\s*1\s.*\(\s*\d+/\d+\)", re.M),)


def export_feeds(home: Path, out: Path) -> int:
    """The home's articles as one RSS 2.0 file per source (for newsboat); returns the count."""
    import sqlite3
    from datetime import datetime
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    out.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{home / 'cache' / 'cache.sqlite3'}?mode=ro", uri=True)
    names = dict(conn.execute("SELECT id, name FROM sources"))
    written, current, items = 0, None, []

    def flush() -> None:
        if current is None:
            return
        (out / f"s{current}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(names[current])}</title>'
            f"<link>https://src{current}.example/</link><description>feed</description>{''.join(items)}</channel></rss>",
            encoding="utf-8",
        )

    for source_id, title, url, published_ts, body in conn.execute(
        "SELECT source_id, title, url, published_ts, body FROM articles ORDER BY source_id, published_ts DESC"
    ):
        if source_id != current:
            flush()
            current, items = source_id, []
        when = format_datetime(datetime.fromtimestamp(published_ts or 0, UTC))
        html = "<p>" + "</p><p>".join(escape(p) for p in (body or "").split("\n")) + "</p>"
        items.append(
            f"<item><title>{escape(title)}</title><link>{escape(url or '')}</link><guid>{escape(url or '')}</guid>"
            f"<pubDate>{when}</pubDate><description>{escape(html)}</description></item>"
        )
        written += 1
    flush()
    conn.close()
    return written


def run_newsboat(home: Path, workdir: Path) -> dict | None:
    """newsboat on the same articles: its cache filled by ``-x reload`` from a
    127.0.0.1 server, then its first screen in tmux as nb_tui.py measures it."""
    if shutil.which("newsboat") is None:
        print("newsboat is not installed (apt-get install -y newsboat): its row comes from RESULTS.md", file=sys.stderr)
        return None
    feeds = workdir / "nb-feeds"
    count = export_feeds(home, feeds)
    server, base = start_feed_server(feeds, workdir / "nb-port")
    try:
        urls = workdir / "nb-urls"
        urls.write_text("".join(f"{base}/{f.name}\n" for f in sorted(feeds.iterdir())), encoding="utf-8")
        conf = workdir / "nb.conf"
        conf.write_text("reload-threads 8\n", encoding="utf-8")
        db = workdir / "nb-cache.db"
        started = time.monotonic()
        subprocess.run(
            ["newsboat", "-u", str(urls), "-c", str(db), "-C", str(conf), "-x", "reload"],
            capture_output=True,
            timeout=900,
            check=False,
        )
        reload_s = time.monotonic() - started
        items = (
            subprocess.run(
                ["sqlite3", str(db), "SELECT count(*) FROM rss_item"], capture_output=True, text=True, check=False
            ).stdout.strip()
            if shutil.which("sqlite3")
            else "?"
        )
        sock = f"nbscale{os.getpid()}"
        try:
            r = first_screen(
                sock,
                f"exec newsboat -u {urls} -c {db} -C {conf}",
                {},
                _NB_READY,
                session="nb",
                timeout=300,
                cwd=workdir,
            )
        finally:
            _tmux(sock, "kill-server", check=False)
        return {
            "articles": count,
            "items": items,
            "reload_s": reload_s,
            "first_screen_s": r["seconds"],
            "vmhwm_mb": r["vm_first"].get("VmHWM", 0) / 1024,
            "size": db.stat().st_size,
        }
    finally:
        server.terminate()
        server.wait()


def newsboat_figure() -> tuple[float, str] | None:
    """newsboat's TUI first screen at 100k items, from the shared baselines."""
    results = SHARED_BENCH / "RESULTS.md"
    if not results.is_file():
        return None
    for line in results.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("TUI first screen") and cells[1] == "100,000":
            try:
                return float(cells[2].split()[0]), "newsboat 2.21, tmux 200x50, ../shared/bench/RESULTS.md"
            except ValueError:
                return None
    return None
