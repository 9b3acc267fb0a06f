"""Validation of images that reach the site: uploads and plots shared from lesson cells.

An image is accepted only if Pillow decodes it fully as PNG, JPEG or WebP within the byte and
pixel limits; what is stored is a fresh re-encoding, so appended payloads and metadata (EXIF,
text chunks) never survive.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str  # "PNG", "JPEG" or "WEBP"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[self.format]

    @property
    def content_type(self) -> str:
        return f"image/{self.extension.replace('jpg', 'jpeg')}"


def image_clean(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> CleanImage:
    """Decode, check and re-encode an image; raise ValidationError with a message for people."""
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            f"The image is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB.",
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError("Use a PNG, JPEG or WebP image.", code="format")
                if width * height > max_pixels:
                    raise ValidationError(
                        f"The image is {width}×{height} pixels; the limit is "
                        f"{max_pixels:,} pixels in all.",
                        code="too_many_pixels",
                    )
                probe.load()  # decode every pixel: truncated or corrupt files fail here
                image = probe.copy()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "That file is not an image we can read. Use a PNG, JPEG or WebP image.",
            code="invalid",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "The image is damaged or incomplete. Export it again and retry.", code="invalid"
        ) from None

    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return CleanImage(out.getvalue(), fmt, width, height)
