"""In-process linting for table-driven rule tests: the real engine on files written to a tmp folder.

The CLI tests (`conftest.run_cli`) prove what a user sees end to end; these run the same engine without a
subprocess per case, so tables of dozens of cases stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from conftest import Content, write_files

from mlrepolint.config import Settings
from mlrepolint.engine import Engine


#: The rules these tables are about: dependencies, containers, and parse errors of the files they read.
SELECT = ("MLR001", "MLR501", "MLR502", "MLR6")


def lint(
    root: Path, files: Mapping[str, Content], options: Mapping[str, Mapping[str, Any]] | None = None
) -> list[tuple[str, str, int | None, str]]:
    """(code, path, line, severity) of every finding of SELECT in a folder holding `files`, sorted."""
    write_files(root, files)
    settings = Settings(select=SELECT, rule_options=options or {})
    result = Engine(root, False, settings).run([root])
    return sorted((f.code, f.path, f.line, f.severity.value) for f in result.findings)


def locations(
    root: Path, files: Mapping[str, Content], options: Mapping[str, Mapping[str, Any]] | None = None
) -> list[tuple[str, str, int | None]]:
    """(code, path, line) of every finding, sorted."""
    return [(code, path, line) for code, path, line, _ in lint(root, files, options)]
