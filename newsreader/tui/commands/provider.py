"""The commands in the command palette, and the key each one has now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from newsreader.tui.commands.base import Command, Entry, entries_of
from newsreader.tui.commands.main_commands import APP_COMMANDS


def commands_of(screen: Screen[object]) -> tuple[type[Command], ...]:
    """The commands ``screen`` offers (its ``COMMAND_SET``), then the app's."""
    own: tuple[type[Command], ...] = getattr(screen, "COMMAND_SET", ())
    return own + APP_COMMANDS


def key_text(app: App[Any], entry: Entry, keymap: Mapping[str, str]) -> str:
    """The keys ``entry`` has with the user's ``[keymap]`` applied, as the footer writes them."""
    keys = keymap.get(entry.binding_id)
    display = entry.key_display if keys is None else None
    shown = [
        app.get_key_display(Binding(key.strip(), entry.action, key_display=display))
        for key in (keys or entry.key).split(",")
    ]
    return " ".join(dict.fromkeys(shown))


class CommandsProvider(Provider):
    """Offers every command of the screen the palette was opened on."""

    def _entries(self) -> list[Entry]:
        # The palette's own "quit" is Textual's; ours would say it twice.
        return [e for e in entries_of(commands_of(self.screen)) if e.action != "quit"]

    def _run(self, action: str) -> None:
        self.app.call_later(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.title, lambda action=entry.action: self._run(action), help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(entry.title),
                    lambda action=entry.action: self._run(action),
                    text=entry.title,
                    help=entry.help,
                )
