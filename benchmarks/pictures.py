#!/usr/bin/env python3
"""Articles' pictures: what decoding costs, and what asking the terminal costs at start.

1. **Decoding** (``feeds/image_decode.py``): the time to decode an honest
   photo-sized JPEG and PNG, and to refuse each hostile picture of issue 14
   (a 50,000 x 50,000 PNG of a few KB, a GIF of 3,000 frames, a GIF whose
   screen claims 60,000 x 60,000 pixels, an SVG with a script); the best of
   ``--repeat`` runs each, with the peak memory of the process.
2. **First screen** (``--first-screen N``): ``newsreader`` on the bundled
   sample in a detached tmux pane (200x50, its own tmux server), from process
   start until the headlines are drawn, N runs each with ``[ui] images =
   "auto"`` (textual-image asks the terminal on a thread) and ``"off"``
   (nothing asked), alternating; the medians and their ratio are printed.

    python benchmarks/pictures.py                       # part 1, a second
    python benchmarks/pictures.py --first-screen 9      # and part 2, ~40 s
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw

from newsreader.feeds.image_decode import ImageRefused, decode_picture
from tests.support.pictures import SVG_WITH_SCRIPT, huge_gif, huge_png, many_frames_gif


def _photo(kind: str, size: tuple[int, int] = (1600, 900)) -> bytes:
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(0, size[1], 4):
        draw.line([(0, y), (size[0], y)], fill=(y % 256, (y * 3) % 256, 255 - y % 256))
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()


def _best(action: Callable[[], object], repeat: int) -> tuple[float, str]:
    best, outcome = float("inf"), ""
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            picture = action()
            outcome = f"decoded to {picture.size[0]}x{picture.size[1]}"  # type: ignore[attr-defined]
        except ImageRefused as refused:
            outcome = f"refused: {refused}"
        best = min(best, time.perf_counter() - started)
    return best, outcome


def decoding(repeat: int) -> None:
    cases = [
        ("JPEG photo 1600x900", _photo("JPEG")),
        ("PNG 1600x900", _photo("PNG")),
        ("PNG claiming 50,000x50,000", huge_png(50_000)),
        ("GIF of 3,000 frames", many_frames_gif(3000)),
        ("GIF claiming 60,000x60,000", huge_gif(60_000)),
        ("SVG with a script", SVG_WITH_SCRIPT),
    ]
    print(f"1. decoding (best of {repeat}; kept at most 1,000 px a side, as for Kitty/Sixel):")
    for name, data in cases:
        seconds, outcome = _best(lambda data=data: decode_picture(data, 1000), repeat)
        print(f"   {name:<28} {len(data):>9,} bytes  {seconds * 1000:7.2f} ms  {outcome}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   peak memory of this process: {peak:.0f} MiB")


def first_screen(runs: int) -> None:
    if shutil.which("tmux") is None:
        print("2. skipped: tmux is not installed")
        return
    home = Path(tempfile.mkdtemp(prefix="nr-pictures-"))
    socket = f"nr-pictures-{home.name}"
    newsreader = Path(sys.executable).with_name("newsreader")

    def one(mode: str) -> float:
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "config.toml").write_text(f'[ui]\nimages = "{mode}"\n[fetch]\nrefresh_on_start = false\n')
        started = time.perf_counter()
        command = ["env", f"NEWSREADER_HOME={home}", "TERM=xterm-256color", str(newsreader)]
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "b", "-x", "200", "-y", "50", "--", *command])
        try:
            while True:
                screen = subprocess.run(
                    ["tmux", "-L", socket, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
                ).stdout
                if "Headlines (" in screen:
                    return time.perf_counter() - started
                if time.perf_counter() - started > 30:
                    raise SystemExit("the first screen did not come within 30 s")
                time.sleep(0.01)
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
            time.sleep(0.3)

    one("off")  # makes the home (the sample) and warms the disk
    times: dict[str, list[float]] = {"auto": [], "off": []}
    for n in range(runs):
        for mode in ("auto", "off") if n % 2 == 0 else ("off", "auto"):
            times[mode].append(one(mode))
    print(f"2. first screen through tmux 200x50, the sample, {runs} runs each, alternating:")
    for mode, seconds in times.items():
        runs_text = " ".join(f"{s * 1000:.0f}" for s in seconds)
        print(f"   images = {mode:<5} median {statistics.median(seconds) * 1000:.0f} ms  ({runs_text})")
    ratio = statistics.median(times["auto"]) / statistics.median(times["off"])
    print(f"   auto / off: {ratio:.2f}")
    shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="decodes per picture (the best is printed)")
    parser.add_argument("--first-screen", type=int, default=0, metavar="N", help="first-screen runs per setting")
    args = parser.parse_args()
    decoding(args.repeat)
    if args.first_screen:
        first_screen(args.first_screen)


if __name__ == "__main__":
    main()
