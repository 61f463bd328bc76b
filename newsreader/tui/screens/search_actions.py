"""Search on the main screen: ``/`` opens the bar, the screen runs the query
in a worker, and the bar closes in the frame that shows the results (see
``widgets/search_bar.py`` for why it waits)."""

from __future__ import annotations

from newsreader.tui.screens.source_keys import SEARCH
from newsreader.tui.widgets.search_bar import SearchBar


class SearchActions:
    """Mixed into MainScreen, which provides ``search_query``,
    ``search_pending``, ``highlight_terms``, ``source_key``,
    ``load_headlines`` and ``show_search_row``."""

    def action_search(self) -> None:
        self.query_one("#search-bar", SearchBar).open(self.search_query)  # type: ignore[attr-defined]

    def after_search(self, query: str | None) -> None:
        if not query:
            return
        from newsreader.search.language import highlight_terms

        self.search_query = query
        self.highlight_terms = highlight_terms(query)
        self.source_key = SEARCH
        self.search_pending = True
        self.load_headlines(SEARCH)  # type: ignore[attr-defined]  # show_headlines closes the bar

    def search_shown(self) -> None:
        """The results are in: the bar closes and the headlines take the
        focus in the frame that shows them; the search's row in the source
        list follows a frame later."""
        self.search_pending = False
        self.query_one("#search-bar", SearchBar).close()  # type: ignore[attr-defined]
        self.query_one("#headlines").focus()  # type: ignore[attr-defined]
        # The counts have not changed: only the search's row is new.
        self.call_after_refresh(self.show_search_row)  # type: ignore[attr-defined]
