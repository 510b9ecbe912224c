"""Rule declarations, findings and checker base classes.

A rule is declared once, as a `Rule`, and everything else (the CLI, `mlrepolint rule`, the docs, the flake8
plugin, SARIF) renders from that declaration. Checkers are the code that finds violations: a `PythonChecker`
receives each Python file parsed once, a `RepoChecker` receives the repository view. Both are registered through
the `mlrepolint.checkers` entry point group, built-ins included.

Code ranges: MLR0xx engine, MLR1xx documentation, MLR2xx structure, MLR3xx data hygiene (MLR30x) and
reproducibility (MLR31x), MLR4xx security, MLR5xx dependencies, MLR6xx containers, MLR7xx project layout, testing
and set-up, MLR8xx logging and errors, MLR9xx configuration. ML-specific rules of an existing family start at
MLRx10 (MLR410, MLR510) so that the family's general rules keep the low numbers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, NamedTuple

from mlrepolint.project import Project
from mlrepolint.regex import lazy

if TYPE_CHECKING:
    from mlrepolint.repo import ReadSource, RepoView
    from mlrepolint.source import PythonFile

CODE_RE = lazy(r"^MLR[0-9]{3}$")
NAME_RE = lazy(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

#: Rubric categories: stable ids and the titles shown to people.
CATEGORIES: dict[str, str] = {
    "code-quality": "Code quality",
    "documentation": "Documentation",
    "structure": "Structure",
    "testing": "Testing",
    "dependencies": "Dependencies",
    "data-hygiene": "Data hygiene",
    "security": "Security",
    "containers": "Containers",
    "logging-errors": "Logging and errors",
    "configuration": "Configuration",
    "project-setup": "Project set-up",
    "reproducibility": "Reproducibility",
}


class Severity(str, enum.Enum):
    """How serious a finding is; only `error` fails a run by default."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe, for sorting."""
        return ("error", "warning", "info").index(self.value)


class Applicability(str, enum.Enum):
    """When `--fix` applies a rule's fix (ruff's names): a safe fix keeps the code's meaning and runs with
    `--fix`; an unsafe one may change it (or reads something outside the repository) and needs `--unsafe-fixes`."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Autofix:
    """A fix `mlrepolint --fix` can make for a rule's findings: how safe it is, and what it changes. The fixes
    themselves are mlrepolint's own (mlrepolint/fixes/), for built-in rules: a plugin's rule declares none."""

    applicability: Applicability
    what: str

    def __post_init__(self) -> None:
        if not isinstance(self.applicability, Applicability):
            object.__setattr__(self, "applicability", Applicability(self.applicability))


@dataclass(frozen=True)
class Rule:
    """The one declaration of a rule.

    `description` says what the rule does, `rationale` why it matters in an ML repository, `fix` how to fix a
    finding; `bad` and `good` are short examples. `options` maps each option name to its default value; the
    default's type is the option's type. `autofixes` are the fixes `--fix` can make (mlrepolint/fixes/ makes them).
    """

    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    description: str
    rationale: str
    fix: str
    bad: str = ""
    good: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    default_enabled: bool = True
    #: Whether a per-file rule runs in notebooks' code cells (the notebook profile); rules about a module's
    #: structure (its docstring, main guard, top-level code, prints) do not. `notebooks = true|false` in the
    #: rule's table of the configuration overrides it.
    notebooks: bool = True
    autofixes: tuple[Autofix, ...] = ()

    def fixable(self, applicability: Applicability) -> bool:
        """True when the rule has a fix of that applicability."""
        return any(fix.applicability is applicability for fix in self.autofixes)

    def __post_init__(self) -> None:
        if not CODE_RE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be MLR and three digits")
        if not NAME_RE.match(self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")
        if self.category not in CATEGORIES:
            known = ", ".join(CATEGORIES)
            raise ValueError(f"rule {self.code} has unknown category {self.category!r} (categories: {known})")
        if not isinstance(self.severity, Severity):
            object.__setattr__(self, "severity", Severity(self.severity))


class Finding(NamedTuple):
    """One problem at one place. `line`/`column` are 1-based, or None for the whole file; in a notebook, `cell`
    is the cell's number (every cell counted, from 1) and `line`/`column` are within that cell.

    A named tuple rather than a dataclass: a large repository has hundreds of thousands of findings, and a warm
    run rebuilds each one from the cache (a tuple is built five times faster than a frozen dataclass).
    """

    code: str
    rule: str
    category: str
    severity: Severity
    source: str
    path: str
    line: int | None
    column: int | None
    message: str
    cell: int | None = None
    #: The commit a finding about git history names (the first to add what it found); None for every other.
    commit: str | None = None

    def sort_key(self) -> tuple:
        """Order by path, then position (cell, line, column), then code."""
        return (self.path, self.cell or 0, self.line or 0, self.column or 0, self.code, self.message)

    def cell_place(self) -> str:
        """Where in its notebook a finding is, for the formats whose lines are the file's (`cell 3, line 2,
        column 5`), or "" for a finding that is not in a notebook's cell."""
        if self.cell is None:
            return ""
        line = "" if self.line is None else f", line {self.line}"
        column = "" if self.column is None or self.line is None else f", column {self.column}"
        return f"cell {self.cell}{line}{column}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of one finding (`commit` only for findings about git history)."""
        document = {
            "code": self.code,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.value,
            "source": self.source,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            **({"cell": self.cell} if self.cell is not None else {}),
        }
        if self.commit is not None:
            document["commit"] = self.commit
        return document


@dataclass(frozen=True)
class Violation:
    """What a checker reports: a rule, a place in the file it was given, and a message."""

    rule: Rule
    line: int | None
    column: int | None
    message: str
    path: str | None = None  # repository checkers name the file; per-file checkers leave it None
    severity: Severity | None = None  # lower than the rule's for one finding (it cannot be checked); None: the rule's
    units: int = 1  # how many of the rule's examined units this finding stands for (repository rules)
    cell: int | None = None  # a notebook's cell, when the finding is about a cell that is not in its module


class Context:
    """What a checker reports into: violations, and how many things each rule examined (the denominators); and
    `project`, the project model (what each file is for), the same for every checker of the run."""

    def __init__(self, options: Mapping[str, Mapping[str, Any]], project: Project | None = None,
                 kept: Callable[[str], bool] | None = None) -> None:
        self._options = options
        self.project = project if project is not None else _EMPTY
        self.violations: list[Violation] = []
        self.examined: dict[str, int] = {}
        self._kept = kept
        #: Whether a checker left out work because `keeps` said its findings would be dropped.
        self.narrowed = False

    def keeps(self, paths: Iterable[str]) -> bool:
        """Whether the run keeps findings about any of `paths`: False only in a run limited to named files (the
        pre-commit hook) when none of them is named. A repository checker may then leave out the work whose
        findings would be about those files (the run does not record its result as the checker's whole)."""
        if self._kept is None or any(self._kept(path) for path in paths):
            return True
        self.narrowed = True
        return False

    def options(self, rule: Rule) -> Mapping[str, Any]:
        """The rule's options: its declared defaults overridden by the user's configuration."""
        return self._options.get(rule.name, rule.options)

    def report(
        self,
        rule: Rule,
        line: int | None,
        column: int | None,
        message: str,
        path: str | None = None,
        severity: Severity | None = None,
        units: int = 1,
        cell: int | None = None,
    ) -> None:
        """Record one violation of `rule`; `severity` lowers one finding below the rule's (the user's
        configured severity for the rule still wins). A repository rule's one finding may stand for several of
        the units it examined (`units`: "3 test functions where 20 are expected" fails 17). In a notebook, `cell`
        names a cell (with `line` within it) for a finding about a cell outside its module (an empty cell)."""
        self.violations.append(Violation(rule, line, column, message, path, severity, max(1, units), cell))

    def examine(self, rule: Rule, count: int = 1) -> None:
        """Record that `rule` looked at `count` more things (public definitions, scripts, files...)."""
        self.examined[rule.code] = self.examined.get(rule.code, 0) + count


_EMPTY = Project()


class Checker:
    """Base of every checker. Subclasses list the rules they report in `rules`."""

    rules: ClassVar[tuple[Rule, ...]] = ()


class PythonChecker(Checker):
    """Checks one Python file, parsed once and shared by every checker."""

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Report violations found in `file` into `ctx`."""
        raise NotImplementedError


class RepoChecker(Checker):
    """Checks the repository as a whole, through the repository view.

    `by_file` says that each of its findings is about one file and depends on that file alone (its content, name
    and tracked status), as the secrets scan's do: a run limited to named files (the pre-commit hook) then shows
    it those files only, so it reads nothing else.
    """

    by_file: ClassVar[bool] = False

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Report violations found in `repo` into `ctx`; each violation names its file."""
        raise NotImplementedError

    def shares_of_source(self, source: ReadSource, ctx: Context) -> dict[str, Any]:
        """The `repo.per_file` shares of a Python file or notebook that the per-file pass has just read, computed
        from its bytes there (in a worker, in parallel) instead of read again by `check`: namespace -> the value
        `per_file(namespace, source.path, compute)` would compute. `check` then finds them ready (when the file is
        unchanged since); a checker that gives any runs after the per-file pass. None by default."""
        return {}


def iter_rules(checkers: Iterable[type[Checker]]) -> Iterable[Rule]:
    """Every rule the given checkers declare."""
    for checker in checkers:
        yield from checker.rules
