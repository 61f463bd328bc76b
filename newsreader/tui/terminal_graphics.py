"""Ask the terminal, once, before the app starts, how it can draw pictures.

The answers must come before Textual reads the keyboard, or Textual would
read them as keys; so ``newsreader`` calls :func:`ask_terminal` on a thread
while Textual is imported and waits for it before the app starts. It asks
how many pixels a cell has, whether the terminal speaks Sixel (one Device
Attributes question, answered at once by every terminal), and, where the
environment says the terminal may be Kitty-like (``TERM``,
``KITTY_WINDOW_ID``, ``TERM_PROGRAM``), whether it speaks the Kitty graphics
protocol (a question only those terminals answer: the others make it wait its
full 0.1 s). It asks through textual-image's terminal module, which needs
nothing but the standard library.

textual-image's drawing modules bring Pillow (~2.5 MB) and would ask the
same questions when imported; :func:`drawing` imports them when the first
picture is drawn, answers their questions "no" without a word to the
terminal (Textual owns it by then), and sets the drawer from the answers
kept here. No Textual here: this runs beside its import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

__all__ = ["ask_terminal", "drawer", "drawing", "may_speak_kitty_graphics"]

#: How the terminal draws, from :func:`ask_terminal`'s answers: "sixel",
#: "kitty", "blocks" (neither: coloured half-blocks), or None when not asked.
_drawer: list[str | None] = [None]

#: The Device Attributes answer, "ESC [ ? 62;4;22 c": 4 among them is Sixel.
_ATTRIBUTES_START, _ATTRIBUTES_END = "\x1b[?", "c"
#: A Kitty graphics query (a = q: answer, store nothing) for one pixel sent as
#: RGB (f = 24, s = v = 1, "AAAA" is its base64); the answer is
#: "ESC _ G i=7;OK ESC \\" from a terminal that could draw it.
_KITTY_QUERY = "\x1b_Gi=7,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
_KITTY_START, _KITTY_END = "\x1b_G", "\x1b\\"
_WAIT = 0.1  # seconds for an answer


def may_speak_kitty_graphics(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether the terminal may answer the Kitty graphics question (Kitty, Ghostty)."""
    term = environ.get("TERM", "").lower()
    program = environ.get("TERM_PROGRAM", "").lower()
    return "kitty" in term or "ghostty" in term or "KITTY_WINDOW_ID" in environ or program == "ghostty"


def ask_terminal(mode: str) -> None:
    """Ask the terminal (not for ``off``) its cell size and what it can draw;
    :func:`drawer` says it afterwards. Imports no drawing module."""
    if mode == "off":
        return
    from textual_image import _terminal

    _terminal.get_cell_size()  # kept: never asked again once the app runs
    if _speaks_sixel(_terminal):
        _drawer[0] = "sixel"
    elif may_speak_kitty_graphics() and _speaks_kitty(_terminal):
        _drawer[0] = "kitty"
    else:
        _drawer[0] = "blocks"


def drawer() -> str | None:
    """How the terminal draws pictures ("sixel", "kitty", "blocks"), or None when it was not asked."""
    return _drawer[0]


def _answer(terminal: Any, start: str, end: str, question: str) -> str | None:
    """The terminal's answer to ``question`` without its markers; None when none came."""
    stdout = sys.__stdout__
    if stdout is None:
        return None
    try:
        with terminal.capture_terminal_response(start, end, _WAIT) as response:
            stdout.write(question)
            stdout.flush()
    except (terminal.TerminalError, TimeoutError, OSError):
        return None
    return str(response.sequence)[len(start) : -len(end)]


def _speaks_sixel(terminal: Any) -> bool:
    answer = _answer(terminal, _ATTRIBUTES_START, _ATTRIBUTES_END, "\x1b[c")
    return answer is not None and "4" in answer.split(";")


def _speaks_kitty(terminal: Any) -> bool:
    answer = _answer(terminal, _KITTY_START, _KITTY_END, _KITTY_QUERY)
    return answer is not None and answer.rsplit(";", 1)[-1] == "OK"


def drawing() -> ModuleType:
    """textual-image's drawing modules (``textual_image.renderable``), imported
    now if they are not yet: their questions to the terminal are answered "no"
    unasked, and its ``Image`` is the drawer :func:`ask_terminal` found."""
    loaded = sys.modules.get("textual_image.renderable")
    if loaded is not None:
        return loaded
    from textual_image import _terminal

    with _unasked(_terminal):
        import textual_image.renderable as renderable
    chosen = {"sixel": renderable.SixelImage, "kitty": renderable.TGPImage}.get(_drawer[0] or "")
    if chosen is not None and renderable.is_tty:
        renderable.Image = chosen
    return renderable


@contextmanager
def _unasked(terminal: Any) -> Iterator[None]:
    """While textual-image's drawing modules load, every question they would
    put to the terminal fails before it is written: they bind the function then."""
    capture = terminal.capture_terminal_response

    def no_answer(start_marker: str, end_marker: str, timeout: float | None = None) -> Any:
        raise terminal.TerminalError("asked before the app started (newsreader.tui.terminal_graphics)")

    terminal.capture_terminal_response = no_answer
    try:
        yield
    finally:
        terminal.capture_terminal_response = capture
