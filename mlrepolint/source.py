"""A Python file parsed once: the text, the tree, and the lines and tokens when a rule asks for them."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from functools import cached_property
from bisect import bisect_left
from typing import TYPE_CHECKING, AbstractSet, Callable, Iterable

from mlrepolint.patterns import fnmatch_any

if TYPE_CHECKING:
    from mlrepolint.notebook import CellMap


class ParseFailure(Exception):
    """A file that cannot be decoded or parsed; `line`/`column` are 1-based or None."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class PythonFile:
    """One Python source file: its path relative to the root (POSIX), its text and its parsed tree.

    For a notebook (`path` ends in `.ipynb`) the text and tree are its code cells' (IPython syntax stripped, cells
    two blank lines apart) and `notebook` maps the module's lines back to the cells; for a `.py` file it is None.
    """

    path: str
    text: str
    tree: ast.Module
    notebook: CellMap | None = None

    @cached_property
    def lines(self) -> list[str]:
        """Physical lines, with their line endings."""
        return self.text.splitlines(keepends=True)

    @cached_property
    def tokens(self) -> list[tokenize.TokenInfo]:
        """Tokens of the file (computed only when a rule asks)."""
        return list(tokenize.generate_tokens(io.StringIO(self.text).readline))

    def nodes(self, *types: type[ast.AST]) -> list[ast.AST]:
        """Every node in the file that is an instance of one of `types`, in no particular order (the shared
        expression-context and operator singletons, `Load`, `Store`, `Add`..., are not nodes of the file).

        Checkers that need, say, every call or every import ask here instead of walking the tree themselves: the
        tree is walked once per file however many checkers ask. Measured on the benchmark tree, one `ast.walk`
        costs about half an `ast.parse`, so a walk per checker would soon cost more than the parse itself. When
        only statements (and handlers, match cases or the module) are asked for, and no checker has needed the
        whole tree yet, the walk skips every expression: a tenth of the nodes.
        """
        whole = "_node_index" in self.__dict__ or not all(issubclass(kind, _STATEMENT_LEVEL) for kind in types)
        index = self._node_index if whole else self._statement_index
        return [node for kind, found in index.items() if issubclass(kind, types) for node in found]

    def nodes_on_lines(self, lines: AbstractSet[int], *types: type[ast.AST]) -> list[ast.AST]:
        """Every node of one of `types` that lies inside a statement spanning one of `lines` (1-based), and maybe
        others: the nodes on those lines are all there, in no particular order.

        For a checker whose text test finds where its nodes can be (the lines that name `print`): only the
        expressions of the statements spanning those lines are walked, not the whole tree, unless a checker has
        already had the whole tree indexed (then those nodes come from the index).
        """
        if "_node_index" in self.__dict__:
            return self.nodes(*types)
        return _nodes_on_lines(self.tree, sorted(lines), types)

    def nodes_naming(self, words: Iterable[str], *types: type[ast.AST]) -> list[ast.AST]:
        """`nodes_on_lines` of the lines on which one of `words` is written (as a substring, `load` in
        `download` too): for a checker that wants only nodes whose source holds one of them, such as the calls of
        an attribute named `forward`, and would otherwise have the whole tree indexed for the few it finds.

        A name is written on one line, so the statement that holds it spans that line. Every node comes back
        when the text cannot say which lines name the words (see `lines_naming`).
        """
        lines = self.lines_naming(words)
        return self.nodes(*types) if lines is None else self.nodes_on_lines(lines, *types)

    def lines_naming(self, words: Iterable[str]) -> set[int] | None:
        """The lines (1-based) on which one of `words` is written as a substring, as the parser numbers them; None
        for a file with a `\\r` in it (whose line numbers the text cannot tell as the parser counts them) or any
        character that is not ASCII (the parser reads a fullwidth letter in an identifier as the ASCII one)."""
        text = self.text
        if "\r" in text or not text.isascii():
            return None
        return _lines_holding(text, words)

    @cached_property
    def _statement_index(self) -> dict[type[ast.AST], list[ast.AST]]:
        """Node class -> the nodes of that class, for the module, its statements, handlers and match cases."""
        return _index(self.tree, _NESTING_FIELDS, _nesting_fields)

    @cached_property
    def _node_index(self) -> dict[type[ast.AST], list[ast.AST]]:
        """Node class -> the nodes of that class (a quarter of a parse; `ast.walk` costs half a parse)."""
        return _index(self.tree, _CHILD_FIELDS, _child_fields)

    @property
    def name(self) -> str:
        """The file's base name, e.g. `train.py`."""
        return self.path.rsplit("/", 1)[-1]

    def matches_any(self, globs: tuple[str, ...]) -> bool:
        """True when the file's base name or its path matches one of the glob patterns (as `fnmatchcase`), such as
        a rule's `exempt` option."""
        if not globs:
            return False
        match = fnmatch_any(globs)
        return match(self.name) or match(self.path)

    @cached_property
    def is_test(self) -> bool:
        """True for test modules (see `is_test_path`)."""
        return is_test_path(self.path)


#: What statement bodies hold (an expression never holds a statement); match_case is new in Python 3.10.
_STATEMENT_LEVEL = (ast.mod, ast.stmt, ast.excepthandler, *([ast.match_case] if hasattr(ast, "match_case") else []))
#: The fields through which statements nest: bodies, else branches, handlers, match cases.
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
#: Node class -> its fields among _STATEMENT_FIELDS, filled in as classes are met.
_NESTING_FIELDS: dict[type, tuple[str, ...]] = {}
#: Fields that never hold a node of the file: identifiers, flags, and the shared context/operator singletons.
_LEAF_FIELDS = frozenset(
    ("ctx", "op", "ops", "id", "attr", "arg", "asname", "conversion", "kind", "level", "module", "is_async",
     "simple", "type_comment", "tag", "lineno")
)
#: Node class -> the fields the node index follows, filled in as classes are met.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    """The fields of `kind` that can hold nodes (lists of them are followed whole, so lists of strings are out):
    a third of a tree's nodes are the Load/Store singletons, and names are strings."""
    if not issubclass(kind, ast.AST) or kind is ast.Constant:
        return ()  # None in a dict display's keys; a constant's value is never a node
    if kind in (ast.Global, ast.Nonlocal):
        return ()  # names: strings
    return tuple(f for f in kind._fields if f not in _LEAF_FIELDS and f != "kwd_attrs")  # kwd_attrs: strings


def _index(
    roots: ast.AST | list[ast.AST], fields_of: dict[type, tuple[str, ...]],
    fields_for: Callable[[type], tuple[str, ...]],
) -> dict[type[ast.AST], list[ast.AST]]:
    """Node class -> the nodes of that class, from one iterative walk from `roots` (a node or a list of them) that
    follows, for each node class, the fields `fields_for` gives (memoised in `fields_of`)."""
    # The loop is kept plain (no generator, no setdefault): it runs for every node of every file.
    index: dict[type[ast.AST], list[ast.AST]] = {}
    stack: list[ast.AST] = list(roots) if type(roots) is list else [roots]  # type: ignore[list-item]
    pop, push, extend, node_class = stack.pop, stack.append, stack.extend, ast.AST
    while stack:
        node = pop()
        kind = type(node)
        found = index.get(kind)
        if found is None:
            index[kind] = [node]
        else:
            found.append(node)
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = fields_for(kind)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                extend(value)
            elif isinstance(value, node_class):
                push(value)
    return index


def _nodes_on_lines(
    tree: ast.AST, lines: list[int], types: tuple[type[ast.AST], ...]
) -> list[ast.AST]:
    """The nodes of `types` in the statements whose span holds one of the sorted `lines` (see `nodes_on_lines`).

    A statement's span (from its first decorator's line to its last line) holds every node below it, so a
    statement that spans none of the lines is skipped with everything in it; the statements nested in one that
    spans a line are judged each on its own, and its other fields (expressions) are walked whole."""
    found: list[ast.AST] = []
    statements: list[ast.AST] = [tree]
    expressions: list[ast.AST] = []
    while statements:
        node = statements.pop()
        start = getattr(node, "lineno", None)
        end = getattr(node, "end_lineno", None)
        if start is not None and end is not None:  # the module and match cases have no position
            for decorator in getattr(node, "decorator_list", ()):
                start = min(start, decorator.lineno)
            at = bisect_left(lines, start)
            if at == len(lines) or lines[at] > end:
                continue
        if isinstance(node, types):
            found.append(node)
        kind = type(node)
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _CHILD_FIELDS[kind] = _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                (statements if name in _STATEMENT_FIELDS else expressions).extend(value)
            elif isinstance(value, ast.AST):
                expressions.append(value)  # IfExp's body and orelse, a lambda's body: expressions
    index = _index(expressions, _CHILD_FIELDS, _child_fields)
    return found + [node for kind, nodes in index.items() if issubclass(kind, types) for node in nodes]


def _nesting_fields(kind: type) -> tuple[str, ...]:
    """The fields of `kind` through which statements nest, in the order of its fields as the node index follows
    them: both indexes then meet the statements in one order, and `nodes` of statements gives the same list
    whichever index it reads (a name imported twice is bound by the same import whichever checkers ran first)."""
    return tuple(f for f in getattr(kind, "_fields", ()) if f in _STATEMENT_FIELDS)


def _lines_holding(text: str, words: Iterable[str]) -> set[int]:
    """The lines (1-based, counted at each newline) on which one of `words` occurs as a substring."""
    words = set(words)
    needles = [word for word in words if not any(other != word and other in word for other in words)]
    starts: list[int] = []
    for needle in needles:  # `str.find` per needle: a C scan each, and a word in another is looked for once
        at = text.find(needle)
        while at >= 0:
            starts.append(at)
            at = text.find(needle, at + 1)
    lines: set[int] = set()
    line, counted = 1, 0
    for start in sorted(starts):  # lines counted as the starts go down the text, not from the top
        line += text.count("\n", counted, start)
        counted = start
        lines.add(line)
    return lines


def is_test_path(path: str) -> bool:
    """True for test modules: `test_*.py`, `*_test.py`, `tests.py`, `conftest.py`, or anything under
    `tests/`/`test/` (`path` relative and POSIX, as the repository lists it; string tests, no path object)."""
    folder, _, name = path.rpartition("/")
    return (
        name.startswith("test_") or name.endswith("_test.py") or name in ("conftest.py", "tests.py")
        or any(part in ("tests", "test") for part in folder.split("/"))
    )


def decode_source(data: bytes) -> str:
    """Decode Python source bytes, honouring a BOM (`utf-8-sig` drops it) and a PEP 263 coding line."""
    return decode_source_as(data)[0]


def decode_source_as(data: bytes) -> tuple[str, str]:
    """`decode_source`, and the encoding it decoded with (`utf-8` unless a BOM or a coding line says otherwise)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise ParseFailure(f"cannot decode: {exc}", 1, None) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseFailure(f"cannot decode as {encoding}: {exc.reason}", line) from None
    return text, encoding


#: The line boundaries of `str.splitlines` other than "\n" (the last three are not ASCII).
_OTHER_LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def line_count(text: str) -> int:
    """`len(text.splitlines())` (the length of `PythonFile.lines`) without building the lines: a fifth of the cost."""
    # A substring test per character is many times faster than one regex character class over the text.
    breaks = _OTHER_LINE_BREAKS[:6] if text.isascii() else _OTHER_LINE_BREAKS
    if any(character in text for character in breaks):
        return len(text.splitlines())
    return text.count("\n") + (not text.endswith("\n") and text != "")


def parse_python(path: str, data: bytes) -> PythonFile:
    """Decode and parse a Python file once. Raises ParseFailure for anything the parser rejects."""
    return parse_text(path, decode_source(data))


def parse_text(path: str, text: str) -> PythonFile:
    """Parse decoded Python source. Raises ParseFailure for anything the parser rejects."""
    try:
        tree = ast.parse(text, filename=path, type_comments=False)
    except SyntaxError as exc:
        column = exc.offset if exc.offset and exc.offset > 0 else None
        raise ParseFailure(f"syntax error: {exc.msg}", exc.lineno, column) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        reason = "too deeply nested" if isinstance(exc, RecursionError) else str(exc) or type(exc).__name__
        raise ParseFailure(f"cannot parse: {reason}") from None
    return PythonFile(path=path, text=text, tree=tree)
