"""How long and how much memory each parser takes on pathological documents.

Each document is generated here (nothing is downloaded), sized near
``MAX_DOCUMENT_BYTES``, and parsed through the one entry point in a child
process, so peak memory can be read from that child alone. Prints one row per
document: size, outcome, wall time, peak RSS. These are the figures behind the
budgets in SECURITY.md; run it after changing a parser:

    python benchmarks/parser_budgets.py            # every document
    python benchmarks/parser_budgets.py dump_      # only names starting so
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

MB = 1024 * 1024
TARGET = 15 * MB  # just under the 16 MiB document cap


def _words(n: int) -> str:
    base = "harbour pilots worked through the night while the storm went on "
    return (base * (n // len(base) + 1))[:n]


def _rss(items: str, head: str = "") -> bytes:
    return (f'<?xml version="1.0"?>{head}<rss version="2.0"><channel><title>T</title>{items}</channel></rss>').encode()


def documents() -> dict[str, bytes]:
    item = "<item><title>Story {n}</title><link>https://x.example/{n}</link><description>Text {n}.</description></item>"
    docs: dict[str, bytes] = {}
    docs["rss_single_line_15mb"] = _rss(f"<item><title>Long</title><description>{_words(TARGET)}</description></item>")
    docs["rss_100k_items"] = _rss("".join(item.format(n=n) for n in range(100_000)))
    docs["rss_attributes_500k"] = _rss(
        "<item " + " ".join(f'a{n}="{n}"' for n in range(500_000)) + "><title>A</title></item>"
    )
    docs["rss_deep_1m"] = _rss(
        "<item><title>D</title><description>" + "<x>" * 1_000_000 + "</x>" * 1_000_000 + "</description></item>"
    )
    docs["rss_entity_refs_1m"] = _rss(
        "<item><title>E</title><description>" + "&a;" * 1_000_000 + "</description></item>",
        head=f'<!DOCTYPE rss [<!ENTITY a "{"A" * 100_000}">]>',
    )
    docs["rss_unclosed_tags_15mb"] = _rss("<item><title>U</title><description>" + "<p>" * (TARGET // 3))
    json_items = [
        {"id": str(n), "title": f"Story {n}", "content_text": f"Text {n}.", "url": f"https://x.example/{n}"}
        for n in range(100_000)
    ]
    docs["json_100k_items"] = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": json_items}).encode()
    docs["json_single_string_15mb"] = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "1", "title": "Long", "content_text": _words(TARGET)}],
        }
    ).encode()
    docs["json_deep_5m"] = b'{"items": ' + b"[" * 5_000_000 + b"]" * 5_000_000 + b"}"
    docs["dump_single_line_15mb"] = _words(TARGET).encode()
    docs["dump_many_lines_15mb"] = "\n".join(_words(60) + f" {n}" for n in range(TARGET // 64)).encode()
    docs["dump_ages_lines"] = "\n".join(f"Outlet {n}{n % 59} minutes ago" for n in range(TARGET // 32)).encode()
    docs["html_single_paragraph_15mb"] = (
        f"<html><body><article><p>{_words(TARGET)}</p></article></body></html>".encode()
    )
    docs["html_deep_1m"] = (
        "<html><body>" + "<div>" * 1_000_000 + "text" + "</div>" * 1_000_000 + "</body></html>"
    ).encode()
    docs["html_many_paragraphs"] = (
        "<html><body><article>"
        + "".join(f"<p>{_words(200)} {n}</p>" for n in range(60_000))
        + "</article></body></html>"
    ).encode()
    docs["opml_100k_outlines"] = (
        '<?xml version="1.0"?><opml version="2.0"><body>'
        + "".join(f'<outline text="F{n}" xmlUrl="https://x.example/{n}.xml"/>' for n in range(100_000))
        + "</body></opml>"
    ).encode()
    # The worst kinds again at 1 MiB, the largest size parsed in-process
    # (newsreader.parser.budget.SUBPROCESS_ABOVE).
    docs["dump_ages_lines_1mb"] = "\n".join(f"Outlet {n}{n % 59} minutes ago" for n in range(MB // 32)).encode()
    docs["dump_single_line_1mb"] = _words(MB).encode()
    docs["html_many_paragraphs_1mb"] = (
        "<html><body><article>"
        + "".join(f"<p>{_words(200)} {n}</p>" for n in range(5_000))
        + "</article></body></html>"
    ).encode()
    docs["rss_attributes_1mb"] = _rss(
        "<item " + " ".join(f'a{n}="{n}"' for n in range(80_000)) + "><title>A</title></item>"
    )
    return docs


_CHILD = """
import sys, time
from newsreader.parser import parse, ParseError
data = sys.stdin.buffer.read()
started = time.perf_counter()
try:
    doc = parse(data)
    outcome = f"{doc.format}: {len(doc.articles)} articles, {len(doc.subscriptions)} feeds"
except ParseError as exc:
    outcome = f"ParseError: {exc}"
elapsed = time.perf_counter() - started
# VmHWM: this process's peak resident memory since exec (ru_maxrss would
# count the parent's memory copied at fork).
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(f"{elapsed:.2f}\\t{peak:.0f}\\t{outcome[:90]}")
"""


def measure(name: str, data: bytes, timeout: float = 300) -> str:
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = child.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return f"{name:28s} {len(data) / MB:6.1f} MB  TIMEOUT after {timeout:.0f} s"
    wall = time.perf_counter() - started
    if child.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        return f"{name:28s} {len(data) / MB:6.1f} MB  CRASHED ({child.returncode}): {last[0][:80]}"
    parse_time, peak, outcome = out.decode().strip().split("\t", 2)
    return f"{name:28s} {len(data) / MB:6.1f} MB  parse {parse_time:>6s} s  (process {wall:5.2f} s)  peak RSS {peak:>4s} MB  {outcome}"


def main(argv: list[str]) -> int:
    prefix = argv[1] if len(argv) > 1 else ""
    for name, data in documents().items():
        if name.startswith(prefix):
            print(measure(name, data), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
