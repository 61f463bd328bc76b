"""The [sync] table: every problem is one line, sync goes off, the reader works on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.config.settings import load_config
from newsreader.core.paths import Paths
from newsreader.sync import status_line


def config_with(tmp_path: Path, text: str, mode: int = 0o644):
    paths = Paths.under(tmp_path)
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text(text, encoding="utf-8")
    os.chmod(paths.config_file, mode)
    return load_config(paths)


def test_folder_backend(tmp_path: Path) -> None:
    config = config_with(tmp_path, '[sync]\nbackend = "folder"\npath = "~/Sync/newsreader"\n')
    assert config.sync is not None and config.sync.path == Path("~/Sync/newsreader").expanduser()
    assert config.warnings == [] and config.sync_error is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[sync]\nbackend = "dropbox"\n', "sync.backend: expected one of ttrss, folder, got 'dropbox'"),
        ('[sync]\nbackend = "ttrss"\nurl = "ftp://x.org/"\nuser = "me"\n', "sync.url: expected an http(s) address"),
        ('[sync]\nbackend = "folder"\n', "sync.path: missing"),
        (
            '[sync]\nbackend = "ttrss"\nurl = "https://x.org/"\nuser = "me"\npassword_command = "pass show x"\n',
            "list of strings",
        ),
        ("sync = 3\n", "sync: expected a table"),
    ],
)
def test_problems_turn_sync_off_in_one_line(tmp_path: Path, text: str, problem: str) -> None:
    config = config_with(tmp_path, text)
    assert config.sync is None
    assert config.sync_error is not None and problem in config.sync_error and "\n" not in config.sync_error


def test_a_password_in_a_readable_file_is_refused_and_never_shown(tmp_path: Path) -> None:
    text = '[sync]\nbackend = "ttrss"\nurl = "https://x.org/tt-rss"\nuser = "me"\npassword = "hunter2-secret"\n'
    config = config_with(tmp_path, text, 0o644)
    assert config.sync is None and "chmod 600" in (config.sync_error or "")
    assert "hunter2" not in (config.sync_error or "")
    private = config_with(tmp_path / "p", text, 0o600)
    assert private.sync is not None and private.sync.password == "hunter2-secret"
    assert "hunter2" not in repr(private.sync)
    assert private.sync.url == "https://x.org/tt-rss/" and private.sync.server_fetch


def test_a_config_that_does_not_parse_is_one_status_line(tmp_path: Path) -> None:
    config_with(tmp_path, "[sync\nbackend = 1\n")
    line = status_line(Paths.under(tmp_path))
    assert line.startswith("sync off: ") and line.endswith("sync is off") and "\n" not in line
    assert status_line(Paths.under(tmp_path / "none")) == ""
