"""The Textual application: wires the services to the main screen.

Kept small on purpose: the screens own the behaviour; the app applies the
user's keymap and theme, offers every action in the command palette and
makes notifications plain text.
"""

from __future__ import annotations

import gc
import time

from textual import events
from textual.app import App
from textual.notifications import SeverityLevel

from newsreader.core.sanitize import clean, clean_line
from newsreader.tui.commands import APP_COMMANDS, bindings_of
from newsreader.tui.first_screen import FirstScreen
from newsreader.tui.idle_collector import IDLE_BEFORE_COLLECTING, IdleCollector
from newsreader.tui.screens.main_screen import MainScreen
from newsreader.tui.services import Services


def _freeze_startup_objects() -> None:
    """After the first frame: leave what start-up built (modules, Textual's
    styles and widgets, the first screen) out of the garbage collector's
    full passes, and turn the collector back on (``newsreader`` starts with
    it off: start-up makes objects that live as long as the app, and
    collecting meanwhile only delays the first frame). Each full pass would
    otherwise walk them all, with the interface stopped. Only for a real
    run: in a test process apps come and go."""
    gc.freeze()
    gc.enable()


class NewsReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    BINDINGS = bindings_of(APP_COMMANDS)

    def __init__(
        self, services: Services, first_screen: FirstScreen | None = None, *, freeze_startup: bool = False
    ) -> None:
        super().__init__()
        self.services = services
        self.first_screen = first_screen  # the first screen's rows, being read (newsreader.tui.first_screen)
        self.freeze_startup = freeze_startup
        self.last_key_at = 0.0  # time.monotonic() of the last key press
        self.collector = IdleCollector()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key_at = time.monotonic()
        await super().on_event(event)

    def collect_when_idle(self) -> None:
        """A pass of the garbage collector while the reader pauses (idle_collector.py)."""
        self.collector.tick(time.monotonic() - self.last_key_at)

    def on_mount(self) -> None:
        config = self.services.config
        if config.keymap:
            self.set_keymap(dict(config.keymap))
        if config.ui.theme in self.available_themes:
            self.theme = config.ui.theme
        self.push_screen(MainScreen(self.services, self.first_screen, width=self.size.width))
        self.first_screen = None
        if self.freeze_startup:
            self.call_after_refresh(_freeze_startup_objects)
            self.set_interval(IDLE_BEFORE_COLLECTING, self.collect_when_idle)
        for message in self.services.startup_messages:
            self.notify(message, severity="warning", timeout=10)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        # Notifications often quote a feed title, a URL or an error from a
        # server: never markup, never a control character.
        super().notify(clean(str(message)), title=clean_line(title), severity=severity, timeout=timeout, markup=False)

    def action_help(self) -> None:
        from newsreader.tui.screens.help import HelpScreen, bindings_table

        self.push_screen(HelpScreen(bindings_table(self, self.screen, self.services.config.keymap)))
