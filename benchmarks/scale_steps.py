"""The app's memory step by step through scale.py's short session.

Starts ``python -m newsreader`` in a tmux pane on a copy of ``--home`` (its
refresh at start switched off, as scale.py does), waits for the first screen,
then takes the steps of scale_terminal._short_session (open 5 articles, a
search, open its first hit) and after each prints the process's VmRSS and
VmHWM, its threads, its open handles on the cache file (one per SQLite
connection: each keeps its own page caches), its anonymous memory, and
whether Pillow's libraries are mapped (they come with the first picture).

    python benchmarks/scale_steps.py --home DIR [--tree CHECKOUT]

With ``--tree`` (run with that checkout's venv python) another checkout's
code is measured, e.g. the base commit's worktree; run both alternately.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.scale_terminal import _OURS_READY, _tmux, _vm


def _footprint(pid: int, home: Path) -> str:
    """Threads, cache-file handles and anonymous resident memory of ``pid``."""
    threads = len(os.listdir(f"/proc/{pid}/task"))
    cache_file = str(home / "cache" / "cache.sqlite3")
    handles = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            handles += os.readlink(f"/proc/{pid}/fd/{fd}") == cache_file
        except OSError:
            continue
    anon_kb, name, pillow = 0, "", False
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and not fields[0].endswith(":"):
                name = fields[5] if len(fields) > 5 else "[anon]"
                pillow = pillow or "/PIL/" in name  # Pillow's libraries are mapped: pictures were drawn
            elif fields[0] == "Rss:" and name in ("[anon]", "[heap]"):
                anon_kb += int(fields[1])
    return (
        f"threads {threads}, cache connections {handles}, anonymous {anon_kb / 1024:.1f} MB, "
        f"Pillow {'loaded' if pillow else 'not loaded'}"
    )


def run(home: Path, tree: Path) -> None:
    sock = f"nrsteps{os.getpid()}"
    env = ["-e", f"NEWSREADER_HOME={home}", "-e", "TERM=xterm-256color"]
    command = f"exec {sys.executable} -m newsreader"
    _tmux(sock, "new-session", "-d", "-s", "s", "-x", "200", "-y", "50", "-c", str(tree), *env, command)
    pid = int(_tmux(sock, "list-panes", "-t", "s", "-F", "#{pane_pid}").split()[0])
    try:
        started = time.monotonic()
        while time.monotonic() - started < 30:
            screen = _tmux(sock, "capture-pane", "-p", "-t", "s", check=False)
            if all(p.search(screen) for p in _OURS_READY):
                break
            time.sleep(0.01)
        else:
            print("no first screen within 30 s", file=sys.stderr)
            return

        def show(step: str) -> None:
            vm = _vm(pid)
            print(
                f"{step:22s} VmRSS {vm.get('VmRSS', 0) / 1024:5.1f} MB  VmHWM {vm.get('VmHWM', 0) / 1024:5.1f} MB  "
                + _footprint(pid, home),
                flush=True,
            )

        def keys(*names: str) -> None:
            _tmux(sock, "send-keys", "-t", "s", *names, check=False)
            time.sleep(0.15)

        show("first screen")
        for i in range(5):
            keys("j", "j")
            keys("Enter")
            time.sleep(0.3)
            show(f"article {i + 1} opened")
        keys("/")
        _tmux(sock, "send-keys", "-t", "s", "-l", "council", check=False)
        keys("Enter")
        time.sleep(1.0)
        show("search")
        keys("Enter")
        time.sleep(0.5)
        show("its first hit opened")
        _tmux(sock, "send-keys", "-t", "s", "q", check=False)
        time.sleep(1.0)
    finally:
        _tmux(sock, "kill-server", check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a folder made by benchmarks/gen_cache.py")
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout whose code runs (default: this one)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="nr-steps-"))
    try:
        copy = workdir / "home"
        shutil.copytree(args.home, copy, ignore=shutil.ignore_patterns("*.lock"))
        with (copy / "config" / "config.toml").open("a", encoding="utf-8") as config:
            config.write("\n[fetch]\nrefresh_on_start = false\n")
        print(f"{args.tree.resolve()} on a copy of {args.home}, python {sys.executable}")
        run(copy, args.tree.resolve())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
