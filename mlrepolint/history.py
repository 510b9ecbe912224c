"""`--history`: what git remembers. Every object reachable from every ref is walked once, and each blob is read and
scanned once, whatever number of commits or paths share it.

The walk (`git rev-list --objects --reverse --in-commit-order`, see mlrepolint.git) lists commits oldest first,
each followed by the blobs it is the first to hold, under the path it holds them at: so the commit a blob comes
with is the first to add it. A blob is scanned for secrets only where it differs from the blob met before it at
the same path (the lines a commit added, as gitleaks scans patches): a secret is found once, in the first blob
that has it, and a file edited a thousand times is not scanned a thousand times over. Binary blobs (a NUL byte
near the start), files the hardcoded-secret rule never reads (images, weights, tables, lockfiles) and blobs over
its `max-file-size` are not scanned for text; blobs are read through a size limit.

Results are cached by blob id in `.mlrepolint_cache/history.cache`, trusted only if this user wrote it (the result
cache's MAC, see mlrepolint.cache): the ref tips walked, the last blob at each path, and what was found in each
blob. The next run walks only the commits that are new since those tips. Secrets are kept as a masked
description and a hash of the value, never the value.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import mlrepolint
from mlrepolint import cache, git

FORMAT = "mlrepolint-history-2"
CACHE_NAME = "history.cache"
#: How many first bytes of a blob are read to tell what it is (magic bytes, a Git LFS pointer).
HEAD_BYTES = 64
#: Bytes of a blob's start that decide it is binary (the hardcoded-secret rule's own test).
BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Leak:
    """A secret met in a blob: where (path, line, column), in which commit first, its masked description, and a
    hash of its value (to tell the same secret elsewhere, never to recover it)."""

    digest: str
    blob: str
    path: str
    commit: str
    line: int | None
    column: int | None
    description: str


@dataclass(frozen=True)
class Blob:
    """A blob of the walk that the large-file rule may report: id, path, first commit, size, first bytes."""

    oid: str
    path: str
    commit: str
    size: int
    head: bytes | None = None


@dataclass
class History:
    """What a scan found, and what it walked."""

    leaks: list[Leak] = field(default_factory=list)
    blobs: list[Blob] = field(default_factory=list)  # candidates for large-file-in-history, with their heads
    commits: int = 0  # commits walked in this run
    read: int = 0  # blobs read in this run
    missing: int = 0  # objects the store lacks (a partial clone)
    shallow: bool = False


@dataclass(frozen=True)
class Options:
    """What decides which blobs are read and how (part of the cache key: changing one rescans).

    `kind_of(path)`: how the hardcoded-secret rule scans a file (None: never read; `keystore`: reported by name);
    `candidate(path, size)`: whether the large-file rule may report the blob (None: no; "head": if its first bytes
    say so; anything else: yes).
    """

    secret_limit: int
    kind_of: Callable[[str], str | None]
    candidate: Callable[[str, int], str | None]
    key: str


def scan(root: Path, options: Options, jobs: int, base: tuple[str, Mapping[str, str]] | None = None) -> History:
    """Walk the history of the repository at `root` and scan what is new. `base` (a commit and its tree's blobs by
    path) limits the walk to `base..HEAD`, the commits a pull request adds; without it every ref is walked, and
    the cache remembers what was."""
    history = History(shallow=git.is_shallow(root))
    if base is not None:
        tips, exclude, last = [git.resolve_commit(root, "HEAD")], [base[0]], dict(base[1])
        known: dict[str, Any] = {}
    else:
        tips = git.all_tips(root)
        known = _load(root, options.key)
        exclude, last = list(known.get("tips", [])), dict(known.get("last", {}))
    try:
        objects = git.walk_history(root, tips, exclude)
    except git.GitError:
        if not exclude or base is not None:
            raise
        known, exclude, last = {}, [], {}  # a tip walked before is gone (rewritten and pruned): walk it all
        objects = git.walk_history(root, tips)
    leaks = [Leak(*row) for row in known.get("leaks", [])]
    blobs = [Blob(*row[:4], bytes.fromhex(row[4]) if row[4] is not None else None) for row in known.get("blobs", [])]
    history.commits = sum(1 for o in objects if not o.path and not o.missing and o.oid == o.commit)
    history.missing = sum(1 for o in objects if o.missing)
    named = [o for o in objects if o.path and not o.missing]  # blobs, trees and tags (commits have no path)
    tasks: list[tuple[str, str, str, str, str | None]] = []  # blob, path, commit, kind, blob before it there
    candidates: list[tuple[Blob, bool]] = []  # (blob, its first bytes are needed), in walk order
    kinds: dict[str, str | None] = {}  # path -> how the secret rule reads it (a path has many blobs)
    for obj, info in zip(named, git.object_info(root, [o.oid for o in named])):
        if info is None or info[0] != "blob":
            continue
        size = info[1]
        kind = kinds[obj.path] if obj.path in kinds else kinds.setdefault(obj.path, options.kind_of(obj.path))
        if kind is not None and kind != "keystore" and size <= options.secret_limit:
            tasks.append((obj.oid, obj.path, obj.commit, kind, last.get(obj.path)))
            last[obj.path] = obj.oid
        wanted = "head" if kind == "keystore" else options.candidate(obj.path, size)
        if wanted is not None:
            candidates.append((Blob(obj.oid, obj.path, obj.commit, size), wanted == "head"))
    heads = [blob.oid for blob, needed in candidates if needed]
    read = dict(git.stream_blobs(root, heads, HEAD_BYTES)) if heads else {}
    history.read += len(heads)
    found = _scan_in_parallel(root, tasks, jobs, options.secret_limit)
    history.read += len(tasks)
    history.leaks = _first_per_path(leaks + found)
    history.blobs = blobs + [replace(blob, head=read.get(blob.oid)) if needed else blob for blob, needed in candidates]
    if base is None:
        _save(root, options.key, tips, last, history)
    return history


def _first_per_path(leaks: Iterable[Leak]) -> list[Leak]:
    """The first leak of each secret at each path (the walk goes oldest first)."""
    first: dict[tuple[str, str], Leak] = {}
    for leak in leaks:
        first.setdefault((leak.digest, leak.path), leak)
    return list(first.values())


# Scanning blobs (in worker processes, each with its own `cat-file`: a path's blobs all go to one of them).


def _scan_in_parallel(
    root: Path, tasks: list[tuple[str, str, str, str, str | None]], jobs: int, limit: int
) -> list[Leak]:
    if not tasks:
        return []
    workers = max(1, min(jobs, len(tasks) // 256))
    if workers == 1:
        return _scan_tasks(root, tasks, limit)
    shards: list[list[tuple[str, str, str, str, str | None]]] = [[] for _ in range(workers)]
    for task in tasks:
        shards[zlib.crc32(task[1].encode("utf-8", "surrogateescape")) % workers].append(task)
    import multiprocessing
    import sys

    from mlrepolint.workers import _sigint_held

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else None)
    with _sigint_held():
        pool = context.Pool(workers, initializer=_start_worker)
    with pool:
        parts = pool.starmap(_scan_tasks, [(root, shard, limit) for shard in shards])
    found = [leak for part in parts for leak in part]
    order = {task[0]: index for index, task in enumerate(tasks)}
    found.sort(key=lambda leak: order[leak.blob])  # walk order, whatever the sharding
    return found


def _start_worker() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to answer
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


#: Triggers of the detectors that read past their own line (a private key's body, a service-account file, a
#: `.netrc` entry): a text holding one is scanned whole, its repeated lines included.
#: As the detectors' patterns spell them (they match case-sensitively), so that the text need not be lowered.
MULTILINE_MARKS = (b"-BEGIN ", b"- BEGIN ", b'"private_key"', b"PuTTY-User-Key-File-", b'"service_account"')


def _multiline(text: bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether a text (`text[start:end]`, read in place) may hold a secret that spans lines. A `.netrc` entry needs
    `password` as well as `machine `: "machine translation" alone (half of what NeMo's history adds under that
    trigger) is not one."""
    end = len(text) if end is None else end
    return (any(text.find(mark, start, end) >= 0 for mark in MULTILINE_MARKS)
            or (text.find(b"machine ", start, end) >= 0 and text.find(b"password", start, end) >= 0))


def _scan_tasks(root: Path, tasks: Sequence[tuple[str, str, str, str, str | None]], limit: int) -> list[Leak]:
    """Read each task's blob (and the blob before it at its path, unless this worker just read that one) through
    one `cat-file`, and scan the lines it adds.

    The lines a blob adds are those of the stretch between its common head and tail with the blob before it
    (found by memory comparison) that the same stretch of that blob lacks. Set operations in C decide before any
    line is looked at in Python: the lines this worker never met in this kind of file (`fresh`: files are moved,
    copied and reverted, and most lines a history adds are repeats), and those met before that held a secret
    (reported at their new place too). Only fresh lines in which a detector's trigger occurs (`may_hold_secret`)
    send a blob to the detectors, with its fresh lines in order; a text holding a multi-line secret's marks (a
    key block, a service-account file, a `.netrc` entry) is scanned whole, repeats included. Notebook versions
    whose changed lines hold no trigger are not parsed at all."""
    from mlrepolint.rules.repo.secrets.scan import may_hold_secret, scan_text

    reads: list[str] = []
    read_before: list[bool] = []
    held: dict[str, str] = {}  # path -> the blob this worker reads last there
    for blob, path, _, _, before in tasks:
        read_before.append(before is not None and held.get(path) != before)
        if read_before[-1]:
            reads.append(before)
        reads.append(blob)
        held[path] = blob
    stream = git.stream_blobs(root, reads, limit)
    contents: dict[str, bytes] = {}  # path -> the content of the blob read last there
    seen: dict[str, set[bytes]] = {}  # per kind of file, the lines scanned so far
    secret_lines: dict[str, dict[bytes, list[tuple[str, int, str]]]] = {}  # kind -> line -> its secrets
    cells: dict[str, tuple[str, set[tuple[str, str]]]] = {}  # path -> its last notebook blob and that one's pieces
    found: list[Leak] = []
    for (blob, path, commit, kind, before), again in zip(tasks, read_before):
        if again:
            contents[path] = next(stream)[1] or b""
        data = next(stream)[1] or b""
        old = contents.get(path) if before is not None else None
        contents[path] = data
        if not data or b"\0" in data[:BINARY_SNIFF]:
            continue
        if kind == "notebook":
            if old is not None and not _json_may_add_secret(old, data):
                continue  # nothing to parse: no line the version changes holds a trigger, read raw or decoded
            known = cells.get(path)
            scanned = _notebook_leaks(blob, path, commit, known[1] if known and known[0] == before else old, data)
            if scanned is not None:
                found.extend(scanned[0])
                cells[path] = (blob, scanned[1])
                continue
            kind = "text"  # not JSON: its lines are scanned as text, as the tree's scan does
        if old is None:
            start, end, before = 0, len(data), set()
            every = data.split(b"\n")
            added = set(every)
        else:
            start, end, before = _middle(old, data)
            added = set(data[start:end].split(b"\n")) if start < end else set()
            added.difference_update(before)
        # Line sets, built and compared in C, decide before any line is looked at in Python: the lines this
        # worker never met (in this kind of file), and those met before that held a secret.
        pool = seen.setdefault(kind, set())
        fresh = added - pool
        pool |= fresh
        secrets = secret_lines.setdefault(kind, {})
        leaked = secrets.keys() & added if secrets else set()
        whole = _multiline(data, start, end) and _multiline(b"\n".join(added))  # the stretch first: no copy
        triggered = bool(fresh) and may_hold_secret(b"\n".join(fresh).lower())
        if not (whole or triggered or leaked):
            continue
        if old is None:
            lines, numbers = every, list(range(1, len(every) + 1))
        else:
            lines, numbers = _ordered(data, start, end, before)
        if not whole:
            found.extend(Leak(digest, blob, path, commit, number, column, description)
                         for line, number in zip(lines, numbers) if line in leaked
                         for digest, column, description in secrets[line])
            if not triggered:
                continue
            kept = [index for index, line in enumerate(lines) if line in fresh]
            lines, numbers = [lines[i] for i in kept], [numbers[i] for i in kept]
        text = b"\n".join(lines).decode("utf-8", "replace")
        for hit in scan_text(text, kind):
            value = text[hit.offset: hit.end].encode("utf-8", "surrogatepass")
            leak = Leak(value_digest(value), blob, path, commit, numbers[hit.line - 1], hit.column, hit.description)
            found.append(leak)
            secrets.setdefault(lines[hit.line - 1], []).append((leak.digest, hit.column, hit.description))
    return found


def _notebook_leaks(
    blob: str, path: str, commit: str, before: bytes | set[tuple[str, str]] | None, data: bytes
) -> tuple[list[Leak], set[tuple[str, str]]] | None:
    """The secrets in the cells and outputs a notebook's version adds to the one before it (its content, or its
    pieces as this returned them last), read as the tree's scan reads notebooks (by cell, HTML outputs as HTML),
    on the file's lines, and this version's pieces; None when it is not JSON."""
    from mlrepolint.rules.repo.notebooks import parse_notebook
    from mlrepolint.rules.repo.secrets.checker import notebook_pieces, notebook_secrets
    from mlrepolint.rules.repo.secrets.scan import may_hold_secret

    notebook = parse_notebook(data)
    if notebook.error is not None:
        return None
    pieces = set(notebook_pieces(notebook.cells))
    if isinstance(before, bytes):
        earlier = parse_notebook(before)
        before = set(notebook_pieces(earlier.cells)) if earlier.error is None else None
    seen = before or set()
    fresh = "\n".join(text for text, _ in pieces - seen).lower()  # str.lower lowers ASCII as the scan does
    if not fresh or not may_hold_secret(fresh.encode("utf-8", "surrogatepass")):
        return [], pieces
    return [Leak(value_digest(text[hit.offset: hit.end].encode("utf-8", "surrogatepass")), blob, path, commit, line,
                 column, hit.description)
            for line, column, hit, text in notebook_secrets(notebook, seen)], pieces


#: What starts the multi-line secrets whose body can change under an unchanged first line (a key block).
BLOCK_STARTS = (b"BEGIN ", b"PuTTY-User-Key-File-")
#: JSON's string escapes, undone for the trigger test: each as what it stands for, or a line break (a trigger
#: never spans one) where it stands for a control or non-ASCII character. An escaped backslash first, as a NUL
#: (neither is in any trigger), so that what follows it is not read as an escape.
_JSON_ESCAPES = ((b"\\\\", b"\0"), (b'\\"', b'"'), (b"\\/", b"/"), (b"\\t", b"\t"), (b"\\n", b"\n"),
                 (b"\\r", b"\n"), (b"\\b", b"\n"), (b"\\f", b"\n"), (b"\\u", b"\n"))


def _json_may_add_secret(old: bytes, new: bytes) -> bool:
    """Whether a notebook's version may add a secret to the version before it: False when no line of its file that
    differs from the one before holds a detector's trigger, neither as written nor with JSON's string escapes
    undone (every cell line is one JSON string on one line of the file), and no key block starts anywhere in it.
    The cheap test that saves parsing most versions of a notebook."""
    start, end, _, _ = _changed(old, new)
    if start >= end:
        return False
    from mlrepolint.rules.repo.secrets.scan import may_hold_secret

    changed = new[start:end].lower()
    if may_hold_secret(changed) or any(mark in new for mark in BLOCK_STARTS):
        return True
    for escape, meaning in _JSON_ESCAPES:
        changed = changed.replace(escape, meaning)
    return may_hold_secret(changed)


def value_digest(value: bytes) -> str:
    """The hash a secret is known by (never its value)."""
    return hashlib.blake2b(value, digest_size=16).hexdigest()


def _middle(old: bytes, new: bytes) -> tuple[int, int, set[bytes]]:
    """Where the lines of `new` that differ from `old` lie (`new[start:end]`, whole lines), and the set of the
    lines of `old` in the same stretch."""
    start, end, old_start, old_end = _changed(old, new)
    return start, end, set(old[old_start:old_end].split(b"\n")) if start < end else set()


def _changed(old: bytes, new: bytes) -> tuple[int, int, int, int]:
    """The stretches of whole lines of `new` and of `old` between their common head and tail."""
    head = _common_prefix(old, new)
    tail = _common_suffix(old, new, min(len(old), len(new)) - head)
    start = new.rfind(b"\n", 0, head) + 1
    end = new.find(b"\n", len(new) - tail)
    old_end = old.find(b"\n", len(old) - tail)
    return (start, len(new) if end < 0 else end, old.rfind(b"\n", 0, head) + 1,
            len(old) if old_end < 0 else old_end)


def _ordered(new: bytes, start: int, end: int, before: set[bytes]) -> tuple[list[bytes], list[int]]:
    """The lines of `new[start:end]` not in `before`, in order, and their 1-based numbers in `new`."""
    first = new.count(b"\n", 0, start) + 1
    numbered = [(number, line) for number, line in enumerate(new[start:end].split(b"\n"), first)
                if line not in before]
    return [line for _, line in numbered], [number for number, _ in numbered]


def _common_prefix(a: bytes, b: bytes) -> int:
    """The length of the common head of `a` and `b`, by memory comparisons (`startswith` copies one side of each
    step only) over steps that double while they match, then a bisection of the first step that does not."""
    n = min(len(a), len(b))
    low, step = 0, 256
    while low + step <= n and b.startswith(a[low: low + step], low):
        low, step = low + step, min(step * 2, 1 << 20)
    high = min(low + step, n)
    while low < high:  # the first differing byte is in [low, high]
        middle = (low + high + 1) // 2
        if b.startswith(a[low:middle], low):
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes, n: int) -> int:
    """The length of the common tail of `a` and `b`, at most `n`."""
    la, lb = len(a), len(b)
    low, step = 0, 256
    while low + step <= n and b.endswith(a[la - low - step: la - low], 0, lb - low):
        low, step = low + step, min(step * 2, 1 << 20)
    high = min(low + step, n)
    while low < high:
        middle = (low + high + 1) // 2
        if b.endswith(a[la - middle: la - low], 0, lb - low):
            low = middle
        else:
            high = middle - 1
    return low


# The cache.


def cache_key(parts: Mapping[str, Any]) -> str:
    """A hash of what decides a blob's result: mlrepolint's version and source, and the rules' options."""
    stamp = [mlrepolint.__version__, cache._package_stamp(), dict(parts)]
    return hashlib.blake2b(repr(stamp).encode(), digest_size=20).hexdigest()


def _load(root: Path, key: str) -> dict[str, Any]:
    """The cached walk when this user wrote it for this key, else {} (and then everything is walked)."""
    data = cache.read_own(root, CACHE_NAME, FORMAT)
    if data.get("key") != key:
        return {}
    try:
        tips, last = data["tips"], data["last"]
        if not (isinstance(tips, list) and all(isinstance(t, str) for t in tips) and isinstance(last, dict)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in last.items())):
            return {}
        for row in data["leaks"]:
            if len(row) != 7 or not all(isinstance(v, str) for v in row[:4] + row[6:]):
                return {}
        for row in data["blobs"]:
            if len(row) != 5 or not all(isinstance(v, str) for v in row[:3]) or type(row[3]) is not int:
                return {}
            if row[4] is not None:
                bytes.fromhex(row[4])
    except (KeyError, TypeError, ValueError):
        return {}
    return data


def _save(root: Path, key: str, tips: list[str], last: dict[str, str], history: History) -> None:
    cache.write_own(root, CACHE_NAME, FORMAT, {
        "key": key,
        "tips": tips,
        "last": last,
        "leaks": [[leak.digest, leak.blob, leak.path, leak.commit, leak.line, leak.column, leak.description]
                  for leak in history.leaks],
        "blobs": [[b.oid, b.path, b.commit, b.size, b.head.hex() if b.head is not None else None]
                  for b in history.blobs],
    })
