from django import template

from agenticworks.markup import render_markdown_cached

register = template.Library()


@register.filter
def markdown(text: str):
    """Render a person's Markdown safely (raw HTML off, then nh3)."""
    return render_markdown_cached(text)
