"""What a run produces: the whole run's `Result` and each Python file's `FileResult`.

Plain data below the engine and the cache: the engine builds them, the cache stores and restores them, the
scorer and the reports read them; none of those need the engine to do so.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlrepolint.rules.base import Finding

if TYPE_CHECKING:
    from mlrepolint.scoring import BaseScore, Scorecard


#: Repository rules' findings that stand for more than one unit: rule code -> path -> units failed there.
Failing = dict[str, dict[str, int]]
#: What the repository rules give back: findings, units examined per rule, and the units of `Failing`.
RepoResult = tuple[list[Finding], dict[str, int], Failing]


@dataclass
class Result:
    """Everything a report needs: the findings, what each rule examined, and warnings about the run."""

    root: Path
    findings: list[Finding]
    examined: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    python_files: int = 0
    python_lines: int = 0  # total lines of the Python files linted (PEP 8 violations per 100 lines)
    #: Per-file checkers' denominators by path, so the scorer can count a file's findings at most once per unit.
    examined_by_file: dict[str, dict[str, int]] = field(default_factory=dict)
    scorecard: Scorecard | None = None  # the rubric, filled in by Engine.run
    linted: int = 0  # Python files linted in this run (the others came from the cache)
    base: BaseScore | None = None  # the score at the `--diff` base, when it could be computed
    #: Repository findings that stand for more than one examined unit (the scorer counts them so).
    failing: Failing = field(default_factory=dict)
    limited: bool = False  # a run limited to named files (`--limit-to-paths`): it has no score


@dataclass(frozen=True)
class FileResult:
    """What linting one Python file gives back to the main process: small, picklable, never the tree.

    `unchanged` means the file's content hash matched the one the caller already knew, so nothing was linted
    and the caller's cached result stands. `warnings` are plugin failures on this file, `failures` wrapped tools
    that failed on it (tool, "path: error"); the main process folds both into the run's warnings.
    """

    path: str
    digest: str
    findings: tuple[Finding, ...] = ()
    examined: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False
    signature: tuple[int, ...] | None = None  # the file's stat before it was read (see `stat_signature`)
    lines: int = 0
    comments: bool = True  # False: no suppression comment, so other tools' findings need not read it again
    warnings: tuple[str, ...] = ()
    failures: tuple[tuple[str, str], ...] = ()
    #: Repository checkers' shares of this file, computed from the bytes read here: (namespace, value) each, for
    #: `RepoView.offer` (never cached with the result: the cache keeps them as the checkers' partials).
    shares: tuple[tuple[str, Any], ...] = ()


#: The digest of a file too large to read starts with this (and gives its size): never a content hash.
TOO_LARGE = "too-large:"


def lintable(result: FileResult) -> bool:
    """True for a file that was read and parsed (or is cached as such): one a wrapped tool may be given."""
    return bool(result.digest) and not result.digest.startswith(TOO_LARGE)


def stat_signature(st: os.stat_result | None) -> tuple[int, ...] | None:
    """Size, modification time and inode: what must match for the cache to trust a file without reading it."""
    return None if st is None else (st.st_size, st.st_mtime_ns, st.st_ino)


def content_digest(data: bytes) -> str:
    """The content hash the cache keys a file on."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
