"""Pipfiles: `[packages]` and `[dev-packages]` entries, pinned only as `"==X"` (or a git commit)."""

from __future__ import annotations

from typing import Any

from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.pins import COMMIT_RE, Dep, Entry, canonical, specifier_problem, url_problem

SECTIONS = ("packages", "dev-packages")


def pipfile_problem(value: Any) -> str | None:
    """Why one Pipfile entry is not pinned: `"*"` and ranges are not; `"==X"`, a file URL or a commit are."""
    if isinstance(value, dict):
        if "path" in value:
            return None  # a local project
        if "file" in value:
            return url_problem(str(value["file"]))
        for vcs in ("git", "hg", "svn", "bzr"):
            if vcs in value:
                ref = str(value.get("ref", ""))
                if not ref:
                    return "the VCS dependency names no commit (`ref`)"
                return None if COMMIT_RE.match(ref) else f"VCS ref `{ref}` is a branch or tag, not a full commit SHA"
        value = value.get("version", "*")
    if not isinstance(value, str):
        return None
    version = value.strip()
    if version in ("*", ""):
        return "allows any version (`\"*\"`)"
    return specifier_problem(version)


def parse_pipfile(text: str) -> list[Entry]:
    """The entries of a Pipfile (its parse problem when it is not valid TOML)."""
    data, problem = tomltext.load(text)
    if data is None:
        return [problem] if problem else []
    entries: list[Entry] = []
    for section in SECTIONS:
        packages = data.get(section)
        if not isinstance(packages, dict):
            continue
        lines = tomltext.key_lines(text, section)
        header = tomltext.table_line(text, section) or 1
        for name, value in packages.items():
            entries.append(Dep(canonical(name), lines.get(name, header), name, pipfile_problem(value)))
    return entries
