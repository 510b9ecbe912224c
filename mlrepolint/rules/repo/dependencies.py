"""Dependency declarations: unpinned requirements, and applications without a lock file.

One checker for both rules so each dependency file is read and parsed once. Requirements files are followed
through `-r` includes (relative to the including file, cycles are safe) and `-c` constraint files; a requirement
pinned in a constraint file that applies to it counts as pinned.
"""

from __future__ import annotations

import posixpath
from typing import Any, Callable

from mlrepolint.api import Applicability, Autofix, Context, PARSE_ERROR, RepoChecker, RepoView, Rule, Severity
from mlrepolint.rules.repo import yamlnodes
from mlrepolint.rules.repo.ci import CI_UNPINNED_INSTALL, check_ci_installs
from mlrepolint.rules.repo.conda import parse_environment, parse_python_env
from mlrepolint.rules.repo.filenames import CONDA_FILES, PYTHON_ENV_FILES, REQUIREMENTS_FILES
from mlrepolint.rules.repo.lockfiles import MISSING_LOCK_FILE, Ranges, check_lock_files
from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.pins import IGNORED_PACKAGES, Dep, Entry, Include, Problem, canonical, requirement_dep
from mlrepolint.rules.repo.pipfile import parse_pipfile
from mlrepolint.rules.repo.requirements import parse_requirements
from mlrepolint.rules.repo.textfiles import read_declaration


UNPINNED_REQUIREMENT = Rule(
    code="MLR501",
    name="unpinned-requirement",
    category="dependencies",
    severity=Severity.WARNING,
    summary="Dependency without an exact version",
    description=(
        "Reports a dependency that does not pin one version in `requirements*.txt`, `requirements/*.txt`, "
        "`*-requirements.txt`, `*_requirements.txt`, conda `environment*.yml` / `.yaml` and `conda.yaml` (also "
        "whatever file an MLflow `MLproject` names as `conda_env`), MLflow `python_env.yaml` (`dependencies`; "
        "or the file an `MLproject` names as `python_env`), and a `Pipfile` that has no `Pipfile.lock` next to "
        "it. `pip install` in CI workflows is `ci-unpinned-install`'s, in Dockerfiles `docker-unpinned-install`'s."
        "\n\n"
        "Pinned: `==X` (not a `==X.*` wildcard), `===X`, a direct URL to one archive or wheel, a VCS URL whose "
        "ref is a full commit SHA. Markers do not count as specifiers (`pkg==1.2; python_version < \"3.12\"` is "
        "pinned). Unpinned: no version, `>=`, `~=`, `<`, `!=`, `==1.*`, a VCS URL without a ref or with a branch "
        "or tag. `-r other.txt` is followed relative to the including file, and a requirement pinned in a "
        "`-c constraints.txt` file that applies to it counts as pinned (names compared after PEP 503 "
        "normalisation). `-e .` and `-e path` (pip takes a local folder or a VCS URL after `-e`), local paths and "
        "wheels, option lines (`--index-url`, `-f`, `--hash`) and `${VARIABLES}` are skipped; an environment "
        "marker is not a path (`requests>=2; platform_version == \"a/b\"` is checked), and a line pip cannot "
        "read (an invalid marker, a URL whose host does not parse) is a `parse-error`. `requirements*.in` files "
        "are pip-compile inputs and are never reported.\n\n"
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
    autofixes=(
        Autofix(
            Applicability.SAFE,
            "In a requirements file, when a lock file of the repository (`uv.lock`, `poetry.lock`, "
            "`Pipfile.lock`, `pdm.lock`, `conda-lock.yml`, in the file's folder or above) locks one version of the "
            "package that the line allows: rewrites the requirement to `==version`, keeping its extras, marker "
            "and comment.",
        ),
        Autofix(
            Applicability.UNSAFE,
            "Needs `--pin-from-env` too: pins a requirements-file line to the version installed "
            "in the Python environment mlrepolint runs in (named in the output), when that version is one the "
            "line allows.",
        ),
    ),
)


def _resolve(base: str, target: str) -> str | None:
    """The repository path of `target` as included from the file `base`; None outside the repository."""
    if "://" in target or posixpath.isabs(target):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
    return None if path.startswith("../") or path == ".." else path


class DependencyChecker(RepoChecker):
    """Finds unpinned dependencies and applications without a lock file."""

    rules = (UNPINNED_REQUIREMENT, MISSING_LOCK_FILE, CI_UNPINNED_INSTALL)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Parse every dependency file once, then report both rules."""
        self.repo = repo
        self.texts: dict[str, str | None] = {}
        self.entries: dict[str, list[Entry]] = {}
        self.fully_pinned: dict[str, bool] | None = None
        self.edges: dict[str, tuple[list[str], list[str]]] = {}
        self.requirement_files = [f.path for f in repo.matching(REQUIREMENTS_FILES)]
        conda_files = [f.path for f in repo.matching(CONDA_FILES)]
        python_envs = [f.path for f in repo.matching(PYTHON_ENV_FILES)]
        named = self._mlproject_envs()
        conda_files = list(dict.fromkeys(conda_files + named["conda_env"]))
        python_envs = [p for p in dict.fromkeys(python_envs + named["python_env"]) if p not in conda_files]
        pipfiles = [f.path for f in repo.files if f.name == "Pipfile"]
        for path in conda_files:
            self._parse(path, parse_environment)
        for path in python_envs:
            self._parse(path, parse_python_env)
        for path in pipfiles:
            self._parse(path, parse_pipfile)
        unlocked_pipfiles = [p for p in pipfiles if _sibling(p, "Pipfile.lock") not in repo.paths]
        self._check_pins(self.requirement_files + conda_files + python_envs + unlocked_pipfiles, ctx)
        pyprojects = self._pyprojects()
        check_lock_files(repo, ctx, pyprojects, self._pipfile_ranges(unlocked_pipfiles), self._pinned_requirements_in)
        for path, entries in self.entries.items():
            for problem in (e for e in entries if isinstance(e, Problem)):
                ctx.report(PARSE_ERROR, problem.line, None, problem.message, path=path)
        check_ci_installs(repo, ctx, self._declared(pyprojects))

    def _mlproject_envs(self) -> dict[str, list[str]]:
        """The environment files MLflow `MLproject` files name (`conda_env:`, `python_env:`), as repo paths."""
        found: dict[str, list[str]] = {"conda_env": [], "python_env": []}
        for f in self.repo.files:
            if f.name != "MLproject":
                continue
            documents, _ = yamlnodes.compose(self._text(f.path) or "")  # MLflow reports a broken MLproject
            for document in documents:
                for key, paths in found.items():
                    target = yamlnodes.scalar(yamlnodes.get(document, key))
                    resolved = _resolve(f.path, target) if target else None
                    if resolved is not None and resolved in self.repo.paths:
                        paths.append(resolved)
        return found

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

    def _edges(self, path: str) -> tuple[list[str], list[str]]:
        """The files `path` includes with `-r` and the constraint files it names with `-c`, inside the repo."""
        if path in self.edges:
            return self.edges[path]
        includes: list[str] = []
        constraints: list[str] = []
        for entry in self._parse(path):
            if isinstance(entry, Include):
                target = _resolve(path, entry.target)
                if target is not None and target in self.repo.paths:
                    (constraints if entry.constraint else includes).append(target)
        self.edges[path] = includes, constraints
        return includes, constraints

    def _reach(self, roots: list[str], follow_constraints: bool = False) -> list[str]:
        """Every file reached from `roots` through `-r` (and `-c` when asked), each once, in a stable order."""
        seen: dict[str, None] = {}
        stack = list(reversed(roots))
        while stack:
            path = stack.pop()
            if path in seen:
                continue  # a cycle, or a diamond
            seen[path] = None
            includes, constraints = self._edges(path)
            stack.extend(reversed(includes + (constraints if follow_constraints else [])))
        return list(seen)

    def _pinned_by(self, constraint_file: str) -> set[str]:
        """Names a constraint file (and what it includes) pins, computed once per file."""
        if constraint_file not in self.pinned_by:
            self.pinned_by[constraint_file] = {
                e.name for path in self._reach([constraint_file], follow_constraints=True)
                for e in self._parse(path) if isinstance(e, Dep) and e.problem is None
            }
        return self.pinned_by[constraint_file]

    def _constraints_applying(self, roots: list[str], reached: list[str]) -> dict[str, set[str]]:
        """For each reached file, the constraint files that apply to it: those named anywhere in the `-r` closure
        of any root that reaches it. Computed by propagation over the include graph (each constraint file enters
        each file at most once), so a chain of thousands of includes costs linear time, not one walk per root."""
        children = {path: self._edges(path)[0] for path in reached}
        parents: dict[str, list[str]] = {path: [] for path in reached}
        for path, includes in children.items():
            for child in includes:
                parents[child].append(path)
        # below[f]: constraint files named in f's own closure; pushed up to the files that include f.
        below = {path: set(self._edges(path)[1]) for path in reached}
        work = [path for path in reached if below[path]]
        while work:
            path = work.pop()
            for parent in parents[path]:
                if not below[path] <= below[parent]:
                    below[parent] |= below[path]
                    work.append(parent)
        # applies[f]: the union of below[r] over the roots r that reach f; pushed down the includes.
        applies = {path: set() for path in reached}
        for root in roots:
            applies[root] |= below[root]
        work = [path for path in reached if applies[path]]
        while work:
            path = work.pop()
            for child in children[path]:
                if not applies[path] <= applies[child]:
                    applies[child] |= applies[path]
                    work.append(child)
        return applies

    def _check_pins(self, roots: list[str], ctx: Context) -> None:
        # Any includer's constraints count: a file included from two places is pinned if either pins it.
        self.pinned_by: dict[str, set[str]] = {}
        reached = self._reach(roots)
        constraint_files = self._constraints_applying(roots, reached)
        ignored = {canonical(name) for name in ctx.options(UNPINNED_REQUIREMENT)["ignore-packages"]}
        for path in sorted(reached):
            if path.endswith(".in"):
                continue  # pip-compile input: ranges are the point
            # Pinned by a constraint file that applies, or by another line of the same file (pip merges
            # `mkdocstrings==0.21.2` and `mkdocstrings[python]>=0.18` into one pinned requirement).
            pinned = {e.name for e in self._parse(path) if isinstance(e, Dep) and e.pip and e.problem is None}
            for constraint_file in constraint_files[path]:
                pinned |= self._pinned_by(constraint_file)
            for dep in (e for e in self._parse(path) if isinstance(e, Dep)):
                ctx.examine(UNPINNED_REQUIREMENT)
                if dep.problem is None or dep.name in ignored or (dep.pip and dep.name in pinned):
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

    def _declared(self, pyprojects: list[tuple[str, dict[str, Any], str]]) -> set[str]:
        """Every package name the project declares: in the dependency files read above, and in pyproject.toml's
        `[project]` dependencies, optional dependencies and dependency groups, and Poetry's dependencies."""
        names = {e.name for entries in self.entries.values() for e in entries if isinstance(e, Dep)}
        for _, data, _ in pyprojects:
            project = data.get("project") if isinstance(data.get("project"), dict) else {}
            lists = [project.get("dependencies")]
            for table in (project.get("optional-dependencies"), data.get("dependency-groups")):
                lists.extend(table.values() if isinstance(table, dict) else ())
            for requirements in lists:
                for requirement in requirements if isinstance(requirements, list) else ():
                    dep = requirement_dep(requirement, 0) if isinstance(requirement, str) else None
                    if isinstance(dep, Dep):
                        names.add(dep.name)
            tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
            poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
            tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
            groups = poetry.get("group") if isinstance(poetry.get("group"), dict) else {}
            tables.extend(g.get("dependencies") for g in groups.values() if isinstance(g, dict))
            for table in tables:
                names.update(canonical(name) for name in (table if isinstance(table, dict) else ()))
        return names

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
        return any(
            pinned and (not folder or path.startswith(folder + "/")) for path, pinned in self._fully_pinned().items()
        )

    def _fully_pinned(self) -> dict[str, bool]:
        """For each requirements file: does it, with all it includes, list something and pin all of it? Decided
        once for every file by propagating "lists a dependency" and "has an unpinned one" up the includes."""
        if self.fully_pinned is not None:
            return self.fully_pinned
        reached = self._reach(self.requirement_files)
        parents: dict[str, list[str]] = {path: [] for path in reached}
        for path in reached:
            for child in self._edges(path)[0]:
                parents[child].append(path)
        has_deps = {path: any(isinstance(e, Dep) for e in self._parse(path)) for path in reached}
        unpinned = {
            path: any(isinstance(e, Problem) or isinstance(e, Dep) and e.problem is not None for e in self._parse(path))
            for path in reached
        }
        for flags in (has_deps, unpinned):
            work = [path for path in reached if flags[path]]
            while work:
                path = work.pop()
                for parent in parents[path]:
                    if not flags[parent]:
                        flags[parent] = True
                        work.append(parent)
        self.fully_pinned = {
            path: has_deps[path] and not unpinned[path] for path in self.requirement_files if path in has_deps
        }
        return self.fully_pinned


def _sibling(path: str, name: str) -> str:
    folder = posixpath.dirname(path)
    return f"{folder}/{name}" if folder else name
