import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from agenticworks.images import image_clean


def _png(size=(8, 8), **info) -> bytes:
    out = io.BytesIO()
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    Image.effect_noise(size, 64).convert("RGB").save(out, "PNG", pnginfo=meta)
    return out.getvalue()


def test_a_png_is_reencoded_without_appended_bytes_or_metadata():
    dirty = _png(comment="secret location") + b"<script>alert(1)</script>"
    clean = image_clean(dirty)
    assert clean.format == "PNG"
    assert (clean.width, clean.height) == (8, 8)
    assert b"<script>" not in clean.data
    assert b"secret location" not in clean.data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not an image"),
        (b"just some text pretending to be a png", "not an image"),
        (_png(size=(64, 64))[:3000], "damaged"),
    ],
)
def test_non_images_are_refused_with_a_message(data, message):
    with pytest.raises(ValidationError, match=message):
        image_clean(data)


def test_gif_is_refused():
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        image_clean(out.getvalue())


def test_limits_on_bytes_and_pixels():
    with pytest.raises(ValidationError, match="limit"):
        image_clean(_png(), max_bytes=10)
    with pytest.raises(ValidationError, match="pixels"):
        image_clean(_png(size=(200, 200)), max_pixels=100 * 100)


def test_decompression_bomb_is_refused():
    # A tiny file that claims to be enormous: must be refused before decoding.
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ValidationError):
        image_clean(out.getvalue())
