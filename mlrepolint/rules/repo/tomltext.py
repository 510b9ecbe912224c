"""TOML files read for their data, plus the line a table or key sits on (tomllib does not keep lines)."""

from __future__ import annotations

from typing import Any

from mlrepolint.api import TOMLError, lazy, parse_toml
from mlrepolint.rules.repo.pins import Problem

HEADER_RE = lazy(r"^\s*\[\s*(?P<name>[^\[\]]+?)\s*\]\s*(?:#.*)?$")
KEY_RE = lazy(r"""^\s*(?P<key>"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def load(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """The parsed document, or the parse problem with its line (nesting bombs included, see `parse_toml`)."""
    try:
        return parse_toml(text), None
    except TOMLError as exc:
        return None, Problem(exc.line, exc.message)


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


def table_line(text: str, table: str) -> int | None:
    """The line of the `[table]` header."""
    for number, line in enumerate(text.splitlines(), start=1):
        header = HEADER_RE.match(line)
        if header and _normalise(header.group("name")) == table:
            return number
    return None


def key_lines(text: str, table: str) -> dict[str, int]:
    """The line of each key written directly under the `[table]` header (`name = ...`)."""
    found: dict[str, int] = {}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = HEADER_RE.match(line)
        if header:
            current = _normalise(header.group("name"))
            continue
        key = KEY_RE.match(line) if current == table else None
        if key:
            found.setdefault(_unquote(key.group("key")), number)
    return found


def _normalise(dotted: str) -> str:
    """`tool . poetry."dependencies"` -> `tool.poetry.dependencies`."""
    return ".".join(_unquote(part.strip()) for part in dotted.split("."))
