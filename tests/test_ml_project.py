"""Dependency and container rules end to end: the CLI on a fixture ML project, configuration, suppression, and
the rules' own examples."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, make_git_repo, run_cli
from linting import SELECT, locations

from mlrepolint.rules.repo.dependencies import UNPINNED_REQUIREMENT
from mlrepolint.rules.repo.docker import DOCKER_LATEST_TAG, DOCKER_UNPINNED_INSTALL
from mlrepolint.rules.repo.lockfiles import MISSING_LOCK_FILE

ML_PROJECT = FIXTURES / "ml_project"

EXPECTED = {
    # Dockerfile: ARG CUDA_IMAGE=nvidia/cuda (untagged) used by the runtime stage; the builder's ARG is pinned
    ("MLR601", "Dockerfile", 9, "error"),
    # Dockerfile: `uvicorn` on the third line of a continued RUN; `pip` itself and `-r requirements.txt` are fine
    ("MLR602", "Dockerfile", 13, "warning"),
    # compose: `:latest`, and an untagged image; `build:` services and a tagged image are fine
    ("MLR601", "docker-compose.yml", 6, "error"),
    ("MLR601", "docker-compose.yml", 10, "error"),
    # conda: a wildcard version, and a bare name in the pip: sub-list; python=3.11 and bare pip are fine
    ("MLR501", "environment.yml", 7, "warning"),
    ("MLR501", "environment.yml", 11, "warning"),
    # requirements.txt: a range and a wildcard; Scikit_Learn is pinned by constraints.txt, the marker line and
    # the VCS commit are pinned, requirements.in is never reported
    ("MLR501", "requirements.txt", 6, "warning"),
    ("MLR501", "requirements.txt", 7, "warning"),
}

#: The dependency and container rules (the other families have their own fixtures).
OWN = ("--select", ",".join(SELECT))


def fixture_files(folder):
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def test_fixture_ml_project_reports_exactly_the_expected_findings(tmp_path):
    root = make_git_repo(tmp_path / "ml_project", fixture_files(ML_PROJECT))
    run = run_cli("--format", "json", *OWN, ".", cwd=root)
    assert run.code == 1, run.err  # docker-latest-tag is an error
    assert run.err == ""
    assert {(f["code"], f["path"], f["line"], f["severity"]) for f in run.findings} == EXPECTED
    assert len(run.findings) == len(EXPECTED)
    messages = {(f["path"], f["line"]): f["message"] for f in run.findings}
    assert messages[("Dockerfile", 9)] == (
        "FROM image `nvidia/cuda` (from `${CUDA_IMAGE}`) has no tag or digest, so it is implicitly `latest`"
    )
    assert messages[("requirements.txt", 6)] == "`torch>=2.1` is not pinned: `>=2.1` allows more than one version"


def test_text_report_names_file_line_and_rule(tmp_path):
    root = make_git_repo(tmp_path / "r", {"requirements.txt": "numpy==1.26.4\npandas\n"})
    run = run_cli(".", cwd=root)
    assert run.code == 0  # unpinned-requirement is a warning
    assert "requirements.txt:2: MLR501 `pandas` is not pinned: no version given (unpinned-requirement)" in run.out


def test_noqa_in_requirements_and_dockerfiles(tmp_path):
    files = {
        "requirements.txt": "pandas  # noqa: MLR501\nnumpy\n",
        "Dockerfile": "FROM python  # noqa: MLR601\nRUN pip install torch  # noqa: MLR602\nFROM ubuntu\n",
    }
    root = make_git_repo(tmp_path / "r", files)
    run = run_cli("--format", "json", *OWN, ".", cwd=root)
    assert run.locations() == [("MLR601", "Dockerfile", 3), ("MLR501", "requirements.txt", 2)]


def test_rule_options_from_pyproject(tmp_path):
    files = {
        "pyproject.toml": (
            '[tool.mlrepolint.rules.docker-latest-tag]\nfloating-tags = ["latest", "lts"]\n\n'
            '[tool.mlrepolint.rules.missing-lock-file]\nproject-kind = "application"\n\n'
            '[project]\nname = "x"\nversion = "1"\ndependencies = ["numpy>=1"]\n\n'
            '[build-system]\nrequires = ["setuptools"]\n'
        ),
        "Dockerfile": "FROM node:lts\n",
    }
    root = make_git_repo(tmp_path / "r", files)
    run = run_cli("--format", "json", *OWN, ".", cwd=root)
    assert run.locations() == [("MLR601", "Dockerfile", 1), ("MLR502", "pyproject.toml", 10)]


def test_wrong_option_type_exits_2_in_one_line(tmp_path):
    files = {"mlrepolint.toml": '[rules.missing-lock-file]\nproject-kind = ["application"]\n'}
    root = make_git_repo(tmp_path / "r", files)
    run = run_cli(".", cwd=root)
    assert run.code == 2
    assert len(run.err.splitlines()) == 1 and "project-kind" in run.err


def test_only_the_selected_rule_reports(tmp_path):
    root = make_git_repo(tmp_path / "r", fixture_files(ML_PROJECT))
    run = run_cli("--format", "json", "--select", "docker-unpinned-install", ".", cwd=root)
    assert run.locations() == [("MLR602", "Dockerfile", 13)]


# Each rule's documented bad example is reported, and its good example is not.
EXAMPLES = [
    (
        UNPINNED_REQUIREMENT,
        {"requirements.txt": UNPINNED_REQUIREMENT.bad},
        {"requirements.txt": UNPINNED_REQUIREMENT.good},
    ),
    (
        MISSING_LOCK_FILE,
        {"pyproject.toml": MISSING_LOCK_FILE.bad, "Dockerfile": "FROM python:3.12-slim\n"},
        {"pyproject.toml": MISSING_LOCK_FILE.good, "Dockerfile": "FROM python:3.12-slim\n", "uv.lock": ""},
    ),
    (DOCKER_LATEST_TAG, {"Dockerfile": DOCKER_LATEST_TAG.bad}, {"Dockerfile": DOCKER_LATEST_TAG.good}),
    (
        DOCKER_UNPINNED_INSTALL,
        {"Dockerfile": "FROM python:3.12-slim\n" + DOCKER_UNPINNED_INSTALL.bad},
        {"Dockerfile": "FROM python:3.12-slim\n" + DOCKER_UNPINNED_INSTALL.good, "requirements.txt": "torch==2.3.1\n"},
    ),
]


@pytest.mark.parametrize("rule, bad, good", EXAMPLES, ids=[rule.name for rule, _, _ in EXAMPLES])
def test_documented_examples(tmp_path, rule, bad, good):
    assert rule.code in {code for code, _, _ in locations(tmp_path / "bad", bad)}
    assert locations(tmp_path / "good", good) == []


def test_configured_severity_wins_over_a_findings_own(tmp_path):
    files = {"Dockerfile": "ARG BASE\nFROM ${BASE}\nFROM python\n"}
    root = make_git_repo(tmp_path / "r", files)
    default = run_cli("--format", "json", *OWN, ".", cwd=root)
    assert default.code == 1
    assert [(f["line"], f["severity"]) for f in default.findings] == [(2, "info"), (3, "error")]
    files["mlrepolint.toml"] = '[severity]\ndocker-latest-tag = "warning"\n'
    root = make_git_repo(tmp_path / "configured", files)
    configured = run_cli("--format", "json", *OWN, ".", cwd=root)
    assert configured.code == 0
    assert [(f["line"], f["severity"]) for f in configured.findings] == [(2, "warning"), (3, "warning")]
