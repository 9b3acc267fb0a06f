"""The lesson files: parsing, validation and an in-process cache of the loaded tracks.

A track is a folder of `lessons_content/` with a `track.toml` and one Jupytext MyST Markdown
file per part (format: `lessons_content/README.md`). `library()` returns every track, reloading
a file only when its modification time or size changed, so pages can call it on every request.
Errors carry the file and line; a part with errors is left out of the site (and reported by
`manage.py lessons check` and the start-up system check), the rest keep working.
"""

import logging
import re
import threading
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from django.conf import settings

from . import params

logger = logging.getLogger(__name__)

LEVELS = ("beginner", "intermediate", "advanced")
CELL_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SECTION_HEADING = re.compile(r"^##[ \t]+(?P<number>\d+\.\d+)[ \t]+(?P<title>\S.*?)[ \t#]*$")
HEADING_2 = re.compile(r"^##(?:[ \t]|$)")
HEADING_1 = re.compile(r"^#(?:[ \t]|$)")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
CODE_CELL_INFO = re.compile(r"^\{code-cell\}(?:[ \t]+(?P<lang>\S+))?[ \t]*$")
EXERCISE_INFO = re.compile(r"^\{exercise\}(?:[ \t]+(?P<id>\S+))?[ \t]*$")
CELL_OPTION = re.compile(r"^:(?P<key>[A-Za-z0-9_-]+):(?:[ \t]+(?P<value>.*))?$")
CELL_MARKER = re.compile(r"^\+\+\+(?:[ \t].*)?$")  # Jupytext's Markdown cell break
# [text](05-training.md#5-5), [text](#5-5); targets are checked, then rewritten to site URLs.
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
PART_LINK = re.compile(r"^(?:\./)?(?P<slug>[a-z0-9][a-z0-9-]*)\.md(?:#(?P<anchor>[^)\s]*))?$")
SECTION_ANCHOR = re.compile(r"^(?P<major>\d+)-(?P<minor>\d+)$")

LESSON_FIELDS = {
    "part": int,
    "slug": str,
    "sidebar_title": str,
    "kicker": str,
    "title": str,
    "summary": str,
    "minutes": int,
    "level": str,
    "cards": list,
}
CARD_FIELDS = ("label", "kind", "heading", "text")
CELL_OPTIONS = {"id", "tags"}
EXERCISE_TEXT_FIELDS = ("title", "starter", "check", "solution")
EXERCISE_FIELDS = {*EXERCISE_TEXT_FIELDS, "hints", "wrong", "success"}
MIN_HINTS = 3
TRACK_FIELDS = {"title": str, "kicker": str, "summary": str, "order": int}
TRACK_REQUIRED = ("title", "kicker")


@dataclass(frozen=True)
class LessonError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{_display_path(self.path)}:{self.line}: {self.message}"


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Card:
    label: str
    kind: str
    heading: str
    text: str


@dataclass
class Prose:
    """Markdown between code cells."""

    text: str
    line: int
    kind: str = "prose"


@dataclass
class Cell:
    """A runnable code cell."""

    id: str
    source: str
    tags: tuple[str, ...]
    line: int
    number: int = 0  # 1-based position among the part's runnable cells
    section: str = ""  # number of the section whose progress it counts towards
    kind: str = "cell"
    source_line: int = 0  # line of the file that holds the source's first line

    @property
    def label(self) -> str:
        return f"cell {self.number:03d}"

    @cached_property
    def form(self) -> params.Form:
        """The cell's `# @param` controls and malformed @param lines (Colab's form syntax)."""
        return params.parse_form(self.source)


@dataclass(frozen=True)
class WrongAnswer:
    """A plausible wrong answer: its check must fail with a specific message."""

    code: str
    says: str  # words the feedback must contain ("" = any message but the generic one)
    line: int


@dataclass
class Exercise:
    """An editable code cell with a hidden check, a hint ladder and a solution.

    The prose around it is the prompt; `check` is Python written with `learn.checklib`'s
    helpers and run in the learner's kernel, in its own namespace, after their code.
    """

    id: str
    title: str
    starter: str
    check: str
    hints: tuple[str, ...]
    solution: str
    wrong: tuple[WrongAnswer, ...]
    success: str
    line: int
    number: int = 0  # 1-based position among the part's exercises
    section: str = ""
    kind: str = "exercise"

    @property
    def label(self) -> str:
        return f"exercise {self.number}"


@dataclass
class Section:
    number: str  # "10.2"
    title: str
    line: int
    blocks: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "s-" + self.number.replace(".", "-")

    @property
    def cells(self) -> list[Cell]:
        return [block for block in self.blocks if isinstance(block, Cell)]

    @property
    def exercises(self) -> list[Exercise]:
        return [block for block in self.blocks if isinstance(block, Exercise)]


@dataclass
class Link:
    target: str
    line: int


@dataclass(eq=False)
class Part:
    track: str
    path: Path
    number: int
    slug: str
    sidebar_title: str
    kicker: str
    title: str
    summary: str
    minutes: int
    level: str
    cards: list[Card]
    intro: list
    sections: list[Section]
    links: list[Link]
    front_matter: str  # the YAML text, kept for the exported notebook's metadata

    @property
    def key(self) -> str:
        return f"{self.track}/{self.slug}"

    @property
    def cells(self) -> list[Cell]:
        intro_cells = [block for block in self.intro if isinstance(block, Cell)]
        return intro_cells + [cell for section in self.sections for cell in section.cells]

    @cached_property
    def cell_map(self) -> dict[str, Cell]:
        return {cell.id: cell for cell in self.cells}

    @cached_property
    def section_cells(self) -> dict[str, frozenset[str]]:
        """Section number → ids of the runnable cells that count towards it."""
        result = {section.number: {cell.id for cell in section.cells} for section in self.sections}
        if self.sections:
            # Cells before the first section (a setup cell) count towards the first one.
            result[self.sections[0].number] |= {b.id for b in self.intro if isinstance(b, Cell)}
        return {number: frozenset(ids) for number, ids in result.items()}

    @property
    def exercises(self) -> list[Exercise]:
        return [exercise for section in self.sections for exercise in section.exercises]

    @cached_property
    def exercise_map(self) -> dict[str, Exercise]:
        return {exercise.id: exercise for exercise in self.exercises}

    @cached_property
    def section_exercises(self) -> dict[str, frozenset[str]]:
        """Section number → ids of the exercises it holds."""
        return {s.number: frozenset(e.id for e in s.exercises) for s in self.sections}

    @property
    def meta(self) -> str:
        return f"Part {self.number} · {self.minutes} min · {self.level}"


@dataclass(eq=False)
class Track:
    slug: str
    path: Path
    title: str
    kicker: str
    summary: str
    order: int
    parts: list[Part]

    def get(self, slug: str) -> Part | None:
        return next((part for part in self.parts if part.slug == slug), None)

    def neighbours(self, part: Part) -> tuple[Part | None, Part | None]:
        index = self.parts.index(part)
        before = self.parts[index - 1] if index > 0 else None
        after = self.parts[index + 1] if index + 1 < len(self.parts) else None
        return before, after


@dataclass
class Library:
    tracks: list[Track]
    errors: list[LessonError]

    def track(self, slug: str) -> Track | None:
        return next((track for track in self.tracks if track.slug == slug), None)

    def part(self, track: str, part: str) -> Part | None:
        found = self.track(track)
        return found.get(part) if found else None


# --- Front matter -------------------------------------------------------------------------


class _FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _split_front_matter(text: str) -> tuple[str, int]:
    """Return the YAML text and the 1-based line where the body starts."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise _FrontMatterError(1, "the file must start with a '---' front matter block")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), index + 2
    raise _FrontMatterError(1, "the front matter block is not closed with '---'")


def _node_for(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in mapping.value:
        if getattr(key_node, "value", None) == key:
            return key_node, value_node
    return None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 2  # +1 for 1-based, +1 for the opening '---'


def _parse_front_matter(yaml_text: str, path: Path, errors: list) -> dict | None:
    try:
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
        errors.append(LessonError(path, line, f"front matter is not valid YAML: {problem}"))
        return None
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        errors.append(LessonError(path, 2, "front matter must be a YAML mapping"))
        return None
    found = _node_for(root, "lesson")
    if found is None:
        errors.append(LessonError(path, 1, "front matter has no 'lesson:' block"))
        return None
    key_node, node = found
    lesson = data["lesson"]
    if not isinstance(node, yaml.MappingNode) or not isinstance(lesson, dict):
        errors.append(LessonError(path, _line(key_node), "'lesson' must be a mapping"))
        return None

    ok = True
    for key, value_node in ((k.value, v) for k, v in node.value):
        if key not in LESSON_FIELDS:
            known = ", ".join(LESSON_FIELDS)
            errors.append(
                LessonError(path, _line(value_node), f"unknown key 'lesson.{key}' (known: {known})")
            )
            ok = False
    for key, kind in LESSON_FIELDS.items():
        if key not in lesson or lesson[key] is None or lesson[key] == "":
            errors.append(LessonError(path, _line(key_node), f"missing 'lesson.{key}'"))
            ok = False
            continue
        value = lesson[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            line = _line(_node_for(node, key)[1])
            errors.append(
                LessonError(path, line, f"'lesson.{key}' must be {_type_name(kind)}, got {value!r}")
            )
            ok = False
    if not ok:
        return None

    line_of = {key: _line(_node_for(node, key)[1]) for key in LESSON_FIELDS}
    if lesson["level"] not in LEVELS:
        errors.append(
            LessonError(
                path, line_of["level"], f"'lesson.level' must be one of {', '.join(LEVELS)}"
            )
        )
        ok = False
    if not 1 <= lesson["part"] <= 99:
        errors.append(LessonError(path, line_of["part"], "'lesson.part' must be between 1 and 99"))
        ok = False
    if not 1 <= lesson["minutes"] <= 600:
        errors.append(LessonError(path, line_of["minutes"], "'lesson.minutes' looks wrong"))
        ok = False
    if lesson["slug"] != path.stem:
        errors.append(
            LessonError(
                path,
                line_of["slug"],
                f"'lesson.slug' is {lesson['slug']!r} but the file is {path.name}; they must match",
            )
        )
        ok = False
    cards = _parse_cards(lesson["cards"], _node_for(node, "cards")[1], path, errors)
    if cards is None or not ok:
        return None
    return {**lesson, "cards": cards}


def _type_name(kind: type) -> str:
    return {int: "a whole number", str: "text", list: "a list"}[kind]


def _parse_cards(cards: list, node: yaml.Node, path: Path, errors: list) -> list[Card] | None:
    start = len(errors)
    if not 1 <= len(cards) <= 4:
        errors.append(LessonError(path, _line(node), "'lesson.cards' must have one to four cards"))
    result = []
    for index, (card, card_node) in enumerate(zip(cards, node.value, strict=False)):
        where = f"lesson.cards[{index}]"
        if not isinstance(card, dict):
            errors.append(LessonError(path, _line(card_node), f"'{where}' must be a mapping"))
            continue
        for key_node, value_node in card_node.value:
            if key_node.value not in CARD_FIELDS:
                errors.append(
                    LessonError(
                        path,
                        _line(value_node),
                        f"unknown key '{where}.{key_node.value}' (known: {', '.join(CARD_FIELDS)})",
                    )
                )
        for key in CARD_FIELDS:
            if not isinstance(card.get(key), str) or not card[key].strip():
                errors.append(LessonError(path, _line(card_node), f"'{where}.{key}' is missing"))
        if len(errors) == start:
            result.append(Card(**{key: card[key].strip() for key in CARD_FIELDS}))
    return None if len(errors) > start else result


# --- Body ---------------------------------------------------------------------------------


def _parse_body(lines: list[str], first_line: int, path: Path, errors: list) -> tuple[list, list]:
    """Split the body into blocks (Prose, Cell, Section starts) and collect part links."""
    blocks: list = []
    links: list[Link] = []
    prose: list[str] = []
    prose_line = first_line

    def flush() -> None:
        text = "\n".join(prose).strip("\n")
        if text.strip():
            blocks.append(Prose(text, prose_line))
        prose.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        lineno = first_line + index
        fence = FENCE.match(line)
        if fence:
            end = _closing_fence(lines, index, fence.group("fence"))
            if end is None:
                errors.append(LessonError(path, lineno, "this code block is never closed"))
                end = len(lines)
            info = fence.group("info").strip()
            if info.startswith("{"):
                flush()
                parse = _parse_exercise if EXERCISE_INFO.match(info) else _parse_cell
                block = parse(info, lines[index + 1 : end], lineno, path, errors)
                if block:
                    blocks.append(block)
                prose_line = first_line + end + 1
            else:
                if not prose:
                    prose_line = lineno
                prose.extend(lines[index : end + 1])
            index = end + 1
            continue
        heading = SECTION_HEADING.match(line)
        if heading or HEADING_2.match(line):
            flush()
            if heading:
                blocks.append(Section(heading["number"], heading["title"].strip(), lineno))
            else:
                errors.append(
                    LessonError(
                        path, lineno, "a '##' heading must be a numbered section: '## 3.2 Title'"
                    )
                )
            prose_line = lineno + 1
        elif HEADING_1.match(line):
            errors.append(
                LessonError(
                    path, lineno, "no '#' headings: the page shows lesson.title as the title"
                )
            )
        elif CELL_MARKER.match(line):
            flush()
            prose_line = lineno + 1
        else:
            if not prose:
                prose_line = lineno
            prose.append(line)
            links.extend(Link(m["target"], lineno) for m in LINK.finditer(line))
        index += 1
    flush()
    return blocks, links


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return index
    return None


def _parse_cell(info: str, body: list[str], lineno: int, path: Path, errors: list) -> Cell | None:
    match = CODE_CELL_INFO.match(info)
    if not match:
        errors.append(
            LessonError(
                path,
                lineno,
                f"unknown directive {info!r}: runnable code is '```{{code-cell}} ipython3', "
                "display-only code is '```python'",
            )
        )
        return None
    if match["lang"] not in ("ipython3", "python3", "python"):
        errors.append(LessonError(path, lineno, "code cells must be 'ipython3'"))
        return None
    options: dict[str, str] = {}
    index = 0
    if body and body[0].strip() == "---":  # MyST's YAML form of the options
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if end is None:
            errors.append(LessonError(path, lineno + 1, "cell options block is not closed"))
            return None
        try:
            loaded = yaml.safe_load("\n".join(body[1:end])) or {}
        except yaml.YAMLError:
            loaded = None
        if not isinstance(loaded, dict):
            errors.append(LessonError(path, lineno + 1, "cell options are not a YAML mapping"))
            return None
        options = {str(k): v for k, v in loaded.items()}
        index = end + 1
    else:
        while index < len(body):
            option = CELL_OPTION.match(body[index])
            if not option:
                break
            try:
                options[option["key"]] = yaml.safe_load(option["value"] or "")
            except yaml.YAMLError:
                errors.append(LessonError(path, lineno + 1 + index, "cell option is not valid"))
                return None
            index += 1
    unknown = set(options) - CELL_OPTIONS
    if unknown:
        errors.append(
            LessonError(
                path,
                lineno,
                f"unknown cell option {', '.join(sorted(unknown))!r} (known: id, tags)",
            )
        )
        return None
    cell_id = options.get("id")
    if cell_id is None:
        errors.append(LessonError(path, lineno, "code cell has no ':id:' option"))
        return None
    cell_id = str(cell_id)
    if not CELL_ID.fullmatch(cell_id):
        errors.append(
            LessonError(
                path,
                lineno,
                f"cell id {cell_id!r} must be lowercase letters, digits and '-', "
                "at most 40 characters, starting with a letter or digit",
            )
        )
        return None
    if cell_id.startswith("scratch-"):
        errors.append(LessonError(path, lineno, "cell ids starting 'scratch-' belong to the lab"))
        return None
    tags = options.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        errors.append(LessonError(path, lineno, "':tags:' must be a list such as [setup]"))
        return None
    source = "\n".join(body[index:]).strip("\n")
    if not source.strip():
        errors.append(LessonError(path, lineno, f"code cell {cell_id!r} is empty"))
        return None
    blank = len(body[index:]) - len("\n".join(body[index:]).lstrip("\n").split("\n"))
    first = lineno + 1 + index + blank
    return Cell(id=cell_id, source=source, tags=tuple(tags), line=lineno, source_line=first)


def _parse_exercise(
    info: str, body: list[str], lineno: int, path: Path, errors: list
) -> Exercise | None:
    """An ```{exercise} <id>``` block: YAML with title, starter, check, hints, solution, wrong."""
    start = len(errors)

    def error(line: int, message: str) -> None:
        errors.append(LessonError(path, line, message))

    exercise_id = EXERCISE_INFO.match(info)["id"]
    if not exercise_id or not CELL_ID.fullmatch(exercise_id):
        error(lineno, "an exercise needs an id like '```{exercise} middle-column' (a-z, 0-9, -)")
        return None
    try:
        root = yaml.compose("\n".join(body), Loader=yaml.SafeLoader)
        data = yaml.safe_load("\n".join(body))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        error(lineno + 1 + (mark.line if mark else 0), f"exercise {exercise_id!r} is not YAML")
        return None
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        error(lineno, f"exercise {exercise_id!r} must be a YAML mapping (title:, starter:, …)")
        return None

    def line_of(key: str) -> int:
        found = _node_for(root, key)
        return lineno + 1 + (found[0].start_mark.line if found else 0)

    for key in sorted(set(map(str, data)) - EXERCISE_FIELDS):
        error(line_of(key), f"unknown exercise key {key!r} (known: {', '.join(EXERCISE_FIELDS)})")
    for key in EXERCISE_TEXT_FIELDS:
        if not isinstance(data.get(key), str) or not data[key].strip():
            error(line_of(key) if key in data else lineno, f"exercise {exercise_id!r} has no {key}")
    for key in ("starter", "check", "solution"):
        _check_syntax(data.get(key), f"exercise {exercise_id!r}: the {key}", line_of(key), error)
    hints = data.get("hints")
    if not isinstance(hints, list) or not all(isinstance(h, str) and h.strip() for h in hints):
        error(line_of("hints"), f"exercise {exercise_id!r}: 'hints' must be a list of texts")
        hints = []
    elif len(hints) < MIN_HINTS:
        error(line_of("hints"), f"exercise {exercise_id!r} needs {MIN_HINTS} or more hints")
    wrong = _parse_wrong(data.get("wrong"), exercise_id, line_of("wrong"), error)
    success = data.get("success") or ""
    if not isinstance(success, str):
        error(line_of("success"), f"exercise {exercise_id!r}: 'success' must be text")
    if len(errors) > start:
        return None
    return Exercise(
        id=exercise_id,
        title=data["title"].strip(),
        starter=data["starter"].strip("\n"),
        check=data["check"].strip("\n"),
        hints=tuple(hint.strip() for hint in hints),
        solution=data["solution"].strip("\n"),
        wrong=wrong,
        success=success.strip(),
        line=lineno,
    )


def _check_syntax(source, what: str, line: int, error) -> None:
    if not isinstance(source, str):
        return
    try:
        compile(source, "<lesson>", "exec")
    except SyntaxError as exc:
        error(line + (exc.lineno or 1), f"{what} is not valid Python: {exc.msg}")


def _parse_wrong(items, exercise_id: str, line: int, error) -> tuple[WrongAnswer, ...]:
    """`wrong:` is a list of {code, says}: plausible mistakes whose feedback is tested."""
    if not isinstance(items, list) or not items:
        error(line, f"exercise {exercise_id!r} needs a 'wrong:' list with a plausible mistake")
        return ()
    answers = []
    for item in items:
        code = item.get("code") if isinstance(item, dict) else None
        says = item.get("says", "") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.strip() or not isinstance(says, str):
            error(line, f"exercise {exercise_id!r}: each wrong answer is 'code:' (and 'says:')")
            continue
        if set(item) - {"code", "says"}:
            error(line, f"exercise {exercise_id!r}: a wrong answer has only 'code' and 'says'")
            continue
        _check_syntax(code, f"exercise {exercise_id!r}: a wrong answer", line, error)
        answers.append(WrongAnswer(code.strip("\n"), says.strip(), line))
    return tuple(answers)


def _group(blocks: list, number: int, path: Path, errors: list) -> tuple[list, list[Section]]:
    intro: list = []
    sections: list[Section] = []
    seen_cells: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Section):
            expected = f"{number}.{len(sections) + 1}"
            if block.number != expected:
                errors.append(
                    LessonError(
                        path,
                        block.line,
                        f"section {block.number} is out of order: expected {expected}",
                    )
                )
            sections.append(block)
            continue
        if isinstance(block, (Cell, Exercise)):
            if block.id in seen_cells:
                errors.append(
                    LessonError(
                        path,
                        block.line,
                        f"duplicate {block.kind} id {block.id!r} "
                        f"(first used on line {seen_cells[block.id]})",
                    )
                )
                continue
            seen_cells[block.id] = block.line
        if isinstance(block, Exercise) and not sections:
            errors.append(LessonError(path, block.line, "an exercise must be inside a section"))
            continue
        (sections[-1].blocks if sections else intro).append(block)
    if not sections:
        errors.append(LessonError(path, 1, "the part has no numbered '## N.M' sections"))
    return intro, sections


def parse_part(path: Path, track: str) -> tuple[Part | None, list[LessonError]]:
    """Read one part file; return the part (None if it has errors) and the errors."""
    errors: list[LessonError] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [LessonError(path, 1, f"cannot read the file: {exc}")]
    text = text.replace("\r\n", "\n")
    try:
        yaml_text, body_start = _split_front_matter(text)
    except _FrontMatterError as exc:
        return None, [LessonError(path, exc.line, exc.message)]
    lesson = _parse_front_matter(yaml_text, path, errors)
    body_lines = text.split("\n")[body_start - 1 :]
    blocks, links = _parse_body(body_lines, body_start, path, errors)
    if lesson is None:
        return None, errors
    intro, sections = _group(blocks, lesson["part"], path, errors)
    if errors:
        return None, errors
    part = Part(
        track=track,
        path=path,
        number=lesson["part"],
        slug=lesson["slug"],
        sidebar_title=lesson["sidebar_title"].strip(),
        kicker=lesson["kicker"].strip(),
        title=lesson["title"].strip(),
        summary=lesson["summary"].strip(),
        minutes=lesson["minutes"],
        level=lesson["level"],
        cards=lesson["cards"],
        intro=intro,
        sections=sections,
        links=links,
        front_matter=yaml_text,
    )
    first = sections[0].number if sections else ""
    for position, cell in enumerate(part.cells, start=1):
        cell.number = position
        cell.section = first
    for section in sections:
        for cell in section.cells:
            cell.section = section.number
        for exercise in section.exercises:
            exercise.section = section.number
    for position, exercise in enumerate(part.exercises, start=1):
        exercise.number = position
    # A malformed @param line is reported, but the part still loads: it shows as plain code.
    for cell in part.cells:
        for problem in cell.form.errors:
            line = cell.source_line + problem.line - 1
            errors.append(LessonError(path, line, f"# @param: {problem.message}"))
    return part, errors


def parse_track_file(path: Path) -> tuple[dict | None, list[LessonError]]:
    """Read a track.toml; return its settings (None if it has errors) and the errors."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [LessonError(path, 1, f"cannot read the file: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        line = int(m[1]) if (m := re.search(r"line (\d+)", str(exc))) else 1
        return None, [LessonError(path, line, f"not valid TOML: {exc}")]
    errors = []
    lines = path.read_text(encoding="utf-8").split("\n")

    def line_of(key: str) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((i + 1 for i, text in enumerate(lines) if pattern.match(text)), 1)

    for key, value in data.items():
        if key not in TRACK_FIELDS:
            errors.append(LessonError(path, line_of(key), f"unknown key {key!r}"))
        elif not isinstance(value, TRACK_FIELDS[key]) or isinstance(value, bool):
            errors.append(
                LessonError(path, line_of(key), f"{key!r} must be {_type_name(TRACK_FIELDS[key])}")
            )
    errors.extend(
        LessonError(path, 1, f"missing {key!r}") for key in TRACK_REQUIRED if not data.get(key)
    )
    return (None if errors else data), errors


def check_links(track: Track) -> list[LessonError]:
    """Errors for links to parts or sections that do not exist."""
    errors = []
    for part in track.parts:
        for link in part.links:
            target = link.target
            if target.startswith("#"):
                slug, anchor = part.slug, target[1:]
            elif (match := PART_LINK.match(target)) is not None:
                slug, anchor = match["slug"], match["anchor"]
            elif target.endswith(".md") or ".md#" in target:
                errors.append(LessonError(part.path, link.line, f"bad link {target!r}"))
                continue
            else:
                continue  # a web address
            other = track.get(slug)
            if other is None:
                errors.append(
                    LessonError(part.path, link.line, f"link to a missing part: {target!r}")
                )
            elif anchor and anchor not in {s.anchor[2:] for s in other.sections}:
                errors.append(
                    LessonError(
                        part.path,
                        link.line,
                        f"link to a missing section: {target!r} "
                        f"(sections are written '#{other.number}-1', '#{other.number}-2', …)",
                    )
                )
    return errors


def load_track(folder: Path) -> tuple[Track | None, list[LessonError]]:
    """Load one track folder: its track.toml and every part file in it."""
    settings_path = folder / "track.toml"
    info, errors = parse_track_file(settings_path)
    parts = []
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        part, part_errors = _cached_part(path, folder.name)
        errors.extend(part_errors)
        if part is not None:
            parts.append(part)
    by_number: dict[int, Part] = {}
    for part in sorted(parts, key=lambda p: (p.number, p.slug)):
        if part.number in by_number:
            errors.append(
                LessonError(
                    part.path, 1, f"part {part.number} is also {by_number[part.number].path.name}"
                )
            )
            parts.remove(part)
        else:
            by_number[part.number] = part
    if info is None:
        return None, errors
    track = Track(
        slug=folder.name,
        path=folder,
        title=info["title"],
        kicker=info["kicker"],
        summary=info.get("summary", ""),
        order=info.get("order", 0),
        parts=sorted(parts, key=lambda p: p.number),
    )
    errors.extend(check_links(track))
    return track, errors


# --- The cache ----------------------------------------------------------------------------

_lock = threading.RLock()
_parts: dict[Path, tuple[tuple, Part | None, list[LessonError]]] = {}
_libraries: dict[Path, tuple[tuple, Library]] = {}


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (None,)
    return (stat.st_mtime_ns, stat.st_size)


def _cached_part(path: Path, track: str) -> tuple[Part | None, list[LessonError]]:
    stamp = _stamp(path)
    cached = _parts.get(path)
    if cached and cached[0] == stamp:
        return cached[1], cached[2]
    part, errors = parse_part(path, track)
    _parts[path] = (stamp, part, errors)
    return part, errors


def _folder_stamp(root: Path) -> tuple:
    """Everything whose change means a reload: the files and their sizes and times."""
    entries = []
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "track.toml").exists())
    except OSError:
        return ()
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix in (".md", ".toml"):
                entries.append((str(path), *_stamp(path)))
    return tuple(entries)


def library(root: Path | None = None) -> Library:
    """Every track under LESSONS_DIR, loaded once and reloaded when a file changes."""
    root = Path(root or settings.LESSONS_DIR)
    stamp = _folder_stamp(root)
    cached = _libraries.get(root)
    if cached and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _libraries.get(root)
        if cached and cached[0] == stamp:
            return cached[1]
        tracks, errors = [], []
        for folder in sorted({Path(entry[0]).parent for entry in stamp}):
            track, track_errors = load_track(folder)
            errors.extend(track_errors)
            if track is not None:
                tracks.append(track)
        for error in errors:
            logger.warning("lesson content: %s", error)
        loaded = Library(sorted(tracks, key=lambda t: (t.order, t.slug)), errors)
        _libraries[root] = (stamp, loaded)
        return loaded


def check(root: Path | None = None) -> list[LessonError]:
    """Every error in the lesson files, read fresh from disk."""
    with _lock:
        _parts.clear()
        _libraries.clear()
    return library(root).errors
