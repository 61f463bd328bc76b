"""Revisions end to end: the same feed file imported twice, the second time
with a changed title and body; ``show --revisions`` prints both versions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_cli import run

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Quay Courier</title><link>https://quay.test/</link>
<item><title>{title}</title><link>https://quay.test/dredging</link><guid>q-1</guid>
<pubDate>Mon, 07 Dec 2026 09:00:00 GMT</pubDate><description>{body}</description></item>
<item><title>Ferry fares frozen for winter</title><link>https://quay.test/fares</link><guid>q-2</guid>
<pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate><description>Fares stay as they are until April.</description></item>
</channel></rss>
"""
FIRST = ("Harbour dredging to start in March", "Dredging of the inner harbour starts in March and costs 12 million.")
SECOND = (
    "Harbour dredging delayed to May",
    "Dredging of the inner harbour starts in May and costs 15 million, after a survey found old moorings.",
)


def write_feed(path: Path, title: str, body: str) -> Path:
    path.write_text(FEED.format(title=title, body=body), encoding="utf-8")
    return path


def test_two_imports_of_a_changed_feed_keep_both_versions(tmp_path):
    home = tmp_path / "home"
    feed = tmp_path / "quay.xml"
    out = run(home, "import", str(write_feed(feed, *FIRST)))
    assert out.returncode == 0, out.stderr
    out = run(home, "import", str(write_feed(feed, *SECOND)))
    assert out.returncode == 0, out.stderr
    assert "0 new, 1 updated" in out.stdout

    out = run(home, "show", "https://quay.test/dredging", "--revisions", "--json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert record["url"] == "https://quay.test/dredging" and record["read_version"] is None
    assert [(v["version"], v["title"], v["body"], v["current"]) for v in record["versions"]] == [
        (1, *FIRST, False),
        (2, *SECOND, True),
    ]
    assert all(v["seen_at"].endswith("Z") for v in record["versions"])

    out = run(home, "show", "https://quay.test/dredging", "--revisions")
    assert out.returncode == 0, out.stderr
    assert "version 2" in out.stdout and "(current)" in out.stdout
    assert "[-March-]" in out.stdout and "{+May+}" in out.stdout

    listed = {item["url"]: item["updated"] for item in json.loads(run(home, "list", "--json").stdout)}
    assert listed == {"https://quay.test/dredging": True, "https://quay.test/fares": False}

    # The other article never changed: one version.
    out = run(home, "show", "https://quay.test/fares", "--revisions", "--json")
    assert [v["version"] for v in json.loads(out.stdout)["versions"]] == [1]

    # Importing the second version again changes nothing.
    out = run(home, "import", str(feed))
    assert "0 new, 0 updated" in out.stdout
    out = run(home, "show", "https://quay.test/dredging", "--revisions", "--json")
    assert len(json.loads(out.stdout)["versions"]) == 2


def test_show_revisions_refuses_markdown(tmp_path):
    out = run(tmp_path / "home", "show", "1", "--revisions", "--markdown")
    assert out.returncode == 2 and "--revisions" in out.stderr
