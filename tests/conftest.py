"""Shared test fixtures.

The shared corpora live beside the repository (``../shared`` from the repo
root); tests that read them skip cleanly where they are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not present: {path}")
    return path


@pytest.fixture
def nr_home(tmp_path, monkeypatch) -> Path:
    """Point every newsreader path (config, data, cache) at a temp folder."""
    home = tmp_path / "nrhome"
    monkeypatch.setenv("NEWSREADER_HOME", str(home))
    return home
