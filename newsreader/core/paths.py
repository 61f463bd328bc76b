"""Where newsreader keeps its files (platformdirs; XDG variables honoured).

Nothing is created at import time: callers ask for a path and create its
directory when they are about to write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "newsreader"


@dataclass(frozen=True, slots=True)
class Paths:
    """The three places the app uses: config, user data and cache."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def bookmarks_file(self) -> Path:
        return self.data_dir / "bookmarks.toml"

    @property
    def state_db(self) -> Path:
        """Read state and other things a user would mind losing (survives a cache wipe)."""
        return self.data_dir / "state.sqlite3"

    @property
    def cache_db(self) -> Path:
        return self.cache_dir / "cache.sqlite3"

    @classmethod
    def default(cls) -> Paths:
        """The user's platformdirs paths (XDG variables honoured).

        ``NEWSREADER_HOME`` puts all three under one folder;
        ``NEWSREADER_CONFIG_DIR`` / ``_DATA_DIR`` / ``_CACHE_DIR`` set one each
        (the app hands its own paths to the refresh process this way).
        """
        home = os.environ.get("NEWSREADER_HOME")
        if home:
            base = cls.under(Path(home).expanduser())
        else:
            import platformdirs

            base = cls(
                Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
                Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
                Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            )
        return cls(
            Path(os.environ.get("NEWSREADER_CONFIG_DIR") or base.config_dir),
            Path(os.environ.get("NEWSREADER_DATA_DIR") or base.data_dir),
            Path(os.environ.get("NEWSREADER_CACHE_DIR") or base.cache_dir),
        )

    def environment(self) -> dict[str, str]:
        """Environment variables that make another newsreader process use these paths."""
        return {
            "NEWSREADER_CONFIG_DIR": str(self.config_dir),
            "NEWSREADER_DATA_DIR": str(self.data_dir),
            "NEWSREADER_CACHE_DIR": str(self.cache_dir),
        }

    @classmethod
    def under(cls, base: Path) -> Paths:
        """All three under one folder (tests, portable installs)."""
        return cls(base / "config", base / "data", base / "cache")
