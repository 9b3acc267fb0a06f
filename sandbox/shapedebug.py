"""The shape debugger: what the kernel can say about a failing line without running anything.

Runs inside the kernel, on the error path only. It looks at the learner's own innermost frame
(filename `<cell …>`), finds the expression that failed (Python 3.11's positions), parses it with
`ast` and works out the shape and dtype of each operand. It evaluates nothing but names,
attributes that cannot run code (a module's or an instance's own dict entry, `.T` of an array)
and basic subscripts of arrays; results of `+ - * / @` are inferred from the operands' shapes,
never computed. What it returns holds source text, shapes, dtypes, type names and names of the
learner's variables, never a value.
"""

import ast
import builtins
import difflib
import inspect
import linecache
import types

import numpy as np

EXPR_CHARS = 160
MAX_OPERANDS = 8
MAX_FINDINGS = 4
ANALYSED = (ValueError, TypeError, IndexError, OverflowError, ArithmeticError)

OPERATORS = {
    ast.MatMult: "@",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
PAIR_FUNCTIONS = {"dot", "matmul", "inner", "vdot", "add", "subtract", "multiply", "divide"}
JOIN_FUNCTIONS = {"concatenate", "stack", "vstack", "hstack", "column_stack", "dstack"}
SAFE_ARRAY_ATTRIBUTES = {"T", "mT"}


class _UnknownError(Exception):
    """An expression the debugger will not (or cannot) evaluate safely."""


def describe(exc: BaseException) -> dict | None:
    """What the learner's failing line was doing, as names, shapes and dtypes; None if the
    error did not happen in the learner's code."""
    if isinstance(exc, SyntaxError):
        return _syntax(exc)
    tb = _learner_traceback(exc)
    if tb is None:
        return None
    filename = tb.tb_frame.f_code.co_filename[:80]
    debug: dict = {"filename": filename, "lineno": tb.tb_lineno}
    position = _position(tb)
    if position is not None:
        debug.update(lineno=position[0], col=position[2], end_col=position[3])
        if position[1] != position[0]:
            debug["end_col"] = None
    debug["line"] = linecache.getline(filename, debug["lineno"]).rstrip("\n")[:500]
    scope = _Scope(tb.tb_frame)
    if isinstance(exc, NameError) and not isinstance(exc, UnboundLocalError):
        name = getattr(exc, "name", None)
        if isinstance(name, str):
            debug["similar"] = scope.similar(name)
        return debug
    if not isinstance(exc, ANALYSED):
        return debug
    node = _failing_node(tb, position)
    if node is None:
        return debug
    findings = _findings(node, scope)
    if findings:
        debug["shapes"] = findings[:MAX_FINDINGS]
    if isinstance(node, ast.Call) and isinstance(exc, TypeError):
        debug["callee"] = scope.operand(node.func)
    return debug


# -- where it failed ----------------------------------------------------------------------------
def _learner_traceback(exc: BaseException):
    found, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell "):
            found = tb
        tb = tb.tb_next
    return found


def _position(tb) -> tuple[int, int, int, int] | None:
    try:
        positions = list(tb.tb_frame.f_code.co_positions())
        lineno, end_lineno, col, end_col = positions[tb.tb_lasti // 2]
    except (IndexError, ValueError, TypeError):
        return None
    if None in (lineno, end_lineno, col, end_col):
        return None
    return lineno, end_lineno, col, end_col


def _source(filename: str) -> str:
    return "".join(linecache.getlines(filename))


def _failing_node(tb, position) -> ast.AST | None:
    source = _source(tb.tb_frame.f_code.co_filename)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    interesting = (ast.BinOp, ast.AugAssign, ast.Call, ast.Subscript)
    on_line = []
    for node in ast.walk(tree):
        if not isinstance(node, interesting):
            continue
        span = (node.lineno, node.end_lineno, node.col_offset, node.end_col_offset)
        if position is not None and span == position:
            return node
        if node.lineno == tb.tb_lineno:
            on_line.append(node)
    # No exact match (e.g. an error raised by an augmented assignment's store): the innermost
    # interesting expression on the line.
    on_line.sort(key=lambda n: (n.end_col_offset or 0) - n.col_offset)
    return on_line[0] if on_line else None


# -- the operands ------------------------------------------------------------------------------
def _text(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):
        text = "…"
    return text if len(text) <= EXPR_CHARS else text[: EXPR_CHARS - 1] + "…"


def _findings(node: ast.AST, scope: "_Scope") -> list[dict]:
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return [_pair(node, OPERATORS[type(node.op)], node.left, node.right, scope)]
    if isinstance(node, ast.AugAssign) and type(node.op) in OPERATORS:
        return [_pair(node, OPERATORS[type(node.op)] + "=", node.target, node.value, scope)]
    if isinstance(node, ast.Subscript):
        return [{"expr": _text(node), "op": "[]", "operands": [scope.operand(node.value)]}]
    if not isinstance(node, ast.Call):
        return []
    name = _function_name(node.func)
    if name in PAIR_FUNCTIONS and len(node.args) >= 2:
        return [_pair(node, name, node.args[0], node.args[1], scope)]
    if name in JOIN_FUNCTIONS and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
        return [_join(node, name, node.args[0].elts, scope)]
    if name == "reshape":
        return _reshape(node, scope)
    return []


def _function_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _pair(node, op: str, left: ast.AST, right: ast.AST, scope: "_Scope") -> dict:
    operands = [scope.operand(left), scope.operand(right)]
    return {
        "expr": _text(node),
        "op": op,
        "left": operands[0]["shape"],
        "right": operands[1]["shape"],
        "operands": operands,
    }


def _join(node, name: str, items: list, scope: "_Scope") -> dict:
    operands = [scope.operand(item) for item in items[:MAX_OPERANDS]]
    finding = {"expr": _text(node), "op": name, "operands": operands}
    if len(operands) >= 2:
        finding.update(left=operands[0]["shape"], right=operands[1]["shape"])
    for keyword in node.keywords:
        value = keyword.value
        if keyword.arg == "axis" and isinstance(value, ast.Constant) and type(value.value) is int:
            finding["axis"] = value.value
    return finding


def _reshape(node: ast.Call, scope: "_Scope") -> list[dict]:
    if isinstance(node.func, ast.Attribute) and not _is_module(scope, node.func.value):
        base, target = node.func.value, node.args
    elif len(node.args) >= 2:
        base, target = node.args[0], node.args[1:2]
    else:
        return []
    wanted = scope.sizes(target)
    operand = scope.operand(base)
    return [
        {
            "expr": _text(node),
            "op": "reshape",
            "left": operand["shape"],
            "right": wanted,
            "operands": [operand],
        }
    ]


def _is_module(scope: "_Scope", node: ast.AST) -> bool:
    try:
        return issubclass(type(scope.value(node)), types.ModuleType)
    except _UnknownError:
        return False


class _Scope:
    """Safe look-ups in the failing frame."""

    def __init__(self, frame):
        self.locals = frame.f_locals
        self.globals = frame.f_globals

    def similar(self, name: str) -> list[str]:
        known = [n for n in (*self.locals, *self.globals, *vars(builtins)) if isinstance(n, str)]
        known = list(dict.fromkeys(n for n in known if not n.startswith("_")))
        return difflib.get_close_matches(name, known, n=3, cutoff=0.75)

    def value(self, node: ast.AST):
        if isinstance(node, ast.Name):
            for space in (self.locals, self.globals, vars(builtins)):
                if type(space) is dict and node.id in space:
                    return space[node.id]
            raise _UnknownError
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.Attribute):
            return _attribute(self.value(node.value), node.attr)
        if isinstance(node, ast.Subscript):
            return _subscript(self.value(node.value), self.index(node.slice))
        raise _UnknownError

    def index(self, node: ast.AST):
        if isinstance(node, ast.Tuple):
            return tuple(self.index(item) for item in node.elts)
        if isinstance(node, ast.Slice):
            parts = [self.index(p) if p is not None else None for p in (node.lower, node.upper)]
            step = self.index(node.step) if node.step is not None else None
            return slice(parts[0], parts[1], step)
        if isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = self.index(node.operand)
            if type(value) is int:
                return -value
        value = self.value(node)
        if type(value) is int or issubclass(type(value), np.integer):
            return int(value)
        raise _UnknownError

    def shape(self, node: ast.AST) -> tuple[list[int] | None, str]:
        try:
            return _shape_of(self.value(node))
        except _UnknownError:
            pass
        except Exception:  # noqa: BLE001 (a basic subscript that fails: the failing index)
            return None, ""
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            left, left_dtype = self.shape(node.left)
            right, right_dtype = self.shape(node.right)
            return _combine(type(node.op), left, right), left_dtype or right_dtype
        if isinstance(node, ast.Attribute) and node.attr == "T":
            inner, dtype = self.shape(node.value)
            return (inner[::-1] if inner is not None else None), dtype
        return None, ""

    def operand(self, node: ast.AST) -> dict:
        shape, dtype = self.shape(node)
        return {"expr": _text(node), "shape": shape, "dtype": dtype}

    def sizes(self, nodes: list) -> list[int] | None:
        if len(nodes) == 1 and isinstance(nodes[0], ast.Tuple | ast.List):
            nodes = nodes[0].elts
        try:
            sizes = [self.index(node) for node in nodes]
        except _UnknownError:
            return None
        return sizes if all(type(size) is int for size in sizes) else None


def _attribute(base, name: str):
    if name.startswith("__"):
        raise _UnknownError
    if type(base) is np.ndarray and name in SAFE_ARRAY_ATTRIBUTES:
        return getattr(base, name)
    if issubclass(type(base), types.ModuleType):
        namespace = inspect.getattr_static(base, "__dict__", None)
        if type(namespace) is dict and name in namespace:
            return namespace[name]
        raise _UnknownError
    # An instance's own attribute (self.weights), read without running a property.
    slot = inspect.getattr_static(type(base), "__dict__", None)
    if not isinstance(slot, types.GetSetDescriptorType):
        raise _UnknownError
    own = object.__getattribute__(base, "__dict__")
    found = inspect.getattr_static(base, name, _UnknownError)
    if type(own) is dict and name in own and own[name] is found:
        return found
    raise _UnknownError


def _subscript(base, index):
    if type(base) is np.ndarray:
        return base[index]  # basic indexing only (ints, slices): a view, no code runs
    if type(base) in (list, tuple) and type(index) is int:
        return base[index]
    raise _UnknownError


def _shape_of(value) -> tuple[list[int] | None, str]:
    kind = type(value)
    if issubclass(kind, np.ndarray):  # the C getters: a subclass's properties do not run
        shape = np.ndarray.shape.__get__(value)
        return [int(size) for size in shape], str(np.ndarray.dtype.__get__(value))[:40]
    if issubclass(kind, np.generic):
        return [], kind.__name__[:40]
    if type(value) in (bool, int, float, complex):
        return [], type(value).__name__
    if type(value) in (list, tuple):
        shape = []
        while type(value) in (list, tuple) and len(shape) < 32:
            shape.append(len(value))
            value = value[0] if value else None
        return shape, "list"
    return None, kind.__name__[:40]


def _combine(op: type, left: list[int] | None, right: list[int] | None) -> list[int] | None:
    if left is None or right is None:
        return None
    if op is ast.MatMult:
        if not left or not right:
            return None
        a, b = list(left), list(right)
        a_vector, b_vector = len(a) == 1, len(b) == 1
        a, b = ([1, *a] if a_vector else a), ([*b, 1] if b_vector else b)
        if a[-1] != b[-2]:
            return None
        try:
            batch = list(np.broadcast_shapes(tuple(a[:-2]), tuple(b[:-2])))
        except ValueError:
            return None
        return batch + ([] if a_vector else [a[-2]]) + ([] if b_vector else [b[-1]])
    try:
        return list(np.broadcast_shapes(tuple(left), tuple(right)))
    except ValueError:
        return None


def _syntax(exc: SyntaxError) -> dict:
    debug: dict = {"filename": str(exc.filename or "")[:80]}
    for key, attr in (("lineno", "lineno"), ("col", "offset"), ("end_col", "end_offset")):
        value = getattr(exc, attr, None)
        if type(value) is int:
            debug[key] = value - 1 if key != "lineno" else value
    if isinstance(exc.text, str):
        debug["line"] = exc.text.rstrip("\n")[:500]
    return debug
