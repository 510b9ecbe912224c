"""ruff as the PEP 8 backend (`pep8-backend = "ruff"`): one `ruff check --output-format concise` over the files.

Either backend gives the same answer on the same repository. A project that configures ruff (`.ruff.toml`,
`ruff.toml`, `[tool.ruff]`) keeps that configuration, ruff finding it as it always does; when it selects no rules,
mlrepolint asks for ruff's stable pycodestyle and pyflakes rules (`E`, `W`, `F`), the families flake8 reports, and
when it sets no line length, the one flake8 or black is configured with becomes ruff's. A project that does not
configure ruff is checked as flake8 would check it: its flake8 settings (the repository's `[flake8]` section and
`[tool.mlrepolint.flake8]`) are translated into ruff's options, black's line length or PEP 8's 79 stands in for
a missing `max-line-length`, and ruff runs `--isolated` (no configuration from outside the repository). ruff runs
with `--no-cache` (the repository is read-only to us) and `--force-exclude` (its `exclude` applies to named files).

The concise output, a line a finding, is read rather than the JSON: on a large tree the JSON is six times the size
and takes ruff and `json.loads` longer than ruff's whole check. Every line must read as a finding, or the run warns.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple, Sequence

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Finding
from mlrepolint.rules.wrapped import (
    BLACK_CONFLICTS, PEP8_LINE_LENGTH, RUFF_PREFIXES, flake8_line_length, option, pep8_severity, project_line_length,
    ruff_config, wrapped_finding,
)
from mlrepolint.rules.wrapped.flake8 import repo_options as flake8_options

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
#: flake8's default `ignore` (pycodestyle's checks that PEP 8 leaves to taste), in force unless `ignore` is set.
FLAKE8_DEFAULT_IGNORE = ("E121", "E123", "E126", "E226", "E24", "E704", "W503", "W504")
#: What flake8 accepts as a code or code prefix in its options.
_FLAKE8_CODE_RE = lazy(r"^[A-Z]{1,3}[0-9]{0,3}$")


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


def arguments(repo: RepoView, settings: Settings) -> list[str] | None:
    """`ruff check` arguments beyond the project's own configuration (None: the settings select nothing ruff has).

    A project that configures ruff keeps its configuration; ruff is told only what it lacks: the codes to check
    when it selects none (E, W, F) and a line length when it sets none and flake8 or black has one. A project
    that does not configure ruff is checked as the flake8 backend would check it (see `from_flake8`).
    """
    args = [
        "check", "--output-format", "concise", "--quiet", "--no-cache", "--no-fix", "--exit-zero", "--force-exclude",
    ]
    honour = settings.honours_suppressions  # under `grade`: not the submission's ruff or black settings, nor noqa
    _, sections, _ = flake8_options(repo, settings)
    options = sections.get("flake8", {})
    black = project_line_length(repo) if honour else None
    length = flake8_line_length(options) or black
    config = ruff_config(repo) if honour else None
    if not honour:
        args.append("--ignore-noqa")
    if config is None:
        translated = from_flake8(options, length or PEP8_LINE_LENGTH, black_defaults=black is not None)
        return None if translated is None else [*args, "--isolated", *translated]
    lint = config.get("lint", {}) if isinstance(config.get("lint"), dict) else {}
    if not any(key in config or key in lint for key in _SELECT_KEYS):
        args += ["--select", ",".join(RUFF_PREFIXES)]
    if "line-length" not in config and length:
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


def from_flake8(options: Mapping[str, str], line_length: int, black_defaults: bool = False) -> list[str] | None:
    """ruff arguments that check what flake8 checks with these options (its `[flake8]` section, strings).

    ruff is given the exact codes flake8 would report: each code of the installed ruff that an installed flake8
    plugin also has (pycodestyle E/W, pyflakes F, mccabe C90 when `max-complexity` is set, any other plugin's
    prefix), decided as flake8 decides (`flake8_decides`) from `select`, `extend-select`, `ignore` (default: flake8's
    list), `extend-ignore` and black's conflicts (`black_defaults`). pycodestyle's whitespace and blank-line checks
    are preview rules in ruff: they are turned on one by one (`explicit-preview-rules`) where ruff can report them
    under their codes (0.16 on). Also translated: `per-file-ignores`, `exclude`/`extend-exclude`,
    `max-line-length`, `max-complexity` and `max-doc-length`. None when flake8 would report no code ruff has.
    """
    complexity = _number(option(options, "max-complexity"))
    decide = flake8_decides(options, black_defaults)
    table = rule_table()
    preview_ok = ruff_version() >= (0, 16)
    mccabe = (complexity or 0) > 0  # mccabe reports nothing without a maximum
    codes = [
        code for code, rule in sorted(table.items())
        if rule.selectable and (preview_ok or not rule.preview) and _flake8_has(code) and decide(code) and (
            mccabe or not code.startswith("C90"))
    ]
    if not table:  # ruff could not list its rules: its stable pycodestyle and pyflakes families, as flake8's
        codes = [prefix for prefix in RUFF_PREFIXES if decide(prefix)]
    if not codes:
        return None
    args = ["--select", ",".join(codes), "--line-length", str(line_length)]
    overrides = []
    if any(table[code].preview for code in codes if code in table):
        args.append("--preview")
        overrides += ["lint.explicit-preview-rules = true", "output-prefer-rule-codes = true"]
    if complexity and complexity > 0:
        overrides.append(f"lint.mccabe.max-complexity = {complexity}")
    doc_length = _number(option(options, "max-doc-length"))
    if doc_length and doc_length > 0:
        overrides.append(f"lint.pycodestyle.max-doc-length = {doc_length}")
    per_file = _per_file_ignores(option(options, "per-file-ignores"))
    if per_file:
        entries = ", ".join(f"{json.dumps(glob)} = {json.dumps(codes)}" for glob, codes in per_file.items())
        overrides.append(f"lint.per-file-ignores = {{{entries}}}")
    for setting in overrides:
        args += ["--config", setting]
    for key in ("exclude", "extend-exclude"):
        for pattern in _comma_list(option(options, key)):
            args += ["--extend-exclude", pattern]
    return args


def flake8_decides(options: Mapping[str, str], black_defaults: bool = False) -> Callable[[str], bool]:
    """Whether flake8, with these options, reports a code: its documented selection rules (an explicit choice
    beats a default one; between two of a kind the longer prefix wins, an ignore winning a tie)."""
    select, extend_select = _codes(option(options, "select")), _codes(option(options, "extend-select")) or []
    ignore, extend_ignore = _codes(option(options, "ignore")), _codes(option(options, "extend-ignore")) or []
    chosen = (*(select or ()), *extend_select)
    dropped = (*(ignore or ()), *extend_ignore)
    if select is not None:
        selected: tuple[str, ...] = chosen
    else:
        selected = (*_installed_prefixes(), *extend_select)  # flake8's default: every installed plugin's prefix
    if ignore is not None:
        ignored: tuple[str, ...] = dropped
    else:
        ignored = (*FLAKE8_DEFAULT_IGNORE, *(BLACK_CONFLICTS if black_defaults else ()), *extend_ignore)

    def longest(code: str, prefixes: Sequence[str]) -> int:
        return max((len(p) for p in prefixes if code.startswith(p)), default=-1)

    def decides(code: str) -> bool:
        is_selected, is_ignored = longest(code, selected) >= 0, longest(code, ignored) >= 0
        if not is_ignored:
            return is_selected
        if not is_selected:
            return False
        explicit_select, explicit_ignore = longest(code, chosen) >= 0, longest(code, dropped) >= 0
        if explicit_select != explicit_ignore:
            return explicit_select
        return longest(code, selected) > longest(code, ignored)

    return decides


def _installed_prefixes() -> tuple[str, ...]:
    """The code prefixes of the installed flake8 checker plugins (pycodestyle's and pyflakes' at least)."""
    from mlrepolint.rules.wrapped.flake8 import Flake8Unavailable, code_prefixes

    try:
        return code_prefixes()
    except Flake8Unavailable:
        return (*RUFF_PREFIXES, "C90")


def _flake8_has(code: str) -> bool:
    """Whether an installed flake8 plugin reports codes under which `code` falls: its prefix starts the code and
    has the same letters (pycodestyle's `E` owns E501, not ruff's EM101 of flake8-errmsg)."""
    letters = code.rstrip("0123456789")
    return any(code.startswith(p) and p.rstrip("0123456789") == letters for p in _installed_prefixes())


@functools.lru_cache(maxsize=None)
def ruff_version() -> tuple[int, ...]:
    """The installed ruff's version, (0,) when it cannot be told: the `ruff` package's, else `ruff --version`'s."""
    from importlib import metadata

    try:
        text = metadata.version("ruff")
    except metadata.PackageNotFoundError:
        try:
            text = subprocess.run([find_ruff() or "ruff", "--version"], capture_output=True, text=True, check=True,
                                  timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return (0,)
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(part) for part in match.groups() if part is not None) if match else (0,)


def _comma_list(value: str | None) -> list[str]:
    """flake8's comma- (or whitespace-) separated list."""
    return [item for item in re.split(r"[,\s]", value or "") if item]


def _codes(value: str | None) -> list[str] | None:
    """The codes and code prefixes of a flake8 code list (None when the option is not set); anything else in it,
    such as the words of a comment written inside the value, is not a code and is left out, as flake8 ignores it."""
    if value is None:
        return None
    return [item for item in _comma_list(value) if _FLAKE8_CODE_RE.match(item)]


def _number(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


def _per_file_ignores(value: str | None) -> dict[str, list[str]]:
    """flake8's `per-file-ignores` (`glob: CODES` entries) as {glob: codes ruff knows}."""
    if not value:
        return {}
    from flake8.utils import parse_files_to_codes_mapping

    try:
        mapping = parse_files_to_codes_mapping(value)
    except ValueError:  # flake8 itself refuses such a value (and says so when it is the backend)
        return {}
    table: dict[str, list[str]] = {}
    for glob, codes in mapping:
        known = [code for code in codes if _FLAKE8_CODE_RE.match(code) and _ruff_selector(code)]
        if known:
            table.setdefault(glob, []).extend(known)
    return table


def _ruff_selector(selector: str) -> bool:
    """Whether ruff accepts `selector` (it rejects codes and prefixes it has no rule under)."""
    return selector in RUFF_PREFIXES or any(code.startswith(selector) for code in rule_table())


class RuffRule(NamedTuple):
    """One rule of the installed ruff, as `ruff rule --all` describes it."""

    name: str
    linter: str
    summary: str
    explanation: str
    preview: bool
    selectable: bool = True  # False for rules ruff has removed or deprecated (selecting them is an error)


@functools.lru_cache(maxsize=None)
def rule_table() -> dict[str, RuffRule]:
    """code -> the rule, for every rule of the installed ruff (`ruff rule --all`); {} without ruff."""
    executable = find_ruff()
    if executable is None:
        return {}
    try:
        proc = subprocess.run(
            [executable, "rule", "--all", "--output-format", "json"], capture_output=True, check=True, timeout=60,
        )
        table: Any = json.loads(proc.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return {}
    rules = {}
    for entry in table if isinstance(table, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("code"), str) and isinstance(entry.get("name"), str):
            status = entry.get("status")
            status = next(iter(status), "") if isinstance(status, dict) else str(status or "")
            rules[entry["code"]] = RuffRule(
                entry["name"], str(entry.get("linter", "")), str(entry.get("summary", "")),
                str(entry.get("explanation", "")), entry.get("preview") is True,
                status not in ("Removed", "Deprecated"),
            )
    return rules


def ruff_findings(
    repo: RepoView, settings: Settings, files: Sequence[str], stale: Sequence[str] | None = None,
) -> tuple[list[Finding], list[str]]:
    """ruff's findings over `files` (paths relative to the root), and warnings when ruff is missing or fails.
    Given `stale`, ruff runs on those of the files only (the others' findings are known): it is configured for
    all of `files` all the same, so that the findings do not depend on which files changed."""
    executable = find_ruff()
    if executable is None:
        return [], [MISSING]
    args = arguments(repo, settings)
    if args is None:
        return [], []
    warnings = []
    unsafe = [] if "--isolated" in args else unsafe_configs(repo, files)
    if unsafe:  # ruff would read them: it runs without any configuration file instead
        warnings.append(
            f"ruff: the project's ruff settings are ignored, because {unsafe[0]} is not a regular file inside the "
            "repository of a readable size"
        )
        args.append("--isolated")
    command = [executable, *args, "--"]
    # Colours off whatever the user's terminal settings: the output is parsed, not shown.
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env["NO_COLOR"] = "1"
    files = files if stale is None else stale
    reader = _Reader(str(repo.root), files)
    for chunk in _chunks(files):
        try:
            proc = subprocess.run([*command, *chunk], cwd=reader.root, env=env, capture_output=True, check=False)
        except OSError as exc:
            return reader.findings(), [*warnings, _failed(str(exc))]
        if proc.returncode != 0:
            stderr = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            return reader.findings(), [*warnings, _failed((stderr or [f"exit code {proc.returncode}"])[-1])]
        unreadable = reader.read(proc.stdout.decode("utf-8", "surrogateescape"))
        if unreadable is not None:
            return reader.findings(), [*warnings, _failed(f"unexpected output {unreadable!r}")]
    return reader.findings(), warnings


FAILED = "ruff failed, so the PEP 8 checks are incomplete"


def _failed(reason: str) -> str:
    return f"{FAILED}: {reason}"


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
        self.unparsed: set[str] = set()  # ruff's spelling of the files it could not parse
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
                self.unparsed.add(where)
                continue
            path = paths.get(where)
            if path is None:
                path = paths[where] = self._relative(where)
            head = heads.get(code)
            if head is None:
                severity = pep8_severity(code)
                head = heads[code] = wrapped_finding(SOURCE, code, rule_name(code), severity, "", 0, 0, "")[:5]
            # Built directly from the code's shared fields: ruff can report a few hundred thousand findings.
            found.append(new(Finding, (*head, path, int(row), int(column), message, None, None)))
        return None

    def findings(self) -> list[Finding]:
        """The findings read, except in files ruff could not parse: flake8 checks only files that parse, and
        `parse-error` stands for the file's problems, so the two backends agree."""
        if not self.unparsed:
            return self.found
        broken = {self._paths.get(where) or self._relative(where) for where in self.unparsed}
        return [finding for finding in self.found if finding.path not in broken]

    def _relative(self, path: str) -> str:
        return os.path.relpath(os.path.join(self.root, path), self.root).replace(os.sep, "/")


#: path:row:column: then a code (absent for syntax errors, `invalid-syntax: ...`) and the fixable mark `[*]`.
_LINE_RE = lazy(r"^(.+?):(\d+):(\d+): (?:([A-Z]+[0-9]+) (?:\[\*\] )?)?(.*)$", re.MULTILINE)
