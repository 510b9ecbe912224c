"""Dependency declarations: unpinned requirements, and applications without a lock file.

One checker for both rules so each dependency file is read and parsed once. Requirements files are followed
through `-r` includes (relative to the including file, cycles are safe) and `-c` constraint files; a requirement
pinned in a constraint file that applies to it counts as pinned.
"""

from __future__ import annotations

import posixpath
from typing import Any, Callable

from mlrepolint.api import Context, PARSE_ERROR, RepoChecker, RepoView, Rule, Severity
from mlrepolint.rules.repo.conda import parse_environment
from mlrepolint.rules.repo.lockfiles import MISSING_LOCK_FILE, Ranges, check_lock_files
from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.pins import IGNORED_PACKAGES, Dep, Entry, Include, Problem, canonical
from mlrepolint.rules.repo.pipfile import parse_pipfile
from mlrepolint.rules.repo.requirements import fully_pinned, parse_requirements
from mlrepolint.rules.repo.textfiles import read_declaration

REQUIREMENTS_FILES = ("requirements*.txt", "**/requirements/*.txt", "*-requirements.txt", "*_requirements.txt")
CONDA_FILES = ("environment*.yml", "environment*.yaml")

UNPINNED_REQUIREMENT = Rule(
    code="MLR501",
    name="unpinned-requirement",
    category="dependencies",
    severity=Severity.WARNING,
    summary="Dependency without an exact version",
    description=(
        "Reports a dependency that does not pin one version in `requirements*.txt`, `requirements/*.txt`, "
        "`*-requirements.txt`, `*_requirements.txt`, conda `environment*.yml` / `.yaml`, and a `Pipfile` that "
        "has no `Pipfile.lock` next to it.\n\n"
        "Pinned: `==X` (not a `==X.*` wildcard), `===X`, a direct URL to one archive or wheel, a VCS URL whose "
        "ref is a full commit SHA. Markers do not count as specifiers (`pkg==1.2; python_version < \"3.12\"` is "
        "pinned). Unpinned: no version, `>=`, `~=`, `<`, `!=`, `==1.*`, a VCS URL without a ref or with a branch "
        "or tag. `-r other.txt` is followed relative to the including file, and a requirement pinned in a "
        "`-c constraints.txt` file that applies to it counts as pinned (names compared after PEP 503 "
        "normalisation). `-e .`, local paths and wheels, option lines (`--index-url`, `-f`, `--hash`) and "
        "`${VARIABLES}` are skipped. `requirements*.in` files are pip-compile inputs and are never reported.\n\n"
        "conda: `name=X.Y.Z`, `name==X` and `name X build` are pinned; `name=1.2.*`, ranges and a bare name are "
        "not; `python` with any version is the interpreter choice and is not reported; the `pip:` sub-list "
        "follows the pip rules. Pipfile: `\"==X\"` is pinned, `\"*\"` and ranges are not. Packages in "
        "`ignore-packages` (installer tooling by default, as pip-tools treats it) are never reported."
    ),
    rationale=(
        "`pandas` without a version installs whatever is newest that day: a model trained last month cannot be "
        "retrained or served with the same numbers, and a breaking release of a transitive library fails a "
        "pipeline nobody touched."
    ),
    fix=(
        "Pin each dependency with `==` (generate the file with `pip-compile` / `uv pip compile` from a "
        "`requirements.in`), or pin it in a constraints file the requirements file includes with `-c`."
    ),
    bad="# requirements.txt\npandas\nscikit-learn>=1.3\ngit+https://github.com/org/features.git@main\n",
    good=(
        "# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.0\n"
        "git+https://github.com/org/features.git@3f1c2a9d0b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a\n"
    ),
    options={"ignore-packages": IGNORED_PACKAGES},
)


def _resolve(base: str, target: str) -> str | None:
    """The repository path of `target` as included from the file `base`; None outside the repository."""
    if "://" in target or posixpath.isabs(target):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
    return None if path.startswith("../") or path == ".." else path


class DependencyChecker(RepoChecker):
    """Finds unpinned dependencies and applications without a lock file."""

    rules = (UNPINNED_REQUIREMENT, MISSING_LOCK_FILE)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Parse every dependency file once, then report both rules."""
        self.repo = repo
        self.texts: dict[str, str | None] = {}
        self.entries: dict[str, list[Entry]] = {}
        self.requirement_files = [f.path for f in repo.matching(REQUIREMENTS_FILES)]
        conda_files = [f.path for f in repo.matching(CONDA_FILES)]
        pipfiles = [f.path for f in repo.files if f.name == "Pipfile"]
        for path in conda_files:
            self._parse(path, parse_environment)
        for path in pipfiles:
            self._parse(path, parse_pipfile)
        unlocked_pipfiles = [p for p in pipfiles if _sibling(p, "Pipfile.lock") not in repo.paths]
        self._check_pins(self.requirement_files + conda_files + unlocked_pipfiles, ctx)
        check_lock_files(
            repo, ctx, self._pyprojects(), self._pipfile_ranges(unlocked_pipfiles), self._pinned_requirements_in
        )
        for path, entries in self.entries.items():
            for problem in (e for e in entries if isinstance(e, Problem)):
                ctx.report(PARSE_ERROR, problem.line, None, problem.message, path=path)

    def _text(self, path: str) -> str | None:
        """The file's text, read once; None when unreadable or too large to be a declaration."""
        if path not in self.texts:
            self.texts[path] = read_declaration(self.repo, path)
        return self.texts[path]

    def _parse(self, path: str, parser: Callable[[str], list[Entry]] = parse_requirements) -> list[Entry]:
        """The entries of a dependency file, parsed on first use (empty when it cannot be read)."""
        if path not in self.entries:
            text = self._text(path)
            self.entries[path] = parser(text) if text is not None else []
        return self.entries[path]

    def _closure(self, root: str, constraint: bool) -> tuple[list[str], set[str]]:
        """Files reached from `root` through `-r` (or, for constraint files, `-r` and `-c`), and the constraint
        files any of them name."""
        seen: list[str] = []
        constraints: set[str] = set()
        stack = [root]
        while stack:
            path = stack.pop()
            if path in seen:
                continue  # a cycle, or a diamond
            seen.append(path)
            for entry in self._parse(path):
                if not isinstance(entry, Include):
                    continue
                target = _resolve(path, entry.target)
                if target is None or target not in self.repo.paths:
                    continue
                if entry.constraint and not constraint:
                    constraints.add(target)
                else:
                    stack.append(target)
        return seen, constraints

    def _pinned_by_constraints(self, constraint_files: set[str]) -> set[str]:
        pinned: set[str] = set()
        for constraint_root in constraint_files:
            for path in self._closure(constraint_root, constraint=True)[0]:
                pinned.update(e.name for e in self._parse(path) if isinstance(e, Dep) and e.problem is None)
        return pinned

    def _check_pins(self, roots: list[str], ctx: Context) -> None:
        # Any includer's constraints count: a file included from two places is pinned if either pins it.
        applies: dict[str, set[str]] = {}
        for root in roots:
            reached, constraint_files = self._closure(root, constraint=False)
            pinned = self._pinned_by_constraints(constraint_files)
            for path in reached:
                applies.setdefault(path, set()).update(pinned)
        ignored = {canonical(name) for name in ctx.options(UNPINNED_REQUIREMENT)["ignore-packages"]}
        for path in sorted(applies):
            if path.endswith(".in"):
                continue  # pip-compile input: ranges are the point
            for dep in (e for e in self._parse(path) if isinstance(e, Dep)):
                ctx.examine(UNPINNED_REQUIREMENT)
                if dep.problem is None or dep.name in ignored or (dep.pip and dep.name in applies[path]):
                    continue
                ctx.report(
                    UNPINNED_REQUIREMENT, dep.line, None, f"`{dep.text}` is not pinned: {dep.problem}", path=path
                )

    def _pyprojects(self) -> list[tuple[str, dict[str, Any], str]]:
        found = []
        for f in self.repo.files:
            if f.name != "pyproject.toml":
                continue
            text = self._text(f.path)
            data = tomltext.load(text)[0] if text is not None else None
            if data is not None:  # a broken pyproject.toml is the configuration loader's to report
                found.append((f.path, data, text))
        return found

    def _pipfile_ranges(self, pipfiles: list[str]) -> list[Ranges]:
        ranges = []
        for path in pipfiles:
            dep = next((e for e in self.entries[path] if isinstance(e, Dep) and e.problem is not None), None)
            if dep is not None:
                line = tomltext.table_line(self._text(path) or "", "packages") or dep.line
                ranges.append(Ranges(path, line, dep.text))
        return ranges

    def _pinned_requirements_in(self, folder: str) -> bool:
        """True when a requirements file in `folder` (or below it) pins everything it and its includes list."""
        for path in self.requirement_files:
            if folder and not path.startswith(folder + "/"):
                continue
            entries = [e for p in self._closure(path, constraint=False)[0] for e in self._parse(p)]
            if fully_pinned(entries):
                return True
        return False


def _sibling(path: str, name: str) -> str:
    folder = posixpath.dirname(path)
    return f"{folder}/{name}" if folder else name
