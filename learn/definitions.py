"""Which names a cell defines, found by reading its source with `ast` (never running it).

Used by the error help to say which earlier cell of a part makes a name the learner's kernel
does not have. Only top-level bindings count: assignments (plain, annotated, augmented,
unpacking, walrus), `for` and `with` targets, `def`, `class`, imports and `except … as`; names
bound inside a function, class body, lambda or comprehension are not the cell's.
"""

import ast
from collections.abc import Iterator

NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def defined_names(source: str) -> set[str]:
    """Names a cell's source binds at the top level of the kernel; empty if it cannot be parsed."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return set(_bindings(tree))


def _bindings(node: ast.AST) -> Iterator[str]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield child.name  # its body is another scope
            continue
        if isinstance(child, NESTED_SCOPES):
            continue
        yield from _bound_by(child)
        yield from _bindings(child)


def _bound_by(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        yield node.id
    elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
        yield node.target.id
    elif isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name
