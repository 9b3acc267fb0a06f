"""Cover images: validated with `agenticworks.images.image_clean`, then stored through Django's
storage API under a random name.

On top of `image_clean` (which decodes, checks and re-encodes) a cover upload is refused when
bytes follow the image's end marker: such a file is a polyglot (an image that is also a web page
or a script), and telling the member is better than silently dropping the payload.
"""

import io
import logging
import struct
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from agenticworks.images import CleanImage, image_clean

logger = logging.getLogger(__name__)

COVER_FOLDER = "showcase/covers"
TRAILING_MESSAGE = (
    "This file has extra data after the end of the image, which is how web pages and scripts "
    "hide inside pictures. Export the image again (for example with “Save as PNG”) and upload "
    "that."
)


def human_size(size: int) -> str:
    """'1.5 MB' or '300 KB', for messages about file sizes."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _png_end(data: bytes) -> int | None:
    """Offset just past the IEND chunk, or None if the chunk list is malformed."""
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker, walking segments and entropy-coded scans."""
    pos, size = 2, len(data)
    while pos + 1 < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return pos
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if pos + 2 > size:
            return None
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        pos += length
        if marker == 0xDA:  # start of scan: skip entropy-coded data to the next real marker
            while pos + 1 < size:
                if (
                    data[pos] == 0xFF
                    and data[pos + 1] != 0x00
                    and not 0xD0 <= data[pos + 1] <= 0xD7
                ):
                    break
                pos += 1
    return None


def _webp_end(data: bytes) -> int | None:
    if len(data) < 12 or data[:4] != b"RIFF":
        return None
    (size,) = struct.unpack("<I", data[4:8])
    return 8 + size + (size & 1)


def has_trailing_data(data: bytes, image_format: str) -> bool:
    """Whether anything but zero padding follows the end of the image in the file."""
    finder = {"PNG": _png_end, "JPEG": _jpeg_end, "WEBP": _webp_end}[image_format]
    end = finder(data)
    if end is None:
        return True
    return bool(data[end:].strip(b"\x00"))


def _fit(clean: CleanImage, max_side: int) -> CleanImage:
    """Scale a large cover down so that the gallery does not ship camera-sized files."""
    if max(clean.width, clean.height) <= max_side:
        return clean
    with Image.open(io.BytesIO(clean.data)) as image:
        image.thumbnail((max_side, max_side))
        out = io.BytesIO()
        options = {"quality": 88} if clean.format in {"JPEG", "WEBP"} else {"optimize": True}
        image.save(out, clean.format, **options)
        width, height = image.size
    return CleanImage(out.getvalue(), clean.format, width, height)


def cover_clean(data: bytes) -> CleanImage:
    """Check uploaded or shared image bytes for use as a cover; raise ValidationError if unfit."""
    clean = image_clean(
        data,
        max_bytes=settings.SHOWCASE_COVER_MAX_BYTES,
        max_pixels=settings.SHOWCASE_COVER_MAX_PIXELS,
    )
    if has_trailing_data(data, clean.format):
        raise ValidationError(TRAILING_MESSAGE, code="trailing_data")
    return _fit(clean, settings.SHOWCASE_COVER_MAX_SIDE)


def cover_store(clean: CleanImage) -> str:
    """Save cleaned cover bytes under a fresh random name; return the storage name."""
    name = f"{COVER_FOLDER}/{uuid.uuid4().hex}.{clean.extension}"
    return default_storage.save(name, ContentFile(clean.data))


def cover_discard(name: str) -> None:
    """Delete a stored cover; a missing file is not an error worth failing a request for."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Could not delete cover file %s", name, exc_info=True)
