"""Lesson Markdown and code cells to HTML, computed once per loaded part and kept in memory.

Prose goes through the site's Markdown (`agenticworks.markup.make_markdown`) plus three
lesson-only steps: GitHub-style call-outs become admonitions, display-only Python blocks get a
caption, and links to other parts (`05-training.md#5-5`) become site URLs. The result then goes
through the same sanitizer as user content, so a bad lesson file cannot inject script.
"""

import json
import re
import threading
import weakref
from dataclasses import dataclass
from xml.etree import ElementTree

import markdown
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from agenticworks.markup import clean_html, make_markdown

from .content import FENCE, PART_LINK, Cell, Exercise, Part, Prose, Section

ALERT = re.compile(r"^>\s*\[!(?P<kind>NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$", re.I)
ALERT_TITLES = {
    "note": "Note",
    "tip": "Tip",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
}
DISPLAY_LANGUAGES = {"python", "py", "python3", "ipython3"}

_FORMATTER = HtmlFormatter(nowrap=True)
_LEXER = PythonLexer()


def highlight_python(source: str) -> SafeString:
    """Pygments spans for Python source (Pygments escapes the text itself)."""
    return mark_safe(highlight(source, _LEXER, _FORMATTER).rstrip("\n"))


class AlertPreprocessor(Preprocessor):
    """`> [!NOTE]` call-outs (GitHub's syntax, a plain quote in Jupyter) → admonitions."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            match = ALERT.match(lines[index])
            if not match:
                out.append(lines[index])
                index += 1
                continue
            kind = match["kind"].lower()
            out.extend(["", f'!!! {kind} "{ALERT_TITLES[kind]}"'])
            index += 1
            while index < len(lines) and lines[index].startswith(">"):
                out.append("    " + re.sub(r"^> ?", "", lines[index]))
                index += 1
            out.append("")
        return out


class DisplayCodePreprocessor(Preprocessor):
    """Display-only Python blocks: highlighted, with a caption saying they are not run."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            fence = FENCE.match(lines[index])
            if not fence or fence["indent"]:
                out.append(lines[index])
                index += 1
                continue
            marker = fence["fence"]
            end = next(
                (
                    i
                    for i in range(index + 1, len(lines))
                    if set(lines[i].strip()) == {marker[0]} and len(lines[i].strip()) >= len(marker)
                ),
                None,
            )
            if end is None:
                out.extend(lines[index:])
                break
            if fence["info"].strip().lower() in DISPLAY_LANGUAGES:
                code = "\n".join(lines[index + 1 : end])
                html = (
                    '<div class="display-code"><p class="display-code-note">'
                    "Display only · shown, not run here</p>"
                    f'<div class="highlight"><pre><code>{highlight_python(code)}</code></pre></div>'
                    "</div>"
                )
                out.extend(["", self.md.htmlStash.store(html), ""])
            else:
                out.extend(lines[index : end + 1])
            index = end + 1
        return out


class PartLinkTreeprocessor(Treeprocessor):
    """`05-training.md#5-5` → `/learn/<track>/05-training/#s-5-5`; `#5-5` → `#s-5-5`."""

    def __init__(self, md: markdown.Markdown, track: str):
        super().__init__(md)
        self.track = track

    def run(self, root: ElementTree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith("#"):
                link.set("href", "#s-" + href[1:] if href[1:2].isdigit() else href)
            elif (match := PART_LINK.match(href)) is not None:
                url = reverse("learn:lesson", args=[self.track, match["slug"]])
                anchor = match["anchor"]
                link.set("href", url + (f"#s-{anchor}" if anchor else ""))


class LessonExtension(markdown.Extension):
    def __init__(self, track: str):
        super().__init__()
        self.track = track

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(DisplayCodePreprocessor(md), "display_code", 26)
        md.preprocessors.register(AlertPreprocessor(md), "alerts", 20)
        md.treeprocessors.register(PartLinkTreeprocessor(md, self.track), "part_links", 15)


def render_prose(text: str, *, track: str) -> SafeString:
    """Lesson Markdown → sanitized HTML."""
    html = make_markdown(LessonExtension(track)).convert(text)
    # Sanitized with the user-content allow-list; our own links need no rel="nofollow".
    return mark_safe(clean_html(html, link_rel=None))


def render_cell(cell: Cell, *, lab: bool = False) -> str:
    lines = cell.source.split("\n")
    return render_to_string(
        "learn/_cell.html",
        {
            "cell": cell,
            "highlighted": highlight_python(cell.source),
            "line_numbers": "\n".join(str(n) for n in range(1, len(lines) + 1)),
            "rows": len(lines),
            "lab": lab,
            "form": cell.form,
            "form_json": json.dumps(cell.form.as_dict()) if cell.form.controls else "",
        },
    )


def exercise_marker(exercise_id: str) -> str:
    """Where the learner's state on an exercise goes in the cached HTML (see learn_tags)."""
    return f"<!--exercise-state:{exercise_id}-->"


def render_exercise(exercise: Exercise) -> str:
    lines = exercise.starter.split("\n")
    return render_to_string(
        "learn/_exercise.html",
        {
            "exercise": exercise,
            "highlighted": highlight_python(exercise.starter),
            "line_numbers": "\n".join(str(n) for n in range(1, len(lines) + 1)),
            "rows": len(lines),
            "state_marker": exercise_marker(exercise.id),
        },
    )


def _render_blocks(blocks: list, *, track: str, lab: bool = False) -> SafeString:
    pieces = []
    for block in blocks:
        if isinstance(block, Cell):
            pieces.append(render_cell(block, lab=lab))
        elif isinstance(block, Exercise):
            pieces.append(render_exercise(block))
        elif isinstance(block, Prose) and not lab:
            pieces.append(render_prose(block.text, track=track))
    # Prose is sanitized above; cells come from an autoescaping template.
    return mark_safe("\n".join(pieces))


@dataclass(frozen=True)
class RenderedSection:
    section: Section
    html: SafeString

    @property
    def number(self) -> str:
        return self.section.number

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def anchor(self) -> str:
        return self.section.anchor

    @property
    def has_cells(self) -> bool:
        """Whether the section has code to run (cells or exercises), so no "mark as read"."""
        return bool(self.section.cells or self.section.exercises)


@dataclass(frozen=True)
class RenderedPart:
    intro: SafeString
    sections: list[RenderedSection]


_rendered: "weakref.WeakKeyDictionary[Part, dict]" = weakref.WeakKeyDictionary()
_render_lock = threading.Lock()


def rendered(part: Part, *, lab: bool = False) -> RenderedPart:
    """The part's HTML, rendered on first use and kept until its file changes."""
    key = "lab" if lab else "lesson"
    cached = _rendered.get(part, {}).get(key)
    if cached is not None:
        return cached
    result = RenderedPart(
        intro=_render_blocks(part.intro, track=part.track, lab=lab),
        sections=[
            RenderedSection(s, _render_blocks(s.blocks, track=part.track, lab=lab))
            for s in part.sections
        ],
    )
    with _render_lock:
        _rendered.setdefault(part, {})[key] = result
    return result


def clear_cache() -> None:
    """Forget every rendered part (for the benchmark's cold runs)."""
    with _render_lock:
        _rendered.clear()


__all__ = ["highlight_python", "render_prose", "rendered"]
