#!/usr/bin/env python3
"""How long a cache upgrade takes, against what it says it will take.

Copies a newsreader home (``--home``, e.g. one ``gen_cache.py`` wrote with
an older checkout) to a temporary folder, opens its cache there as the app
does, and prints, per round, the line the upgrade announces, the seconds it
took (the same span its "cache upgraded in" line counts, VACUUM included)
and this process's CPU seconds, which a loaded machine does not stretch.
The home given is only read.

    python benchmarks/cache_upgrade.py --home /work/bench/s-base --rounds 3
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsreader.store import open_cache_safely


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_round(home: Path, scratch: Path) -> None:
    copy = scratch / "home"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(home, copy)
    os.sync()  # the copy's writes are not counted in the upgrade
    stderr = io.StringIO()  # where the upgrade says what it does
    started, cpu = time.monotonic(), cpu_seconds()
    with contextlib.redirect_stderr(stderr):
        opened = open_cache_safely(copy / "cache" / "cache.sqlite3", copy / "data" / "state.sqlite3", check=False)
    took, cpu = time.monotonic() - started, cpu_seconds() - cpu
    said = stderr.getvalue().splitlines()
    opened.cache.close()
    shutil.rmtree(copy)
    announced = next((line for line in said if "upgrading" in line), "(no upgrade announced)")
    estimate = re.search(r"about (\d+) s", announced)
    rows = re.search(r"of ([\d,]+) articles", announced)
    rate = f", {int(rows.group(1).replace(',', '')) / took:,.0f} articles/s" if rows else ""
    print(announced)
    print(
        f"  took {took:.1f} s wall, {cpu:.1f} s CPU{rate}; estimate {estimate.group(1) if estimate else '-'} s; "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a newsreader home with an older cache (only read)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nr-upgrade-") as scratch:
        for _ in range(args.rounds):
            one_round(args.home, Path(scratch))


if __name__ == "__main__":
    main()
