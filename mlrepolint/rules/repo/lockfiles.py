"""missing-lock-file: an application that declares version ranges but locks nothing."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from mlrepolint.api import LIBRARY, Context, RepoView, Rule, Severity, fnmatch_any
from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.pins import Dep, requirement_dep

LOCK_FILES = (
    "poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "conda-lock.yml", "*.conda-lock.yml", "pylock.toml",
    "pylock.*.toml",
)
APPLICATION_FILES = (
    "Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile", "docker-compose*.yml", "docker-compose*.yaml",
    "compose*.yml", "compose*.yaml", "Procfile",
)

MISSING_LOCK_FILE = Rule(
    code="MLR502",
    name="missing-lock-file",
    category="dependencies",
    severity=Severity.WARNING,
    summary="Application declares dependency ranges but has no lock file",
    description=(
        "Reports a `pyproject.toml` (`[project] dependencies` or `[tool.poetry.dependencies]`) or a `Pipfile` "
        "that declares at least one dependency by a range (`>=`, `^`, `~=`, `*`, no version) in a project that "
        "is an application and has no lock file: none of `lock-files` (`poetry.lock`, `uv.lock`, `pdm.lock`, "
        "`Pipfile.lock`, `conda-lock.yml`, `pylock.toml`...) in the project's folder or at the repository root, "
        "and no fully pinned requirements file (every entry `==X`, a direct archive URL or a commit, includes "
        "followed) in the project's folder or below it. The finding is on the `dependencies` line (the "
        "`[tool.poetry.dependencies]` or `[packages]` header for Poetry and Pipfiles).\n\n"
        "Libraries are allowed ranges: their users' lock files pin them. With `project-kind = \"auto\"` "
        "(the default) mlrepolint tells the two apart like this: a `Pipfile` project is an application; a "
        "`pyproject.toml` project is an application when it opts out of being a package (`[tool.poetry] "
        "package-mode = false`, `[tool.uv] package = false`, or `[project]` without a `[build-system]` table) "
        "or when its folder (or one below it) holds one of `application-files` (a `Dockerfile`, `Containerfile`, "
        "compose file or `Procfile`: something that deploys it), unless it is the root project of a repository "
        "the project model takes for a library (`mlrepolint explain`: a declared distribution with its "
        "packages and no app module), where a Dockerfile is a development or GPU environment for the "
        "library's contributors; otherwise it is a library and is not reported. "
        "Set `project-kind` to `\"application\"` or `\"library\"` to decide for every project in the repository "
        "(any other value means `auto`)."
    ),
    rationale=(
        "Ranges resolve to whatever is newest on the day of the install: the training run you reproduce next "
        "month gets a different numpy, torch or CUDA build than the one that produced the model, and results "
        "drift without a single line of your code changing."
    ),
    fix=(
        "Commit a lock file (`poetry lock`, `uv lock`, `pdm lock`, `pipenv lock`, `conda-lock`) or a fully pinned "
        "`requirements.txt` (`pip-compile`, `uv pip compile`) and install from it."
    ),
    bad='# pyproject.toml, next to a Dockerfile, and no lock file\n[project]\nname = "churn-service"\n'
    'dependencies = ["scikit-learn>=1.3", "fastapi"]\n',
    good='# the same pyproject.toml, with uv.lock committed next to it\n[project]\nname = "churn-service"\n'
    'dependencies = ["scikit-learn>=1.3", "fastapi"]\n',
    options={"project-kind": "auto", "lock-files": LOCK_FILES, "application-files": APPLICATION_FILES},
)


@dataclass(frozen=True)
class Ranges:
    """Where a project declares a dependency range: the file, the line, and one example."""

    path: str
    line: int
    example: str


def _pep621_range(data: Mapping[str, Any], path: str, text: str) -> Ranges | None:
    project = data.get("project")
    deps = project.get("dependencies") if isinstance(project, dict) else None
    if not isinstance(deps, list):
        return None
    for requirement in deps:
        dep = requirement_dep(requirement, 0) if isinstance(requirement, str) else None
        if isinstance(dep, Dep) and dep.problem is not None:
            line = tomltext.key_lines(text, "project").get("dependencies") or tomltext.table_line(text, "project")
            return Ranges(path, line or 1, requirement)
    return None


def _poetry_range(data: Mapping[str, Any], path: str, text: str) -> Ranges | None:
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if not isinstance(deps, dict):
        return None
    for name, value in deps.items():
        version = value.get("version") if isinstance(value, dict) else value
        if name.lower() == "python" or not isinstance(version, str):
            continue  # the interpreter range, or a git/path/url dependency
        exact = version.lstrip("=").strip()  # Poetry reads a bare `1.2.3` as `==1.2.3`
        if version.strip().startswith(("^", "~", ">", "<", "!")) or not exact or any(c in exact for c in "*,| "):
            line = tomltext.table_line(text, "tool.poetry.dependencies") or 1
            return Ranges(path, line, f"{name} = \"{version}\"")
    return None


def pyproject_ranges(data: Mapping[str, Any], path: str, text: str) -> Ranges | None:
    """The first dependency range a pyproject.toml declares (PEP 621 or Poetry), if any."""
    return _pep621_range(data, path, text) or _poetry_range(data, path, text)


def opts_out_of_packaging(data: Mapping[str, Any]) -> str | None:
    """Why a pyproject.toml describes an application rather than an installable package, if it does."""
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
    if poetry.get("package-mode") is False:
        return "[tool.poetry] package-mode = false"
    if uv.get("package") is False:
        return "[tool.uv] package = false"
    if "project" in data and "build-system" not in data:
        return "[project] without [build-system]"
    return None


def _in_folder(path: str, folder: str) -> bool:
    return folder == "" or path.startswith(folder + "/")


def check_lock_files(
    repo: RepoView,
    ctx: Context,
    pyprojects: Iterable[tuple[str, Mapping[str, Any], str]],
    pipfile_ranges: Iterable[Ranges],
    pinned_requirements: Callable[[str], bool],
) -> None:
    """Report each application project with ranges and no lock. `pyprojects` are (path, data, text) of the
    parsed pyproject.toml files; `pinned_requirements(folder)` says whether a fully pinned requirements file
    sits in that folder."""
    options = ctx.options(MISSING_LOCK_FILE)
    kind = options.get("project-kind", "auto")

    is_lock = fnmatch_any(tuple(options["lock-files"]))
    is_application = fnmatch_any(tuple(options["application-files"]))

    def locked(folder: str) -> bool:
        return pinned_requirements(folder) or any(
            posixpath.dirname(f.path) in (folder, "") and is_lock(f.name) for f in repo.files
        )

    def application_file(folder: str) -> str | None:
        for f in repo.files:
            if _in_folder(f.path, folder) and is_application(f.name):
                return f.path
        return None

    candidates: list[tuple[Ranges, str | None]] = []
    library = ctx.project.kind == LIBRARY  # a contributors' Dockerfile does not deploy a library
    for path, data, text in pyprojects:
        ranges = pyproject_ranges(data, path, text)
        ctx.examine(MISSING_LOCK_FILE)
        if ranges is not None:
            folder = posixpath.dirname(path)
            why = opts_out_of_packaging(data) or (
                None if library and folder == "" else application_file(folder))
            candidates.append((ranges, why))
    for ranges in pipfile_ranges:
        ctx.examine(MISSING_LOCK_FILE)
        candidates.append((ranges, "Pipfile"))
    for ranges, why in candidates:
        if kind == "library" or (kind != "application" and why is None):
            continue
        if locked(posixpath.dirname(ranges.path)):
            continue
        reason = "" if kind == "application" else f" (an application: {why})"
        ctx.report(
            MISSING_LOCK_FILE, ranges.line, None,
            f"dependencies are declared with ranges (`{ranges.example}`) but there is no lock file{reason}",
            path=ranges.path,
        )
