"""cover_clean: what a cover image must be, whether uploaded or shared from a lesson cell."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from showcase.covers import cover_clean, cover_discard, cover_store

from .factories import HTML_PAYLOAD, SVG, image_bytes, png_bomb, png_with_text_chunk


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_are_accepted_and_re_encoded(fmt):
    clean = cover_clean(image_bytes(fmt))
    assert (clean.format, clean.width, clean.height) == (fmt, 40, 30)
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == fmt


def test_progressive_jpeg_and_jpeg_with_exif_are_accepted():
    exif = Image.Exif()
    exif[0x010E] = "holiday snap"  # ImageDescription
    assert cover_clean(image_bytes("JPEG", size=(300, 200), progressive=True)).width == 300
    clean = cover_clean(image_bytes("JPEG", exif=exif.tobytes()))
    with Image.open(io.BytesIO(clean.data)) as image:
        assert not image.getexif()


def test_metadata_does_not_survive():
    clean = cover_clean(png_with_text_chunk())
    assert b"secret location" not in clean.data


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_an_image_with_an_html_payload_appended_is_refused(fmt):
    with pytest.raises(ValidationError, match="extra data after the end of the image"):
        cover_clean(image_bytes(fmt) + HTML_PAYLOAD)


def test_zero_padding_after_the_image_is_tolerated():
    assert cover_clean(image_bytes("PNG") + b"\x00" * 16).format == "PNG"


@pytest.mark.parametrize(
    "data",
    [SVG, b"just some text, renamed to cover.png", HTML_PAYLOAD, b"GIF89a" + b"\x00" * 20],
    ids=["svg", "text", "html", "gif-header"],
)
def test_files_that_are_not_png_jpeg_or_webp_are_refused(data):
    with pytest.raises(ValidationError, match="Use a PNG, JPEG or WebP image"):
        cover_clean(data)


def test_a_gif_is_refused_even_though_it_decodes():
    out = io.BytesIO()
    Image.new("P", (5, 5)).save(out, "GIF")
    with pytest.raises(ValidationError, match="Use a PNG, JPEG or WebP image"):
        cover_clean(out.getvalue())


def test_a_decompression_bomb_is_refused():
    data = png_bomb()
    assert len(data) < 200_000  # small on disk, 900 million pixels when decoded
    with pytest.raises(ValidationError):
        cover_clean(data)


def test_too_many_pixels_is_refused_with_the_limit(settings):
    settings.SHOWCASE_COVER_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="pixels"):
        cover_clean(image_bytes(size=(101, 100)))


def test_too_many_bytes_is_refused_with_the_limit(settings):
    settings.SHOWCASE_COVER_MAX_BYTES = 1024 * 1024
    noisy = Image.effect_noise((1000, 1000), 100).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 1024 * 1024
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        cover_clean(out.getvalue())


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        cover_clean(image_bytes("PNG", size=(200, 200))[:-40])


def test_large_covers_are_scaled_down_keeping_their_shape(settings):
    settings.SHOWCASE_COVER_MAX_SIDE = 400
    clean = cover_clean(image_bytes(size=(1200, 600)))
    assert (clean.width, clean.height) == (400, 200)
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.size == (400, 200)


def test_stored_covers_get_random_names_and_can_be_discarded(settings):
    clean = cover_clean(image_bytes())
    first, second = cover_store(clean), cover_store(clean)
    assert first != second
    assert first.startswith("showcase/covers/")
    assert first.endswith(".png")
    path = settings.MEDIA_ROOT / first
    assert path.read_bytes() == clean.data
    cover_discard(first)
    assert not path.exists()
    cover_discard(first)  # already gone: no error
