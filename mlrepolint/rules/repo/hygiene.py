"""What the repository-hygiene checkers share: how a file got here, pointer files, fixtures, sizes, allow lists."""

from __future__ import annotations

import re
import shlex
from functools import lru_cache
from typing import Sequence
from mlrepolint.api import RepoFile, RepoView, gitignore_spec


#: Folders whose small files are test fixtures, not data.
TEST_DIRS = frozenset({"test", "tests", "testing", "testdata", "test_data", "test-data", "fixtures"})

#: A Git LFS pointer starts with this line; pointers are at most 1024 bytes (the LFS spec).
LFS_POINTER_START = b"version https://git-lfs.github.com/spec/v1"
LFS_POINTER_MAX_SIZE = 1024


def base_name(path: str) -> str:
    """The last component of a POSIX path (cheaper than PurePosixPath, which adds up over 10,000 files)."""
    return path.rpartition("/")[2]


def suffix_of(name: str) -> str:
    """The last suffix, lower-cased, with `.tar.gz` kept whole; `""` for `.env` or `Makefile`."""
    lowered = name.lower()
    if lowered.endswith(".tar.gz"):
        return ".tar.gz"
    dot = lowered.rfind(".")
    return lowered[dot:] if 0 < dot < len(lowered) - 1 else ""


def presence(repo: RepoView, file: RepoFile) -> str:
    """How the file is in the repository, for messages: committed, untracked (inside git) or not ignored."""
    if not repo.is_git:
        return "is not ignored by .gitignore"
    if file.tracked:
        return "is committed"
    return "is untracked and not ignored (the next `git add .` commits it)"


def untrack_hint(repo: RepoView, file: RepoFile, target: str | None = None) -> str:
    """The first step of a fix, as commands to copy: a committed file leaves the index (and stays on disk) and
    gets its `.gitignore` line; an untracked one gets the line. mlrepolint never runs git to do it."""
    target = target or file.path
    line = f"`{gitignore_line(target)}`"
    if repo.is_git and file.tracked:
        recursive = "-r " if target.endswith("/") else ""
        return f"`git rm {recursive}--cached -- {shlex.quote(target)}` (it stays on disk) and add {line} to .gitignore"
    return f"add {line} to .gitignore"


def gitignore_line(path: str) -> str:
    """The `.gitignore` line that ignores exactly this path of the root (`/data/train.csv`, `/mlruns/`): anchored,
    with the characters git reads as a pattern (`*?[\\`, a leading `#` or `!`, trailing spaces) escaped."""
    escaped = re.sub(r"([*?\[\\])", r"\\\1", path)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return "/" + escaped


def is_lfs_pointer(repo: RepoView, path: str, size: int | None) -> bool:
    """True for a Git LFS pointer file: decided by size, then by the first bytes only."""
    if size is None or size > LFS_POINTER_MAX_SIZE:
        return False
    head = repo.read_bytes(path, limit=len(LFS_POINTER_START))
    return head == LFS_POINTER_START


def in_test_dir(path: str) -> bool:
    """True when a folder on the path is a test or fixtures folder (`tests/`, `fixtures/`, and names with a
    test word such as `integration-test/` or `e2e_tests/`)."""
    for part in path.split("/")[:-1]:
        lowered = part.lower()
        if lowered in TEST_DIRS or any(word in TEST_DIRS for word in re.split(r"[-_.]", lowered)):
            return True
    return False


@lru_cache(maxsize=64)
def _allow_spec(globs: tuple[str, ...]):
    return gitignore_spec(globs)


def allowed(globs: Sequence[str], path: str) -> bool:
    """True when `path` matches one of the gitignore-style `allow` globs."""
    return bool(globs) and _allow_spec(tuple(globs)).match_file(path)


def human_size(size: int) -> str:
    """`812 B`, `12.4 KB`, `3.1 MB`, `1.2 GB` (powers of 1000, as the size options are written)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
