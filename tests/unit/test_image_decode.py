"""Pictures from feeds are hostile bytes: format from the bytes, pixel cap
before decoding, first frame only, SVG never; the disk cache keeps its budget."""

from __future__ import annotations

import io
import os
import time

import pytest
from PIL import Image

from newsreader.feeds.image_cache import ImageCache
from newsreader.feeds.image_decode import MAX_SIDE, ORIGINAL_SIZE, ImageRefused, decode_picture, sniff_format
from tests.support.pictures import SVG_WITH_SCRIPT, huge_gif, huge_png, many_frames_gif, png


def _encoded(kind: str, size: tuple[int, int] = (30, 20), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 120).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_the_four_formats_are_read_from_their_bytes(kind):
    data = _encoded(kind, mode="RGB" if kind != "GIF" else "P")
    assert sniff_format(data) == kind
    picture = decode_picture(data)
    assert picture.size == (30, 20)
    assert picture.mode in ("RGB", "RGBA")


def test_a_png_of_50000_by_50000_pixels_is_refused_before_decoding():
    data = huge_png(50_000)
    assert len(data) < 50_000  # small on the wire
    with pytest.raises(ImageRefused, match="too large"):
        decode_picture(data)


def test_a_picture_over_the_pixel_cap_names_its_size():
    with pytest.raises(ImageRefused, match=r"too large \(3,000×200 pixels\)"):
        decode_picture(_encoded("PNG", (3000, 200)), max_pixels=100_000)


def test_a_gif_bomb_is_refused_or_costs_one_frame():
    with pytest.raises(ImageRefused, match="too large"):
        decode_picture(huge_gif(60_000))
    picture = decode_picture(many_frames_gif(3000))
    assert picture.size == (64, 64)
    red, green, _ = picture.getpixel((5, 5))
    assert red > 200 and green < 30  # the first frame, not a later one


def test_an_svg_with_a_script_is_never_decoded():
    with pytest.raises(ImageRefused, match="SVG"):
        decode_picture(SVG_WITH_SCRIPT)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Login</body></html>", "web page"),
        (b"", "empty"),
        (b"\x00\x01\x02 some bytes", "not a picture format"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged PNG"),
        (png()[:60], "damaged PNG"),
    ],
)
def test_bytes_that_are_no_picture_are_refused_with_a_reason(data, reason):
    with pytest.raises(ImageRefused, match=reason):
        decode_picture(data)


def test_a_big_picture_is_kept_scaled_down_and_knows_its_size():
    picture = decode_picture(_encoded("JPEG", (4000, 3000)))
    assert max(picture.size) <= MAX_SIDE
    assert picture.info[ORIGINAL_SIZE] == (4000, 3000)
    assert max(decode_picture(_encoded("PNG", (900, 300)), max_side=320).size) == 320


def test_the_cache_keeps_pictures_and_refusals_by_address(tmp_path):
    cache = ImageCache(tmp_path / "images", 1024 * 1024)
    assert cache.get("http://a.example/x.png") is None
    cache.put_picture("http://a.example/x.png", b"bytes")
    cache.put_refusal("http://a.example/y.svg", "an SVG drawing")
    assert cache.get("http://a.example/x.png") == b"bytes"
    assert cache.get("http://a.example/y.svg") == "an SVG drawing"


def test_the_cache_deletes_what_was_used_longest_ago_to_fit_its_budget(tmp_path):
    cache = ImageCache(tmp_path / "images", 2500)
    for n in range(3):
        url = f"http://a.example/{n}.png"
        cache.put_picture(url, bytes(1000))
        used = time.time() - 100 + n
        os.utime(cache._path(url, ".pic"), (used, used))
    assert cache.get("http://a.example/0.png") is None  # the oldest went
    assert cache.get("http://a.example/2.png") == bytes(1000)
    assert cache.size() <= 2500


def test_the_picture_settings_are_read_and_checked(tmp_path):
    from newsreader.config.settings import load_config

    path = tmp_path / "config.toml"
    assert (load_config(path).ui.images, load_config(path).fetch.image_cache_mb) == ("auto", 100)
    path.write_text('[ui]\nimages = "blocks"\n[fetch]\nimage_cache_mb = 20\n')
    config = load_config(path)
    assert (config.ui.images, config.fetch.image_cache_mb, config.warnings) == ("blocks", 20, [])
    path.write_text('[ui]\nimages = "sixel"\n[fetch]\nimage_cache_mb = "lots"\n')
    config = load_config(path)
    assert (config.ui.images, config.fetch.image_cache_mb) == ("auto", 100)
    assert len(config.warnings) == 2 and "ui.images: expected one of auto, blocks, off" in " ".join(config.warnings)
