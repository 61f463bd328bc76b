"""Fetch an article's pictures under the fetch policy, decode them, keep them.

The app calls :func:`fetch_pictures` on a worker thread when an article
opens. Each address goes through, in order:

1. the disk cache (:class:`~newsreader.feeds.image_cache.ImageCache`): a
   picture kept earlier, or the reason it was refused, costs no request;
2. :class:`~newsreader.feeds.fetch.Fetcher`, the feeds' client: http(s)
   only, a total deadline, a size cap (:data:`MAX_PICTURE_BYTES`), redirects
   followed by hand; its connections, the first and every redirect's, are
   made by :class:`~newsreader.feeds.address_guard.PublicAddressesOnly`:
   a picture may not make the reader knock on a private, loopback or
   link-local address (a router's admin page, a local service) unless it
   lives on the article's own host, and the addresses checked are the ones
   connected to (SECURITY.md, trap 12);
3. :func:`~newsreader.feeds.image_decode.decode_picture`: format from the
   bytes, pixel cap before decoding, first frame only, scaled down.

Each outcome is handed to ``on_picture`` as it comes, so the first picture
is shown while the others are still on their way. At most
:data:`~newsreader.parser.images.MAX_IMAGES` pictures are fetched per
article, a few at a time. Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

from newsreader.feeds.address_guard import PublicAddressesOnly, connection_host
from newsreader.feeds.fetch import Fetcher
from newsreader.feeds.image_cache import ImageCache, MiB
from newsreader.feeds.image_decode import MAX_SIDE, ImageRefused, decode_picture
from newsreader.parser.images import MAX_IMAGES

__all__ = ["MAX_PICTURE_BYTES", "PictureOutcome", "fetch_pictures"]

#: The largest picture fetched, as sent and as decompressed.
MAX_PICTURE_BYTES = 8 * MiB
#: Pictures fetched at once for one article, and at once from one host.
CONCURRENCY = 4
PER_HOST = 2
#: No picture waits longer than this, whatever ``[fetch] timeout`` says.
MAX_DEADLINE = 30.0
IMAGE_ACCEPT = "image/png, image/jpeg, image/gif, image/webp;q=0.9, */*;q=0.1"


@dataclass(frozen=True, slots=True)
class PictureOutcome:
    """What became of the picture at ``index`` of the article's list:
    ``picture`` when it can be shown, else ``problem`` (one short line)."""

    index: int
    url: str
    picture: Image.Image | None = None
    problem: str | None = None


def fetch_pictures(
    urls: Sequence[str],
    *,
    article_url: str | None,
    cache: ImageCache,
    on_picture: Callable[[PictureOutcome], object],
    timeout: float = 20.0,
    wanted: Callable[[], bool] = lambda: True,
    max_side: int = MAX_SIDE,
    fetcher_options: dict | None = None,
) -> None:
    """Fetch, decode and keep the pictures at ``urls`` (the first
    :data:`MAX_IMAGES`); call ``on_picture`` for each as it is ready.

    ``wanted`` is asked between pictures: once it says no (the reader
    opened another article) nothing more is fetched. Pictures are kept at
    most ``max_side`` pixels a side.
    """
    asyncio.run(
        _fetch_all(
            list(urls)[:MAX_IMAGES],
            own_host=connection_host(article_url or ""),
            cache=cache,
            on_picture=on_picture,
            deadline=max(1.0, min(timeout, MAX_DEADLINE)),
            wanted=wanted,
            max_side=max_side,
            fetcher_options=fetcher_options or {},
        )
    )


async def _fetch_all(
    urls: list[str],
    *,
    own_host: str,
    cache: ImageCache,
    on_picture: Callable[[PictureOutcome], object],
    deadline: float,
    wanted: Callable[[], bool],
    max_side: int,
    fetcher_options: dict,
) -> None:
    options = {
        "concurrency": CONCURRENCY,
        "per_host": PER_HOST,
        "deadline": deadline,
        "max_bytes": MAX_PICTURE_BYTES,
        "network_backend": PublicAddressesOnly(own_host),
        "accept": IMAGE_ACCEPT,
        **fetcher_options,
    }
    async with Fetcher(**options) as fetcher:

        async def one(index: int, url: str) -> None:
            if not wanted():
                return
            outcome = await _one_picture(fetcher, cache, index, url, max_side)
            if wanted():
                on_picture(outcome)

        async with asyncio.TaskGroup() as group:
            for index, url in enumerate(urls):
                group.create_task(one(index, url))


async def _one_picture(fetcher: Fetcher, cache: ImageCache, index: int, url: str, max_side: int) -> PictureOutcome:
    kept = await asyncio.to_thread(cache.get, url)
    if isinstance(kept, str):
        return PictureOutcome(index, url, problem=kept)
    if kept is None:
        result = await fetcher.fetch(url)
        if result.error is not None or result.body is None:
            return PictureOutcome(index, url, problem=_short(result.error or "no picture received"))
        data = result.body
    else:
        data = kept
    try:
        picture = await asyncio.to_thread(decode_picture, data, max_side)
    except ImageRefused as refused:
        await asyncio.to_thread(cache.put_refusal, url, str(refused))
        return PictureOutcome(index, url, problem=str(refused))
    if kept is None:
        await asyncio.to_thread(cache.put_picture, url, data)
    return PictureOutcome(index, url, picture=picture)


def _short(error: str) -> str:
    """A fetch error as the reader's line puts it ("body larger than …" is a picture here)."""
    if error.startswith(("body larger than", "body too large")):
        return f"too large (over {MAX_PICTURE_BYTES // MiB} MB)"
    return error.removeprefix("refused: ")
