"""committed-env-file (MLR401) on a real git repository."""

from __future__ import annotations

import pytest
from conftest import git, make_git_repo, run_cli, write_files

FILES = {
    ".gitignore": ".env.staging\n",
    ".env": "DEBUG=1\n",
    ".env.local": "DEBUG=1\n",
    "deploy/prod.env": "DEBUG=1\n",
    "config/.env.production": "DEBUG=1\n",
    ".env.example": "OPENAI_API_KEY=\n",
    ".env.sample": "X=\n",
    ".env.template": "X=\n",
    ".env.dist": "X=\n",
    ".env.local.example": "X=\n",
    "environment.yml": "name: ml\n",
    "env.py": '"""Alembic env."""\n',
    ".envrc": "layout python\n",
    "tests/fixtures/app.env": "X=1\n",
    "mlrepolint.toml": '[rules.committed-env-file]\nallow = ["tests/fixtures/*.env"]\n',
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = make_git_repo(tmp_path_factory.mktemp("env") / "repo", FILES)
    write_files(root, {".env.staging": "X=1\n", ".env.test": "X=1\n"})  # ignored / not ignored, untracked
    return run_cli("--format", "json", str(root))


def test_env_files_are_errors_at_their_paths(run):
    assert run.code == 1
    assert run.locations("MLR401") == [
        ("MLR401", ".env", None),
        ("MLR401", ".env.local", None),
        ("MLR401", ".env.test", None),
        ("MLR401", "config/.env.production", None),
        ("MLR401", "deploy/prod.env", None),
    ]
    assert {f["severity"] for f in run.findings if f["code"] == "MLR401"} == {"error"}


def test_messages_say_committed_or_untracked(run):
    messages = {f["path"]: f["message"] for f in run.findings if f["code"] == "MLR401"}
    assert messages[".env"].startswith("env file is committed: `git rm --cached .env` and list it in .gitignore")
    assert messages[".env"].endswith("and rotate the credentials it held")
    assert messages[".env.test"].startswith("env file is untracked and not ignored")
    assert "rotate" not in messages[".env.test"]


def test_force_added_ignored_env_file_is_still_reported(repo):
    root = repo({".gitignore": ".env\n", "train.py": '"""Train."""\n'})
    write_files(root, {".env": "X=1\n"})
    assert run_cli("--format", "json", str(root)).locations("MLR401") == []
    git(root, "add", "-f", ".env")
    assert run_cli("--format", "json", str(root)).locations("MLR401") == [("MLR401", ".env", None)]
