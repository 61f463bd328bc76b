"""An OptionList that moves the way vim and terminal readers do, and stays
cheap with thousands of rows: rows laid out without measuring, one label
swapped without redrawing the others, one row put in without rebuilding
the list. Those rely on OptionList's internals in Textual 8 (``_options``,
``_line_cache``...) and fall back to the public way when they are not there."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar, cast

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.visual import Visual, VisualType
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from newsreader.tui.widgets.hanging import Hanging

K = TypeVar("K", bound=Hashable)


class KeyedOption(Option, Generic[K]):
    """A row that carries its typed key (None: a heading that cannot be
    chosen). The option's string id is only OptionList's index of the key."""

    def __init__(self, key: K | None, prompt: Text) -> None:
        super().__init__(prompt, id=None if key is None else option_id(key), disabled=key is None)
        self.key = key


def option_id(key: Hashable) -> str:
    return repr(key)


class KeyList(OptionList, Generic[K]):
    """``j``/``k``/``g``/``G`` on top of the arrows, Home and End.

    Rows are laid out without being measured when their label is a
    ``no_wrap`` Text (the source list): its height is its number of lines.
    Labels that wrap (headlines, related stories) are measured one by one,
    and a label swapped for one of the same height redraws only its own
    lines. OptionList measures every option whenever one changes (with 1,200
    sources, each time a count changes).
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "first", "First", show=False, id="list.first"),
        Binding("G", "last", "Last", show=False, id="list.last"),
    ]

    #: OptionList's, but moving the highlight redraws only the rows it
    #: leaves and lands on (OptionList redraws every row in view: with
    #: wrapped headlines in a tall pane, dozens of lines per key press).
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    #: The row drawn highlighted, to be drawn again when the highlight leaves it.
    _highlight_drawn: int | None = None

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self.refresh_option(self._highlight_drawn)
        self.refresh_option(highlighted)
        self._highlight_drawn = highlighted

    def refresh_option(self, index: int | None) -> None:
        """Draw the lines of the row at ``index`` again (nothing when the rows are not laid out yet)."""
        line_cache = getattr(self, "_line_cache", None)
        if line_cache is None:
            self.refresh()  # a Textual without OptionList's line cache: the whole list
            return
        line = line_cache.index_to_line.get(index) if index is not None else None
        if line is not None:
            self.refresh_lines(line, line_cache.heights.get(index, 1))

    def _option_height(self, option: Option, width: int, padding: int) -> int:
        prompt = option.prompt
        if isinstance(prompt, Text) and prompt.no_wrap:
            return prompt.plain.count("\n") + 1
        # The styles are the rules a visual is measured by (Textual's OptionList does the same cast).
        return self._get_visual(option).get_height(cast(RulesMap, self.styles), width - padding)

    def _get_visual(self, option: Option) -> Visual:
        # A label that wraps hangs its continuation lines under its text.
        prompt = option.prompt
        if option._visual is None and isinstance(prompt, Text) and not prompt.no_wrap:
            option._visual = Hanging(prompt, self.app.console)
        return super()._get_visual(option)

    def _update_lines(self) -> None:
        # Textual's own version (OptionList internals of textual 8), measuring
        # only the labels that may wrap.
        cache = getattr(self, "_line_cache", None)
        if cache is None or not hasattr(self, "_scroll_update"):
            super()._update_lines()
            return
        if not self.scrollable_content_region:
            return
        lines = cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        options = self.options
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        if next_index < len(options):
            padding = self.get_component_styles("option-list--option").padding.width
            for index in range(next_index, len(options)):
                count = self._option_height(options[index], width, padding) + options[index]._divider
                cache.index_to_line[index] = len(lines)
                cache.heights[index] = count
                lines.extend([(index, line) for line in range(count)])
        last_divider = options and options[-1]._divider
        virtual_size = Size(width, len(lines) - (1 if last_divider else 0))
        if virtual_size != self.virtual_size:
            # ``virtual_size`` is a layout reactive: assigning it reflows and
            # repaints the whole screen whenever a list changes
            # length. A list whose size the CSS fixes needs that only when a
            # scrollbar appears or goes, and
            # ``_scroll_update`` sets ``show_vertical_scrollbar`` (a layout
            # reactive too) exactly then.
            if self.styles.auto_dimensions:
                self.virtual_size = virtual_size  # a list sized by its rows does need the layout
            else:
                self.set_reactive(KeyList.virtual_size, virtual_size)
                self.refresh()
            self._scroll_update(virtual_size)

    def show_items(self, items: Sequence[tuple[K | None, Text]], *, keep: K | None = None) -> None:
        """Replace the rows (``(key, label)``; a key of None is a heading that
        cannot be chosen), keeping the highlight on ``keep`` (or on the row
        that was highlighted) when it is still there."""
        if keep is None:
            keep = self.highlighted_key
        if self._replace_changed(items):
            if keep is not None and keep != self.highlighted_key:
                self.highlight_key(keep)
            return
        # A row whose label is the very Text it had keeps its option, and so
        # its measured height and wrapped lines: a list reloaded with a few
        # new rows (a refresh) measures and wraps only those.
        kept = {id(o.prompt): o for o in self.options if isinstance(o, KeyedOption)}
        options = []
        for key, label in items:
            option = kept.get(id(label))
            options.append(option if option is not None and option.key == key else KeyedOption(key, label))
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            index = None
            if keep is not None:
                for position, (item_id, _label) in enumerate(items):
                    if item_id == keep:
                        index = position
                        break
            if index is None:
                index = next((i for i, (item_id, _label) in enumerate(items) if item_id is not None), None)
            self.highlighted = index

    def _replace_changed(self, items: Sequence[tuple[K | None, Text]]) -> bool:
        """When the rows are the same ones (a count changed), swap only the
        labels that differ, keeping the highlight and the scroll; False when
        the rows themselves changed."""
        options = self.options
        if len(options) != len(items) or any(self.key_of(o) != key for o, (key, _) in zip(options, items)):
            return False
        changed = [
            i for i, (o, (_, label)) in enumerate(zip(options, items)) if o.prompt is not label and o.prompt != label
        ]
        for index in changed:
            self.replace_option_prompt_at_index(index, items[index][1])
        return True

    def insert_item(self, index: int, key: K, label: Text) -> bool:
        """Put one row in at ``index`` without rebuilding the others (a
        search's row among 1,200 sources); the highlight stays on its row.
        False when this Textual's OptionList cannot be edited in place."""
        options = getattr(self, "_options", None)
        by_id = getattr(self, "_id_to_option", None)
        to_index = getattr(self, "_option_to_index", None)
        line_cache = getattr(self, "_line_cache", None)
        item_id = option_id(key)
        if options is None or by_id is None or to_index is None or line_cache is None or item_id in by_id:
            return False
        index = max(0, min(index, len(options)))
        highlighted = self.highlighted
        option = KeyedOption(key, label)
        options.insert(index, option)
        by_id[item_id] = option
        to_index.clear()
        to_index.update((o, i) for i, o in enumerate(options))
        line_cache.clear()
        if highlighted is not None and highlighted >= index:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = highlighted + 1
        self._update_lines()
        self.refresh()
        return True

    def append_items(self, items: Sequence[tuple[K, Text]]) -> None:
        """Add rows at the end (the next page of a long list)."""
        self.add_options([KeyedOption(key, label) for key, label in items])

    def chosen_message(self, key: K) -> Message | None:
        """The message Enter on the row of ``key`` posts in place of
        OptionList's own (None: OptionList's own goes up)."""
        return None

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        key = self.key_of(event.option)
        message = self.chosen_message(key) if key is not None else None
        if message is not None:
            event.stop()
            self.post_message(message)

    @staticmethod
    def key_of(option: Option) -> K | None:
        return option.key if isinstance(option, KeyedOption) else None

    @property
    def keys(self) -> list[K | None]:
        """The rows' keys, top to bottom (None for a heading)."""
        return [self.key_of(o) for o in self.options]

    @property
    def highlighted_key(self) -> K | None:
        if self.highlighted is None or self.highlighted >= self.option_count:
            return None
        return self.key_of(self.get_option_at_index(self.highlighted))

    def index_of(self, key: K) -> int | None:
        try:
            return self.get_option_index(option_id(key))
        except OptionDoesNotExist:
            return None

    def highlight_key(self, key: K) -> bool:
        """Move the highlight to ``key`` without posting a message."""
        index = self.index_of(key)
        if index is None:
            return False
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = index
        return True

    def replace_label(self, key: K, label: Text) -> None:
        """Draw the row of ``key`` with a new label (nothing if it went away meanwhile)."""
        index = self.index_of(key)
        if index is not None:
            self.replace_option_prompt_at_index(index, label)

    def _replace_option_prompt(self, index: int, prompt: VisualType) -> None:
        # OptionList forgets every row's drawing and height when one label
        # changes and draws the whole list again; a label of the same height
        # only needs its own lines drawn again.
        option = self.get_option_at_index(index)
        cache = getattr(self, "_option_render_cache", None)
        line_cache = getattr(self, "_line_cache", None)
        if cache is None or line_cache is None or index not in line_cache.index_to_line or not isinstance(prompt, Text):
            super()._replace_option_prompt(index, prompt)
            return
        old_prompt = option.prompt
        option._set_prompt(prompt)
        # A wrapping label is measured alone (at the width the list was laid out at).
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        padding = self.get_component_styles("option-list--option").padding.width
        if self._option_height(option, width, padding) != line_cache.heights.get(index, 1) - option._divider:
            option._set_prompt(old_prompt)
            super()._replace_option_prompt(index, prompt)
            return
        for key in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118 - an LRUCache iterates by index, not by key
            cache.discard(key)
        self.refresh_lines(line_cache.index_to_line[index], line_cache.heights.get(index, 1))
