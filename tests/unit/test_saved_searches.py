"""Saved searches: ``[[search]]`` in config.toml, read with warnings, edited keeping the user's text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsreader.config.settings import add_feed, add_search, load_config, remove_search
from newsreader.core.paths import Paths

CONFIG = """\
# my newsreader settings
[[feed]]
url = "https://harbour.example/rss"   # the local paper

[fetch]
timeout = 30

[[search]]
name = "Harbour, unread"   # what I read first
query = 'harbour source:"Harbour Gazette" is:unread'

[[search]]
name = "This week"
query = "after:7d"
"""


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_searches_are_read_in_order_with_their_queries_parsed(tmp_path):
    config = load_config(write(tmp_path))
    assert config.warnings == []
    assert [(s.name, s.query) for s in config.searches] == [
        ("Harbour, unread", 'harbour source:"Harbour Gazette" is:unread'),
        ("This week", "after:7d"),
    ]
    first = config.searches[0].parsed
    assert first.sources == ("Harbour Gazette",) and first.read is False and first.highlight_terms() == ["harbour"]
    assert config.fetch.timeout == 30 and len(config.feeds) == 1


def test_no_searches_is_an_empty_list(tmp_path):
    assert load_config(write(tmp_path, "[fetch]\ntimeout = 5\n")).searches == []


def test_each_bad_search_is_one_warning_and_the_rest_still_load(tmp_path):
    path = write(
        tmp_path,
        """\
[[search]]
name = "Typo"
query = "harbour after:tomorow"

[[search]]
query = "harbour"

[[search]]
name = "Fine"
query = "tag:world"
colour = "red"

[[search]]
name = "fine"
query = "is:unread"

[[search]]
name = "Nothing"
query = " ( ) "

[[search]]
name = 3
query = "x"

[[search]]
name = "Number"
query = 42
""",
    )
    config = load_config(path)
    assert [s.name for s in config.searches] == ["Fine"]
    assert config.warnings == [
        f'{path}: search[1].query: after: not a date: "tomorow" (use YYYY-MM-DD, today, yesterday, or an age like 7d,'
        " 24h, 2w); search skipped",
        f"{path}: search[2].name: missing; search skipped",
        f"{path}: search[3].colour: unknown setting, ignored",
        f'{path}: search[4].name: "fine" is used twice; later one ignored',
        f"{path}: search[5].query: asks for nothing (no words, no filters); search skipped",
        f"{path}: search[6].name: expected a name; search skipped",
        f"{path}: search[7].query: expected a string; search skipped",
    ]


def test_search_that_is_not_a_list_of_tables(tmp_path):
    path = write(tmp_path, 'search = "harbour"\n')
    assert load_config(path).warnings == [f"{path}: search: expected [[search]] tables; ignored"]
    path = write(tmp_path, '[search]\nname = "One"\nquery = "harbour"\n')
    config = load_config(path)
    assert [s.name for s in config.searches] == ["One"]
    assert config.warnings == [f"{path}: search: is a single [search] table; write [[search]] for each search"]


def test_names_and_queries_are_cleaned_of_controls(tmp_path):
    path = write(tmp_path, '[[search]]\nname = "Red\\u001b[31m  alert"\nquery = "harbour\\u0007"\n')
    (search,) = load_config(path).searches
    assert search.name == "Red[31m alert" and search.query == "harbour"


# -- editing ---------------------------------------------------------------------


def test_add_keeps_comments_and_every_other_setting(tmp_path):
    path = write(tmp_path)
    assert add_search(path, "Ferries", '"late sailings" -is:read') is None
    text = path.read_text()
    assert text.startswith(CONFIG)  # everything that was there, byte for byte
    assert "# what I read first" in text and "# the local paper" in text
    config = load_config(path)
    assert config.warnings == []
    assert [s.name for s in config.searches][-1] == "Ferries"
    assert config.searches[-1].query == '"late sailings" -is:read'
    assert config.fetch.timeout == 30


def test_add_then_remove_gives_back_the_same_settings(tmp_path):
    path = write(tmp_path)
    before = tomllib.loads(path.read_text())
    assert add_search(path, "Ferries", "ferry") is None
    assert remove_search(path, "FERRIES") is None
    assert tomllib.loads(path.read_text()) == before
    assert "# what I read first" in path.read_text()


def test_remove_the_last_search_removes_the_tables(tmp_path):
    path = write(tmp_path)
    assert remove_search(path, "harbour, unread") is None
    assert remove_search(path, "This week") is None
    data = tomllib.loads(path.read_text())
    assert "search" not in data and data["fetch"] == {"timeout": 30}
    assert "# my newsreader settings" in path.read_text()


def test_add_to_a_missing_file_creates_it(tmp_path):
    paths = Paths.under(tmp_path / "home")
    paths.config_dir.mkdir(parents=True)
    assert add_search(paths, "Unread", "is:unread") is None
    assert [s.name for s in load_config(paths).searches] == ["Unread"]
    assert paths.config_file.read_text().startswith("# newsreader configuration.")


def test_add_refuses_a_name_in_use_unless_replacing(tmp_path):
    path = write(tmp_path)
    before = path.read_bytes()
    assert add_search(path, "this WEEK", "after:3d") == 'a saved search named "this WEEK" already exists'
    assert path.read_bytes() == before
    assert add_search(path, "this WEEK", "after:3d", replace=True) is None
    config = load_config(path)
    assert [(s.name, s.query) for s in config.searches][1] == ("This week", "after:3d")
    assert "# what I read first" in path.read_text()


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        (
            "Typo",
            "after:tomorow",
            'not saved: after: not a date: "tomorow" (use YYYY-MM-DD, today, yesterday, or an age like 7d, 24h, 2w)',
        ),
        ("", "harbour", "not saved: expected a name"),
        ("Empty", "  ", "not saved: asks for nothing (no words, no filters)"),
        ("x" * 81, "harbour", "not saved: longer than 80 characters"),
    ],
)
def test_add_refuses_what_would_not_load(tmp_path, name, query, message):
    path = write(tmp_path)
    before = path.read_bytes()
    assert add_search(path, name, query) == message
    assert path.read_bytes() == before


def test_remove_absent_says_so(tmp_path):
    path = write(tmp_path)
    assert remove_search(path, "Nope") == 'no saved search named "Nope"'
    assert remove_search(tmp_path / "absent.toml", "Nope") == 'no saved search named "Nope"'


def test_edits_never_touch_a_file_that_does_not_parse(tmp_path):
    path = write(tmp_path, CONFIG + "\n[fetch\n")
    before = path.read_bytes()
    assert "does not parse" in add_search(path, "Ferries", "ferry")
    assert "does not parse" in remove_search(path, "This week")
    assert path.read_bytes() == before


def test_search_as_a_string_is_not_edited(tmp_path):
    path = write(tmp_path, 'search = "harbour"\n')
    assert "fix it by hand" in add_search(path, "Ferries", "ferry")
    assert "fix it by hand" in remove_search(path, "Ferries")


def test_feed_edits_keep_saved_searches(tmp_path):
    path = write(tmp_path)
    assert add_feed(path, "https://ledger.example/feed.xml") is None
    assert [s.name for s in load_config(path).searches] == ["Harbour, unread", "This week"]
