"""The one module that runs git. Nothing else in mlrepolint spawns git.

Everything in a linted repository is attacker-controlled, its `.git/config` and `.gitattributes` included, and git
runs commands its config names: `core.fsmonitor` on every `ls-files`, a pager, `diff.external`, textconv and
clean/smudge/process filters, hooks, credential helpers, `core.sshCommand`, gpg. So:

- Only plumbing that runs none of them is used: `rev-parse`, `ls-files`, `check-ignore`, `ls-tree`,
  `rev-list --objects`, `cat-file --batch` and `--batch-check` (never with `--filters` or `--textconv`),
  `merge-base`, and `config` on the user's own (global and system) files. Nothing is checked out, diffed or
  fetched: the `--diff` base is read from objects and compared in Python.
- Every call gets `--no-pager` and `-c` overrides for the settings that name a command (fsmonitor, hooks, pager,
  ssh, credential helper, askpass, editor, gpg), no prompts, no optional locks, no LFS downloads, no network
  protocol at all. The excludes file `ls-files` and `check-ignore` read is the user's own: when the repository's
  config names one, git is given the user's instead.
- The work tree is the folder holding `.git`, given to git explicitly, whatever `core.worktree` or `core.bare`
  say; `.git`, the repository's config files, its includes (`include.path`, `includeIf`) and `info/exclude` must
  be regular files, checked before git reads them (git would block forever on a FIFO).
- Paths go in and out NUL-separated (`-z`), never quoted; revisions come after `--end-of-options`.
- Every call has a timeout and its exit status is checked: a failure is a GitError with git's own complaint.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import subprocess
import threading
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from mlrepolint.regex import lazy

#: Seconds any one git command may take. Listing the largest work trees takes a few seconds; a command still
#: running after this is blocked (on a FIFO the repository planted, say) and is killed.
TIMEOUT = 120.0

#: Settings that make git run a command or read a file, neutralised on every call. `-c` wins over every config
#: file. (The commands used here run none of them, but a later git might, and this list costs nothing.)
_NEUTRAL = (
    "core.fsmonitor=false", "core.hooksPath=" + os.devnull, "core.pager=cat", "core.sshCommand=false",
    "core.askPass=", "core.editor=false", "sequence.editor=false", "credential.helper=", "gpg.program=false",
    "log.showSignature=false", "protocol.allow=never", "submodule.recurse=false", "core.untrackedCache=false",
    "color.ui=false",
)
#: Environment for every call: no prompts, no pager, no index refresh written back, no LFS downloads.
_ENV = {
    "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0",
    "GIT_LFS_SKIP_SMUDGE": "1", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GIT_EXTERNAL_DIFF": "",
    "LC_ALL": "C", "LANGUAGE": "C",  # git's complaints are quoted to the user, in one language
}
#: A config line that includes another file: `path = ...` inside `[include]` or `[includeIf "..."]`.
_SECTION_RE = lazy(r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"[^"]*")?\s*\]')
_PATH_RE = re.compile(r"^\s*path\s*=\s*(.*?)\s*$", re.IGNORECASE)
_MAX_INCLUDE_DEPTH = 10  # git's own limit


class GitError(Exception):
    """git could not do what was asked (it failed, timed out or is missing); the message is one line."""


class GitMissing(GitError):
    """git is not installed (or cannot be started)."""


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_EXTERNAL_DIFF", "GIT_PAGER")}
    env.update(_ENV)
    return env


@functools.lru_cache(maxsize=1)
def _overrides() -> tuple[str, ...]:
    """`-c` options for every call."""
    return tuple(arg for setting in _NEUTRAL for arg in ("-c", setting))


@functools.lru_cache(maxsize=1)
def _trusted_excludes_file() -> str:
    """`core.excludesFile` as the user's own config sets it (global over system; with no repository, git reads no
    other), else git's default; a file that is not a regular file (a FIFO would block git) is left out."""
    value = ""
    try:
        proc = subprocess.run(
            ["git", "--git-dir", os.devnull, "config", "--path", "--get", "core.excludesFile"],
            capture_output=True, env=_environment(), timeout=TIMEOUT, check=False,
        )
        if proc.returncode == 0:
            value = os.fsdecode(proc.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    if not value:
        config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        value = os.path.join(config_home, "git", "ignore")
    return value if _regular_or_absent(value) else os.devnull


def _regular_or_absent(path: str | os.PathLike[str]) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return not os.path.lexists(path)


def _run(args: Sequence[str], name: str, cwd: Path | str | None = None, stdin: bytes | None = None,
         success: Sequence[int] = (0,)) -> bytes:
    """Run one hardened git command (`name` for messages) and return its stdout; any failure (an exit code not in
    `success`) is a GitError."""
    try:
        proc = subprocess.run(
            ["git", "--no-pager", *_overrides(), *args], cwd=cwd, input=stdin, capture_output=True,
            env=_environment(), timeout=TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {name} did not finish within {TIMEOUT:g} s") from None
    except OSError as exc:
        raise GitMissing(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode not in success:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {name} failed: {lines[-1] if lines else f'exit code {proc.returncode}'}")
    return proc.stdout


def _repository(root: Path) -> list[str]:
    """The options that pin git to the work tree at `root` and its `.git`, whatever the repository's config says
    (`core.worktree`, `core.bare`). Under a `GIT_DIR` from the user's own environment, git decides."""
    if "GIT_DIR" in os.environ:
        return [] if "GIT_WORK_TREE" in os.environ else ["--work-tree", str(root)]
    return ["--git-dir", str(root / ".git"), "--work-tree", str(root)]


def _in(root: Path, *args: str, stdin: bytes | None = None, options: Sequence[str] = (),
        success: Sequence[int] = (0,)) -> bytes:
    """Run the git command `args` in the repository at `root`, with extra global `options`."""
    return _run([*_repository(root), *options, *args], args[0], cwd=root, stdin=stdin, success=success)


# Finding the repository.


def toplevel(directory: Path) -> Path | None:
    """The top level of the git work tree holding `directory`: the nearest folder at or above it with a `.git`.
    None outside git, or without git installed. A `.git` that git cannot read, or that holds something git would
    block on, is a GitError."""
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:  # the user's own setup: git decides
        try:
            out = _run(["rev-parse", "--show-toplevel"], "rev-parse", cwd=directory)
        except GitError:
            return None
        return Path(os.fsdecode(out.rstrip(b"\n"))) if out.strip() else None
    holder = _holder(directory)
    if holder is None:
        return None
    check_git_entry(holder)
    try:
        _in(holder, "rev-parse", "--git-dir")
    except GitMissing:
        return None  # no git: the folder is read as a plain folder
    except GitError as exc:
        raise GitError(f"{holder} has a .git that git cannot read: {str(exc).split(': ', 1)[-1]}") from None
    return holder


def _holder(directory: Path) -> Path | None:
    """The nearest folder at or above `directory` holding a `.git` entry, stopping at GIT_CEILING_DIRECTORIES."""
    ceilings = {os.path.realpath(p) for p in os.environ.get("GIT_CEILING_DIRECTORIES", "").split(os.pathsep) if p}
    folder = Path(os.path.realpath(directory))
    while True:
        if os.path.lexists(folder / ".git"):
            return folder
        if folder.parent == folder or str(folder.parent) in ceilings:
            return None
        folder = folder.parent


def check_git_entry(holder: Path) -> None:
    """Raise GitError when `.git`, the repository's config files, what they include, or `info/exclude` is not a
    regular file (a FIFO or a device would hang git or feed it forever)."""
    git_dir, common = _git_dirs(holder)
    for _ in _config_texts(git_dir, common):
        pass
    _require_regular(common / "info" / "exclude")


def _git_dirs(holder: Path) -> tuple[Path, Path]:
    """The repository's git folder and its common folder (they differ in a linked work tree)."""
    entry = holder / ".git"
    try:
        st = os.stat(entry)
    except OSError as exc:
        raise GitError(f"cannot read {entry}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        git_dir = entry
    elif stat.S_ISREG(st.st_mode):  # a linked work tree or submodule: `gitdir: <path>`
        text = _small_text(entry)
        if not text.startswith("gitdir:"):
            raise GitError(f"{entry} is neither a folder nor a `gitdir:` file")
        git_dir = (holder / text[len("gitdir:"):].strip()).resolve()
    else:
        raise GitError(f"{entry} is not a folder or a regular file")
    common = git_dir
    if (git_dir / "commondir").is_file():
        common = (git_dir / _small_text(git_dir / "commondir").strip()).resolve()
    return git_dir, common


def _config_texts(git_dir: Path, common: Path) -> Iterator[str]:
    """The text of each config file of the repository git reads, includes followed (each must be regular)."""
    return (text for _, text in _config_files(git_dir, common))


def _config_files(git_dir: Path, common: Path) -> Iterator[tuple[Path, str]]:
    """(path, text) of each config file of the repository git reads, includes followed."""
    for config in (common / "config", git_dir / "config.worktree"):
        yield from _config_text(config, 0)


def _config_text(path: Path, depth: int) -> Iterator[tuple[Path, str]]:
    if not os.path.lexists(path):
        return
    text = _small_text(path)
    yield path, text
    if depth >= _MAX_INCLUDE_DEPTH:
        return
    section = ""
    for line in text.splitlines():
        header = _SECTION_RE.match(line)
        if header:
            section = header.group(1).lower()
            line = line[header.end():]
        if section not in ("include", "includeif"):
            continue
        match = _PATH_RE.match(line)
        if match:
            target = Path(os.path.expanduser(match.group(1).strip('"')))
            yield from _config_text(target if target.is_absolute() else path.parent / target, depth + 1)


def _sets_excludes_file(root: Path) -> bool:
    """True when the repository's own config (or what it includes) names an excludes file."""
    if "GIT_DIR" in os.environ:
        return True  # git finds the config: assume the worst
    return any("excludesfile" in text.lower() for text in _config_texts(*_git_dirs(root)))


def _require_regular(path: Path) -> None:
    if not _regular_or_absent(path):
        raise GitError(f"{path} is not a regular file, so git cannot read it safely")


def _small_text(path: Path, limit: int = 1 << 20) -> str:
    """A small regular file's text (at most `limit` bytes), never blocking on a FIFO."""
    _require_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError as exc:
        raise GitError(f"cannot read {path}: {exc.strerror}") from None


# The work tree's files.


def list_files(root: Path, folders: Sequence[str] = ()) -> Iterator[tuple[str, bool]]:
    """(path, tracked) for every tracked file (ignored or not) and every untracked file that is not ignored, in
    the whole work tree or only below `folders` (paths relative to the root); an unmerged file is listed once."""
    below = ["--", *(f":(literal){folder}/" for folder in folders)] if folders else []
    out = _in(root, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard", *below,
              options=_own_excludes(root))
    seen: dict[str, bool] = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) < 3 or entry.endswith("/"):  # empty, or an untracked nested repository
            continue
        path, tracked = entry[2:], entry[0] != "?"
        if path not in seen or tracked:
            seen[path] = tracked
    return iter(seen.items())


def _own_excludes(root: Path) -> list[str]:
    """The options that make git read the user's own excludes file when the repository's config names one (asking
    git for the user's costs a call, so only then)."""
    return ["-c", f"core.excludesFile={_trusted_excludes_file()}"] if _sets_excludes_file(root) else []


def list_tracked(root: Path) -> list[str]:
    """The paths `list_files` gives as tracked, each once, read from the index alone (no walk of the work tree)."""
    out = _in(root, "ls-files", "-z", "--cached")
    return list(dict.fromkeys(path for path in out.decode("utf-8", "surrogateescape").split("\0") if path))


def ignored_folders(root: Path, folders: Sequence[str]) -> set[str]:
    """Which of the folders (paths relative to the root, without a trailing slash) git's ignore rules exclude, the
    rules `list_files` walks by (`check-ignore`, asked of the patterns alone: none of these folders holds a tracked
    file)."""
    if not folders:
        return set()
    stdin = b"".join(os.fsencode(folder + "/") + b"\0" for folder in folders)
    # exit code 1: none is ignored
    out = _in(root, "check-ignore", "-z", "--stdin", "--no-index", stdin=stdin, options=_own_excludes(root),
              success=(0, 1))
    return {path.rstrip("/") for path in out.decode("utf-8", "surrogateescape").split("\0") if path}


#: Environment variables that point git at other files than the ones `listing_inputs` names.
_RELOCATING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_CONFIG", "GIT_CONFIG_GLOBAL",
               "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS")


def relocated() -> bool:
    """True when the environment points git at other files than the ones `listing_inputs` names."""
    return any(name in os.environ for name in _RELOCATING)


def listing_inputs(root: Path) -> tuple[str, list[str]]:
    """What `list_files` reads besides the work tree's folders and their `.gitignore` files, unless `relocated`:
    the index, and the files that decide what is ignored (the repository's config files, includes followed,
    `info/exclude`, the user's global and system config and excludes file), as (index path, the others). A change
    to which of them git reads changes one of them (an include, a `core.excludesFile`), except for what the user's
    own config files include, which are not followed."""
    git_dir, common = _git_dirs(root)
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    others = [str(path) for path, _ in _config_files(git_dir, common)]
    others += [str(common / "info" / "exclude"), os.path.join(home, ".gitconfig"),
               os.path.join(config_home, "git", "config"), "/etc/gitconfig", _trusted_excludes_file()]
    return str(git_dir / "index"), others


# Revisions and trees (for `--diff`).


def resolve_tree(root: Path, revision: str) -> str:
    """The tree object id of `revision` (a commit, a tag or a tree); never read as an option."""
    if revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    out = _in(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{tree}}")
    return out.decode("ascii", "replace").strip()


def resolve_commit(root: Path, revision: str) -> str:
    """The commit id of `revision`; never read as an option."""
    if revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    out = _in(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
    return out.decode("ascii", "replace").strip()


def merge_base(root: Path, left: str, right: str) -> str:
    """The best common ancestor of two revisions."""
    if left.startswith("-") or right.startswith("-"):
        raise GitError(f"{left if left.startswith('-') else right!r} is not a revision")
    return _in(root, "merge-base", "--end-of-options", left, right).decode("ascii", "replace").strip()


def is_shallow(root: Path) -> bool:
    """True in a shallow clone (history cut off, as CI checkouts do by default)."""
    try:
        return _in(root, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


class TreeEntry(NamedTuple):
    """A regular file of a tree: its path, blob id and size in bytes (None: the object store lacks the blob)."""

    path: str
    blob: str
    size: int | None


def tree_files(root: Path, tree: str) -> list[TreeEntry]:
    """The regular files of a tree, recursively (symlinks and submodules are left out: neither is read)."""
    out = _in(root, "ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options", tree)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, blob, size = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            entries.append(TreeEntry(
                path.decode("utf-8", "surrogateescape"), blob.decode("ascii"), int(size) if size.isdigit() else None,
            ))
    return entries


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """The content of each blob, read from the object store in one `cat-file --batch` (no filter, no textconv)."""
    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return {}
    out = _in(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in wanted).encode("ascii"))
    found: dict[str, bytes] = {}
    at = 0
    for _ in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3:  # `<id> missing`
            raise GitError(f"git cat-file: object {header[0].decode('ascii', 'replace')} is missing")
        size = int(header[2])
        found[header[0].decode("ascii")] = out[at: at + size]
        at += size + 1
    return found


class BlobReader:
    """Blobs read one at a time, on demand, through one long-lived `cat-file --batch` (each read under the
    timeout). One per process: a forked worker starts its own rather than share the parent's pipe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = 0

    def __getstate__(self) -> dict:
        return {"root": self.root, "_proc": None, "_pid": 0}

    def read(self, blob: str, limit: int | None = None) -> bytes:
        """The blob's content, at most `limit` bytes of it."""
        proc = self._process()
        assert proc.stdin is not None and proc.stdout is not None
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            proc.stdin.write(f"{blob}\n".encode("ascii"))
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file: object {blob} is missing")
            size = int(header[2])
            keep = size if limit is None else min(size, limit)
            data = proc.stdout.read(keep)
            rest = size - keep + 1  # what is past the limit, and the newline after the content
            while rest > 0:
                chunk = proc.stdout.read(min(rest, 1 << 20))
                if not chunk:
                    break
                rest -= len(chunk)
        except (OSError, ValueError) as exc:
            self.close()
            raise GitError(f"git cat-file failed: {exc}") from None
        finally:
            timer.cancel()
        if len(data) != keep or rest > 0:  # killed by the timer, or git died
            self.close()
            raise GitError(f"git cat-file did not answer within {TIMEOUT:g} s")
        return data

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._pid != os.getpid():
            try:
                self._proc = subprocess.Popen(
                    ["git", "--no-pager", *_overrides(), *_repository(self.root), "cat-file", "--batch"],
                    cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    env=_environment(),
                )
            except OSError as exc:
                raise GitMissing(f"cannot run git: {exc.strerror or exc}") from None
            self._pid = os.getpid()
        return self._proc

    def close(self) -> None:
        """End the `cat-file` process of this process, if any."""
        if self._proc is not None and self._pid == os.getpid():
            self._proc.kill()
            self._proc.wait()
        self._proc = None


# History (for `--history`).

_OID = lazy(r"\A(?:[0-9a-f]{40}|[0-9a-f]{64})\Z")


class HistoryObject(NamedTuple):
    """One object of a history walk: its id, the commit it was first met under (the walk goes oldest first), and
    its path in that commit's tree ("" for commits and root trees). `missing`: the object store lacks it (a partial
    clone). A tuple: a large history has hundreds of thousands."""

    oid: str
    commit: str
    path: str
    missing: bool = False


def all_tips(root: Path) -> list[str]:
    """The object id every ref points at (branches, tags, remotes, stash, notes), each once."""
    out = _in(root, "rev-parse", "--all").decode("ascii", "replace").split()
    return [oid for oid in dict.fromkeys(out) if _OID.match(oid)]


def walk_history(root: Path, tips: Sequence[str], exclude: Sequence[str] = ()) -> list[HistoryObject]:
    """Every object reachable from `tips` and not from `exclude`, each once, commits oldest first, each followed
    by the trees and blobs it is the first to hold (`rev-list --objects --reverse --in-commit-order`). Revisions go
    in on stdin as object ids only, so none can be read as an option. (rev-list cuts a path at a newline.)"""
    for oid in (*tips, *exclude):
        if not _OID.match(oid):
            raise GitError(f"{oid!r} is not an object id")
    if not tips:
        return []
    revisions = "".join(f"{oid}\n" for oid in tips) + "".join(f"^{oid}\n" for oid in exclude)
    out = _in(root, "rev-list", "--objects", "--reverse", "--in-commit-order", "--missing=print", "--stdin",
              stdin=revisions.encode("ascii"))
    objects: list[HistoryObject] = []
    commit = ""
    for line in out.split(b"\n"):
        if not line:
            continue
        if line[:1] == b"?":  # a missing object: nothing of it can be read
            objects.append(HistoryObject(line[1:].decode("ascii", "replace"), commit, "", missing=True))
            continue
        oid, space, path = line.partition(b" ")
        oid_text = oid.decode("ascii", "replace")
        if not space:  # a commit (or a tag): the objects that follow are its own
            commit = oid_text
            objects.append(HistoryObject(oid_text, commit, ""))
        else:
            objects.append(HistoryObject(oid_text, commit, path.decode("utf-8", "surrogateescape")))
    return objects


def object_info(root: Path, oids: Sequence[str]) -> list[tuple[str, int] | None]:
    """(type, size) of each object, in order, from one `cat-file --batch-check`; None for one that is missing."""
    if not oids:
        return []
    out = _in(root, "cat-file", "--batch-check=%(objecttype) %(objectsize)",
              stdin="".join(f"{oid}\n" for oid in oids).encode("ascii"))
    info: list[tuple[str, int] | None] = []
    for record in out.split(b"\n")[: len(oids)]:
        kind, _, size = record.partition(b" ")
        info.append((kind.decode("ascii"), int(size)) if size.isdigit() else None)
    if len(info) != len(oids):
        raise GitError("git cat-file --batch-check answered for fewer objects than asked")
    return info


def stream_blobs(root: Path, blobs: Sequence[str], limit: int) -> Iterator[tuple[str, bytes | None]]:
    """(blob id, content) for each blob in order, at most `limit` bytes of each (None: missing), read through one
    `cat-file --batch` fed by a thread while this one reads; git is killed when it makes no progress for TIMEOUT
    seconds."""
    if not blobs:
        return
    proc = subprocess.Popen(
        ["git", "--no-pager", *_overrides(), *_repository(root), "cat-file", "--batch"],
        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_environment(),
        bufsize=1 << 20,
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout
    progress = [0]  # blobs read so far
    done = threading.Event()

    def feed() -> None:
        try:
            for start in range(0, len(blobs), 4096):
                stdin.write("".join(f"{b}\n" for b in blobs[start: start + 4096]).encode("ascii"))
            stdin.close()
        except OSError:  # git died: the reader says so
            pass

    def watch() -> None:
        seen = -1
        while not done.wait(TIMEOUT):
            if progress[0] == seen:
                proc.kill()
                return
            seen = progress[0]

    threading.Thread(target=feed, daemon=True).start()
    threading.Thread(target=watch, daemon=True).start()
    try:
        for blob in blobs:
            header = stdout.readline().split()
            if len(header) == 2 and header[1] == b"missing":
                yield blob, None
                progress[0] += 1
                continue
            if len(header) != 3:
                raise GitError(f"git cat-file stopped answering at object {blob}")
            size = int(header[2])
            keep = min(size, limit)
            data = stdout.read(keep)
            rest = size - keep + 1  # past the limit, and the newline after the content
            while rest > 0:
                chunk = stdout.read(min(rest, 1 << 20))
                if not chunk:
                    break
                rest -= len(chunk)
            if len(data) != keep or rest > 0:
                raise GitError(f"git cat-file stopped answering at object {blob}")
            progress[0] += 1
            yield blob, data
    finally:
        done.set()
        proc.kill()
        proc.wait()
        stdout.close()


def blob_id(data: bytes, like: str) -> str:
    """The object id git gives `data` as a blob, in the hash of the repository whose ids look like `like`
    (SHA-1, or SHA-256 in a repository that uses it)."""
    import hashlib

    digest = hashlib.sha256() if len(like) == 64 else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()
