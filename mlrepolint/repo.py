"""The repository view: its root, its files (tracked or not) and safe reads inside it.

Inside git the file list comes from one `git ls-files` call (made by mlrepolint.git): tracked files (ignored or
not) plus untracked files that are not ignored. Outside git it comes from a walk that honours `.gitignore` files.
Either way, version-control folders, virtual environments, `node_modules`, `__pycache__`, caches and build output
are never listed or read, symlinks are never followed out of the root, and a symlinked directory is never
descended into (so a symlink loop cannot hang the walk).

Only regular files are ever opened: a FIFO, a socket or a device (or a symlink to one, `/dev/zero`) reads as
missing, and a read never blocks (the file is opened non-blocking and checked with `fstat` before any byte is
read). Every read has a size limit: MAX_READ_BYTES unless the caller asks for fewer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Sequence

from mlrepolint.patterns import Spec, valid_lines

if TYPE_CHECKING:
    import ast

    from mlrepolint.notebook import Notebook
    from mlrepolint.source import PythonFile

#: Folder names that are never read, wherever they are.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox", ".eggs",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".mlrepolint_cache", "site-packages", "build", "dist",
    }
)
SKIPPED_DIR_GLOBS = ("*.egg-info",)
#: A folder holding this file is a virtual environment, whatever its name.
VENV_MARKER = "pyvenv.cfg"
#: The most a read returns without a `limit`: a larger file reads as None (too large to be a source or a
#: declaration someone writes; rules that want its first bytes pass a `limit`, and `size` still tells its size).
MAX_READ_BYTES = 32 * 1024 * 1024
#: A `.gitignore` larger than this is not read by the walk (git has no limit; no real one is near it).
GITIGNORE_READ_BYTES = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


#: The characters of the texts a view keeps for a second `read_text` of a file: about what a large repository's
#: Python files hold (NVIDIA NeMo's: 29 million).
TEXT_MEMO_CHARACTERS = 64_000_000


class TextMemo:
    """Path -> (text, size in bytes) of the Python files read whole this run, up to TEXT_MEMO_CHARACTERS."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[str, int]] = {}
        self.characters = 0

    def keep(self, path: str, text: str, size: int) -> None:
        """Keep the text of the file at `path`, read whole (`size` bytes), while the budget allows."""
        if self.characters + len(text) <= TEXT_MEMO_CHARACTERS:
            self.known[path] = (text, size)
            self.characters += len(text)


def read_regular(path: str, limit: int | None = None) -> bytes | None:
    """The bytes of the regular file at `path`, or None when it is not one (missing, a folder, a FIFO, a device,
    a socket) or cannot be read. Without `limit`, a file larger than MAX_READ_BYTES is None; with it, at most
    `limit` bytes are read. Opening never blocks: the check is made on the open descriptor, so nothing can be
    swapped in between."""
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    try:
        st = os.fstat(handle)
        if not stat.S_ISREG(st.st_mode) or (limit is None and st.st_size > MAX_READ_BYTES):
            return None
        wanted = MAX_READ_BYTES if limit is None else limit
        chunks, left = [], wanted
        while left > 0:  # a regular file never blocks; read until the limit or the end
            chunk = os.read(handle, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if limit is None and left <= 0 and os.read(handle, 1):  # it grew past the limit while being read
            return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


@functools.lru_cache(maxsize=4096)  # folder names repeat across thousands of paths
def is_skipped_dir(name: str) -> bool:
    """True for a folder name that is never read (see SKIPPED_DIRS)."""
    return name in SKIPPED_DIRS or any(fnmatch(name, glob) for glob in SKIPPED_DIR_GLOBS)


def path_suffix(path: str) -> str:
    """The last suffix of a POSIX path's name, lower-cased (`.csv`), as `PurePosixPath.suffix` gives it (none for
    `.env` or `name.`), without building a path object: asked for every listed file by several rules."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


@dataclass(frozen=True)
class RepoFile:
    """A file in the repository: its path relative to the root (POSIX) and whether git tracks it."""

    path: str
    tracked: bool

    @property
    def name(self) -> str:
        """The base name."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        """The last suffix, lower-cased (`.csv`)."""
        return path_suffix(self.path)


class ReadSource:
    """A Python file or notebook as the per-file pass read it (in a worker): its path, its bytes, its size as
    stat gave it before the read, and for a notebook the parsed document. What a repository checker's
    `shares_of_source` is handed, so that its share of the file needs no second read."""

    def __init__(self, path: str, data: bytes, size: int) -> None:
        self.path = path
        self.data = data
        self.size = size
        self.notebook: Notebook | None = None  # set by the per-file pass once it parsed the notebook
        #: `text` parsed, set by the per-file pass when it parsed that very text: its tree, and the node index its
        #: checkers built (`PythonFile.nodes`), which a share's walk can reuse instead of walking again.
        self.module: PythonFile | None = None

    @property
    def tree(self) -> ast.Module | None:
        """The syntax tree of `text` (`ast.parse`), when the per-file pass parsed that very text."""
        return None if self.module is None else self.module.tree

    @cached_property
    def text(self) -> str:
        """The bytes as `RepoView.read_text` decodes them (UTF-8, undecodable bytes replaced); the per-file pass
        sets it when its own decoding gave the same text."""
        return self.data.decode("utf-8", errors="replace")


def gitignore_spec(patterns: Iterable[str]) -> Spec:
    """A matcher for gitignore-style patterns relative to the root (`match_file(path)`, `check_file(path)`),
    matched in bounded time whatever the patterns and paths (see mlrepolint.patterns); a line that is not a
    pattern is left out, as git leaves it out."""
    return Spec.from_lines(patterns)


def valid_gitignore_lines(lines: Iterable[str]) -> list[str]:
    """The lines of a .gitignore file that git would use: a malformed one (`!`, a trailing backslash) or one
    longer than any path is skipped, instead of failing the whole run."""
    return valid_lines(lines)


class Partials(Protocol):
    """Where per-file partial results of repository rules are kept between runs (the cache), by file stat."""

    def partial(self, namespace: str, path: str, st: os.stat_result) -> Any:
        """The value recorded for the file while its stat is `st` (boxed in a one-item list), or None."""

    def store_partial(self, namespace: str, path: str, st: os.stat_result, value: Any) -> None:
        """Record a JSON value for the file, read with stat `st`."""

    def derived(self, namespace: str, listing: str, stat: Callable[[str], os.stat_result | None]) -> Any:
        """The value recorded under the file list `listing` while every file it read had the stat `stat` gives
        now (boxed in a one-item list), or None."""

    def store_derived(self, namespace: str, listing: str, read: dict[str, os.stat_result | None], value: Any) -> None:
        """Record a JSON value computed from the file list `listing` and the files `read` (with their stats)."""


class RepoView:
    """What checkers see of the repository. Rules never touch the disk except through this view."""

    def __init__(self, root: Path, files: Sequence[RepoFile], is_git: bool, skipped_dirs: Iterable[str] = ()):
        self.root = root
        self.files: tuple[RepoFile, ...] = tuple(files)
        self.is_git = is_git
        #: Top-most folders that were left out as never-read (virtual environments, build output...).
        self.skipped_dirs = frozenset(skipped_dirs)
        self._real_root = os.path.realpath(root)
        self._real_prefix = os.path.join(self._real_root, "")
        self._stats: dict[str, os.stat_result | None] = {}
        self._reals: dict[str, str | None] = {}
        self._lstats: dict[str, os.stat_result] = {}  # files' own lstat, taken by `_inside`, used by `stat`
        self._taken: dict[str, os.stat_result] = {}  # lstats `plain_stat` took, by the path it took them at
        self._plain: dict[str, os.stat_result | None] = {}  # what `plain_stat` gave, by path
        self._recorders: list[set[str]] = []
        self._shares: dict[tuple[str, str], Any] = {}  # this run's `per_file` values
        #: Shares the per-file pass computed from the bytes it read (see `offer`), by (namespace, path).
        self.offered: dict[tuple[str, str], Any] = {}
        #: Where `per_file` keeps its results between runs (the engine sets the cache's; None keeps nothing).
        self.partials: Partials | None = None
        #: The Python files `read_text` read whole (see there); shared with another view of the root by `share_texts`.
        self.texts = TextMemo()

    @classmethod
    def open(cls, root: Path, is_git: bool, exclude: Spec | None = None, remember: bool = False) -> RepoView:
        """List the repository at `root`: a git top level when `is_git`, else a plain folder. With `remember`, git's
        list is kept between runs in the cache (see mlrepolint.listing)."""
        files, skipped = _drop_skipped(_git_files(root, remember)) if is_git else _walk_files(root)
        if exclude is not None:
            files = [f for f in files if not exclude.match_file(f.path)]
        return cls(root, sorted(files, key=lambda f: f.path), is_git, skipped)

    @cached_property
    def listing_digest(self) -> str:
        """A hash of the file list (paths, tracked or not, the never-read folders passed over): what the cache
        compares to tell whether the repository gained or lost a file. Computed once (the list never changes)."""
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{self.root}\0{self.is_git}\0{sorted(self.skipped_dirs)}\0".encode("utf-8", "surrogateescape"))
        for f in self.files:
            digest.update(f"{f.path}\0{int(f.tracked)}\0".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    @cached_property
    def paths(self) -> frozenset[str]:
        """Every listed path, for membership tests."""
        return frozenset(f.path for f in self.files)

    def by_path(self, path: str) -> RepoFile | None:
        """The listed file at `path`, if any."""
        return self._by_path.get(path)

    @cached_property
    def _by_path(self) -> dict[str, RepoFile]:
        return {f.path: f for f in self.files}

    def matching(self, patterns: Iterable[str]) -> Iterator[RepoFile]:
        """Listed files matching any of the gitignore-style patterns."""
        spec = gitignore_spec(patterns)
        return (f for f in self.files if spec.match_file(f.path))

    def _inside(self, path: str) -> str | None:
        """The real path of `path` if it resolves inside the root, else None (resolved once per path).

        A folder's real path is resolved once and shared by its files, from its parent's; only a file or folder
        that is itself a symlink is resolved on its own. (`realpath` of every file from the root costs more than
        linting a cached run.) The file's own `lstat`, taken to see whether it is a symlink, is kept for `stat`.
        """
        if path not in self._reals:
            folder, _, name = path.rpartition("/")
            real_folder = self._real_folder(folder)
            real = None
            if real_folder is not None:
                real = os.path.join(real_folder, name)
                st: os.stat_result | None = self._taken.pop(real, None)
                if st is None:
                    try:
                        st = os.lstat(real)
                    except OSError:  # missing: `stat` will say so
                        st = None
                if name in ("", ".", "..") or (st is not None and stat.S_ISLNK(st.st_mode)):
                    real = self._within(os.path.realpath(real))
                elif st is not None:
                    self._lstats[path] = st
            self._reals[path] = real
        return self._reals[path]

    def plain_stat(self, path: str) -> os.stat_result | None:
        """A plain `stat` of `path` under the root (a symlink followed), only ever compared with a record, never
        used to read: the project model's and the result cache's checks of the files they were computed from,
        which an editor's save must not make pay the view's checks of each folder. A file that is not a symlink
        keeps its lstat for `stat`, which takes it when it would take one at that same path (no folder on the way
        is a symlink): one lstat per file."""
        if path in self._plain:  # several checkers' results record the same file
            return self._plain[path]
        full = self._real_prefix + path  # os.path.join's checks cost a third of this on thousands of files
        try:
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                st = os.stat(full)
            else:
                self._taken[full] = st
        except (OSError, ValueError):
            st = None
        self._plain[path] = st
        return st

    def _real_folder(self, folder: str) -> str | None:
        if folder not in self._reals:
            parent, _, name = folder.rpartition("/")
            real_parent = self._real_folder(parent) if folder else self._real_root
            real = None
            if real_parent is not None and folder:
                real = os.path.join(real_parent, name)
                if name in (".", "..") or os.path.islink(real):
                    real = self._within(os.path.realpath(real))
            elif folder == "":
                real = self._real_root
            self._reals[folder] = real
        return self._reals[folder]

    def _within(self, real: str) -> str | None:
        return real if real == self._real_root or real.startswith(self._real_root + os.sep) else None

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[str]]:
        """Collect every path whose stat, size or content is asked for inside the block (what one rule read)."""
        paths: set[str] = set()
        self._recorders.append(paths)
        try:
            yield paths
        finally:  # by identity: a nested recording may hold the same paths (`list.remove` compares by value)
            self._recorders = [recorder for recorder in self._recorders if recorder is not paths]

    def _record(self, path: str) -> None:
        for paths in self._recorders:
            paths.add(path)

    def per_file(
        self, namespace: str, path: str, compute: Callable[[], Any], valid: Callable[[Any], bool] = lambda _: True,
    ) -> Any:
        """`compute()`, a JSON value that depends only on the file at `path` (its content and stat), or the value
        a run recorded while the file had the stat it has now: a rule's share of work for one file, done again only
        when the file changed. `namespace` names the rule's share (one per kind of result); a recorded value that
        `valid` refuses is computed again. (Tuples come back from the record as lists.)"""
        self._record(path)  # the rule's result depends on the file, as if it had read it
        key = (namespace, path)
        if key in self._shares:  # asked again in this run (a module several scripts import)
            return self._shares[key]
        store = self.partials
        # Looked up by a plain stat, which is only compared with the one the share was recorded under (a stat the
        # view took): a warm run after one edit looks up every file's share, and the view's checks of each folder
        # would cost more than the lookups.
        seen = self.plain_stat(path) if store is not None else None
        kept = store.partial(namespace, path, seen) if store is not None and seen is not None else None
        if isinstance(kept, list) and len(kept) == 1 and valid(kept[0]):  # boxed, so that None is a value too
            value = kept[0]
        else:
            st = self.stat(path)
            value = self.offered[key] if st is not None and key in self.offered else compute()
            if store is not None and st is not None:
                store.store_partial(namespace, path, st, [value])
        self._shares[key] = value
        return value

    def derived(self, namespace: str, compute: Callable[[], Any], valid: Callable[[Any], bool] = lambda _: True) -> Any:
        """`compute()`, a JSON value that depends only on the file list and on the files it reads, or the value a
        run recorded while the list and each of those files were as they are now: work over several files (what
        a repository's dependency files declare, `-r` includes followed), done again only when one changed.
        The files are statted either way, so a rule's result recorded around this one still depends on them."""
        store = self.partials
        listing = self.listing_digest if store is not None else ""
        kept = store.derived(namespace, listing, self.stat) if store is not None else None
        if isinstance(kept, list) and len(kept) == 1 and valid(kept[0]):  # boxed, so that None is a value too
            return kept[0]
        with self.recording() as read:
            value = compute()
        if store is not None:
            store.store_derived(namespace, listing, {path: self.stat(path) for path in read}, [value])
        return value

    def offer(self, path: str, shares: Iterable[tuple[str, Any]]) -> None:
        """Take (namespace, value) shares of the file at `path` that the per-file pass computed from the bytes it
        read while the file had the stat this view has of it (the caller checks): `per_file` uses them instead of
        computing them again."""
        for namespace, value in shares:
            self.offered[(namespace, path)] = value

    def stat(self, path: str) -> os.stat_result | None:
        """`stat` of a regular file inside the root (following links that stay inside), else None."""
        self._record(path)
        if path not in self._stats:
            real = self._inside(path)
            result = None
            if real is not None:
                st = self._lstats.pop(path, None)  # not a symlink: its lstat is its stat
                if st is None:
                    try:
                        st = os.stat(real)
                    except OSError:  # missing, a symlink loop, unreadable
                        st = None
                if st is not None and stat.S_ISREG(st.st_mode):
                    result = st
            self._stats[path] = result
        return self._stats[path]

    def size(self, path: str) -> int | None:
        """Size in bytes of a regular file inside the root, else None."""
        st = self.stat(path)
        return st.st_size if st is not None else None

    def read_bytes(self, path: str, limit: int | None = None) -> bytes | None:
        """The file's bytes, or None when it is not a readable regular file inside the root.

        With `limit`, at most its first `limit` bytes; without, the whole file, or None when it is larger than
        MAX_READ_BYTES (ask `size` to tell a large file from an unreadable one).
        """
        st = self.stat(path)
        if st is None or (limit is None and st.st_size > MAX_READ_BYTES):
            return None
        return read_regular(self._inside(path), limit)  # type: ignore[arg-type]

    def read_text(self, path: str, limit: int | None = None) -> str | None:
        """The file as text (UTF-8, undecodable bytes replaced), or None when it cannot be read (see
        `read_bytes` for `limit`).

        A Python file read whole is read once a run: the project model's prescan and several repository rules read
        the same Python files (0.1 s of the main process's 2 s on the benchmark's 3,600 files), and the text they
        share is held anyway by the import scan's memo (`importscan.scan_imports`) while the run lasts. Other files
        (data files the secrets scan reads once) are not kept."""
        known = self.texts.known.get(path)
        if known is not None and (limit is None and known[1] <= MAX_READ_BYTES or limit is not None and
                                  known[1] <= limit):
            self.stat(path)  # recorded as read, as the read itself would be
            return known[0]
        data = self.read_bytes(path, limit)
        if data is None:
            return None
        text = data.decode("utf-8", errors="replace")
        whole = limit is None or len(data) < limit
        if whole and path.endswith(".py"):
            self.texts.keep(path, text, len(data))
        return text

    def share_texts(self, other: RepoView) -> None:
        """Read each Python file's text once for both views: `other` is a view of the same root (the engine's
        reader, which the project model's prescan reads through, beside the listed view the rules read)."""
        self.texts = other.texts


def _git_files(root: Path, remember: bool) -> list[RepoFile]:
    """Tracked files plus untracked, not ignored ones, as `git ls-files` lists them (a failure is a GitError)."""
    from mlrepolint import listing

    return [RepoFile(path, tracked) for path, tracked in listing.git_files(root, remember)]


def _walk_files(root: Path) -> tuple[list[RepoFile], set[str]]:
    """Files below `root` not ignored by a `.gitignore`, without following symlinked folders, and the
    never-read folders that were passed over."""
    found: list[RepoFile] = []
    skipped: set[str] = set()
    # Each stack entry: (folder prefix relative to root, its .gitignore spec or None).
    stack: list[tuple[str, list[tuple[str, Spec]]]] = [("", [])]
    while stack:
        prefix, specs = stack.pop()
        folder = root / prefix if prefix else root
        specs = specs + gitignore_at(folder, prefix)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = f"{prefix}{entry.name}"
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir()
                listed = is_link or entry.is_file(follow_symlinks=False)  # as git lists: no FIFOs, sockets, devices
            except OSError:
                continue
            if is_dir:
                if is_skipped_dir(entry.name) or os.path.exists(os.path.join(entry.path, VENV_MARKER)):
                    skipped.add(rel + "/")
                elif not ignored_by(specs, rel + "/"):
                    stack.append((rel + "/", specs))
            elif listed and not ignored_by(specs, rel):
                found.append(RepoFile(rel, tracked=False))
    return found, skipped


def gitignore_at(folder: Path, prefix: str) -> list[tuple[str, Spec]]:
    """The folder's `.gitignore`, if it is a regular file (a symlink is not followed, as git does not)."""
    target = folder / ".gitignore"
    if os.path.islink(target):
        return []
    data = read_regular(str(target), GITIGNORE_READ_BYTES)
    if data is None:
        return []
    return [(prefix, gitignore_spec(data.decode("utf-8", errors="replace").splitlines()))]


def ignored_by(specs: list[tuple[str, Spec]], rel: str) -> bool:
    """Git's answer: the deepest .gitignore with a matching pattern decides."""
    for prefix, spec in reversed(specs):
        result = spec.check_file(rel[len(prefix):])
        if result.include is not None:
            return bool(result.include)
    return False


def _drop_skipped(files: Iterable[RepoFile]) -> tuple[list[RepoFile], set[str]]:
    """Drop files inside never-read folders; return the kept files and the top-most skipped folders."""
    files = list(files)
    venvs = {f.path[: -len(VENV_MARKER)] for f in files if f.name == VENV_MARKER}
    # Decided once per folder, from its parent's verdict: thousands of files share a few hundred folders (NVIDIA
    # NeMo's listing: 12 ms file by file, part by part, on every run). Iterative: a path may be thousands deep.
    verdicts: dict[str, str | None] = {"": None}  # folder -> the top-most never-read folder above it, or None

    def skipped_above(folder: str) -> str | None:
        chain = []
        while folder not in verdicts:
            chain.append(folder)
            folder = folder.rpartition("/")[0]
        verdict = verdicts[folder]
        for folder in reversed(chain):
            if verdict is None and (is_skipped_dir(folder.rpartition("/")[2]) or folder + "/" in venvs):
                verdict = folder + "/"
            verdicts[folder] = verdict
        return verdict

    kept: list[RepoFile] = []
    skipped: set[str] = set()
    for f in files:
        verdict = skipped_above(f.path.rpartition("/")[0])
        if verdict is None:
            kept.append(f)
        else:
            skipped.add(verdict)
    return kept, skipped
