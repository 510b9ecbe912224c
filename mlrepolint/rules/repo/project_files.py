"""Project-level files a grading rubric asks for: a README that says how to install and run, tests, a .gitignore
that keeps data, secrets, virtual environments and notebook checkpoints out of git."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from mlrepolint.api import (
    APP_MODULE, COLLECTION, DOCS_ASSET, DVC_MANAGED, PACKAGE_INIT, RESULT_TABLE, TEMPLATE, TEST_FIXTURE, Applicability,
    Autofix, Context, Project, RepoChecker, RepoFile, RepoView, Rule, Severity, gitignore_spec, valid_gitignore_lines,
)
from mlrepolint.rules.repo.artifacts import (
    ARCHIVE_SUFFIXES, COMMITTED_DATASET, DATA_SUFFIXES, MEDIA_SUFFIXES, is_data_file,
)
from mlrepolint.rules.repo.testsuite import notebook_runner, notebooks, project_modules, tests_exercising

README_LIMIT = 512 * 1024
GITIGNORE_LIMIT = 256 * 1024
ENV_EXAMPLES = (".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults")
#: Files that make a folder named like a data folder code rather than data.
CODE_SUFFIXES = (".py", ".pyi", ".md", ".rst", ".dvc")
CODE_NAMES = (".gitkeep", ".keep", ".gitignore", "README", "README.md", "README.txt")
#: A folder named like data inside one of these holds configuration (`configs/data/mnist.yaml`, a Hydra config
#: group) or requirement files (`requirements/data/*.txt`), not data.
CONFIG_FOLDERS = frozenset({"configs", "config", "conf", "requirements", "requirements.d", "reqs", "envs", "env"})
#: What the project model says is not data, wherever it is.
#: Roles of modules that make a notebook or course collection a project to test: code it serves or packages.
DEPLOYED = (APP_MODULE, PACKAGE_INIT)
NOT_DATA_ROLES = (DVC_MANAGED, DOCS_ASSET, RESULT_TABLE, TEMPLATE, TEST_FIXTURE)

MISSING_README = Rule(
    code="MLR701",
    name="missing-readme",
    category="documentation",
    severity=Severity.WARNING,
    summary="No README, or a README without install and usage instructions",
    description=(
        "Reports a repository with no README at its root (`README`, `README.md`, `README.rst`, `README.txt`, any "
        "case), or whose README has no install instructions (none of `install-words`: install, setup, getting "
        "started, requirements, `docker build`, `docker compose`...: building the container is how a service "
        "is installed) or no usage instructions (none of `usage-words`: usage, how to, example, "
        "run, `python `...). The rubric counts one requirement when there is no README, and two (install, "
        "usage) when there is one."
    ),
    rationale=(
        "An ML repository without install and run instructions cannot be reproduced: which Python, which "
        "requirements file, which script trains and with which arguments is exactly the knowledge that "
        "leaves with its author."
    ),
    fix="Add a README.md with an Installation section (`pip install -r requirements.txt`) and a Usage section "
        "(`python -m project.train --config configs/base.yaml`).",
    bad="# churn-model\n\nPredicts churn.\n",
    good="# churn-model\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\npython train.py\n",
    options={
        "install-words": (
            "install", "setup", "set up", "getting started", "requirements", "dependencies", "docker build",
            "docker compose", "docker-compose", "docker pull",
        ),
        "usage-words": ("usage", "how to", "example", "quick start", "quickstart", "run", "python ", "train"),
    },
)

MISSING_TESTS = Rule(
    code="MLR702",
    name="missing-tests",
    category="testing",
    severity=Severity.WARNING,
    summary="The project's modules have no tests, or too few, that exercise them",
    description=(
        "Counts the test functions that exercise the project and compares them with the project's modules. "
        "The modules are its Python files other than tests, `__init__.py`, `setup.py`, `conftest.py`, "
        "`noxfile.py`, `conf.py`, `manage.py`, files under `docs/`, `doc/`, `examples/` or `example/` and "
        "files of a project template (a path with `{{`); a "
        "repository with fewer than `min-modules` of them (a notebook-only one) is not asked for tests, nor is a "
        "notebook or course collection (a book, lesson folders: the project model's kind, `mlrepolint explain`) "
        "whose modules are only scripts and notebook helpers, with no app module and no package: there "
        "`untested-notebooks` asks for the notebooks to be run. Test "
        "files are `test_*.py`, `*_test.py`, `tests.py` and Python files under a `tests/` or `test/` folder. A "
        "test function (`def test...`, at any depth) counts when its file asserts something (`assert`, "
        "`self.assert...`, `assert_...(`, `pytest.raises`) and exercises the project: the file, its "
        "`conftest.py` files or the test helpers it imports import one of the project's modules, or run it as a "
        "command (`subprocess`, `runpy`, click's or typer's test runners). An empty test file, or one that "
        "tests nothing of the project, earns nothing.\n\n"
        "The rubric expects `tests-per-module` test functions per module (default 0.25: one for every four "
        "modules, rounded up, the ratio mllint asks of test files): it examines that many units, and the one "
        "finding fails those that are missing, so 3 test functions where 10 are expected score 0.3."
    ),
    rationale=(
        "Without even a smoke test, a refactor of the feature pipeline or a library upgrade silently changes "
        "what the model sees; a test on a tiny synthetic batch catches shape, dtype and leakage bugs in seconds. "
        "A test file that imports nothing of the project, or asserts nothing, catches none of them."
    ),
    fix="Add `tests/test_<module>.py` with pytest tests that import the module and assert on small synthetic "
        "data (a few rows, one training step).",
    bad="src/churn/features.py\nsrc/churn/train.py\ntests/test_placeholder.py   # def test_nothing(): pass\n",
    good="src/churn/features.py\nsrc/churn/train.py\ntests/test_features.py      # from churn.features import "
         "encode; def test_encode(): assert ...\n",
    options={"min-modules": 1, "tests-per-module": 0.25},
)

UNTESTED_NOTEBOOKS = Rule(
    code="MLR707",
    name="untested-notebooks",
    category="testing",
    severity=Severity.WARNING,
    summary="The notebooks are the project's code, and nothing runs them",
    description=(
        "Applies where `missing-tests` does not because the notebooks are the code: a repository with notebooks "
        "and no Python modules of its own to test, or a notebook or course collection whose modules are only "
        "scripts and notebook helpers (the project model's kind, `mlrepolint explain`). Reports it when no CI "
        "configuration (the `missing-ci` files), task runner (`tox.ini`, `noxfile.py`, a Makefile, a justfile), "
        "test file or pytest configuration (`--nbmake`, `--nbval` in `pyproject.toml`, `setup.cfg` or "
        "`pytest.ini`) executes notebooks: nbmake, nbval, pytest-notebook, papermill, testbook, treon, nbclient, "
        "`jupyter nbconvert --execute`, `jupyter execute`, `jupytext --execute`, `nbdev_test`, or a book build "
        "that executes them (`jupyter-book build`, `quarto render`). Files are read as text, nothing is run. "
        "The rubric counts one requirement for the repository."
    ),
    rationale=(
        "A notebook nobody re-runs rots: a renamed pandas argument, a moved scikit-learn import or a deleted data "
        "file breaks it silently, and its committed outputs keep showing results it can no longer produce. "
        "Executing the notebooks in CI is their test suite."
    ),
    fix="Run the notebooks in CI: `pip install nbmake` and `pytest --nbmake notebooks/` in a workflow (or "
        "`jupyter nbconvert --to notebook --execute`); give slow ones a small sample of the data.",
    bad="analysis.ipynb\nmodel.ipynb\nrequirements.txt\n",
    good="analysis.ipynb\nmodel.ipynb\nrequirements.txt\n.github/workflows/notebooks.yml   "
         "# run: pytest --nbmake *.ipynb\n",
)

MISSING_GITIGNORE = Rule(
    code="MLR703",
    name="missing-gitignore",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="No .gitignore at the repository root",
    description=(
        "Reports a repository with files but no `.gitignore` at its root. It is a data-hygiene rule: the "
        ".gitignore is what keeps datasets, model weights, `.env` files, virtual environments and notebook "
        "checkpoints out of the history. The rubric counts one requirement."
    ),
    rationale=(
        "Without a .gitignore the first `git add .` commits the 2 GB training set, the checkpoints folder and "
        "the `.env` with the cloud credentials; removing them later means rewriting history."
    ),
    fix="Add a `.gitignore` (start from GitHub's Python template) and add your data and model folders to it.",
    bad="data/train.csv\ntrain.py\n",
    good=".gitignore\ndata/train.csv   # ignored by `data/` in .gitignore\ntrain.py\n",
    autofixes=(Autofix(
        Applicability.SAFE,
        "Creates `.gitignore` with Python's caches and the entries `gitignore-gaps` would ask for (the data "
        "folder, `.env`, the virtual environment, `.ipynb_checkpoints/`), under a comment.",
    ),),
)

GITIGNORE_GAPS = Rule(
    code="MLR704",
    name="gitignore-gaps",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="The .gitignore does not cover data, `.env`, a virtualenv or notebook checkpoints the repo has",
    description=(
        "When the root `.gitignore` exists, reports each kind of file the repository has that no `.gitignore` "
        "entry covers: a data folder (a folder that holds data files: data files make up at least half of its "
        "files, or it is named in `data-dirs` and holds files that are not code, docs or DVC pointers), a `.env` "
        "file (`.env.example` and other templates are fine), a virtual environment, notebook checkpoints (a "
        "repository with notebooks needs `.ipynb_checkpoints`). Nested `.gitignore` files count. A repository "
        "without a `.gitignore` is left to `missing-gitignore`. Never data folders: folders inside an import package "
        "(`timm/data/` is source), test fixtures, docs assets, templates, folders of configuration or "
        "requirement files (`configs/data/`, `requirements/data/`), and what DVC manages (`.dvc` pointers and "
        "`dvc.yaml` outputs: DVC writes its own `.gitignore` entries, and ignoring the folder would break it), "
        "data files the repository's Markdown links to or loads by URL, and the data of a course or book "
        "(a collection of lessons or notebooks, see `mlrepolint explain`). "
        "The rubric counts the kinds present."
    ),
    rationale=(
        "An entry missing for a folder the repository has is a commit waiting to happen: the next `git add .` "
        "takes the dataset, the credentials or a 500 MB virtualenv with it."
    ),
    fix="Add the reported entries to `.gitignore` (`data/`, `.env`, `.venv/`, `.ipynb_checkpoints/`).",
    bad="# .gitignore\n__pycache__/\n",
    good="# .gitignore\n__pycache__/\ndata/\n.env\n.venv/\n.ipynb_checkpoints/\n",
    options={"data-dirs": ("data", "datasets", "dataset")},
    autofixes=(Autofix(
        Applicability.SAFE,
        "Appends the reported entries to the root `.gitignore` under a comment, leaving every existing line as "
        "it is. Files git already tracks stay tracked (see `committed-dataset` for `git rm --cached`).",
    ),),
)


def find_readme(repo: RepoView) -> str | None:
    """The root README's path, if any (README, README.md, readme.rst...)."""
    for f in repo.files:
        if "/" not in f.path and f.name.lower().split(".")[0] == "readme":
            return f.path
    return None


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(re.search(r"(?<![a-z])" + re.escape(word.lower()), lowered) for word in words)


@dataclass(frozen=True)
class Need:
    """Something the repository has that its .gitignore should cover, and a path to test the entries with."""

    label: str
    entry: str
    probe: str


class ProjectFilesChecker(RepoChecker):
    """README, tests and .gitignore: the project-level checks of the rubric."""

    rules = (MISSING_README, MISSING_TESTS, UNTESTED_NOTEBOOKS, MISSING_GITIGNORE, GITIGNORE_GAPS)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Look at the file list once; read only the README and the .gitignore files."""
        if not repo.files:
            return
        self._check_readme(repo, ctx)
        self._check_tests(repo, ctx)
        if repo.by_path(".gitignore") is None:
            ctx.examine(MISSING_GITIGNORE)
            ctx.report(MISSING_GITIGNORE, None, None, "no .gitignore at the repository root", path=".gitignore")
            return
        ctx.examine(MISSING_GITIGNORE)
        self._check_gaps(repo, ctx)

    def _check_readme(self, repo: RepoView, ctx: Context) -> None:
        readme = find_readme(repo)
        if readme is None:
            ctx.examine(MISSING_README)
            ctx.report(MISSING_README, None, None, "no README at the repository root", path="README.md")
            return
        ctx.examine(MISSING_README, 2)
        text = repo.read_text(readme, README_LIMIT) or ""
        options = ctx.options(MISSING_README)
        missing = [
            what for what, words in (("install", options["install-words"]), ("usage", options["usage-words"]))
            if not _mentions(text, tuple(words))
        ]
        for what in missing:
            ctx.report(MISSING_README, None, None, f"README has no {what} instructions", path=readme)

    def _check_tests(self, repo: RepoView, ctx: Context) -> None:
        options = ctx.options(MISSING_TESTS)
        modules = project_modules(repo)
        if len(modules) < max(1, options["min-modules"]):
            self._check_notebook_runs(repo, ctx)
            return
        if ctx.project.kind == COLLECTION and not any(ctx.project.kind_of(m) in DEPLOYED for m in modules):
            self._check_notebook_runs(repo, ctx)  # a book's or a course's scripts and notebook helpers are lesson
            return  # material, not a project: its notebooks are what to test
        expected = max(1, math.ceil(len(modules) * max(0.0, float(options["tests-per-module"]))))
        ctx.examine(MISSING_TESTS, expected)
        suite = tests_exercising(repo, ctx.project)
        have = min(suite.functions, expected)
        if have >= expected:
            return
        count = f"{len(modules)} Python module{'s' if len(modules) != 1 else ''}"
        if not suite.files:
            message = f"{count} and no test files"
        elif not suite.functions:
            message = f"{count} and no test that exercises them ({suite.why_not})"
        else:
            functions = f"{suite.functions} test function{'s' if suite.functions != 1 else ''}"
            message = (
                f"{functions} exercise the project's {count.replace(' Python', '')}: "
                f"{expected} expected at tests-per-module {float(options['tests-per-module']):g}"
            )
        ctx.report(MISSING_TESTS, None, None, message, path="tests/", units=expected - have)

    @staticmethod
    def _check_notebook_runs(repo: RepoView, ctx: Context) -> None:
        found = notebooks(repo)
        if not found:
            return
        ctx.examine(UNTESTED_NOTEBOOKS)
        if notebook_runner(repo) is None:
            count = f"{len(found)} notebook{'s' if len(found) != 1 else ''}"
            ctx.report(
                UNTESTED_NOTEBOOKS, None, None,
                f"{count} and nothing runs them: no CI job, task or test executes a notebook (nbmake, nbval, "
                "papermill, `jupyter nbconvert --execute`)",
                path=".github/workflows/",
            )

    def _check_gaps(self, repo: RepoView, ctx: Context) -> None:
        max_size = ctx.options(COMMITTED_DATASET)["max-file-size"]
        needs = list(_needs(repo, ctx.project, tuple(ctx.options(GITIGNORE_GAPS)["data-dirs"]), max_size))
        if not needs:
            return
        ctx.examine(GITIGNORE_GAPS, len(needs))
        ignores = _gitignores(repo)
        for need in needs:
            if not _ignored(ignores, need.probe):
                ctx.report(
                    GITIGNORE_GAPS, None, None,
                    f".gitignore has no entry covering {need.label} (add `{need.entry}`)", path=".gitignore",
                )


def _needs(repo: RepoView, project: Project, data_dirs: tuple[str, ...], max_size: int) -> Iterator[Need]:
    """One Need per kind of thing present that a .gitignore should cover (the first instance of each)."""
    env = notebook = None
    data = _data_folder(repo, project, data_dirs, max_size)
    for f in repo.files:
        parts = f.path.split("/")
        if env is None and (f.name == ".env" or f.name.startswith(".env.")) and f.name not in ENV_EXAMPLES:
            env = f.path
        if notebook is None and (f.suffix == ".ipynb" or ".ipynb_checkpoints" in parts):
            notebook = f.path
    if data is not None:
        folder, path = data
        yield Need(f"the data folder `{folder}` ({path})", folder, path)
    if env is not None:
        yield Need(f"the env file `{env}`", ".env", env)
    venvs = sorted(d for d in repo.skipped_dirs if _is_venv(repo, d))
    if venvs:
        name = venvs[0].rstrip("/").split("/")[-1]
        yield Need(f"the virtual environment `{venvs[0]}`", name + "/", venvs[0] + "pyvenv.cfg")
    if notebook is not None:
        folder = str(PurePosixPath(notebook).parent)
        probe = ("" if folder == "." else folder + "/") + ".ipynb_checkpoints/nb-checkpoint.ipynb"
        yield Need("notebook checkpoints", ".ipynb_checkpoints/", probe)


def _data_folder(
    repo: RepoView, project: Project, data_dirs: tuple[str, ...], max_size: int
) -> tuple[str, str] | None:
    """(the .gitignore entry for the first folder that holds data, its first data file), or None."""
    by_folder: dict[str, list[RepoFile]] = {}
    for f in repo.files:
        if "/" in f.path:
            by_folder.setdefault(f.path.rpartition("/")[0], []).append(f)
    data_flags: dict[str, bool] = {}

    def data(f: RepoFile) -> bool:
        if f.path not in data_flags:
            data_flags[f.path] = is_data_file(repo, project, f, max_size)
        return data_flags[f.path]

    if project.kind == COLLECTION:  # a course's or a book's data is part of its lessons
        return None
    # A folder whose data the README links to or loads by URL is published: ignoring it would break the README.
    published = tuple({
        path.rpartition("/")[0] + "/" for path in project.linked
        if "/" in path and PurePosixPath(path).suffix.lower() in DATA_SUFFIXES | ARCHIVE_SUFFIXES
    })
    for f in repo.files:
        parts = f.path.split("/")[:-1]
        if not parts or project.kind_of(f.path) in NOT_DATA_ROLES or project.package_of(f.path) is not None:
            continue
        if f.path.startswith(published):
            continue
        named = next((i for i, part in enumerate(parts) if part in data_dirs), None)
        if named is not None and not CONFIG_FOLDERS.intersection(parts[:named]) and not _is_code(f.name) and (
            f.suffix in MEDIA_SUFFIXES or not f.path.endswith((".yaml", ".yml", ".toml", ".cfg", ".ini")) or data(f)
        ):
            return parts[named] + "/", f.path
        if named is None and data(f):
            siblings = [s for s in by_folder[f.path.rpartition("/")[0]] if s.name not in CODE_NAMES]
            if 2 * sum(data(s) for s in siblings) >= len(siblings):
                return "/".join(parts) + "/", f.path
    return None


def _is_code(name: str) -> bool:
    return name in CODE_NAMES or name.lower().endswith(CODE_SUFFIXES)


def _is_venv(repo: RepoView, folder: str) -> bool:
    name = folder.rstrip("/").split("/")[-1]
    return name in (".venv", "venv") or repo.stat(folder + "pyvenv.cfg") is not None


def _gitignores(repo: RepoView) -> list[tuple[str, object]]:
    """(folder prefix, spec) of every listed .gitignore, shallowest first."""
    found = []
    for f in sorted(repo.files, key=lambda f: f.path.count("/")):
        if f.name == ".gitignore":
            prefix = f.path[: -len(".gitignore")]
            lines = (repo.read_text(f.path, GITIGNORE_LIMIT) or "").splitlines()
            found.append((prefix, gitignore_spec(valid_gitignore_lines(lines))))
    return found


def _ignored(ignores: list[tuple[str, object]], path: str) -> bool:
    """Git's answer for `path`: the deepest .gitignore with a matching pattern decides."""
    for prefix, spec in reversed(ignores):
        if not path.startswith(prefix):
            continue
        result = spec.check_file(path[len(prefix):])  # type: ignore[attr-defined]
        if result.include is not None:
            return bool(result.include)
    return False
