"""Fixtures shared by every level of tests.

The shared corpora live beside the repository (``../shared`` from the repo
root); tests that read them skip cleanly where they are absent
(:func:`tests.support.paths.shared_path`).
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def nr_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every newsreader path (config, data, cache) at a temp folder."""
    home = tmp_path / "nrhome"
    monkeypatch.setenv("NEWSREADER_HOME", str(home))
    return home
