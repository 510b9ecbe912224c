"""What a repository declares it depends on, and which of its files each declaration covers.

Read through the existing parsers (requirements files with their `-r` includes, conda environments with their
`pip:` list, Pipfiles, `pip install` in Dockerfiles) plus `pyproject.toml` (PEP 621 dependencies and extras,
dependency groups, Poetry, PDM and uv groups, `[build-system]`, setuptools' `dynamic` files), `setup.cfg`
(configparser, no interpolation) and `setup.py` (its `setup(...)` call read from the syntax tree, never run).

A declaration file covers the files in its folder and below; a folder named for declarations (`requirements/`,
`docker/`, `binder/`, `envs/`...) that holds no Python file or notebook passes its declarations to the folder
above. A `Scope` is one such folder
with everything declared there, and says when something it declares cannot be read (`setup.py` computing its
`install_requires`, a dynamic dependency list without its file), in which case nothing may be called undeclared
under it.
"""

from __future__ import annotations

import ast
import configparser
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from mlrepolint.api import RepoFile, RepoView, gitignore_spec, lazy
from mlrepolint.rules.repo.imports import url_name
from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.conda import parse_environment, parse_python_env
from mlrepolint.rules.repo.filenames import CONDA_FILES, DOCKERFILES, PYTHON_ENV_FILES, REQUIREMENTS_FILES
from mlrepolint.rules.repo.pipinstall import NestingError, pip_install_arguments, requested, shell_commands
from mlrepolint.rules.repo.pins import Dep, Include, canonical, requirement_dep
from mlrepolint.rules.repo.pipfile import parse_pipfile
from mlrepolint.rules.repo.requirements import parse_requirements
from mlrepolint.rules.repo.textfiles import read_declaration

#: pip-compile inputs declare dependencies too.
REQUIREMENTS_INPUTS = ("requirements*.in", "**/requirements/*.in", "*-requirements.in", "*_requirements.in")
#: Words in a requirements file's name (or a group's) that say it is for development, not for running the code.
DEV_WORDS = lazy(r"(?:^|[-_./])(?:dev|devel|develop|test|tests|testing|lint|linting|docs?|ci|style|format|"
                 r"typing|types|check|qa|build|release|bench|benchmarks?|notebooks?)(?:[-_./]|$)", re.I)
#: Folders that hold a project's declaration files rather than code: their declarations cover the folder above.
DECLARATION_FOLDERS = frozenset({
    "requirements", "reqs", "requirement", "deps", "dependencies", "env", "envs", "environment", "environments",
    "conda", "binder", ".binder", "docker", ".docker", ".devcontainer", "devcontainer", "ci", ".ci", ".github",
    "build", "deploy", "deployment", "infra", "container", "containers", "setup", "install", "installation",
})
#: Folders whose declaration files are fixtures or templates, not the project's.
_FIXTURE_PARTS = frozenset({"tests", "test", "fixtures", "testdata", "test_data", "__fixtures__"})
#: Packages that are only ever in a requirements file as someone else's dependency: two of them in a fully pinned
#: file say it is a `pip freeze` (a lock in all but name), whose entries are not the project's choices.
TRANSITIVE_MARKERS = frozenset({
    "certifi", "urllib3", "idna", "charset-normalizer", "chardet", "six", "packaging", "pyparsing", "pytz",
    "tzdata", "python-dateutil", "typing-extensions", "markupsafe", "itsdangerous", "werkzeug", "attrs",
    "cycler", "kiwisolver", "fonttools", "threadpoolctl", "joblib", "filelock", "fsspec", "mpmath", "sympy",
    "networkx", "jinja2", "pyyaml", "wrapt", "cffi", "pycparser", "frozenlist", "multidict", "yarl",
    "aiosignal", "async-timeout", "grpcio", "absl-py", "wcwidth", "decorator", "traitlets", "pygments",
})


@dataclass(frozen=True)
class Declared:
    """One declared distribution: PEP 503 name, where (file, line), as written, and whether it is a main
    dependency of the project (`runtime`: not a development or documentation group, an extra, a build
    requirement, a conda package or a `pip install` in a Dockerfile), the ones unused-dependency judges."""

    name: str
    path: str
    line: int | None
    text: str
    runtime: bool


@dataclass
class Scope:
    """A folder and what the declaration files that cover it declare."""

    folder: str  # "" for the repository root, else without a trailing slash
    files: list[str] = field(default_factory=list)
    declared: list[Declared] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # why some of what it declares cannot be known

    def covers(self, path: str) -> bool:
        """True for a file in the folder or below it."""
        return not self.folder or path.startswith(self.folder + "/")

    @property
    def names(self) -> frozenset[str]:
        """The PEP 503 names of everything declared here."""
        return frozenset(d.name for d in self.declared)

    @property
    def manifest(self) -> bool:
        """Declared by a dependency file of the project, not only by `pip install` in a Dockerfile (an image
        says what the image needs, not what every script beside it needs)."""
        return any(not _is_dockerfile(path) for path in self.files)


def _is_dockerfile(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile")


def is_development_file(path: str) -> bool:
    """Whether a requirements file is for development, by its name or a folder's (`requirements-dev.txt`,
    `requirements/test.txt`, `ci/requirements.txt`)."""
    return DEV_WORDS.search(posixpath.basename(path).rsplit(".", 1)[0]) is not None or any(
        DEV_WORDS.fullmatch(part) for part in path.split("/")[:-1]
    )


def _project_file(path: str) -> bool:
    """Not a test fixture or a project template (`{{cookiecutter.name}}/requirements.txt`)."""
    return "{{" not in path and "{%" not in path and not _FIXTURE_PARTS & set(path.split("/")[:-1])


class Collector:
    """Reads every declaration file once and groups what they declare into scopes."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo
        self.by_file: dict[str, list[Declared]] = {}
        self.unreadable: dict[str, list[str]] = {}
        self.requirements_read: set[str] = set()

    def scopes(self) -> list[Scope]:
        """One scope per folder that declares something, the root first, then by path."""
        repo = self.repo
        # Names first, then the patterns, on the few files whose name can match (matching every file of a large
        # repository against every pattern costs more than reading the declarations).
        texts = [f for f in repo.files if f.path.endswith((".txt", ".in", ".TXT"))]  # `RepoFile.suffix` builds a path
        yamls = [f for f in repo.files if f.path.endswith((".yml", ".yaml", ".YML", ".YAML"))]
        requirement_files = [
            f.path for f in _matching(texts, REQUIREMENTS_FILES + REQUIREMENTS_INPUTS) if _project_file(f.path)
        ]
        for path in sorted(requirement_files, key=is_development_file):  # main files first: an include is read once
            self._requirements(path, runtime=not is_development_file(path))
        for f in _matching(yamls, CONDA_FILES):
            if _project_file(f.path):
                self._conda(f.path, parse_environment)
        for f in _matching(yamls, PYTHON_ENV_FILES):  # MLflow's python_env.yaml
            if _project_file(f.path):
                self._conda(f.path, parse_python_env)
        for f in repo.files:
            if not _project_file(f.path):
                continue
            if f.name == "Pipfile":
                self._pipfile(f.path)
            elif f.name == "pyproject.toml":
                self._pyproject(f.path)
            elif f.name == "setup.cfg":
                self._setup_cfg(f.path)
            elif f.name == "setup.py":
                self._setup_py(f.path)
        containers = [f for f in repo.files if "ockerfile" in f.name or "ontainerfile" in f.name]
        for f in _matching(containers, DOCKERFILES):
            if _project_file(f.path):
                self._dockerfile(f.path)
        return self._group()

    # Grouping.

    def _group(self) -> list[Scope]:
        code_folders = _code_folders(f.path for f in self.repo.files)
        scopes: dict[str, Scope] = {}
        for path in sorted(set(self.by_file) | set(self.unreadable)):
            folder = posixpath.dirname(path)
            while folder and folder not in code_folders and posixpath.basename(folder).lower() in DECLARATION_FOLDERS:
                folder = posixpath.dirname(folder)
            scope = scopes.setdefault(folder, Scope(folder))
            scope.files.append(path)
            scope.declared += self.by_file.get(path, [])
            scope.unreadable += self.unreadable.get(path, [])
        return [scopes[folder] for folder in sorted(scopes)]

    def _add(self, path: str, name: str, line: int | None, text: str, runtime: bool) -> None:
        self.by_file.setdefault(path, []).append(Declared(name, path, line, text, runtime))

    def _cannot_read(self, path: str, why: str) -> None:
        self.unreadable.setdefault(path, []).append(why)

    def _dep(self, path: str, dep: Any, runtime: bool) -> None:
        if isinstance(dep, Dep):
            name = url_name(dep.name) if "/" in dep.name else dep.name  # a URL without `#egg=`
            self._add(path, name, dep.line, dep.text, runtime and dep.pip)

    # Requirements files and conda environments.

    def _requirements(self, path: str, runtime: bool) -> None:
        if path in self.requirements_read:
            return
        self.requirements_read.add(path)
        text = read_declaration(self.repo, path)
        if text is None:
            return
        self.by_file.setdefault(path, [])
        entries = parse_requirements(text)
        runtime = runtime and not _frozen(text, entries)
        for entry in entries:
            if isinstance(entry, Include):
                if not entry.constraint:  # a constraint file pins; it installs nothing
                    self._include(path, entry.target, runtime)
            else:
                self._dep(path, entry, runtime)

    def _include(self, base: str, target: str, runtime: bool) -> None:
        if "://" in target or posixpath.isabs(target):
            self._cannot_read(base, f"`-r {target}` is outside the repository")
            return
        included = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
        if included in self.repo.paths:
            self._requirements(included, runtime and not is_development_file(included))
        else:
            self._cannot_read(base, f"`-r {target}` is not in the repository")

    def _conda(self, path: str, parse: Callable[[str], list[Any]]) -> None:
        text = read_declaration(self.repo, path)
        if text is None:
            return
        entries = parse(text)
        runtime = not is_development_file(path) and not _frozen(text, [e for e in entries if isinstance(e, Dep) and e.pip])
        self.by_file.setdefault(path, [])
        for entry in entries:
            if isinstance(entry, Include):
                self._include(path, entry.target, runtime)
            else:
                self._dep(path, entry, runtime)

    def _pipfile(self, path: str) -> None:
        text = read_declaration(self.repo, path)
        if text is None:
            return
        dev = {canonical(name) for name in tomltext.key_lines(text, "dev-packages")}
        self.by_file.setdefault(path, [])
        for entry in parse_pipfile(text):
            if isinstance(entry, Dep):
                self._add(path, entry.name, entry.line, entry.text, entry.name not in dev)

    def _dockerfile(self, path: str) -> None:
        text = read_declaration(self.repo, path)
        if text is None or "install" not in text:
            return
        from mlrepolint.rules.repo.dockerfile import parse_dockerfile  # only when the declarations are read again

        for instruction in parse_dockerfile(text):
            if instruction.keyword != "RUN":
                continue
            try:
                commands = list(shell_commands(instruction.args))
            except NestingError:
                continue  # the container rules report it
            for words in commands:
                found = pip_install_arguments(words)
                if found is not None:
                    for _, dep in requested(found[0], instruction.line):
                        self._dep(path, dep, runtime=False)

    # pyproject.toml, setup.cfg, setup.py.

    def _pyproject(self, path: str) -> None:
        text = read_declaration(self.repo, path)
        data = tomltext.load(text)[0] if text is not None else None
        if not isinstance(data, dict) or text is None:
            return
        project = _table(data, "project")
        for requirement in _strings(project.get("dependencies")):
            self._requirement(path, text, requirement, runtime=True)
        for group in _table(project, "optional-dependencies").values():
            for requirement in _strings(group):
                self._requirement(path, text, requirement, runtime=False)
        for group in _table(data, "dependency-groups").values():
            for requirement in _strings(group):  # `{include-group = "x"}` entries are not strings
                self._requirement(path, text, requirement, runtime=False)
        for requirement in _strings(_table(data, "build-system").get("requires")):
            self._requirement(path, text, requirement, runtime=False)
        tool = _table(data, "tool")
        poetry = _table(tool, "poetry")
        self._poetry(path, text, _table(poetry, "dependencies"), runtime=True)
        self._poetry(path, text, _table(poetry, "dev-dependencies"), runtime=False)
        for group in _table(poetry, "group").values():
            self._poetry(path, text, _table(group, "dependencies"), runtime=False)
        for group in _table(_table(tool, "pdm"), "dev-dependencies").values():
            for requirement in _strings(group):
                self._requirement(path, text, requirement, runtime=False)
        for requirement in _strings(_table(tool, "uv").get("dev-dependencies")):
            self._requirement(path, text, requirement, runtime=False)
        dynamic = _strings(project.get("dynamic"))
        setuptools_dynamic = _table(_table(tool, "setuptools"), "dynamic")
        for key in ("dependencies", "optional-dependencies"):
            if key not in dynamic:
                continue
            files = self._dynamic_files(setuptools_dynamic.get(key))
            folder = posixpath.dirname(path)
            for target in files:
                self._include(path, target, runtime=key == "dependencies")
            if not files and not any(posixpath.join(folder, name) in self.repo.paths for name in ("setup.py", "setup.cfg")):
                self._cannot_read(path, f"`{key}` is dynamic and no file lists them")
        self.by_file.setdefault(path, [])

    @staticmethod
    def _dynamic_files(value: Any) -> list[str]:
        if isinstance(value, dict) and "file" in value:
            return _strings(value["file"]) or ([value["file"]] if isinstance(value["file"], str) else [])
        if isinstance(value, dict):  # optional-dependencies: {extra = {file = [...]}}
            return [f for item in value.values() if isinstance(item, dict) for f in _strings(item.get("file"))]
        return []

    def _poetry(self, path: str, text: str, table: dict[str, Any], runtime: bool) -> None:
        for name in table:
            if name.lower() != "python":
                self._add(path, canonical(name), _line_of(text, name), name, runtime)

    def _requirement(self, path: str, text: str, requirement: str, runtime: bool) -> None:
        dep = requirement_dep(requirement, _line_of(text, requirement) or 1)
        self._dep(path, dep, runtime)

    def _setup_cfg(self, path: str) -> None:
        text = read_declaration(self.repo, path)
        if text is None or "require" not in text:
            return
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text)
        except configparser.Error:
            return  # a broken setup.cfg is the packaging tool's to report
        fields = []
        if parser.has_section("options"):
            for key, runtime in (("install_requires", True), ("tests_require", False), ("setup_requires", False)):
                fields.append((parser.get("options", key, fallback=""), runtime))
        if parser.has_section("options.extras_require"):
            fields += [(value, False) for _, value in parser.items("options.extras_require")]
        for value, runtime in fields:
            value = value.strip()
            if value.startswith("file:"):
                for target in value[5:].replace(",", " ").split():
                    self._include(path, target, runtime)
                continue
            for requirement in value.replace(";\n", "\n").split("\n"):
                requirement = requirement.split("#", 1)[0].strip()
                if requirement:
                    self._requirement(path, text, requirement, runtime)
        self.by_file.setdefault(path, [])

    def _setup_py(self, path: str) -> None:
        text = read_declaration(self.repo, path)
        if text is None or "setup" not in text:
            return
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # parse-error is the per-file pass's to report
        assigned = _module_assignments(tree)
        self.by_file.setdefault(path, [])
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name != "setup":
                continue
            if any(keyword.arg is None for keyword in call.keywords):
                self._cannot_read(path, "`setup(**...)` passes its arguments from a variable")
            for keyword in call.keywords:
                runtime = keyword.arg == "install_requires"
                if keyword.arg in ("install_requires", "tests_require", "setup_requires"):
                    self._setup_value(path, keyword.value, assigned, runtime)
                elif keyword.arg == "extras_require":
                    value = _resolve(keyword.value, assigned)
                    if isinstance(value, ast.Dict):
                        for item in value.values:
                            self._setup_value(path, item, assigned, runtime=False)
                    else:
                        self._cannot_read(path, "`extras_require` is computed")

    def _setup_value(self, path: str, node: ast.expr, assigned: dict[str, ast.expr], runtime: bool) -> None:
        value = _resolve(node, assigned)
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            for element in value.elts:
                self._dep(path, requirement_dep(element.value, element.lineno), runtime)  # type: ignore[attr-defined]
            return
        files = [
            sub.value for sub in ast.walk(value)
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.endswith((".txt", ".in"))
        ]
        for target in files:  # `open("requirements.txt").read().splitlines()`
            self._include(path, target, runtime)
        if not files:
            self._cannot_read(path, "`setup.py` computes its requirements")


def _frozen(text: str, entries: list[Any]) -> bool:
    """A generated lock rather than a list of choices: pip-compile's `# via` notes, or a list naming packages that
    are only ever someone else's dependency (`pip freeze`, `conda env export`): three of them, or two when
    everything is pinned."""
    if "# via" in text or "pip-compile" in text or "uv pip compile" in text:
        return True
    deps = [e for e in entries if isinstance(e, Dep)]
    markers = len({d.name for d in deps} & TRANSITIVE_MARKERS)
    return markers >= 3 or (markers >= 2 and all(d.problem is None for d in deps))


def _matching(files: list[RepoFile], patterns: tuple[str, ...]) -> list[RepoFile]:
    spec = gitignore_spec(patterns)
    return [f for f in files if spec.match_file(f.path)]


def _table(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _line_of(text: str, needle: str) -> int | None:
    """The line of the first quoted or bare occurrence of `needle` (a requirement or a key) in a file."""
    for quoted in (f'"{needle}"', f"'{needle}'", needle):
        at = text.find(quoted)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


def _module_assignments(tree: ast.Module) -> dict[str, ast.expr]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def _resolve(node: ast.expr, assigned: dict[str, ast.expr]) -> ast.expr:
    """A module-level variable's value (`install_requires=REQUIRED` -> the list assigned to REQUIRED)."""
    seen = 0
    while isinstance(node, ast.Name) and node.id in assigned and seen < 5:
        node, seen = assigned[node.id], seen + 1
    return node


def _code_folders(paths: Iterable[str]) -> set[str]:
    """Every folder that holds a Python file or a notebook, at any depth below it."""
    folders: set[str] = set()
    for path in paths:
        if path.endswith((".py", ".ipynb")):
            folder = posixpath.dirname(path)
            while folder and folder not in folders:
                folders.add(folder)
                folder = posixpath.dirname(folder)
    return folders


#: conda's `name=1.2`, `name==1.2`, `name>=1.2`, `name 1.2 build` specs, for reading a version bound.
_CONDA_SPEC = lazy(r"^(?:[^:\s]+::)?[A-Za-z0-9_.\-]+\s*(?P<op>==|>=|<=|!=|=|>|<|~=)?\s*(?P<version>[0-9][^\s,=]*)")


def guarantees_at_least(declared: Iterable[Declared], names: Iterable[str], minimum: str) -> bool:
    """True when the distribution is declared and every declaration of it allows only versions from `minimum`
    on (`torch>=2.6`, `torch==2.7.1`, `torch~=2.6`, conda's `pytorch=2.6.0`); False when any declaration allows
    an older one, names no version, or cannot be read."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    wanted = set(names)
    found = [d for d in declared if d.name in wanted]
    if not found:
        return False
    floor = Version(minimum)
    for declaration in found:
        bounds: list[tuple[str, str]] = []
        try:
            requirement = Requirement(declaration.text)
            bounds = [(spec.operator, spec.version) for spec in requirement.specifier]
        except InvalidRequirement:
            match = _CONDA_SPEC.match(declaration.text.strip())
            if match is not None:
                op = match.group("op") or "=="
                bounds = [("==" if op == "=" else op, match.group("version").rstrip(".*"))]
        try:
            if not any(op in ("==", "===", ">=", "~=", ">") and Version(version.rstrip(".*")) >= floor
                       for op, version in bounds):
                return False
        except InvalidVersion:
            return False
    return True


def collect(repo: RepoView) -> list[Scope]:
    """Every scope of the repository (see the module docstring), read again only when the file list or one of
    the files read changed (a one-file edit of a large repository reads no dependency file)."""
    rows = repo.derived("declarations", lambda: [_scope_row(scope) for scope in Collector(repo).scopes()], _rows_ok)
    return [_scope_of(row) for row in rows]  # from the same rows either way: a recorded run reads what a fresh one does


def _scope_row(scope: Scope) -> list[Any]:
    return [scope.folder, scope.files, [[d.name, d.path, d.line, d.text, d.runtime] for d in scope.declared],
            scope.unreadable]


def _scope_of(row: list[Any]) -> Scope:
    folder, files, declared, unreadable = row
    return Scope(folder, list(files), [Declared(*entry) for entry in declared], list(unreadable))


def _rows_ok(rows: Any) -> bool:
    """A recorded value in the shape `_scope_row` writes (anything else is computed again)."""
    def declared_ok(entry: Any) -> bool:
        return (isinstance(entry, list) and len(entry) == 5 and type(entry[0]) is type(entry[1]) is type(entry[3]) is str
                and (entry[2] is None or type(entry[2]) is int) and type(entry[4]) is bool)

    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == 4 and type(row[0]) is str
        and isinstance(row[1], list) and all(type(path) is str for path in row[1])
        and isinstance(row[2], list) and all(declared_ok(entry) for entry in row[2])
        and isinstance(row[3], list) and all(type(why) is str for why in row[3])
        for row in rows
    )


def applicable(scopes: list[Scope], path: str) -> Iterator[Scope]:
    """The scopes that cover `path`, outermost first."""
    return (scope for scope in scopes if scope.covers(path))
