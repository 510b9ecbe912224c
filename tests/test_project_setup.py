"""Project set-up rules (MLR710-MLR715) on real git repositories: CI, pre-commit, licence, DVC.

The many small cases run the same Engine the CLI runs, in process; the CLI tests at the end check what the user
sees, and that the category informs rather than dominates the score.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from mlrepolint.config import Settings
from mlrepolint.engine import Engine
from mlrepolint.rules.repo import project_setup as setup

PY = {"train.py": '"""Train."""\n'}
PRE_COMMIT_FULL = (
    "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.5.0\n    hooks:\n      - id: ruff\n"
    "  - repo: https://github.com/kynan/nbstripout\n    rev: 0.7.1\n    hooks:\n      - id: nbstripout\n"
    "  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.18.4\n    hooks:\n      - id: gitleaks\n"
)


def lint(root, code: str) -> tuple[list[tuple[str, str]], int]:
    """(path, message) of each finding of `code`, and how many units the rule examined."""
    result = Engine(root, True, Settings(select=(code,))).run([root])
    return [(f.path, f.message) for f in result.findings], result.examined.get(code, 0)


@pytest.mark.parametrize("files, found", [
    pytest.param(PY, True, id="none"),
    pytest.param({**PY, ".github/workflows/ci.yml": "on: push\n"}, False, id="github-actions"),
    pytest.param({**PY, ".gitlab-ci.yml": "test:\n  script: pytest\n"}, False, id="gitlab"),
    pytest.param({**PY, "azure-pipelines.yml": "steps: []\n"}, False, id="azure"),
    pytest.param({**PY, ".circleci/config.yml": "version: 2.1\n"}, False, id="circleci"),
    pytest.param({**PY, "Jenkinsfile": "pipeline {}\n"}, False, id="jenkins"),
    pytest.param({**PY, ".github/ISSUE_TEMPLATE/bug.yml": "name: bug\n"}, True, id="issue-template-is-not-ci"),
])
def test_missing_ci(repo, files, found):
    expected = [(".github/workflows/", "no CI configuration (GitHub Actions, GitLab CI, Azure Pipelines, CircleCI, "
                 "Jenkins...): tests and linters run only when someone remembers")] if found else []
    assert lint(repo(files), "MLR710") == (expected, 1)


def test_ci_is_not_asked_of_a_repository_without_code(repo):
    assert lint(repo({"README.md": "# notes\n"}), "MLR710") == ([], 0)


@pytest.mark.parametrize("files, expected, examined", [
    pytest.param(PY, [], 0, id="no-pre-commit-left-to-MLR711"),
    pytest.param({**PY, ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: black\n"},
                 [(".pre-commit-config.yaml", "pre-commit runs no linter (add `ruff`)"),
                  (".pre-commit-config.yaml", "pre-commit runs no secret scan (add `gitleaks`)")], 2,
                 id="formatter-only"),
    pytest.param({**PY, "eda.ipynb": "{}", ".pre-commit-config.yaml": "repos:\n- repo: x\n  hooks:\n  - id: ruff\n"},
                 [(".pre-commit-config.yaml", "pre-commit does not strip notebook outputs (add `nbstripout`)"),
                  (".pre-commit-config.yaml", "pre-commit runs no secret scan (add `gitleaks`)")], 3,
                 id="notebooks-need-nbstripout"),
    pytest.param({**PY, "eda.ipynb": "{}", ".pre-commit-config.yaml": PRE_COMMIT_FULL}, [], 3, id="all-three"),
    pytest.param({**PY, ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: 'flake8'\n"
                  "      - id: \"detect-secrets\"\n"}, [], 2, id="quoted-ids"),
    pytest.param({**PY, ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: lint\n"
                  "    entry: poetry run ruff check\n    language: system\n  - id: secrets\n"
                  "    entry: /usr/bin/gitleaks protect\n    language: system\n"}, [], 2, id="local-hook-entries"),
    pytest.param({**PY, ".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: clean\n"
                  "    entry: make\n    args: [clean]\n    language: system\n"},
                 [(".pre-commit-config.yaml", "pre-commit runs no secret scan (add `gitleaks`)")], 2,
                 id="task-runner-taken-for-a-linter"),
])
def test_pre_commit_gaps(repo, files, expected, examined):
    assert lint(repo(files), "MLR712") == (expected, examined)


def test_missing_pre_commit(repo):
    assert lint(repo(PY), "MLR711") == ([(".pre-commit-config.yaml", "no .pre-commit-config.yaml")], 1)
    assert lint(repo({**PY, ".pre-commit-config.yaml": PRE_COMMIT_FULL}, name="with"), "MLR711") == ([], 1)


@pytest.mark.parametrize("files, found", [
    pytest.param(PY, True, id="none"),
    pytest.param({**PY, "LICENSE": "MIT\n"}, False, id="license"),
    pytest.param({**PY, "LICENCE.md": "MIT\n"}, False, id="licence-md"),
    pytest.param({**PY, "COPYING": "GPL\n"}, False, id="copying"),
    pytest.param({**PY, "license-MIT.txt": "MIT\n"}, False, id="suffixed"),
    pytest.param({**PY, "pyproject.toml": '[project]\nname = "x"\nlicense = "MIT"\n'}, False, id="pyproject"),
    pytest.param({**PY, "docs/LICENSE": "MIT\n"}, True, id="not-at-the-root"),
])
def test_missing_license(repo, files, found):
    expected = [("LICENSE", "no LICENSE file and no licence declared")] if found else []
    assert lint(repo(files), "MLR713") == (expected, 1)


REMOTE = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://bucket/path\n"


@pytest.mark.parametrize("files, lock, remote", [
    pytest.param(PY, None, None, id="no-dvc"),
    pytest.param({**PY, "dvc.yaml": "stages: {}\n", "dvc.lock": "schema: '2.0'\n", ".dvc/config": REMOTE}, [], [],
                 id="complete"),
    pytest.param({**PY, "dvc.yaml": "stages: {}\n", ".dvc/config": REMOTE},
                 [("dvc.yaml", "dvc.yaml has no dvc.lock next to it")], [], id="no-lock"),
    pytest.param({**PY, "data.csv.dvc": "outs: []\n", ".dvc/config": "[core]\n    autostage = true\n"}, None,
                 [(".dvc/config", "no DVC remote configured: nobody else can `dvc pull`")], id="no-remote"),
    pytest.param({**PY, "data.csv.dvc": "outs: []\n"}, None,
                 [(".dvc/config", "DVC is used but .dvc/config is not in the repository")], id="no-config"),
    pytest.param({**PY, "pipelines/a/dvc.yaml": "stages: {}\n", "pipelines/a/dvc.lock": "", "dvc.yaml": "",
                  ".dvc/config": REMOTE}, [("dvc.yaml", "dvc.yaml has no dvc.lock next to it")], [],
                 id="one-of-two-pipelines"),
])
def test_dvc_set_up(repo, files, lock, remote):
    root = repo(files)
    found, examined = lint(root, "MLR714")
    assert (found, examined > 0) == (lock or [], lock is not None)
    found, examined = lint(root, "MLR715")
    assert (found, examined) == (remote or [], 0 if remote is None else 1)


def test_examples_in_the_declarations(repo):
    # pre-commit-gaps: the declared bad and good configurations
    bad = repo({**PY, ".pre-commit-config.yaml": setup.PRE_COMMIT_GAPS.bad.split("\n", 1)[1]}, name="bad")
    good = repo({**PY, "eda.ipynb": "{}", ".pre-commit-config.yaml": setup.PRE_COMMIT_GAPS.good.split("\n", 1)[1]},
                name="good")
    assert len(lint(bad, "MLR712")[0]) == 2 and lint(good, "MLR712")[0] == []
    # dvc-remote-missing: the declared bad and good .dvc/config
    bad = repo({**PY, "d.dvc": "", ".dvc/config": setup.DVC_REMOTE_MISSING.bad.split("\n", 1)[1]}, name="dvc-bad")
    good = repo({**PY, "d.dvc": "", ".dvc/config": setup.DVC_REMOTE_MISSING.good.split("\n", 1)[1]}, name="dvc-good")
    assert len(lint(bad, "MLR715")[0]) == 1 and lint(good, "MLR715")[0] == []


def test_set_up_informs_without_dominating(repo):
    # Everything else clean: no CI, no pre-commit and no licence cost a few points, not a grade.
    files = {
        "README.md": "# p\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\npython -m pkg.train\n",
        ".gitignore": "__pycache__/\n", "requirements.txt": "pandas==2.2.2\n", ".python-version": "3.11\n",
        "pkg/__init__.py": '"""Package."""\n',
        "pkg/train.py": '"""Train."""\nimport pandas as pd\n\n\ndef load(path):\n    """Load."""\n'
                        '    return pd.read_csv(path)\n',
        "tests/test_train.py": "from pkg.train import load\n\n\ndef test_load(tmp_path):\n"
                               "    (tmp_path / 'a.csv').write_text('a\\n1\\n')\n"
                               "    assert len(load(tmp_path / 'a.csv')) == 1\n",
    }
    run = run_cli("--format", "json", cwd=repo(files))
    setup_category = next(c for c in run.json["categories"] if c["id"] == "project-setup")
    assert setup_category["weight"] == 0.5
    assert [r["rule"] for r in setup_category["rules"] if r["cost"] > 0] == [
        "missing-ci", "missing-license", "missing-pre-commit"]
    assert 0 < setup_category["cost"] <= 5
    assert run.json["grade"] == "A"
    text = run_cli(cwd=repo(files, name="text")).out
    assert ".github/workflows/: MLR710 no CI configuration" in text
    assert "LICENSE: MLR713 no LICENSE file and no licence declared (missing-license)" in text
