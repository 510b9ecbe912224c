"""The result cache: `.mlrepolint_cache/` at the repository root, the only thing mlrepolint writes there.

Per-file results are keyed on the file's content hash; the whole cache file on everything else that can change
a result (the `lint key`): mlrepolint's version and source, the Python version, the installed distributions
(plugins and wrapped tools included), the settings, and the tools' config files at the root. A file whose size,
modification time and inode match what was recorded is trusted without being read; otherwise it is read and
hashed, and re-linted only when the hash differs. Stat records younger than RACY_NS are never trusted, so a file
changed within the file system's time resolution of the run is read again.

Each repository checker is re-run unless the file list, the project model and the stat of every file it looked
at are unchanged; a checker's share of work for one file (the secrets found in it...) is kept under that file's
stat (`RepoView.per_file`), so a re-run redoes only the shares of the files that changed. The per-file results and
the shares are kept in shard files of their own, by kind and shard of paths (`SHARES_SUFFIX`), read when a path in
them is asked about and written when changed: a commit of one file reads and writes a few shards, not the whole.

A per-file result also records the project model's key for the file (its role: see `Project.key`), and is
used only while that key is unchanged. The project model's prescan facts of each Python file and notebook are
kept under the file's stat, so that a warm run builds the model without reading the files.

The cache is trusted only if this user wrote it. A committed or planted `.mlrepolint_cache/` (a submission's forgery
built with the same published versions) must not decide a single finding, so each cache file starts with a MAC of
its content (keyed BLAKE2b, the key 32 random bytes in the user's own cache folder, `$XDG_CACHE_HOME/mlrepolint/key`
or `~/.cache/mlrepolint/key`, readable by the user alone). A file whose MAC does not match, and any entry with an
impossible value (a negative index or count, a line before the first), is a miss. The cache holds JSON values
only (dicts, lists, strings, numbers), encoded with `marshal` and decoded only once the MAC matches, never with
pickle (which runs code as it loads); it holds masked messages only (see mlrepolint.mask). It is written only
into a real `.mlrepolint_cache` folder, never through a symlink. A corrupt, foreign or unreadable cache is
ignored and rewritten; failing to write it is silent; without a usable key there is no cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import marshal
import os
import secrets
import stat
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import mlrepolint
from mlrepolint import mask
from mlrepolint.project import DEFERRABLE, FactSource, Project, PythonFacts
from mlrepolint.regex import lazy
from mlrepolint.results import FileResult, RepoResult, content_digest, stat_signature
from mlrepolint.rules.base import Finding, Severity

if TYPE_CHECKING:
    from mlrepolint.engine import Engine
    from mlrepolint.repo import RepoView

DIRNAME = ".mlrepolint_cache"
FORMAT = "mlrepolint-cache-7"
KEY_BYTES = 32
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by mlrepolint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
#: Files changed this close to the run's start are re-read next time (coarse file system clocks).
RACY_NS = 2_000_000_000
#: Cache files kept, one per lint key (switching between two configurations does not thrash).
KEEP = 4
#: The result cache's file name ends so (a file per lint key).
SUFFIX = ".results"
#: The per-file results, the repository checkers' results and their per-file shares are kept apart from the main
#: file, in a file per kind (a kind of share is its namespace) and shard of paths: a run reads only the shards it
#: asks about, and writes only those it changed (the hook, one file: one shard of each kind it redoes).
SHARES_SUFFIX = ".shares"
SHARES_FORMAT = "mlrepolint-shares-1"
SHARDS = 16
#: The per-file results and the repository checkers' results are sharded alike, under these kinds (not hex
#: digests, so no kind of share has them).
RESULTS_KIND = "results"
REPO_KIND = "repo"
#: A result cache file of the JSON format before it (`<first 24 hex digits of the lint key>.json`).
_LEGACY_RESULTS = lazy(r"[0-9a-f]{24}\.json")
#: The `marshal` format written: version 4 (Python 3.4) stores a repeated string once, and every Python this
#: package supports reads it.
MARSHAL_VERSION = 4
#: A cache file larger than this is not read.
MAX_BYTES = 256 * 1024 * 1024
#: Config files of mlrepolint and of the tools it wraps, read from the root into the lint key.
TOOL_CONFIGS = (
    "pyproject.toml", "mlrepolint.toml", "setup.cfg", "tox.ini", ".flake8", ".pylintrc", "pylintrc",
    "ruff.toml", ".ruff.toml",
)


class NoCache:
    """`--no-cache`: knows nothing, stores nothing, writes nothing."""

    def file_result(self, path: str) -> FileResult | None:
        """The cached result of a file whose stat is unchanged, without reading it."""
        return None

    def known_digest(self, path: str) -> str | None:
        """The content hash recorded for the file, for the worker to compare after reading it."""
        return None

    def confirm(self, result: FileResult) -> FileResult:
        """The cached result of a file the worker found unchanged."""
        raise AssertionError("no digest was known, so no file can be unchanged")

    def store_file(self, result: FileResult) -> None:
        """Record a file's fresh result."""

    def repo_part(self, name: str, listing: str) -> RepoResult | None:
        """One repository checker's cached findings and counts, when none of its inputs changed."""
        return None

    def store_repo_part(self, name: str, listing: str, inputs: Iterable[str], result: RepoResult) -> None:
        """Record one repository checker's fresh result (findings, examined units, units its findings fail) and
        the paths it read."""

    def partial(self, namespace: str, path: str, st: os.stat_result) -> Any:
        """A repository checker's recorded share of work for one file (see `RepoView.per_file`)."""
        return None

    def store_partial(self, namespace: str, path: str, st: os.stat_result, value: Any) -> None:
        """Record a repository checker's share of work for one file."""

    def derived(self, namespace: str, listing: str, stat: Callable[[str], os.stat_result | None]) -> Any:
        """A repository checker's recorded work over several files (see `RepoView.derived`)."""
        return None

    def store_derived(self, namespace: str, listing: str, read: dict[str, os.stat_result | None], value: Any) -> None:
        """Record a repository checker's work over several files."""

    def setup_warnings(self) -> list[str] | None:
        """The warnings of setting up the wrapped tools, recorded by a run with the same lint key."""
        return None

    def ruff_results(self, files: Sequence[str]) -> tuple[dict[str, list[Finding]], list[str] | None]:
        """ruff's recorded findings on the files whose content is unchanged, and its recorded warnings."""
        return {}, None

    def store_ruff(self, files: Sequence[str], findings: list[Finding], warnings: list[str]) -> None:
        """Record ruff's findings on `files` (masked) under each file's content hash, and its warnings."""

    def store_setup_warnings(self, warnings: list[str]) -> list[str]:
        """Record the warnings of setting up the wrapped tools; return them."""
        return warnings

    def saved_project(self) -> SavedProject | None:
        """The project model as a run with a cache last built it (see SavedProject); None without a cache."""
        return None

    def save(self) -> None:
        """Write the cache if anything changed."""


class _Shards:
    """Entries by path (or checker name) kept in SHARDS shard files of one kind (the per-file results, the
    repository checkers' results, one kind of share), each read on first need: a run reads the shards holding what
    it asks about, and writes back the ones it changed."""

    def __init__(self, read: Callable[[int], dict[str, Any]]) -> None:
        self._read = read
        self._loaded: dict[int, dict[str, Any]] = {}
        self.changed: set[int] = set()

    def _entries(self, path: str) -> tuple[int, dict[str, Any]]:
        shard = _shard_of(path)
        entries = self._loaded.get(shard)
        if entries is None:
            entries = self._loaded[shard] = self._read(shard)
        return shard, entries

    def get(self, path: str) -> Any:
        """The entry recorded for `path`, or None."""
        return self._entries(path)[1].get(path)

    def put(self, path: str, entry: Any) -> None:
        """Record `entry` for `path` (its shard is written back if that changes it)."""
        shard, entries = self._entries(path)
        if entries.get(path) != entry:
            entries[path] = entry
            self.changed.add(shard)

    def pop(self, path: str) -> None:
        """Forget `path`'s entry."""
        shard, entries = self._entries(path)
        if entries.pop(path, None) is not None:
            self.changed.add(shard)

    def listed(self, shard: int, listed: frozenset[str] | None) -> dict[str, Any]:
        """A loaded shard's entries of the files still `listed` (all of them for None): what is written back."""
        entries = self._loaded[shard]
        return dict(entries) if listed is None else {path: entry for path, entry in entries.items() if path in listed}


@functools.lru_cache(maxsize=None)
def _shard_of(path: str) -> int:
    """The shard a path's entries are kept in: asked once per kind of entry for every file (a run after an edit
    looks up each file's shares of several rules)."""
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


def _kind(namespace: str) -> str:
    """The name part of a kind of share's shard files."""
    return hashlib.blake2b(namespace.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def _renumbered(rows: Any, numbers: list[int]) -> list[list[Any]] | None:
    """Finding rows whose first item numbers a rule in a shard's table, numbering it in the run's (`numbers`: the
    shard's number -> the run's); None when they are not well-formed."""
    try:
        renumbered = [[numbers[row[0]] if type(row[0]) is int and row[0] >= 0 else -1, *row[1:]] for row in rows]
    except (TypeError, IndexError, KeyError):
        return None
    if any(row[0] < 0 for row in renumbered):  # a negative index is a miss, not the last rule
        return None
    return renumbered


class Cache(NoCache):
    """The cache of one repository under one lint key."""

    def __init__(self, engine: Engine, key: str, data: dict[str, Any], secret: bytes = b"") -> None:
        self.engine = engine
        self.key = key
        self.secret = secret
        self.directory = engine.root / DIRNAME
        self.file = self.directory / f"{key[:24]}{SUFFIX}"
        rules = _decode_rules(data.get("rules"))
        if rules is None:  # findings refer to this table: without it nothing cached can be read
            data, rules = {}, []
        #: The per-file results by path, in shard files read on first need (only under a main file this user wrote).
        self.files = _Shards(self._read_results if data else lambda shard: {})
        self._main_read = bool(data)  # else the main file is written, so that the shards written are read next time
        #: Each repository checker's result by its name, sharded alike.
        self.repo = _Shards(self._read_repo_parts if data else lambda shard: {})
        #: What findings share (code, rule, category, severity, source), stored once: findings refer to it by index.
        self.rules: list[tuple[str, str, str, Severity, str]] = rules
        self._rule_index = {rule: i for i, rule in enumerate(self.rules)}
        self._numbered = dict(enumerate(self.rules))  # for decoding: a negative index is a miss, not the last rule
        namespaces = data.get("namespaces")
        #: The kinds of shares with shard files written under this lint key (a shard is read on first need).
        self._stored: set[str] = {n for n in namespaces if type(n) is str} if isinstance(namespaces, list) else set()
        self._shares: dict[str, _Shards] = {}  # namespace -> its shares by path, {path: [stat, value]}
        derived = data.get("derived")
        self._derived: dict[str, Any] = derived if isinstance(derived, dict) else {}
        ruff = data.get("ruff")
        self._ruff: dict[str, Any] = ruff if isinstance(ruff, dict) else {}
        setup = data.get("setup")
        self.setup: list[str] | None = setup if isinstance(setup, list) and all(type(w) is str for w in setup) else None
        self._namespaces: set[str] = set()  # the kinds of shares this run asked for or stored
        self.started_ns = time.time_ns()
        self.dirty = False

    @classmethod
    def open(cls, engine: Engine) -> NoCache:
        """The repository's cache for this run's lint key (empty when missing, corrupt or foreign); NoCache
        when the cache folder is not a real folder inside the root (a symlink must not send writes elsewhere)."""
        directory = engine.root / DIRNAME
        if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
            return NoCache()
        secret = user_key()
        if secret is None:  # nothing could tell this user's cache from a forgery
            return NoCache()
        key = lint_key(engine)
        cache = cls(engine, key, {}, secret)
        data = _load(cache.file, _mac_key(secret, engine.root))
        if data.get("format") == FORMAT and data.get("key") == key:
            cache = cls(engine, key, data, secret)
        return cache

    # Per-file results.

    def file_result(self, path: str) -> FileResult | None:
        """The recorded result when the file's stat matches the trusted record."""
        entry = self.files.get(path)
        if not isinstance(entry, list) or len(entry) != 7 or entry[1] is None:
            return None
        if entry[6] != self.engine.project.key(path):
            return None
        if list(stat_signature(self.engine.reader.stat(path)) or ()) != entry[1]:
            return None
        return self._decode_file(path, entry)

    def known_digest(self, path: str) -> str | None:
        """The recorded content hash, if any (none when the project model now says something else of the file)."""
        entry = self.files.get(path)
        if not isinstance(entry, list) or len(entry) != 7 or entry[6] != self.engine.project.key(path):
            return None
        return entry[0] if isinstance(entry[0], str) else None

    def confirm(self, result: FileResult) -> FileResult:
        """The recorded result; the file's new stat is recorded so the next run need not read it."""
        entry = self.files.get(result.path)
        cached = self._decode_file(result.path, entry)
        if cached is None:  # the entry is corrupt: lint the file here rather than report nothing
            fresh = self.engine.lint_file(result.path)
            self.store_file(fresh)
            return fresh
        self.files.put(result.path, [entry[0], self._trusted(result.signature), *entry[2:]])
        return cached

    def store_file(self, result: FileResult) -> None:
        """Record the result under the file's content hash and stat."""
        if not result.digest or result.warnings or result.failures:  # unreadable, or lint again to warn again
            self.files.pop(result.path)  # nor may ruff's record match an old entry
            return
        rows = [[self._rule_number(f), f.line, f.column, f.message, *((f.cell,) if f.cell else ())]
                for f in result.findings]
        entry = [
            result.digest, self._trusted(result.signature), rows, dict(result.examined), result.lines, result.comments,
            self.engine.project.key(result.path),
        ]
        self.files.put(result.path, entry)

    def _trusted(self, signature: tuple[int, ...] | None) -> list[int] | None:
        """The stat signature to record, or None when the file changed too recently to trust it next time."""
        if signature is None or signature[1] >= self.started_ns - RACY_NS:
            return None
        return list(signature)

    def _rule_number(self, finding: Finding) -> int:
        """The finding's (code, rule, category, severity, source) as an index into `rules`."""
        return self._number((finding.code, finding.rule, finding.category, finding.severity, finding.source))

    def _number(self, rule: tuple[str, str, str, Severity, str]) -> int:
        number = self._rule_index.get(rule)
        if number is None:
            number = self._rule_index[rule] = len(self.rules)
            self.rules.append(rule)
            self._numbered[number] = rule
        return number

    def _read_results(self, shard: int) -> dict[str, Any]:
        """A shard of the per-file results (their findings are the entries' third item)."""
        def renumbered(entry: Any, numbers: list[int]) -> Any:
            rows = _renumbered(entry[2], numbers) if isinstance(entry, list) and len(entry) > 2 else None
            return None if rows is None else [*entry[:2], rows, *entry[3:]]

        return self._read_numbered(RESULTS_KIND, shard, renumbered)

    def _read_repo_parts(self, shard: int) -> dict[str, Any]:
        """A shard of the repository checkers' results (their findings are under "findings")."""
        def renumbered(part: Any, numbers: list[int]) -> Any:
            rows = _renumbered(part.get("findings"), numbers) if isinstance(part, dict) else None
            return None if rows is None else {**part, "findings": rows}

        return self._read_numbered(REPO_KIND, shard, renumbered)

    def _read_numbered(self, kind: str, shard: int, renumbered: Callable[[Any, list[int]], Any]) -> dict[str, Any]:
        """A shard of entries whose findings number the rules, renumbered into this run's table when the shard's
        own (the table of the run that wrote it) differs."""
        data = self._read_shard(kind, kind, shard)
        entries, rules = data.get("entries"), _decode_rules(data.get("rules"))
        if not isinstance(entries, dict) or rules is None:
            return {}
        numbers = [self._number(rule) for rule in rules]
        if numbers == list(range(len(numbers))):
            return entries
        renumbered_entries = {key: renumbered(entry, numbers) for key, entry in entries.items()}
        return {key: entry for key, entry in renumbered_entries.items() if entry is not None}

    def _decode_file(self, path: str, entry: Any) -> FileResult | None:
        """A cached per-file result, or None when the entry is corrupt (the file is then linted again)."""
        # A warm run rebuilds every finding of the repository here: one comprehension, the tuples built directly.
        rules, new = self._numbered, tuple.__new__
        try:
            rows = entry[2]
            if path.endswith(".ipynb"):  # a notebook's findings name their cell: a fifth field
                rows = [row if len(row) == 5 else [*row, None] for row in rows]
                findings = tuple([
                    new(Finding, (*rules[i], path, line, column, message, cell, None))
                    for i, line, column, message, cell in rows
                    if type(message) is str and (line is None or (type(line) is int and line > 0))
                    and (column is None or (type(column) is int and column > 0))
                    and (cell is None or (type(cell) is int and cell > 0))
                ])
            else:
                findings = tuple(_findings_of(rules, path, rows))
            if len(findings) != len(rows) or type(entry[4]) is not int or entry[4] < 0 or type(entry[5]) is not bool:
                raise ValueError("bad finding, line count or comment flag")
            return FileResult(path, entry[0], findings, _decode_examined(entry[3]), lines=entry[4], comments=entry[5])
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    # Repository results: each repository checker's apart, and their per-file shares.

    def repo_part(self, name: str, listing: str) -> RepoResult | None:
        """The recorded result of one repository checker (`name`), when the file list, the project model
        (`listing` digests both) and the stat of every file it read are unchanged."""
        part = self.repo.get(name)
        if not isinstance(part, dict) or part.get("listing") != listing or not isinstance(part.get("inputs"), dict):
            return None
        repo = self.engine.repo
        if not all(_has_stat(repo, path, signature) for path, signature in part["inputs"].items()):
            return None
        try:
            rules, new = self._numbered, tuple.__new__
            findings = [new(Finding, (*rules[i], path, line, column, message, None, None))
                        for i, path, line, column, message in part["findings"]]
            if not all(_well_typed(f) for f in findings):
                raise ValueError("bad finding")
            examined = _decode_examined(part["examined"])
            failing = {code: _decode_examined(units) for code, units in part["failing"].items()}
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        return findings, examined, failing

    def store_repo_part(self, name: str, listing: str, inputs: Iterable[str], result: RepoResult) -> None:
        """Record one repository checker's result with the stat of every file it read."""
        findings, examined, failing = result
        stats = {}
        reader = self.engine.repo
        for path in sorted(inputs):  # what `_has_stat` compares: a plain stat, the view's for what is not a file
            seen = reader.plain_stat(path)
            signature = stat_signature(seen if seen is not None and stat.S_ISREG(seen.st_mode) else reader.stat(path))
            if signature is not None and self._trusted(signature) is None:
                self.repo.pop(name)  # an input changed during the run: run the checker again next time
                return
            stats[path] = list(signature) if signature else None
        self.repo.put(name, {
            "listing": listing,
            "inputs": stats,
            "findings": [[self._rule_number(f), f.path, f.line, f.column, f.message] for f in findings],
            "examined": dict(examined),
            "failing": {code: dict(units) for code, units in failing.items()},
        })

    def partial(self, namespace: str, path: str, st: os.stat_result) -> Any:
        """A repository checker's share of work for one file, recorded while the file had the stat `st`."""
        self._namespaces.add(namespace)
        entry = self._shares_of(namespace).get(path)
        if type(entry) is not list or len(entry) != 2 or entry[0] is None:
            return None
        return entry[1] if entry[0] == _signature(st) else None

    def store_partial(self, namespace: str, path: str, st: os.stat_result, value: Any) -> None:
        """Record a share (JSON, its strings masked) under the stat the file was read with."""
        signature = self._trusted(stat_signature(st))
        if signature is None:
            return
        self._namespaces.add(namespace)
        self._shares_of(namespace).put(path, [signature, _masked(plain(value))])
        if namespace not in self._stored:  # the main file names the kinds of shares it has shard files of
            self.dirty = True

    def _shares_of(self, namespace: str) -> _Shards:
        shares = self._shares.get(namespace)
        if shares is None:
            kind = _kind(namespace)
            shares = self._shares[namespace] = _Shards(
                (lambda shard: self._read_shard(kind, namespace, shard).get("entries", {}))
                if namespace in self._stored else lambda shard: {}
            )
        return shares

    def _shard_name(self, kind: str, shard: int) -> str:
        return f"{self.file.stem}-{kind}-{shard:02d}{SHARES_SUFFIX}"

    def _read_shard(self, kind: str, namespace: str, shard: int) -> dict[str, Any]:
        """A shard file's object, when this user wrote it for this lint key, namespace and shard (all inside what
        the MAC covers: a shard file of this user's copied over another's name is a miss), else {}."""
        data = _load(self.directory / self._shard_name(kind, shard), _mac_key(self.secret, self.engine.root),
                     SHARES_FORMAT)
        if data.get("key") != self.key or data.get("namespace") != namespace or data.get("shard") != shard \
                or not isinstance(data.get("entries"), dict):
            return {}
        return data

    def derived(self, namespace: str, listing: str, stat: Callable[[str], os.stat_result | None]) -> Any:
        """Work over several files, recorded under the file list `listing` and the stat of every file it read."""
        entry = self._derived.get(namespace)
        if not isinstance(entry, dict) or entry.get("listing") != listing or not isinstance(entry.get("inputs"), dict):
            return None
        return entry.get("value") if _unchanged(entry["inputs"], stat) else None

    def store_derived(self, namespace: str, listing: str, read: dict[str, os.stat_result | None], value: Any) -> None:
        """Record work over several files (JSON, its strings masked) with the stat of every file it read; not
        when one of them changed too recently to be told from a later change."""
        inputs = {}
        for path, st in sorted(read.items()):
            signature = stat_signature(st)
            if signature is not None and self._trusted(signature) is None:
                self._derived.pop(namespace, None)
                self.dirty = True
                return
            inputs[path] = list(signature) if signature else None
        self._derived[namespace] = {"listing": listing, "inputs": inputs, "value": _masked(plain(value))}
        self.dirty = True

    def _superseded(self, namespace: str) -> bool:
        """True for `kind:digest` shares of another digest than the one this run used (`mentions:` of the words
        searched before the declarations changed): kept, they would only grow the cache."""
        kind, _, digest = namespace.partition(":")
        return bool(digest) and namespace not in self._namespaces and any(
            used.partition(":")[0] == kind for used in self._namespaces)

    # ruff's findings, per file by content hash (ruff runs only on the files that changed).

    def ruff_results(self, files: Sequence[str]) -> tuple[dict[str, list[Finding]], list[str] | None]:
        """ruff's findings recorded for each file whose content hash is the one linted now, while no ruff
        configuration file of the repository changed; and the warnings of the run that recorded them."""
        ruff = self._ruff
        if ruff.get("configs") != self._ruff_configs() or not isinstance(ruff.get("files"), dict):
            return {}, None
        warnings = ruff.get("warnings")
        known: dict[str, list[Finding]] = {}
        rules, recorded = self._numbered, ruff["files"]
        for path in files:
            entry, current = recorded.get(path), self.files.get(path)
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(current, list) and current
                    and entry[0] == current[0]):
                continue
            try:
                found = _findings_of(rules, path, entry[1])
            except (KeyError, TypeError, ValueError, IndexError):
                continue
            if len(found) == len(entry[1]):
                known[path] = found
        if not (isinstance(warnings, list) and all(type(w) is str for w in warnings)):
            warnings = None
        return known, warnings

    def store_ruff(self, files: Sequence[str], findings: list[Finding], warnings: list[str]) -> None:
        """Record ruff's findings on `files` under the content hash each was linted with."""
        configs = self._ruff_configs()
        if self._ruff.get("configs") != configs:
            self._ruff = {"configs": configs, "files": {}}
        recorded = self._ruff.setdefault("files", {})
        by_path: dict[str, list[list[Any]]] = {path: [] for path in files}
        for f in findings:
            if f.path in by_path:
                by_path[f.path].append([self._rule_number(f), f.line, f.column, f.message])
        for path, rows in by_path.items():
            current = self.files.get(path)
            if isinstance(current, list) and current and isinstance(current[0], str):
                recorded[path] = [current[0], rows]
        self._ruff["warnings"] = list(warnings)
        self.dirty = True

    def _ruff_configs(self) -> list[list[Any]]:
        """The stat of each configuration file ruff may read in the repository (the root's are in the lint key)."""
        repo = self.engine.repo
        return [[f.path, list(stat_signature(repo.stat(f.path)) or ())] for f in repo.files
                if f.name in ("pyproject.toml", "ruff.toml", ".ruff.toml")]

    # The wrapped tools' set-up (their warnings depend only on what the lint key covers).

    def setup_warnings(self) -> list[str] | None:
        """The recorded warnings, or None when no run with this lint key set the tools up."""
        return None if self.setup is None else list(self.setup)

    def store_setup_warnings(self, warnings: list[str]) -> list[str]:
        """Record the warnings; return them."""
        if self.setup != warnings:
            self.setup = list(warnings)
            self.dirty = True
        return warnings

    def saved_project(self) -> SavedProject | None:
        """The project model the last run with a cache built, shared by every lint key (see SavedProject)."""
        return SavedProject.open(self.engine)

    # Writing.

    def save(self) -> None:
        """Write the cache file atomically, dropping files no longer listed; never fails the run."""
        superseded = {namespace for namespace in self._stored | self._namespaces if self._superseded(namespace)}
        changed = [(namespace, shard) for namespace, shares in sorted(self._shares.items())
                   if namespace not in superseded for shard in sorted(shares.changed)]
        if not (self.dirty or changed or self.files.changed or self.repo.changed or superseded & self._stored):
            return
        listed = self.engine.repo.paths
        mac_key = _mac_key(self.secret, self.engine.root)
        try:
            with _Folder(self.directory) as folder:
                folder.tag()
                # The shards first: the main file written after them names their kinds (a run stopped in between
                # leaves shard files that no main file names, never read).
                rules = self._rule_rows()
                for kind, shards, paths in ((RESULTS_KIND, self.files, listed), (REPO_KIND, self.repo, None)):
                    for shard in sorted(shards.changed):
                        folder.replace(self._shard_name(kind, shard), _signed(SHARES_FORMAT, mac_key, {
                            "key": self.key, "namespace": kind, "shard": shard, "rules": rules,
                            "entries": shards.listed(shard, paths)}))
                for namespace, shard in changed:
                    folder.replace(self._shard_name(_kind(namespace), shard), _signed(SHARES_FORMAT, mac_key, {
                        "key": self.key, "namespace": namespace, "shard": shard,
                        "entries": self._shares[namespace].listed(shard, listed)}))
                for namespace in sorted(superseded & self._stored):
                    for shard in range(SHARDS):
                        folder.remove(self._shard_name(_kind(namespace), shard))
                kept = sorted((self._stored | {namespace for namespace, _ in changed}) - superseded)
                if self.dirty or kept != sorted(self._stored) or not self._main_read:
                    folder.replace(self.file.name, _signed(FORMAT, mac_key, self._main_data(listed, kept, rules)))
                else:  # its shards were written: the lint key is among the most recently used (see `prune`)
                    folder.touch(self.file.name)
                folder.prune(KEEP)
        except OSError:  # a read-only checkout, a full disk: the run's result stands without a cache
            pass

    def _rule_rows(self) -> list[list[str]]:
        return [[*rule[:3], rule[3].value, rule[4]] for rule in self.rules]

    def _main_data(self, listed: frozenset[str], namespaces: list[str], rules: list[list[str]]) -> dict[str, Any]:
        """What the main file holds: everything but the per-file results, the repository checkers' and the shares
        (see `_Shards`)."""
        return {
            "format": FORMAT,
            "key": self.key,
            "rules": rules,
            "namespaces": namespaces,
            "derived": self._derived,
            "setup": self.setup,
            "ruff": {**self._ruff, "files": {path: entry for path, entry in self._ruff.get("files", {}).items()
                                             if path in listed}},
        }


PROJECT_FILE = "project.cache"
FACTS_FILE = "facts.cache"
PROJECT_FORMAT = "mlrepolint-project-4"


class SavedProject:
    """The project model as a run last built it, kept in `.mlrepolint_cache/project.cache` with what it was built
    from: the file list, the stat of every file the build read itself (packaging files, Markdown, CI and container
    files...), and the stat and a digest of the prescan facts of each Python file and notebook (`PythonFacts`).

    The model is used again while the file list and those files are unchanged. A Python file or notebook whose
    stat changed is prescanned again, and the model still stands when its facts are the same: an edit inside a
    function (an editor's save, a one-file commit) changes nothing the model decides by. The facts themselves are
    in `facts.cache`, read only when the model is built again. Both files are shared by every lint key (the model
    depends on the file list, not on the settings) and trusted as the result cache is (see `read_own`).
    """

    def __init__(self, engine: Engine, data: dict[str, Any]) -> None:
        self.engine = engine
        self.key = _project_key()
        self.data = data if data.get("key") == self.key else {}
        self.started_ns = time.time_ns()
        self._facts: dict[str, Any] | None = None  # facts.cache, on first need

    @classmethod
    def open(cls, engine: Engine) -> SavedProject:
        """The repository's saved model (empty when there is none this user wrote for this mlrepolint)."""
        return cls(engine, read_own(engine.root, PROJECT_FILE, PROJECT_FORMAT))

    def project(self, refresh: bool) -> Project | None:
        """The saved model, or None when the file list or a file it was built from changed. With `refresh`, the
        new stat of a file found unchanged after all is recorded (so the next run need not read it)."""
        data, repo, reader = self.data, self.engine.repo, self.engine.reader
        inputs, facts = data.get("inputs"), data.get("facts")
        if not isinstance(inputs, dict) or not isinstance(facts, dict) or data.get("listing") != listing_digest(repo):
            return None
        touched = [path for path, entry in inputs.items()
                   if type(entry) is not list or len(entry) != 2 or not _has_stat(repo, path, entry[0])]
        for path in touched:  # a checkout or `touch` changes the stat, not the content
            digest = _content(repo, path)
            if digest is None or type(inputs[path]) is not list or digest != inputs[path][-1]:
                return None
        # Only compared with what was recorded (the stat of a file the build read safely), never used to read.
        plain_stat = repo.plain_stat
        changed = [path for path, entry in facts.items()
                   if type(entry) is not list or len(entry) != 4 or _signature(plain_stat(path)) != entry[0]]
        if changed:
            source = FactSource(reader)
            for path in changed:
                entry = facts[path]
                if type(entry) is not list or len(entry) != 4 or type(entry[2]) is not bool \
                        or type(entry[3]) is not bool or _facts_digest(source.rescan(path, entry[2], entry[3])) \
                        != entry[1]:
                    return None
        project = Project.from_json(_deferred(data.get("project")))
        if project is not None and (changed or touched) and refresh:
            for path in changed:
                facts[path] = [self._trusted(reader.stat(path)), *facts[path][1:]]
            for path in touched:
                inputs[path] = [self._trusted(repo.stat(path)), inputs[path][1]]
            write_own(self.engine.root, PROJECT_FILE, PROJECT_FORMAT, data)
        return project

    def facts(self, path: str) -> PythonFacts | None:
        """The file's facts from `facts.cache`, if recorded while the file had the stat it has now."""
        if self._facts is None:
            saved = read_own(self.engine.root, FACTS_FILE, PROJECT_FORMAT)
            facts = saved.get("facts") if saved.get("key") == self.key else None
            self._facts = facts if isinstance(facts, dict) else {}
        entry = self._facts.get(path)
        if type(entry) is not list or len(entry) != 2:
            return None
        if entry[0] is None or _signature(self.engine.reader.stat(path)) != entry[0]:
            return None
        return PythonFacts.from_json(entry[1])

    def store(self, project: Project, read: Iterable[str], facts: FactSource) -> None:
        """Save a model just built, `read` the files the build read itself, `facts` its prescan facts."""
        repo, reader, root = self.engine.repo, self.engine.reader, self.engine.root
        signatures = {path: self._trusted(reader.stat(path)) for path in sorted(facts.used)}
        self.data = {
            "key": self.key,
            "listing": listing_digest(repo),
            "inputs": {path: [self._trusted(repo.stat(path)), _content(repo, path)] for path in sorted(read)},
            # how far each file's facts were looked for, so that a changed file is prescanned as far again
            # without reading facts.cache
            "facts": {path: [signatures[path], _facts_digest(f), f.top_code >= 0, f.io_functions is not None]
                      for path, f in facts.used.items()},
            "project": _deferring(plain(project.to_json())),
        }
        write_own(root, PROJECT_FILE, PROJECT_FORMAT, self.data)
        if facts.read:
            kept = plain({path: [signatures[path], f.to_json()] for path, f in facts.used.items()})
            write_own(root, FACTS_FILE, PROJECT_FORMAT, {"key": self.key, "facts": kept})

    def _trusted(self, st: os.stat_result | None) -> list[int] | None:
        """The stat signature to record; None for a file changed too recently to trust it next time."""
        signature = _signature(st)
        return None if signature is not None and signature[1] >= self.started_ns - RACY_NS else signature


def _deferring(item: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON form as saved: its `DEFERRABLE` mappings encoded apart, decoded only when used."""
    return {name: marshal.dumps(value) if name in DEFERRABLE else value for name, value in item.items()}


def _deferred(item: Any) -> Any:
    """A saved model's JSON form for `Project.from_json`: each mapping encoded apart becomes its loader."""
    if not isinstance(item, dict):
        return item
    return {name: functools.partial(marshal.loads, value) if name in DEFERRABLE and type(value) is bytes else value
            for name, value in item.items()}


def _signature(st: os.stat_result | None) -> list[int] | None:
    signature = stat_signature(st)
    return list(signature) if signature is not None else None


def _content(repo: RepoView, path: str) -> str | None:
    """The file's content hash; None when it is missing, unreadable or too large to be read whole."""
    data = repo.read_bytes(path)
    return content_digest(data) if data is not None else None


def _facts_digest(facts: PythonFacts) -> str:
    return hashlib.blake2b(json.dumps(facts.to_json()).encode(), digest_size=12).hexdigest()


@functools.lru_cache(maxsize=None)
def _project_key() -> str:
    """What a saved model depends on besides the repository: the code that built it."""
    parts = [PROJECT_FORMAT, mlrepolint.__version__, sys.version, _package_stamp()]
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=20).hexdigest()


class _Folder:
    """The real `.mlrepolint_cache` folder, opened once without following a symlink: every write is relative to
    it, so swapping it (or a file in it) for a symlink cannot send a write elsewhere."""

    _BY_FD = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _Folder:
        try:
            os.mkdir(self.path)  # never follows a symlink: one there makes this fail
        except FileExistsError:
            pass
        if self._BY_FD:
            self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        elif self.path.is_symlink() or not self.path.is_dir():
            raise NotADirectoryError(str(self.path))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)

    def _open(self, name: str, flags: int, mode: int = 0o644) -> int:
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        if self.fd is not None:
            return os.open(name, flags, mode, dir_fd=self.fd)
        return os.open(self.path / name, flags, mode)

    def _unlink(self, name: str) -> None:
        try:
            if self.fd is not None:
                os.unlink(name, dir_fd=self.fd)
            else:
                os.unlink(self.path / name)
        except OSError:  # gone already, or a folder planted under that name: left, and the rest still pruned
            pass

    def _lstat(self, name: str) -> os.stat_result | None:
        try:
            if self.fd is not None:
                return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            return os.lstat(self.path / name)
        except OSError:
            return None

    def tag(self) -> None:
        """`CACHEDIR.TAG`, and a `.gitignore` that ignores the folder, as regular files."""
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "*\n")):
            st = self._lstat(name)
            if st is None or not stat.S_ISREG(st.st_mode):
                self._unlink(name)
                self.replace(name, text.encode("utf-8"))

    def replace(self, name: str, data: bytes) -> None:
        """Write `name` whole: a new temporary file (O_EXCL), then renamed over it."""
        temporary = f".{secrets.token_hex(8)}.tmp"
        with os.fdopen(self._open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL), "wb") as out:
            out.write(data)
        if self.fd is not None:
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        else:
            os.replace(self.path / temporary, self.path / name)

    def prune(self, keep: int) -> None:
        """Keep the `keep` most recently used cache files (a run that writes only shards touches its main file)
        and their shard files; remove those of the JSON format that came before (`<key>.json`), which no version
        reads any more."""
        with os.scandir(self.fd if self.fd is not None else self.path) as scan:
            names = [entry.name for entry in scan]
        for name in names:
            if _LEGACY_RESULTS.fullmatch(name):
                self._unlink(name)
        current = [name for name in names if name.endswith(SUFFIX)]
        dated = [(st.st_mtime_ns, name) for name in current for st in [self._lstat(name)] if st is not None]
        for _, name in sorted(dated, reverse=True)[keep:]:
            self._unlink(name)
        kept = {name[: -len(SUFFIX)] for _, name in sorted(dated, reverse=True)[:keep]}
        for name in names:  # the shard files of a lint key whose main file is gone
            if name.endswith(SHARES_SUFFIX) and name.partition("-")[0] not in kept:
                self._unlink(name)

    def touch(self, name: str) -> None:
        """Set the modification time of `name` (a regular file, never a symlink's target) to now."""
        st = self._lstat(name)
        if st is None or not stat.S_ISREG(st.st_mode):
            return
        if self.fd is not None and os.utime in os.supports_dir_fd and os.utime in os.supports_follow_symlinks:
            os.utime(name, dir_fd=self.fd, follow_symlinks=False)
        elif os.utime in os.supports_follow_symlinks:
            os.utime(self.path / name, follow_symlinks=False)

    def remove(self, name: str) -> None:
        """Remove `name` if it is there (a shard file of a kind of share no longer used)."""
        if self._lstat(name) is not None:
            self._unlink(name)


def read_own(root: Path, name: str, format: str) -> dict[str, Any]:
    """The object of `.mlrepolint_cache/<name>` under the root when this user wrote it (see `write_own`) in
    `format`, else {}: the same trust rule as the result cache (for `--history`'s blob cache)."""
    directory = root / DIRNAME
    secret = user_key()
    if secret is None or directory.is_symlink() or not directory.is_dir():
        return {}
    return _load(directory / name, _mac_key(secret, root), format)


def write_own(root: Path, name: str, format: str, data: dict[str, Any]) -> None:
    """Write `data` to `.mlrepolint_cache/<name>`, with the MAC that `read_own` checks; never fails the run."""
    secret = user_key()
    directory = root / DIRNAME
    if secret is None or directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        return
    try:
        with _Folder(directory) as folder:
            folder.tag()
            folder.replace(name, _signed(format, _mac_key(secret, root), data))
    except OSError:
        pass


def _signed(format: str, mac_key: bytes, data: dict[str, Any]) -> bytes:
    """A cache file's bytes: the format and the MAC of the body on the first line, then the body (see `_load`)."""
    body = _encoded(data)
    return f"{format} {_mac(mac_key, body)}\n".encode() + body


def _load(file: Path, mac_key: bytes, format: str = FORMAT) -> dict[str, Any]:
    """The cache file's object, or {} when it is missing, unreadable, not a regular file, not in `format`, or not
    written by this user (its MAC does not match: then it is not decoded at all)."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                return {}
            header, _, body = handle.read().partition(b"\n")
        name, _, mac = header.decode("ascii", "replace").partition(" ")
        expected = _mac(mac_key, body)
        if name != format or not hmac.compare_digest(mac, expected):
            return {}
        data = marshal.loads(body)
    except (OSError, ValueError, EOFError, TypeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _mac(mac_key: bytes, body: bytes) -> str:
    """A cache file's MAC: keyed BLAKE2b, a MAC by design (RFC 7693). hashlib's own BLAKE2b takes two thirds of
    the time HMAC over OpenSSL's took (cache files are megabytes, and every run reads them)."""
    return hashlib.blake2b(body, key=mac_key).hexdigest()


def _mac_key(secret: bytes, root: Path) -> bytes:
    """The key a repository's cache files are authenticated with: the user's key, bound to the root."""
    return hashlib.blake2b(os.fsencode(str(root)), key=secret, digest_size=32).digest()


def user_cache_dir() -> str | None:
    """The user's own mlrepolint cache folder (created 0700 when missing), or None when there is none usable:
    not a folder, or writable by someone else."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "mlrepolint")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not _private(st, 0o022):
        return None
    return folder


def _private(st: os.stat_result, forbidden: int) -> bool:
    """Owned by this user, with none of the `forbidden` permission bits (POSIX; elsewhere the home is private)."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & forbidden


def user_key() -> bytes | None:
    """The user's cache key, created on first use (random, 0600), or None when it cannot be made or is not
    private to this user."""
    folder = user_cache_dir()
    if folder is None:
        return None
    path = os.path.join(folder, "key")
    if not os.path.lexists(path):
        write_private(path, secrets.token_bytes(KEY_BYTES), replace=False)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            key = handle.read(KEY_BYTES + 1)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or not _private(st, 0o077) or len(key) != KEY_BYTES:
        return None
    return key


def write_private(path: str, data: bytes, replace: bool = True) -> None:
    """Write a file only this user can read (0600): atomically replacing it, or (`replace=False`) only when it
    does not exist yet. Failing is silent: what is written here is a cache."""
    temporary = f"{path}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails when another run made the key first: theirs stands
    except OSError:
        pass
    finally:
        if not replace or os.path.lexists(temporary):
            try:
                os.unlink(temporary)
            except OSError:
                pass


def lint_key(engine: Engine) -> str:
    """A hash of everything besides a file's content that can change its findings."""
    # Left out: what changes how a run is done or judged, never a file's findings (`--exit-zero` after a plain run
    # must not lint everything again).
    settings = replace(
        engine.settings, jobs=None, cache=True, source=None, exclude=(), extend_exclude=(), fail_under=None,
        fail_on="error", history=False,  # `--history` adds findings of its own, cached apart (mlrepolint.history)
    )
    parts = {
        "format": FORMAT,
        "version": mlrepolint.__version__,
        "python": sys.version,
        "installed": installed_distributions(),
        "source": _package_stamp(),
        "plugins": [[p.name, p.distribution, p.version] for p in engine.registry.plugins],
        "settings": repr(settings),
        "configs": {
            name: hashlib.blake2b(data, digest_size=16).hexdigest()
            for name in TOOL_CONFIGS
            for data in [engine.reader.read_bytes(name)]
            if data is not None
        },
    }
    return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(), digest_size=20).hexdigest()


def installed_distributions() -> list[str]:
    """The names of installed distributions' metadata folders (`flake8-7.1.0.dist-info`...): name and version
    of every plugin and wrapped tool, from one directory listing per `sys.path` entry instead of parsing each."""
    names = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as scan:
                names.extend(e.name for e in scan if e.name.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")))
        except OSError:
            continue
    return sorted(names)


def _package_stamp() -> list[list[Any]]:
    """mlrepolint's own source files (name, size, mtime): an editable install changes without a version bump."""
    stamp = []
    folders = [("", os.path.dirname(mlrepolint.__file__))]
    while folders:  # os.walk's walk (symlinked folders not entered), without its relpath per file: half the time
        rel, folder = folders.pop()
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.is_dir():
                    if entry.name != "__pycache__" and not entry.is_symlink():
                        folders.append((os.path.join(rel, entry.name), entry.path))
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    stamp.append([os.path.join(rel, entry.name), st.st_size, st.st_mtime_ns])
    return sorted(stamp)


def repo_inputs_digest(engine: Engine) -> str:
    """A hash of the repository's file list and of the project model: what the repository rules decide by,
    besides the files they read."""
    parts = f"{listing_digest(engine.repo)}\0{engine.project.fingerprint}"
    return hashlib.blake2b(parts.encode(), digest_size=20).hexdigest()


def _has_stat(repo: RepoView, path: str, signature: Any) -> bool:
    """Whether the file has the stat signature a run recorded (None for a missing file). A plain stat first: it is
    only compared with the record, never used to read, and spares thousands of files the view's checks of each
    folder on every run; where it differs (a symlink the view does not follow, say) the view's own stat decides."""
    return _signature(repo.plain_stat(path)) == signature or _signature(repo.stat(path)) == signature


def _unchanged(inputs: dict[str, Any], stat: Callable[[str], os.stat_result | None]) -> bool:
    """Whether every recorded input (path -> stat signature, None for a missing file) has that stat now."""
    for path, signature in inputs.items():
        current = stat_signature(stat(path))
        if (list(current) if current else None) != signature:
            return False
    return True


def _encoded(data: dict[str, Any]) -> bytes:
    """`data` in `marshal`'s format: three times as fast as JSON both ways, which is most of what a warm run, an
    edit or the hook spends on the cache of a large repository (NVIDIA NeMo's 5 MB: 17 ms to decode, 48 ms as
    JSON). Every value in it is one JSON would give back (see `plain`), so decoding gives what JSON gave."""
    try:
        return marshal.dumps(data, MARSHAL_VERSION)
    except ValueError:  # a type marshal does not take (a str subclass): stored as JSON would store it
        return marshal.dumps(plain(data), MARSHAL_VERSION)


def plain(value: Any) -> Any:
    """`value` as JSON gives it back: tuples as lists, dictionary keys as strings, str subclasses as str. What
    checkers hand the cache (their shares, the model) goes through here, so that what a later run reads is what it
    would read back from JSON, which is what their checks of a recorded value expect."""
    return json.loads(json.dumps(value, check_circular=False))


def listing_digest(repo: RepoView) -> str:
    """A hash of the repository's file list (paths, tracked or not, the never-read folders passed over)."""
    return repo.listing_digest


_SEVERITIES = {severity.value: severity for severity in Severity}


def _decode_rules(item: Any) -> list[tuple[str, str, str, Severity, str]] | None:
    """The cache's table of what findings share; None when it is not one (the cache is then not used)."""
    if item is None:
        return []
    try:
        rules = [(code, name, category, _SEVERITIES[level], source) for code, name, category, level, source in item]
    except (TypeError, ValueError, KeyError):
        return None
    strings = [value for rule in rules for value in (rule[0], rule[1], rule[2], rule[4])]
    return rules if all(type(value) is str for value in strings) else None


def _masked(value: Any) -> Any:
    """A JSON value with every string in it masked: the cache holds no secret. The strings are masked together
    (one scan for all of them, see `mask.texts`), and the value is rebuilt only when one of them changed."""
    strings: list[str] = []
    _strings_in(value, strings)
    masked = mask.texts(strings)
    if masked == strings:
        return value
    return _rebuilt(value, iter(masked))


def _strings_in(value: Any, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _strings_in(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _strings_in(item, found)


def _rebuilt(value: Any, masked: Iterator[str]) -> Any:
    if isinstance(value, str):
        return next(masked)
    if isinstance(value, (list, tuple)):
        return [_rebuilt(item, masked) for item in value]
    if isinstance(value, dict):
        return {key: _rebuilt(item, masked) for key, item in value.items()}
    return value


def _findings_of(rules: dict[int, tuple[Any, ...]], path: str, rows: list[Any]) -> list[Finding]:
    """The findings of one file from the cache's rows ([rule number, line, column, message]), the tuples built
    directly: a warm run rebuilds every finding of the repository. A row that is not one is left out (the caller
    compares the counts)."""
    new = tuple.__new__
    return [new(Finding, (*rules[i], path, line, column, message, None, None))
            for i, line, column, message in rows
            if type(message) is str and (line is None or (type(line) is int and line > 0))
            and (column is None or (type(column) is int and column > 0))]


def _well_typed(finding: Finding) -> bool:
    return type(finding.path) is type(finding.message) is str and all(
        v is None or (type(v) is int and v > 0) for v in (finding.line, finding.column)
    )


def _decode_examined(item: Any) -> dict[str, int]:
    if type(item) is not dict or any(type(v) is not int or v < 0 for v in item.values()):
        raise ValueError("bad counts")
    return dict(item)
