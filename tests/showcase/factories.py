"""Images and projects for showcase tests."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from showcase import services
from showcase.covers import cover_clean


def image_bytes(fmt: str = "PNG", size=(40, 30), color=(52, 65, 198), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def png_with_text_chunk() -> bytes:
    """A PNG carrying metadata (a tEXt chunk) that must not survive re-encoding."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location 51.5N")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny file that claims a huge image: a 1-bit PNG of zeros, compressed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_project(author, *, title="Line detector", publish=True, cover=False, **fields):
    """A project made through the service, as a member would make it."""
    return services.project_create(
        author=author,
        title=title,
        cover=cover_clean(image_bytes()) if cover else None,
        publish=publish,
        **fields,
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
