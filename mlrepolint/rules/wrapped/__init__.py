"""Wrapped linters: flake8 (default), ruff (optional PEP 8 backend) and pylint (opt-in), in one report.

Their findings keep the tool's own codes (`E501`, `F401`, `B006`, `C0301`), `source` is the tool's name and the
category is `code-quality`. flake8 runs per file inside the engine's per-file path, on the text already read;
ruff (one subprocess) and pylint (fresh processes, in batches of files) run once over the files in scope. A tool
that is missing or fails becomes one warning in the Result, never a crash.

Rule names: pylint's own symbol (`unused-import`); for flake8 and ruff, the tool and the code lowered
(`flake8-e501`, `ruff-f401`), since those tools have no stable names of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol, Sequence

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Finding, Severity

if TYPE_CHECKING:
    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView
    from mlrepolint.selection import Selection
    from mlrepolint.source import PythonFile

CATEGORY = "code-quality"
WRAPPERS = ("flake8", "pylint")  # "flake8" is the PEP 8 pass, whose engine is `pep8-backend`
PEP8_BACKENDS = ("flake8", "ruff")

#: A wrapped tool's code or code prefix: letters then digits (`E`, `E5`, `E501`, `C0301`, `PLR0913`).
WRAPPED_CODE_RE = lazy(r"^[A-Z]+[0-9]*$")

#: pycodestyle/pyflakes codes that mean the module is broken, not merely untidy (flake8's classic "fatal" set).
_SERIOUS_PEP8 = ("E9", "F63", "F7", "F82")
#: pylint's inference-heavy messages, noisy on ML code (dynamic tensors, optional imports): off unless selected.
DEFAULT_OFF = {"E1101": "no-member", "E0401": "import-error", "E0611": "no-name-in-module"}
#: flake8/ruff codes that report what one of mlrepolint's rules reports (with more context): dropped while that rule
#: runs, so no finding is reported twice. pylint's duplicates are dropped by symbol (see pylint.py).
DUPLICATES = {"E722": "bare-except"}
#: Code prefixes each tool can report (beyond those the user names): ruff's PEP 8 set, pylint's categories.
RUFF_PREFIXES = ("E", "W", "F")
PYLINT_PREFIXES = ("C", "R", "W", "E", "F", "I")
#: A selector that can only name pylint codes (one letter, four digits), or a prefix shorter than flake8's codes.
_PYLINT_CODE_RE = lazy(r"^[CRWEFI][0-9]{4}$")
_PYLINT_SELECTOR_RE = lazy(r"^[CRWEFI]([0-9]{0,2}|[0-9]{4})$")
#: Codes that conflict with black's formatting; off by default when black or ruff sets a line length.
BLACK_CONFLICTS = ("E203", "W503", "E704")
#: pycodestyle's (and PEP 8's) maximum line length, flake8's default.
PEP8_LINE_LENGTH = 79


class RuffKnown(Protocol):
    """What the cache knows of ruff's findings, per file by content (see mlrepolint.cache)."""

    def ruff_results(self, files: Sequence[str]) -> tuple[dict[str, list[Finding]], list[str] | None]:
        """ruff's findings on those of `files` whose content is unchanged, and the warnings of the run that
        found them (None when unknown)."""

    def store_ruff(self, files: Sequence[str], findings: list[Finding], warnings: list[str]) -> None:
        """Record ruff's findings on `files` and its warnings."""


def is_wrapped_selector(selector: str) -> bool:
    """True for a selector that can name a wrapped tool's codes (anything code-shaped that is not MLR...)."""
    return bool(WRAPPED_CODE_RE.match(selector)) and not selector.startswith("MLR") and selector != "ALL"


def pep8_severity(code: str) -> Severity:
    """flake8/ruff codes: syntax errors and undefined names are errors, the rest warnings."""
    return Severity.ERROR if code.startswith(_SERIOUS_PEP8) else Severity.WARNING


def wrapped_finding(
    source: str, code: str, rule: str, severity: Severity, path: str, line: int | None, column: int | None,
    message: str,
) -> Finding:
    """A Finding from a wrapped tool (line and column 1-based, or None)."""
    return Finding(
        code=code, rule=rule, category=CATEGORY, severity=severity, source=source, path=path,
        line=line or None, column=column or None, message=message,
    )


def tool_selected(selection: Selection, prefixes: Iterable[str], selectors: Sequence[str]) -> bool:
    """True when the selection can enable at least one code under `prefixes`, so the tool is worth running.

    Each prefix is tried as a code (`E` is on unless ignored), and so is each positive selector under a prefix
    (`--select E501` enables E501 though the prefix `E` is not selected).
    """
    prefixes = tuple(prefixes)
    candidates = list(prefixes) + [s for s in selectors if s.startswith(prefixes)]
    return any(selection.enabled(code) for code in candidates)


def positive_selectors(settings: Settings) -> list[str]:
    """The select and extend-select entries (where a narrower code may turn a tool on)."""
    return [*(settings.select or ()), *settings.extend_select]


def project_line_length(repo: RepoView) -> int | None:
    """The line length black or ruff is configured with: `[tool.black]` `line-length` (or black's other spelling,
    `line_length`), else ruff's `line-length` (`.ruff.toml`, `ruff.toml`, `[tool.ruff]`); None when neither sets one.
    """
    tool = read_toml(repo, "pyproject.toml").get("tool", {})
    black = tool.get("black") if isinstance(tool, dict) else None
    if isinstance(black, dict):
        length = option(black, "line-length")
        if isinstance(length, int) and not isinstance(length, bool):
            return length
    ruff = ruff_config(repo)
    length = ruff.get("line-length") if ruff else None
    return length if isinstance(length, int) and not isinstance(length, bool) else None


def ruff_config(repo: RepoView) -> dict[str, Any] | None:
    """The project's ruff settings, from the file ruff itself would read: `.ruff.toml`, else `ruff.toml`, else
    `[tool.ruff]` in pyproject.toml; None when the project does not configure ruff."""
    for name in (".ruff.toml", "ruff.toml"):
        if repo.read_text(name) is not None:
            return read_toml(repo, name)
    tool = read_toml(repo, "pyproject.toml").get("tool", {})
    table = tool.get("ruff") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def option(options: Mapping[str, Any], key: str) -> Any:
    """A config value under its kebab-case key or the snake_case spelling flake8 and black accept too."""
    value = options.get(key)
    return options.get(key.replace("-", "_")) if value is None else value


def flake8_line_length(options: Mapping[str, str]) -> int | None:
    """`max-line-length` of flake8 options (strings, as in its config file), when it is a number."""
    value = option(options, "max-line-length")
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


def read_toml(repo: RepoView, path: str) -> dict[str, Any]:
    """A TOML file of the repository, or {} when absent, too large or broken (the tool itself will complain)."""
    from mlrepolint.config import MAX_CONFIG_BYTES, TOMLError, parse_toml

    size = repo.size(path)
    text = repo.read_text(path) if size is not None and size <= MAX_CONFIG_BYTES else None
    if not text:
        return {}
    try:
        return parse_toml(text)
    except TOMLError:
        return {}


@dataclass
class Wrappers:
    """The wrapped tools of one run: which run, their per-file and whole-run findings, and their warnings."""

    repo: RepoView
    settings: Settings
    selection: Selection
    own_rules: frozenset[str] = frozenset()  # mlrepolint's rule names: a pylint message of that name is a duplicate
    warnings: list[str] = field(default_factory=list)
    _failures: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        wants_pep8 = "flake8" in self.settings.wrappers
        self.pep8_backend = self.settings.pep8_backend if wants_pep8 else None
        self._setup_warnings: list[str] | None = None  # None: flake8 not set up yet (see `setup`)
        self._flake8 = None

    def setup(self) -> list[str]:
        """Set up the per-file tools (flake8's options and plugins) once; return the warnings of doing so.

        Lazy, because it costs more than a whole warm run: the engine calls it only when some file needs linting,
        or when the cache does not know its warnings (they depend only on what the cache is keyed on).
        """
        if self._setup_warnings is None:
            self._setup_warnings = []
            if self.pep8_backend == "flake8":
                from mlrepolint.rules.wrapped import flake8

                try:
                    if tool_selected(self.selection, flake8.code_prefixes(), positive_selectors(self.settings)):
                        self._flake8, warnings = flake8.load_config(self.repo, self.settings)
                        self._setup_warnings.extend(warnings)
                except flake8.Flake8Unavailable as exc:
                    self._setup_warnings.append(str(exc))
        return self._setup_warnings

    def _wanted(self, code: str) -> bool:
        """True when the selection keeps this flake8 code (flake8 then runs only the checks that can report it)."""
        from mlrepolint.rules.wrapped.flake8 import rule_name

        return self.selection.enabled(code, rule_name(code))

    def checks_style(self) -> bool:
        """True when a wrapped tool is set to run on the files: without one, the PEP 8 rate has nothing to count
        and the rubric must not give it a free score. Decided from the settings and the standard code prefixes,
        so it costs nothing on a warm run."""
        selectors = [s for s in positive_selectors(self.settings) if is_wrapped_selector(s)]
        if self.pep8_backend is not None and tool_selected(self.selection, RUFF_PREFIXES + tuple(selectors), selectors):
            return True
        return "pylint" in self.settings.wrappers and tool_selected(self.selection, PYLINT_PREFIXES, selectors)

    def per_file(self, module: PythonFile) -> list[Finding]:
        """flake8's findings for one parsed file (empty when flake8 is not running)."""
        self.setup()
        if self._flake8 is None:
            return []
        from mlrepolint.rules.wrapped import flake8

        try:
            return flake8.flake8_findings(self._flake8, module.path, module.lines, module.tree, self._wanted,
                                          module.text)
        except flake8.Flake8Failed as exc:
            self._failures.setdefault("flake8", []).append(f"{module.path}: {exc}")
            return []

    def whole_run(self, files: Sequence[str], known: RuffKnown | None = None) -> list[Finding]:
        """ruff's and pylint's findings over all the files in scope (those that are enabled), masked. ruff runs
        only on the files `known` has no findings for, and tells it its findings on the others (and its warnings):
        those were masked before they were recorded, so a warm run neither masks them again nor loads the
        secret detectors to do so."""
        found: list[Finding] = []
        if not files:
            return found
        selectors = positive_selectors(self.settings)
        if self.pep8_backend == "ruff":
            ruff_selectors = [s for s in selectors if is_wrapped_selector(s) and not _PYLINT_CODE_RE.match(s)]
            if tool_selected(self.selection, RUFF_PREFIXES + tuple(ruff_selectors), ruff_selectors):
                found += self._ruff(files, known)
        if "pylint" in self.settings.wrappers:
            pylint_selectors = [s for s in selectors if _PYLINT_SELECTOR_RE.match(s)]
            if tool_selected(self.selection, PYLINT_PREFIXES, pylint_selectors):
                from mlrepolint import mask
                from mlrepolint.rules.wrapped import pylint

                findings, warnings = pylint.pylint_findings(
                    self.repo, self.settings, self.selection, files, self.own_rules
                )
                found += mask.findings(findings)
                self.warnings += warnings
        return found

    def take_failures(self) -> list[tuple[str, str]]:
        """The per-file failures recorded so far, as (tool, "path: error"), forgetting them (worker processes
        send them to the main process with the file's result)."""
        taken = [(tool, failure) for tool, failures in self._failures.items() for failure in failures]
        self._failures.clear()
        return taken

    def record_failure(self, tool: str, failure: str) -> None:
        """Record a per-file failure that happened in a worker process."""
        self._failures.setdefault(tool, []).append(failure)

    def _ruff(self, files: Sequence[str], known: RuffKnown | None) -> list[Finding]:
        cached, cached_warnings = known.ruff_results(files) if known is not None else ({}, None)
        stale = [path for path in files if path not in cached]
        if not stale and cached_warnings is not None:
            self.warnings += cached_warnings
            return [finding for path in files for finding in cached[path]]
        # Imported only when ruff runs: a warm run, whose findings all come from the cache, never loads the ruff
        # module nor the flake8 module whose configuration reader it uses.
        from mlrepolint import mask
        from mlrepolint.rules.wrapped import ruff

        findings, warnings = ruff.ruff_findings(self.repo, self.settings, files, stale)
        findings = mask.findings(findings)  # kept in the cache
        self.warnings += warnings
        if known is not None and not any(w == ruff.MISSING or w.startswith(ruff.FAILED) for w in warnings):
            known.store_ruff(stale, findings, warnings)
        return [finding for path in files if path in cached for finding in cached[path]] + findings

    def finish(self) -> list[str]:
        """Every warning of the run, per-file failures folded into one line per tool."""
        for tool, failures in self._failures.items():
            more = f" (and {len(failures) - 1} more files)" if len(failures) > 1 else ""
            self.warnings.append(f"{tool} failed on {failures[0]}{more}; its findings there are missing")
        self._failures.clear()
        return self.warnings
