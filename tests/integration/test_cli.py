"""The command line as a script would use it: subprocesses, exit codes, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import FIXTURES, shared_path

CONTRACT_KEYS = {
    "title",
    "source",
    "url",
    "published",
    "published_text",
    "precision",
    "summary",
    "body",
    "captions",
    "related",
    "tags",
}


def run(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSREADER_HOME": str(home)}
    for name in ("NEWSREADER_CONFIG_DIR", "NEWSREADER_DATA_DIR", "NEWSREADER_CACHE_DIR"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def dump_fixture() -> Path:
    files = sorted((FIXTURES / "dumps").glob("*layout_a*")) or sorted((FIXTURES / "dumps").glob("*.txt"))
    return files[0]


def test_parse_json_contract(tmp_path):
    out = run(tmp_path, "parse", str(dump_fixture()), "--as-of", "2026-11-26T12:00:00Z", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) == {"format", "main", "articles", "warnings"}
    assert doc["format"] == "page-dump"
    for article in doc["articles"]:
        assert set(article) == CONTRACT_KEYS
        assert article["precision"] in {"exact", "minute", "hour", "day", "unknown"}
        for caption in article["captions"]:
            assert set(caption) == {"text", "credit"}
    assert not (tmp_path / "cache").exists()  # parse never touches the cache


def test_parse_the_seed(tmp_path):
    seed = shared_path("seeds", "000_a6c81db5d49b0c54.txt")
    out = run(tmp_path, "parse", str(seed), "--as-of", "2025-06-10T12:00:00Z", "--json")
    doc = json.loads(out.stdout)
    main = doc["articles"][doc["main"]]
    assert main["title"] == "New Zealand looking at new ways to grow security ties with Japan, defense chief says"
    assert main["source"] == "Japan Times"
    assert main["published_text"] == "a day ago" and main["precision"] == "day"
    assert main["published"].startswith("2025-06-09")
    assert main["captions"][0]["credit"] == "Royal New Zealand Navy"
    for boilerplate in (
        "Orange background",
        "Try Our AI Features",
        "DOWNLOAD THE APP",
        "Related Articles",
        "No comments yet",
    ):
        assert boilerplate not in main["body"]
    related = [doc["articles"][i] for i in main["related"]]
    assert [(r["source"], r["published_text"]) for r in related] == [
        ("Japan Times", "34 minutes ago"),
        ("Yomiuri Shimbun", "an hour ago"),
    ]
    assert all(r["summary"] for r in related)


def test_import_twice_no_duplicates_and_search(tmp_path):
    seed = shared_path("seeds", "000_a6c81db5d49b0c54.txt")
    first = run(tmp_path, "import", str(seed))
    assert first.returncode == 0 and first.stdout.strip() == "3 new, 0 updated, 0 failed"
    second = run(tmp_path, "import", str(seed))
    assert second.stdout.strip() == "0 new, 0 updated, 0 failed"
    found = json.loads(run(tmp_path, "search", "Wellington", "--json").stdout)
    assert [r["source"] for r in found] == ["Japan Times"]
    assert set(found[0]) == {"id", "title", "source", "published"}


def test_import_reports_each_failure_and_exit_code(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_bytes(dump_fixture().read_bytes())
    (docs / "empty.txt").write_bytes(b"   \n\n")
    (docs / "binary.bin").write_bytes(bytes(range(256)) * 4)
    out = run(tmp_path / "home", "import", str(docs), str(tmp_path / "missing.txt"))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert any(line.startswith(f"{docs / 'empty.txt'}: ") and "no readable text" in line for line in lines)
    assert any(line.startswith(str(tmp_path / "missing.txt") + ": ") for line in lines)
    assert out.stdout.strip().endswith("failed")
    assert " new, 0 updated, " in out.stdout


def test_import_glob_and_as_of(tmp_path):
    pattern = str(FIXTURES / "dumps" / "*.txt")
    out = run(tmp_path, "import", pattern, "--as-of", "2026-01-01T00:00:00Z")
    assert "new" in out.stdout
    bad = run(tmp_path, "import", pattern, "--as-of", "yesterday-ish")
    assert bad.returncode == 2 and "--as-of" in bad.stderr


def test_bookmarks_export_formats(tmp_path):
    from newsreader.core.paths import Paths
    from newsreader.store.bookmarks import Bookmark, BookmarkStore

    store = BookmarkStore(Paths.under(tmp_path).bookmarks_file).load()
    store.add(
        Bookmark(
            title="Ferry <timetable> & winter",
            source="Harbour Gazette",
            url="https://harbour.example/ferry",
            tags=["travel"],
        )
    )
    store.add(Bookmark(title="No link story", source="Northern Ledger"))
    md = run(tmp_path, "bookmarks", "export", "--format", "markdown")
    assert "[Ferry <timetable> & winter](https://harbour.example/ferry)" in md.stdout or "Ferry" in md.stdout
    html = run(tmp_path, "bookmarks", "export", "--format", "html")
    assert html.stdout.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    assert "Ferry &lt;timetable&gt; &amp; winter" in html.stdout
    data = json.loads(run(tmp_path, "bookmarks", "export", "--format", "json").stdout)
    assert {b["title"] for b in data["bookmarks"]} == {"Ferry <timetable> & winter", "No link story"}
    target = tmp_path / "out.html"
    wrote = run(tmp_path, "bookmarks", "export", "--format", "html", "-o", str(target))
    assert wrote.returncode == 0 and target.read_text().startswith("<!DOCTYPE NETSCAPE")


def test_unusable_cache_is_one_line_error(tmp_path):
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    import sqlite3

    conn = sqlite3.connect(home / "cache" / "cache.sqlite3")
    conn.execute("PRAGMA application_id = 1314345810")  # ours
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    out = run(home, "search", "anything")
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1 and "newer" in out.stderr


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["import", "--help"]])
def test_help_and_version(tmp_path, args):
    assert run(tmp_path, *args).returncode == 0
