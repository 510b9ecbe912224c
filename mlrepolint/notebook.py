"""Jupyter notebooks read as Python: the notebook JSON, its code cells with IPython syntax stripped, and one module
made of the cells whose lines map back to (cell, line in the cell).

The reader API (what rules and fixers use):

- `parse_notebook(data) -> Notebook`: the JSON parsed once (nbformat 4, or 3 with worksheets); errors are kept on
  `Notebook.error`, never raised. `Notebook.document` is the whole JSON object, `cells` its cells (the same dicts),
  `metadata` the notebook's metadata.
- `cell_source(cell)`, `execution_count(cell)`, `keeps_output(notebook, cell)` (`cell_keeps_output(cell,
  default)` without the notebook): one cell's fields, whatever the nbformat version wrote (a list of lines or one
  string; `input`/`prompt_number` in nbformat 3).
- `python_source(source)`: a code cell's text as Python, IPython syntax blanked, or None for a cell magic whose body
  is not Python (`%%bash`).
- `notebook_module(path, notebook)`: the code cells as one `PythonFile` (each cell parsed once) with its `CellMap`
  on `PythonFile.notebook`, and the cells that do not parse.

Cells are numbered from 1 counting every cell of the notebook (Markdown and raw cells included), as Jupyter's
"cell N" and nbQA do: `cells[number - 1]` in the JSON is the cell.
"""

from __future__ import annotations

import ast
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from mlrepolint.regex import lazy
from mlrepolint.source import ParseFailure, PythonFile

#: Cell magics whose body is Python (the magic line is stripped, the body linted); every other cell magic's body
#: (`%%bash`, `%%html`, `%%writefile`, `%%sql`...) is not Python and the cell is skipped.
PYTHON_CELL_MAGICS = frozenset(("time", "timeit", "capture", "prun", "debug", "memit", "autoreload"))

#: Up to this many lines into the module a cell is parsed behind newlines (its line numbers come out right at the
#: cost of a blank line each); further down, the tree is renumbered instead (a walk, about half a parse).
PAD_LINES = 5000

#: Lines cells are separated by in the module: two blank lines, so a `def` opening a cell is not a style finding.
SEPARATOR_LINES = 2

# A line magic or a shell escape (`%matplotlib inline`, `!pip install x`, `%%time` handled apart), possibly after
# an assignment (`files = !ls`, `t = %timeit -o f()`); and IPython help (`df.head?`, `??np.mean`).
_MAGIC = lazy(r"^(?P<indent>[ \t]*)(?:(?P<target>[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)[ \t]*=[ \t]*)?[!%][^=]")
# `%time x = f()`, `%timeit f()`, `%prun f()`: the statement after the magic is Python, and it runs.
_TIMED = lazy(r"^(?P<indent>[ \t]*)%(?:time|timeit|prun)[ \t]+(?P<statement>[^-\s].*)$")
_OPAQUE = lazy(r"^[ \t]*%(?:run|load|store)\b", re.MULTILINE)
_HELP = lazy(r"^[ \t]*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})[ \t]*$")


@dataclass
class Notebook:
    """A notebook file: its text, its cells and metadata, or why it could not be parsed."""

    text: str
    cells: list[dict[str, Any]] = field(default_factory=list)
    error: tuple[str, int | None, int | None] | None = None  # (message, line, column)
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata(self) -> dict[str, Any]:
        """The notebook's metadata (an empty dict when it has none or it is not an object)."""
        value = self.document.get("metadata")
        return value if isinstance(value, dict) else {}


def parse_notebook(data: bytes) -> Notebook:
    """Parse notebook JSON (nbformat 4, or 3 with worksheets); errors are kept, never raised."""
    text = data.decode("utf-8", errors="replace")
    try:
        document = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError; the message never quotes the file's content
        return Notebook(text, error=(f"invalid notebook JSON: {exc.msg}", exc.lineno, exc.colno))
    except RecursionError:
        return Notebook(text, error=("invalid notebook JSON: nested too deeply", None, None))
    if not isinstance(document, dict):
        return Notebook(text, error=("not a Jupyter notebook: the top level is not an object", None, None))
    cells = document.get("cells")
    if cells is None and isinstance(document.get("worksheets"), list):
        cells = [c for ws in document["worksheets"] if isinstance(ws, dict) for c in ws.get("cells") or []]
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        return Notebook(text, error=("not a Jupyter notebook: no list of cells", None, None))
    return Notebook(text, cells, document=document)


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source text (`source`, or `input` in nbformat 3; a string or a list of lines)."""
    value = cell.get("source", cell.get("input"))
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def execution_count(cell: dict[str, Any]) -> int | None:
    """The cell's execution count (`prompt_number` in nbformat 3), or None."""
    count = cell.get("execution_count", cell.get("prompt_number"))
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def keeps_output(notebook: Notebook, cell: dict[str, Any]) -> bool:
    """True when nbstripout keeps this cell's outputs (`cell_keeps_output`, the notebook's `"keep_output"` metadata
    as the default)."""
    return cell_keeps_output(cell, bool(notebook.metadata.get("keep_output")))


def cell_keeps_output(cell: dict[str, Any], default: bool) -> bool:
    """nbstripout's reading of one cell: `init_cell` in its metadata decides, else `keep_output` in its metadata
    or its tags, else `default` (the notebook's `keep_output`). The rule that reports outputs and the fix that
    strips them both ask this, so a fix never leaves a finding behind."""
    metadata = cell.get("metadata")
    if not isinstance(metadata, dict):
        return default
    if "init_cell" in metadata:
        return bool(metadata["init_cell"])
    tags = metadata.get("tags")
    tagged = isinstance(tags, list) and "keep_output" in tags
    if "keep_output" in metadata or tagged:
        return bool(metadata.get("keep_output")) or tagged
    return default


def python_source(source: str) -> str | None:
    """The cell's text as Python, with the same lines and columns: IPython line magics, shell escapes (`!pip`) and
    help (`obj?`) become blank lines (`pass` where a block needs a statement; `x = ...` where they assign `x`), a
    Python cell magic's line (`%%time`) is blanked. None for a cell magic whose body is not Python (`%%bash`)."""
    if "%" not in source and "!" not in source and "?" not in source:
        return source  # most cells: nothing to strip
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = lines[first].lstrip()[2:].split(None, 1)
        if not name or name[0] not in PYTHON_CELL_MAGICS:
            return None
        target = name[1].split()[-1] if name[0] == "capture" and len(name) > 1 else ""
        lines[first] = f"{target} = ..." if target.isidentifier() else ""  # `%%capture out` defines `out`
    continued = False
    for number, line in enumerate(lines):
        if continued:  # a magic's backslash-continued line
            continued = line.endswith("\\")
            lines[number] = ""
            continue
        magic = _MAGIC.match(line)
        timed = _TIMED.match(line) if magic is not None and magic.group("target") is None else None
        if timed is not None:  # the timed statement stays (its columns move left by the magic's width)
            lines[number] = timed.group("indent") + timed.group("statement")
            continued = False  # a backslash there continues the Python statement
        elif magic is not None:
            indent, target = magic.group("indent"), magic.group("target")
            lines[number] = f"{indent}{target} = ..." if target else (f"{indent}pass" if indent else "")
            continued = line.endswith("\\")
        elif "?" in line and _HELP.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            lines[number] = f"{indent}pass" if indent else ""
    return "\n".join(lines)


@dataclass(frozen=True)
class Cell:
    """One code cell of a notebook module: its number (every cell counted, from 1), where its text starts in the
    module (`start`, 1-based) and how many lines it has there, its execution count and whether it has outputs."""

    number: int
    start: int
    lines: int
    execution_count: int | None = None
    outputs: bool = False
    #: False for a cell that is not in the module: empty, not Python (`%%bash`), or a syntax error.
    in_module: bool = True
    #: The cell's source is empty or only whitespace.
    empty: bool = False
    #: Lines dropped before `start`: blank lines at the top of the cell.
    lead: int = 0
    #: The cell runs a magic that defines names no parse can see (`%run script.py`, `%load`, `%store -r`).
    opaque: bool = False


@dataclass(frozen=True)
class CellMap:
    """Where each code cell sits in a notebook's module, and how a module line maps back to the cell."""

    #: Every code cell, in notebook order.
    cells: tuple[Cell, ...]
    #: The cells that are in the module, and the module line each starts at.
    placed: tuple[Cell, ...] = ()
    starts: tuple[int, ...] = ()

    @classmethod
    def of(cls, cells: list[Cell]) -> CellMap:
        """The map of these cells (in notebook order)."""
        placed = tuple(c for c in cells if c.in_module)
        return cls(tuple(cells), placed, tuple(c.start for c in placed))

    def cell_at(self, line: int) -> Cell | None:
        """The cell holding module line `line`, or None for a line between cells."""
        index = bisect_right(self.starts, line) - 1
        if index < 0:
            return None
        cell = self.placed[index]
        return cell if line < cell.start + cell.lines else None

    def locate(self, line: int) -> tuple[int, int] | None:
        """(cell number, line within the cell) of a module line, or None for a line between cells."""
        cell = self.cell_at(line)
        return None if cell is None else (cell.number, line - cell.start + 1 + cell.lead)


def notebook_module(path: str, notebook: Notebook) -> tuple[PythonFile, list[tuple[int, ParseFailure]]]:
    """The notebook's code cells as one Python module, each cell parsed once, and (cell number, failure) for each
    cell that does not parse (left out of the module, so the other cells are still linted, as Jupyter runs them).

    Each cell is parsed at its place in the module (behind as many newlines as lines come before it, up to
    `PAD_LINES`), so the trees' line numbers are module lines without a second walk over them; cells are separated
    by `SEPARATOR_LINES`."""
    cells: list[Cell] = []
    failures: list[tuple[int, ParseFailure]] = []
    body: list[ast.stmt] = []
    pieces: list[str] = []
    line = 1
    for number, raw in enumerate(notebook.cells, 1):
        if raw.get("cell_type") != "code":
            continue
        count, outputs = execution_count(raw), bool(raw.get("outputs"))
        source = cell_source(raw)
        text = python_source(source) if source.strip() else None
        if text is None:
            cells.append(Cell(number, line, 0, count, outputs, in_module=False, empty=not source.strip()))
            continue
        kept = text.split("\n")
        lead = 0
        while kept and not kept[0].strip():
            kept.pop(0)
            lead += 1
        while kept and not kept[-1].strip():
            kept.pop()
        opaque = "%" in source and _OPAQUE.search(source) is not None
        if not kept:  # only magics: nothing of it is Python
            cells.append(Cell(number, line, 0, count, outputs, in_module=False, opaque=opaque))
            continue
        code = "\n".join(kept) + "\n"
        start = line + (SEPARATOR_LINES if pieces else 0)
        padded = start - 1 <= PAD_LINES
        try:
            tree = ast.parse("\n" * (start - 1) + code if padded else code, filename=path)
            if not padded:
                ast.increment_lineno(tree, start - 1)
        except SyntaxError as exc:
            at = exc.lineno - (start - 1 if padded else 0) + lead if exc.lineno else None
            column = exc.offset if exc.offset and exc.offset > 0 and at else None
            failures.append((number, ParseFailure(f"syntax error: {exc.msg}", at if at and at > 0 else None, column)))
            cells.append(Cell(number, line, 0, count, outputs, in_module=False))
            continue
        except (ValueError, RecursionError, MemoryError) as exc:
            reason = "too deeply nested" if isinstance(exc, RecursionError) else str(exc) or type(exc).__name__
            failures.append((number, ParseFailure(f"cannot parse: {reason}")))
            cells.append(Cell(number, line, 0, count, outputs, in_module=False))
            continue
        if pieces:
            pieces.append("\n" * SEPARATOR_LINES)
        pieces.append(code)
        body.extend(tree.body)
        cells.append(Cell(number, start, len(kept), count, outputs, lead=lead, opaque=opaque))
        line = start + len(kept)
    tree = ast.Module(body=body, type_ignores=[])
    return PythonFile(path=path, text="".join(pieces), tree=tree, notebook=CellMap.of(cells)), failures
