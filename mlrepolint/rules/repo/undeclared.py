"""dependencies-undeclared: Python code that imports third-party packages in a repository that declares none."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Iterator

from mlrepolint.api import Context, Import, RepoChecker, RepoView, Rule, Severity, fnmatch_any, lazy, scan_imports
from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.imports import third_party_tops
from mlrepolint.rules.repo.notebooks import load_notebook
from mlrepolint.rules.repo.textfiles import read_declaration

CODE_LIMIT = 1024 * 1024
#: Files that declare dependencies by their name alone (requirements files, Pipfiles, conda environments, locks).
DECLARATION_FILES = (
    "*requirements*.txt", "*requirements*.in", "requirements/*.txt", "requirements/*.in", "Pipfile",
    "Pipfile.lock", "environment*.yml", "environment*.yaml", "conda*.yml", "conda*.yaml", "poetry.lock",
    "uv.lock", "pdm.lock", "pixi.toml", "pixi.lock", "conda-lock.yml", "*.conda-lock.yml", "pylock.toml",
    "pylock.*.toml",
)
_SETUP_PY = lazy(r"\binstall_requires\s*=")
_SETUP_CFG = lazy(r"^\s*install_requires\s*=", re.M)
#: Files that run at build or task time, whose imports are tooling rather than the code's dependencies.
TOOLING_FILES = frozenset({"setup.py", "noxfile.py", "fabfile.py"})
#: Installer tooling, present wherever pip is (as pip-tools treats it).
INSTALLER_TOOLING = frozenset({"setuptools", "pkg_resources", "pip", "wheel", "distutils"})
#: Packages named in the message at most.
SHOWN = 3
#: Third-party names to collect before the scan stops (the message needs a few, the score one).
ENOUGH = 12

DEPENDENCIES_UNDECLARED = Rule(
    code="MLR504",
    name="dependencies-undeclared",
    category="dependencies",
    severity=Severity.WARNING,
    summary="Code imports third-party packages, but the repository declares no dependencies",
    description=(
        "Reports a repository whose Python files or notebooks import a third-party package while nothing in it "
        "declares dependencies: no requirements file (`*requirements*.txt`, `*requirements*.in`, "
        "`requirements/`), no `pyproject.toml` with `[project] dependencies` (or dynamic ones), "
        "`[tool.poetry.dependencies]` or `[tool.pixi.dependencies]`, no `setup.py` or `setup.cfg` with "
        "`install_requires` (read as text, never run), no `Pipfile`, no conda environment "
        "(`environment*.yml`, `conda*.yml`) and no lock file (`poetry.lock`, `uv.lock`, `pdm.lock`, "
        "`Pipfile.lock`, `pixi.lock`...), at any depth. Third-party means neither the standard library nor the "
        "repository's own modules (the project model's first-party names: any `name.py` or folder of Python "
        "files in it); the imports of `setup.py`, "
        "`noxfile.py` and `fabfile.py` and installer tooling (`setuptools`, `pip`...) are not counted, and "
        "folders whose names are Jinja templates (`{{ cookiecutter.name }}`) are left out. The rubric counts one "
        "requirement for every repository with Python code or notebooks; it fails only when code imports "
        "a package that no file declares."
    ),
    rationale=(
        "Without a dependency file nobody can install what the training script needs, let alone the versions "
        "it was run with: the model cannot be retrained, served or reviewed. Deleting `requirements.txt` must "
        "never look like an improvement."
    ),
    fix=(
        "Declare what the code imports: `pip freeze > requirements.txt` in the environment that works (then "
        "trim it to the direct dependencies, pinned), or `[project] dependencies` in `pyproject.toml`, or a "
        "conda `environment.yml`."
    ),
    bad="# train.py, in a repository with no requirements.txt, pyproject.toml or environment.yml\n"
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n",
    good="# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.0\n",
)


class UndeclaredDependencyChecker(RepoChecker):
    """Finds third-party imports in a repository that declares no dependencies."""

    rules = (DEPENDENCIES_UNDECLARED,)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Look for a declaration by name (and a few reads); only without one, scan the code's imports."""
        code = [f.path for f in repo.files if f.suffix in (".py", ".ipynb") and "{{" not in f.path]
        if not code:
            return
        ctx.examine(DEPENDENCIES_UNDECLARED)
        if declaration(repo) is not None:
            return
        own = ctx.project.first_party
        found: dict[str, str] = {}  # package -> first file importing it
        for path in code:
            if PurePosixPath(path).name in TOOLING_FILES:
                continue
            for name in sorted(third_party_tops(_imports(repo, path), own) - INSTALLER_TOOLING):
                found.setdefault(name, path)
            if len(found) >= ENOUGH:
                break
        if not found:
            return
        names = sorted(found)
        shown = ", ".join(f"`{name}`" for name in names[:SHOWN])
        more = " and others" if len(names) > SHOWN else ""
        first = next(iter(found.values()))
        ctx.report(
            DEPENDENCIES_UNDECLARED, None, None,
            f"the code imports third-party packages ({shown}{more}; first in {first}) but no file "
            "declares dependencies (requirements.txt, pyproject.toml, setup.py, Pipfile, environment.yml)",
            path="requirements.txt",
        )


def declaration(repo: RepoView) -> str | None:
    """The first file that declares the repository's dependencies, if any."""
    declares = fnmatch_any(tuple(DECLARATION_FILES))
    for f in repo.files:
        if declares(f.name) or declares("/".join(f.path.split("/")[-2:])):
            return f.path
    for f in repo.files:
        if f.name == "setup.py":
            if _SETUP_PY.search(read_declaration(repo, f.path) or ""):
                return f.path
        elif f.name == "setup.cfg":
            if _SETUP_CFG.search(read_declaration(repo, f.path) or ""):
                return f.path
        elif f.name == "pyproject.toml":
            data = tomltext.load(read_declaration(repo, f.path) or "")[0]
            if data is not None and _declares(data):
                return f.path
    return None


def _declares(data: dict[str, Any]) -> bool:
    """True when a pyproject.toml declares dependencies (PEP 621, dynamic, Poetry, pixi or PEP 735 groups)."""
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    dynamic = project.get("dynamic") if isinstance(project.get("dynamic"), list) else []
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    pixi = tool.get("pixi") if isinstance(tool.get("pixi"), dict) else {}
    return bool(
        "dependencies" in project or "optional-dependencies" in project or "dependencies" in dynamic
        or "dependencies" in poetry or "dependencies" in pixi or "dependency-groups" in data
    )


def _imports(repo: RepoView, path: str) -> Iterator[Import]:
    """The imports of a Python file, or of a notebook's code cells."""
    if path.endswith(".py"):
        yield from scan_imports(repo.read_text(path, CODE_LIMIT) or "")
        return
    notebook = load_notebook(repo, path)
    if notebook is None or notebook.error is not None:
        return
    for cell in notebook.cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else str(source)
            yield from scan_imports(text)
