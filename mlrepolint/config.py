"""Configuration: `[tool.mlrepolint]` in `pyproject.toml`, or `mlrepolint.toml`, read into one frozen Settings.

Command-line flags map one to one to these keys and win over them. Anything unknown (a key, a rule, an option,
a value of the wrong type, a selector no rule or installed wrapped tool answers to) is a ConfigError naming it and
the file it came from; the CLI turns that into exit 2.

Trust comes only from the person running mlrepolint: `trust-repo-config` is read from a file they name with
`--config`, never from the linted repository's own `mlrepolint.toml` / `pyproject.toml` (there it is ignored,
with a warning).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from mlrepolint.patterns import PatternError, compile_pattern
from mlrepolint.regex import lazy
from mlrepolint.rules.base import CATEGORIES, Severity
from mlrepolint.rules.registry import Registry
from mlrepolint.rules.wrapped import PEP8_BACKENDS, WRAPPERS, is_wrapped_selector
from mlrepolint.rubric import PEP8, SEVERITY_WEIGHTS, Rubric


def _tomllib() -> Any:
    """The TOML parser, imported on first use (a run in a repository without configuration reads no TOML)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised by tox on older Pythons
        import tomli as tomllib
    return tomllib


def __getattr__(name: str) -> Any:
    """`tomllib` (the standard library's, or tomli), which mlrepolint.api and the project model take from here."""
    if name == "tomllib":
        return _tomllib()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ConfigError(Exception):
    """A configuration problem; the message is one line meant for the user."""


#: The wrapped tools' codes a notebook's cells are not checked for by default: imports in a later cell (E402), and a
#: trailing semicolon, which in a notebook hides the cell's displayed value (E703).
NOTEBOOK_WRAPPED_OFF = ("E402", "E703")
#: The severities `fail-on` accepts, and `never`.
FAIL_ON = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class NotebookSettings:
    """`[tool.mlrepolint.notebooks]`: whether notebooks' code cells are linted, and the rules the notebook profile
    adds (`extend-select`) or leaves out (`ignore`): the profile is each rule's `notebooks` default (and
    `NOTEBOOK_WRAPPED_OFF` for the wrapped tools' codes), a rule's own `notebooks = true|false` wins over both."""

    lint: bool = True
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Everything that changes what a run does. Built from config, then overridden by CLI flags."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    jobs: int | None = None  # worker processes for per-file work; None: all cores
    cache: bool = True  # keep results in .mlrepolint_cache/ at the root
    wrappers: tuple[str, ...] = ("flake8",)  # wrapped tools; "flake8" is the PEP 8 pass, run by pep8_backend
    pep8_backend: str = "flake8"
    flake8: Mapping[str, Any] = field(default_factory=dict)  # flake8 options laid over the repository's own
    pylint: Mapping[str, Any] = field(default_factory=dict)  # pylint options laid over the repository's own
    trust_repo_config: bool = False  # let the repository's tool configs run code (pylint init-hook...)
    rubric: Rubric = field(default_factory=Rubric)
    fail_under: float | None = None  # exit 1 when the rubric score is below
    fail_on: str = "error"  # the least severe finding that fails the run, or "never"
    #: Honour the repository's own suppressions (`# noqa`, `# mlrepolint: disable=`, `# pylint: disable`, the
    #: wrapped tools' select/ignore/exclude settings). None: yes, except under `grade`.
    respect_suppressions: bool | None = None
    #: Also scan every object git keeps, for secrets and large files no longer in the tree (`--history`).
    history: bool = False
    #: Python files larger than this many bytes are reported (`parse-error`) instead of parsed.
    max_python_file_size: int = 5_000_000
    notebooks: NotebookSettings = field(default_factory=NotebookSettings)
    #: Rule name -> whether it runs in notebooks (`notebooks = true|false` in the rule's table), over its default.
    notebook_rules: Mapping[str, bool] = field(default_factory=dict)
    source: str | None = None  # the config file the settings came from, for messages
    #: Problems with the configuration that do not stop the run (a setting ignored), for the run's warnings.
    warnings: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: (selector, where it was written) of the selectors naming wrapped tools' codes, which only the installed
    #: tools can confirm (see `check_wrapped_selectors`).
    wrapped_selectors: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    @property
    def honours_suppressions(self) -> bool:
        """True unless `respect-suppressions` is off (the default under `grade`)."""
        return self.respect_suppressions is not False

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given fields replaced; None values are left as configured."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


class _Reader:
    """Validates one configuration table against the registry."""

    def __init__(self, registry: Registry, where: str, trusted: bool = True) -> None:
        self.registry = registry
        self.where = where
        self.trusted = trusted  # False for the linted repository's own file
        self.warnings: list[str] = []
        self.wrapped: list[tuple[str, str]] = []

    def selectors(self, value: Any, key: str) -> tuple[str, ...]:
        selectors = _string_list(value, key, self.where)
        for selector in selectors:
            where = f"{self.where}: '{key}'"
            if check_selector(self.registry, selector, where):
                self.wrapped.append((selector, where))
        return selectors

    def trust(self, value: Any, key: str) -> dict[str, Any]:
        trusted = _flag(value, key, self.where)
        if not self.trusted:
            if trusted:
                self.warnings.append(
                    f"{self.where}: '{key}' ignored: the linted repository cannot trust itself; pass "
                    "--trust-repo-config, or set it in a file given with --config"
                )
            return {}
        return {"trust_repo_config": trusted}

    def read(self, table: Mapping[str, Any]) -> Settings:
        fields: dict[str, Any] = {"source": self.where}
        for key, value in table.items():
            handler = _KEYS.get(key)
            if handler is None:
                raise ConfigError(f"{self.where}: unknown key '{key}' in {self.section}")
            fields.update(handler(self, value, key))
        return Settings(**fields, warnings=tuple(self.warnings), wrapped_selectors=tuple(self.wrapped))

    @property
    def section(self) -> str:
        return "mlrepolint.toml" if self.where.endswith("mlrepolint.toml") else "[tool.mlrepolint]"

    def per_file_ignores(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: '{key}' must be a table of glob = [rules]")
        return {
            "per_file_ignores": tuple(
                (glob, self.selectors(codes, f"{key}.{glob}"))
                for glob, codes in zip(_patterns(tuple(value), key, self.where), value.values())
            )
        }

    def severity(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: '{key}' must be a table of rule = \"error|warning|info\"")
        resolved = {}
        for ref, level in value.items():
            rule = self.registry.lookup(ref)
            if rule is None:
                raise ConfigError(f"{self.where}: unknown rule '{ref}' in '{key}'")
            try:
                resolved[rule.code] = Severity(level)
            except ValueError:
                raise ConfigError(
                    f"{self.where}: '{key}.{ref}' must be error, warning or info, not {level!r}"
                ) from None
        return {"severity": resolved}

    def rules(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: '{key}' must be a table of rule tables")
        options: dict[str, dict[str, Any]] = {}
        in_notebooks: dict[str, bool] = {}
        for ref, table in value.items():
            rule = self.registry.lookup(ref)
            if rule is None:
                raise ConfigError(f"{self.where}: unknown rule '{ref}' in [{key}]")
            if not isinstance(table, dict):
                raise ConfigError(f"{self.where}: '{key}.{ref}' must be a table of options")
            merged = dict(rule.options)
            for option, setting in table.items():
                if option == "notebooks" and "notebooks" not in rule.options:  # every rule has it
                    in_notebooks[rule.name] = _flag(setting, f"{key}.{ref}.{option}", self.where)
                    continue
                if option not in rule.options:
                    known = ", ".join(sorted(rule.options)) or "none"
                    raise ConfigError(
                        f"{self.where}: unknown option '{option}' for rule {rule.name} (options: {known})"
                    )
                merged[option] = _typed(setting, rule.options[option], f"{self.where}: '{key}.{ref}.{option}'")
            options[rule.name] = merged
        return {"rule_options": options, "notebook_rules": in_notebooks}

    def notebooks(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: [{key}] must be a table (lint, extend-select, ignore)")
        fields: dict[str, Any] = {}
        for name, setting in value.items():
            where = f"{key}.{name}"
            if name == "lint":
                fields["lint"] = _flag(setting, where, self.where)
            elif name == "extend-select":
                fields["extend_select"] = self.selectors(setting, where)
            elif name == "ignore":
                fields["ignore"] = self.selectors(setting, where)
            else:
                raise ConfigError(f"{self.where}: unknown key '{where}' (keys: lint, extend-select, ignore)")
        return {"notebooks": NotebookSettings(**fields)}

    def number(self, value: Any, key: str, low: float = 0.0, high: float | None = None) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{self.where}: '{key}' must be a number, not {type(value).__name__}")
        if value < low or (high is not None and value > high):
            limits = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise ConfigError(f"{self.where}: '{key}' must be {limits}, not {value}")
        return float(value)

    def fail_on(self, value: Any, key: str) -> dict[str, Any]:
        if value not in FAIL_ON:
            raise ConfigError(f"{self.where}: '{key}' must be one of {', '.join(FAIL_ON)}, not {value!r}")
        return {"fail_on": value}

    def rubric(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: '{key}' must be a table")
        fields: dict[str, Any] = {}
        for name, setting in value.items():
            where = f"{key}.{name}"
            if name == "weights":
                fields["weights"] = self._weights(setting, where, lambda ref: ref if ref in CATEGORIES else None)
            elif name == "rule-weights":
                fields["rule_weights"] = self._weights(setting, where, self._rule_code)
            elif name == "pep8-tolerance":
                fields["pep8_tolerance"] = self.number(setting, where)
            elif name == "severity-weights":
                fields["severity_weights"] = self._weights(
                    setting, where, lambda ref: ref if ref in SEVERITY_WEIGHTS else None
                )
            else:
                raise ConfigError(
                    f"{self.where}: unknown key '{name}' in [{key}] "
                    "(keys: weights, rule-weights, severity-weights, pep8-tolerance)"
                )
        return {"rubric": Rubric(**fields)}

    def _rule_code(self, ref: str) -> str | None:
        if ref == PEP8:
            return PEP8
        rule = self.registry.lookup(ref)
        return rule.code if rule is not None else None

    def _weights(self, value: Any, key: str, resolve: Any) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where}: '{key}' must be a table of name = weight")
        weights = {}
        for ref, weight in value.items():
            resolved = resolve(ref)
            if resolved is None:
                what = "severity" if key.endswith("severity-weights") else "category or rule"
                raise ConfigError(f"{self.where}: unknown {what} '{ref}' in [{key}]")
            weights[resolved] = self.number(weight, f"{key}.{ref}")
        return weights


def _choices(value: Any, key: str, where: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = _string_list(value, key, where)
    for item in values:
        if item not in allowed:
            raise ConfigError(f"{where}: '{key}' must be chosen from {', '.join(allowed)}, not {item!r}")
    return values


def _choice(value: Any, key: str, where: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _tool_table(value: Any, key: str, where: str) -> dict[str, Any]:
    """A wrapped tool's options: names to strings, numbers, booleans or lists of strings (the tool checks names)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table of {key} options")
    for option, setting in value.items():
        scalar = isinstance(setting, (str, int, float, bool))
        if not scalar and not (isinstance(setting, list) and all(isinstance(v, str) for v in setting)):
            raise ConfigError(f"{where}: '{key}.{option}' must be a string, number, boolean or list of strings")
    return {key: dict(value)}


def _flag(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false")
    return value


def _patterns(patterns: tuple[str, ...], key: str, where: str) -> tuple[str, ...]:
    """Gitignore-style patterns, each checked now so that a malformed one is a config error, not a traceback."""
    for pattern in patterns:
        try:
            compile_pattern(pattern)
        except PatternError:
            raise ConfigError(f"{where}: '{key}' has an invalid gitignore-style pattern {pattern!r}") from None
    return patterns


def _typed(value: Any, default: Any, where: str) -> Any:
    """Check an option value against the type of its default."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConfigError(f"{where} must be {type(default).__name__}, not {type(value).__name__}")
    return value


_KEYS = {
    "select": lambda r, v, k: {"select": r.selectors(v, k)},
    "extend-select": lambda r, v, k: {"extend_select": r.selectors(v, k)},
    "ignore": lambda r, v, k: {"ignore": r.selectors(v, k)},
    "exclude": lambda r, v, k: {"exclude": _patterns(_string_list(v, k, r.where), k, r.where)},
    "extend-exclude": lambda r, v, k: {"extend_exclude": _patterns(_string_list(v, k, r.where), k, r.where)},
    "per-file-ignores": _Reader.per_file_ignores,
    "severity": _Reader.severity,
    "rules": _Reader.rules,
    "jobs": lambda r, v, k: {"jobs": _positive_int(v, k, r.where)},
    "cache": lambda r, v, k: {"cache": _flag(v, k, r.where)},
    "wrappers": lambda r, v, k: {"wrappers": _choices(v, k, r.where, WRAPPERS)},
    "pep8-backend": lambda r, v, k: {"pep8_backend": _choice(v, k, r.where, PEP8_BACKENDS)},
    "flake8": lambda r, v, k: _tool_table(v, k, r.where),
    "pylint": lambda r, v, k: _tool_table(v, k, r.where),
    "trust-repo-config": _Reader.trust,
    "respect-suppressions": lambda r, v, k: {"respect_suppressions": _flag(v, k, r.where)},
    "rubric": _Reader.rubric,
    "fail-under": lambda r, v, k: {"fail_under": r.number(v, k, 0.0, 100.0)},
    "fail-on": _Reader.fail_on,
    "history": lambda r, v, k: {"history": _flag(v, k, r.where)},
    "max-python-file-size": lambda r, v, k: {"max_python_file_size": _positive_int(v, k, r.where)},
    "notebooks": _Reader.notebooks,
}


def _positive_int(value: Any, key: str, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: '{key}' must be a whole number of at least 1")
    return value


def check_selector(registry: Registry, selector: str, where: str) -> bool:
    """Raise ConfigError unless the selector is `ALL` or names mlrepolint rules (a code, a code prefix, a name, as
    written: `mlr101` names nothing) or has the shape of a wrapped tool's code; True for the last, which
    `check_wrapped_selectors` checks against the installed tools once the settings are complete."""
    rule = registry.lookup(selector)
    if selector == "ALL" or (rule is not None and selector in (rule.code, rule.name)):
        return False
    if selector.startswith("MLR") and any(code.startswith(selector) for code in registry.rules):
        return False
    if is_wrapped_selector(selector):
        return True
    meant = (rule.code if selector.upper() == rule.code else rule.name) if rule is not None else selector.upper()
    hint = f" (did you mean '{meant}'?)" if rule is not None or is_wrapped_selector(meant) else ""
    raise ConfigError(f"{where}: unknown rule or prefix '{selector}'{hint}")


def check_wrapped_selectors(settings: Settings) -> None:
    """Raise ConfigError for the first wrapped-tool selector that no installed wrapped tool can report (flake8's
    plugins, pylint's messages, ruff's rules when ruff is the PEP 8 backend): a typo must not select nothing."""
    if not settings.wrapped_selectors:
        return
    from mlrepolint.rules.wrapped.known import is_known

    for selector, where in settings.wrapped_selectors:
        if not is_known(selector, ruff=settings.pep8_backend == "ruff"):
            raise ConfigError(f"{where}: unknown rule or prefix '{selector}' (no installed wrapped tool reports it)")


#: The repository's own config files, in the order they are looked for at the root.
REPO_CONFIGS = ("mlrepolint.toml", "pyproject.toml")
#: A config file larger than this is not read (a real one is a few kilobytes).
MAX_CONFIG_BYTES = 4 * 1024 * 1024
_TOML_LINE_RE = lazy(r"line (\d+)")


class TOMLError(ValueError):
    """A TOML document that cannot be read: `message` is one line, `line` 1-based."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads`, with every way it can fail as one TOMLError: invalid TOML, and nesting deep enough to
    exhaust the parser's recursion (`a = [[[[...]]]]`, which tomllib does not guard against)."""
    try:
        return _tomllib().loads(text)
    except ValueError as exc:  # TOMLDecodeError, and out-of-range dates
        found = _TOML_LINE_RE.search(str(exc))
        return _raise(f"invalid TOML: {exc}", int(found.group(1)) if found else 1)
    except RecursionError:
        return _raise("invalid TOML: nested too deeply to read")


def _raise(message: str, line: int = 1) -> Any:
    raise TOMLError(message, line) from None


def find_config(root: Path) -> Path | None:
    """`mlrepolint.toml` at the root, else a `pyproject.toml` with a `[tool.mlrepolint]` table (or one that names
    mlrepolint but cannot be read as TOML). Only regular files inside the root count: a FIFO or a symlink out of it
    is not a config."""
    for name in REPO_CONFIGS:
        data = _read_repo_file(root, name)
        if data is None:
            continue
        if name == "mlrepolint.toml":
            return root / name
        if b"mlrepolint" not in data:
            # No table of ours can be there (a key spelled with escapes, `"ml\u0072epolint"`, is not taken):
            # most pyproject.toml files are not parsed at all, which is most of what a plugin's file costs to set up.
            continue
        try:
            tool = parse_toml(data.decode("utf-8")).get("tool")
        except (TOMLError, UnicodeDecodeError):
            return root / name  # broken: the loader reports it
        if isinstance(tool, dict) and "mlrepolint" in tool:
            return root / name
    return None


def _read_repo_file(root: Path, name: str) -> bytes | None:
    from mlrepolint.repo import RepoView

    view = RepoView(root, (), is_git=False)  # reads only regular files inside the root, never blocking
    size = view.size(name)
    return view.read_bytes(name) if size is not None and size <= MAX_CONFIG_BYTES else None


def repo_settings(root: Path, registry: Registry) -> Settings:
    """The settings of the repository at `root` from its own config file (see `find_config`), else defaults.

    A file that is not valid TOML (or not UTF-8) does not stop the run: the repository is linted with the
    defaults, and the file gets a `parse-error` finding (see `toml_problem`). Invalid settings in a valid file
    are still a ConfigError: they are the user's own configuration, and silence would hide the mistake.
    """
    path = find_config(root)
    data = _read_repo_file(root, path.name) if path is not None else None
    if path is None or data is None or toml_problem(data) is not None:
        return Settings()
    return _settings_from(parse_toml(data.decode("utf-8")), path, registry, trusted=False)


def toml_problem(data: bytes) -> TOMLError | None:
    """Why `data` is not a TOML document (with the line), or None when it is one."""
    try:
        parse_toml(data.decode("utf-8"))
    except TOMLError as exc:
        return exc
    except UnicodeDecodeError as exc:
        return TOMLError(f"invalid TOML: not UTF-8 ({exc.reason})", data[: exc.start].count(b"\n") + 1)
    return None


def _load_toml(path: Path) -> dict[str, Any]:
    """A config file the user named (`--config`): any problem reading it is a ConfigError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES:,} bytes, not a config file")
    try:
        return parse_toml(data.decode("utf-8"))
    except (TOMLError, UnicodeDecodeError) as exc:
        message = exc.message if isinstance(exc, TOMLError) else f"invalid TOML: {exc}"
        raise ConfigError(f"{path}: {message}") from None


def load_settings(path: Path | None, registry: Registry) -> Settings:
    """Read settings from a config file the user named (None: defaults)."""
    if path is None:
        return Settings()
    return _settings_from(_load_toml(path), path, registry, trusted=True)


def _settings_from(data: dict[str, Any], path: Path, registry: Registry, trusted: bool) -> Settings:
    """The settings of a parsed config file; `trusted` is False for the linted repository's own file, which cannot
    turn `trust-repo-config` on."""
    where = display_path(path)
    tool = data.get("tool")
    table = tool.get("mlrepolint") if isinstance(tool, dict) else None
    if table is None:  # mlrepolint.toml (or a --config file) keeps its keys at the top level
        table = {} if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.mlrepolint] must be a table")
    return _Reader(registry, where, trusted).read(table)


def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
