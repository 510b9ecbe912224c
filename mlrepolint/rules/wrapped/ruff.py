"""ruff as the PEP 8 backend (`pep8-backend = "ruff"`): one `ruff check --output-format json` over the files.

The project's own ruff configuration (`[tool.ruff]`, `ruff.toml`) is honoured, ruff finding it as it always does.
When it selects no rules, mlrepolint asks for ruff's stable pycodestyle and pyflakes rules (`E`, `W`, `F`), the
same families flake8 reports; a black `line-length` becomes ruff's when ruff sets none. ruff runs with
`--no-cache` (the repository is read-only to us) and `--force-exclude` (its `exclude` applies to named files).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import TYPE_CHECKING, Any, Sequence

from mlrepolint.rules.base import Finding
from mlrepolint.rules.wrapped import pep8_severity, project_line_length, read_toml, wrapped_finding

if TYPE_CHECKING:
    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView

SOURCE = "ruff"
MISSING = (
    "ruff is not installed, so the PEP 8 checks did not run "
    "(pip install 'mlrepolint[ruff]', or set pep8-backend = \"flake8\")"
)
_CHUNK = 1000  # files per ruff call, well under any command-line length limit
_SELECT_KEYS = ("select", "extend-select")


def rule_name(code: str) -> str:
    """`ruff-e501` for E501."""
    return f"{SOURCE}-{code.lower()}"


def find_ruff() -> str | None:
    """The ruff executable: the one the `ruff` package ships, else one on PATH."""
    try:
        from ruff import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


def _ruff_config(repo: RepoView) -> dict[str, Any]:
    """The project's ruff settings: `ruff.toml`, `.ruff.toml`, else `[tool.ruff]` (ruff's own order)."""
    for name in ("ruff.toml", ".ruff.toml"):
        table = read_toml(repo, name)
        if table:
            return table
    tool = read_toml(repo, "pyproject.toml").get("tool", {})
    return tool.get("ruff", {}) if isinstance(tool, dict) else {}


def arguments(repo: RepoView, settings: Settings) -> list[str]:
    """`ruff check` arguments beyond the project's own configuration."""
    args = ["check", "--output-format", "json", "--no-cache", "--no-fix", "--exit-zero", "--force-exclude"]
    config = _ruff_config(repo)
    lint = config.get("lint", {}) if isinstance(config.get("lint"), dict) else {}
    if not any(key in config or key in lint for key in _SELECT_KEYS):
        args += ["--select", "E,W,F"]
    if "line-length" not in config:
        length = settings.flake8.get("max-line-length") or project_line_length(repo)
        if isinstance(length, int):
            args += ["--line-length", str(length)]
    return args


def ruff_findings(repo: RepoView, settings: Settings, files: Sequence[str]) -> tuple[list[Finding], list[str]]:
    """ruff's findings over `files` (paths relative to the root), and warnings when ruff is missing or fails."""
    executable = find_ruff()
    if executable is None:
        return [], [MISSING]
    args = arguments(repo, settings)
    root = str(repo.root)
    found: list[Finding] = []
    for start in range(0, len(files), _CHUNK):
        try:
            proc = subprocess.run(
                [executable, *args, "--", *files[start:start + _CHUNK]],
                cwd=root, capture_output=True, text=True, check=False,
            )
            items = json.loads(proc.stdout or "[]") if proc.returncode == 0 else None
        except (OSError, ValueError) as exc:
            return found, [f"ruff failed, so the PEP 8 checks are incomplete: {exc}"]
        if items is None:
            reason = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
            return found, [f"ruff failed, so the PEP 8 checks are incomplete: {reason}"]
        found += [_finding(item, root) for item in items if item.get("code")]  # no code: a syntax error (MLR001)
    return found, []


def _finding(item: dict[str, Any], root: str) -> Finding:
    code = item["code"]
    location = item.get("location") or {}
    path = os.path.relpath(item.get("filename", ""), root).replace(os.sep, "/")
    return wrapped_finding(
        SOURCE, code, rule_name(code), pep8_severity(code), path, location.get("row"), location.get("column"),
        item.get("message", ""),
    )
