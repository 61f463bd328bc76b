"""The cache survives whatever the disk, a crash or a second reader did to it.

Each test damages a real cache the way it happens in the wild and checks the
exact outcome: the one line the user is told, the file that was moved aside
(byte for byte what was there) or left untouched, and that read state
(``state.sqlite3``) and bookmarks (``bookmarks.toml``) come through intact, so
re-importing the news brings back the same read marks (SECURITY.md, trap 9).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.store.bookmarks import Bookmark, BookmarkStore
from newsreader.store.lock import InstanceLock
from newsreader.store.opener import CacheUnavailable, open_cache_safely
from newsreader.store.schema import APPLICATION_ID, SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]
NOW = 1_795_000_000
STAMP = r"\d{8}-\d{6}(?:-\d+)?"
ARTICLES = 240


def _news() -> ParsedDocument:
    """Enough stories that the articles table spans many pages."""
    return ParsedDocument(
        format="page-dump",
        articles=[
            Article(
                title=f"Harbour story number {n} about the night shift",
                source=f"Outlet {n % 5}",
                url=f"https://harbour.example/story/{n}",
                body=f"Story {n} body. " + "Pilots kept the harbour open through the storm. " * 12,
            )
            for n in range(ARTICLES)
        ],
    )


@dataclass
class Baseline:
    paths: Paths
    read_keys: set[str]
    bookmark_key: str
    bookmark_bytes: bytes
    state_rows: list[tuple[str, int]]


def _state_rows(paths: Paths) -> list[tuple[str, int]]:
    conn = sqlite3.connect(paths.state_db)
    try:
        return sorted(conn.execute("SELECT article_key, is_read FROM read_state"))
    finally:
        conn.close()


@pytest.fixture
def baseline(tmp_path) -> Baseline:
    """A user with a cache of news, three stories read and one bookmarked."""
    paths = Paths.under(tmp_path / "home")
    opened = open_cache_safely(paths.cache_db, paths.state_db)
    assert opened.messages == []
    cache = opened.cache
    ids = cache.import_document(_news(), now=NOW).article_ids
    cache.set_read(ids[:3])
    read_keys = {cache.article(i).key for i in ids[:3]}
    bookmark_key = cache.article(ids[7]).key
    cache.close()
    store = BookmarkStore(paths.bookmarks_file).load()
    store.add(Bookmark.from_article(_news().articles[7], article_key=bookmark_key))
    return Baseline(paths, read_keys, bookmark_key, paths.bookmarks_file.read_bytes(), _state_rows(paths))


def _assert_user_state_survives(base: Baseline, cache) -> None:
    """Bookmarks untouched, read state untouched, and both find their stories again."""
    paths = base.paths
    assert paths.bookmarks_file.read_bytes() == base.bookmark_bytes
    store = BookmarkStore(paths.bookmarks_file).load()
    assert store.error is None and [b.article_key for b in store.all()] == [base.bookmark_key]
    assert _state_rows(paths) == base.state_rows
    cache.import_document(_news(), now=NOW + 60)
    rows = cache.connection().execute("SELECT key, is_read FROM articles").fetchall()
    assert len(rows) == ARTICLES
    assert {r["key"] for r in rows if r["is_read"]} == base.read_keys
    assert cache.article_id_for_key(base.bookmark_key) is not None


def _reopen(base: Baseline):
    return open_cache_safely(base.paths.cache_db, base.paths.state_db)


def _moved_aside(message: str, pattern: str, base: Baseline) -> Path:
    """The file a repair message names, after checking the message word for word."""
    db = base.paths.cache_db
    match = re.fullmatch(re.escape(f"{db}: ") + pattern + r"; moved it to (\S+) and started a new cache", message)
    assert match, message
    moved = db.with_name(match.group(match.lastindex))
    assert moved.is_file()
    return moved


# ---------------------------------------------------------------- damaged files


def test_truncated_cache_is_moved_aside_and_rebuilt(baseline):
    db = baseline.paths.cache_db
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    opened = _reopen(baseline)
    [message] = opened.messages
    moved = _moved_aside(message, r"not a usable database \(database disk image is malformed\)", baseline)
    assert moved.read_bytes() == data[: len(data) // 3]
    assert opened.cache.totals() == (0, 0)
    _assert_user_state_survives(baseline, opened.cache)
    opened.cache.close()


def test_file_that_is_not_sqlite_is_moved_aside(baseline):
    db = baseline.paths.cache_db
    junk = b"These are somebody's shopping notes, not a database.\n" * 300
    db.write_bytes(junk)
    opened = _reopen(baseline)
    [message] = opened.messages
    moved = _moved_aside(message, r"not a usable database \(file is not a database\)", baseline)
    assert moved.name.startswith("cache.sqlite3.broken-") and moved.read_bytes() == junk
    _assert_user_state_survives(baseline, opened.cache)
    opened.cache.close()


def _article_leaf_page(db: Path) -> tuple[int, int]:
    """(page number, page size) of a table-leaf page holding article rows, not page 1."""
    data = db.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    for number in range(2, len(data) // page_size + 1):
        page = data[(number - 1) * page_size : number * page_size]
        if page[0] == 0x0D and b"Harbour story number 1" in page and b"about the night shift" in page:
            return number, page_size
    raise AssertionError("no article leaf page found")


def test_zeroed_interior_page_only_quick_check_sees_is_moved_aside(baseline):
    db = baseline.paths.cache_db
    number, page_size = _article_leaf_page(db)
    with open(db, "r+b") as fh:
        fh.seek((number - 1) * page_size)
        fh.write(bytes(page_size))
    damaged = db.read_bytes()
    # The damage is invisible to an ordinary query: the count still answers.
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == ARTICLES
    conn.close()
    opened = _reopen(baseline)
    assert opened.checked
    [message] = opened.messages
    moved = _moved_aside(message, r"damaged \(database disk image is malformed\)", baseline)
    assert moved.read_bytes() == damaged
    _assert_user_state_survives(baseline, opened.cache)
    opened.cache.close()


def test_database_of_another_application_is_moved_aside_unchanged(baseline):
    db = baseline.paths.cache_db
    db.unlink()
    conn = sqlite3.connect(db)  # rollback journal: opening it in WAL mode would rewrite its header
    conn.executescript("CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES ('bread');")
    conn.close()
    original = db.read_bytes()
    opened = _reopen(baseline)
    [message] = opened.messages
    moved = _moved_aside(message, re.escape("not a newsreader cache (another application's database)"), baseline)
    assert moved.name.startswith("cache.sqlite3.foreign-")
    assert moved.read_bytes() == original
    _assert_user_state_survives(baseline, opened.cache)
    opened.cache.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_newer_schema_is_refused_and_left_byte_for_byte(baseline, journal):
    db = baseline.paths.cache_db
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("PRAGMA user_version = 9")
    conn.close()
    before = db.read_bytes()
    names = sorted(p.name for p in db.parent.iterdir())
    with pytest.raises(CacheUnavailable) as caught:
        _reopen(baseline)
    assert str(caught.value) == (
        f"{db}: cache schema 9 is newer than this newsreader understands ({SCHEMA_VERSION}); use that newsreader, or move the file away"
    )
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == names
    assert baseline.paths.bookmarks_file.read_bytes() == baseline.bookmark_bytes
    assert _state_rows(baseline.paths) == baseline.state_rows


def test_unreadable_read_state_is_set_aside_without_blaming_the_cache(baseline):
    state = baseline.paths.state_db
    state.write_bytes(b"\x00garbage where the read marks were" * 100)
    opened = _reopen(baseline)
    [message] = opened.messages
    match = re.fullmatch(
        re.escape(f"{state}: read state unreadable (file is not a database); moved it to ")
        + rf"(state\.sqlite3\.broken-{STAMP}); read marks kept in the cache were saved again",
        message,
    )
    assert match, message
    assert (state.parent / match.group(1)).read_bytes().startswith(b"\x00garbage")
    # The cache was sound: nothing lost, and the read marks are saved again.
    assert opened.cache.totals() == (ARTICLES, ARTICLES - 3)
    assert _state_rows(baseline.paths) == baseline.state_rows
    assert not list(baseline.paths.cache_db.parent.glob("*.broken-*"))
    opened.cache.close()


# ---------------------------------------------------------------- the command line


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSREADER_")}
    env.update(NEWSREADER_HOME=str(home), PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(REPO))
    return env


def _newsreader(home: Path, *args: str, unprivileged: bool = False, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=_drop_file_permission_override if unprivileged and os.geteuid() == 0 else None,
    )


def _drop_file_permission_override() -> None:
    """In the child, before exec: give up root's power to ignore file modes.

    CI runs as root, for whom a read-only folder is writable. Dropping
    CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER from the bounding
    set makes the exec'd newsreader bound by the folder's mode like anyone.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


def test_cli_reports_a_repair_in_one_line_and_goes_on(baseline):
    db = baseline.paths.cache_db
    db.write_bytes(b"not sqlite\n" * 50)
    result = _newsreader(baseline.paths.cache_dir.parent, "search", "harbour")
    assert result.returncode == 0
    [line] = result.stderr.splitlines()
    assert re.fullmatch(
        re.escape(f"{db}: not a usable database (file is not a database); moved it to ")
        + rf"cache\.sqlite3\.broken-{STAMP} and started a new cache",
        line,
    )
    assert result.stdout == "no matches\n"


@pytest.fixture
def read_only_cache(tmp_path):
    """A home whose cache folder is read-only (0555), with a sound cache in it or not."""
    home = tmp_path / "ro-home"
    paths = Paths.under(home)
    for folder in (paths.config_dir, paths.data_dir, paths.cache_dir):
        folder.mkdir(parents=True)
    paths.cache_dir.chmod(0o555)
    probe = _newsreader(home, "--version", unprivileged=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot run a child without root's file powers: {probe.stderr.strip()[-200:]}")
    yield paths
    paths.cache_dir.chmod(0o755)


def test_read_only_cache_folder_is_one_line_and_changes_nothing(read_only_cache):
    paths = read_only_cache
    result = _newsreader(paths.cache_dir.parent, "search", "harbour", unprivileged=True)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"newsreader: {paths.cache_dir}: the folder is not writable\n"
    assert list(paths.cache_dir.iterdir()) == []


def test_read_only_cache_folder_with_a_cache_in_it(read_only_cache):
    paths = read_only_cache
    paths.cache_dir.chmod(0o755)
    opened = open_cache_safely(paths.cache_db, paths.state_db)
    opened.cache.import_document(_news(), now=NOW)
    opened.cache.close()
    paths.cache_dir.chmod(0o555)
    before = paths.cache_db.read_bytes()
    feed = REPO / "tests" / "fixtures" / "feeds" / "rss20.xml"
    result = _newsreader(paths.cache_dir.parent, "import", str(feed), unprivileged=True)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"newsreader: {paths.cache_dir}: the folder is not writable\n"
    assert paths.cache_db.read_bytes() == before
    assert sorted(p.name for p in paths.cache_dir.iterdir()) == ["cache.sqlite3"]


# ---------------------------------------------------------------- a second reader


_HOLD_LOCK = """
import sys
from pathlib import Path
from newsreader.store.lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
problem = lock.acquire()
print(problem or "holding", flush=True)
sys.stdin.read()
"""


def test_second_instance_is_told_the_pid_of_the_first(tmp_path):
    home = tmp_path / "home"
    paths = Paths.under(home)
    lock_path = paths.cache_db.with_name(paths.cache_db.name + ".lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(lock_path)],
        env=_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        assert lock_path.read_text() == f"{holder.pid}\n"
        result = _newsreader(home, timeout=30)  # no command: start the reader
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            f"newsreader: another newsreader (PID {holder.pid}) is using {paths.cache_db}; close it first\n"
        )
        # In the same process, too: the lock is per open file, not per process.
        assert InstanceLock(lock_path).acquire() == (
            f"another newsreader (PID {holder.pid}) is using {paths.cache_db}; close it first"
        )
    finally:
        holder.kill()
        holder.wait(10)
    # A killed holder leaves its file with its PID behind, but not its lock.
    assert lock_path.read_text() == f"{holder.pid}\n"
    with InstanceLock(lock_path) as lock:
        assert lock.acquire() is None
        assert lock_path.read_text() == f"{os.getpid()}\n"
    assert lock_path.read_text() == ""


_HOLD_WRITE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("writing", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def test_a_writer_in_another_process_is_waited_for(baseline):
    """A short write elsewhere is waited out (busy_timeout), not an error."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITE, str(baseline.paths.cache_db), "1.5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "writing\n"
        opened = _reopen(baseline)
        started = time.monotonic()
        opened.cache.set_read([1])
        waited = time.monotonic() - started
    finally:
        holder.wait(10)
    assert 0.5 < waited < opened.cache.busy_timeout
    assert opened.cache.article(1).is_read
    opened.cache.close()


def test_import_stops_in_one_line_when_another_writer_never_lets_go(baseline, tmp_path):
    """Every file would wait the whole busy timeout: the import stops at the first."""
    feeds = []
    for n in range(3):
        feed = tmp_path / f"feed{n}.xml"
        feed.write_text(
            f'<rss version="2.0"><channel><title>Wire {n}</title><item><title>Story {n}</title>'
            f"<link>https://wire.example/{n}</link></item></channel></rss>"
        )
        feeds.append(str(feed))
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITE, str(baseline.paths.cache_db), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "writing\n"
        started = time.monotonic()
        result = _newsreader(baseline.paths.cache_dir.parent, "import", *feeds)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(10)
    assert result.returncode == 1
    assert result.stderr == (f"newsreader: the cache is busy (another newsreader is writing); stopped at {feeds[0]}\n")
    assert result.stdout == "0 new, 0 updated, 1 failed\n"
    assert elapsed < 12  # one busy timeout (5 s), not one per file
    opened = _reopen(baseline)
    assert opened.cache.totals()[0] == ARTICLES
    opened.cache.close()


# ---------------------------------------------------------------- a crash mid-write


_IMPORT_FOREVER = """
import sys
from pathlib import Path
from newsreader.core.models import Article, ParsedDocument
from newsreader.store.opener import open_cache_safely
db, state = Path(sys.argv[1]), Path(sys.argv[2])
cache = open_cache_safely(db, state).cache
for batch in range(100000):
    doc = ParsedDocument(format="page-dump", articles=[
        Article(title=f"Crash batch {batch} story {n} on the quay", source=f"Wire {batch % 9}",
                url=f"https://crash.example/{batch}/{n}", body="Cranes stood still at the quay. " * 40)
        for n in range(25)])
    cache.import_document(doc)
    print(batch, flush=True)
"""


def test_kill_in_the_middle_of_writing_leaves_a_consistent_cache(baseline):
    paths = baseline.paths
    writer = subprocess.Popen(
        [sys.executable, "-c", _IMPORT_FOREVER, str(paths.cache_db), str(paths.state_db)],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(paths.cache_dir.parent),
    )
    try:
        for _ in range(6):
            assert writer.stdout.readline().strip().isdigit()
        # The next batch is being written now: most of each batch's time is
        # spent inside its transaction.
        time.sleep(0.05)
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(10) == -signal.SIGKILL
        last_reported = max(int(line) for line in [*writer.stdout.read().split(), "5"])
    finally:
        if writer.poll() is None:
            writer.kill()
    opened = _reopen(baseline)
    assert opened.messages == [] and opened.checked  # quick_check found it sound
    conn = opened.cache.connection()
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    crash = conn.execute("SELECT count(*) FROM articles WHERE url LIKE 'https://crash.example/%'").fetchone()[0]
    # Whole batches only, at least every batch the writer reported as done.
    assert crash % 25 == 0 and crash >= 25 * (last_reported + 1)
    fts = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'cranes'").fetchone()[0]
    assert fts == crash
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert paths.bookmarks_file.read_bytes() == baseline.bookmark_bytes
    assert _state_rows(paths) == baseline.state_rows
    opened.cache.close()


def test_background_check_marks_damage_and_next_open_rebuilds(tmp_path):
    from newsreader.store.opener import damage_marker, mark_damaged, open_cache_safely

    db, state = tmp_path / "cache" / "cache.sqlite3", tmp_path / "data" / "state.sqlite3"
    opened = open_cache_safely(db, state)
    opened.cache.close()
    mark_damaged(db, "database disk image is malformed")
    again = open_cache_safely(db, state)
    assert not damage_marker(db).exists()
    assert any("damaged (database disk image is malformed)" in m for m in again.messages)
    assert list((tmp_path / "cache").glob("cache.sqlite3.broken-*"))
    again.cache.close()
