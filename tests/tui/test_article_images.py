"""Pictures in the article pane: fetched in a worker from a server on
127.0.0.1, drawn as half-blocks (``[ui] images = "blocks"``), a refused one
leaves its caption and one quiet line; ``off`` fetches nothing."""

from __future__ import annotations

from datetime import timedelta

from textual_image.widget import HalfcellImage

from newsreader.core.models import Article, Caption, ParsedDocument
from newsreader.feeds.image_cache import ImageCache
from newsreader.tui.app import NewsReaderApp
from newsreader.tui.screens.picture_actions import PICTURE_FOLDER
from newsreader.tui.widgets.article_images import fit_cells
from tests.support.app import NOW, article_text, headline_titles, make_services, open_story, settle
from tests.support.pictures import PictureServer, huge_png, png

TITLE = "Tall ship arrives for the harbour festival"


def _picture_page(base: str, *paths: str) -> ParsedDocument:
    story = Article(
        title=TITLE,
        source="Harbour Gazette",
        url=base + "/tall-ship",
        published=NOW - timedelta(hours=2),
        precision="hour",
        published_text="2 hours ago",
        body="The three-masted ship came in on the morning tide.\nCrowds lined the quay to watch.",
        captions=[Caption("The ship at the quay.", "Harbour Gazette")],
        images=[base + p for p in paths],
    )
    return ParsedDocument(format="page-dump", main=0, articles=[story])


def _app(tmp_path, doc: ParsedDocument, mode: str) -> NewsReaderApp:
    services = make_services(tmp_path, doc)
    services.config.ui.images = mode
    services.config.ui.theme = "textual-dark"
    return NewsReaderApp(services)


def _notes(app, where: str) -> list[str]:
    return [str(s.render()) for s in app.screen.query(f"{where} .picture-note")]


async def test_an_article_shows_its_picture_and_a_quiet_line_for_a_refused_one(tmp_path):
    routes = {
        "/ship.png": (200, png(60, 30), {"Content-Type": "image/png"}),
        "/huge.png": (200, huge_png(50_000), {"Content-Type": "image/png"}),
    }
    with PictureServer(routes) as server:
        app = _app(tmp_path, _picture_page(server.base, "/ship.png", "/huge.png"), "blocks")
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            await open_story(pilot, TITLE)
            await settle(pilot)
            lead = app.screen.query("#article-lead-image HalfcellImage")
            assert len(lead) == 1
            assert lead.first().region.height > 0  # drawn, not just mounted
            assert _notes(app, "#article-more-images") == ["▨ image not shown: too large (over 40,000,000 pixels)"]
            assert "The ship at the quay." in article_text(app)  # the caption stays
            assert server.hits == {"/ship.png": 1, "/huge.png": 1}


async def test_pictures_off_fetches_nothing(tmp_path):
    with PictureServer({"/ship.png": (200, png(), {"Content-Type": "image/png"})}) as server:
        app = _app(tmp_path, _picture_page(server.base, "/ship.png"), "off")
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            await open_story(pilot, TITLE)
            await settle(pilot)
            assert not app.screen.query(HalfcellImage)
            assert not app.screen.query(".picture-note")
            assert server.hits == {}


async def test_keys_work_while_a_picture_loads_and_another_article_drops_it(tmp_path):
    slow = {"/slow.png": (200, png(), {"Content-Type": "image/png"})}
    with PictureServer(slow, delays={"/slow.png": 1.5}) as server:
        doc = _picture_page(server.base, "/slow.png")
        doc.articles.append(
            Article(title="Quay repairs finish early", source="Harbour Gazette", body="The quay reopens.")
        )
        app = _app(tmp_path, doc, "blocks")
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            headlines = app.screen.query_one("#headlines")
            headlines.highlighted = headline_titles(app).index(TITLE)
            await pilot.press("enter")
            for _ in range(20):  # the text comes at once; the picture is still on its way
                await pilot.pause(0.02)
                if TITLE in article_text(app):
                    break
            assert _notes(app, "#article-lead-image") == ["▨ loading image 1 of 1…"]
            headlines.highlighted = headline_titles(app).index("Quay repairs finish early")
            await pilot.press("enter")
            await pilot.pause(0.1)
            assert "The quay reopens." in article_text(app)
            await settle(pilot)  # the slow picture arrives now, for an article no longer open
            assert not app.screen.query(HalfcellImage)
            assert not app.screen.query(".picture-note")


def test_a_picture_keeps_its_shape_and_never_outgrows_the_pane():
    assert fit_cells((600, 300), (10, 20), 80, 30) == (60, 15)
    assert fit_cells((4000, 1000), (10, 20), 80, 30) == (80, 10)
    assert fit_cells((300, 3000), (10, 20), 80, 18) == (4, 18)
    assert fit_cells((16, 16), (10, 20), 80, 30) == (2, 1)  # an icon is not blown up


def test_snapshot_article_with_a_picture_as_blocks(snap_compare, tmp_path):
    base = "http://pictures.example.org"
    app = _app(tmp_path, _picture_page(base, "/ship.png"), "blocks")
    # Kept from an earlier opening: the snapshot needs no server.
    ImageCache(app.services.paths.cache_dir / PICTURE_FOLDER, 10**7).put_picture(base + "/ship.png", png(400, 200))

    async def open_it(pilot):
        await settle(pilot)
        await open_story(pilot, TITLE)
        for _ in range(50):  # the picture is decoded on a worker: wait until it is drawn
            await settle(pilot, 1)
            if pilot.app.screen.query("#article-lead-image HalfcellImage"):
                break
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_it)


def test_only_a_kitty_like_terminal_is_asked_the_kitty_question():
    from newsreader.tui.terminal_graphics import may_speak_kitty_graphics

    assert may_speak_kitty_graphics({"TERM": "xterm-kitty"})
    assert may_speak_kitty_graphics({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"})
    assert may_speak_kitty_graphics({"TERM": "xterm-ghostty"})
    assert not may_speak_kitty_graphics({"TERM": "tmux-256color", "TERM_PROGRAM": "tmux"})
    assert not may_speak_kitty_graphics({"TERM": "xterm-256color"})
