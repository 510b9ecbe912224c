"""The pre-commit hooks, for real: `pre-commit try-repo` installs this checkout and runs them in a git repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import git, make_git_repo
from integrations import run_tool

pytestmark = pytest.mark.network

CHECKOUT = Path(__file__).resolve().parent.parent
BAD_SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\n'
GOOD_SCRIPT = (
    '"""Train."""\nimport pandas as pd\n\n\ndef main():\n    """Train."""\n'
    '    return pd.read_csv("data/train.csv")\n\n\n'
    'if __name__ == "__main__":\n    main()\n'
)


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> Path:
    """This checkout's files as they are now (committed or not), committed in a snapshot repository.

    try-repo on a dirty checkout only picks up changes to tracked files, and re-installs on every call; a
    committed snapshot is installed once and reused through a shared PRE_COMMIT_HOME.
    """
    listed = subprocess.run(
        ["git", "-C", str(CHECKOUT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, text=True, check=True,
    ).stdout
    snapshot = tmp_path_factory.mktemp("hooks") / "mlrepolint"
    for rel in filter(None, listed.split("\0")):
        source = CHECKOUT / rel
        if source.is_file() and not rel.startswith("fixtures/"):
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel)
    return make_git_repo(snapshot, {})


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(home: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run pre-commit; skip (or, under CI, fail) when it cannot install the hook's environment."""
    proc = run_tool("pre-commit", *args, cwd=cwd, env={"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"})
    if "An unexpected error has occurred" in proc.stdout + proc.stderr or (
        "Installing environment" in proc.stdout and "error" in (proc.stdout + proc.stderr).lower()
        and "- hook id:" not in proc.stdout
    ):
        if os.environ.get("CI"):
            pytest.fail(f"pre-commit could not install the hook:\n{proc.stdout}\n{proc.stderr}")
        pytest.skip("pre-commit could not install the hook (no package index?)")
    return proc


def try_repo(hooks_repo: Path, home: Path, hook: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`pre-commit try-repo`: installs the hooks afresh on every call (its store is temporary)."""
    return pre_commit(home, cwd, "try-repo", str(hooks_repo), hook, *args)


def run_hook(hooks_repo: Path, home: Path, hook: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`pre-commit run HOOK` with a `.pre-commit-config.yaml` pointing at the snapshot (installed once)."""
    rev = git(hooks_repo, "rev-parse", "HEAD").strip()
    (cwd / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n      - id: mlrepolint\n"
        "      - id: mlrepolint-repo\n"
    )
    return pre_commit(home, cwd, "run", hook, *args)


def has_rule(code: str) -> bool:
    from mlrepolint.rules.registry import load_registry

    return code in load_registry().rules


def test_mlrepolint_hook_fails_on_staged_problems_then_passes(tmp_path, hooks_repo, pre_commit_home):
    # Committed earlier and not staged now: the hook leaves it alone although it breaks a rule.
    project = make_git_repo(tmp_path / "project", {"README.md": "# p\n", "old/Dockerfile": "FROM ubuntu\n"})
    (project / "data").mkdir()
    (project / "data" / "train.csv").write_text("a,b\n" + "1,2\n" * 50)
    (project / "train.py").write_text(BAD_SCRIPT)
    (project / "Dockerfile").write_text("FROM python:latest\n")
    (project / "requirements.txt").write_text("pandas\n")
    git(project, "add", "-A")

    proc = try_repo(hooks_repo, pre_commit_home, "mlrepolint", project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "- hook id: mlrepolint" in proc.stdout
    assert 'train.py:3:1: MLR202 script has no `if __name__ == "__main__":` guard (missing-main-guard)' in proc.stdout
    assert "README.md" not in proc.stdout and "train.csv:1:1: MLR101" not in proc.stdout  # not Python
    assert "old/Dockerfile" not in proc.stdout
    assert "Score: n/a (a run limited to named files has no score" in proc.stdout  # never a score of some files
    assert "/100" not in proc.stdout
    if has_rule("MLR601"):
        assert "Dockerfile:1: MLR601" in proc.stdout
    if has_rule("MLR501"):
        assert "requirements.txt:1: MLR501" in proc.stdout
    if has_rule("MLR301"):  # committed-dataset arrives with the repository hygiene rules
        assert "data/train.csv" in proc.stdout and "MLR301" in proc.stdout

    (project / "train.py").write_text(GOOD_SCRIPT)
    (project / "Dockerfile").write_text("FROM python:3.12.4-slim\n")
    (project / "requirements.txt").write_text("pandas==2.2.2\n")
    git(project, "rm", "-q", "--cached", "data/train.csv")
    (project / ".gitignore").write_text("data/\n")
    git(project, "add", "-A")
    proc = run_hook(hooks_repo, pre_commit_home, "mlrepolint", project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "mlrepolint" in proc.stdout and "Passed" in proc.stdout


@pytest.mark.skipif(not has_rule("MLR301"), reason="committed-dataset (MLR301) is not registered yet")
def test_staged_dataset_alone_fails_the_hook(tmp_path, hooks_repo, pre_commit_home):
    project = make_git_repo(tmp_path / "project", {"README.md": "# p\n"})
    (project / "data").mkdir()
    (project / "data" / "train.csv").write_text("a,b\n" + "1,2\n" * 50)
    git(project, "add", "-A")
    proc = run_hook(hooks_repo, pre_commit_home, "mlrepolint", project)
    assert proc.returncode == 1 and "data/train.csv" in proc.stdout and "MLR301" in proc.stdout


def test_excluded_files_passed_explicitly_are_not_linted(tmp_path, hooks_repo, pre_commit_home):
    project = make_git_repo(tmp_path / "project", {
        "pyproject.toml": '[tool.mlrepolint]\nexclude = ["generated/"]\n',
        "generated/model_pb2.py": BAD_SCRIPT,
    })
    proc = run_hook(hooks_repo, pre_commit_home, "mlrepolint", project, "--files", "generated/model_pb2.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_repo_hook_lints_the_whole_repository(tmp_path, hooks_repo, pre_commit_home):
    project = make_git_repo(tmp_path / "project", {"train.py": BAD_SCRIPT, "lib/util.py": "def f():\n    return 1\n"})
    (project / "notes.txt").write_text("x\n")
    git(project, "add", "notes.txt")  # the only staged file: the repository hook still lints everything
    proc = run_hook(hooks_repo, pre_commit_home, "mlrepolint-repo", project, "--verbose")
    assert proc.returncode == 0, proc.stdout  # warnings only: the default gate fails on errors
    assert "lib/util.py:1:1: MLR103" in proc.stdout and "train.py:3:1: MLR202" in proc.stdout
    assert re.search(r"^Score: \d+\.\d/100, grade [A-F]$", proc.stdout, re.M)  # the repository's score
    (project / "broken.py").write_text("def f(:\n")
    proc = run_hook(hooks_repo, pre_commit_home, "mlrepolint-repo", project)
    assert proc.returncode == 1 and "broken.py:1:7: MLR001" in proc.stdout


def test_committed_files_named_like_options_stay_paths_and_args_stay_options(tmp_path, hooks_repo, pre_commit_home):
    precious = "KEEP = 1\n"
    project = make_git_repo(tmp_path / "project", {
        "--exit-zero": "", "--write-baseline=precious.py": "", "-oprecious.py": "", "--fail-on": "",
        "warning": "", "precious.py": precious, "train.py": BAD_SCRIPT,
    })
    rev = git(hooks_repo, "rev-parse", "HEAD").strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n      - id: mlrepolint\n"
        "        args: [--fail-on, warning, --select, MLR2]\n"
    )
    proc = pre_commit(pre_commit_home, project, "run", "mlrepolint", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the user's gate (warnings fail), not --exit-zero
    assert "train.py:3:1: MLR202" in proc.stdout and "MLR101" not in proc.stdout  # the user's --select
    assert (project / "precious.py").read_text() == precious
    assert git(project, "status", "--porcelain") == "?? .pre-commit-config.yaml\n"


def test_all_files_split_over_several_runs_prints_no_partial_score(tmp_path, hooks_repo, pre_commit_home):
    # pre-commit passes at most ~128 KiB of file names per run: these names take several runs.
    names = {f"notes/{'n' * 200}{i:04d}.txt": "x\n" for i in range(900)}
    project = make_git_repo(tmp_path / "project", {**names, "train.py": BAD_SCRIPT})
    proc = run_hook(hooks_repo, pre_commit_home, "mlrepolint", project, "--all-files", "--verbose")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.count("Score: n/a (a run limited to named files has no score") >= 2  # several runs
    assert "/100" not in proc.stdout


def test_fix_in_the_hook_strips_the_staged_notebook_and_pre_commit_shows_it(tmp_path, hooks_repo, pre_commit_home):
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["print(1)"],
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["1\n"]}]}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    project = make_git_repo(tmp_path / "project", {"README.md": "# p\n", ".gitignore": ".ipynb_checkpoints/\n"})
    (project / "explore.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")
    git(project, "add", "-A")
    rev = git(hooks_repo, "rev-parse", "HEAD").strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n      - id: mlrepolint\n        args: [--fix]\n"
    )
    proc = pre_commit(pre_commit_home, project, "run", "mlrepolint")
    assert proc.returncode == 1 and "files were modified by this hook" in proc.stdout, proc.stdout + proc.stderr
    assert json.loads((project / "explore.ipynb").read_text())["cells"][0]["outputs"] == []
    assert git(project, "diff", "--name-only") == "explore.ipynb\n"  # changed in the work tree, not staged
    git(project, "add", "explore.ipynb")
    proc = pre_commit(pre_commit_home, project, "run", "mlrepolint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
