"""What starting a refresh imports: the app's side and the child's.

Each check runs in a fresh interpreter, where ``sys.modules`` shows what an
import really pulled in.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _loaded(code: str, names: list[str]) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(n for n in {names!r} if sys.modules.get(n) is not None))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_app_starts_a_refresh_child_without_the_fetcher_or_the_parser():
    code = "from newsreader.tui.screens import jobs, feed_actions\nfrom newsreader.feeds.refresh_child import RefreshProcess"
    assert _loaded(code, ["httpx", "newsreader.feeds.refresh", "newsreader.feeds.fetch", "lxml.etree"]) == []


def test_the_fetcher_leaves_out_the_command_line_tool_of_httpx():
    # httpx._main would bring click and pygments (when installed) for nothing.
    loaded = _loaded("import newsreader.feeds.fetch, httpx", ["httpx", "httpx._main", "click", "pygments"])
    assert loaded == ["httpx"]


def test_a_refresh_without_sync_does_not_load_the_sync_package():
    code = (
        "from newsreader.cli.sync_commands import sync_after_refresh\n"
        "class Config: sync = None\n"
        "assert sync_after_refresh(Config()) == ''"
    )
    assert _loaded(code, ["newsreader.sync", "newsreader.search.language"]) == []
