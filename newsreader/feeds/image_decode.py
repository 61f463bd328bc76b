"""Bytes that claim to be a picture -> a small decoded picture, or a refusal.

An article's images come from whoever wrote the feed, so every rule here
assumes the bytes are hostile (SECURITY.md, traps 13 and 14):

* the format is read from the bytes' own signature (PNG, JPEG, GIF, WebP),
  never from the server's Content-Type or the address's extension;
  anything else, SVG above all (it can carry scripts), is never decoded;
* the picture's size is read from its header and checked against
  :data:`MAX_PIXELS` *before* a single pixel is decoded, so a 50,000 x
  50,000 PNG of 40 KB is refused at once instead of asking for 7.5 GB;
* only the first frame of an animation is decoded (a GIF or WebP with a
  million frames costs what one frame costs);
* what is kept is scaled down to at most :data:`MAX_SIDE` pixels a side:
  a terminal cannot show more, and twenty kept pictures stay small.

Nothing here touches the network, the disk or Textual.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

__all__ = ["MAX_PIXELS", "MAX_SIDE", "ORIGINAL_SIZE", "ImageRefused", "decode_picture", "sniff_format"]

#: The most pixels a picture may have before it is decoded (40 megapixels:
#: more than any camera photo a news site serves, far less than a bomb).
MAX_PIXELS = 40_000_000
#: The key of ``Image.info`` that holds the picture's size before scaling.
ORIGINAL_SIZE = "newsreader_original_size"
#: The longest side kept after decoding, in pixels.
MAX_SIDE = 1200

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


class ImageRefused(Exception):
    """The picture is not shown; ``str(exc)`` is the short reason ("too large (…)")."""


def sniff_format(data: bytes) -> str | None:
    """The raster format the bytes start with (Pillow's name for it), or None."""
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _what_it_is(data: bytes) -> str:
    """A name for bytes that are no picture we draw, for the reader's line."""
    head = data[:512].lstrip().lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in data[:4096].lower()):
        return "an SVG drawing (never drawn)"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "a web page, not a picture"
    if not data:
        return "empty"
    return "not a picture format we draw (PNG, JPEG, GIF, WebP)"


def decode_picture(data: bytes, max_side: int = MAX_SIDE, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The first frame of the picture in ``data``, RGB or RGBA, at most
    ``max_side`` pixels a side; raises :class:`ImageRefused`."""
    kind = sniff_format(data)
    if kind is None:
        raise ImageRefused(_what_it_is(data))
    with warnings.catch_warnings():
        # Pillow's own bomb check warns between its limit and twice it; ours is lower anyway.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data), formats=[kind])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused(f"too large (over {MAX_PIXELS:,} pixels)") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageRefused(f"damaged {kind} data") from exc
        with picture:
            width, height = picture.size
            if width < 1 or height < 1:
                raise ImageRefused(f"damaged {kind} data (no pixels)")
            if width * height > max_pixels:
                raise ImageRefused(f"too large ({width:,}×{height:,} pixels)")
            return _first_frame(picture, kind, max_side, (width, height))


def _first_frame(picture: Image.Image, kind: str, max_side: int, size: tuple[int, int]) -> Image.Image:
    if kind == "JPEG":
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size directly: far less work.
        picture.draft("RGB", (max_side, max_side))
    try:
        # Image.open has read the first frame's header only; load() decodes that
        # frame and nothing after it (n_frames, which would scan them all, is never read).
        picture.load()
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        frame = picture.convert("RGBA" if has_alpha else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(f"too large (over {MAX_PIXELS:,} pixels)") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ImageRefused(f"damaged {kind} data") from exc
    frame.thumbnail((max_side, max_side))
    # What the picture measured before it was scaled down: the size it is drawn at.
    frame.info[ORIGINAL_SIZE] = size
    return frame
