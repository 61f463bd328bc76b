"""``newsreader briefing`` on a cache filled from an invented three-outlet story."""

from __future__ import annotations

import json
import time

from newsreader.core.paths import Paths
from newsreader.store import Cache, record_opening
from tests.integration.test_cli import run
from tests.support.bridge_story import bridge_documents

BRIDGE = "Barge strike closes Amberly Bridge over Tollan River"


def _home(tmp_path):
    home = tmp_path / "home"
    paths = Paths.under(home)
    cache = Cache(paths.cache_db, paths.state_db)
    for doc in bridge_documents():
        cache.import_document(doc)  # reaches the cache now: new since any recent time
    return home, cache


def test_briefing_json_ranks_the_three_outlet_story_first(tmp_path):
    home, _ = _home(tmp_path)
    result = run(home, "briefing", "--since", "12h", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["stories"][0]["title"] == BRIDGE
    bridge = out["stories"][0]
    assert bridge["outlets"] == ["Harbour Gazette", "Northern Ledger", "Tideline Wire"]
    assert bridge["articles"] == 3
    assert bridge["lead"]["source"] == "Harbour Gazette"
    assert bridge["lead"]["url"] == "https://gazette.example/bridge"
    assert len(out["stories"]) == 2 and len(out["stories"][1]["outlets"]) == 2
    assert set(bridge) == {"id", "title", "outlets", "articles", "score", "first", "latest", "lead"}


def test_briefing_markdown_names_the_outlets_and_links_the_lead(tmp_path):
    home, _ = _home(tmp_path)
    result = run(home, "briefing", "--since", "12h", "--markdown")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# Briefing since ")
    assert lines[2].startswith(f"1. **[{BRIDGE}](<https://gazette.example/bridge>)** — ")
    assert "Harbour Gazette, Northern Ledger, Tideline Wire (3 outlets" in lines[2]
    assert lines[3].startswith("2. **[Fire crews save Westmere Library")


def test_briefing_starts_where_the_reader_was_last_opened(tmp_path):
    home, cache = _home(tmp_path)
    result = run(home, "briefing")
    assert "the reader was never opened" in result.stdout and BRIDGE in result.stdout
    record_opening(cache, int(time.time()) + 60)  # opened after everything arrived
    result = run(home, "briefing")
    assert result.returncode == 0, result.stderr
    assert "0 stories" in result.stdout and "since the reader was last opened" in result.stdout
    assert BRIDGE not in result.stdout


def test_a_bad_since_is_one_line_and_exit_2(tmp_path):
    home, _ = _home(tmp_path)
    result = run(home, "briefing", "--since", "yesterdayish\x1b[31m")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
