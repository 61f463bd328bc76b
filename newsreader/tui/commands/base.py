"""One class per action: its key, its footer word, its palette and help text.

A command's docstring is its help; ``BINDING_KEY`` its default keys;
``ID`` the name a user's ``[keymap]`` rebinds it by; ``FOOTER_TEXT`` the word
the footer shows (when ``SHOW_IN_FOOTER``); ``TITLE`` the name the palette
and the help screen give it. Screens build their ``BINDINGS`` from these
classes, the command palette offers them, and the help screen lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Entry:
    """One binding of a command (most commands have one)."""

    binding_id: str
    key: str
    action: str
    footer: str
    title: str
    help: str
    show: bool
    key_display: str | None = None

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.footer,
            show=self.show,
            id=self.binding_id,
            key_display=self.key_display,
            tooltip=self.title,
        )


class Command:
    """Base of the commands; never bound itself."""

    ID: ClassVar[str]
    BINDING_KEY: ClassVar[str]
    ACTION: ClassVar[str]
    FOOTER_TEXT: ClassVar[str]
    TITLE: ClassVar[str | None] = None
    SHOW_IN_FOOTER: ClassVar[bool] = False
    KEY_DISPLAY: ClassVar[str | None] = None

    @classmethod
    def help_text(cls) -> str:
        return " ".join((cls.__doc__ or "").split())

    @classmethod
    def entries(cls) -> Iterator[Entry]:
        yield Entry(
            cls.ID,
            cls.BINDING_KEY,
            cls.ACTION,
            cls.FOOTER_TEXT,
            cls.TITLE or cls.FOOTER_TEXT,
            cls.help_text(),
            cls.SHOW_IN_FOOTER,
            cls.KEY_DISPLAY,
        )


def entries_of(commands: Iterable[type[Command]]) -> list[Entry]:
    return [entry for command in commands for entry in command.entries()]


def bindings_of(commands: Iterable[type[Command]]) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """``BINDINGS`` for a screen that offers ``commands``."""
    return [entry.binding() for entry in entries_of(commands)]
