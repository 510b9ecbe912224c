"""Small helpers over the standard `ast` tree, shared by the built-in checkers and offered to plugins (see api.py)."""

from __future__ import annotations

import ast
from typing import Sequence

from mlrepolint.patterns import fnmatch_any


#: A dotted name longer than this is no name anyone calls (a generated or hostile chain): dotted_name gives None.
MAX_NAME_CHARS = 1000


def dotted_name(node: ast.AST) -> str | None:
    """`pd.read_csv` for `pd.read_csv`, `Pipeline().fit` for `Pipeline(...).fit`; None when not a name chain (or
    longer than MAX_NAME_CHARS).

    Iterative, and linear in the chain's length: a file may hold a chain thousands of links deep."""
    links: list[ast.AST] = []
    while True:
        if isinstance(node, ast.Attribute):
            links.append(node)
            node = node.value
        elif isinstance(node, ast.Call):
            links.append(node)
            node = node.func
        elif isinstance(node, ast.Subscript):
            links.append(node)
            node = node.value
        else:
            break
    parts: list[str] | None = [node.id] if isinstance(node, ast.Name) else None
    size = len(parts[0]) if parts else 0
    for link in reversed(links):  # from the innermost link outwards
        if isinstance(link, ast.Attribute):
            if parts is None:
                parts, size = ["?"], 1
            parts.append("." + link.attr)
            size += len(link.attr) + 1
        elif parts is not None:
            parts.append("()" if isinstance(link, ast.Call) else "[]")
            size += 2
        if size > MAX_NAME_CHARS:
            return None
    return "".join(parts) if parts is not None else None


def matches(name: str | None, patterns: Sequence[str]) -> bool:
    """True when the dotted call name matches one of the glob patterns (`*.read_*`, `torch.load`)."""
    return name is not None and fnmatch_any(tuple(patterns))(name)


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed to `call` as keyword `name`, or None when it is not passed by keyword."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def is_main_guard(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":`, in either operand order."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    has_name = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    has_main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    return has_name and has_main


def has_docstring(node: ast.AST) -> bool:
    """True when the module's, class's or function's body starts with a non-blank string literal."""
    body = getattr(node, "body", None)
    if not body:
        return False
    first = body[0]
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and bool(first.value.value.strip())
    )
