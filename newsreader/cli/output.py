"""What commands print besides their results: one-line errors on stderr."""

from __future__ import annotations

import sys

from newsreader.core.sanitize import clean_line


def error(message: str) -> None:
    """One clean line on stderr: control characters and newlines from
    untrusted text (a feed's title, a server's reason) never reach the terminal."""
    print(clean_line(message), file=sys.stderr)
