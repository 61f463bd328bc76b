"""Measuring one refresh process, and the feed server, for ``refresh_vs_newsboat.py``.

``measure`` runs a command once and reports its wall time, CPU time (its own
and its reaped children's), peak RSS (``ru_maxrss``) and the peak of the
summed PSS of its whole process tree. ``Server`` runs the peer harness's
``serve.py`` on a free port; ``corpus_urls`` generates its corpus when needed
and ``spread`` gives every feed a loopback host of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    program: str
    phase: str
    wall: float = 0.0
    cpu: float = 0.0
    maxrss_mib: float = 0.0
    tree_pss_mib: float = 0.0
    rc: int = 0
    load: float = 0.0  # 1-minute load average just before the run (other work on the machine)
    server: dict = field(default_factory=dict)
    note: str = ""
    feeds: int = 0

    @property
    def memory(self) -> float:
        return max(self.maxrss_mib, self.tree_pss_mib)


# ------------------------------------------------------------ measuring


def _children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _pss_kib(pid: int) -> int:
    """Proportional set size: private pages plus a share of the shared ones.

    Forked worker processes share most of their pages with the parent;
    summing RSS would count those once per process.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed PSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            tree = _children_of()
            pending, total = [self.pid], 0
            while pending:
                pid = pending.pop()
                total += _pss_kib(pid)
                pending.extend(tree.get(pid, ()))
            self.peak_kib = max(self.peak_kib, total)
            self.stopping.wait(self.interval)


def measure(
    program: str, phase: str, cmd: list[str], *, env: dict | None = None, timeout: float = 1800, log: Path | None = None
) -> Run:
    """Run ``cmd`` once: wall, CPU and peak RSS of the whole process (as runcmd.py)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below, or DEVNULL
    try:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, 9)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.monotonic() - started
        sampler.stopping.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    return Run(
        program,
        phase,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mib=usage.ru_maxrss / 1024,
        tree_pss_mib=sampler.peak_kib / 1024,
        rc=proc.returncode,
    )


# ------------------------------------------------------------ the server


class Server:
    """serve.py from the harness, on a free port, stopped by its PID."""

    def __init__(self, bench: Path, corpus_root: Path, work: Path, latency_ms: float, *, bind: str) -> None:
        self.port_file = work / "server.port"
        self.pid_file = work / "server.pid"
        self.port_file.unlink(missing_ok=True)
        self.log = open(work / "server.log", "ab")  # noqa: SIM115 - the server's whole life; closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(bench / "serve.py"),
                "--dir",
                str(corpus_root),
                "--port",
                "0",
                "--latency-ms",
                str(latency_ms),
                "--bind",
                bind,
                "--port-file",
                str(self.port_file),
                "--pid-file",
                str(self.pid_file),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 20
        while not self.port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"serve.py did not start (see {work / 'server.log'})")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text().strip())
        self.base = f"http://127.0.0.1:{self.port}"

    def control(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=10) as answer:
            return answer.read().decode()

    def stats(self) -> dict:
        data = json.loads(self.control("/__stats"))
        return {k: v for k, v in data.items() if k.isdigit()}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ------------------------------------------------------------ the corpus


def spread(urls: list[str]) -> list[str]:
    """Each feed on a loopback host of its own, as ``gen_feeds.py --spread-hosts`` does."""
    return [url.replace("//127.0.0.1:", f"//127.0.{i // 250}.{i % 250 + 2}:", 1) for i, url in enumerate(urls)]


def corpus_urls(bench: Path, corpus: Path, feeds: int, items: int, base: str) -> list[str]:
    manifest = corpus / "manifest.json"
    fresh_enough = False
    if manifest.exists():
        data = json.loads(manifest.read_text())
        fresh_enough = data.get("n", 0) >= feeds and data.get("m") == items and str(data.get("seed")) == "42"
    if not fresh_enough:
        print(f"generating the corpus in {corpus} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(bench / "gen_feeds.py"),
                "--out",
                str(corpus),
                "-n",
                str(max(feeds, 1000)),
                "-m",
                str(items),
                "--seed",
                "42",
                "--jobs",
                "2",
            ],
            check=True,
        )
        data = json.loads(manifest.read_text())
    return [f"{base}/{corpus.name}/{entry['file']}" for entry in data["feeds"][:feeds]]


def warm_server(server: Server, urls: list[str]) -> None:
    """Have the server read every file once (it keeps them in memory), at 0 ms."""
    server.control("/__set?latency_ms=0")

    def get(url: str) -> None:
        with urllib.request.urlopen(url, timeout=30) as answer:
            answer.read()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(get, urls))
