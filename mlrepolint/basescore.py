"""The score at `--diff BASE_REF`: lint the repository as it was at the base, to show the change in score.

The base tree is checked out into a temporary clone that shares the user's object store (`git clone --shared
--no-checkout`, then a detached checkout of the base commit). The user's work tree, index and refs are never
touched, nothing is registered in their repository (no `git worktree`), and the clone is deleted afterwards. The
clone is a real git repository, so rules that ask whether a file is tracked see the base's answer.

The base is linted with the same settings as the current tree, except that the cache is off (nothing is written
into the user's repository nor kept in the clone). Only its scorecard is kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from mlrepolint.config import Settings
from mlrepolint.rules.registry import Registry
from mlrepolint.scoring import BaseScore

#: Git options for every command run in the clone: no hooks (they are code from outside mlrepolint), no large
#: file downloads, no prompts.
_QUIET_GIT = ("-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false")
_ENV = {"GIT_LFS_SKIP_SMUDGE": "1", "GIT_TERMINAL_PROMPT": "0"}


class BaseUnavailable(Exception):
    """The base could not be checked out or linted; the run goes on without a score change."""


def base_commit(root: Path, base_ref: str) -> str:
    """The commit `git diff BASE_REF` compares against: `A...B` is their merge base, `A..B` is A, else the ref."""
    if "..." in base_ref:
        left, right = base_ref.split("...", 1)
        sha = _git(root, "merge-base", left or "HEAD", right or "HEAD").strip()
    else:
        sha = base_ref.split("..", 1)[0] or "HEAD"
    return _git(root, "rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}").strip()


def score_base(
    root: Path, base_ref: str, settings: Settings, registry: Registry, targets: Sequence[Path],
    limit_to_paths: bool = False,
) -> BaseScore:
    """The scorecard of the repository at `base_ref`, linted like the current tree (raises BaseUnavailable)."""
    from mlrepolint.engine import Engine

    commit = base_commit(root, base_ref)
    folder = Path(tempfile.mkdtemp(prefix="mlrepolint-base-")).resolve()
    try:
        tree = folder / "tree"
        _git(folder, *_QUIET_GIT, "clone", "--quiet", "--shared", "--no-checkout", "--template=", str(root),
             str(tree))
        _git(tree, *_QUIET_GIT, "checkout", "--quiet", "--detach", commit)
        engine = Engine(tree, True, settings.with_overrides(cache=False), registry)
        result = engine.run(_same_targets(root, tree, targets), limit_to_paths=limit_to_paths)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result.scorecard is None:
        raise BaseUnavailable("no scorecard")
    return BaseScore(base_ref, result.scorecard)


def _same_targets(root: Path, tree: Path, targets: Sequence[Path]) -> list[Path]:
    """The paths the user named, in the base tree (those that existed there), or the whole base tree."""
    mapped = []
    for target in targets:
        try:
            rel = target.resolve().relative_to(root)
        except ValueError:
            continue
        if (tree / rel).exists():
            mapped.append(tree / rel)
    return mapped or [tree]


def _git(cwd: Path, *args: str) -> str:
    """Run git; a failure becomes BaseUnavailable with git's last line of complaint."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env={**os.environ, **_ENV}, capture_output=True, text=True,
            errors="surrogateescape", check=False,
        )
    except OSError as exc:
        raise BaseUnavailable(str(exc)) from None
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise BaseUnavailable(lines[-1] if lines else f"git {args[0]} failed")
    return proc.stdout
