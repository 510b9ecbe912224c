"""ci-unpinned-install (MLR505): `pip install` of unpinned packages in CI workflows, through the real executable."""

from __future__ import annotations

import pytest
from conftest import make_git_repo, run_cli

from mlrepolint.rules.repo.ci import CI_UNPINNED_INSTALL

WORKFLOW = """name: test
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        extra: ["", "numba"]
    steps:
      - uses: actions/checkout@v4
      - run: pip install pandas scikit-learn==1.5.0
      - name: Install
        run: |
          python -m pip install --upgrade pip setuptools wheel
          pip install -r requirements.txt
          pip install "torch>=2" -e . ${{ matrix.extra }}
      - run: pip install -c constraints.txt numpy polars
      - run: python3 -m pip install mkdocs==1.4.2 mkdocstrings==0.21.2 "mkdocstrings[python]>=0.18"
      - name: Build
        env:
          install: pip install not-a-command
        run: echo "pip install is documented" && pip install ./dist/pkg-1.0-py3-none-any.whl
"""

GITLAB = """.tools: &tools
  before_script:
    - pip install black
test:
  <<: *tools
  script:
    - uv pip install --system polars==1.1.0 lightgbm
    - python -m pip install "git+https://github.com/org/features.git@main"
"""

CIRCLECI = """version: 2.1
jobs:
  build:
    steps:
      - run:
          name: pip install all
          command: pip3 install xgboost
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = make_git_repo(tmp_path_factory.mktemp("ci") / "repo", {
        ".github/workflows/test.yml": WORKFLOW,
        ".gitlab-ci.yml": GITLAB,
        ".circleci/config.yml": CIRCLECI,
        "ci/unrelated.yml": "script:\n  - pip install pandas\n",  # not a CI configuration file
        "train.py": '"""Train."""\n',  # and no dependency file: CI is where the dependencies are declared
    })
    return run_cli("--format", "json", "--select", "MLR505,MLR001", str(root))


def test_unpinned_installs_are_reported_at_their_lines(run):
    assert run.code == 0, run.err  # warnings only
    assert [(f["path"], f["line"], f["message"]) for f in run.findings] == [
        (".circleci/config.yml", 7, "`pip install xgboost` is not pinned: no version given"),
        (".github/workflows/test.yml", 11, "`pip install pandas` is not pinned: no version given"),
        (".github/workflows/test.yml", 16, "`pip install torch>=2` is not pinned: `>=2` allows more than one version"),
        (".gitlab-ci.yml", 3, "`pip install black` is not pinned: no version given"),
        (".gitlab-ci.yml", 7, "`pip install lightgbm` is not pinned: no version given"),
        (".gitlab-ci.yml", 8, "`pip install git+https://github.com/org/features.git@main` is not pinned: VCS ref "
                              "`main` is a branch or tag, not a full commit SHA"),
    ]
    assert {f["severity"] for f in run.findings} == {"warning"}
    assert {f["rule"] for f in run.findings} == {"ci-unpinned-install"}


def test_only_declared_dependencies_in_jobs_that_install_the_project(repo):
    root = repo({
        "requirements.txt": "pandas>=2\n",
        "pyproject.toml": '[project]\nname = "x"\ndependencies = []\n[project.optional-dependencies]\n'
                          'gpu = ["torch==2.3.1"]\n[dependency-groups]\ntest = ["pytest"]\n',
        ".github/workflows/ci.yml": "jobs:\n  test:\n    steps:\n"
                                    "      - run: pip install -r requirements.txt\n"
                                    "      - run: pip install pandas torch pytest\n"
                                    "      - run: pip install pylint PyGithub requests\n"
                                    "  coverage:\n    steps:\n"
                                    "      - run: pip install pytest && coverage combine\n",
    })
    run = run_cli("--format", "json", "--select", "MLR505", str(root))
    assert [(f["line"], f["message"]) for f in run.findings] == [
        (5, "`pip install pandas` is not pinned: no version given"),
        (5, "`pip install pytest` is not pinned: no version given"),
        (5, "`pip install torch` is not pinned: no version given"),
    ]


def test_a_broken_workflow_is_a_parse_error(repo):
    root = repo({".github/workflows/ci.yml": "jobs:\n  a:\n    steps: [\n", "train.py": '"""T."""\n'})
    run = run_cli("--format", "json", "--select", "MLR505,MLR001", str(root))
    assert run.locations() == [("MLR001", ".github/workflows/ci.yml", 3)]


def test_the_ignore_packages_option_and_the_rule_can_be_turned_off(repo):
    root = repo({
        ".github/workflows/ci.yml": "jobs:\n  a:\n    steps:\n      - run: pip install pytest pandas\n",
        "train.py": '"""Train."""\n',
        "mlrepolint.toml": '[rules.ci-unpinned-install]\nignore-packages = ["pytest"]\n',
    })
    run = run_cli("--format", "json", "--select", "MLR5", str(root))
    assert [(f["code"], f["line"], f["message"][:21]) for f in run.findings if f["code"] == "MLR505"] == [
        ("MLR505", 4, "`pip install pandas` ")
    ]
    off = run_cli("--format", "json", "--select", "MLR5", "--ignore", CI_UNPINNED_INSTALL.code, str(root))
    assert [f for f in off.findings if f["code"] == "MLR505"] == []
