"""The certificate as a PNG, drawn on the server with Pillow (1200 × 630: the Open Graph size)."""

import io
from functools import lru_cache
from pathlib import Path

import matplotlib
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from .models import Certificate

SIZE = (1200, 630)
INK, MUTED, ACCENT, PAPER = "#14171f", "#4a5160", "#3a4fd8", "#fbfaf7"
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu, shipped with matplotlib


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int, bold: bool = True):
    """The largest font up to `size` in which `text` fits `width` pixels."""
    while size > 18 and draw.textlength(text, font=_font(size, bold)) > width:
        size -= 2
    return _font(size, bold)


def certificate_png(certificate: Certificate) -> bytes:
    """The certificate drawn as a PNG."""
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((24, 24, width - 24, height - 24), outline=ACCENT, width=4)
    draw.text((80, 80), "AgenticWorks · Certificate of completion", fill=MUTED, font=_font(28))
    # One line: a profile name may hold a line break, which Pillow cannot measure (a 500).
    name = " ".join(certificate.name.split())
    draw.text((80, 160), name, fill=INK, font=_fit(draw, name, 72, 1040))
    draw.text((80, 270), "completed the track", fill=MUTED, font=_font(30))
    title = certificate.track_title
    draw.text((80, 320), title, fill=ACCENT, font=_fit(draw, title, 48, 1040))
    facts = f"{certificate.parts_done} parts · {certificate.sections_done} sections"
    if certificate.exercises_done:
        facts += f" · {certificate.exercises_done} exercises"
    draw.text((80, 420), facts, fill=INK, font=_font(30))
    issued = certificate.issued_at.strftime("%-d %B %Y")
    where = settings.SITE_URL.rstrip("/") + certificate.get_absolute_url()
    draw.text((80, 520), f"Issued {issued} · verify at {where}", fill=MUTED, font=_font(20))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
