"""The terminal is asked how it draws before the app starts, without Pillow;
textual-image's drawing modules come with the first picture and ask nothing.

Each case runs in a fresh interpreter (what is imported is the point), with a
stand-in terminal: standard output that says it is one and records what is
written, and textual-image's answer reader replaced by canned answers.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import io, sys
from contextlib import contextmanager
from types import SimpleNamespace

from textual_image import _terminal


class Terminal(io.StringIO):
    def isatty(self):
        return True


sys.__stdout__ = Terminal()
answers = dict(ANSWERS)


@contextmanager
def capture(start, end, timeout=None):
    response = SimpleNamespace(sequence="")
    yield response
    if start not in answers:
        raise TimeoutError("no answer")
    response.sequence = answers[start]


_terminal.capture_terminal_response = capture
from newsreader.tui import terminal_graphics

terminal_graphics.ask_terminal("auto")
asked = sys.__stdout__.getvalue()
print(terminal_graphics.drawer(), "PIL" in sys.modules, "textual_image.renderable" in sys.modules)
print(repr(asked))
renderable = terminal_graphics.drawing()
print(renderable.Image.__module__, sys.__stdout__.getvalue() == asked)
"""

CELL = ("\x1b[", "\x1b[6;20;10t")  # the cell size, asked when the size ioctl fails (no real terminal here)


@pytest.mark.parametrize(
    ("answers", "term", "drawer", "module"),
    [
        ([CELL, ("\x1b[?", "\x1b[?62;4;22c")], "xterm-256color", "sixel", "sixel"),
        ([CELL, ("\x1b[?", "\x1b[?62;22c"), ("\x1b_G", "\x1b_Gi=7;OK\x1b\\")], "xterm-kitty", "kitty", "tgp"),
        ([CELL, ("\x1b[?", "\x1b[?62;22c")], "xterm-256color", "blocks", "halfcell"),
    ],
)
def test_the_terminal_is_asked_without_pillow_and_the_drawing_asks_nothing(answers, term, drawer, module):
    env = {k: v for k, v in os.environ.items() if k not in ("KITTY_WINDOW_ID", "TERM_PROGRAM")}
    env["TERM"] = term
    code = SCRIPT.replace("ANSWERS", repr(answers))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    first, asked, last = done.stdout.splitlines()
    assert first == f"{drawer} False False"  # asked, and neither Pillow nor the drawing modules imported
    assert "\x1b[c" in ast.literal_eval(asked)
    assert ("\x1b_G" in ast.literal_eval(asked)) == (term == "xterm-kitty")  # the Kitty question only to Kitty
    assert last == f"textual_image.renderable.{module} True"  # the drawer found; nothing more written
