"""A Python file parsed once: the text, the tree, and the lines and tokens when a rule asks for them."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath


class ParseFailure(Exception):
    """A file that cannot be decoded or parsed; `line`/`column` are 1-based or None."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class PythonFile:
    """One Python source file: its path relative to the root (POSIX), its text and its parsed tree."""

    path: str
    text: str
    tree: ast.Module

    @cached_property
    def lines(self) -> list[str]:
        """Physical lines, with their line endings."""
        return self.text.splitlines(keepends=True)

    @cached_property
    def tokens(self) -> list[tokenize.TokenInfo]:
        """Tokens of the file (computed only when a rule asks)."""
        return list(tokenize.generate_tokens(io.StringIO(self.text).readline))

    def nodes(self, *types: type[ast.AST]) -> list[ast.AST]:
        """Every node in the file that is an instance of one of `types`, in no particular order.

        Checkers that need, say, every call or every import ask here instead of walking the tree themselves: the
        tree is walked once per file however many checkers ask. Measured on the benchmark tree, one `ast.walk`
        costs about half an `ast.parse`, so a walk per checker would soon cost more than the parse itself.
        """
        index = self._node_index
        return [node for kind, found in index.items() if issubclass(kind, types) for node in found]

    @cached_property
    def _node_index(self) -> dict[type[ast.AST], list[ast.AST]]:
        """Node class -> the nodes of that class, from one iterative walk (faster than `ast.walk`)."""
        # Costs about half a parse per file, so the loop is kept plain: no generator, no setdefault (-20 %).
        index: dict[type[ast.AST], list[ast.AST]] = {}
        stack: list[ast.AST] = [self.tree]
        pop, push, node_class = stack.pop, stack.append, ast.AST
        while stack:
            node = pop()
            found = index.get(type(node))
            if found is None:
                index[type(node)] = [node]
            else:
                found.append(node)
            for name in node._fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, node_class):
                            push(item)
                elif isinstance(value, node_class):
                    push(value)
        return index

    @property
    def name(self) -> str:
        """The file's base name, e.g. `train.py`."""
        return self.path.rsplit("/", 1)[-1]

    @cached_property
    def is_test(self) -> bool:
        """True for test modules (see `is_test_path`)."""
        return is_test_path(self.path)


def is_test_path(path: str) -> bool:
    """True for test modules: `test_*.py`, `*_test.py`, `tests.py`, `conftest.py`, or anything under
    `tests/`/`test/`."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("conftest.py", "tests.py")
        or any(part in ("tests", "test") for part in parts[:-1])
    )


def decode_source(data: bytes) -> str:
    """Decode Python source bytes, honouring a BOM (`utf-8-sig` drops it) and a PEP 263 coding line."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise ParseFailure(f"cannot decode: {exc}", 1, None) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseFailure(f"cannot decode as {encoding}: {exc.reason}", line) from None
    return text


def parse_python(path: str, data: bytes) -> PythonFile:
    """Decode and parse a Python file once. Raises ParseFailure for anything the parser rejects."""
    text = decode_source(data)
    try:
        tree = ast.parse(text, filename=path, type_comments=False)
    except SyntaxError as exc:
        column = exc.offset if exc.offset and exc.offset > 0 else None
        raise ParseFailure(f"syntax error: {exc.msg}", exc.lineno, column) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        reason = "too deeply nested" if isinstance(exc, RecursionError) else str(exc) or type(exc).__name__
        raise ParseFailure(f"cannot parse: {reason}") from None
    return PythonFile(path=path, text=text, tree=tree)
