"""The built-in error explainer: a learner's last error, in words, with their kernel's shapes.

When the run answer carried the site's own error help (`help`: title and text, from the error
card), that is used first; otherwise a short explanation per kind of error.
"""

import re

from learn.content import Part

NAME = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
SHAPE_WORDS = ("shape", "broadcast", "matmul", "aligned", "dimension", "reshape", "concatenat")


def defining_cell(part: Part, name: str) -> str | None:
    """The label of the first cell of the part that defines `name`, if any."""
    pattern = re.compile(
        rf"^\s*(?:def|class)\s+{re.escape(name)}\b|^\s*(?:[\w, ]*,\s*)?{re.escape(name)}"
        rf"\s*(?:,[\w, ]*)?=(?!=)|^\s*(?:from\s+\S+\s+)?import\s+.*\b{re.escape(name)}\b",
        re.MULTILINE,
    )
    for cell in part.cells:
        if pattern.search(cell.source):
            return cell.label
    return None


def _kind_text(error: dict, part: Part) -> str:
    ename, evalue = error.get("ename", ""), error.get("evalue", "")
    if ename == "NameError":
        match = NAME.search(evalue)
        name = match.group(1) if match else "that name"
        where = defining_cell(part, name) if match else None
        if where:
            return (
                f"Python doesn't know the name `{name}` yet. It is defined in {where} of this "
                f"part: run the cells above yours (from the setup cell down to {where}) first, "
                "then run yours again. A restarted kernel forgets every name."
            )
        return (
            f"Python doesn't know the name `{name}`. Check the spelling, and run the cell that "
            "defines it first: a restarted kernel forgets every name."
        )
    lowered = evalue.lower()
    if ename == "ValueError" and any(word in lowered for word in SHAPE_WORDS):
        return (
            "The shapes of two arrays do not fit together. For `A @ B` the last size of `A` must "
            "equal the first size of `B`; element-wise operations need equal sizes (or a size "
            "of 1) in every position, counted from the right. Print `.shape` of each operand on "
            "the failing line; a `.T` or a `.reshape(...)` is often the fix."
        )
    if ename == "IndexError":
        return (
            "An index is past the end of the array: a dimension of size n has indices 0 to "
            "n − 1. Print the array's `.shape` and the index you used."
        )
    if ename == "TypeError" and "not callable" in lowered:
        return (
            "Something that is not a function was called with `( )`. Use square brackets to "
            "index an array (`x[0]`), and check you did not overwrite a function's name with a "
            "value."
        )
    if ename == "TypeError" and "not subscriptable" in lowered:
        return (
            "Square brackets were used on something that is not a sequence, often a function: "
            "call it with `( )` first, then index its result."
        )
    if ename in ("SyntaxError", "IndentationError"):
        return (
            "Python could not read the cell: look at the line the caret `^` points to and the "
            "line before it for a missing bracket, colon or quote, or indentation that does not "
            "line up."
        )
    if ename == "ZeroDivisionError":
        return "A division by zero: check the denominator (an empty list has length 0)."
    if ename == "AttributeError":
        return (
            "The object has no attribute of that name: check the spelling, and what type the "
            "object really is (`type(x)`)."
        )
    if ename == "KeyboardInterrupt":
        return "The cell was interrupted (by you, or because it ran too long)."
    return (
        "Read the last line of the traceback first: it names the problem; the line above it "
        "shows where."
    )


def explain_error(error: dict, part: Part) -> str:
    """Markdown: the error named, then what to do about it."""
    cell = error.get("cell", "")
    label = part.cell_map[cell].label if cell in part.cell_map else "your cell"
    headline = f"**Your last error** ({label}): `{error.get('ename', '')}: "
    headline += f"{error.get('evalue', '')[:200]}`".replace("\n", " ")
    help_ = error.get("help") or {}
    if isinstance(help_, dict) and isinstance(help_.get("text"), str) and help_["text"]:
        title = str(help_.get("title") or "")
        body = (f"{title}. " if title else "") + help_["text"]
        shapes = help_.get("shapes")
        if isinstance(shapes, list):
            for item in shapes[:4]:
                if isinstance(item, dict):
                    body += (
                        f"\n\n`{item.get('expr', '')}`: left {tuple(item.get('left') or ())}, "
                        f"right {tuple(item.get('right') or ())}"
                    )
        return f"{headline}\n\n{body}"
    return f"{headline}\n\n{_kind_text(error, part)}"


def describe_variable(item: dict) -> str:
    """`X`: array (60, 9) float64 — one variable of the learner's kernel, in words."""
    name = f"`{item['name']}`"
    if "shape" in item:
        return f"{name}: array {tuple(item['shape'])} {item.get('dtype', '')}".rstrip()
    if "value" in item:
        return f"{name} = {item['value']} ({item['type']})"
    if "len" in item:
        return f"{name}: {item['type']} of length {item['len']}"
    return f"{name}: {item['type']}"
