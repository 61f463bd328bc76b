"""Pilot tests for stories: one row per story, expand, jump, mute, follow."""

from __future__ import annotations

from datetime import timedelta

from newsreader.core.models import Article, ParsedDocument
from newsreader.exchange.files import load_sample
from tests.support.app import NOW, make_app, settle

SIZE = (130, 40)


def sample_app(tmp_path):
    app = make_app(tmp_path)
    load_sample(app.services.cache, as_of=NOW)
    return app


def story_entries(screen):
    return [e for e in screen.headlines.entries if e.is_story]


def open_id(screen) -> int:
    """The id of the article the article pane shows."""
    return screen.query_one("#article").article.id


async def test_story_rows_badge_and_expand(tmp_path):
    app = sample_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        stories = story_entries(screen)
        # the sample has four stories told by several outlets
        assert len(stories) == 4
        assert len(screen.headlines.entries) < len(screen.headlines.model.raw)  # folded members
        for entry in stories:
            assert entry.story.source_count >= 3
        listing = screen.query_one("#headlines")
        first = screen.headlines.entries.index(stories[0])
        label = str(listing.get_option_at_index(first).prompt)
        assert f"+{stories[0].story.source_count - 1} sources" in label
        listing.highlighted = first
        before = len(screen.headlines.entries)
        await pilot.press("x")
        await settle(pilot)
        members = [e for e in screen.headlines.entries if e.member]
        assert len(members) == stories[0].story.article_count - 1
        assert len(screen.headlines.entries) == before + len(members)
        await pilot.press("x")
        await settle(pilot)
        assert not [e for e in screen.headlines.entries if e.member]


async def test_jump_between_stories_and_sidebar_timeline(tmp_path):
    app = sample_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        stories = story_entries(screen)
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        assert open_id(screen) == stories[0].row.id
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        assert open_id(screen) == stories[1].row.id
        await pilot.press("left_curly_bracket")
        await settle(pilot)
        assert open_id(screen) == stories[0].row.id
        rows = screen.query_one("#related").related.rows
        same = [r for r in rows if r.reason == "same-story"]
        assert len(same) == stories[0].story.article_count - 1
        assert list(rows[: len(same)]) == same  # same story first
        related = screen.query_one("#related")
        assert "same story" in str(related.get_option_at_index(0).prompt)
        assert related.get_option_at_index(0).disabled


async def test_mute_hides_a_story_and_follow_flags_new_outlets(tmp_path):
    app = sample_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        story = story_entries(screen)[0]
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert story.story.id not in {e.story.id for e in story_entries(screen)}
        assert all(e.row.id not in {m.id for m in story.story.members} for e in screen.headlines.entries)
        await pilot.press("M")  # the open article is still the muted story's: unmute
        await settle(pilot)
        assert story.story.id in {e.story.id for e in story_entries(screen)}
        await pilot.press("F")
        await settle(pilot)
        # another outlet joins the followed story
        head = screen.headlines.entries[
            screen.headlines.entries.index(next(e for e in story_entries(screen) if e.story.id == story.story.id))
        ]
        title = head.row.title
        extra = ParsedDocument(
            format="rss",
            feed_title="Westcoast Wire",
            feed_url="https://westcoast.example/rss",
            articles=[
                Article(
                    title=title + " as officials respond",
                    url="https://westcoast.example/1",
                    body=app.services.cache.article(head.row.id).body[:600],
                    published=NOW - timedelta(minutes=5),
                    precision="exact",
                )
            ],
        )
        app.services.cache.import_document(extra)
        screen.reload()
        await settle(pilot)
        followed = next(e for e in story_entries(screen) if e.story.id == story.story.id)
        assert followed.story.new_sources == 1
        label = str(screen.query_one("#headlines").get_option_at_index(screen.headlines.entries.index(followed)).prompt)
        assert "1 new" in label
