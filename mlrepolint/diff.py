"""`--diff BASE_REF`: keep only the findings a change introduces, against a base read from git's objects.

BASE_REF is a revision (`main`, `origin/main`, a commit or a tag); `A...B` means their merge base (B defaults to
HEAD: `origin/main...` is what a pull request is compared with), `A..B` means A. Anything that starts with `-` is
refused, so a value can never reach git as an option.

The base is compared with the work tree as mlrepolint reads it: a finding with a line is kept when that line is
new (added or changed since the base), a finding about a whole file when the file is new or changed; untracked
files are new. The comparison is done here, from the base's blob (`cat-file`) and the file's bytes (read through
the repository view), never by `git diff`, which would run the repository's textconv and clean filters. Line
endings are compared normalised (`\\r\\n` as `\\n`), and a Git LFS pointer in the base is compared with the
file's SHA-256, as git would after its filters.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping

from mlrepolint import git
from mlrepolint.engine import UsageError
from mlrepolint.regex import lazy
from mlrepolint.repo import RepoView
from mlrepolint.results import Result

WHOLE_FILE = None  # marks a file whose every line is new
#: Above this many line pairs left after the common head and tail, a line counts as new when the base's changed
#: region does not hold it anywhere (a matcher costs the product of the two lengths).
_MATCH_LIMIT = 4_000_000
_LFS_POINTER = lazy(rb"\Aversion https://git-lfs\.github\.com/spec/v1\noid sha256:([0-9a-f]{64})\n")


@dataclass(frozen=True)
class Base:
    """The `--diff` base: the revision as the user wrote it, its tree, and the tree's regular files by path."""

    ref: str
    tree: str
    files: Mapping[str, git.TreeEntry]

    @classmethod
    def open(cls, root: Path, is_git: bool, ref: str) -> Base:
        """Resolve `ref` in the repository at `root`; a usage error (exit 2) when it names no revision."""
        if not is_git:
            raise UsageError("--diff needs a git repository")
        if not ref or ref.startswith("-") or any(ord(c) < 32 for c in ref):
            raise UsageError(f"--diff {ref!r}: not a revision (a branch, tag or commit, or A...B)")
        try:
            tree = git.resolve_tree(root, _base_revision(root, ref))
            files = {entry.path: entry for entry in git.tree_files(root, tree)}
        except git.GitError as exc:
            hint = ""
            if git.is_shallow(root):
                hint = "; this is a shallow clone, which may not hold the base: fetch the history (`fetch-depth: 0`)"
            raise UsageError(f"--diff {ref}: {exc}{hint}") from None
        return cls(ref, tree, files)


def _base_revision(root: Path, ref: str) -> str:
    """The revision `ref` stands for: the merge base of `A...B`, A of `A..B`, else `ref` itself."""
    if "..." in ref:
        left, right = ref.split("...", 1)
        return git.merge_base(root, left or "HEAD", right or "HEAD")
    if ".." in ref:
        return ref.split("..", 1)[0] or "HEAD"
    return ref


def changed_lines(base: Base, view: RepoView, paths: Iterable[str]) -> dict[str, set[int] | None]:
    """path -> new line numbers (WHOLE_FILE: the file is new) for those of `paths` that are new or changed."""
    changed: dict[str, set[int] | None] = {}
    differing: dict[str, bytes] = {}
    for path in paths:
        data = view.read_bytes(path) if view.stat(path) is not None else None
        if data is None:  # not a file here (a folder, a file the change deleted): nothing of it is new
            continue
        entry = base.files.get(path)
        if entry is None:
            changed[path] = WHOLE_FILE
        elif git.blob_id(data, entry.blob) != entry.blob:
            differing[path] = data
    if differing:
        try:
            blobs = git.read_blobs(view.root, [base.files[path].blob for path in differing])
        except git.GitError as exc:
            raise UsageError(f"--diff {base.ref}: {exc}") from None
        for path, data in differing.items():
            old = blobs[base.files[path].blob]
            pointer = _LFS_POINTER.match(old)
            if pointer is not None:  # the file is in Git LFS: changed when its content's hash is not the pointer's
                if hashlib.sha256(data).hexdigest().encode() != pointer.group(1):
                    changed[path] = WHOLE_FILE
            elif _normalised(old) != _normalised(data):  # else only its line endings differ
                changed[path] = _new_lines(old, data)  # empty when lines were only removed
    return changed


def _normalised(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def _new_lines(old: bytes, new: bytes) -> set[int]:
    """The 1-based numbers of the lines of `new` that `old` does not have in the same place."""
    before, after = _normalised(old).split(b"\n"), _normalised(new).split(b"\n")
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old_middle, new_middle = before[head: len(before) - tail], after[head: len(after) - tail]
    if len(old_middle) * len(new_middle) > _MATCH_LIMIT:
        known = set(old_middle)
        return {head + i + 1 for i, line in enumerate(new_middle) if line not in known}
    matcher = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False)
    added: set[int] = set()
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            added.update(range(head + start + 1, head + end + 1))
    return added


def restrict(result: Result, base: Base, view: RepoView) -> Result:
    """`result` with only the findings on lines added, or files changed, since the base. Findings about git history
    are kept: with `--diff` they come from the commits since the base only."""
    changed = changed_lines(base, view, {finding.path for finding in result.findings if finding.commit is None})
    kept = []
    for finding in result.findings:
        if finding.commit is not None:
            kept.append(finding)
            continue
        if finding.path not in changed:
            continue
        lines = changed[finding.path]
        if lines is WHOLE_FILE or finding.line is None or finding.line in lines:
            kept.append(finding)
    return replace(result, findings=kept)
