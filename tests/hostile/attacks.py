"""Helpers for the hostile-repository tests: build an attacker's repository with real git, run the real
executable on it in every format, and check what an attack must never achieve.

Each attack writes MARKER when it wins (a command of the repository's ran); each run must finish within BOUND
seconds with exit 0 or 1 (2 for a usage error), and no output, in any format, nor the cache, may hold 8
characters in a row of a planted secret.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Mapping, Sequence

from conftest import Run, executable, git, make_git_repo, write_files

from mlrepolint.cli import FORMAT_NAMES

#: Seconds any one run may take on these small repositories (a hang is what several attacks aim for).
BOUND = 60
FORMATS = tuple(FORMAT_NAMES)  # every report format, html included
#: Secrets planted in the repositories: provider-shaped, so that the hardcoded-secret detectors know them.
GITHUB_TOKEN = "ghp_" + "Zq8LmN3vRt6WxY1bKd5FgH7jPs9Ac2Ue4Io0"
GITLAB_TOKEN = "glpat-" + "Vb7Nq2Lx9Kd4Mw6Rt1Ys"
SECRETS = (GITHUB_TOKEN, GITLAB_TOKEN)


def build(root: Path, files: Mapping[str, str | bytes], git_config: str = "", commit: bool = True) -> Path:
    """A real git repository holding `files`, with `git_config` appended to its `.git/config` after the commit
    (so that the attack is armed for mlrepolint, not for the test's own git calls)."""
    make_git_repo(root, files, commit=commit)
    if git_config:
        with open(root / ".git" / "config", "a", encoding="utf-8") as handle:
            handle.write(git_config)
    return root


def environment(tmp: Path) -> dict[str, str]:
    """The user's environment for a test run: their own cache folder and pylint home inside `tmp`."""
    (tmp / "user-cache").mkdir(parents=True, exist_ok=True)
    (tmp / "pylint-home").mkdir(parents=True, exist_ok=True)
    return {"XDG_CACHE_HOME": str(tmp / "user-cache"), "PYLINTHOME": str(tmp / "pylint-home"), "NO_COLOR": "1"}


def run(args: Sequence[str], cwd: Path, env: Mapping[str, str], argv0: Sequence[str] | None = None) -> Run:
    """Run the executable (or `argv0`), within BOUND seconds; the run must not crash."""
    started = time.monotonic()
    proc = subprocess.run(
        [*(argv0 or [executable("mlrepolint")]), *args], cwd=cwd, env={**os.environ, **env},
        capture_output=True, text=True, errors="replace", timeout=BOUND, check=False,
    )
    assert time.monotonic() - started < BOUND
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


def lint_everywhere(root: Path, tmp: Path, *args: str, codes: Sequence[int] = (0, 1)) -> str:
    """Lint `root` with `args` once, in every format (text on stdout, the others into files beside `root`), check
    the exit code is in `codes`, and return everything the run printed or wrote, the cache files included."""
    reports = tmp / "reports"
    reports.mkdir(exist_ok=True)
    extra = [f"--output-format={name}:{reports / name}" for name in FORMATS if name != "text"]
    result = run(["--format", "text", *extra, *args], cwd=root, env=environment(tmp))
    assert result.code in codes, (result.code, result.err)
    seen = [result.out, result.err] + [p.read_text(encoding="utf-8", errors="replace") for p in reports.iterdir()]
    cache = root / ".mlrepolint_cache"
    if cache.is_dir() and not cache.is_symlink():
        seen += [p.read_bytes().decode("utf-8", "replace") for p in cache.iterdir() if p.is_file()]
    return "\n".join(seen)


def leaked(text: str, secrets: Sequence[str] = SECRETS) -> list[str]:
    """The 8-character pieces of `secrets` found in `text`."""
    return [
        secret[i: i + 8] for secret in secrets for i in range(len(secret) - 7) if secret[i: i + 8] in text
    ]


__all__ = [
    "BOUND", "FORMATS", "GITHUB_TOKEN", "GITLAB_TOKEN", "SECRETS", "build", "environment", "git", "leaked",
    "lint_everywhere", "run", "write_files",
]
