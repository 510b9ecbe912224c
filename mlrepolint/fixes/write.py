"""Writing a fixed file: inside the root, never through a symlink, atomically, keeping the file's mode.

Every folder on the way is opened relative to the one above it with `O_NOFOLLOW` (so a symlinked folder, or one
swapped for a symlink while we work, stops the write instead of redirecting it), the file itself must still be
a regular file holding exactly the bytes the fix was planned from, and the new content goes to a temporary file
in the same folder that is renamed over the old one: a reader sees the old file or the new one, never half of
either. A new file (a `.gitignore`) is linked into place, which fails if one appeared meanwhile. Nothing is
ever deleted, and git's index and history are never touched.
"""

from __future__ import annotations

import os
import secrets
import stat

from mlrepolint.repo import SKIPPED_DIRS

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class WriteRefused(Exception):
    """A fix that was not written, with the reason (one line)."""


def check_path(rel: str) -> list[str]:
    """The parts of a repository path a fix may write, or WriteRefused: relative, no `..`, nothing under
    `.git/` or another never-read folder."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise WriteRefused(f"{rel!r} is not a path inside the repository")
    if any(p in SKIPPED_DIRS for p in parts[:-1]):
        raise WriteRefused(f"{rel} is inside a folder mlrepolint never writes to")
    return parts


def write_file(root: str, rel: str, data: bytes, expected: bytes | None) -> None:
    """Replace the file at `rel` under `root` with `data`; `expected` is the content it must still have (None:
    the file must not exist, and is created). Raises WriteRefused, never writes anything else."""
    parts = check_path(rel)
    if os.open not in os.supports_dir_fd or os.rename not in os.supports_dir_fd:  # no *at() calls (Windows)
        raise WriteRefused("this platform cannot write fixes safely (no openat)")
    try:
        folder = os.open(root, _DIR_FLAGS)
    except OSError as exc:
        raise WriteRefused(f"cannot open the repository root: {exc.strerror}") from None
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, _DIR_FLAGS, dir_fd=folder)
            except OSError as exc:
                raise WriteRefused(f"{rel}: the folder {part!r} is not a plain folder inside the repository "
                                   f"({exc.strerror})") from None
            os.close(folder)
            folder = inner
        _replace(folder, parts[-1], rel, data, expected)
    finally:
        os.close(folder)


def _replace(folder: int, name: str, rel: str, data: bytes, expected: bytes | None) -> None:
    try:
        st: os.stat_result | None = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteRefused(f"{rel}: {exc.strerror}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"{rel} is not a regular file (a symlink is never written through)")
    if expected is None and st is not None:
        raise WriteRefused(f"{rel} appeared while fixing; left as it is")
    if expected is not None:
        if st is None:
            raise WriteRefused(f"{rel} disappeared while fixing")
        if _read(folder, name) != expected:
            raise WriteRefused(f"{rel} changed while fixing; left as it is")
    temp = f".{name[:100]}.{secrets.token_hex(6)}.mlrepolint-fix"
    try:
        handle = os.open(temp, _NEW_FLAGS, 0o666, dir_fd=folder)  # 0o666 less the umask, as a new file gets
    except OSError as exc:
        raise WriteRefused(f"{rel}: cannot write next to it ({exc.strerror})") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            if st is not None:
                os.fchmod(handle, stat.S_IMODE(st.st_mode))
            os.fsync(handle)
        finally:
            os.close(handle)
        if st is None:
            os.link(temp, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)  # fails if it exists
        else:
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)  # rename(2): replaces atomically
    except OSError as exc:
        raise WriteRefused(f"{rel}: {exc.strerror or exc}") from None
    finally:
        try:
            os.unlink(temp, dir_fd=folder)
        except OSError:  # renamed into place: nothing left to remove
            pass


def _read(folder: int, name: str) -> bytes | None:
    try:
        handle = os.open(name, _READ_FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        chunks = []
        while True:
            chunk = os.read(handle, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(handle)
