"""ruff as the PEP 8 backend (`pep8-backend = "ruff"`): one `ruff check --output-format concise` over the files.

The project's own ruff configuration (`[tool.ruff]`, `ruff.toml`) is honoured, ruff finding it as it always does.
When it selects no rules, mlrepolint asks for ruff's stable pycodestyle and pyflakes rules (`E`, `W`, `F`), the
same families flake8 reports; a black `line-length` becomes ruff's when ruff sets none. ruff runs with
`--no-cache` (the repository is read-only to us) and `--force-exclude` (its `exclude` applies to named files).

The concise output, a line a finding, is read rather than the JSON: on a large tree the JSON is six times the size
and takes ruff and `json.loads` longer than ruff's whole check. Every line must read as a finding, or the run warns.
"""

from __future__ import annotations

import os
import re
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
#: Characters of paths per ruff call: within Windows' 32,767-character command line, and elsewhere a few thousand
#: files a call, well under the usual limits (ARG_MAX is 256 KB or more).
_ARG_CHARS = 30_000 if os.name == "nt" else 200_000
_SELECT_KEYS = ("select", "extend-select")
#: The files ruff looks for in each folder of a file it checks, and in the folders above, to configure itself.
RUFF_CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml")


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
    args = [
        "check", "--output-format", "concise", "--quiet", "--no-cache", "--no-fix", "--exit-zero", "--force-exclude",
    ]
    config = _ruff_config(repo)
    lint = config.get("lint", {}) if isinstance(config.get("lint"), dict) else {}
    if not any(key in config or key in lint for key in _SELECT_KEYS):
        args += ["--select", "E,W,F"]
    if "line-length" not in config:
        length = settings.flake8.get("max-line-length") or project_line_length(repo)
        if isinstance(length, int):
            args += ["--line-length", str(length)]
    return args


def unsafe_configs(repo: RepoView, files: Sequence[str]) -> list[str]:
    """Config files ruff would read itself that mlrepolint would not: a FIFO or device (ruff would block on it or
    read it forever), a symlink out of the root, a file over the config size limit."""
    from mlrepolint.config import MAX_CONFIG_BYTES

    folders = {""}
    for path in files:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    unsafe = []
    for folder in sorted(folders):
        for name in RUFF_CONFIGS:
            path = f"{folder}/{name}" if folder else name
            if not os.path.lexists(os.path.join(repo.root, path)):
                continue
            size = repo.size(path)
            if size is None or size > MAX_CONFIG_BYTES:
                unsafe.append(path)
    return unsafe


def ruff_findings(repo: RepoView, settings: Settings, files: Sequence[str]) -> tuple[list[Finding], list[str]]:
    """ruff's findings over `files` (paths relative to the root), and warnings when ruff is missing or fails."""
    executable = find_ruff()
    if executable is None:
        return [], [MISSING]
    warnings = []
    unsafe = unsafe_configs(repo, files)
    if unsafe:  # ruff would read them: it runs without any configuration file instead
        warnings.append(
            f"ruff: the project's ruff settings are ignored, because {unsafe[0]} is not a regular file inside the "
            "repository of a readable size"
        )
    args = arguments(repo, settings) + (["--isolated"] if unsafe else [])
    command = [executable, *args, "--"]
    # Colours off whatever the user's terminal settings: the output is parsed, not shown.
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env["NO_COLOR"] = "1"
    reader = _Reader(str(repo.root), files)
    for chunk in _chunks(files):
        try:
            proc = subprocess.run([*command, *chunk], cwd=reader.root, env=env, capture_output=True, check=False)
        except OSError as exc:
            return reader.found, [*warnings, _failed(str(exc))]
        if proc.returncode != 0:
            stderr = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            return reader.found, [*warnings, _failed((stderr or [f"exit code {proc.returncode}"])[-1])]
        unreadable = reader.read(proc.stdout.decode("utf-8", "surrogateescape"))
        if unreadable is not None:
            return reader.found, [*warnings, _failed(f"unexpected output {unreadable!r}")]
    return reader.found, warnings


def _failed(reason: str) -> str:
    return f"ruff failed, so the PEP 8 checks are incomplete: {reason}"


def _chunks(files: Sequence[str]) -> list[Sequence[str]]:
    """`files` cut into runs whose paths fit on one command line (ruff itself spreads each run over all cores)."""
    chunks, start, size = [], 0, 0
    for end, path in enumerate(files):
        if size + len(path) + 1 > _ARG_CHARS and end > start:
            chunks.append(files[start:end])
            start, size = end, 0
        size += len(path) + 1
    if start < len(files):
        chunks.append(files[start:])
    return chunks


class _Reader:
    """Findings from ruff's concise output, `path:row:column: CODE [*] message` a line (`[*]`: fixable)."""

    def __init__(self, root: str, files: Sequence[str]) -> None:
        self.root = root
        self.found: list[Finding] = []
        self._paths = {os.path.normpath(path): path for path in files}  # ruff's spelling -> ours, met once a file
        self._heads: dict[str, tuple[Any, ...]] = {}  # code -> a finding's first five fields (code ... source)

    def read(self, output: str) -> str | None:
        """Add the findings of one run's output; return the first line that is not a finding (then add none)."""
        if "\r" in output:
            output = output.replace("\r\n", "\n")
        matches = _LINE_RE.findall(output)  # one pass in C over the whole output, at most one match a line
        lines = output.split("\n")
        if lines[-1] == "":
            lines.pop()
        if len(matches) != len(lines):
            return next((line for line in lines if not _LINE_RE.fullmatch(line)), "")
        found, paths, heads, new = self.found, self._paths, self._heads, tuple.__new__
        for where, row, column, code, message in matches:
            if not code:  # a syntax error (mlrepolint's parse-error reports it, when selected)
                continue
            path = paths.get(where)
            if path is None:
                path = paths[where] = self._relative(where)
            head = heads.get(code)
            if head is None:
                severity = pep8_severity(code)
                head = heads[code] = wrapped_finding(SOURCE, code, rule_name(code), severity, "", 0, 0, "")[:5]
            # Built directly from the code's shared fields: ruff can report a few hundred thousand findings.
            found.append(new(Finding, (*head, path, int(row), int(column), message)))
        return None

    def _relative(self, path: str) -> str:
        return os.path.relpath(os.path.join(self.root, path), self.root).replace(os.sep, "/")


#: path:row:column: then a code (absent for syntax errors, `invalid-syntax: ...`) and the fixable mark `[*]`.
_LINE_RE = re.compile(r"^(.+?):(\d+):(\d+): (?:([A-Z]+[0-9]+) (?:\[\*\] )?)?(.*)$", re.MULTILINE)
