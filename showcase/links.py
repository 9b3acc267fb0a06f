"""Repository and demo links: web addresses only, so a link can never run script."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

LINK_MESSAGE = "Use a web address starting with http:// or https://."


def validate_web_link(value: str) -> None:
    """Refuse anything but an http(s) address with a host (javascript:, data:, ftp:, …)."""
    if not value:
        return
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # e.g. "[x](…)" reads as a malformed IPv6 host
        raise ValidationError(LINK_MESSAGE, code="invalid") from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValidationError(LINK_MESSAGE, code="scheme")


class WebLinkField(forms.URLField):
    """A URL field that explains a wrong scheme before Django's generic 'valid URL' message
    (`validate` runs before the field's validators)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        validate_web_link(value)
