"""The tt-rss test server fixture skips with one line where it cannot start a server, never on CI."""

from __future__ import annotations

import pytest

from tests.support import ttrss


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr(ttrss, "api_answers", lambda: False)
    monkeypatch.setattr(ttrss.os, "geteuid", lambda: 1000)
    return monkeypatch


def test_skips_when_not_root(no_server: pytest.MonkeyPatch) -> None:
    no_server.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"^tt-rss test server cannot be started here \(not root\)"):
        ttrss.ensure_server()


def test_fails_instead_on_ci(no_server: pytest.MonkeyPatch) -> None:
    no_server.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not root"):
        ttrss.ensure_server()
