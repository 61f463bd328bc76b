"""``newsreader import`` over a directory of hostile documents.

``tests/fixtures/hostile/`` holds small hand-written attacks on every input
the importer reads (XML entity bombs, external entities, XInclude, deep
nesting, JSON Feed with wrong types / NaN / 5,000-digit integers / lone
surrogates, empty, binary and NUL-filled text, mixed line endings, OPML whose
feeds are shell commands, titles that are Rich markup or terminal escapes);
the large ones (a 50 MB single line, 100,000 items, a 15 MB single line) are
generated here. One run of the real command over all of them must:

* finish, print exactly one ``path: reason`` line per failing file, import the
  rest and exit 1;
* leave no control character in any text column of the cache, and nothing
  read from a local file or expanded from an entity;
* and the app must draw the imported text literally: no escape sequence but
  its own colours reaches the terminal, no markup is interpreted.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.store import textpack
from tests.support.paths import FIXTURES

HOSTILE = FIXTURES / "hostile"
REPO = Path(__file__).resolve().parents[2]
BULK_ITEMS = 100_000

#: Files that must fail, with the exact reason printed after ``path: ``.
FAILURES = {
    "binary_noise.bin": "binary data, not text",
    "generated_50mb_single_line.xml": "file too large (over 16 MiB)",
    "html_script_only.html": "no readable text",
    "json_5000_digit_int.json": "not a JSON Feed: no list of items",
    "json_deep_nesting.json": "JSON nested too deeply",
    "json_items_not_a_list.json": "not a JSON Feed: no list of items",
    "json_truncated.json": "not valid JSON: Unterminated string starting at: line 1 column 96 (char 95)",
    "opml_billion_laughs.opml": 'no feed outlines in OPML; 1 refused, first: refused feed "&lol9;": not an absolute http(s) URL',
    "opml_only_commands.opml": "no feed outlines in OPML; 5 refused, first: refused feed \"Pipe\": '|' command pipe",
    "text_boilerplate_only.txt": "no readable text",
    "text_empty.txt": "no readable text",
    "text_only_nul_bytes.txt": "binary data, not text",
    "text_whitespace_only.txt": "no readable text",
}

#: Every stored headline except the generated ones, exactly as stored: markup
#: kept as literal characters, controls and bidi overrides gone, C1 read as
#: the windows-1252 punctuation it almost always is.
TITLES = {
    # XML attacks: the document is read, the attack does nothing
    "Laughs end",
    "Ferry crews return after the storm",
    "Quadratic",
    "Secret here",
    "Crane repairs finish early",
    "Lock gates inspected",
    "Deep",
    "Attributes",
    "Never closed",
    # JSON Feed: bad fields and items dropped, the rest kept
    "Pier lights come back on",
    "Big numbers",
    "https://pier-post.example/nan",
    "Half a pair \ufffd here \ufffd",
    "Clipboard ]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA== grab",
    # text and HTML
    "Flood gates close for the first time this winter",
    "Storm barrier closes for the first time this winter",
    "]52;c;cm0gLXJmIH4=Tide gauge [31mfails[0m during surge gnp.exe",
    "Le caf\u00e9 du port rouvre ses portes",
    "[@click=app.quit]Quit[/] [link=file:///etc/passwd]x[/link] Tide tables [/]",
    # hostile headlines in a feed
    "[/]",
    "[@click=app.quit]Read more[/]",
    "[link=file:///etc/passwd]x[/link]",
    "]52;c;Y2F0IC9ldGMvcGFzc3dk clipboard",
    "]52;c;Y2F0IC9ldGMvcGFzc3dk raw clipboard",
    "C1 \u203a31m red and override",
    "Script link",
}

#: Source names that are attacks of their own.
HOSTILE_SOURCES = {
    "[bold red]Tideline[/] ]0;pwnedWire",
    "[bold red]Harbour[/] Gazette",
    "[bold red]Evil[/] ]0;titlePress",
}

# What the terminal must never receive, and what clean() removes.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\ud800-\udfff]"
)


def _generate_large(folder: Path) -> None:
    item = "<item><title>Bulk story {n}</title><link>https://bulk.example/{n}</link><description>Bulk {n}.</description></item>"
    (folder / "generated_100k_items.rss").write_bytes(
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Bulk Wire</title>'
            + "".join(item.format(n=n) for n in range(BULK_ITEMS))
            + "</channel></rss>"
        ).encode()
    )
    with open(folder / "generated_50mb_single_line.xml", "wb") as fh:
        fh.write(
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title><item><title>Huge</title><description>'
        )
        for _ in range(50):
            fh.write(b"x" * (1024 * 1024))
        fh.write(b"</description></item></channel></rss>")
    words = "harbour pilots worked through the night while the storm went on "
    (folder / "generated_15mb_single_line.txt").write_bytes((words * (15 * 1024 * 1024 // len(words))).encode())


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """(home, documents folder, completed process) of one real import run."""
    base = tmp_path_factory.mktemp("hostile-import")
    docs = base / "docs"
    shutil.copytree(HOSTILE, docs)
    _generate_large(docs)
    home = base / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREADER_")}
    env.update(NEWSREADER_HOME=str(home), PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", "import", str(docs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )
    return home, docs, result


def _cache(home: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(home / "cache" / "cache.sqlite3")
    conn.row_factory = sqlite3.Row
    return conn


def test_every_failure_is_one_line_naming_its_file(imported):
    _home, docs, result = imported
    assert result.returncode == 1
    expected = sorted(f"{docs / name}: {reason}" for name, reason in FAILURES.items())
    assert sorted(result.stderr.splitlines()) == expected


def test_the_good_documents_are_imported(imported):
    home, _docs, result = imported
    conn = _cache(home)
    titles = [r["title"] for r in conn.execute("SELECT title FROM articles")]
    bulk = [t for t in titles if t.startswith("Bulk story ")]
    long_line = [t for t in titles if t.startswith("harbour pilots worked")]
    rest = set(titles) - set(bulk) - set(long_line)
    assert rest == TITLES
    # 100,000 items: the first 5,000 (the item cap), in order.
    assert sorted(bulk, key=lambda t: int(t.split()[-1])) == [f"Bulk story {n}" for n in range(5000)]
    assert len(long_line) == 1 and len(long_line[0]) <= 201
    assert result.stdout == f"{len(titles)} new, 0 updated, {len(FAILURES)} failed\n"
    sources = {r["name"] for r in conn.execute("SELECT name FROM sources")}
    assert sources >= HOSTILE_SOURCES
    assert {"Tideline Wire", "Pier Post", "Quay Notes", "Include Weekly", "Bulk Wire", "Valley Courier"} <= sources
    # Nothing the OPML files named was subscribed to.
    assert not (home / "config" / "config.toml").exists()


def test_no_control_character_anywhere_in_the_cache(imported):
    home, _docs, _result = imported
    conn = _cache(home)
    checked = 0
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    ):
        columns = [r["name"] for r in conn.execute(f"PRAGMA table_info('{table}')")]
        for column in columns:
            for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\''):
                checked += 1
                assert not _CONTROL.search(value), (table, column, value[:120])
    assert checked > 5000 * 5
    for row in conn.execute("SELECT a.title, s.name FROM articles a JOIN sources s ON s.id = a.source_id"):
        assert "\n" not in row["title"] and "\t" not in row["title"] and "\n" not in row["name"]


def test_no_entity_was_expanded_and_no_local_file_was_read(imported):
    home, _docs, _result = imported
    conn = _cache(home)
    text = "\n".join(
        " ".join(str(v) for v in row)
        for row in conn.execute(
            "SELECT title, body, summary, url, extras FROM articles WHERE url IS NULL OR url NOT LIKE 'https://bulk.example/%'"
        )
    )
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    assert passwd not in text and "root:x:0" not in text
    assert "lollol" not in text and "A" * 100 not in text
    # Script links are dropped from the stories' addresses and from their text.
    assert "javascript:" not in " ".join(r[0] or "" for r in conn.execute("SELECT url FROM articles"))
    assert "javascript:" not in text
    # The XInclude and external-entity stories kept their own text.
    body = conn.execute("SELECT body FROM articles WHERE title = 'Lock gates inspected'").fetchone()[0]
    assert body == "Inspectors checked the lock gates."


def test_hostile_text_is_stored_literally_without_controls(imported):
    home, _docs, _result = imported
    conn = _cache(home)

    def body(title: str) -> str:
        return textpack.unpack(conn.execute("SELECT body FROM articles WHERE title = ?", (title,)).fetchone()[0])

    assert body("Clipboard ]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA== grab") == (
        "Text with CSI [2J clear, C1 \u203a31m red, bell  and  NUL.\nNext line after separator."
    )
    gauge = body("]52;c;cm0gLXJmIH4=Tide gauge [31mfails[0m during surge gnp.exe")
    assert "[@click=app.quit]Click here[/] said the notice, and [link=file:///etc/passwd]this[/link] too." in gauge
    storm = body("Storm barrier closes for the first time this winter")
    # CR, CRLF + FF and U+2028 end lines like LF: three paragraphs, nothing else.
    assert storm == (
        "The river barrier was closed on Wednesday night as the tide rose.\n\n"
        "Engineers said the barrier would open again at dawn.\n\n"
        "Residents near the quay were asked to move their cars."
    )


async def test_the_app_draws_the_imported_cache_literally(imported):
    """The screen a person sees: markup as text, no escape but colours."""
    from rich.console import Console

    from newsreader.core.paths import Paths
    from newsreader.tui.app import NewsReaderApp
    from newsreader.tui.services import Services
    from tests.support.app import settle

    home, _docs, _result = imported
    copy = home.parent / "app-home"
    if not copy.exists():
        shutil.copytree(home, copy)
    services = Services.for_paths(Paths.under(copy))
    app = NewsReaderApp(services)

    def terminal_output() -> tuple[str, str]:
        """What the terminal would receive for the whole screen, and its text."""
        width, height = app.size
        console = Console(
            width=width,
            height=height,
            file=io.StringIO(),
            force_terminal=True,
            color_system="truecolor",
            record=True,
            legacy_windows=False,
            safe_box=False,
        )
        console.print(app.screen._compositor.render_update(full=True))
        return console.file.getvalue(), console.export_text()

    def assert_clean(raw: str) -> None:
        # Colours and cursor moves (CSI ... letter) are the app's own; any
        # other escape (OSC 52 clipboard, OSC 8 links, OSC 0 title, DCS) or a
        # C1 control, BEL or bidi override came from a document.
        without_csi = re.sub(r"\x1b\[[0-9;:?]*[A-Za-z]", "", raw)
        assert not re.search(
            "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", without_csi.replace("\r", "")
        ), repr(re.findall(".{0,20}[\x00-\x09\x0b-\x1f\x7f-\x9f].{0,20}", without_csi)[:3])

    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = app.screen
        sources = screen.query_one("#sources")
        hostile_feed = next(
            row.id for row in services.cache.sources() if row.name == "[bold red]Tideline[/] ]0;pwnedWire"
        )
        from newsreader.tui.keys import ListKey

        sources.highlighted = sources.index_of(ListKey.source(hostile_feed))
        await settle(pilot)
        shown = [e.row.title for e in screen.query_one("#headlines").entries]
        assert {"[/]", "[@click=app.quit]Read more[/]", "[link=file:///etc/passwd]x[/link]"} <= set(shown)
        raw, text = terminal_output()
        assert_clean(raw)
        # (The source list cuts long names with an ellipsis.)
        for literal in (
            "● [/] ",
            "[@click=app.quit]Read more[",
            "[link=file:///etc/passwd]x[",
            "]52;c;Y2F0IC9ldGMvcGFzc3dk",
            "[bold red]Tideline[",
        ):
            assert literal in text
        # Open every hostile story, and click one headline: nothing runs.
        headlines = screen.query_one("#headlines")
        for index in range(len(shown)):
            headlines.focus()
            headlines.highlighted = index
            await pilot.press("enter")
            await settle(pilot)
            raw, text = terminal_output()
            assert_clean(raw)
            body = screen.query_one("#article-body").render()
            assert body.plain.split("\n", 1)[0] == shown[index]
            assert shown[index] in body.plain
            assert not any("link" in str(span.style) or "@click" in str(span.style) for span in body.spans)
        await pilot.click("#headlines", offset=(4, shown.index("[@click=app.quit]Read more[/]") + 1))
        await settle(pilot)
        assert app.is_running
        # The other hostile outlets, too.
        for name in ("[bold red]Harbour[/] Gazette", "[bold red]Evil[/] ]0;titlePress"):
            source = next(row.id for row in services.cache.sources() if row.name == name)
            sources.highlighted = sources.index_of(ListKey.source(source))
            await settle(pilot)
            headlines.focus()
            headlines.highlighted = 0
            await pilot.press("enter")
            await settle(pilot)
            raw, text = terminal_output()
            assert_clean(raw)
            body = screen.query_one("#article-body").render()
            assert name in body.plain
            assert "[@click=app.quit]" in body.plain and "[link=file:///etc/passwd]" in body.plain
            assert not any("link" in str(span.style) or "@click" in str(span.style) for span in body.spans)
    services.cache.close()
