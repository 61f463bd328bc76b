"""newsreader: a terminal news reader."""

__version__ = "0.1.0"
