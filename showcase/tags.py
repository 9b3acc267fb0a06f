"""Tags: a small normalised set per project (lowercase slugs, at most five, 24 characters)."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify

MAX_TAGS = 5
MAX_TAG_LENGTH = 24


def tags_parse(text: str) -> list[str]:
    """Turn 'NumPy, Plots ,plots' into ['numpy', 'plots']; raise ValidationError with a reason."""
    return tags_normalise((text or "").replace("#", " ").split(","))


def tags_normalise(raw_names) -> list[str]:
    """Slugify, de-duplicate and check a list of tag names; raise ValidationError if unfit."""
    names: list[str] = []
    for raw in raw_names:
        raw = str(raw).strip()
        if not raw:
            continue
        name = slugify(raw)
        if not name:
            raise ValidationError(
                f"“{raw[:30]}” has no letters or digits. Use words like numpy or plots.",
                code="tag_empty",
            )
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError(
                f"“{name[:30]}…” is too long: a tag has at most {MAX_TAG_LENGTH} characters.",
                code="tag_long",
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ValidationError(
            f"Use at most {MAX_TAGS} tags; you gave {len(names)}.", code="too_many_tags"
        )
    return names
