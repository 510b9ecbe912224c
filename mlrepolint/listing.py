"""The work tree's file list from git, kept between runs: a run in a repository that gained, lost and renamed no
file since the last one lists it without git's walk of the work tree.

`git ls-files --others` reads every folder of the work tree that is not ignored, and each one's `.gitignore`
(NVIDIA NeMo: 1,600 directory reads and opens over 747 folders, most of the system time of a one-file commit
hook). Adding, removing or renaming an entry changes its folder's modification time, so the list git gave stands
while every folder it walked, every `.gitignore` in them and every file git's ignore rules come from (config,
`info/exclude`, the user's excludes file) has the stat it had then. This is git's own untracked cache, kept where
only this user's runs write (git is told never to use the one in the index, which the repository supplies: see
mlrepolint.git). When only the index changed (`git add`, as before a commit), the tracked part is asked of git,
which then reads the index and not the work tree; a path that left the index makes the list be walked again.
When a few folders changed (an editor that saves by writing a new file and renaming it over the old one changes
the file's folder), only the files below them are listed again.

What is watched errs towards listing again: every folder but `.git` and a folder that holds no listed file and
that git says is ignored (`check-ignore`, asked once for all of them). A stat taken within RACY_NS of the
listing is not trusted (the folder may change again within its clock tick), nor is a record under a git setup
from the environment (`GIT_DIR`...).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from mlrepolint import git
from mlrepolint.cache import DIRNAME, RACY_NS, read_own, write_own
from mlrepolint.repo import gitignore_at, ignored_by
from mlrepolint.results import stat_signature

FILE = "listing.cache"
FORMAT = "mlrepolint-listing-1"
#: A work tree with more folders than this is listed by git every run (the record would cost more than it saves).
MAX_FOLDERS = 50_000
#: More changed folders than this (a checkout, a build) list the whole tree again rather than each folder.
MAX_RELISTED = 16
#: What a missing file's stat is recorded as (a racy one is recorded as None, which matches nothing).
ABSENT = "-"


def git_files(root: Path, remember: bool) -> list[tuple[str, bool]]:
    """(path, tracked) for every file `git.list_files` lists, from the record when it still stands; with
    `remember`, the record is read and written (`--no-cache` neither reads nor writes it)."""
    if not remember or git.relocated():
        return list(git.list_files(root))
    record = read_own(root, FILE, FORMAT)
    if record.get("key") != _key(root) or not _well_formed(record):
        return _listed_and_recorded(root)
    changed = _changed_folders(root, record)
    if changed is None or (changed and not _relisted(root, record, changed)):
        return _listed_and_recorded(root)
    index = record["index"]
    if _signature(index[0], 0) != index[1]:
        started = time.time_ns()
        now = git.list_tracked(root)
        known = set(now)
        if not known.issuperset(record["tracked"]):  # a path left the index: it may be ignored now, or untracked
            return _listed_and_recorded(root)
        record.update(tracked=now, untracked=[path for path in record["untracked"] if path not in known],
                      index=[index[0], _signature(index[0], started)])
    elif not changed:
        return [(path, True) for path in record["tracked"]] + [(path, False) for path in record["untracked"]]
    write_own(root, FILE, FORMAT, record)
    return [(path, True) for path in record["tracked"]] + [(path, False) for path in record["untracked"]]


def _listed_and_recorded(root: Path) -> list[tuple[str, bool]]:
    """git's list, recorded with the stats it stands on."""
    started = time.time_ns()
    listed = list(git.list_files(root))
    watched = _watched(root, [path for path, _ in listed], started, {"": ()})
    if watched is not None:
        index, inputs = git.listing_inputs(root)
        folders, ignores = watched
        write_own(root, FILE, FORMAT, {
            "key": _key(root),
            "index": [index, _signature(index, started)],
            "inputs": {path: _signature(path, started) for path in inputs if path != os.devnull},
            "folders": folders,
            "ignores": ignores,
            "tracked": [path for path, tracked in listed if tracked],
            "untracked": [path for path, tracked in listed if not tracked],
        })
    return listed


def _well_formed(record: dict[str, Any]) -> bool:
    folders, ignores, inputs = record.get("folders"), record.get("ignores"), record.get("inputs")
    index, tracked, untracked = record.get("index"), record.get("tracked"), record.get("untracked")
    return (isinstance(folders, dict) and isinstance(ignores, dict) and isinstance(inputs, dict)
            and isinstance(tracked, list) and isinstance(untracked, list)
            and type(index) is list and len(index) == 2 and type(index[0]) is str
            and all(type(path) is str for path in (*folders, *ignores, *inputs)))


def _changed_folders(root: Path, record: dict[str, Any]) -> list[str] | None:
    """The top-most of the recorded folders whose stat changed (an entry added, removed or renamed in them): none
    when nothing changed, None when the list must be walked again whole (the root or many folders changed, or a
    `.gitignore` or a file git's ignore rules come from)."""
    base = str(root)
    if not (all(_signature(os.path.join(base, path), 0) == signature for path, signature in record["ignores"].items())
            and all(_signature(path, 0) == signature for path, signature in record["inputs"].items())):
        return None
    # In order of their path's components, so that a folder's subfolders follow it (`a/b` before `a-x`).
    changed = sorted((path for path, signature in record["folders"].items()
                      if _signature(os.path.join(base, path), 0) != signature), key=lambda path: path.split("/"))
    tops: list[str] = []
    for path in changed:
        if not tops or not path.startswith(tops[-1] + "/"):
            tops.append(path)
    return None if "" in tops or len(tops) > MAX_RELISTED else tops


def _relisted(root: Path, record: dict[str, Any], tops: list[str]) -> bool:
    """List the files below the folders `tops` again (an editor that saves by renaming changes the folder of each
    file it saves) and put them, and those folders' stats, in the record in place of what it held there; False
    when they cannot be watched."""
    started = time.time_ns()
    listed = list(git.list_files(root, tops))
    # A top folder's walk starts with the `.gitignore` files above it (the deepest last, as git reads them).
    above = [path[: -len(".gitignore")] for path in record["ignores"] if path.endswith(".gitignore")]
    starts = {top: tuple(sorted((p for p in above if (top + "/").startswith(p) and p != top + "/"), key=len))
              for top in tops}
    watched = _watched(root, [path for path, _ in listed], started, starts)
    if watched is None:
        return False
    below = tuple(top + "/" for top in tops)
    folders, ignores = watched
    record["folders"] = {**{p: s for p, s in record["folders"].items()
                            if p not in starts and not p.startswith(below)}, **folders}
    record["ignores"] = {**{p: s for p, s in record["ignores"].items() if not p.startswith(below)}, **ignores}
    record["tracked"] = [p for p in record["tracked"] if not p.startswith(below)] + [p for p, t in listed if t]
    record["untracked"] = [p for p in record["untracked"] if not p.startswith(below)] + [
        p for p, t in listed if not t]
    return True


def _watched(root: Path, listed: list[str], started: int,
             starts: dict[str, tuple[str, ...]]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The stat of every folder git's walk may have read below each folder of `starts` (with the prefixes of the
    folders above it that hold a `.gitignore`; '' is the root) and of each `.gitignore` in them, by path relative
    to the root; None when the work tree has too many folders to watch, a folder cannot be read, or git's ignore
    rules and the `.gitignore` files disagree about a folder passed over."""
    holding = {""}  # folders with a listed file somewhere below
    for path in listed:
        folder = path.rpartition("/")[0]
        while folder not in holding:
            holding.add(folder)
            folder = folder.rpartition("/")[0]
    base = str(root)
    folders: dict[str, Any] = {}
    ignores: dict[str, Any] = {}
    passed_over: list[str] = []
    parsed: dict[str, list[Any]] = {}  # a `.gitignore`'s patterns, parsed only for a folder holding no listed file

    def specs(chain: tuple[str, ...]) -> list[Any]:
        for prefix in chain:
            if prefix not in parsed:
                parsed[prefix] = gitignore_at(Path(base, prefix), prefix)
        return [spec for prefix in chain for spec in parsed[prefix]]

    # Each entry: a folder, and the prefixes of the folders above it (itself included) that hold a `.gitignore`.
    stack: list[tuple[str, tuple[str, ...]]] = list(starts.items())
    while stack:
        folder, chain = stack.pop()
        full = os.path.join(base, folder) if folder else base
        folders[folder] = _signature(full, started)
        if len(folders) > MAX_FOLDERS:
            return None
        prefix = folder + "/" if folder else ""
        try:
            with os.scandir(full) as listing:
                entries = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing]
        except OSError:  # unreadable (to git too, until its permissions change): not watched, so not recorded
            return None
        if (".gitignore", False) in entries:
            ignores[prefix + ".gitignore"] = _signature(os.path.join(full, ".gitignore"), started)
            chain = (*chain, prefix)
        for name, is_folder in entries:
            if not is_folder or name == ".git":
                continue
            path = prefix + name
            if path in holding:
                stack.append((path, chain))
            elif path == DIRNAME:  # the cache's own folder, all ignored by its `.gitignore`: watch that alone
                ignores[f"{DIRNAME}/.gitignore"] = _signature(os.path.join(base, DIRNAME, ".gitignore"), started)
            elif ignored_by(specs(chain), path + "/"):
                passed_over.append(path)
            else:
                stack.append((path, chain))
    if set(passed_over) != git.ignored_folders(root, passed_over):
        return None
    return folders, ignores


def _signature(path: str, started: int) -> Any:
    """What is recorded of a file's or folder's lstat: size, modification time, inode and mode, ABSENT when there
    is none, None (which matches nothing) when it changed within RACY_NS of `started`."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return ABSENT
    if started and st.st_mtime_ns >= started - RACY_NS:
        return None
    return [*stat_signature(st), st.st_mode]


def _key(root: Path) -> list[str]:
    """What the record depends on besides the files it watches: the root, and where git finds the user's files."""
    return [FORMAT, str(root), os.path.expanduser("~"), os.environ.get("XDG_CONFIG_HOME", "")]
