"""Configuration: `[tool.mlrepolint]` in `pyproject.toml`, or `mlrepolint.toml`, read into one frozen Settings.

Command-line flags map one to one to these keys and win over them. Anything unknown (a key, a rule, an option,
a value of the wrong type) is a ConfigError naming it and the file it came from; the CLI turns that into exit 2.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from mlrepolint.repo import gitignore_spec
from mlrepolint.rules.base import CATEGORIES, Severity
from mlrepolint.rules.registry import Registry
from mlrepolint.rules.wrapped import PEP8_BACKENDS, WRAPPERS, is_wrapped_selector
from mlrepolint.scoring import FAIL_ON, PEP8, SEVERITY_WEIGHTS, Rubric

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised by tox on older Pythons
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration problem; the message is one line meant for the user."""


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
    source: str | None = None  # the config file the settings came from, for messages

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

    def __init__(self, registry: Registry, where: str) -> None:
        self.registry = registry
        self.where = where

    def selectors(self, value: Any, key: str) -> tuple[str, ...]:
        selectors = _string_list(value, key, self.where)
        for selector in selectors:
            check_selector(self.registry, selector, f"{self.where}: '{key}'")
        return selectors

    def read(self, table: Mapping[str, Any]) -> Settings:
        fields: dict[str, Any] = {"source": self.where}
        for key, value in table.items():
            handler = _KEYS.get(key)
            if handler is None:
                raise ConfigError(f"{self.where}: unknown key '{key}' in {self.section}")
            fields.update(handler(self, value, key))
        return Settings(**fields)

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
        for ref, table in value.items():
            rule = self.registry.lookup(ref)
            if rule is None:
                raise ConfigError(f"{self.where}: unknown rule '{ref}' in [{key}]")
            if not isinstance(table, dict):
                raise ConfigError(f"{self.where}: '{key}.{ref}' must be a table of options")
            merged = dict(rule.options)
            for option, setting in table.items():
                if option not in rule.options:
                    known = ", ".join(sorted(rule.options)) or "none"
                    raise ConfigError(
                        f"{self.where}: unknown option '{option}' for rule {rule.name} (options: {known})"
                    )
                merged[option] = _typed(setting, rule.options[option], f"{self.where}: '{key}.{ref}.{option}'")
            options[rule.name] = merged
        return {"rule_options": options}

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
            gitignore_spec([pattern])
        except (ValueError, re.error):  # pathspec's pattern errors are ValueErrors; bad ranges are re.errors
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
    "trust-repo-config": lambda r, v, k: {"trust_repo_config": _flag(v, k, r.where)},
    "rubric": _Reader.rubric,
    "fail-under": lambda r, v, k: {"fail_under": r.number(v, k, 0.0, 100.0)},
    "fail-on": _Reader.fail_on,
}


def _positive_int(value: Any, key: str, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: '{key}' must be a whole number of at least 1")
    return value


def check_selector(registry: Registry, selector: str, where: str) -> None:
    """Raise ConfigError unless the selector names at least one known rule or is a wrapped tool's code (prefix)."""
    if selector == "ALL" or registry.lookup(selector) is not None or is_wrapped_selector(selector):
        return
    if any(code.startswith(selector) for code in registry.rules):
        return
    raise ConfigError(f"{where}: unknown rule or prefix '{selector}'")


def find_config(root: Path) -> Path | None:
    """`mlrepolint.toml` at the root, else a `pyproject.toml` with a `[tool.mlrepolint]` table."""
    own = root / "mlrepolint.toml"
    if own.is_file():
        return own
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "mlrepolint" in _load_toml(pyproject).get("tool", {}):
                return pyproject
        except ConfigError:
            return pyproject  # let load_settings report the broken file
    return None


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_settings(path: Path | None, registry: Registry) -> Settings:
    """Read settings from a config file (None: defaults)."""
    if path is None:
        return Settings()
    data = _load_toml(path)
    where = display_path(path)
    tool = data.get("tool")
    table = tool.get("mlrepolint") if isinstance(tool, dict) else None
    if table is None:  # mlrepolint.toml (or a --config file) keeps its keys at the top level
        table = {} if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.mlrepolint] must be a table")
    return _Reader(registry, where).read(table)


def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
