"""Feed subscription commands (filled in by the feeds work)."""

from __future__ import annotations

import argparse


def add_feed_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    return None


def run_feed_command(args: argparse.Namespace) -> int:
    return 2
