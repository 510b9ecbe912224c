"""ci-unpinned-install: `pip install` of unpinned packages in CI configuration (GitHub Actions, GitLab CI...).

The commands are read from the YAML keys that hold shell scripts (`run:`, `script:`, `before_script:`...), each
line split as a shell would for the purpose, never run.
"""

from __future__ import annotations

from typing import Iterator

from mlrepolint.api import Context, PARSE_ERROR, RepoView, Rule, Severity, gitignore_spec, lazy
from mlrepolint.rules.repo import yamlnodes
from mlrepolint.rules.repo.pins import IGNORED_PACKAGES, canonical
from mlrepolint.rules.repo.pipinstall import NestingError, pip_install_arguments, requested, shell_commands
from mlrepolint.rules.repo.textfiles import read_declaration

#: CI configuration files, and the keys whose values are shell commands in each system.
CI_FILES: dict[tuple[str, ...], frozenset[str]] = {
    (".github/workflows/*.yml", ".github/workflows/*.yaml"): frozenset({"run"}),
    (".gitlab-ci.yml", ".gitlab/ci/*.yml"): frozenset({"script", "before_script", "after_script"}),
    (".circleci/config.yml",): frozenset({"run", "command"}),
    ("azure-pipelines.yml",): frozenset({"script", "bash", "pwsh", "powershell"}),
    ("bitbucket-pipelines.yml",): frozenset({"script"}),
    (".travis.yml",): frozenset(
        {"install", "before_install", "script", "before_script", "after_success", "after_script"}
    ),
}

CI_UNPINNED_INSTALL = Rule(
    code="MLR505",
    name="ci-unpinned-install",
    category="dependencies",
    severity=Severity.WARNING,
    summary="`pip install` of a package without an exact version in a CI workflow",
    description=(
        "Reports a package named on a `pip install` (also `pip3`, `python -m pip`, `uv pip install`) in the "
        "shell commands of a CI configuration: GitHub Actions workflows (`.github/workflows/*.yml`, `run:` "
        "steps), GitLab CI (`.gitlab-ci.yml`, `.gitlab/ci/*.yml`: `script:`, `before_script:`, "
        "`after_script:`), CircleCI (`.circleci/config.yml`), Azure Pipelines, Bitbucket Pipelines and Travis "
        "CI, when it is not pinned by the same rules as `unpinned-requirement` (`==X`, `===X`, one archive URL, "
        "a VCS commit). When the project declares its dependencies (requirements files, conda and MLflow "
        "environment files, a Pipfile, pyproject.toml's dependencies, optional dependencies and dependency "
        "groups, Poetry's dependencies), only those packages are checked, and only in jobs that install the "
        "project (`pip install -r ...`, `pip install -e .`, `pip install .`, `pipenv`/`poetry`/`pdm` install or "
        "sync, `uv sync`, `conda env create`, tox, nox): that is what the code is tested against, while a job "
        "that only runs a bot, a coverage merge or a linter installs tools for itself. A project that declares "
        "none is checked for every package in every job. A rule of its own rather than part of "
        "`unpinned-requirement`, so a project that pins its requirements files but deliberately tests against "
        "the newest releases can turn just this off. Not "
        "reported: `-r requirements.txt` (that file is checked by `unpinned-requirement`), `-e .`, `.`, local "
        "paths and wheels, `$VARIABLES` and `${{ expressions }}`, packages in `ignore-packages` (pip, setuptools "
        "and wheel by default, as for `unpinned-requirement` and `docker-unpinned-install`), and every package "
        "of a command that passes `-c constraints.txt`. The finding is on the line of the command (for a block "
        "scalar, the line within it)."
    ),
    rationale=(
        "CI decides what a pull request is tested against just as much as `requirements.txt` does: "
        "`pip install pandas scikit-learn` in a workflow tests every run against whatever was released that "
        "morning, so a green build says nothing about the versions users or the training job install, and a "
        "release of a dependency breaks CI on a change that did not touch it."
    ),
    fix=(
        "Install from the pinned requirements file (`pip install -r requirements.txt`), pin the package "
        "(`pip install pandas==2.2.2`), or pass a constraints file (`pip install -c constraints.txt pandas`)."
    ),
    bad="# .github/workflows/test.yml\n      - run: pip install pandas scikit-learn\n",
    good="# .github/workflows/test.yml\n      - run: pip install -r requirements.txt\n",
    options={"ignore-packages": IGNORED_PACKAGES},
)


def _scripts(node, keys: frozenset[str]) -> Iterator[object]:
    """Every scalar node held (directly, in a list, or as CircleCI's `run: {command: ...}`) under one of the
    command `keys`. Each node is visited once, so YAML aliases that fan out cost nothing."""
    import yaml

    seen: set[int] = set()
    stack: list[tuple[object, str | None]] = [(node, None)]
    while stack:
        current, under = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            if under in keys:
                yield current
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, under) for item in reversed(current.value))
        elif isinstance(current, yaml.MappingNode):  # only a command key's own values are commands
            for name, value in reversed(list(yamlnodes.items(current))):
                stack.append((value, name if name in keys else None))


def _command_lines(node) -> Iterator[tuple[int, str]]:
    """(file line, text) of each line of a script scalar; a block scalar (`run: |`) starts on the next line."""
    first = yamlnodes.line_of(node) + (1 if node.style in ("|", ">") else 0)
    for offset, text in enumerate(node.value.splitlines()):
        yield first + (offset if node.style != ">" else 0), text


#: A command that installs the project or its declared dependencies: a job running it runs the project.
PROJECT_INSTALL_RE = lazy(
    r"\bpip3?\b[^\n;&|]*\binstall\b[^\n;&|]*(?:\s(?:-r|--requirement|-e|--editable)[\s=]|\s\.(?:\[|\s|$)|\s\./)"
    r"|\b(?:pipenv|poetry|pdm|hatch)\s+(?:install|sync)\b|\buv\s+sync\b|\bconda\s+env\s+(?:create|update)\b"
    r"|\bmamba\s+env\s+(?:create|update)\b|\bsetup\.py\s+(?:install|develop)\b|\b(?:tox|nox)\b"
)


def _jobs(document) -> list[object]:
    """The jobs of a CI document: GitHub's and CircleCI's `jobs:` entries, else each top-level entry (GitLab's
    jobs), so that what one job installs is judged with that job's other commands."""
    jobs = yamlnodes.get(document, "jobs")
    entries = yamlnodes.items(jobs) if jobs is not None else yamlnodes.items(document)
    found = [value for _, value in entries]
    return found or [document]


def check_ci_installs(repo: RepoView, ctx: Context, declared: set[str]) -> None:
    """Report unpinned `pip install`s in CI configuration files. When the project `declared` dependencies (PEP
    503 names), only those are checked, and only in jobs that install the project (a bot's or a coverage merge's
    job runs tools, not the project); when it declares none, CI is where they are declared: all are checked."""
    ignored = {canonical(name) for name in ctx.options(CI_UNPINNED_INSTALL)["ignore-packages"]}
    # Every pattern ends in `.yml` or `.yaml`, so whatever it matches (the file, or a folder above it) puts that in
    # the path: the patterns are tried on those paths only, not six times on every file of the repository.
    candidates = [f for f in repo.files if ".yml" in f.path or ".yaml" in f.path]
    for patterns, keys in CI_FILES.items():
        spec = gitignore_spec(patterns)
        for file in (f for f in candidates if spec.match_file(f.path)):
            text = read_declaration(repo, file.path)
            if text is None:
                continue
            documents, problem = yamlnodes.compose(text)
            if problem is not None:
                ctx.report(PARSE_ERROR, problem.line, None, problem.message, path=file.path)
                continue
            checked: set[int] = set()  # a script merged into several jobs (`<<: *anchor`) is checked once
            for document in documents:
                for job in _jobs(document):
                    lines = [line for node in _scripts(job, keys) for line in _command_lines(node)]
                    if declared and not any(PROJECT_INSTALL_RE.search(command) for _, command in lines):
                        continue
                    for line, command in lines:
                        if line not in checked:
                            checked.add(line)
                            _check_command(ctx, file.path, line, command, ignored, declared)


#: GitHub Actions and Azure expressions (`${{ matrix.extra }}`): filled in by the CI system, so a variable.
EXPRESSION_RE = lazy(r"\$\{\{.*?\}\}")


def _check_command(
    ctx: Context, path: str, line: int, command: str, ignored: set[str], declared: set[str]
) -> None:
    if "install" not in command:
        return
    command = EXPRESSION_RE.sub("$EXPRESSION", command)
    try:
        commands = list(shell_commands(command))
    except NestingError:
        return  # a JSON array in a CI script is not a command
    for words in commands:
        found = pip_install_arguments(words)
        if found is None:
            continue
        packages, constrained = found
        for package, dep in requested(packages, line):
            if declared and dep.name not in declared:
                continue  # a tool of the workflow itself (a linter, an API client), not what the code is tested on
            ctx.examine(CI_UNPINNED_INSTALL)
            if dep.problem is None or constrained or dep.name in ignored:
                continue
            ctx.report(
                CI_UNPINNED_INSTALL, line, None, f"`pip install {package}` is not pinned: {dep.problem}", path=path,
            )
