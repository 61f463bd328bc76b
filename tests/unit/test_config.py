"""config.toml: reading never raises or trusts the file; editing keeps the user's text."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest

from newsreader.config.settings import add_feed, check_key, load_config, remove_feed
from newsreader.core.paths import Paths
from newsreader.core.tomlfile import TomlFileBroken, load_toml, save_toml
from tests.support.paths import FIXTURES

TOML = FIXTURES / "toml"


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "config.toml"
    shutil.copyfile(TOML / name, target)
    return target


# -- tomlfile: every way a decoder fails is one line -------------------------


def test_missing_file_is_empty_and_ok(tmp_path):
    result = load_toml(tmp_path / "absent.toml")
    assert result.ok and result.data == {} and result.error is None and not result.exists


def test_syntax_error_reports_path_line_col(tmp_path):
    path = _copy(tmp_path, "config_syntax_error.toml")
    result = load_toml(path)
    assert not result.ok
    assert result.error == f"{path}:7:11: Invalid value"


def test_error_at_end_of_file_still_has_a_position(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("a = 1\nb = [1,\n  2,")
    error = load_toml(path).error
    assert error.startswith(f"{path}:3:5: ")
    assert "end of file" in error


def test_duplicate_key_is_a_positioned_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[fetch]\ntimeout = 5\ntimeout = 6\n")
    result = load_toml(path)
    assert not result.ok
    assert result.error.startswith(f"{path}:3:")
    assert "overwrite" in result.error.lower()


def test_non_utf8_names_the_byte(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(b'title = "caf\xe9"\n')
    assert load_toml(path).error == f"{path}: not UTF-8 (byte 12)"


def test_deep_nesting_is_reported_not_raised(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("a = " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert load_toml(path).error == f"{path}: nested too deeply"
    config = load_config(path)
    assert config.error == f"{path}: nested too deeply" and not config.writable


def test_huge_integer_is_reported_not_raised(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[fetch]\ntimeout = " + "9" * 5000 + "\n")
    error = load_toml(path).error
    assert error.startswith(f"{path}: invalid value: ")
    assert "\n" not in error


def test_bom_is_tolerated(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xef\xbb\xbf[fetch]\ntimeout = 7\n")
    result = load_toml(path)
    assert result.ok and result.had_bom and result.data == {"fetch": {"timeout": 7}}
    assert load_config(path).fetch.timeout == 7


def test_directory_in_place_of_file(tmp_path):
    path = tmp_path / "c.toml"
    path.mkdir()
    assert load_toml(path).error == f"{path}: is a directory"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("a = 1\n")
    path.chmod(0)
    assert load_toml(path).error == f"{path}: permission denied"


def test_save_toml_keeps_one_backup_and_refuses_to_replace_a_broken_file(tmp_path):
    path = tmp_path / "c.toml"
    save_toml(path, {"a": 1})
    save_toml(path, {"a": 2}, header="# hi\n")
    assert path.read_text() == "# hi\na = 2\n"
    assert tomllib.loads((tmp_path / "c.toml.bak").read_text()) == {"a": 1}
    path.write_text("a = = 3\n")
    with pytest.raises(TomlFileBroken, match=r"c\.toml:1:5"):
        save_toml(path, {"a": 4})
    assert path.read_text() == "a = = 3\n"


# -- load_config --------------------------------------------------------------


def test_full_config_is_read(tmp_path):
    config = load_config(TOML / "config_full.toml")
    assert config.error is None and config.writable and config.warnings == []
    assert [f.url for f in config.feeds] == [
        "https://harbour-gazette.example/rss.xml",
        "https://lantern.example/feeds/all.atom",
    ]
    assert config.feeds[0].title == "Harbour Gazette" and config.feeds[0].tags == ["local", "news"]
    assert config.feeds[1].full_text is True
    assert (config.fetch.concurrency, config.fetch.per_host, config.fetch.timeout, config.fetch.interval_minutes) == (
        8,
        2,
        30.0,
        90,
    )
    assert config.keymap == {"bookmark": "s", "open_browser": "ctrl+o", "next_unread": "n,space"}
    assert config.ui.theme == "nord" and config.ui.show_sidebar is False
    assert (config.retention.keep_days, config.retention.keep_items) == (30, 500)
    sub = config.feeds[0].to_subscription()
    assert sub.url == config.feeds[0].url and sub.tags == ["local", "news"]


def test_paths_object_and_missing_file_give_defaults(nr_home):
    config = load_config(Paths.default())
    assert config.path == nr_home / "config" / "config.toml"
    assert config.error is None and config.writable and config.feeds == []
    assert (config.fetch.concurrency, config.fetch.per_host, config.fetch.timeout, config.fetch.interval_minutes) == (
        16,
        4,
        20.0,
        60,
    )


def test_broken_config_gives_defaults_an_error_and_is_not_writable(tmp_path):
    path = _copy(tmp_path, "config_syntax_error.toml")
    config = load_config(path)
    assert config.error == f"{path}:7:11: Invalid value"
    assert config.writable is False
    assert config.feeds == [] and config.fetch.concurrency == 16


def test_dangerous_values_are_each_a_warning_and_replaced(tmp_path):
    path = _copy(tmp_path, "config_dangerous.toml")
    config = load_config(path)
    assert config.error is None and config.writable
    warnings = config.warnings
    assert all(w.startswith(f"{path}: ") and "\n" not in w for w in warnings)

    def warned(fragment: str) -> bool:
        return any(fragment in w for w in warnings)

    assert f"{path}: feed[2].url: refused: javascript: URL" in warnings
    assert warned("feed[3].url: refused: '|' command pipe")
    assert warned("feed[4].url: missing")
    assert warned("feed[5].url: expected a string, got integer")
    assert warned("feed[6].url: same feed listed twice")
    assert warned("feed[7].full_text: expected true or false")
    assert warned("fecth: unknown setting")
    assert warned("fetch.concurrency: 100000 is above the maximum; using 64")
    assert warned("fetch.per_host: must be above zero")
    assert warned("fetch.timeout: must be above zero")
    assert warned("fetch.interval_minutes: 1 is below the minimum; using 15")
    assert warned('keymap.bookmark: "rm -rf ~" is not a key')
    assert warned('keymap.quit: "$(reboot)" is not a key')
    assert warned("keymap.refresh: expected a key string, got integer")
    assert warned("retention: expected a table, got string")
    assert warned("ui.theme: expected a theme name")
    # what survived is safe and the rest fell back to defaults
    assert [f.url for f in config.feeds] == ["https://fine.example/rss", "https://tags.example/rss"]
    assert config.feeds[1].tags == ["single-tag"] and config.feeds[1].full_text is False
    assert config.feeds[1].title is None
    assert (config.fetch.concurrency, config.fetch.per_host, config.fetch.timeout, config.fetch.interval_minutes) == (
        64,
        4,
        20.0,
        15,
    )
    assert config.keymap == {"help": "question_mark"}
    assert config.ui.theme == "textual-dark" and config.ui.show_sidebar is True


def test_string_where_a_table_is_expected(tmp_path):
    config = load_config(TOML / "config_string_tables.toml")
    assert config.error is None and config.feeds == [] and config.keymap == {}
    assert len(config.warnings) == 4
    assert any("fetch: expected a table, got string" in w for w in config.warnings)


@pytest.mark.parametrize("value", ["0", "-1", "0.0", "nan", "inf", "true", '"16"', "1e9"])
def test_concurrency_never_ends_up_unusable(tmp_path, value):
    path = tmp_path / "c.toml"
    path.write_text(f"[fetch]\nconcurrency = {value}\n")
    config = load_config(path)
    assert 1 <= config.fetch.concurrency <= 64
    assert len(config.warnings) == 1


@pytest.mark.parametrize("key", ["s", "G", "ctrl+s", "shift+tab", "f5", "question_mark", "[", "ctrl+alt+x"])
def test_key_strings_accepted(key):
    assert check_key(key) is None


@pytest.mark.parametrize(
    "key", ["rm -rf ~", "|sh", "$(id)", "`id`", "bash -c x", "open; reboot", "a b", "", "super+", "foo+x"]
)
def test_key_strings_refused(key):
    assert check_key(key) is not None


def test_control_characters_in_titles_are_cleaned(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[[feed]]\nurl = "https://x.example/rss"\ntitle = "Evil\\u001b]52;c;aGk=\\u0007 Title"\n')
    assert load_config(path).feeds[0].title == "Evil]52;c;aGk= Title"


# -- add_feed / remove_feed ---------------------------------------------------


def test_add_feed_keeps_comments_and_every_other_table(tmp_path):
    path = _copy(tmp_path, "config_full.toml")
    before = path.read_text()
    assert add_feed(path, "https://new.example/feed.xml", title="New Paper", tags=["world", "world", ""]) is None
    after = path.read_text()
    for line in before.splitlines():
        assert line in after  # every comment and setting line is still there
    data = tomllib.loads(after)
    assert data["feed"][-1] == {"url": "https://new.example/feed.xml", "title": "New Paper", "tags": ["world"]}
    old = tomllib.loads(before)
    assert {k: v for k, v in data.items() if k != "feed"} == {k: v for k, v in old.items() if k != "feed"}
    assert (tmp_path / "config.toml.bak").read_text() == before
    assert [f.url for f in load_config(path).feeds][-1] == "https://new.example/feed.xml"


def test_remove_feed_keeps_comments_and_every_other_table(tmp_path):
    path = _copy(tmp_path, "config_full.toml")
    before = path.read_text()
    assert remove_feed(path, "https://LANTERN.example/feeds/all.atom#x") is None
    after = path.read_text()
    assert "lantern.example" not in after
    assert "# My newsreader setup — hand-written, please keep this comment." in after
    assert "# two slow links at home, so not too many at once" in after
    assert 'bookmark = "s"            # like elfeed' in after
    config = load_config(path)
    assert [f.url for f in config.feeds] == ["https://harbour-gazette.example/rss.xml"]
    assert config.fetch.concurrency == 8 and config.keymap["bookmark"] == "s"
    assert (tmp_path / "config.toml.bak").read_text() == before


def test_add_then_remove_round_trips_to_the_same_settings(tmp_path):
    path = _copy(tmp_path, "config_full.toml")
    before = tomllib.loads(path.read_text())
    assert add_feed(path, "https://round.example/rss") is None
    assert remove_feed(path, "https://round.example/rss") is None
    assert tomllib.loads(path.read_text()) == before


def test_add_to_a_missing_file_creates_it(tmp_path):
    paths = Paths.under(tmp_path)
    assert add_feed(paths, "https://first.example/rss", tags=["a"]) is None
    text = paths.config_file.read_text()
    assert text.startswith("# newsreader configuration")
    assert tomllib.loads(text) == {"feed": [{"url": "https://first.example/rss", "tags": ["a"]}]}
    assert remove_feed(paths, "https://first.example/rss") is None
    assert tomllib.loads(paths.config_file.read_text()) == {}


def test_adding_a_present_url_is_a_no_op_with_a_message(tmp_path):
    path = _copy(tmp_path, "config_full.toml")
    before = path.read_bytes()
    message = add_feed(path, "HTTPS://harbour-gazette.example:443/rss.xml?utm_source=x")
    assert message and message.startswith("already subscribed")
    assert path.read_bytes() == before
    assert not (tmp_path / "config.toml.bak").exists()


def test_removing_an_absent_url_says_so(tmp_path):
    path = _copy(tmp_path, "config_full.toml")
    before = path.read_bytes()
    assert remove_feed(path, "https://nobody.example/rss") == "not subscribed: https://nobody.example/rss"
    assert path.read_bytes() == before


@pytest.mark.parametrize("url", ["javascript:alert(1)", "|sh", "exec:rm", "-x", "file:///etc/passwd"])
def test_add_refuses_dangerous_urls(tmp_path, url):
    path = _copy(tmp_path, "config_full.toml")
    before = path.read_bytes()
    assert add_feed(path, url).startswith("refused: ")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        b"[fetch]\ntimeout = = 1\n",
        b'title = "caf\xe9"\n',
        b"a = " + b"[" * 10_000 + b"]" * 10_000,
        b"a = 1\na = 2\n",
    ],
    ids=["syntax", "non-utf8", "deep", "duplicate-key"],
)
def test_edits_never_touch_a_file_that_does_not_parse(tmp_path, content):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    assert not load_config(path).writable
    message = add_feed(path, "https://new.example/rss")
    assert message and "not editing a file that does not parse" in message and str(path) in message
    message = remove_feed(path, "https://new.example/rss")
    assert message and "not editing" in message
    assert path.read_bytes() == content
    assert not (tmp_path / "config.toml.bak").exists()


def test_single_feed_table_is_read_but_not_edited(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[feed]\nurl = "https://one.example/rss"\n')
    config = load_config(path)
    assert [f.url for f in config.feeds] == ["https://one.example/rss"]
    assert any("single [feed] table" in w for w in config.warnings)
    before = path.read_bytes()
    assert "fix it by hand" in add_feed(path, "https://two.example/rss")
    assert path.read_bytes() == before


def test_add_feed_with_bom_keeps_settings(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf# mine\n[fetch]\ntimeout = 9\n")
    assert add_feed(path, "https://bom.example/rss") is None
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mine\n")
    assert tomllib.loads(text)["fetch"] == {"timeout": 9}


@pytest.mark.parametrize(
    ("value", "measure", "warned"),
    [(72, 72, False), (80.0, 80, False), (10, 30, True), (1000, 240, True), ("wide", 80, True), (True, 80, True)],
)
def test_ui_measure_is_checked(tmp_path, value, measure, warned):
    path = tmp_path / "config.toml"
    save_toml(path, {"ui": {"measure": value}})
    config = load_config(path)
    assert config.ui.measure == measure
    assert any("ui.measure" in w for w in config.warnings) is warned
