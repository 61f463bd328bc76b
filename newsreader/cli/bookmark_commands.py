"""``newsreader bookmarks export|list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsreader.core.sanitize import clean_line


def run_bookmarks(args: argparse.Namespace) -> int:
    from newsreader.core.fileio import atomic_write
    from newsreader.core.paths import Paths
    from newsreader.exchange.bookmark_export import export
    from newsreader.store import BookmarkStore

    store = BookmarkStore(Paths.default().bookmarks_file).load()
    if store.error:
        # Still readable? No: a file that does not parse has nothing we trust.
        print(clean_line(store.error), file=sys.stderr)
        return 1
    for warning in store.warnings:
        print(clean_line(warning), file=sys.stderr)
    bookmarks = store.all()
    if args.bookmarks_command == "list":
        if not bookmarks:
            print("no bookmarks yet: press b on a story in the reader")
        for b in bookmarks:
            print(
                f"{clean_line(b.title)} — {clean_line(b.source or 'unknown source')} · {clean_line(b.published or 'undated')}"
            )
            if b.url:
                print(f"    {clean_line(b.url)}")
        return 0
    text = export(bookmarks, args.format)
    if args.output:
        atomic_write(Path(args.output), text, backup=False)
        print(f"{len(bookmarks)} bookmarks written to {clean_line(args.output)}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
