"""Shared test helpers: build repositories on disk (with real git) and run the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Union

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXAMPLE_PLUGIN = FIXTURES / "example-plugin"

Content = Union[str, bytes]


@dataclass
class Run:
    """What a user sees from one `mlrepolint` invocation."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        """stdout parsed as the JSON report."""
        return json.loads(self.out)

    @property
    def findings(self) -> list[dict]:
        """The JSON report's findings."""
        return self.json["findings"]

    def locations(self, code: str | None = None) -> list[tuple[str, str, int | None]]:
        """(code, path, line) of each finding in the JSON report, optionally for one code only."""
        return [(f["code"], f["path"], f["line"]) for f in self.findings if code is None or f["code"] == code]


def executable(name: str) -> str:
    """The console script `name` installed beside the running interpreter (the test environment's own)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed in this environment: pip install -e '.[test]'")
    return found


def run_cli(*args: str, cwd: Path | str | None = None, env: Mapping[str, str] | None = None) -> Run:
    """Run the installed `mlrepolint` executable in a subprocess, as a user would.

    Not `python -m mlrepolint`: that puts the working directory (the linted repository) first on sys.path.
    """
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run(
        [executable("mlrepolint"), *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def lint_json(root: Path, *args: str) -> Run:
    """`mlrepolint --format json ARGS` in root, which must exit 0 (warnings only)."""
    run = run_cli("--format", "json", *args, cwd=root)
    assert run.code == 0, run.err
    return run


def write_files(root: Path, files: Mapping[str, Content]) -> None:
    """Create files (and their folders) below root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def git(root: Path, *args: str) -> str:
    """Run git in root with a fixed identity; return stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return proc.stdout


def age(root: Path, seconds: float = 60) -> None:
    """Make every file outside `.git` look `seconds` old, as files are when nobody is editing them: outside the
    window in which the cache does not trust a file's stat."""
    past = time.time() - seconds
    for folder, _, names in os.walk(root):
        if ".git" in folder.split(os.sep):
            continue
        for name in names:
            os.utime(os.path.join(folder, name), (past, past))


def cached_shares(root: Path, prefix: str) -> dict[str, object]:
    """The per-file shares the result cache under `root` keeps in the namespaces starting with `prefix`
    (`secrets:`), by path, read from its shard files."""
    import marshal

    shares: dict[str, object] = {}
    for file in (root / ".mlrepolint_cache").glob("*.shares"):
        body = marshal.loads(file.read_bytes().split(b"\n", 1)[1])
        if body["namespace"].startswith(prefix):
            shares.update(body["entries"])
    return shares


def make_git_repo(root: Path, files: Mapping[str, Content], commit: bool = True) -> Path:
    """A real git repository holding `files`, all added (and committed unless `commit` is False)."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    if commit:
        git(root, "commit", "-q", "-m", "init", "--allow-empty")
    return root


@pytest.fixture
def repo(tmp_path: Path):
    """Factory: `repo({"train.py": "..."})` -> a committed git repository in a tmp dir."""

    def factory(files: Mapping[str, Content], *, git_init: bool = True, name: str = "repo") -> Path:
        root = tmp_path / name
        if git_init:
            return make_git_repo(root, files)
        root.mkdir(parents=True, exist_ok=True)
        write_files(root, files)
        return root

    return factory


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin, installed by pip (offline) from a copy of its source into a folder for PYTHONPATH, so
    the test environment itself is not changed (the build writes next to the source)."""
    work = tmp_path_factory.mktemp("example-plugin")
    source = work / "source"
    shutil.copytree(EXAMPLE_PLUGIN, source)
    site = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(site), str(source)],
        check=True, capture_output=True,
    )
    return site
