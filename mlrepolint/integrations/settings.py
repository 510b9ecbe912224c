"""Settings for a file linted inside another tool: find its repository root and config without listing the repo.

flake8 and pylint hand us one file at a time. The root and the configuration are those `mlrepolint` itself would
use for the file, so the plugins and the CLI give the same answer: inside git, the work tree's top level (the
nearest folder above the file holding `.git`) and its `mlrepolint.toml` or `[tool.mlrepolint]` in its
`pyproject.toml`; a `pyproject.toml` in a subfolder is not read by either. Outside git, the working directory when
the file is inside it (as `mlrepolint .` there), else the nearest folder above the file with a configuration. The
configuration is read once per root and an Engine is built once per (root, config), with only the per-file
checkers loaded, so the cost of a file is only the checkers themselves.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from mlrepolint.engine import Engine


@functools.lru_cache(maxsize=None)
def find_root(directory: str, cwd: str | None = None) -> tuple[str, str | None]:
    """(root, config file or None) for a folder of files another tool lints, as `mlrepolint` would choose them."""
    from mlrepolint.config import find_config

    current = Path(directory)
    folders = (current, *current.parents)
    root = next((folder for folder in folders if (folder / ".git").exists()), None)
    if root is None:
        inside = cwd is not None and (current == Path(cwd) or Path(cwd) in current.parents)
        root = Path(cwd) if inside else next((f for f in folders if find_config(f) is not None), current)
    config = find_config(root)
    return str(root), str(config) if config is not None else None


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
    """One Engine per root and configuration (the repository is listed only when the project model is needed).

    Only the per-file checkers are loaded; a configuration that names a repository rule (`ignore = ["MLR401"]`)
    is then read again with every rule known, so it is checked exactly as the CLI checks it.
    """
    from mlrepolint.config import ConfigError
    from mlrepolint.engine import Engine
    from mlrepolint.rules.registry import load_registry

    try:
        registry = load_registry(per_file_only=True)
        settings = _settings(registry, config, overrides)
    except ConfigError:
        registry = load_registry()
        settings = _settings(registry, config, overrides)
    settings = settings.with_overrides(wrappers=())  # the host tool is the linter here: wrap nothing
    # Listed as `mlrepolint` lists it (git's file list inside git), so that the project model is the one a run
    # saved in the cache, loaded instead of built for every file an editor saves.
    top = _git_top(root)
    return Engine(top or Path(root), top is not None, settings, registry)


def _git_top(root: str) -> Path | None:
    """The root, resolved as the CLI resolves it, when it is a git work tree's top level; else None."""
    from mlrepolint.git import GitError, toplevel

    try:
        top = toplevel(Path(root))
    except GitError:
        return None
    return top.resolve() if top is not None and top.resolve() == Path(root).resolve() else None


def _settings(registry: Any, config: str | None, overrides: tuple[str, ...]) -> Any:
    from mlrepolint.config import _Reader, load_settings

    settings = load_settings(Path(config) if config else None, registry)
    if overrides:
        extra = _Reader(registry, "--mlr-option").rules(parse_option_overrides(overrides), "rules")
        settings = settings.with_overrides(rule_options={**settings.rule_options, **extra["rule_options"]})
    return settings


def locate_file(filename: str, config: str | None = None) -> tuple[str, str | None, str]:
    """(root, config, path relative to the root in POSIX form) for a file another tool is linting."""
    absolute = os.path.abspath(filename)
    root, found = find_root(os.path.dirname(absolute), os.getcwd())
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
    findings = engine.lint_module(PythonFile(path=rel, text=text, tree=tree))
    if engine not in _SETTLED:
        from mlrepolint.workers import freeze_loaded

        _SETTLED.add(engine)
        # The model and checkers now loaded live as long as the host, whose older generations' passes and exit
        # would walk them (20 ms of a save in an editor, on NeMo).
        freeze_loaded()
    return findings


#: Engines whose first file was linted (their project model and checkers are loaded, and frozen).
_SETTLED: set[Engine] = set()


def lint_source(filename: str, data: bytes, config: str | None = None) -> list:
    """mlrepolint's findings for one file whose bytes another tool read (pylint's trees are astroid, not ast)."""
    from mlrepolint.source import ParseFailure, parse_python

    try:
        module = parse_python(filename, data)
    except ParseFailure:  # the host tool reports syntax errors itself
        return []
    return lint_tree(filename, module.text, module.tree, config)
