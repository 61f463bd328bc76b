"""Ask the terminal, once, before the app starts, how it can draw pictures.

textual-image asks the terminal when it is first imported: does it speak
Sixel (one Device Attributes question, answered at once by every terminal),
then the Kitty graphics protocol (a question only Kitty-like terminals
answer: the others make it wait its full 0.1 s), and how many pixels a cell
has. The answers must come before Textual reads the keyboard, or Textual
would read them as keys; so ``newsreader`` calls :func:`ask_terminal` on a
thread while Textual is imported and waits for it before the app starts.

Two things keep that wait short: the Kitty question is only asked where the
environment says the terminal may be Kitty-like (``TERM``, ``KITTY_WINDOW_ID``,
``TERM_PROGRAM``), and the cell size is read now, so drawing never asks.
No Textual here: this runs beside its import.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["ask_terminal", "may_speak_kitty_graphics"]

#: The start of textual-image's Kitty graphics question's answer.
_KITTY_ANSWER = "\x1b_G"


def may_speak_kitty_graphics(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether the terminal may answer the Kitty graphics question (Kitty, Ghostty)."""
    term = environ.get("TERM", "").lower()
    program = environ.get("TERM_PROGRAM", "").lower()
    return "kitty" in term or "ghostty" in term or "KITTY_WINDOW_ID" in environ or program == "ghostty"


def ask_terminal(mode: str) -> None:
    """Have textual-image ask the terminal (not for ``off``); afterwards
    ``textual_image.renderable.Image`` is the way it will draw for ``auto``."""
    if mode == "off":
        return
    from textual_image import _terminal

    _terminal.get_cell_size()  # kept: never asked again once the app runs
    with _no_kitty_question(_terminal, skip=not may_speak_kitty_graphics()):
        import textual_image.renderable  # noqa: F401 - importing it asks


@contextmanager
def _no_kitty_question(terminal: Any, *, skip: bool) -> Iterator[None]:
    """While textual-image's drawing modules load, answer its Kitty question
    "no" without asking, when ``skip``: the modules bind the function then."""
    if not skip:
        yield
        return
    capture = terminal.capture_terminal_response

    def capture_but_kitty(start_marker: str, end_marker: str, timeout: float | None = None) -> Any:
        if start_marker == _KITTY_ANSWER:
            raise terminal.TerminalError("the Kitty graphics protocol is not asked for here")
        return capture(start_marker, end_marker, timeout)

    terminal.capture_terminal_response = capture_but_kitty
    try:
        yield
    finally:
        terminal.capture_terminal_response = capture
