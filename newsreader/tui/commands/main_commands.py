"""The main screen's commands (and the app's own: quit, help)."""

from __future__ import annotations

from collections.abc import Iterator

from newsreader.tui.commands.base import Command, Entry


class Quit(Command):
    """Leave newsreader."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "quit", "q", "quit", "Quit", True


class Help(Command):
    """Every key you can press here."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "help", "question_mark", "help", "Help", True
    KEY_DISPLAY = "?"


class PreviousPane(Command):
    """Move the focus to the pane on the left."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "pane.previous", "h", "pane(-1)", "Previous pane"


class NextPane(Command):
    """Move the focus to the pane on the right."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "pane.next", "l", "pane(1)", "Next pane"


class OpenRelated(Command):
    """Open the related story with this number in the sidebar."""

    @classmethod
    def entries(cls) -> Iterator[Entry]:
        for n in range(1, 10):
            title = f"Open related story {n}"
            yield Entry(f"related.{n}", str(n), f"open_related({n})", title, title, cls.help_text(), False)


class NextRelated(Command):
    """Step to the next story of the open article's related list, keeping the list."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = (
        "related.next",
        "right_square_bracket",
        "step_related(1)",
        "Next related story",
    )
    KEY_DISPLAY = "]"


class PreviousRelated(Command):
    """Step back to the previous story of the related list."""

    ID, BINDING_KEY, ACTION = "related.previous", "left_square_bracket", "step_related(-1)"
    FOOTER_TEXT, KEY_DISPLAY = "Previous related story", "["


class Back(Command):
    """Go back in the reading history, to where you had scrolled."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "history.back", "H,backspace", "back", "Back", True
    KEY_DISPLAY = "H"


class Forward(Command):
    """Go forward again in the reading history."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "history.forward", "L", "forward", "Forward"


class NextUnread(Command):
    """Open the next unread story of this list."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "unread.next", "n", "next_unread(1)", "Next unread"


class PreviousUnread(Command):
    """Open the previous unread story of this list."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "unread.previous", "p", "next_unread(-1)", "Previous unread"


class ToggleRead(Command):
    """Mark the highlighted (or open) story read or unread."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "read.toggle", "m", "toggle_read", "Toggle read"


class MarkSourceRead(Command):
    """Mark every story of this list read (ctrl+z undoes it)."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "read.source", "A", "mark_source_read", "Mark source read"


class Undo(Command):
    """Undo the last change of reading state."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "undo", "ctrl+z", "undo", "Undo"


class ToggleBookmark(Command):
    """Keep the open story in bookmarks.toml, or drop it from there."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "bookmark", "b", "toggle_bookmark", "Bookmark", True


class ShowBookmarks(Command):
    """Open the bookmarks: filter, edit notes and tags, delete, open."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "bookmarks", "B", "show_bookmarks", "Bookmarks"


class Search(Command):
    """Search every story in the cache (words, phrases, source:, tag:, is:, after:, before:)."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "search", "slash", "search", "Search", True
    KEY_DISPLAY = "/"


class OpenLink(Command):
    """Open the story's link: with the first matching [[opener]] of config.toml, else in your browser."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "link.open", "o", "open_link", "Open link"


class CopyLink(Command):
    """Copy the story's link to the clipboard."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "link.copy", "y", "copy_link", "Copy link"


class ShowLinks(Command):
    """List the article's links (body, captions, images, enclosures): o opens one, y copies it."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "links", "u", "show_links", "Links"
    TITLE = "The article's links"


class PipeArticle(Command):
    """Pipe the article as Markdown into [ui] pipe_command and show its exit status."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "article.pipe", "vertical_line", "pipe_article", "Pipe"
    TITLE, KEY_DISPLAY = "Pipe the article into pipe_command", "|"


class SaveArticle(Command):
    """Save the article as Markdown in [ui] save_dir (never over an existing file)."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "article.save", "S", "save_article", "Save"
    TITLE = "Save the article as Markdown"


class ToggleSidebar(Command):
    """Show or hide the related-stories sidebar."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "sidebar", "v", "toggle_sidebar", "Related", True
    TITLE = "Related sidebar"


class RefreshSource(Command):
    """Fetch the feed you are on now, even if it was fetched a moment ago."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "refresh", "r", "refresh_source", "Refresh this feed"


class RefreshAll(Command):
    """Fetch every feed of config.toml that is due."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "refresh.all", "R", "refresh_all", "Refresh", True
    TITLE = "Refresh all feeds"


class AddFeed(Command):
    """Subscribe to a feed by its address, or by a page that links to one."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "feed.add", "a", "add_feed", "Add feed"


class FetchFullText(Command):
    """Fetch the full text of a story that came with only a summary."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "fulltext", "f", "fetch_full", "Full text"
    TITLE = "Fetch the full text of this story"


class ShowChanges(Command):
    """What changed in the article since the version you read: removed words struck through, added ones underlined."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "article.changes", "D", "show_changes", "Changes"
    TITLE = "What changed in this article"


class ExpandStory(Command):
    """Show or fold the other outlets' headlines under a story's row."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "story.expand", "x", "expand_story", "Expand story"
    TITLE = "Show or fold a story's other outlets"


class NextStory(Command):
    """Open the next story told by several outlets."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "story.next", "right_curly_bracket", "jump_story(1)", "Next story"
    KEY_DISPLAY = "}"


class PreviousStory(Command):
    """Open the previous story told by several outlets."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "story.previous", "left_curly_bracket", "jump_story(-1)", "Previous story"
    KEY_DISPLAY = "{"


class MuteStory(Command):
    """Hide this story from your lists (search still finds it), or show it again."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "story.mute", "M", "mute_story", "Mute story"
    TITLE = "Mute or unmute this story"


class FollowStory(Command):
    """Follow this story: when another outlet joins it, its row says so."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "story.follow", "F", "follow_story", "Follow story"
    TITLE = "Follow or unfollow this story"


class CompareOutlets(Command):
    """Two outlets' versions of this story side by side: what both say, what only one says."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "story.compare", "c", "compare_outlets", "Compare outlets"
    TITLE = "Compare two outlets' versions of this story"


#: The app's commands, on every screen.
APP_COMMANDS: tuple[type[Command], ...] = (Quit, Help)

#: The main screen's commands, in the order of the footer and the help screen.
MAIN_COMMANDS: tuple[type[Command], ...] = (
    PreviousPane,
    NextPane,
    OpenRelated,
    NextRelated,
    PreviousRelated,
    Back,
    Forward,
    NextUnread,
    PreviousUnread,
    ToggleRead,
    MarkSourceRead,
    Undo,
    ToggleBookmark,
    ShowBookmarks,
    Search,
    OpenLink,
    CopyLink,
    ShowLinks,
    PipeArticle,
    SaveArticle,
    ToggleSidebar,
    RefreshSource,
    RefreshAll,
    AddFeed,
    FetchFullText,
    ShowChanges,
    ExpandStory,
    NextStory,
    PreviousStory,
    MuteStory,
    FollowStory,
    CompareOutlets,
)
