"""The registry: every checker installed under the `mlrepolint.checkers` entry point group, and their rules.

Built-in checkers are registered through the same entry point group as third-party ones, so there is one path.
A checker that fails to import, is not a checker, or declares a code or name already taken is skipped with a
warning; it never breaks the run.

The built-in checkers' rules are read from `mlrepolint.rules.index`, generated from their declarations (`python -m
mlrepolint.docs`; tests/test_docs.py fails when it is stale), and a built-in checker is imported only when a run
needs its code: its rules are selected and a file or the repository is linted where the cache has no result. A
warm run imports none; starting up with all of them imported cost a single-file run about a fifth of its time.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass, field
from importlib.machinery import PathFinder as _PathFinder
from typing import Any, Callable, Iterable, Mapping, NamedTuple

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Autofix, Checker, PythonChecker, RepoChecker, Rule
from mlrepolint.rules.meta import ENGINE_RULES

ENTRY_POINT_GROUP = "mlrepolint.checkers"
#: The distribution whose checkers are built in (and documented in docs/rules/).
BUILTIN_DISTRIBUTION = "mlrepolint"
#: Where the built-in repository checkers live (per-file checkers are under mlrepolint.rules.python).
BUILTIN_REPO_CHECKERS = "mlrepolint.rules.repo."


class Plugin:
    """One entry point: where it came from, the rules its checker declares, and the checker itself, which a built-in
    plugin read from the index imports on first use (`load` imports it)."""

    def __init__(
        self, name: str, distribution: str, version: str, checker: type[Checker] | None = None, *,
        indexed: Mapping[str, Any] | None = None, target: str = "", load: Callable[[], Any] | None = None,
    ) -> None:
        self.name, self.distribution, self.version = name, distribution, version
        self._checker = checker
        self._load = load
        if indexed is not None:
            self.rules: tuple[Rule, ...] = tuple(_rule(fields) for fields in indexed["rules"])
            self.per_file: bool = indexed["kind"] == "python"
            self.by_file: bool = indexed["by_file"]
            self.shares: bool = indexed.get("shares", False)
            self.target = target
        else:
            assert checker is not None, "a plugin is its checker, or an index entry and a way to load it"
            self.rules = checker.rules
            self.per_file = issubclass(checker, PythonChecker)
            self.by_file = getattr(checker, "by_file", False)
            #: True for a repository checker that takes shares of files from the per-file pass.
            self.shares = takes_shares(checker)
            #: What names the checker in the cache: the entry point's `module:Class`.
            self.target = target or f"{checker.__module__}:{checker.__qualname__}"

    @property
    def checker(self) -> type[Checker]:
        """The checker class (imported now, for a plugin read from the index)."""
        if self._checker is None:
            assert self._load is not None
            self._checker = self._load()
        return self._checker

    @property
    def loaded(self) -> bool:
        """True once the checker class is imported."""
        return self._checker is not None

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
        return [p.checker for p in self.plugins if p.per_file]

    @property
    def repo_checkers(self) -> list[type[RepoChecker]]:
        """Repository checkers, in registration order."""
        return [p.checker for p in self.plugins if not p.per_file]

    @property
    def builtin_rules(self) -> list[Rule]:
        """The engine's rules and those of mlrepolint's own checkers, without any third-party plugin's."""
        rules = list(ENGINE_RULES)
        for plugin in self.plugins:
            if plugin.builtin:
                rules.extend(plugin.rules)
        return rules

    def plugin_of(self, rule: Rule) -> Plugin | None:
        """The plugin whose checker declares `rule` (None for the engine's own rules)."""
        return next((p for p in self.plugins if rule in p.rules), None)

    def lookup(self, code_or_name: str) -> Rule | None:
        """The rule with this code or kebab-case name, if any."""
        return self.rules.get(code_or_name.upper()) or self._by_name.get(code_or_name.lower())

    def add(self, plugin: Plugin) -> None:
        """Register a plugin's checker, unless its rules are malformed or one clashes with a known rule."""
        rules = plugin.rules
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
        for rule in rules:
            self.rules[rule.code] = rule
            self._by_name[rule.name] = rule
        self.plugins.append(plugin)


class _EntryPoint(NamedTuple):
    """An entry point read from a distribution's `entry_points.txt` (what `importlib.metadata.EntryPoint` gives)."""

    name: str
    value: str

    def load(self) -> Any:
        """The object the entry point names (`module:attribute`), imported as importlib.metadata does."""
        import importlib

        found = _REFERENCE.match(self.value)
        if found is None:
            raise ValueError(f"{self.value!r} is not `module:attribute`")
        return functools.reduce(getattr, filter(None, (found["attr"] or "").split(".")),
                                importlib.import_module(found["module"]))


_REFERENCE = lazy(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


def _entry_points() -> Iterable[tuple[Any, str, str]]:
    """(entry point, distribution name, version) for our group, once each, built-ins first."""
    found = _scanned()
    if found is None:
        found = _from_importlib_metadata()
    seen = set()
    unique = []
    for item in found:
        if (item[0].name, item[0].value) not in seen:
            seen.add((item[0].name, item[0].value))
            unique.append(item)
    unique.sort(key=lambda item: (item[1] != BUILTIN_DISTRIBUTION, item[1], item[0].name))
    return unique


def _distribution_key(name: str) -> str:
    """A distribution's name the way importlib.metadata compares them: the first folder of each on the path wins."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _scanned() -> list[tuple[_EntryPoint, str, str]] | None:
    """Our group's entry points, read from the metadata folders on `sys.path` the way importlib.metadata finds
    them (the first folder of each normalized distribution name wins) without importing it, which cost a tenth of a
    single-file run; None where it would find distributions this does not read (a zip or egg on the path, another
    finder of distributions)."""
    if sys.version_info < (3, 10) or any(hasattr(finder, "find_distributions") and finder is not _PathFinder
                                         for finder in sys.meta_path):
        return None
    names: set[str] = set()
    found = []
    for entry in sys.path:
        folder = entry or "."
        try:
            children = os.listdir(folder)
        except OSError:
            if os.path.exists(folder):
                return None  # a zip file
            continue
        if folder.lower().endswith(".egg"):
            return None
        for child in children:
            stem, dot, suffix = child.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                if child.lower().endswith((".dist-info", ".egg-info")):
                    return None  # named in a case importlib.metadata reads its name from the metadata for
                continue
            name = _distribution_key(stem.partition("-")[0])
            if name in names:
                continue
            names.add(name)
            text = _read(os.path.join(folder, child, "entry_points.txt"))
            points = [_EntryPoint(*pair) for pair in _group(text)] if text else []
            if points:
                meta = _headers(_read(os.path.join(folder, child, "METADATA" if suffix == "dist-info" else "PKG-INFO")))
                found += [(point, meta.get("name") or "?", meta.get("version") or "?") for point in points]
    return found


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _group(text: str) -> Iterable[tuple[str, str]]:
    """(name, value) of each entry point of our group in an `entry_points.txt` (importlib.metadata's reading: lines
    stripped, `#` comments and blank lines skipped, `[section]` headers, `name = value`)."""
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == ENTRY_POINT_GROUP and "=" in line:
            name, value = line.split("=", 1)
            yield name.strip(), value.strip()


def _headers(text: str | None) -> dict[str, str]:
    """The first value of each header of a METADATA / PKG-INFO file, by lower-case name."""
    headers: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and not line[0].isspace():
            headers.setdefault(key.strip().lower(), value.strip())
    return headers


def _from_importlib_metadata() -> list[tuple[Any, str, str]]:
    """Our group's entry points from importlib.metadata. On Python 3.10+ only the distributions providing them have
    their metadata parsed: parsing every installed distribution's costs about a millisecond each, a quarter of a
    second in a typical ML environment."""
    from importlib import metadata

    found: list[tuple[Any, str, str]] = []
    if sys.version_info >= (3, 10):
        names: dict[int, tuple[str, str]] = {}  # a distribution's metadata is parsed again on every access
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = ep.dist
            if dist is not None and id(dist) not in names:
                meta = dist.metadata
                names[id(dist)] = (meta["Name"] or "?", meta["Version"] or "?")
            found.append((ep, *(names[id(dist)] if dist is not None else ("?", "?"))))
    else:  # pragma: no cover - entry points do not know their distribution before 3.10
        seen: set[str] = set()
        for dist in metadata.distributions():
            dist_name = dist.metadata["Name"] or "?"
            if _distribution_key(dist_name) in seen:
                continue  # a copy further down the path, which 3.10's entry_points() leaves out too
            seen.add(_distribution_key(dist_name))
            found += [(ep, dist_name, dist.version) for ep in dist.entry_points if ep.group == ENTRY_POINT_GROUP]
    return found


@functools.lru_cache(maxsize=None)
def load_registry(per_file_only: bool = False, indexed: bool = True) -> Registry:
    """Load every installed checker once per process.

    `per_file_only` is for tools that run only per-file rules (the flake8 and pylint plugins, on every save):
    mlrepolint's own repository checkers are then not known. A third-party checker is still imported, since only
    importing it tells whether it is per file. With `indexed` (the default) a built-in checker's rules come from
    the index and the checker is imported on first use; without it (what generates the index and the docs) every
    checker is imported now.
    """
    index = _index() if indexed else {}
    registry = Registry(rules={rule.code: rule for rule in ENGINE_RULES})
    for ep, dist_name, version in _entry_points():
        if per_file_only and dist_name == BUILTIN_DISTRIBUTION and ep.value.startswith(BUILTIN_REPO_CHECKERS):
            continue
        entry = index.get(ep.value) if dist_name == BUILTIN_DISTRIBUTION else None
        if entry is not None:
            registry.add(Plugin(ep.name, dist_name, version, indexed=entry, target=ep.value, load=ep.load))
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


def _index() -> Mapping[str, Mapping[str, Any]]:
    from mlrepolint.rules.index import CHECKERS

    return CHECKERS


def _rule(fields: Mapping[str, Any]) -> Rule:
    """A rule from its index entry (the fields that differ from their defaults)."""
    autofixes = tuple(Autofix(**fix) for fix in fields.get("autofixes", ()))
    return Rule(**{**fields, "autofixes": autofixes})


def takes_shares(checker: type[Checker]) -> bool:
    """True for a repository checker that takes shares of files from the per-file pass (it overrides
    `RepoChecker.shares_of_source`)."""
    return issubclass(checker, RepoChecker) and checker.shares_of_source is not RepoChecker.shares_of_source


def index_entries(registry: Registry) -> dict[str, dict[str, Any]]:
    """What `mlrepolint.rules.index` holds for each built-in checker (imported here): its kind, whether its
    findings are by file, and each rule's fields that differ from their defaults."""
    from dataclasses import fields

    entries: dict[str, dict[str, Any]] = {}
    for plugin in registry.plugins:
        if not plugin.builtin:
            continue
        checker = plugin.checker
        rules = []
        for rule in checker.rules:
            values: dict[str, Any] = {}
            for f in fields(Rule):
                value = getattr(rule, f.name)
                default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
                if value == default and f.name not in ("code", "name"):
                    continue
                if f.name == "severity":
                    value = value.value
                elif f.name == "autofixes":
                    value = tuple({"applicability": fix.applicability.value, "what": fix.what} for fix in value)
                elif f.name == "options":
                    value = dict(value)
                values[f.name] = value
            rules.append(values)
        entries[plugin.target] = {
            "kind": "python" if issubclass(checker, PythonChecker) else "repo",
            "by_file": bool(getattr(checker, "by_file", False)),
            "shares": takes_shares(checker),
            "rules": tuple(rules),
        }
    return entries


def index_source(registry: Registry) -> str:
    """The text of `mlrepolint/rules/index.py` for the built-in checkers of `registry` (loaded without the index)."""
    return (
        '"""The built-in checkers\' rules, generated from their declarations by `python -m mlrepolint.docs`: edit the\n'
        'rules, not this. The registry reads it so that a run knows every rule without importing a checker."""\n\n'
        f"CHECKERS = {_literal(index_entries(registry), 0)}\n"
    )


def _literal(value: Any, indent: int, width: int = 120) -> str:
    """`value` (a dict, tuple, string or scalar) as Python source, one item a line, no line wider than `width`
    where a string can be cut."""
    inner = " " * (indent + 4)
    if isinstance(value, dict):
        items = "".join(f"{inner}{key!r}: {_literal(item, indent + 4)},\n" for key, item in value.items())
        return "{\n" + items + " " * indent + "}"
    if isinstance(value, tuple):
        items = "".join(f"{inner}{_literal(item, indent + 4)},\n" for item in value)
        return "(\n" + items + " " * indent + ")" if value else "()"
    if isinstance(value, str) and len(repr(value)) + indent + 40 > width:
        pieces: list[str] = []
        for word in re.findall(r"[^ \n]*[ \n]*", value):
            if pieces and len(repr(pieces[-1] + word)) + len(inner) + 1 <= width:
                pieces[-1] += word
            elif word:
                pieces.append(word)
        return "(\n" + "".join(f"{inner}{piece!r}\n" for piece in pieces) + " " * indent + ")"
    return repr(value)
