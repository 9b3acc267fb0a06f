"""Help a beginner can read for an `error` answer (SPEC section 10, "Help when stuck").

`help_for()` turns one checked error output (learn/sandbox.py, with the shape debugger's
`debug` findings) into `{"kind", "title", "text", …}`: the exception named in words, the
failing line, what to do, and for some kinds extra fields (`run_cells` and `run_label` for a
name an earlier cell makes, `shapes` for NumPy shape mismatches). `with_help()` wraps a run's
events and adds `help` to its result; any view that runs learner code can use either.
"""

import re
from collections.abc import Iterator

from .content import Cell, library
from .definitions import defined_names

NAME_ERROR = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
OUT_OF_BOUNDS = re.compile(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)")
TOO_MANY = re.compile(r"array is (\d+)-dimensional, but (\d+) were indexed")
NOT_CALLABLE = re.compile(r"'([\w.]+)' object is not callable")
NOT_SUBSCRIPTABLE = re.compile(r"'(function|builtin_function_or_method|method)' object is not")
OUT_OF_RANGE_INT = re.compile(r"Python integer (-?\d+) out of bounds for (\w+)")
CAST = re.compile(r"Cannot cast ufunc '(\w+)' output from dtype\('(\w+)'\) to dtype\('(\w+)'\)")
# At most 9 digits: a kernel's frames are the learner's to forge, and int() refuses 4300+.
TRACEBACK_LINE = re.compile(r'\s*File "<(cell [^>]*)>", line (\d{1,9})(?!\d)')
SHAPE_WORDS = (
    "matmul",
    "not aligned",
    "could not be broadcast",
    "cannot reshape",
    "concatenation axis",
    "must have same number of dimensions",
    "must have the same shape",
)
ELEMENTWISE = {"+", "-", "*", "/", "//", "%", "**", "add", "subtract", "multiply", "divide"}
IMPORTS = {"np": "import numpy as np", "plt": "import matplotlib.pyplot as plt"}

GENERAL = {
    "KeyError": "The dictionary has no such key. Print its keys with `print(d.keys())` and "
    "check the spelling.",
    "AttributeError": "The object has no attribute of that name. Check the spelling, and "
    "check with `type(x)` that the variable holds what you think.",
    "ModuleNotFoundError": "That module is not installed here: lesson cells have NumPy and "
    "matplotlib (and Python's standard library).",
    "ImportError": "That name cannot be imported. Check its spelling and the module it comes from.",
    "RecursionError": "A function kept calling itself without stopping. Check that it has a "
    "case that returns without calling itself again.",
    "KeyboardInterrupt": "The cell was interrupted before it finished.",
    "MemoryError": "The cell asked for more memory than a kernel may use. Use smaller arrays.",
    "AssertionError": "An `assert` found that something you expected is not true.",
    "TypeError": "A value of the wrong type was used. Print `type(x)` of the values on the "
    "highlighted line to see which one is not what you expected.",
    "ValueError": "A function got a value it cannot use. Read the last line of the "
    "traceback: it says which value and why.",
    "UnboundLocalError": "Inside a function, the name is assigned somewhere, so Python treats "
    "it as the function's own, and here it is used before that assignment. Pass the value in "
    "as an argument, or give the local variable another name.",
}


def help_for(
    error: dict,
    *,
    track: str,
    part: str,
    cell_id: str,
    kernel_state: str = "ready",
    fresh: bool = False,
) -> dict | None:
    """Help for one error output of a cell (or exercise) `cell_id` of a part. `fresh` says the
    kernel had just started (first run, after a restart or a loss). None for outputs that are
    not errors."""
    if not isinstance(error, dict) or error.get("output_type") != "error":
        return None
    debug = error.get("debug") or {}
    ename, evalue = str(error.get("ename", "Error")), str(error.get("evalue", ""))
    context = _Context(track, part, cell_id, fresh or kernel_state in ("lost", "restarted"))
    help_ = (
        _syntax(ename, evalue, debug)
        or _name(ename, evalue, debug, context)
        or _shape(ename, evalue, debug)
        or _index(ename, evalue, debug)
        or _types(ename, evalue, debug)
        or _numbers(ename, evalue, debug)
        or _general(ename, evalue)
    )
    line = _line(error, debug)
    if line:
        help_["line"] = line
    return help_


def with_help(events: Iterator[dict], *, track: str, part: str, cell_id: str) -> Iterator[dict]:
    """Pass a run's events on; take the debugger's findings off its error output and add
    `help` to an `error` result."""
    last_error = None
    for event in events:
        if event.get("t") == "output" and event["output"].get("output_type") == "error":
            last_error = dict(event["output"])
            event["output"].pop("debug", None)
        if event.get("t") == "result" and event.get("status") == "error":
            kernel = event.get("kernel") or {}
            event["help"] = (
                help_for(
                    last_error,
                    track=track,
                    part=part,
                    cell_id=cell_id,
                    kernel_state=kernel.get("state", "ready"),
                    fresh=event.get("execution_count") == 1,
                )
                if last_error
                else kernel_help(event, track=track, part=part)
            )
        yield event


def kernel_help(result: dict, *, track: str, part: str) -> dict:
    """Help for an error answer without an error output: the runner was unavailable, or the
    kernel stopped (and which cells to run again, when the runner said)."""
    state = (result.get("kernel") or {}).get("state", "")
    message = str(result.get("message") or "The cell did not run. Try again.")
    if state == "unavailable":
        title = "The code runner is not available"
    elif state in ("lost", "restarted"):
        title = "The kernel stopped, and its variables are gone"
    else:
        title = "The cell did not finish"
    help_ = {"kind": "kernel", "title": title, "text": message}
    found = library().part(track, part)
    cells = found.cell_map if found else {}
    rerun = [cells[i] for i in result.get("rerun") or [] if i in cells]
    if rerun:
        rerun.sort(key=lambda cell: cell.number)
        help_.update(run_cells=[cell.id for cell in rerun], run_label=_run_label(rerun))
    return help_


# -- where the learner is ----------------------------------------------------------------------
class _Context:
    def __init__(self, track: str, part: str, cell_id: str, fresh: bool):
        self.fresh = fresh
        found = library().part(track, part)
        self.cells: list[Cell] = list(found.cells) if found else []
        self.position = self._position(found, cell_id)

    def _position(self, part, cell_id: str) -> int:
        """How many of the part's cells come before this cell or exercise."""
        if part is None:
            return 0
        count = 0
        for block in list(part.intro) + [b for s in part.sections for b in s.blocks]:
            if getattr(block, "id", None) == cell_id:
                return count
            count += isinstance(block, Cell)
        return len(self.cells)  # a scratch cell: every lesson cell counts as above it

    @property
    def above(self) -> list[Cell]:
        return self.cells[: self.position]

    def definer(self, name: str, cells: list[Cell]) -> Cell | None:
        for cell in reversed(cells):
            if name in defined_names(cell.source):
                return cell
        return None


def _run_label(cells: list[Cell]) -> str:
    first, last = cells[0].number, cells[-1].number
    if first == last:
        return f"Run cell {first:03d}"
    return f"Run cells {first:03d}–{last:03d}"


# -- the kinds ---------------------------------------------------------------------------------
def _syntax(ename: str, evalue: str, debug: dict) -> dict | None:
    if ename not in ("SyntaxError", "IndentationError", "TabError"):
        return None
    message = evalue.split(" (<cell", 1)[0].strip()
    number = debug.get("lineno")
    where = f"line {number}" if number else "one line"
    if ename != "SyntaxError" or "indent" in message:
        text = (
            "Python uses indentation (the spaces at the start of a line) to see which lines "
            "belong together. Lines of one block start at the same column; the lines after a "
            "line ending in `:` are indented one step more (4 spaces)."
        )
    elif "expected ':'" in message:
        text = "A line that starts a block (`if`, `for`, `while`, `def`, `class`) ends with `:`."
    elif "never closed" in message or "unmatched" in message or "does not match" in message:
        text = "Brackets come in pairs: every `(`, `[` and `{` needs its closing partner."
    elif "unterminated string" in message:
        text = "A string needs a closing quote, the same kind it started with."
    elif "Perhaps you forgot a comma" in message:
        text = "Between the items of a list, a call's arguments or a tuple goes a comma."
    elif "'=' " in message or "cannot assign" in message or "Maybe you meant '=='" in message:
        text = "`=` stores a value in a name; to compare two values use `==`."
    else:
        text = "Look at the spot the caret `^` points to, and just before it."
    return {
        "kind": "syntax",
        "title": f"Python could not read {where} of your code",
        "text": f"The cell did not run at all: {message}. {text}",
    }


def _name(ename: str, evalue: str, debug: dict, context: _Context) -> dict | None:
    match = NAME_ERROR.search(evalue)
    if ename != "NameError" or not match:
        return None
    name = match.group(1)
    title = f"Python doesn't know the name `{name}`"
    fresh = (
        "Your kernel is fresh (it has just started, or was restarted): the variables of "
        "earlier runs are gone. "
        if context.fresh
        else ""
    )
    definer = context.definer(name, context.above)
    if definer is not None:
        cells = context.cells[: context.cells.index(definer) + 1]
        to_run = (
            f"Run {definer.label}"
            if len(cells) == 1
            else f"Run the cells from {cells[0].label} to {definer.label}"
        )
        return {
            "kind": "name-earlier-cell",
            "title": title,
            "text": f"{fresh}`{name}` is made in {definer.label}, above. A name exists in the "
            f"kernel only once the cell that makes it has run. {to_run}, then run this cell "
            "again.",
            "cells": [definer.label],
            "run_cells": [cell.id for cell in cells],
            "run_label": _run_label(cells),
        }
    if context.fresh and context.above:
        return {
            "kind": "name-fresh-kernel",
            "title": title,
            "text": f"{fresh}Run the cells above this one again, then this cell.",
            "run_cells": [cell.id for cell in context.above],
            "run_label": _run_label(context.above),
        }
    later = context.definer(name, context.cells[context.position + 1 :])
    if later is not None:
        return {
            "kind": "name-later-cell",
            "title": title,
            "text": f"{fresh}`{name}` is made in {later.label}, further down the page. Cells "
            "share one kernel, so run that cell first if you want to use it here.",
            "cells": [later.label],
        }
    similar = [s for s in debug.get("similar", []) if s != name]
    if similar:
        options = " or ".join(f"`{s}`" for s in similar)
        return {
            "kind": "name-typo",
            "title": title,
            "text": f"Did you mean {options}? Names must be spelled exactly, with the same "
            "capital letters.",
        }
    if name in IMPORTS:
        return {
            "kind": "name-import",
            "title": title,
            "text": f"`{name}` is a module's short name: import it first with `{IMPORTS[name]}`.",
        }
    return {
        "kind": "name",
        "title": title,
        "text": f"{fresh}Nothing has stored a value in `{name}` yet. Assign it first "
        f"(`{name} = …`), or check the spelling.",
    }


def _dims(shape: list[int] | None) -> str:
    if shape is None:
        return "(?)"
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(size) for size in shape) + ")"


def _shape(ename: str, evalue: str, debug: dict) -> dict | None:
    if ename != "ValueError" or not any(words in evalue for words in SHAPE_WORDS):
        return None
    findings = [f for f in debug.get("shapes", []) if f.get("operands")]
    finding = findings[0] if findings else None
    if finding is None:
        return {
            "kind": "shape",
            "title": "The shapes of your arrays don't fit together",
            "text": "Print the `.shape` of each array on the highlighted line and compare them "
            "with what the operation needs.",
        }
    op = finding.get("op", "")
    if op in ("@", "dot", "matmul", "inner", "vdot"):
        text, highlight = _matmul_rule(finding)
    elif op == "reshape":
        text, highlight = _reshape_rule(finding), {}
    elif op in ("concatenate", "stack", "vstack", "hstack", "column_stack", "dstack"):
        text, highlight = _join_rule(finding), {}
    elif op.rstrip("=") in ELEMENTWISE:
        text, highlight = _broadcast_rule(finding)
    else:
        text, highlight = "Compare the shapes of the arrays on the highlighted line.", {}
    shapes = [
        {
            key: finding[key]
            for key in ("expr", "op", "left", "right", "operands", "axis")
            if key in finding
        }
        | {"highlight": highlight}
    ]
    return {
        "kind": "shape",
        "title": "The shapes of your arrays don't fit together",
        "text": text,
        "shapes": shapes,
    }


def _names(finding: dict) -> tuple[str, str]:
    operands = finding["operands"] + [{"expr": "?"}, {"expr": "?"}]
    return operands[0]["expr"], operands[1]["expr"]


def _matmul_rule(finding: dict) -> tuple[str, dict]:
    left, right = finding.get("left"), finding.get("right")
    a, b = _names(finding)
    if not left or not right:
        return "`@` multiplies arrays of at least one axis each.", {}
    right_axis = len(right) - 2 if len(right) >= 2 else 0
    inner_left, inner_right = left[-1], right[right_axis]
    symbol = "@" if finding["op"] == "@" else f"np.{finding['op']}"
    text = (
        f"`{symbol}` needs the inner sizes to match: {_dims(left)} @ {_dims(right)}: the last "
        f"size of `{a}` ({inner_left}) must equal the "
        f"{'first' if len(right) == 1 else 'second to last'} size of `{b}` ({inner_right})."
    )
    ideas = []
    if len(left) == 2 and left[0] == inner_right:
        ideas.append(f"`{a}.T @ {b}`")
    if len(right) == 2 and right[1] == inner_left:
        ideas.append(f"`{a} @ {b}.T`")
    if len(right) == 1:
        ideas.insert(0, f"`{a} @ {b}` with `{b}` of length {inner_left}")
    if ideas:
        text += " Did you mean " + ", or ".join(ideas) + "?"
    return text, {"left": [len(left) - 1], "right": [right_axis]}


def _broadcast_rule(finding: dict) -> tuple[str, dict]:
    left, right = finding.get("left"), finding.get("right")
    op = finding.get("op", "").rstrip("=")
    a, b = _names(finding)
    base = (
        f"Element-wise `{op}` pairs the sizes of both shapes from the right; each pair must be "
        "equal, or one of them 1 (that one is stretched)."
    )
    if not left or not right:
        return base, {}
    for step in range(1, min(len(left), len(right)) + 1):
        x, y = left[-step], right[-step]
        if x != y and 1 not in (x, y):
            text = (
                f"{base} {_dims(left)} {op} {_dims(right)}: `{a}` has {x} where `{b}` has {y}. "
                "Check that both arrays describe the same things (the same number of inputs "
                "or of examples)."
            )
            return text, {"left": [len(left) - step], "right": [len(right) - step]}
    return base, {}


def _reshape_rule(finding: dict) -> str:
    left, right = finding.get("left"), finding.get("right")
    (a, _b) = _names(finding)
    text = "`reshape` keeps every number, so the new shape must hold exactly as many."
    if left is not None and right is not None and -1 not in right:
        have, want = _product(left), _product(right)
        text += (
            f" `{a}` has shape {_dims(left)}, so {have} numbers; shape {_dims(right)} holds {want}."
        )
    return text


def _join_rule(finding: dict) -> str:
    name = finding.get("op", "concatenate")
    shapes = ", ".join(f"`{o['expr']}` {_dims(o.get('shape'))}" for o in finding["operands"])
    if name == "stack":
        rule = "`np.stack` puts arrays on top of each other along a new axis, so they need "
        rule += "exactly the same shape."
    else:
        axis = finding.get("axis", 0 if name != "hstack" else 1)
        rule = (
            f"`np.{name}` joins arrays along axis {axis}: they need the same number of "
            "dimensions and the same sizes on every other axis."
        )
    return f"{rule} Here: {shapes}."


def _product(shape: list[int]) -> int:
    total = 1
    for size in shape:
        total *= size
    return total


def _index(ename: str, evalue: str, debug: dict) -> dict | None:
    if ename != "IndexError":
        return None
    operand = next(iter(_operands(debug)), None)
    what = f"`{operand['expr']}`" if operand else "The array"
    if match := OUT_OF_BOUNDS.search(evalue):
        index, axis, size = (int(g) for g in match.groups())
        text = (
            f"{what} has {size} entries along axis {axis}, so the valid indexes there are 0 to "
            f"{size - 1} (or -{size} to -1 from the end); you asked for {index}. Python counts "
            "from 0, so the last entry is at size − 1."
        )
        if operand and operand.get("shape") is not None:
            text += f" Its shape is {_dims(operand['shape'])}."
        return {
            "kind": "index",
            "title": f"Index {index} is past the end of axis {axis}",
            "text": text,
        }
    if match := TOO_MANY.search(evalue):
        dims, given = match.groups()
        return {
            "kind": "index",
            "title": "Too many indexes for this array",
            "text": f"{what} has {dims} axis(es) but you gave {given} indexes. Check its "
            "`.shape`: a vector needs one index, a grid two.",
        }
    if "list index out of range" in evalue or "tuple index out of range" in evalue:
        return {
            "kind": "index",
            "title": "Index past the end of a list",
            "text": f"{what} is shorter than the index you used. A list of length n has "
            "indexes 0 to n − 1; print `len(…)` to check.",
        }
    return None


def _operands(debug: dict) -> list[dict]:
    return [o for f in debug.get("shapes", []) for o in f.get("operands", [])]


def _types(ename: str, evalue: str, debug: dict) -> dict | None:
    if match := CAST.search(evalue):  # NumPy's own TypeError subclass
        return _cast(match, debug)
    if ename != "TypeError":
        return None
    callee = (debug.get("callee") or {}).get("expr") or "it"
    if (match := NOT_CALLABLE.search(evalue)) and "ndarray" in match.group(1):
        return {
            "kind": "call-array",
            "title": "An array was called like a function",
            "text": f"`{callee}` is an array, and `{callee}(…)` calls it. To pick entries use "
            f"square brackets: `{callee}[…]`. If `{callee}` used to be a function, an "
            "assignment replaced it with an array (e.g. `sum = x.sum()`): use another name for "
            "the variable, then run the cell that defines the function again.",
        }
    if NOT_SUBSCRIPTABLE.search(evalue):
        operand = next(iter(_operands(debug)), {"expr": "it"})
        name = operand["expr"]
        return {
            "kind": "index-function",
            "title": "A function was indexed with [ ]",
            "text": f"`{name}` is a function: call it first with ( ), then index what it "
            f"returns: `{name}(…)[…]`.",
        }
    return None


def _cast(match: re.Match, debug: dict) -> dict:
    ufunc, made, into = match.groups()
    operand = next(iter(_operands(debug)), {"expr": "the array"})
    return {
        "kind": "dtype",
        "title": f"The result is {made} but the array holds {into}",
        "text": f"`{operand['expr']}` holds {into} numbers, and an in-place `{ufunc}` "
        f"(like `/=`) would have to store {made} results in it. Make a new array instead: "
        f"`{operand['expr']} = {operand['expr']} / 255` or "
        f"`{operand['expr']}.astype(float)`.",
    }


def _numbers(ename: str, evalue: str, debug: dict) -> dict | None:
    if ename == "ZeroDivisionError":
        return {
            "kind": "zero-division",
            "title": "Division by zero",
            "text": "The number you divided by is 0. Print the divisor (often a count or a "
            "length) to see why. NumPy arrays do not stop here: they give `inf` or `nan` with "
            "a warning.",
        }
    if match := OUT_OF_RANGE_INT.search(evalue):
        number, dtype = match.groups()
        limits = " (0 to 255)" if dtype == "uint8" else ""
        return {
            "kind": "dtype",
            "title": f"{number} does not fit in {dtype}",
            "text": f"The array holds {dtype} numbers{limits}, which cannot store {number}; "
            "pixel arrays are often uint8. Convert before you scale: `x.astype(float) / 255` "
            "or `x.astype(np.int32)`. (Sums and products that run past 255 wrap around "
            "silently in uint8.)",
        }
    return None


def _general(ename: str, evalue: str) -> dict:
    return {
        "kind": "general",
        "title": f"Python stopped with a {ename}",
        "text": GENERAL.get(
            ename,
            "Read the last line of the traceback below: it names what went wrong. The "
            "highlighted line is where it happened.",
        ),
    }


def _line(error: dict, debug: dict) -> dict | None:
    """The learner's failing line: its number, text and (when known) the failing columns."""
    number, text = debug.get("lineno"), debug.get("line")
    cell = debug.get("filename", "").strip("<>")
    if not text:
        frames = [TRACEBACK_LINE.match(line) for line in error.get("traceback", [])]
        frames = [(i, m) for i, m in enumerate(frames) if m]
        if not frames:
            return None
        index, match = frames[-1]
        cell, number = match.group(1), int(match.group(2))
        following = error["traceback"][index + 1 : index + 2]
        text = following[0].strip() if following else ""
        if not text:
            return None
    line = {"cell": cell, "number": number, "text": text}
    col, end = debug.get("col"), debug.get("end_col")
    if isinstance(col, int) and col <= len(text):
        line["start"] = col
        line["end"] = end if isinstance(end, int) and col <= end <= len(text) else len(text)
    return line
