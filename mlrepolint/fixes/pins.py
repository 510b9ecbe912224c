"""unpinned-requirement: pin a requirements-file line to the version a lock file fixes, or (unsafe, asked for
with `--pin-from-env`) to the version installed in the running interpreter.

Only the requirement's version part changes: `pandas[sql] >=1.3 ; python_version < "3.12"  # io` becomes
`pandas[sql]==2.2.2 ; python_version < "3.12"  # io`, name, extras, marker, options and comment as written. A
line is left alone when the version found is not one the line allows (the lock is out of date), when lock files
disagree, or when it is a URL, continues over several lines, or carries `--hash` options.

Lock files are read as data (TOML, JSON, YAML nodes), never run: `uv.lock`, `poetry.lock`, `pdm.lock` (their
`[[package]]` tables), `Pipfile.lock` (`default` and `develop`), `conda-lock.yml` / `*.conda-lock.yml` (`package`).
The lock files that apply to a requirements file are those in its folder, else the nearest folder above it that
has one.
"""

from __future__ import annotations

import json
import posixpath
import sys
from dataclasses import dataclass
from typing import Iterable

from mlrepolint.regex import lazy
from mlrepolint.repo import RepoView
from mlrepolint.rules.base import Applicability, Finding
from mlrepolint.rules.repo import tomltext, yamlnodes
from mlrepolint.rules.repo.pins import Dep, canonical
from mlrepolint.rules.repo.requirements import parse_requirements

LOCK_NAMES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "conda-lock.yml", "conda-lock.yaml")
LOCK_READ_BYTES = 64 * 1024 * 1024
#: The source of a version read from the running interpreter's environment.
ENVIRONMENT = "the installed environment"
_NAME = lazy(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?")


@dataclass(frozen=True)
class Pin:
    """One line pinned: its number, the version, where the version came from, and how safe that is."""

    line: int
    version: str
    source: str
    applicability: Applicability


def is_lock_file(name: str) -> bool:
    """A lock file the fix reads versions from."""
    return name in LOCK_NAMES or name.endswith((".conda-lock.yml", ".conda-lock.yaml"))


def lock_versions(path: str, text: str) -> dict[str, set[str]]:
    """Package name (PEP 503) -> the versions the lock file at `path` locks it to."""
    found: dict[str, set[str]] = {}

    def add(name: object, version: object) -> None:
        if isinstance(name, str) and isinstance(version, str) and version:
            found.setdefault(canonical(name), set()).add(version.lstrip("="))

    name = posixpath.basename(path)
    if name == "Pipfile.lock":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return {}
        for section in ("default", "develop"):
            table = data.get(section) if isinstance(data, dict) else None
            for package, spec in (table.items() if isinstance(table, dict) else ()):
                if isinstance(spec, dict) and str(spec.get("version", "")).startswith("=="):
                    add(package, spec["version"])
    elif name.endswith((".yml", ".yaml")):
        documents, _ = yamlnodes.compose(text)
        for document in documents:
            for item in yamlnodes.sequence(yamlnodes.get(document, "package")):
                add(yamlnodes.scalar(yamlnodes.get(item, "name")), yamlnodes.scalar(yamlnodes.get(item, "version")))
    else:
        data, _ = tomltext.load(text)
        packages = data.get("package") if isinstance(data, dict) else None
        for package in packages if isinstance(packages, list) else ():
            if isinstance(package, dict):
                add(package.get("name"), package.get("version"))
    return found


class Locks:
    """The lock files of the repository, each read once, and the versions they fix for a requirements file."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo
        self.by_folder: dict[str, list[str]] = {}
        for f in repo.files:
            if is_lock_file(f.name):
                self.by_folder.setdefault(posixpath.dirname(f.path), []).append(f.path)
        self._read: dict[str, dict[str, set[str]]] = {}

    def applying(self, requirements: str) -> list[str]:
        """The lock files nearest to the requirements file: in its folder, else the closest folder above."""
        folder = posixpath.dirname(requirements)
        while True:
            if folder in self.by_folder:
                return sorted(self.by_folder[folder])
            if not folder:
                return []
            folder = posixpath.dirname(folder)

    def versions(self, lock: str) -> dict[str, set[str]]:
        """What one lock file locks, read on first use (a lock file too large or unreadable locks nothing)."""
        if lock not in self._read:
            size = self.repo.size(lock)
            data = self.repo.read_bytes(lock, LOCK_READ_BYTES) if size is not None and size <= LOCK_READ_BYTES else None
            self._read[lock] = lock_versions(lock, data.decode("utf-8", errors="replace")) if data else {}
        return self._read[lock]

    def version(self, requirements: str, name: str) -> tuple[str, str] | None:
        """(version, lock file) when the applying lock files lock `name` to exactly one version."""
        locks = self.applying(requirements)
        versions = {v for lock in locks for v in self.versions(lock).get(name, ())}
        if len(versions) != 1:
            return None
        version = versions.pop()
        return version, next(lock for lock in locks if version in self.versions(lock).get(name, ()))


def environment_version(name: str) -> str | None:
    """The version of `name` installed where mlrepolint runs (its metadata only: nothing is imported)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return None


def environment() -> str:
    """The environment `--pin-from-env` reads, for messages."""
    return f"{sys.prefix} (Python {sys.version.split()[0]}, {sys.executable})"


def fix(
    text: str, path: str, findings: Iterable[Finding], locks: Locks, from_env: bool
) -> tuple[str, list[Pin], list[tuple[Finding, str]]]:
    """The requirements file with the findings' lines pinned, what was pinned, and each finding left (why)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    deps = {e.line: e for e in parse_requirements(text) if isinstance(e, Dep)}
    lines = text.splitlines(keepends=True)
    pins: list[Pin] = []
    left: list[tuple[Finding, str]] = []
    for finding in findings:
        dep = deps.get(finding.line or 0)
        physical = lines[dep.line - 1] if dep is not None and dep.line <= len(lines) else ""
        if dep is None or dep.text not in physical:
            left.append((finding, "the requirement continues over several lines"))
            continue
        if "--hash" in physical:
            left.append((finding, "the line has `--hash` options, which pin the old release"))
            continue
        try:
            requirement = Requirement(dep.text)
        except InvalidRequirement:
            left.append((finding, "the requirement is a URL or cannot be read"))
            continue
        if requirement.url:
            left.append((finding, "the requirement is a URL: pin it to a commit or an archive by hand"))
            continue
        found = locks.version(path, dep.name)
        version, source, applicability = (*found, Applicability.SAFE) if found else (None, "", Applicability.SAFE)
        if version is None and from_env:
            version = environment_version(requirement.name)
            source, applicability = ENVIRONMENT, Applicability.UNSAFE
        if version is None:
            why = "no lock file of the repository locks one version of it" if not from_env else \
                "neither a lock file nor the installed environment has it"
            left.append((finding, why))
            continue
        try:
            allowed = requirement.specifier.contains(Version(version), prereleases=True)
        except InvalidVersion:
            allowed = False
        if not allowed:
            left.append((finding, f"{source} has {version}, which `{dep.text}` does not allow"))
            continue
        lines[dep.line - 1] = physical.replace(dep.text, _pinned(dep.text, requirement, version), 1)
        pins.append(Pin(dep.line, version, source, applicability))
    return "".join(lines), pins, left


def _pinned(written: str, requirement, version: str) -> str:
    """`written` with its version specifier replaced by `==version`: name, extras and marker as written."""
    head = _NAME.match(written)
    name = head.group(0).rstrip() if head else requirement.name
    requirement_part, semicolon, marker = written.partition(";")
    marker_text = (" " if requirement_part.endswith(" ") else "") + ";" + marker if semicolon else ""
    return f"{name}=={version}{marker_text}"
