"""The compare view's commands (``c`` on a story told by several outlets)."""

from __future__ import annotations

from newsreader.tui.commands.base import Command


class CloseCompare(Command):
    """Back to the reader."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "compare.close", "escape,c", "close", "Back", True


class NextOutlet(Command):
    """Show the next outlet's version on the chosen side (later in the story's timeline)."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = (
        "compare.next",
        "right_square_bracket,right",
        "step_outlet(1)",
        "Next outlet",
        True,
    )
    KEY_DISPLAY = "]"


class PreviousOutlet(Command):
    """Show the previous outlet's version on the chosen side (earlier in the story's timeline)."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = (
        "compare.previous",
        "left_square_bracket,left",
        "step_outlet(-1)",
        "Previous outlet",
        True,
    )
    KEY_DISPLAY = "["


class SwitchSide(Command):
    """Choose the other side: [ and ] change its outlet, the arrows scroll it."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "compare.side", "tab", "switch_side", "Other side", True


class ReadVersion(Command):
    """Close the comparison and read the chosen side's version in the reader."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "compare.read", "enter", "read", "Read this one", True


COMPARE_COMMANDS: tuple[type[Command], ...] = (CloseCompare, NextOutlet, PreviousOutlet, SwitchSide, ReadVersion)
