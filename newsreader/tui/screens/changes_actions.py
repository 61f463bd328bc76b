"""``D`` on the main screen: a worker diffs the open article's versions and
the changes view shows them (:mod:`.changes_screen`, imported when first
used: the reader starts without it). An open article that another process
revised is shown again in its new version."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from newsreader.tui.messages import OpenArticleRevised

if TYPE_CHECKING:
    from newsreader.tui.screens.changes_screen import ChangesLoaded
    from newsreader.tui.screens.main_screen import MainScreen


class ChangesHandlers:
    """Mixed into the main screen: the action of ``D`` and the handler of
    what its worker sends back (Textual finds ``on_*`` methods through the
    class's bases)."""

    def action_show_changes(self) -> None:
        from newsreader.tui.screens.changes_screen import read_changes

        screen = cast("MainScreen", self)
        if screen.article is None:
            screen.notify("Open an article first.", timeout=2)
            return
        screen.background(partial(read_changes, screen.services, screen.article.id), "changes")

    def on_changes_loaded(self, message: ChangesLoaded) -> None:
        from newsreader.tui.screens.changes_screen import ChangesScreen

        screen = cast("MainScreen", self)
        if screen.article is not None and screen.article.id == message.article_id:
            screen.app.push_screen(ChangesScreen(message, screen.now()))

    def on_open_article_revised(self, message: OpenArticleRevised) -> None:
        """The new version where the reader was (the view keeps its place),
        with its "Updated" line; the list again, no longer "updated" now the
        worker noted it opened (a reload under way may have read it before)."""
        screen = cast("MainScreen", self)
        if screen.article is None or screen.article.id != message.row.id:
            return
        screen.article = message.row
        screen.load_headlines(screen.list_key)
        screen.notify("The feed changed this article: D shows what changed.", timeout=4)
