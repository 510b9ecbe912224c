"""The import statements of Python source, read from the text without parsing it.

The project model's prescan and the dependency rules both ask which modules a file imports, and neither may parse
every file again (the per-file pass parses each file once, in the workers). `scan_imports(text)` finds each
`import` / `from ... import` statement, nested ones included, with its line and whether it is optional: inside
`try:` / `except ImportError:` (or `ModuleNotFoundError`, `Exception`, a bare `except:`), in the handler of such a
`try`, under `with suppress(ImportError):`, under `if TYPE_CHECKING:` or an availability test (`if
_torch_available:`), and whether it sits in a function (a lazy import). Statements inside triple-quoted strings
(docstring examples) are not imports.
"""

from __future__ import annotations

import bisect
import sys
from typing import NamedTuple

from mlrepolint.regex import lazy


class Import(NamedTuple):
    """One imported module: `import a.b` gives `a.b`; `from a import b, c` gives `a` with names (`b`, `c`).

    `level` counts the leading dots of a relative import (its module is then relative, never third-party);
    `line` is 1-based; `optional` says the code runs without it (see the module docstring). A named tuple: a large
    repository has tens of thousands of import statements."""

    module: str
    line: int
    level: int = 0
    names: tuple[str, ...] = ()
    optional: bool = False
    in_function: bool = False  # inside a `def`: imported when the function runs (a lazy import)

    @property
    def top(self) -> str:
        """The top-level name (`sklearn` for `sklearn.model_selection`)."""
        return self.module.split(".", 1)[0]


_OPTIONAL_HANDLERS = lazy(r"^except\b\s*(?::|.*\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b)")
_OPTIONAL_HEADER = lazy(
    r"\b(?:ImportError|ModuleNotFoundError)\b|^if\s+(?:not\s+)?(?:typing\.)?TYPE_CHECKING\b"
    r"|^(?:el)?if\b.*(?:find_spec|module_available|package_available|is_available|_available\b|_AVAILABLE\b|"
    r"\bHAS_[A-Z0-9_]+|\bhas_[a-z0-9_]+|\b_?USE_[A-Z0-9_]+|_INSTALLED\b|_installed\b|is_installed|importlib\.util)"
)


#: Texts already scanned in this run, with their imports. The project model's prescan, the dependency rules and
#: the test-suite rules each read the same files and ask for the same imports (a third of the main process's
#: scanning, on a large repository); a text's imports depend on the text alone. Kept while the texts held total
#: no more than `_MEMO_CHARACTERS`, about what a large repository's Python holds, until `forget_scanned()`.
_memo: dict[str, tuple[Import, ...]] = {}
_memo_characters = 0
_MEMO_CHARACTERS = 64_000_000


def scan_imports(text: str) -> list[Import]:
    """Every import statement of Python source, nested ones included, from the text (see the module docstring)."""
    global _memo_characters
    known = _memo.get(text)
    if known is not None:
        return list(known)
    found = _scan(text)
    if _memo_characters + len(text) <= _MEMO_CHARACTERS:
        _memo[text] = tuple(found)
        _memo_characters += len(text)
    return found


def forget_scanned() -> None:
    """Let the texts scanned go: the run that read them is over."""
    global _memo_characters
    _memo.clear()
    _memo_characters = 0


def _scan(text: str) -> list[Import]:
    # A `find` loop rather than a regex over the text: `import` is rare, and a regex tries every position.
    found: list[Import] = []
    strings: _Strings | None = None
    lines: list[str] | None = None
    find, rfind, length = text.find, text.rfind, len(text)
    line, counted = 1, 0  # the line number at `counted`, advanced as the statements go down the text
    pos = 0
    while True:
        at = find("import", pos)
        if at < 0:
            break
        start = rfind("\n", 0, at) + 1
        end = find("\n", at)
        if end < 0:
            end = length
        pos = end
        raw = text[start:end]
        stripped = raw.lstrip()
        if not stripped.startswith(("import ", "from ", "import\t", "from\t")):
            continue
        if strings is None:
            strings = _Strings(text)
        if strings.inside(start):
            continue
        statement = stripped.split("#", 1)[0].rstrip()
        if "(" in statement and ")" not in statement:  # `from x import (\n    a,\n    b,\n)`
            close = find(")", end)
            close = length if close < 0 else close
            rest = text[end:close].split("\n")
            statement += " " + " ".join(part.split("#", 1)[0].strip() for part in rest)
            pos = max(pos, close)
        while statement.endswith("\\") and pos < length:  # `import a, \` continued on the next line
            following = find("\n", pos + 1)
            following = length if following < 0 else following
            statement = statement[:-1] + " " + text[pos + 1:following].split("#", 1)[0].strip()
            pos = following
        line += text.count("\n", counted, start)
        counted = start
        indent = len(raw) - len(stripped)
        imports = _parse_statement(statement.strip(), line)
        if not imports:
            continue
        if indent:
            if lines is None:
                lines = text.split("\n")
            optional, in_function = _context(lines, line - 1, indent)
            if optional or in_function:
                imports = [Import(i.module, i.line, i.level, i.names, optional, in_function) for i in imports]
        found.extend(imports)
    return found


def _parse_statement(statement: str, line: int) -> list[Import]:
    """The imports of one `import ...` / `from ... import ...` statement (with `;` a second statement ends it)."""
    if ";" in statement:
        statement = statement.split(";", 1)[0].strip()
    if statement[0] == "i":  # import a, b.c as d
        found = []
        for part in statement[6:].split(","):
            module = part.split(" as ", 1)[0].strip()
            if module.replace(".", "_").isidentifier():
                found.append(Import(module, line))
        return found
    source, sep, names = statement[4:].partition(" import")
    if not sep:
        return []
    source = source.strip()
    module = source.lstrip(".")
    level = len(source) - len(module)
    if (module and not module.replace(".", "_").isidentifier()) or not (module or level):
        return []
    listed = []
    for part in names.replace("(", " ").replace(")", " ").split(","):
        name = part.split(" as ", 1)[0].strip()
        if name.isidentifier():
            listed.append(name)
    return [Import(module, line, level, tuple(listed))]


class _Strings:
    """The triple-quoted strings of a text, found by pairing the quotes in order, only as far into the text as
    asked (imports sit near the top; a long file's docstrings further down are never looked for). Approximate: a
    triple quote inside a one-line string or a comment is rare enough to ignore."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self.scanned = 0 if ('"""' in text or "'''" in text) else len(text)

    def inside(self, pos: int) -> bool:
        """Whether `pos` lies inside a triple-quoted string."""
        text, find = self.text, self.text.find
        while self.scanned <= pos:
            double, single = find('"""', self.scanned), find("'''", self.scanned)
            if double < 0 and single < 0:
                self.scanned = len(text) + 1
                break
            begin, quote = (double, '"""') if single < 0 or 0 <= double < single else (single, "'''")
            end = find(quote, begin + 3)
            end = len(text) if end < 0 else end + 3
            self.spans.append((begin, end))
            self.scanned = end
        if not self.spans or pos < self.spans[0][0]:
            return False
        index = bisect.bisect_right(self.spans, (pos, sys.maxsize)) - 1
        return index >= 0 and self.spans[index][0] < pos < self.spans[index][1]


def _context(lines: list[str], index: int, indent: int) -> tuple[bool, bool]:
    """Whether the import on `lines[index]` (indented by `indent`) sits in a block that makes it optional, and
    whether it sits in a function: the enclosing block headers are the nearest lines above with less
    indentation that end with `:`."""
    current = indent
    row = index - 1
    in_function = False
    while row >= 0 and current > 0:
        raw = lines[row]
        stripped = raw.lstrip()
        row -= 1
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(stripped)
        if depth >= current:
            continue
        header = stripped.split("#", 1)[0].rstrip()
        if not header.endswith(":"):
            continue  # a continuation line or a string's, not a block header
        if header.startswith((")", "]", "}")):  # `) -> Tensor:` ends a signature written over several lines
            header = _statement_start(lines, row, depth)
        if _OPTIONAL_HEADER.search(header) or header.startswith("except") and _OPTIONAL_HANDLERS.match(header):
            return True, in_function  # `if TYPE_CHECKING:`, `with suppress(ImportError):`, `except ImportError:`
        if header.startswith("try") and header[3:].strip() == ":" and _try_catches_import_errors(lines, row + 1, depth):
            return True, in_function
        if header.startswith(("def ", "async def ", "class ")):
            return False, header[0] != "c"  # a guard outside a definition does not make its body's imports optional
        current = depth
    return False, in_function


def _statement_start(lines: list[str], row: int, depth: int) -> str:
    """The first line of the statement whose last line is `lines[row + 1]`: the nearest line above at the same
    indentation that does not close a bracket."""
    for raw in reversed(lines[max(0, row - 200):row + 1]):
        stripped = raw.lstrip()
        if stripped and not stripped.startswith("#") and len(raw) - len(stripped) == depth and not stripped.startswith(
            (")", "]", "}")
        ):
            return stripped
    return ""


def _try_catches_import_errors(lines: list[str], try_row: int, depth: int) -> bool:
    """Whether the `try:` at `lines[try_row]` has a handler that catches a failed import."""
    for raw in lines[try_row + 1:]:
        stripped = raw.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        here = len(raw) - len(stripped)
        if here > depth:
            continue
        if here < depth or not stripped.startswith(("except", "else", "finally")):
            return False
        if _OPTIONAL_HANDLERS.match(stripped):
            return True
    return False
