"""The open article's pictures: which to fetch, the job that fetches them,
and the state the article view draws.

:class:`PictureHandlers` is mixed into the main screen: when the open
article changes (another article, or the same one with a new text), it sets
:attr:`~PictureHandlers.pictures` to the article's picture addresses, all
loading, and starts :func:`load_pictures` in the ``pictures`` worker group
(a newer article replaces it). Each :class:`PictureLoaded` the job posts
fills one picture in. Nothing waits for a picture: keys work throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.reactive import var

from newsreader.store import ArticleRow
from newsreader.tui import terminal_graphics
from newsreader.tui.messages import PictureLoaded
from newsreader.tui.widgets.article_images import NO_PICTURES, ArticlePictures, Picture, picture_side, picture_urls

if TYPE_CHECKING:
    from newsreader.tui.services import Services
    from newsreader.tui.widgets.article_view import ArticleView

#: The folder under the cache folder where pictures are kept.
PICTURE_FOLDER = "images"


def load_pictures(
    services: Services,
    article_id: int,
    article_url: str | None,
    urls: Sequence[str],
    post: Callable[[Message], object],
    wanted: Callable[[], bool],
    max_side: int,
) -> None:
    """Job: fetch, decode and keep the pictures at ``urls``; post a
    :class:`PictureLoaded` for each as it is ready."""
    # Imported here: Pillow and the fetcher are no start-up imports.
    from newsreader.feeds.image_cache import ImageCache, MiB
    from newsreader.feeds.image_fetch import fetch_pictures

    terminal_graphics.drawing()  # textual-image's drawing modules: loaded here, not on the UI thread

    fetch = services.config.fetch
    cache = ImageCache(services.paths.cache_dir / PICTURE_FOLDER, fetch.image_cache_mb * MiB)
    fetch_pictures(
        urls,
        article_url=article_url,
        cache=cache,
        timeout=fetch.timeout,
        wanted=wanted,
        max_side=max_side,
        on_picture=lambda o: post(PictureLoaded(article_id, o.index, o.picture, o.problem)),
    )


class PictureHandlers:
    """Mixed into the main screen (Textual finds ``watch_*`` and ``on_*``
    methods and reactives through the class's bases)."""

    services: Services
    background: Callable[..., None]
    article_view: ArticleView
    if TYPE_CHECKING:  # a reactive on a class that is not a DOMNode is beyond the type stubs
        pictures: ArticlePictures
    else:
        #: The open article's pictures, handed down to the article view.
        pictures = var(NO_PICTURES)

    def watch_pictures(self, pictures: ArticlePictures) -> None:
        self.article_view.pictures = pictures

    def watch_article(self, row: ArticleRow | None) -> None:
        mode = self.services.config.ui.images
        if row is None or mode == "off":
            if self.pictures.article_id is not None:
                self.pictures = NO_PICTURES
            return
        urls = picture_urls(row)
        current = self.pictures
        if not urls:  # most articles: nothing to fetch, nothing to draw
            if current.pictures:
                self.pictures = NO_PICTURES
            return
        if current.article_id == row.id and [p.url for p in current.pictures] == urls:
            return  # the same article again (read, bookmarked): its pictures stay
        self.pictures = ArticlePictures(row.id, mode, tuple(Picture(u) for u in urls))
        article_id = row.id
        job = partial(
            load_pictures,
            self.services,
            article_id,
            row.url,
            urls,
            self.post_message,  # type: ignore[attr-defined]  # the screen's
            lambda: self.pictures.article_id == article_id,
            picture_side(mode),
        )
        self.background(job, "pictures")

    def on_picture_loaded(self, message: PictureLoaded) -> None:
        if self.pictures.article_id == message.article_id:
            self.pictures = self.pictures.arrived(message.index, message.image, message.problem)
