"""The run: discover files -> parse each Python file once -> run checkers -> suppress -> Result.

Data moves one way: checkers never read the disk except through the repository view, and never print; reports
read the Result and never re-run anything.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

from mlrepolint.config import Settings
from mlrepolint.repo import RepoView, git_toplevel, gitignore_spec, is_skipped_dir
from mlrepolint.rules.base import Checker, Context, Finding, Rule, Violation
from mlrepolint.rules.meta import PARSE_ERROR, UNUSED_SUPPRESSION
from mlrepolint.rules.registry import Registry, load_registry
from mlrepolint.selection import Selection, best
from mlrepolint.source import ParseFailure, parse_python
from mlrepolint.suppress import Suppressions
from mlrepolint.workers import lint_in_parallel


class UsageError(Exception):
    """A problem with what the user asked for (a path outside the repository...); exit 2."""


@dataclass
class Result:
    """Everything a report needs: the findings, what each rule examined, and warnings about the run."""

    root: Path
    findings: list[Finding]
    examined: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    python_files: int = 0
    linted: int = 0  # Python files linted in this run (the others came from the cache)


@dataclass(frozen=True)
class FileResult:
    """What linting one Python file gives back to the main process: small, picklable, never the tree.

    `unchanged` means the file's content hash matched the one the caller already knew, so nothing was linted
    and the caller's cached result stands.
    """

    path: str
    digest: str
    findings: tuple[Finding, ...] = ()
    examined: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False
    signature: tuple[int, ...] | None = None  # the file's stat before it was read (see `stat_signature`)


def stat_signature(st: os.stat_result | None) -> tuple[int, ...] | None:
    """Size, modification time and inode: what must match for the cache to trust a file without reading it."""
    return None if st is None else (st.st_size, st.st_mtime_ns, st.st_ino)


def content_digest(data: bytes) -> str:
    """The content hash the cache keys a file on."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def locate(paths: Sequence[Path]) -> tuple[Path, bool]:
    """The repository root for the given paths, and whether it is a git work tree.

    Inside git the root is the top level; outside git it is the folder named (or, for files, the working
    directory when it holds them all, else their common folder).
    """
    resolved = [p.resolve() for p in paths]
    anchor = resolved[0] if resolved[0].is_dir() else resolved[0].parent
    top = git_toplevel(anchor)
    if top is not None:
        return top.resolve(), True
    folders = [p if p.is_dir() else p.parent for p in resolved]
    if len(resolved) == 1 and resolved[0].is_dir():
        return resolved[0], False
    cwd = Path.cwd().resolve()
    if all(cwd == f or cwd in f.parents for f in folders):
        return cwd, False
    return Path(os.path.commonpath([str(f) for f in folders])), False


class Engine:
    """One configured run over one repository."""

    def __init__(self, root: Path, is_git: bool, settings: Settings, registry: Registry | None = None) -> None:
        self.root = root
        self.is_git = is_git
        self.settings = settings
        self.registry = registry or load_registry()
        self.selection = Selection(
            settings.select, settings.extend_select, settings.ignore,
            default_enabled=lambda code: self._default_enabled(code),
        )
        self.exclude = gitignore_spec(settings.exclude + settings.extend_exclude)
        self.per_file_ignores = [(gitignore_spec([glob]), refs) for glob, refs in settings.per_file_ignores]
        # Per-file work reads through a view that lists nothing, so a worker process builds an Engine without
        # running `git ls-files`; only the main process lists the repository (see `repo`).
        self.reader = RepoView(root, (), is_git)
        self.python_checkers = self._active(self.registry.python_checkers)
        self.show_progress = False  # the CLI turns it on; Progress itself stays quiet unless stderr is a terminal

    @cached_property
    def repo(self) -> RepoView:
        """The repository, listed once, on first use."""
        return RepoView.open(self.root, self.is_git, self.exclude)

    def _default_enabled(self, code: str) -> bool:
        rule = self.registry.rules.get(code)
        return rule.default_enabled if rule is not None else True

    def rule_enabled(self, rule: Rule) -> bool:
        """True when the rule is selected."""
        return self.selection.enabled(rule.code, rule.name)

    def _active(self, checkers: Iterable[type[Checker]]) -> list[Checker]:
        return [c() for c in checkers if any(self.rule_enabled(r) for r in c.rules)]

    def scope(self, paths: Sequence[Path]) -> list[str]:
        """The Python files the per-file rules look at: all of them, or those under the named paths."""
        python = [f.path for f in self.repo.files if f.path.endswith(".py")]
        named = [p.resolve() for p in paths]
        if named == [self.root]:
            return python
        chosen: set[str] = set()
        for path in named:
            try:
                rel = path.relative_to(self.root).as_posix()
            except ValueError:
                raise UsageError(f"{path} is outside the repository at {self.root}") from None
            if path.is_dir():
                prefix = "" if rel == "." else rel + "/"
                chosen.update(p for p in python if p.startswith(prefix))
            elif self._named_file_in_scope(rel):
                chosen.add(rel)
        return sorted(chosen)

    def _named_file_in_scope(self, rel: str) -> bool:
        """A file named on the command line is linted (even if git ignores it) unless excluded or never-read."""
        if self.exclude.match_file(rel):
            return False
        return not any(is_skipped_dir(part) for part in rel.split("/")[:-1])

    def run(self, paths: Sequence[Path]) -> Result:
        """Lint the Python files in scope and the repository; return every finding left after suppression."""
        from mlrepolint.cache import Cache, NoCache

        files = self.scope(paths)
        cache = Cache.open(self) if self.settings.cache else NoCache()
        findings: list[Finding] = []
        examined: dict[str, int] = {}
        todo: list[tuple[str, str | None]] = []
        for path in files:
            cached = cache.file_result(path)
            if cached is not None:
                findings.extend(cached.findings)
                _merge(examined, cached.examined)
            else:
                todo.append((path, cache.known_digest(path)))
        linted = 0
        for result in lint_in_parallel(self, todo):
            if result.unchanged:
                result = cache.confirm(result)
            else:
                linted += 1
                cache.store_file(result)
            findings.extend(result.findings)
            _merge(examined, result.examined)
        repo_findings, repo_examined = cache.repo_result() or cache.store_repo(*self._lint_repo())
        findings.extend(repo_findings)
        _merge(examined, repo_examined)
        cache.save()
        findings = [f for f in findings if not self._ignored_for_file(f)]
        findings.sort(key=Finding.sort_key)
        return Result(self.root, findings, examined, list(self.registry.warnings), len(files), linted)

    def lint_file(self, path: str, known_digest: str | None = None) -> FileResult:
        """Read one Python file once and lint it, unless its content hash is `known_digest` (then say so)."""
        data = self.reader.read_bytes(path)
        if data is None:
            return FileResult(path, "")
        digest = content_digest(data)
        signature = stat_signature(self.reader.stat(path))  # read_bytes took it before reading
        if digest == known_digest:
            return FileResult(path, digest, unchanged=True, signature=signature)
        examined: dict[str, int] = {}
        findings = self._lint_python(path, data, examined)
        return FileResult(path, digest, tuple(findings), examined, signature=signature)

    def _ignored_for_file(self, finding: Finding) -> bool:
        return any(
            spec.match_file(finding.path) and best(refs, finding.code, finding.rule) >= 0
            for spec, refs in self.per_file_ignores
        )

    def _finding(self, violation: Violation, path: str) -> Finding:
        rule = violation.rule
        return Finding(
            code=rule.code,
            rule=rule.name,
            category=rule.category,
            severity=self.settings.severity.get(rule.code, rule.severity),
            source="mlrepolint",
            path=violation.path or path,
            line=violation.line,
            column=violation.column,
            message=violation.message,
        )

    def _lint_python(self, path: str, data: bytes, examined: dict[str, int]) -> list[Finding]:
        try:
            module = parse_python(path, data)
        except ParseFailure as failure:
            if not self.rule_enabled(PARSE_ERROR):
                return []
            return [self._finding(Violation(PARSE_ERROR, failure.line, failure.column, failure.message), path)]
        ctx = Context(self.settings.rule_options)
        for checker in self.python_checkers:
            checker.check(module, ctx)
        _merge(examined, ctx.examined)
        found = [self._finding(v, path) for v in ctx.violations if self.rule_enabled(v.rule)]
        return self._suppress(found, Suppressions(module.lines), path)

    def _lint_repo(self) -> tuple[list[Finding], dict[str, int]]:
        ctx = Context(self.settings.rule_options)
        for checker in self._active(self.registry.repo_checkers):
            checker.check(self.repo, ctx)
        found = [self._finding(v, v.path or "") for v in ctx.violations if self.rule_enabled(v.rule)]
        kept: list[Finding] = []
        by_path: dict[str, list[Finding]] = {}
        for finding in found:
            by_path.setdefault(finding.path, []).append(finding)
        for path, group in by_path.items():
            text = self.repo.read_text(path) if any(f.line for f in group) else None
            kept.extend(self._suppress(group, Suppressions(text.splitlines() if text else []), path))
        return kept, ctx.examined

    def _suppress(self, found: list[Finding], suppressions: Suppressions, path: str) -> list[Finding]:
        kept = [f for f in found if not suppressions.suppresses(f)]
        if self.rule_enabled(UNUSED_SUPPRESSION):
            for line, ref in suppressions.unused():
                rule = self.registry.lookup(ref)
                if rule is not None and rule is not UNUSED_SUPPRESSION and self.rule_enabled(rule):
                    kept.append(
                        self._finding(
                            Violation(UNUSED_SUPPRESSION, line, None, f"unused suppression of {rule.code} ({rule.name})"),
                            path,
                        )
                    )
        return kept


def _merge(total: dict[str, int], part: dict[str, int]) -> None:
    for code, count in part.items():
        total[code] = total.get(code, 0) + count
