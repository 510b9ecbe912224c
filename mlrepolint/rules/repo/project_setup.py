"""Project set-up: continuous integration, pre-commit (and what it runs), a licence, and a complete DVC set-up.

Low-weight rules of the `project-setup` category: they say how a project is kept in shape, which informs a
reviewer without outweighing the code. Everything is decided from file names and a few small reads as text; no
tool is run.
"""

from __future__ import annotations

import posixpath
import re

from mlrepolint.api import Context, RepoChecker, RepoView, Rule, Severity, fnmatch_any, lazy
from mlrepolint.rules.repo import tomltext
from mlrepolint.rules.repo.textfiles import read_declaration

#: CI configurations by path (GitHub Actions, GitLab, Azure Pipelines, CircleCI, Jenkins, Travis, Bitbucket,
#: Drone, Buildkite, AppVeyor, Woodpecker, Google Cloud Build, Tekton-free defaults).
CI_FILES = (
    ".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", ".gitlab-ci.yaml",
    "azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines/*.yml", ".azure-pipelines/*.yaml",
    ".circleci/config.yml", ".circleci/config.yaml", "Jenkinsfile", "*.jenkinsfile", ".travis.yml",
    "bitbucket-pipelines.yml", ".drone.yml", ".buildkite/*.yml", ".buildkite/*.yaml", "appveyor.yml",
    ".appveyor.yml", ".woodpecker.yml", ".woodpecker/*.yml", "cloudbuild.yaml", "cloudbuild.yml",
)
PRE_COMMIT_FILES = (".pre-commit-config.yaml", ".pre-commit-config.yml")
LICENSE_NAMES = ("license", "licence", "copying", "unlicense")
#: Hook ids, by what a pre-commit configuration should run.
LINTER_HOOKS = (
    "ruff", "ruff-check", "flake8", "pylint", "pyflakes", "pycodestyle", "mypy", "pyright", "mlrepolint",
    "mlrepolint-repo", "nbqa-ruff", "nbqa-flake8", "nbqa-pylint", "bandit",
)
NOTEBOOK_HOOKS = ("nbstripout", "nb-clean", "nbdev_clean", "nbdev-clean", "jupyter-nb-clear-output")
SECRET_HOOKS = (
    "detect-secrets", "gitleaks", "trufflehog", "detect-private-key", "detect-aws-credentials", "ggshield",
    "talisman-commit", "secretlint", "mlrepolint", "mlrepolint-repo",
)
#: Commands a local hook may run whose steps cannot be seen from the configuration (`make style`, `tox -e lint`):
#: taken to run a linter, their most common use.
TASK_RUNNERS = frozenset({"make", "tox", "nox", "just", "invoke", "task", "poe", "hatch", "bash", "sh"})
OPAQUE = "<task runner>"
READ_LIMIT = 256 * 1024
_ENTRY = lazy(r"""^[ \t-]*entry:[ \t]*(.+)$""", re.M)
_HOOK_ID = lazy(r"""^[ \t-]*id:[ \t]*["']?([\w.+-]+)""", re.M)
_DVC_REMOTE = lazy(r"""^[ \t]*\[[ \t]*['"]?remote[ \t]+"[^"]+"['"]?[ \t]*\]""", re.M)

MISSING_CI = Rule(
    code="MLR710",
    name="missing-ci",
    category="project-setup",
    severity=Severity.WARNING,
    summary="No continuous integration configured",
    description=(
        "Reports a repository with Python code or notebooks and none of `ci-files`: GitHub Actions workflows "
        "(`.github/workflows/*.yml`), `.gitlab-ci.yml`, `azure-pipelines.yml`, `.circleci/config.yml`, a "
        "`Jenkinsfile`, `.travis.yml`, `bitbucket-pipelines.yml`, Drone, Buildkite, AppVeyor, Woodpecker or "
        "Google Cloud Build files. The rubric counts one requirement, in the low-weight project set-up category."
    ),
    rationale=(
        "Tests and linters that only run on the author's laptop stop running the day they become slow; CI runs "
        "them on every change, so a broken feature pipeline is caught before the next training run uses it."
    ),
    fix="Add a workflow that installs the project and runs its tests and linters on every push and pull request "
        "(`.github/workflows/ci.yml` with `pytest` and `mlrepolint .`).",
    bad="train.py\ntests/test_train.py\n",
    good="train.py\ntests/test_train.py\n.github/workflows/ci.yml\n",
    options={"ci-files": CI_FILES},
)

MISSING_PRE_COMMIT = Rule(
    code="MLR711",
    name="missing-pre-commit",
    category="project-setup",
    severity=Severity.INFO,
    summary="No pre-commit configuration",
    description=(
        "Reports a repository with Python code or notebooks and no `.pre-commit-config.yaml` at its root. An "
        "`info` finding in the low-weight project set-up category: it informs more than it costs."
    ),
    rationale=(
        "pre-commit runs the linters, strips notebook outputs and scans for secrets before each commit, so the "
        "things that are hard to take out of git history never get into it."
    ),
    fix="Add a `.pre-commit-config.yaml` with a linter (ruff), nbstripout for notebooks and a secret scan "
        "(detect-secrets or gitleaks), and run `pre-commit install`.",
    bad="train.py\nanalysis.ipynb\n",
    good="train.py\nanalysis.ipynb\n.pre-commit-config.yaml\n",
)

PRE_COMMIT_GAPS = Rule(
    code="MLR712",
    name="pre-commit-gaps",
    category="project-setup",
    severity=Severity.INFO,
    summary="The pre-commit configuration runs no linter, no nbstripout for the notebooks, or no secret scan",
    description=(
        "When `.pre-commit-config.yaml` exists, reports each of these it does not run (by hook id, or the "
        "command a local hook's `entry` runs): a linter (`linter-hooks`: ruff, flake8, pylint, mypy, "
        "mlrepolint...), a notebook output stripper when the repository has notebooks (`notebook-hooks`: "
        "nbstripout, nb-clean...), and a secret scan (`secret-hooks`: detect-secrets, gitleaks, trufflehog, "
        "detect-private-key, mlrepolint...). A local hook that runs a task runner (`make style`, `tox -e lint`, "
        "a shell script) is taken to run a linter, since what it runs cannot be read from the configuration. "
        "The rubric counts one unit per check that applies; the findings are `info`."
    ),
    rationale=(
        "A pre-commit configuration that only fixes whitespace lets through what matters in an ML repository: "
        "notebooks with their outputs and data, credentials in config files, and code no linter has read."
    ),
    fix="Add the missing hooks: `ruff` (astral-sh/ruff-pre-commit), `nbstripout` (kynan/nbstripout), "
        "`detect-secrets` (Yelp/detect-secrets) or `gitleaks`.",
    bad="# .pre-commit-config.yaml\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.4.2\n"
        "    hooks:\n      - id: black\n",
    good="# .pre-commit-config.yaml\nrepos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
         "    rev: v0.5.0\n    hooks:\n      - id: ruff\n  - repo: https://github.com/kynan/nbstripout\n"
         "    rev: 0.7.1\n    hooks:\n      - id: nbstripout\n  - repo: https://github.com/gitleaks/gitleaks\n"
         "    rev: v8.18.4\n    hooks:\n      - id: gitleaks\n",
    options={"linter-hooks": LINTER_HOOKS, "notebook-hooks": NOTEBOOK_HOOKS, "secret-hooks": SECRET_HOOKS},
)

MISSING_LICENSE = Rule(
    code="MLR713",
    name="missing-license",
    category="project-setup",
    severity=Severity.WARNING,
    summary="No licence file, and no licence declared in pyproject.toml",
    description=(
        "Reports a repository with no `LICENSE`, `LICENCE`, `COPYING` or `UNLICENSE` file (any case, any "
        "extension) at its root, and no `license` in the root `pyproject.toml`'s `[project]` table. The rubric "
        "counts one requirement, in the low-weight project set-up category."
    ),
    rationale=(
        "Code without a licence cannot legally be reused, forked or deployed by anyone else: for a model or a "
        "pipeline meant to be shared, the missing file is a blocker for every user's legal review."
    ),
    fix="Add a `LICENSE` file (choosealicense.com; MIT, BSD-3-Clause and Apache-2.0 are common for ML code) and "
        "declare it in `pyproject.toml` (`license = \"MIT\"`).",
    bad="README.md\ntrain.py\n",
    good="LICENSE\nREADME.md\ntrain.py\n",
)

DVC_LOCK_MISSING = Rule(
    code="MLR714",
    name="dvc-lock-missing",
    category="project-setup",
    severity=Severity.WARNING,
    summary="A DVC pipeline (`dvc.yaml`) without its `dvc.lock`",
    description=(
        "Reports each `dvc.yaml` with no `dvc.lock` next to it in the repository. `dvc.lock` records the hashes "
        "of every stage's dependencies and outputs after `dvc repro`. The rubric counts one unit per "
        "`dvc.yaml`."
    ),
    rationale=(
        "Without `dvc.lock` nobody can tell which data and code produced the committed model or metrics, and "
        "`dvc repro` cannot say which stages are up to date: the pipeline is declared but not reproducible."
    ),
    fix="Run `dvc repro` (or `dvc commit`) and commit `dvc.lock` with `dvc.yaml`.",
    bad="dvc.yaml\nsrc/train.py\n",
    good="dvc.yaml\ndvc.lock\nsrc/train.py\n",
)

DVC_REMOTE_MISSING = Rule(
    code="MLR715",
    name="dvc-remote-missing",
    category="project-setup",
    severity=Severity.WARNING,
    summary="DVC is used but no remote is configured in `.dvc/config`",
    description=(
        "Reports a repository that uses DVC (a `.dvc` folder, `.dvc` files or a `dvc.yaml`) whose committed "
        "`.dvc/config` (read as text) has no `['remote \"name\"']` section, or that has no `.dvc/config` at "
        "all. A remote kept only in the uncommitted `.dvc/config.local` does not count: nobody else can pull "
        "from it. The rubric counts one requirement."
    ),
    rationale=(
        "DVC keeps the data out of git and its hashes in git; without a shared remote the data lives only in "
        "the author's cache, so a clone has pointers to files nobody can fetch."
    ),
    fix="`dvc remote add -d storage s3://bucket/path` (or gs://, azure://, ssh://, a shared folder) and commit "
        "`.dvc/config`; keep credentials in `.dvc/config.local`.",
    bad="# .dvc/config\n[core]\n    autostage = true\n",
    good="# .dvc/config\n[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://ml-data/churn\n",
)


class ProjectSetupChecker(RepoChecker):
    """CI, pre-commit, licence and DVC set-up, from the file list and a few small reads."""

    rules = (MISSING_CI, MISSING_PRE_COMMIT, PRE_COMMIT_GAPS, MISSING_LICENSE, DVC_LOCK_MISSING, DVC_REMOTE_MISSING)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Each rule applies where it has something to look at (code for CI and pre-commit, DVC for DVC)."""
        if not repo.files:
            return
        self._check_license(repo, ctx)
        if any(f.suffix in (".py", ".ipynb") for f in repo.files):
            self._check_ci(repo, ctx)
            self._check_pre_commit(repo, ctx)
        self._check_dvc(repo, ctx)

    @staticmethod
    def _check_ci(repo: RepoView, ctx: Context) -> None:
        ctx.examine(MISSING_CI)
        is_ci = fnmatch_any(tuple(ctx.options(MISSING_CI)["ci-files"]))
        if not any(is_ci(f.path) for f in repo.files):
            ctx.report(
                MISSING_CI, None, None,
                "no CI configuration (GitHub Actions, GitLab CI, Azure Pipelines, CircleCI, Jenkins...): tests and "
                "linters run only when someone remembers",
                path=".github/workflows/",
            )

    @staticmethod
    def _check_pre_commit(repo: RepoView, ctx: Context) -> None:
        config = next((name for name in PRE_COMMIT_FILES if repo.by_path(name) is not None), None)
        ctx.examine(MISSING_PRE_COMMIT)
        if config is None:
            ctx.report(MISSING_PRE_COMMIT, None, None, "no .pre-commit-config.yaml", path=PRE_COMMIT_FILES[0])
            return
        text = repo.read_text(config, READ_LIMIT) or ""
        hooks = set(_HOOK_ID.findall(text))
        for entry in _ENTRY.findall(text):  # a local hook: what its command runs
            words = [word.rsplit("/", 1)[-1] for word in entry.replace('"', " ").replace("'", " ").split()]
            hooks.update(words)
            if words and words[0] in TASK_RUNNERS:
                hooks.add(OPAQUE)
        options = ctx.options(PRE_COMMIT_GAPS)
        checks = [
            ("runs no linter (add `ruff`)", "linter-hooks"), ("runs no secret scan (add `gitleaks`)", "secret-hooks"),
        ]
        if any(f.suffix == ".ipynb" for f in repo.files):
            checks.insert(1, ("does not strip notebook outputs (add `nbstripout`)", "notebook-hooks"))
        ctx.examine(PRE_COMMIT_GAPS, len(checks))
        for what, option in checks:
            known = set(options[option]) | ({OPAQUE} if option == "linter-hooks" else set())
            if not hooks.intersection(known):
                ctx.report(PRE_COMMIT_GAPS, None, None, f"pre-commit {what}", path=config)

    @staticmethod
    def _check_license(repo: RepoView, ctx: Context) -> None:
        ctx.examine(MISSING_LICENSE)
        for f in repo.files:
            if "/" not in f.path and f.name.lower().split(".")[0].split("-")[0] in LICENSE_NAMES:
                return
        pyproject = repo.by_path("pyproject.toml")
        if pyproject is not None:
            data = tomltext.load(read_declaration(repo, pyproject.path) or "")[0] or {}
            project = data.get("project")
            if isinstance(project, dict) and (project.get("license") or project.get("license-files")):
                return
        ctx.report(MISSING_LICENSE, None, None, "no LICENSE file and no licence declared", path="LICENSE")

    @staticmethod
    def _check_dvc(repo: RepoView, ctx: Context) -> None:
        pipelines = [f.path for f in repo.files if f.name == "dvc.yaml"]
        uses_dvc = bool(pipelines) or any(f.path.startswith(".dvc/") or f.suffix == ".dvc" for f in repo.files)
        if not uses_dvc:
            return
        if pipelines:
            ctx.examine(DVC_LOCK_MISSING, len(pipelines))
        for path in pipelines:
            lock = posixpath.join(posixpath.dirname(path), "dvc.lock")
            if repo.by_path(lock) is None:
                ctx.report(DVC_LOCK_MISSING, None, None, f"{path} has no dvc.lock next to it", path=path)
        ctx.examine(DVC_REMOTE_MISSING)
        if repo.by_path(".dvc/config") is None:
            ctx.report(DVC_REMOTE_MISSING, None, None, "DVC is used but .dvc/config is not in the repository",
                       path=".dvc/config")
        elif not _DVC_REMOTE.search(repo.read_text(".dvc/config", READ_LIMIT) or ""):
            ctx.report(DVC_REMOTE_MISSING, None, None, "no DVC remote configured: nobody else can `dvc pull`",
                       path=".dvc/config")
