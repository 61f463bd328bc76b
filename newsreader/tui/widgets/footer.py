"""Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """The footer rebuilds all its key widgets whenever the screen's bindings
    change: each focus change between panes, each return from the search
    box, although the keys it shows are the same ones (mounting and styling
    on the event loop each time). This one compares first."""

    _shown: tuple | None = None

    def _showing(self, screen: Screen) -> tuple:
        """What the footer would draw: the shown bindings, their state, the palette key."""
        app = screen.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        return keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE, self.compact

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            showing = self._showing(screen)
            if showing == self._shown:
                return
            self._shown = showing
        super().bindings_changed(screen)
