"""The panes of the main screen. Widgets draw what the screen gives them and
post messages up; none of them touches the cache or a file."""

from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.footer import SteadyFooter
from newsreader.tui.widgets.headlines_pane import HeadlinesPane
from newsreader.tui.widgets.lists import KeyedOption, KeyList
from newsreader.tui.widgets.related_pane import RelatedList, RelatedPane
from newsreader.tui.widgets.search_bar import SearchBar
from newsreader.tui.widgets.sources_pane import SourcesPane

__all__ = [
    "ArticleView",
    "HeadlinesPane",
    "KeyList",
    "KeyedOption",
    "RelatedList",
    "RelatedPane",
    "SearchBar",
    "SourcesPane",
    "SteadyFooter",
]
