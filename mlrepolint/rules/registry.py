"""The registry: every checker installed under the `mlrepolint.checkers` entry point group, and their rules.

Built-in checkers are registered through the same entry point group as third-party ones, so there is one path.
A checker that fails to import, is not a checker, or declares a code or name already taken is skipped with a
warning; it never breaks the run.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Iterable

from mlrepolint.rules.base import Checker, PythonChecker, RepoChecker, Rule
from mlrepolint.rules.meta import ENGINE_RULES

ENTRY_POINT_GROUP = "mlrepolint.checkers"
#: The distribution whose checkers are built in (and documented in docs/rules/).
BUILTIN_DISTRIBUTION = "mlrepolint"
#: Where the built-in repository checkers live (per-file checkers are under mlrepolint.rules.python).
BUILTIN_REPO_CHECKERS = "mlrepolint.rules.repo."


@dataclass(frozen=True)
class Plugin:
    """One loaded entry point: where it came from and the checker it provides."""

    name: str
    distribution: str
    version: str
    checker: type[Checker]

    @property
    def builtin(self) -> bool:
        """True for mlrepolint's own checkers."""
        return self.distribution == BUILTIN_DISTRIBUTION

    @property
    def label(self) -> str:
        """`'name' (distribution version)`, for messages."""
        return f"{self.name!r} ({self.distribution} {self.version})"


@dataclass
class Registry:
    """All known rules, by code and by name, and the checkers that report them."""

    plugins: list[Plugin] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name = {rule.name: rule for rule in self.rules.values()}

    @property
    def python_checkers(self) -> list[type[PythonChecker]]:
        """Per-file checkers, in registration order."""
        return [p.checker for p in self.plugins if issubclass(p.checker, PythonChecker)]

    @property
    def repo_checkers(self) -> list[type[RepoChecker]]:
        """Repository checkers, in registration order."""
        return [p.checker for p in self.plugins if issubclass(p.checker, RepoChecker)]

    @property
    def builtin_rules(self) -> list[Rule]:
        """The engine's rules and those of mlrepolint's own checkers, without any third-party plugin's."""
        rules = list(ENGINE_RULES)
        for plugin in self.plugins:
            if plugin.builtin:
                rules.extend(plugin.checker.rules)
        return rules

    def plugin_of(self, rule: Rule) -> Plugin | None:
        """The plugin whose checker declares `rule` (None for the engine's own rules)."""
        return next((p for p in self.plugins if rule in p.checker.rules), None)

    def lookup(self, code_or_name: str) -> Rule | None:
        """The rule with this code or kebab-case name, if any."""
        return self.rules.get(code_or_name.upper()) or self._by_name.get(code_or_name.lower())

    def add(self, plugin: Plugin) -> None:
        """Register a plugin's checker, unless its rules are malformed or one clashes with a known rule."""
        rules = plugin.checker.rules
        if not isinstance(rules, (tuple, list)) or not all(isinstance(rule, Rule) for rule in rules):
            self.warnings.append(f"plugin {plugin.label} skipped: `rules` must be a tuple of mlrepolint.api.Rule")
            return
        taken: dict[str, Rule] = {}
        for rule in rules:
            clash = self.rules.get(rule.code) or self._by_name.get(rule.name)
            clash = clash or taken.get(rule.code) or taken.get(rule.name)
            if clash is not None:
                owner = self.plugin_of(clash)
                if clash in ENGINE_RULES:
                    where = "mlrepolint's engine"
                else:
                    where = f"plugin {owner.label}" if owner is not None else "the same plugin"
                self.warnings.append(
                    f"plugin {plugin.label} skipped: rule {rule.code} {rule.name} clashes with "
                    f"{clash.code} {clash.name} from {where}"
                )
                return
            taken[rule.code] = taken[rule.name] = rule
        for rule in plugin.checker.rules:
            self.rules[rule.code] = rule
            self._by_name[rule.name] = rule
        self.plugins.append(plugin)


def _entry_points() -> Iterable[tuple[metadata.EntryPoint, str, str]]:
    """(entry point, distribution name, version) for our group, once each, built-ins first.

    On Python 3.10+ only the distributions providing our entry points have their metadata parsed: parsing every
    installed distribution's costs about a millisecond each, a quarter of a second in a typical ML environment.
    """
    seen = set()
    found = []
    if sys.version_info >= (3, 10):
        names: dict[int, tuple[str, str]] = {}  # a distribution's metadata is parsed again on every access
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if (ep.name, ep.value) not in seen:
                seen.add((ep.name, ep.value))
                dist = ep.dist
                if dist is not None and id(dist) not in names:
                    meta = dist.metadata
                    names[id(dist)] = (meta["Name"] or "?", meta["Version"] or "?")
                found.append((ep, *(names[id(dist)] if dist is not None else ("?", "?"))))
    else:  # pragma: no cover - entry points do not know their distribution before 3.10
        for dist in metadata.distributions():
            dist_name = dist.metadata["Name"] or "?"
            for ep in dist.entry_points:
                if ep.group != ENTRY_POINT_GROUP or (ep.name, ep.value) in seen:
                    continue
                seen.add((ep.name, ep.value))
                found.append((ep, dist_name, dist.version))
    found.sort(key=lambda item: (item[1] != BUILTIN_DISTRIBUTION, item[1], item[0].name))
    return found


@functools.lru_cache(maxsize=None)
def load_registry(per_file_only: bool = False) -> Registry:
    """Load every installed checker once per process.

    `per_file_only` is for tools that run only per-file rules (the flake8 and pylint plugins, on every save):
    mlrepolint's own repository checkers are then not imported, nor their rules known. A third-party checker is
    still imported, since only importing it tells whether it is per file.
    """
    registry = Registry(rules={rule.code: rule for rule in ENGINE_RULES})
    for ep, dist_name, version in _entry_points():
        if per_file_only and dist_name == BUILTIN_DISTRIBUTION and ep.value.startswith(BUILTIN_REPO_CHECKERS):
            continue
        label = f"{ep.name!r} ({dist_name} {version})"
        try:
            checker = ep.load()
        except (Exception, SystemExit) as exc:  # a broken plugin must not break the run
            registry.warnings.append(f"plugin {label} failed to load {ep.value}: {type(exc).__name__}: {exc}")
            continue
        if not (isinstance(checker, type) and issubclass(checker, (PythonChecker, RepoChecker))):
            registry.warnings.append(f"plugin {label} skipped: {ep.value} is not a PythonChecker or RepoChecker")
            continue
        registry.add(Plugin(ep.name, dist_name, version, checker))
    return registry
