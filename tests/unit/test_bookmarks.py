"""bookmarks.toml: round-trips, read-only when broken, nothing the user wrote is lost; exports."""

from __future__ import annotations

import json
import os
import shutil
import time
import tomllib
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsreader.core.models import Article
from newsreader.core.paths import Paths
from newsreader.exchange.bookmark_export import export
from newsreader.store.bookmark_entry import SUMMARY_CHARS
from newsreader.store.bookmarks import (
    Bookmark,
    BookmarksError,
    BookmarksReadOnly,
    BookmarkStore,
    published_text,
)
from tests.support.paths import FIXTURES

TOML = FIXTURES / "toml"
SAVED = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def _store(tmp_path: Path, fixture: str | None = None) -> BookmarkStore:
    path = tmp_path / "bookmarks.toml"
    if fixture:
        shutil.copyfile(TOML / fixture, path)
    return BookmarkStore(path).load()


def _bm(n: int = 1, **kw) -> Bookmark:
    fields = dict(
        title=f"Story {n}",
        source="Harbour Gazette",
        url=f"https://news.example/{n}",
        saved_at=SAVED,
        published="2026-11-25",
        tags=["local"],
        note="",
        article_key=f"k{n}",
    )
    fields.update(kw)
    return Bookmark(**fields)


# -- round trips ---------------------------------------------------------------


def test_add_save_load_round_trip(tmp_path):
    store = _store(tmp_path)
    assert store.error is None and not store.read_only and store.all() == []
    one = store.add(_bm(1, note="first line\nsecond line", summary="A short summary."))
    two = store.add(_bm(2, url=None, article_key="dump:2"))
    again = BookmarkStore(store.path).load()
    assert again.warnings == [] and again.error is None
    assert again.all() == [one, two]
    text = store.path.read_text()
    assert text.startswith("# newsreader bookmarks")
    data = tomllib.loads(text)
    assert data["bookmark"][0]["saved_at"] == SAVED
    assert "url" not in data["bookmark"][1]


def test_fixture_is_read_with_types(tmp_path):
    store = _store(tmp_path, "bookmarks_valid.toml")
    first, second = store.all()
    assert first.title == "Harbour reopens after the winter storms"
    assert first.saved_at == SAVED and first.published == "2026-11-25"
    assert first.tags == ["local"] and first.note == "Ask Sam about the ferry times."
    assert second.url is None and second.article_key == "dump:lanterns"
    assert second.saved_at == datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # +09:00 read as UTC


def test_find_by_key_or_any_spelling_of_the_url(tmp_path):
    store = _store(tmp_path, "bookmarks_valid.toml")
    assert store.find("a1:harbour-reopens").title.startswith("Harbour reopens")
    assert (
        store.find("HTTPS://Harbour-Gazette.example/2026/11/harbour-reopens?utm_source=rss#c").article_key
        == "a1:harbour-reopens"
    )
    assert store.find("dump:lanterns").source == "Lantern Daily"
    assert store.find("https://nowhere.example/") is None
    assert "dump:lanterns" in store and "nope" not in store


def test_add_twice_keeps_one(tmp_path):
    store = _store(tmp_path)
    first = store.add(_bm(1))
    assert store.add(_bm(1, title="Same story, other title")) is first
    assert store.add(_bm(9, article_key="other", url="https://NEWS.example/1#x")) is first
    assert len(BookmarkStore(store.path).load()) == 1


def test_toggle_remove_update(tmp_path):
    store = _store(tmp_path)
    assert store.toggle(_bm(1)) is True
    assert store.toggle(_bm(2)) is True
    assert store.toggle(_bm(1)) is False
    assert [b.article_key for b in BookmarkStore(store.path).load().all()] == ["k2"]
    updated = store.update("https://news.example/2", note="  read later \x1b[31m ", tags=["x", "x", "y", ""])
    assert updated.note == "read later [31m" and updated.tags == ["x", "y"]
    reread = BookmarkStore(store.path).load().find("k2")
    assert reread.note == "read later [31m" and reread.tags == ["x", "y"]
    assert store.remove("k2") is True and store.remove("k2") is False
    assert BookmarkStore(store.path).load().all() == []
    with pytest.raises(KeyError):
        store.update("k2", note="gone")


def test_each_save_keeps_a_backup(tmp_path):
    store = _store(tmp_path)
    store.add(_bm(1))
    store.add(_bm(2))
    backup = tomllib.loads((tmp_path / "bookmarks.toml.bak").read_text())
    assert [b["article_key"] for b in backup["bookmark"]] == ["k1"]


def test_from_article_keeps_precision_and_a_small_summary():
    art = Article(
        title="Quake\x1b]0;pwned\x07 hits coast",
        source="Wire",
        url="https://wire.example/quake",
        published=datetime(2026, 11, 25, 18, 4, 59, tzinfo=UTC),
        precision="minute",
        body="word " * 500,
    )
    bm = Bookmark.from_article(art, article_key="c:1", saved_at=SAVED)
    assert bm.title == "Quake]0;pwned hits coast"
    assert bm.published == "2026-11-25T18:04Z"
    assert bm.summary.endswith("…") and len(bm.summary) <= SUMMARY_CHARS + 1
    assert Bookmark.from_article(Article(title="x", url="javascript:alert(1)")).url is None


@pytest.mark.parametrize(
    ("published", "precision", "expected"),
    [
        (datetime(2026, 11, 25, 18, 4, 59, tzinfo=UTC), "exact", "2026-11-25T18:04:59Z"),
        (datetime(2026, 11, 25, 18, 4, tzinfo=UTC), "hour", "2026-11-25T18Z"),
        (datetime(2026, 11, 25, 18, 4, tzinfo=UTC), "day", "2026-11-25"),
        (datetime(2026, 11, 25, 18, 4, tzinfo=UTC), "unknown", "2026-11-25"),
        (date(2026, 11, 25), "day", "2026-11-25"),
        (None, "unknown", None),
    ],
)
def test_published_text_is_no_more_precise_than_known(published, precision, expected):
    assert published_text(Article(title="t", published=published, precision=precision)) == expected


def test_for_paths_uses_the_data_dir(nr_home):
    store = BookmarkStore.for_paths(Paths.default())
    assert store.path == nr_home / "data" / "bookmarks.toml"
    store.load().add(_bm(1))
    assert (nr_home / "data" / "bookmarks.toml").exists()
    assert not (nr_home / "cache").exists()


# -- broken files: read-only, bytes never change ----------------------------------


@pytest.mark.parametrize(
    ("content", "error_part"),
    [
        ((TOML / "bookmarks_syntax_error.toml").read_bytes(), "bookmarks.toml:6:23: Illegal character"),
        ((TOML / "bookmarks_duplicate_key.toml").read_bytes(), "bookmarks.toml:3:17: Cannot overwrite a value"),
        (b'[[bookmark]]\ntitle = "caf\xe9"\n', "bookmarks.toml: not UTF-8 (byte 25)"),
        (b"x = " + b"[" * 10_000 + b"]" * 10_000, "bookmarks.toml: nested too deeply"),
        (b'bookmark = "not tables"\n', "bookmark: expected [[bookmark]] tables, got string"),
    ],
    ids=["syntax", "duplicate-key", "non-utf8", "deep", "wrong-shape"],
)
def test_broken_file_makes_the_store_read_only(tmp_path, content, error_part):
    path = tmp_path / "bookmarks.toml"
    path.write_bytes(content)
    store = BookmarkStore(path).load()
    assert store.read_only and error_part in store.error and "\n" not in store.error
    for attempt in (
        lambda: store.add(_bm(1)),
        lambda: store.remove("k1"),
        lambda: store.toggle(_bm(1)),
        lambda: store.update("k1", note="x"),
    ):
        with pytest.raises(BookmarksReadOnly, match="read-only") as info:
            attempt()
        assert error_part in str(info.value)
    assert path.read_bytes() == content
    assert not (tmp_path / "bookmarks.toml.bak").exists()


def test_bom_is_tolerated_and_not_written_back(tmp_path):
    path = tmp_path / "bookmarks.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (TOML / "bookmarks_valid.toml").read_bytes())
    store = BookmarkStore(path).load()
    assert not store.read_only and len(store) == 2
    store.add(_bm(3))
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(BookmarkStore(path).load()) == 3


def test_file_broken_after_loading_is_not_overwritten(tmp_path):
    store = _store(tmp_path, "bookmarks_valid.toml")
    broken = b'[[bookmark]]\ntitle = "half written\n'
    time.sleep(0.01)
    store.path.write_bytes(broken)
    os.utime(store.path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    with pytest.raises(BookmarksReadOnly):
        store.add(_bm(5))
    assert store.path.read_bytes() == broken
    assert store.read_only and "bookmarks.toml:2:" in store.error


def test_hand_edit_while_running_is_picked_up_not_lost(tmp_path):
    store = _store(tmp_path, "bookmarks_valid.toml")
    text = store.path.read_text() + '\n[[bookmark]]\ntitle = "Added by hand"\nurl = "https://hand.example/"\n'
    store.path.write_text(text)
    os.utime(store.path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    store.add(_bm(7))
    titles = [b.title for b in BookmarkStore(store.path).load().all()]
    assert "Added by hand" in titles and "Story 7" in titles


# -- wrong types: skipped with warnings, yet kept in the file -----------------------


def test_wrong_entries_are_skipped_with_warnings_and_written_back(tmp_path):
    store = _store(tmp_path, "bookmarks_mixed.toml")
    path = store.path
    assert [b.title for b in store.all()] == ["A good one", "Local time"]
    assert len(store.warnings) == 3
    assert f"{path}: bookmark[2]: skipped: title: expected a string, got integer" in store.warnings
    assert f"{path}: bookmark[3]: skipped: url: refused: javascript: URL" in store.warnings
    assert any("bookmark[4]: skipped: tags" in w for w in store.warnings)
    local = store.find("https://local-time.example/")
    assert local.published == "2026-11-20" and local.saved_at.tzinfo is UTC
    assert store.find("https://good.example/story").extra == {"rating": 5}

    store.add(_bm(8))
    data = tomllib.loads(path.read_text())
    assert data["owner"] == "marta"
    entries = data["bookmark"]
    assert len(entries) == 6
    assert entries[0]["rating"] == 5
    assert entries[1] == {"title": 1234, "url": "https://wrong-type.example/"}
    assert entries[2]["url"] == "javascript:alert(1)"  # kept for the user to fix, never used
    assert entries[3]["tags"] == "not-a-list"
    reloaded = BookmarkStore(path).load()
    assert len(reloaded.all()) == 3 and len(reloaded.warnings) == 3


def test_local_datetime_is_the_users_local_time(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        store = _store(tmp_path, "bookmarks_mixed.toml")
        assert store.find("https://local-time.example/").saved_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_missing_saved_at_uses_the_file_time(tmp_path):
    path = tmp_path / "bookmarks.toml"
    path.write_text('[[bookmark]]\nurl = "https://only-url.example/"\n')
    os.utime(path, (1_795_716_000, 1_795_716_000))
    (bm,) = BookmarkStore(path).load().all()
    assert bm.title == "https://only-url.example/"
    assert bm.saved_at == datetime.fromtimestamp(1_795_716_000, UTC)


# -- exports --------------------------------------------------------------------


class _NetscapeReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []
        self.descriptions: list[str] = []
        self._in_a = False
        self._in_dd = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append({**dict(attrs), "text": ""})
            self._in_a = True
        self._in_dd = tag == "dd"

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_a = False

    def handle_data(self, data):
        if self._in_a:
            self.links[-1]["text"] += data
        elif self._in_dd and data.strip():
            self.descriptions.append(data.strip())
            self._in_dd = False


def _export_set() -> list[Bookmark]:
    return [
        _bm(1, title='Tom & Jerry say "<hi>"', tags=["a", "b,c"], note="Call <Sam> & co"),
        _bm(2, url=None, title="No link here", article_key="dump:2"),
        _bm(3, title="Quiet one", tags=[], note="", url="https://news.example/3?a=1&b=2"),
    ]


def test_netscape_export_structure_and_escaping():
    out = export(_export_set(), "html")
    lines = out.splitlines()
    assert lines[0] == "<!DOCTYPE NETSCAPE-Bookmark-file-1>"
    assert '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">' in lines
    assert out.count("<DL><p>") == 1 and lines[-1] == "</DL><p>"
    assert (
        '<DT><A HREF="https://news.example/1" ADD_DATE="1795716000" TAGS="a,b c">'
        "Tom &amp; Jerry say &quot;&lt;hi&gt;&quot;</A>" in out
    )
    assert "<DD>Call &lt;Sam&gt; &amp; co" in out
    assert "No link here" not in out  # no URL: browsers cannot import it
    reader = _NetscapeReader()
    reader.feed(out)
    assert [link["href"] for link in reader.links] == ["https://news.example/1", "https://news.example/3?a=1&b=2"]
    assert reader.links[0]["text"] == 'Tom & Jerry say "<hi>"'
    assert reader.links[0]["tags"] == "a,b c"
    assert reader.descriptions[0] == "Call <Sam> & co"


def test_no_unsafe_link_is_ever_exported():
    sneaky = _bm(4, url="javascript:alert(1)", title="sneaky")  # built by hand, bypassing the store
    html_out = export([sneaky], "html")
    assert "javascript" not in html_out and "sneaky" not in html_out
    assert "javascript" not in export([sneaky], "markdown")
    assert json.loads(export([sneaky], "json"))["bookmarks"][0]["url"] is None


def test_markdown_export():
    out = export(_export_set(), "md")
    assert out.startswith("# Bookmarks\n")
    assert '- [Tom & Jerry say "\\<hi\\>"](<https://news.example/1>) — Harbour Gazette · 2026-11-25' in out
    assert "  tags: a, b,c" in out
    assert "  > Call \\<Sam\\> & co" in out
    assert "- No link here — Harbour Gazette · 2026-11-25" in out


def test_json_export():
    data = json.loads(export(_export_set(), "json"))["bookmarks"]
    assert [b["url"] for b in data] == ["https://news.example/1", None, "https://news.example/3?a=1&b=2"]
    assert data[0]["title"] == 'Tom & Jerry say "<hi>"'
    assert data[0]["saved_at"] == "2026-11-26T18:00:00+00:00"
    assert data[1]["article_key"] == "dump:2"


def test_unknown_export_format():
    with pytest.raises(ValueError, match="unknown export format"):
        export([], "csv")


def test_bookmark_built_by_hand_is_cleaned_before_it_is_saved(tmp_path):
    store = _store(tmp_path)
    stored = store.add(
        Bookmark(
            title="Bad\x1b[2J\u202e title",
            source="S\x9bx",
            url="https://hand.example/",
            saved_at=datetime(2026, 11, 26, 18, 0, 0, 123456, tzinfo=UTC),
            tags=[" a ", "a", "\x07"],
        )
    )
    assert stored.title == "Bad[2J title" and stored.source == "Sx" and stored.tags == ["a"]
    assert stored.saved_at == SAVED
    assert BookmarkStore(store.path).load().all() == [stored]


def test_failed_save_changes_nothing(tmp_path, monkeypatch):
    store = _store(tmp_path, "bookmarks_valid.toml")
    before = store.path.read_bytes()
    kept = store.all()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("newsreader.core.tomlfile.atomic_write", disk_full)
    with pytest.raises(BookmarksError, match="No space left"):
        store.add(_bm(1))
    with pytest.raises(BookmarksError):
        store.update("dump:lanterns", note="changed", tags=["t"])
    with pytest.raises(BookmarksError):
        store.remove("dump:lanterns")
    assert store.all() == kept and store.find("k1") is None
    assert store.find("dump:lanterns").note == "" and store.find("dump:lanterns").tags == []
    assert store.path.read_bytes() == before
