"""The score at the `--diff` base: lint the repository as it was at the base, to show the change in score.

The base is read from git's objects, never checked out: its file list from `ls-tree`, its files' bytes from
`cat-file --batch`, with no filter, textconv or hook of the repository's running. Nothing is written into the
user's repository, work tree, index or refs.

It is linted with the same settings as the current tree. A Python file whose content at the base is what the work
tree holds now keeps the current run's result (most files, in a pull request); only the others are linted, with
the usual progress line. When the tools' config files differ between the two, nothing is reused. The wrapped tools
that read files themselves (ruff, pylint) get the base's Python and config files written into a temporary folder,
deleted afterwards. Only the scorecard is kept.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath
from typing import Mapping, Sequence

from mlrepolint import git
from mlrepolint.cache import TOOL_CONFIGS, NoCache
from mlrepolint.config import Settings
from mlrepolint.diff import Base
from mlrepolint.engine import Engine
from mlrepolint.repo import RepoFile, RepoView, _drop_skipped, gitignore_spec
from mlrepolint.results import FileResult, content_digest
from mlrepolint.scoring import BaseScore

#: Config files the tools that read files themselves look for, in any folder.
_TOOL_FILES = frozenset({"pyproject.toml", "ruff.toml", ".ruff.toml", "setup.cfg", "tox.ini", ".flake8",
                         "pylintrc", ".pylintrc", "pylintrc.toml", ".pylintrc.toml"})


class BaseUnavailable(Exception):
    """The base could not be read or linted; the run goes on without a score change."""


class TreeView(RepoView):
    """The repository as a git tree: every file tracked, read from the object store (Python files at once, the
    others when asked). `root` is an empty temporary folder, where files are written only for the wrapped tools
    that read files themselves."""

    def __init__(self, root: Path, source: Path, entries: Sequence[git.TreeEntry], skipped: set[str]) -> None:
        super().__init__(root, [RepoFile(e.path, True) for e in entries], is_git=True, skipped_dirs=skipped)
        self.entries = {e.path: e for e in entries}
        self.data: dict[str, bytes] = {}  # path -> content, read ahead (what workers read: no git in them)
        self._blobs = git.BlobReader(source)

    def stat(self, path: str) -> os.stat_result | None:
        """A regular file's stat, as far as a tree knows it (mode and size)."""
        entry = self.entries.get(path)
        if entry is None or entry.size is None:
            return None
        result = os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, entry.size, 0, 0, 0))
        self._stats[path] = result
        return result

    def read_bytes(self, path: str, limit: int | None = None) -> bytes | None:
        """The file's bytes at the base (at most `limit`), or None when the base has no such file."""
        entry = self.entries.get(path)
        if entry is None or entry.size is None:
            return None
        data = self.data.get(path)
        if data is None:
            try:
                data = self._blobs.read(entry.blob, limit)
            except git.GitError:
                return None
        return data if limit is None else data[:limit]

    def read_ahead(self, paths: Sequence[str]) -> None:
        """Read these files' blobs in one go."""
        wanted = [p for p in paths if p in self.entries and p not in self.data]
        blobs = git.read_blobs(self._blobs.root, [self.entries[p].blob for p in wanted])
        self.data.update({p: blobs[self.entries[p].blob] for p in wanted})

    def write(self, paths: Sequence[str]) -> None:
        """Write these files into `root`, for a tool that reads files itself (new files only, no symlinks)."""
        for path in paths:
            data = self.read_bytes(path)
            if data is None:
                continue
            target = self.root.joinpath(*path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(target, flags, 0o644), "wb") as handle:
                handle.write(data)

    def close(self) -> None:
        """End the object reader."""
        self._blobs.close()


class _Reuse(NoCache):
    """The current run's results, for the base files whose content is the same."""

    def __init__(self, current: Mapping[str, FileResult], digests: Mapping[str, str]) -> None:
        self.current = current
        self.digests = digests

    def file_result(self, path: str) -> FileResult | None:
        """The current result when the file's content at the base is the same."""
        result = self.current.get(path)
        if result is not None and result.digest and self.digests.get(path) == result.digest:
            return result
        return None


def score_base(
    base: Base, engine: Engine, targets: Sequence[Path], limit_to_paths: bool = False,
) -> BaseScore:
    """The scorecard of the repository at the base, linted like the current tree (raises BaseUnavailable)."""
    settings, registry = engine.settings, engine.registry
    folder = Path(tempfile.mkdtemp(prefix="mlrepolint-base-")).resolve()
    view = None
    try:
        view = _tree_view(base, engine.root, folder, settings)
        python = [f.path for f in view.files if f.path.endswith(".py")]
        view.read_ahead(python + [p for p in TOOL_CONFIGS if p in view.entries])
        digests = {path: content_digest(view.data[path]) for path in python if path in view.data}
        same_configs = all(view.read_bytes(name) == engine.reader.read_bytes(name) for name in TOOL_CONFIGS)
        reuse = _Reuse(engine.file_results if same_configs else {}, digests)
        if "pylint" in settings.wrappers or ("flake8" in settings.wrappers and settings.pep8_backend == "ruff"):
            view.write(python + [f.path for f in view.files if PurePosixPath(f.path).name in _TOOL_FILES])
        base_engine = Engine(folder, True, settings.with_overrides(cache=False), registry, view=view)
        base_engine.show_progress = engine.show_progress
        base_engine.progress_label = f"files at {base.ref}"
        result = base_engine.run(_same_targets(engine.root, folder, targets), limit_to_paths=limit_to_paths,
                                 cache=reuse)
    except (git.GitError, OSError) as exc:
        raise BaseUnavailable(str(exc)) from None
    finally:
        if view is not None:
            view.close()
        shutil.rmtree(folder, ignore_errors=True)
    if result.scorecard is None:
        raise BaseUnavailable("no scorecard")
    return BaseScore(base.ref, result.scorecard)


def _tree_view(base: Base, source: Path, folder: Path, settings: Settings) -> TreeView:
    """The base's files as the current run lists them: never-read folders and excluded files left out, and
    any path git would refuse to check out (`..`, `.git`) too."""
    entries = [e for e in base.files.values() if _safe(e.path)]
    excludes = settings.exclude + settings.extend_exclude
    if excludes:
        spec = gitignore_spec(excludes)
        entries = [e for e in entries if not spec.match_file(e.path)]
    kept, skipped = _drop_skipped(RepoFile(e.path, True) for e in entries)
    names = {f.path for f in kept}
    return TreeView(folder, source, sorted((e for e in entries if e.path in names), key=lambda e: e.path), skipped)


def _safe(path: str) -> bool:
    parts = path.split("/")
    return all(part not in ("", ".", "..") and part.lower() != ".git" and "\\" not in part for part in parts)


def _same_targets(root: Path, folder: Path, targets: Sequence[Path]) -> list[Path]:
    """The paths the user named, in the base's folder (a named folder is made there), or the whole base."""
    mapped = []
    for target in targets:
        try:
            rel = target.resolve().relative_to(root)
        except ValueError:
            continue
        if rel == Path("."):
            return [folder]
        if target.is_dir():
            (folder / rel).mkdir(parents=True, exist_ok=True)
        mapped.append(folder / rel)
    return mapped or [folder]
