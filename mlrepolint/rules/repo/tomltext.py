"""TOML files read for their data, plus the line a table or key sits on (tomllib does not keep lines)."""

from __future__ import annotations

import re
from typing import Any

from mlrepolint.api import tomllib
from mlrepolint.rules.repo.pins import Problem

HEADER_RE = re.compile(r"^\s*\[\s*(?P<name>[^\[\]]+?)\s*\]\s*(?:#.*)?$")
KEY_RE = re.compile(r"""^\s*(?P<key>"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")
ERROR_LINE_RE = re.compile(r"line (\d+)")


def load(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """The parsed document, or the parse problem with its line."""
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        found = ERROR_LINE_RE.search(str(exc))
        return None, Problem(int(found.group(1)) if found else 1, f"invalid TOML: {exc}")
    except RecursionError:  # the parser recurses once per nested array or inline table
        return None, Problem(1, "invalid TOML: nested too deeply to read")


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
