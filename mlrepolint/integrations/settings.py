"""Settings for a file linted inside another tool: find its repository root and config without listing the repo.

flake8 and pylint hand us one file at a time. The root is the nearest folder above the file holding
`mlrepolint.toml`, a `pyproject.toml` with `[tool.mlrepolint]`, or `.git`; the configuration is read once per
root and an Engine is built once per (root, config), so the per-file cost is only the checkers themselves.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from mlrepolint.engine import Engine


@functools.lru_cache(maxsize=None)
def find_root(directory: str) -> tuple[str, str | None]:
    """(root, config file or None) for a folder: the nearest folder with a config or `.git`, else itself."""
    from mlrepolint.config import find_config

    current = Path(directory)
    for folder in (current, *current.parents):
        config = find_config(folder)
        if config is not None:
            return str(folder), str(config)
        if (folder / ".git").exists():
            return str(folder), None
    return directory, None


def parse_option_overrides(values: Sequence[str]) -> dict[str, dict[str, Any]]:
    """`RULE.OPTION=VALUE` strings -> `{rule: {option: value}}`; VALUE is a TOML value or a bare string."""
    from mlrepolint.config import ConfigError, tomllib

    table: dict[str, dict[str, Any]] = {}
    for item in values:
        ref, sep, raw = item.partition("=")
        rule, dot, option = ref.strip().partition(".")
        if not (sep and dot and rule and option):
            raise ConfigError(f"--mlr-option {item!r} must be RULE.OPTION=VALUE")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        table.setdefault(rule, {})[option.strip()] = value
    return table


@functools.lru_cache(maxsize=None)
def engine_for(root: str, config: str | None, overrides: tuple[str, ...] = ()) -> Engine:
    """One Engine per root and configuration (the repository is never listed: Engine.repo is lazy)."""
    from mlrepolint.config import _Reader, load_settings
    from mlrepolint.engine import Engine
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    settings = load_settings(Path(config) if config else None, registry)
    if overrides:
        extra = _Reader(registry, "--mlr-option").rules(parse_option_overrides(overrides), "rules")
        settings = settings.with_overrides(rule_options={**settings.rule_options, **extra["rule_options"]})
    settings = settings.with_overrides(wrappers=())  # the host tool is the linter here: wrap nothing
    return Engine(Path(root), False, settings, registry)


def locate_file(filename: str, config: str | None = None) -> tuple[str, str | None, str]:
    """(root, config, path relative to the root in POSIX form) for a file another tool is linting."""
    absolute = os.path.abspath(filename)
    root, found = find_root(os.path.dirname(absolute))
    if config:  # as with `mlrepolint --config`: the settings change, the root does not
        found = os.path.abspath(config)
    rel = os.path.relpath(absolute, root).replace(os.sep, "/")
    return root, found, rel


def lint_tree(filename: str, text: str, tree: Any, config: str | None = None,
              overrides: Sequence[str] = ()) -> list:
    """mlrepolint's findings for one file parsed by another tool (stdlib `ast` tree), suppressions applied."""
    from mlrepolint.source import PythonFile

    root, found, rel = locate_file(filename, config)
    engine = engine_for(root, found, tuple(overrides))
    if rel.startswith("../") or engine.excluded(rel):
        return []
    return engine.lint_module(PythonFile(path=rel, text=text, tree=tree))


def lint_source(filename: str, data: bytes, config: str | None = None) -> list:
    """mlrepolint's findings for one file whose bytes another tool read (pylint's trees are astroid, not ast)."""
    from mlrepolint.source import ParseFailure, parse_python

    try:
        module = parse_python(filename, data)
    except ParseFailure:  # the host tool reports syntax errors itself
        return []
    return lint_tree(filename, module.text, module.tree, config)
