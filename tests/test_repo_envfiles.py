"""committed-env-file (MLR401) on a real git repository."""

from __future__ import annotations

import pytest
from conftest import git, make_git_repo, run_cli, write_files

FILES = {
    ".gitignore": ".env.staging\n",
    ".env": "DEBUG=1\nexport DB_PASSWORD='" + "Tr0ub" + "4dor-3' # prod\n",  # split: not a secret in this file
    ".env.local": "# Fill in and keep out of git\nOPENAI_API_KEY=\nHF_TOKEN=<your-token>\nWANDB_API_KEY=${WANDB}\n",
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


def test_env_files_are_reported_at_their_paths(run):
    assert run.code == 1
    assert [(f["path"], f["line"], f["severity"]) for f in run.findings if f["code"] == "MLR401"] == [
        (".env", None, "error"),  # sets a secret-looking variable to a value
        (".env.local", None, "warning"),  # a template: no values
        (".env.test", None, "warning"),  # values, none of them secret-looking
        ("config/.env.production", None, "warning"),
        ("deploy/prod.env", None, "warning"),
    ]


def test_messages_say_committed_or_untracked(run):
    messages = {f["path"]: f["message"] for f in run.findings if f["code"] == "MLR401"}
    assert messages[".env"] == (
        "env file is committed: `git rm --cached -- .env` (it stays on disk) and add `/.env` to .gitignore, commit a "
        "`.env.example` without values instead, and rotate the credentials it held (it sets `DB_PASSWORD`)"
    )
    assert messages[".env.local"] == (
        "env file is committed: `git rm --cached -- .env.local` (it stays on disk) and add `/.env.local` to "
        ".gitignore; it sets no values, so commit it as `.env.example` instead"
    )
    assert "Tr0ub4dor" not in "".join(messages.values())
    assert messages[".env.test"].startswith("env file is untracked and not ignored")
    assert "rotate" not in messages[".env.test"]


def test_force_added_ignored_env_file_is_still_reported(repo):
    root = repo({".gitignore": ".env\n", "train.py": '"""Train."""\n'})
    write_files(root, {".env": "X=1\n"})
    assert run_cli("--format", "json", str(root)).locations("MLR401") == []
    git(root, "add", "-f", ".env")
    assert run_cli("--format", "json", str(root)).locations("MLR401") == [("MLR401", ".env", None)]
