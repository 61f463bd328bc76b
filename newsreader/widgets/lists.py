"""An OptionList that moves the way vim and terminal readers do."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class KeyList(OptionList):
    """``j``/``k``/``g``/``G`` on top of the arrows, Home and End."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "first", "First", show=False, id="list.first"),
        Binding("G", "last", "Last", show=False, id="list.last"),
    ]

    def show_items(self, items: Sequence[tuple[str | None, Text]], *, keep: str | None = None) -> None:
        """Replace the rows (``(id, label)``; an id of None is a heading that
        cannot be chosen), keeping the highlight on ``keep`` (or on the row
        that was highlighted) when it is still there."""
        if keep is None:
            keep = self.highlighted_id
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options([Option(label, id=item_id, disabled=item_id is None) for item_id, label in items])
            index = None
            if keep is not None:
                for position, (item_id, _label) in enumerate(items):
                    if item_id == keep:
                        index = position
                        break
            if index is None:
                index = next((i for i, (item_id, _label) in enumerate(items) if item_id is not None), None)
            self.highlighted = index

    def append_items(self, items: Sequence[tuple[str, Text]]) -> None:
        """Add rows at the end (the next page of a long list)."""
        self.add_options([Option(label, id=item_id) for item_id, label in items])

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def highlight_id(self, item_id: str) -> bool:
        """Move the highlight to ``item_id`` without posting a message."""
        try:
            index = self.get_option_index(item_id)
        except Exception:  # noqa: BLE001 - OptionDoesNotExist
            return False
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = index
        return True

    def replace_label(self, item_id: str, label: Text) -> None:
        try:
            self.replace_option_prompt(item_id, label)
        except Exception:  # noqa: BLE001 - the row went away meanwhile
            pass
