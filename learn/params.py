"""Colab's form syntax (`name = value  # @param {...}`) parsed into control specs.

`parse_form(source)` reads a cell's source and returns a `Form`: one `Control` per well-formed
`# @param` line, one `ParamError` per malformed one (the line stays plain code), and the caption
from `# @title` / `# @markdown` lines. `static/learn/controls.js` mirrors this module line for
line; `tests/learn/param_cases.json` holds the cases both must agree on.

Colab's `{...}` is a JavaScript-object-like literal (unquoted keys such as `type`, `min` or
`allow-input`). It is read by the small recursive-descent reader below, never by `eval`.
"""

import ast
import math
import re
from dataclasses import asdict, dataclass, field

NAME = re.compile(r"^(?P<indent>[ \t]*)(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)[ \t]*")
PARAM = re.compile(r"^#[ \t]*@param(?![A-Za-z0-9_])")
TITLE = re.compile(r"^[ \t]*#[ \t]*@title(?![A-Za-z0-9_])[ \t]*(?P<text>.*)$")
MARKDOWN = re.compile(r"^[ \t]*#[ \t]*@markdown(?![A-Za-z0-9_])[ \t]?(?P<text>.*)$")
NUMBER = re.compile(r"^[+-]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?$")
INTEGER = re.compile(r"^[+-]?[0-9][0-9_]*$")
STRING = re.compile(r"""^[rR]?(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')$""")
TYPES = ("slider", "integer", "number", "boolean", "string", "date", "raw")
NUMERIC = ("slider", "integer", "number")


@dataclass
class Control:
    """One form field: what the page shows above the code, and where its value sits."""

    name: str
    type: str  # slider, integer, number, boolean, string, select, raw
    value: object
    line: int  # 1-based line of the cell source
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: list = field(default_factory=list)  # select: [{"label", "code"}]
    code: str = ""  # the value as written in the source


@dataclass
class ParamError:
    line: int
    message: str


@dataclass
class Form:
    controls: list[Control] = field(default_factory=list)
    errors: list[ParamError] = field(default_factory=list)
    title: str = ""
    markdown: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The JSON shape the page and the JavaScript parser share."""
        return asdict(self)


class SpecError(ValueError):
    pass


# --- Finding the comment -----------------------------------------------------------------


def comment_start(line: str) -> int:
    """Index of the first `#` outside a string literal, or -1."""
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return index
        index += 1
    return -1


@dataclass
class ParamLine:
    name: str
    value_start: int
    value_end: int
    spec: str


def split_param_line(line: str) -> ParamLine | str | None:
    """A `# @param` line's parts; None if it is no @param line; a message if it is malformed."""
    hash_at = comment_start(line)
    if hash_at < 0 or not PARAM.match(line[hash_at:]):
        return None
    match = NAME.match(line[:hash_at])
    spec = PARAM.sub("", line[hash_at:], count=1)
    if not match:
        return "a # @param line must assign one name: name = value  # @param …"
    value_end = len(line[:hash_at].rstrip(" \t"))
    if value_end <= match.end():
        return f"{match['name']} has no value before # @param"
    return ParamLine(match["name"], match.end(), value_end, spec)


# --- The {...} / [...] reader ------------------------------------------------------------


class _Reader:
    """A JavaScript-object-like literal: {key: value, ...}, [a, b], strings, numbers, true."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def peek(self) -> str:
        self.skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise SpecError(f"expected {char} at column {self.pos + 1}")
        self.pos += 1

    def value(self):
        char = self.peek()
        if char == "{":
            return self.obj()
        if char == "[":
            return self.array()
        if char and char in "\"'":
            return self.string()
        match = re.compile(r"[A-Za-z0-9_.+-]+").match(self.text, self.pos)
        if not match:
            raise SpecError(f"expected a value at column {self.pos + 1}")
        self.pos = match.end()
        word = match.group()
        if word in ("true", "True"):
            return True
        if word in ("false", "False"):
            return False
        if word in ("null", "None"):
            return None
        if NUMBER.match(word):
            return _number(word)
        raise SpecError(f"{word} is not a value (strings need quotes)")

    def string(self) -> str:
        quote = self.text[self.pos]
        end = self.pos + 1
        while end < len(self.text) and self.text[end] != quote:
            end += 2 if self.text[end] == "\\" else 1
        if end >= len(self.text):
            raise SpecError("a string in the form spec is not closed")
        literal = self.text[self.pos : end + 1]
        self.pos = end + 1
        return decode_string(literal)

    def key(self) -> str:
        if self.peek() and self.peek() in "\"'":
            return self.string()
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*").match(self.text, self.pos)
        if not match:
            raise SpecError(f"expected a key at column {self.pos + 1}")
        self.pos = match.end()
        return match.group()

    def obj(self) -> dict:
        self.expect("{")
        result = {}
        while self.peek() != "}":
            key = self.key()
            self.expect(":")
            result[key] = self.value()
            if self.peek() != ",":
                break
            self.pos += 1
        self.expect("}")
        return result

    def array(self) -> list:
        self.expect("[")
        result = []
        while self.peek() != "]":
            result.append(self.value())
            if self.peek() != ",":
                break
            self.pos += 1
        self.expect("]")
        return result


def read_spec(spec: str) -> tuple[list | None, dict]:
    """The optional option list and the optional {...} of what follows `@param`."""
    reader = _Reader(spec)
    options = reader.array() if reader.peek() == "[" else None
    settings = reader.obj() if reader.peek() == "{" else {}
    if reader.peek():
        raise SpecError(f"unexpected text at column {reader.pos + 1}")
    return options, settings


# --- Literals ------------------------------------------------------------------------------


def _number(text: str) -> float | int:
    clean = text.replace("_", "")
    if INTEGER.match(clean):
        try:
            return int(clean)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise SpecError(f"{clean[:12]}… has too many digits") from None
    return float(clean)


def decode_string(literal: str) -> str:
    """A one-line Python string literal ('…', "…", r'…') to its value."""
    if not STRING.match(literal):
        raise SpecError(f"{literal} is not a plain string literal")
    if literal[0] not in "rR" and _has_named_escape(literal):
        raise SpecError(r"\N{…} escapes are not supported in controls")
    try:
        return ast.literal_eval(literal)
    except (SyntaxError, ValueError):
        raise SpecError(f"{literal} is not a valid string literal") from None


def _has_named_escape(literal: str) -> bool:
    index = 0
    while index < len(literal) - 1:
        if literal[index] == "\\":
            if literal[index + 1] == "N":
                return True
            index += 1
        index += 1
    return False


def decimals(number: float) -> int:
    """Digits after the point that `number` needs (0.001 → 3, 0.5 → 1, 2 → 0)."""
    text = _plain(number)
    return len(text.split(".")[1]) if "." in text else 0


def _plain(number: float) -> str:
    if float(number).is_integer():
        return str(int(number))
    return f"{number:.12f}".rstrip("0")


def format_number(value: float, *, step: float | None, integer: bool) -> str:
    """A number as a Python literal: an int, or as many decimals as the step has."""
    if integer:
        return str(math.floor(value + 0.5))  # half up, as JavaScript's Math.round
    places = decimals(step) if step is not None else 0
    if places:
        text = f"{value:.{places}f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    if float(value).is_integer():
        return f"{int(value)}.0"
    return _plain(value)


def python_string(text: str) -> str:
    """`text` as a double-quoted Python literal that stays one literal on one line."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def literal(control: Control, value) -> str:
    """`value` written as the Python literal `control` puts on its line (numbers clamped)."""
    kind = control.type
    if kind == "boolean":
        return "True" if value is True or value == "True" else "False"
    if kind in NUMERIC:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = control.value
        if math.isnan(number):
            number = control.value
        if control.min is not None:
            number = max(control.min, number)
        if control.max is not None:
            number = min(control.max, number)
        integer = kind == "integer" or (kind == "slider" and is_integer_slider(control))
        return format_number(number, step=control.step, integer=integer)
    if kind == "select":
        for option in control.options:
            if option["code"] == value or option["label"] == value:
                return option["code"]
        return control.code
    if kind == "raw":
        return control.code  # raw code is edited in the editor, never from a text box
    return python_string(str(value))


def is_integer_slider(control: Control) -> bool:
    """A slider whose every position is a whole number."""
    values = (control.min, control.max, control.step)
    return all(v is not None and float(v).is_integer() for v in values)


def write_line(line: str, control: Control, value) -> str:
    """`line` with only its value replaced; the `# @param …` comment stays byte for byte."""
    parts = split_param_line(line)
    if not isinstance(parts, ParamLine):
        raise ValueError("not a # @param line")
    return line[: parts.value_start] + literal(control, value) + line[parts.value_end :]


def write_source(source: str, control: Control, value) -> str:
    """The cell source with `control`'s line rewritten to `value`."""
    lines = source.split("\n")
    lines[control.line - 1] = write_line(lines[control.line - 1], control, value)
    return "\n".join(lines)


# --- Building controls ---------------------------------------------------------------------


def _option(item) -> dict:
    if isinstance(item, bool):
        return {"label": "True" if item else "False", "code": "True" if item else "False"}
    if isinstance(item, (int, float)):
        return {"label": _plain(item), "code": _plain(item)}
    if isinstance(item, str):
        return {"label": item, "code": python_string(item)}
    raise SpecError("list options must be strings, numbers or booleans")


def _select(name: str, code: str, line: int, items: list, settings: dict) -> Control:
    if not items:
        raise SpecError("the option list is empty")
    if settings.get("type") == "raw":
        options = [{"label": _text(item), "code": _text(item)} for item in items]
        chosen = next((o for o in options if o["code"] == code), None)
    else:
        options = [_option(item) for item in items]
        value = _literal_value(code)
        chosen = next((o for o in options if _literal_value(o["code"]) == value), None)
    if chosen is None:
        if settings.get("allow-input") is not True:
            raise SpecError(f"{code} is not one of the options")
        label = decode_string(code) if STRING.match(code) else code
        chosen = {"label": label, "code": code}
        options.append(chosen)
    return Control(name, "select", chosen["label"], line, options=options, code=code)


def _literal_value(code: str) -> tuple:
    """A comparable form of a literal: a string, a number, a boolean or other code."""
    if STRING.match(code):
        return ("s", decode_string(code))
    if NUMBER.match(code):
        return ("n", float(_number(code)))
    if code in ("True", "False"):
        return ("b", code == "True")
    return ("c", code)


def _text(item) -> str:
    if isinstance(item, bool):
        return "True" if item else "False"
    if isinstance(item, (int, float)):
        return _plain(item)
    return str(item)


def _bound(settings: dict, key: str) -> float | None:
    value = settings.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(f"{key} must be a number")
    return value


def _numeric(name: str, kind: str, code: str, line: int, settings: dict) -> Control:
    low, high, step = _bound(settings, "min"), _bound(settings, "max"), _bound(settings, "step")
    if kind == "slider":
        if low is None or high is None:
            raise SpecError("a slider needs min and max")
        step = 1 if step is None else step
    if step is not None and step <= 0:
        raise SpecError("step must be greater than 0")
    if low is not None and high is not None and low > high:
        raise SpecError(f"min {_plain(low)} is greater than max {_plain(high)}")
    pattern = INTEGER if kind == "integer" else NUMBER
    if not pattern.match(code):
        raise SpecError(f"{code} is not {'an integer' if kind == 'integer' else 'a number'}")
    value = _number(code)
    if low is not None and value < low:
        raise SpecError(f"{code} is below the minimum {_plain(low)}")
    if high is not None and value > high:
        raise SpecError(f"{code} is above the maximum {_plain(high)}")
    return Control(name, kind, value, line, low, high, step, code=code)


def build_control(name: str, code: str, line: int, spec: str) -> Control:
    """The control for one @param line, or SpecError saying what is wrong with it."""
    options, settings = read_spec(spec)
    kind = settings.get("type", "raw")
    if not isinstance(kind, str):
        raise SpecError('type must be a string such as "slider"')
    if kind not in TYPES:
        raise SpecError(f'unknown type "{kind}" (known: {", ".join(TYPES)})')
    if options is not None:
        return _select(name, code, line, options, settings)
    if kind in NUMERIC:
        return _numeric(name, kind, code, line, settings)
    if kind == "boolean":
        if code not in ("True", "False"):
            raise SpecError(f"{code} is not True or False")
        return Control(name, kind, code == "True", line, code=code)
    if kind in ("string", "date"):
        return Control(name, "string", decode_string(code), line, code=code)
    return Control(name, "raw", code, line, code=code)


def parse_form(source: str) -> Form:
    """Every `# @param`, `# @title` and `# @markdown` line of a cell's source."""
    form = Form()
    for number, line in enumerate(source.split("\n"), start=1):
        title = TITLE.match(line)
        if title:
            form.title = re.sub(r"[ \t]*\{.*\}[ \t]*$", "", title["text"]).strip()
            continue
        note = MARKDOWN.match(line)
        if note:
            form.markdown.append(note["text"].rstrip())
            continue
        parts = split_param_line(line)
        if parts is None:
            continue
        if isinstance(parts, str):
            form.errors.append(ParamError(number, parts))
            continue
        code = line[parts.value_start : parts.value_end]
        try:
            form.controls.append(build_control(parts.name, code, number, parts.spec))
        except SpecError as exc:
            form.errors.append(ParamError(number, f"{parts.name}: {exc}"))
    return form
