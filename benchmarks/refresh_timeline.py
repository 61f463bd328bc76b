#!/usr/bin/env python3
"""Where the time of one refresh goes: a timeline per process and thread.

Serves ``--feeds`` generated feeds x 50 items as ``refresh_vs_newsboat.py``
does (a loopback host per feed, 50 ms latency) and runs ``newsreader
refresh`` once on an empty cache, with events logged by wrappers put around
the refresh's stages before it starts (the code itself is not changed):
each fetch (waiting for a slot, then on the wire), each parse in the worker,
each feed stored and each storing transaction. Meanwhile the CPU time of
every thread of the process tree is sampled from ``/proc`` every 20 ms.

Prints the milestones (start-up, first request, first parse, last fetch,
last parse, last store, exit) and, per ``--bin`` seconds, each thread's and
worker's share of a core with what was in flight: where a core sat idle
and why.

    python benchmarks/refresh_timeline.py                 # 200 feeds, this checkout
    python benchmarks/refresh_timeline.py --tree ../wt-x  # another checkout
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.refresh_measure import Server, corpus_urls, spread, warm_server
from benchmarks.refresh_vs_newsboat import DEFAULT_BENCH, DEFAULT_WORK, write_newsreader_config

#: Run in the refresh process: wrap the stages, log each event as a line
#: (monotonic time, pid, thread id, event, feed) to a file per process.
INSTRUMENTED = r"""
import os, sys, threading, time
_t0 = time.monotonic()
_prefix = os.environ["NR_TIMELINE"]
_fds = {}

def event(kind, key=""):
    pid = os.getpid()
    fd = _fds.get(pid)
    if fd is None:
        fd = _fds[pid] = os.open(f"{_prefix}.{pid}", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    line = f"{time.monotonic():.6f}\t{pid}\t{threading.get_native_id()}\t{kind}\t{key}\n"
    os.write(fd, line.encode())

event("python", f"{_t0:.6f}")

# CPU by where it goes, per process (printed by cpu_split): each thread's
# own CPU time around the stages, the pickling across the worker's pipe and
# the collector's passes (these last fall inside the others).
import gc, json
import multiprocessing.reduction as _reduction
_cpu = {}

def _add(name, seconds):
    _cpu[name] = _cpu.get(name, 0.0) + seconds

_gc_start = [0.0]
def _gc_timer(phase, info):
    if phase == "start":
        _gc_start[0] = time.thread_time()
    else:
        _add("gc", time.thread_time() - _gc_start[0])
gc.callbacks.append(_gc_timer)

_dumps = _reduction.ForkingPickler.dumps.__func__
def _timed_dumps(cls, obj, protocol=None):
    t = time.thread_time()
    data = _dumps(cls, obj, protocol)
    _add("pickle", time.thread_time() - t)
    _add("pickled MB", len(data) / 1e6)
    return data
_reduction.ForkingPickler.dumps = classmethod(_timed_dumps)
_loads = _reduction.ForkingPickler.loads
def _timed_loads(*args, **kwargs):
    t = time.thread_time()
    try:
        return _loads(*args, **kwargs)
    finally:
        _add("unpickle", time.thread_time() - t)
_reduction.ForkingPickler.loads = staticmethod(_timed_loads)

def cpu_event(role):
    times = os.times()
    event("cpu", json.dumps({"role": role, "user": times.user, "sys": times.system, **_cpu}))

import newsreader.feeds.fetch as fetching
import newsreader.feeds.refresh as refreshing
try:
    import newsreader.feeds.refresh_workers as workers
except ImportError:  # a checkout from before the fetch worker
    workers = None
event("imported")

def _wrap_async(cls, name, kind):
    inner = getattr(cls, name)
    async def wrapper(self, *args, **kwargs):
        key = args[1].result.url if kind == "wire" else (args[0] if args else "")
        event(kind + "+", str(key))
        try:
            return await inner(self, *args, **kwargs)
        finally:
            event(kind + "-", str(key))
    setattr(cls, name, wrapper)

_wrap_async(fetching.Fetcher, "fetch", "fetch")
_wrap_async(fetching.Fetcher, "_follow", "wire")

_parse = refreshing.parse_feed_body
def parse_feed_body(body, url):
    event("parse+", url)
    t = time.thread_time()
    try:
        return _parse(body, url)
    finally:
        _add("parse", time.thread_time() - t)
        event("parse-", url)
parse_feed_body.__module__ = "newsreader.feeds.refresh"
parse_feed_body.__qualname__ = "parse_feed_body"
refreshing.parse_feed_body = parse_feed_body

def _wrap(cls, name, kind, key):
    inner = getattr(cls, name)
    def wrapper(self, *args, **kwargs):
        event(kind + "+", key(args))
        t = time.thread_time()
        try:
            return inner(self, *args, **kwargs)
        finally:
            _add(kind, time.thread_time() - t)
            event(kind + "-", key(args))
    setattr(cls, name, wrapper)

_wrap(refreshing.Refresher, "_store", "store", lambda a: a[0].url)
_wrap(refreshing.Refresher, "_store_batch", "batch", lambda a: "")
_wrap(refreshing.Refresher, "_prepare", "prepare", lambda a: "")
_run = refreshing.Refresher.run
async def run(self, *args, **kwargs):
    _cpu["start-up"] = time.process_time()
    event("run+")
    try:
        return await _run(self, *args, **kwargs)
    finally:
        event("run-")
refreshing.Refresher.run = run
if workers is not None and hasattr(workers, "_serve"):
    _serve = workers._serve
    def serve(*args):
        _cpu.clear()  # the worker's own, not what the refresh process did before the fork
        try:
            return _serve(*args)
        finally:
            cpu_event("worker")
    workers._serve = serve
import atexit
atexit.register(lambda: (event("exit"), cpu_event("refresh")))
from newsreader.cli.main import main
sys.exit(main(["refresh"]))
"""


class ThreadSampler:
    """Every thread's CPU ticks in the process tree, sampled by the caller."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.samples: list[tuple[float, dict[tuple[int, int], int]]] = []
        self.names: dict[tuple[int, int], str] = {}
        self.tick = os.sysconf("SC_CLK_TCK")
        self.pids: list[int] = [root]
        #: (time, pid, PSS KiB, private KiB), every tenth sample
        self.memory: list[tuple[float, int, int, int]] = []

    def _tree(self) -> list[int]:
        parents: dict[int, list[int]] = defaultdict(list)
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_bytes()
                except OSError:
                    continue
                parents[int(stat[stat.rfind(b")") + 2 :].split()[1])].append(int(entry.name))
        found, pending = [], [self.root]
        while pending:
            pid = pending.pop()
            found.append(pid)
            pending.extend(parents.get(pid, ()))
        return found

    def sample(self) -> None:
        now = time.monotonic()
        if len(self.samples) % 10 == 0:  # scanning /proc costs more than the samples
            self.pids = self._tree()
            for pid in self.pids:
                self.memory.append((now, pid, *_pss_private(pid)))
        ticks: dict[tuple[int, int], int] = {}
        for pid in self.pids:
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    stat = Path(f"/proc/{pid}/task/{tid}/stat").read_bytes()
                except OSError:
                    continue
                fields = stat[stat.rfind(b")") + 2 :].split()
                key = (pid, int(tid))
                ticks[key] = int(fields[11]) + int(fields[12])
                if key not in self.names:
                    self.names[key] = stat[stat.find(b"(") + 1 : stat.rfind(b")")].decode()
        self.samples.append((now, ticks))


def _pss_private(pid: int) -> tuple[int, int]:
    found = {b"Pss:": 0, b"Private_Clean:": 0, b"Private_Dirty:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_bytes().splitlines():
            name = line.split(b" ", 1)[0]
            if name in found:
                found[name] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return found[b"Pss:"], found[b"Private_Clean:"] + found[b"Private_Dirty:"]


def memory_report(sampler: ThreadSampler, started: float) -> None:
    """The tree's PSS at its peak, and each process's share of it then."""
    by_time: dict[float, list[tuple[int, int, int]]] = defaultdict(list)
    for t, pid, pss, private in sampler.memory:
        by_time[t].append((pid, pss, private))
    if not by_time:
        return
    peak = max(by_time, key=lambda t: sum(p for _, p, _ in by_time[t]))
    print(f"\nTree PSS peak {sum(p for _, p, _ in by_time[peak]) / 1024:.1f} MiB at {peak - started:.2f} s:")
    for pid, pss, private in by_time[peak]:
        print(f"  pid {pid}: PSS {pss / 1024:.1f} MiB, private {private / 1024:.1f} MiB")
    print(
        "  tree PSS over time (s: MiB): "
        + ", ".join(
            f"{t - started:.1f}: {sum(p for _, p, _ in rows) / 1024:.0f}" for t, rows in sorted(by_time.items())[::5]
        )
    )


def read_events(prefix: Path) -> list[tuple[float, int, int, str, str]]:
    events = []
    for path in prefix.parent.glob(prefix.name + ".*"):
        for line in path.read_text().splitlines():
            t, pid, tid, kind, key = line.split("\t")
            events.append((float(t), int(pid), int(tid), kind, key))
    events.sort()
    return events


def report(started: float, ended: float, events, sampler: ThreadSampler, bin_seconds: float) -> None:
    def at(t: float) -> str:
        return f"{t - started:6.3f}"

    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for t, _, _, kind, _ in events:
        first.setdefault(kind, t)
        last[kind] = t
    main_pid = next((pid for _, pid, _, kind, _ in events if kind == "python"), sampler.root)
    store_tid = next((tid for _, pid, tid, kind, _ in events if kind == "store+"), 0)
    loop_tid = next((tid for _, pid, tid, kind, _ in events if kind == "fetch+"), 0)
    print("Milestones, seconds from spawn:")
    for label, kind, which in [
        ("python running", "python", first),
        ("refresh modules imported", "imported", first),
        ("Refresher.run starts", "run+", first),
        ("feeds' state read", "prepare-", first),
        ("first request on the wire", "wire+", first),
        ("first answer in", "wire-", first),
        ("first parse starts (worker)", "parse+", first),
        ("first feed stored", "store-", first),
        ("first transaction committed", "batch-", first),
        ("last answer in", "wire-", last),
        ("last parse ends", "parse-", last),
        ("last feed stored", "store-", last),
        ("last transaction committed", "batch-", last),
        ("Refresher.run ends", "run-", last),
        ("atexit", "exit", last),
    ]:
        if kind in which:
            print(f"  {label:32s} {at(which[kind])}")
    print(f"  {'process reaped':32s} {at(ended)}")
    batches = [t for t, _, _, kind, _ in events if kind == "batch+"]
    print(f"  storing transactions: {len(batches)}")

    # Per thread: CPU share per bin, from the tick samples.
    def role(key: tuple[int, int]) -> str:
        pid, tid = key
        if pid != main_pid:
            return f"worker {pid}"
        if tid == loop_tid:
            return "main: loop (fetch)"
        if tid == store_tid:
            return "main: writer"
        return "main: other threads"

    bins = int((ended - started) / bin_seconds) + 1
    usage: dict[str, list[float]] = defaultdict(lambda: [0.0] * bins)
    previous: dict[tuple[int, int], int] = {}
    for t, ticks in sampler.samples:
        b = min(bins - 1, max(0, int((t - started) / bin_seconds)))
        for key, value in ticks.items():
            delta = value - previous.get(key, 0)
            previous[key] = value
            usage[role(key)][b] += delta / sampler.tick
    states = {k: [0] * bins for k in ("slot wait", "on wire", "parsing", "to store")}
    busy: dict[str, float] = {}
    for t, _, _, kind, key in events:
        name = kind[:-1]
        if kind.endswith("+"):
            busy[name + key] = t
        elif kind.endswith("-") and name + key in busy:
            begin = busy.pop(name + key)
            label = {"fetch": None, "wire": "on wire", "parse": "parsing"}.get(name)
            if label:
                for b in range(int((begin - started) / bin_seconds), int((t - started) / bin_seconds) + 1):
                    if 0 <= b < bins:
                        states[label][b] += 1
    roles = sorted(usage)
    print(f"\nCPU, share of one core per {bin_seconds:g} s (and feeds on the wire / parsing in that bin):")
    print("  t      " + "".join(f"{r[:18]:>19s}" for r in roles) + "    total   wire  parse")
    for b in range(bins):
        shares = [usage[r][b] / bin_seconds for r in roles]
        print(
            f"  {b * bin_seconds:5.2f}  "
            + "".join(f"{s:19.2f}" for s in shares)
            + f"  {sum(shares):7.2f}  {states['on wire'][b]:5d}  {states['parsing'][b]:5d}"
        )
    idle_report(events, started)
    cpu_split(events)
    memory_report(sampler, started)
    total = {r: sum(usage[r]) for r in roles}
    wall = ended - started
    cpu = sum(total.values())
    print(
        f"\nwall {wall:.2f} s, CPU {cpu:.2f} s ("
        + ", ".join(f"{r} {v:.2f}" for r, v in total.items())
        + f"); idle core time {2 * wall - cpu:.2f} s of {2 * wall:.2f}"
    )


def cpu_split(events) -> None:
    """Each process's CPU by where it went (from the ``cpu`` events)."""
    import json

    print("\nCPU per process, seconds (GC falls inside the other columns; the worker's rest is fetching and its loop):")
    print(
        f"  {'process':8s} {'total':>6s} {'user':>6s} {'sys':>6s} {'start-up':>8s} {'parse':>6s} {'store':>6s} "
        f"{'commits':>7s} {'pickle':>6s} {'unpickle':>8s} {'rest':>6s} {'GC':>6s} {'pickled':>8s}"
    )
    for _, _, _, kind, key in events:
        if kind != "cpu":
            continue
        row = json.loads(key)
        total = row["user"] + row["sys"]
        startup = row.get("start-up", 0.0)
        batches = row.get("batch", 0.0)
        store = row.get("store", 0.0)
        known = startup + row.get("parse", 0.0) + batches + row.get("pickle", 0.0) + row.get("unpickle", 0.0)
        print(
            f"  {row['role']:8s} {total:6.2f} {row['user']:6.2f} {row['sys']:6.2f} {startup:8.2f} "
            f"{row.get('parse', 0.0):6.2f} {store:6.2f} {batches - store:7.2f} {row.get('pickle', 0.0):6.2f} "
            f"{row.get('unpickle', 0.0):8.2f} {total - known:6.2f} {row.get('gc', 0.0):6.2f} "
            f"{row.get('pickled MB', 0.0):6.1f}MB"
        )


def idle_report(events, started: float) -> None:
    """How long the parse worker and the writer sat without a feed, and
    whether one was waiting for them (queued) or none was (starved)."""
    queue = {"parse": 0, "store": 0}  # feeds fetched and not yet parsing; parsed and not yet storing
    feeds = {"parse": "fetch-", "store": "parse-"}  # the event that hands a feed to each stage
    idle_since: dict[str, float | None] = {"parse": started, "store": started}
    idle = {stage: {"starved": 0.0, "queued": 0.0} for stage in queue}
    marks = {stage: [] for stage in queue}  # (time, queue length) through each idle spell
    peaks = {stage: 0 for stage in queue}
    for t, _, _, kind, _ in events:
        for stage, given in feeds.items():
            if kind == given:
                queue[stage] += 1
                peaks[stage] = max(peaks[stage], queue[stage])
                if idle_since[stage] is not None:
                    marks[stage].append((t, 1))
            elif kind == stage + "+":
                queue[stage] -= 1
                since = idle_since[stage]
                if since is not None:
                    # Split the spell at the moment a feed arrived for this stage.
                    arrived = next((m for m, _ in marks[stage]), t)
                    idle[stage]["starved"] += max(0.0, arrived - since)
                    idle[stage]["queued"] += max(0.0, t - max(arrived, since))
                idle_since[stage] = None
                marks[stage] = []
            elif kind == stage + "-":
                idle_since[stage] = t
                if queue[stage]:
                    marks[stage].append((t, queue[stage]))
    print("\nIdle spells between one feed and the next (the store's include its commits):")
    for stage, name in (("parse", "parse worker"), ("store", "writer")):
        print(
            f"  {name}: starved (nothing to do) {idle[stage]['starved']:.2f} s, "
            f"a feed waiting for it {idle[stage]['queued']:.2f} s; longest queue {peaks[stage]}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--again", action="store_true", help="then refresh again (every feed answers 304)")
    ap.add_argument("--bin", type=float, default=0.25, help="seconds per row of the CPU table")
    ap.add_argument("--tree", type=Path, default=REPO, help="the checkout whose newsreader runs")
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = ap.parse_args()
    work = args.work / "timeline"
    work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / "corpus" / f"{max(args.feeds, 1000)}x{args.items}"
    server = Server(args.bench_dir, corpus.parent, work, args.latency_ms, bind="0.0.0.0")
    try:
        urls = spread(corpus_urls(args.bench_dir, corpus, args.feeds, args.items, server.base))
        warm_server(server, urls)
        server.control(f"/__set?latency_ms={args.latency_ms:g}")
        home = work / "home"
        shutil.rmtree(home, ignore_errors=True)
        write_newsreader_config(home, urls, None, None)
        prefix = work / "events"
        env = {**os.environ, "NEWSREADER_HOME": str(home), "PYTHONPATH": str(args.tree.resolve())}
        env["NR_TIMELINE"] = str(prefix)
        # bytecode cached as an installed newsreader has it (see refresh_vs_newsboat.py)
        for name in ("NEWSREADER_CONFIG_DIR", "NEWSREADER_DATA_DIR", "NEWSREADER_CACHE_DIR", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        for phase in ("fresh", "again") if args.again else ("fresh",):
            for old in work.glob("events.*"):
                old.unlink()
            print(f"\n# {phase}: load before {os.getloadavg()[0]:.2f}", flush=True)
            started = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, "-P", "-c", INSTRUMENTED], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
            )
            sampler = ThreadSampler(proc.pid)
            while proc.poll() is None:
                sampler.sample()
                time.sleep(0.02)
            ended = time.monotonic()
            print(f"exit code {proc.returncode}")
            report(started, ended, read_events(prefix), sampler, args.bin)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
