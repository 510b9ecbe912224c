"""The run: discover files -> parse each Python file once -> run checkers -> suppress -> Result.

Data moves one way: checkers never read the disk except through the repository view, and never print; reports
read the Result and never re-run anything.
"""

from __future__ import annotations

import operator
import os
from functools import cached_property
from pathlib import Path
from typing import Callable, Container, Sequence

from mlrepolint import mask
from mlrepolint.cache import Cache, NoCache, SavedProject, repo_inputs_digest
from mlrepolint.config import MAX_CONFIG_BYTES, NOTEBOOK_WRAPPED_OFF, Settings, toml_problem
from mlrepolint.git import toplevel
from mlrepolint.importscan import forget_scanned
from mlrepolint.patterns import unusable_lines
from mlrepolint.project import TEMPLATE, FactSource, Project, build_project
from mlrepolint.repo import (
    GITIGNORE_READ_BYTES, MAX_READ_BYTES, ReadSource, RepoView, gitignore_spec, is_skipped_dir,
)
from mlrepolint.results import (
    TOO_LARGE, Failing, FileResult, RepoResult, Result, content_digest, lintable, stat_signature,
)
from mlrepolint.rules.base import Checker, Context, Finding, RepoChecker, Rule, Violation
from mlrepolint.rules.meta import PARSE_ERROR, UNUSED_SUPPRESSION
from mlrepolint.rules.registry import Plugin, Registry, load_registry
from mlrepolint.rules.wrapped import DEFAULT_OFF, DUPLICATES, Wrappers
from mlrepolint.selection import Selection, best
from mlrepolint.source import ParseFailure, PythonFile, decode_source_as, line_count, parse_text
from mlrepolint.suppress import Suppressions, may_suppress
from mlrepolint.workers import collector_paused, lint_in_parallel


class UsageError(Exception):
    """A problem with what the user asked for (a path outside the repository...); exit 2."""


def locate(paths: Sequence[Path]) -> tuple[Path, bool]:
    """The repository root for the given paths, and whether it is a git work tree.

    Inside git the root is the top level; outside git it is the folder named (or, for files, the working
    directory when it holds them all, else their common folder).
    """
    resolved = [p.resolve() for p in paths]
    anchor = resolved[0] if resolved[0].is_dir() else resolved[0].parent
    top = toplevel(anchor)
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

    def __init__(
        self, root: Path, is_git: bool, settings: Settings, registry: Registry | None = None,
        view: RepoView | None = None,
    ) -> None:
        self.root = root
        self.is_git = is_git
        self.settings = settings
        self.registry = registry or load_registry()
        self.selection = Selection(
            settings.select, settings.extend_select, settings.ignore,
            default_enabled=lambda code: self._default_enabled(code),
        )
        excludes = settings.exclude + settings.extend_exclude
        self._exclude = gitignore_spec(excludes) if excludes else None
        self.per_file_ignores = [(gitignore_spec([glob]), refs) for glob, refs in settings.per_file_ignores]
        # Per-file work reads through a view that lists nothing, so a worker process builds an Engine without
        # running `git ls-files`; only the main process lists the repository (see `repo`). A given `view` (the
        # `--diff` base, read from git's objects) is both the listing and the reader.
        self.view = view
        self.reader = view if view is not None else RepoView(root, (), is_git)
        self.warnings: list[str] = [*self.registry.warnings, *settings.warnings]
        self._failed: set[type[Checker]] = set()
        self.python_lines = 0
        self._by_file: dict[str, dict[str, int]] = {}  # per-file denominators of the current run
        # The per-file checkers whose rules are selected; each is imported when a file is linted (see python_checkers).
        self._python_plugins = self._active(per_file=True)
        # The notebook profile: which rules run in notebooks' code cells (a rule must be selected as well).
        notebooks = settings.notebooks
        self.notebook_selection = Selection(
            None, notebooks.extend_select + tuple(n for n, on in settings.notebook_rules.items() if on),
            notebooks.ignore + tuple(n for n, on in settings.notebook_rules.items() if not on),
            default_enabled=self._default_in_notebooks,
        )
        self.show_progress = False  # the CLI turns it on; Progress itself stays quiet unless stderr is a terminal
        self.progress_label = "files"
        #: Each Python file's result in the last run, by path (what the `--diff` base reuses).
        self.file_results: dict[str, FileResult] = {}

    @cached_property
    def python_checkers(self) -> list[Checker]:
        """The selected per-file checkers, imported on first use: a run whose files all come from the cache never
        imports them."""
        return [plugin.checker() for plugin in self._python_plugins]

    @cached_property
    def notebook_checkers(self) -> list[Checker]:
        """The selected per-file checkers with a rule of the notebook profile."""
        return [c for c in self.python_checkers if any(self.in_notebooks(r.code, r.name) for r in c.rules)]

    @cached_property
    def repo(self) -> RepoView:
        """The repository, listed once, on first use (never in workers, nor in the flake8 and pylint plugins)."""
        if self.view is not None:
            return self.view
        view = RepoView.open(self.root, self.is_git, self._exclude, remember=self.settings.cache)
        view.share_texts(self.reader)  # the model's prescan reads through the reader, the rules through the view
        return view

    @cached_property
    def project(self) -> Project:
        """The project model, on first use (a run builds it with the cache's help and a worker is handed the main
        process's; the flake8 and pylint plugins and `explain` take the saved one or build it here, once per root)."""
        return self._project(SavedProject.open(self) if self.settings.cache else None, refresh=False)

    def build_project(self, cache: NoCache, refresh: bool = True) -> Project:
        """The project model for a run: the saved one while its files are unchanged, else built again (with the
        saved prescan facts of unchanged files) and saved. With `refresh`, the saved model also records the new
        stat of the files found unchanged after all (a run limited to named files leaves that to a whole run: it
        would rewrite the saved model for one edited file)."""
        self.repo.partials = cache  # the build's per-file shares are kept there too
        self.project = self._project(cache.saved_project(), refresh=refresh)
        return self.project

    def _project(self, saved: SavedProject | None, refresh: bool) -> Project:
        project = saved.project(refresh) if saved is not None else None
        if project is None:
            facts = FactSource(self.reader, saved.facts if saved is not None else lambda path: None)
            with self.repo.recording() as read:  # the files the build reads itself; the facts' reads go apart
                project = build_project(self.repo, facts)
            if saved is not None:
                saved.store(project, read, facts)
        return project

    @cached_property
    def wrappers(self) -> Wrappers:
        """The wrapped tools, set up on first use (the flake8 and pylint plugins' engines wrap none)."""
        own_rules = frozenset(rule.name for rule in self.registry.rules.values())
        return Wrappers(self.reader, self.settings, self.selection, own_rules)

    def excluded(self, rel: str) -> bool:
        """True for a path the settings' `exclude` and `extend-exclude` patterns match."""
        return self._exclude is not None and self._exclude.match_file(rel)

    def _default_enabled(self, code: str) -> bool:
        rule = self.registry.rules.get(code)
        return rule.default_enabled if rule is not None else code not in DEFAULT_OFF

    def _default_in_notebooks(self, code: str) -> bool:
        rule = self.registry.rules.get(code)
        return rule.notebooks if rule is not None else code not in NOTEBOOK_WRAPPED_OFF

    def in_notebooks(self, code: str, name: str | None = None) -> bool:
        """True when the rule (or wrapped code) runs in notebooks' code cells, if it is selected."""
        return code == PARSE_ERROR.code or self.notebook_selection.enabled(code, name)

    def rule_enabled(self, rule: Rule) -> bool:
        """True when the rule is selected."""
        return self.selection.enabled(rule.code, rule.name)

    def _active(self, per_file: bool) -> list[Plugin]:
        """The per-file (or repository) plugins with a selected rule, in registration order; none imported."""
        return [p for p in self.registry.plugins
                if p.per_file is per_file and any(self.rule_enabled(r) for r in p.rules)]

    def scope(self, paths: Sequence[Path]) -> list[str]:
        """The Python files (and notebooks) the per-file rules look at: all of them, or those under the named paths."""
        suffixes = (".py", ".ipynb") if self.settings.notebooks.lint else ".py"
        python = [f.path for f in self.repo.files if f.path.endswith(suffixes)]
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
        """A `.py` file named on the command line is linted (even if git ignores it) unless excluded or never-read.

        Other named files (a `data.csv` or `Dockerfile` that pre-commit passes) are for the repository rules.
        """
        suffixes = (".py", ".ipynb") if self.settings.notebooks.lint else ".py"
        if not rel.endswith(suffixes) or self.excluded(rel):
            return False
        return not any(is_skipped_dir(part) for part in rel.split("/")[:-1])

    def run(self, paths: Sequence[Path], limit_to_paths: bool = False, cache: NoCache | None = None) -> Result:
        """Lint the Python files in scope and the repository; return every finding left after suppression.

        With `limit_to_paths` (the pre-commit hook), repository findings are kept only for the files named in
        `paths` (a staged `data.csv`, `.env` or `Dockerfile`), or below a named folder. `cache` replaces the
        repository's cache (the `--diff` base passes the current run's results).
        """
        with collector_paused():
            return self._run(paths, limit_to_paths, cache)

    def _run(self, paths: Sequence[Path], limit_to_paths: bool, cache: NoCache | None) -> Result:
        files = self.scope(paths)
        if cache is None:
            cache = Cache.open(self) if self.settings.cache else NoCache()
        project = self.build_project(cache, refresh=not limit_to_paths)
        examined: dict[str, int] = {}
        self._by_file, self.python_lines = {}, 0
        done: list[FileResult] = []
        todo: list[tuple[str, str | None]] = []
        for path in files:
            cached = cache.file_result(path)
            if cached is not None:
                done.append(cached)
            else:
                todo.append((path, cache.known_digest(path)))
        repo_result: RepoResult | None = None
        repo_warnings: list[str] = []
        kept = self._named(paths) if limit_to_paths else None  # the paths whose repository findings are kept

        def lint_repo(after_files: bool = False) -> None:  # in this process: while the workers lint, or after
            nonlocal repo_result
            before = len(self.warnings)
            part = self._lint_repo(cache, kept, after_files)
            repo_result = part if repo_result is None else _joined(repo_result, part)
            repo_warnings.extend(self.warnings[before:])
            del self.warnings[before:]  # reported after the files' warnings, however the work overlapped

        linted = 0
        for result in lint_in_parallel(self, todo, meanwhile=lint_repo):
            if result.unchanged:
                result = cache.confirm(result)
            else:
                linted += 1
                cache.store_file(result)
                if result.shares and stat_signature(self.repo.stat(result.path)) == result.signature:
                    self.repo.offer(result.path, result.shares)  # read as the repository checkers see it now
            done.append(result)
        lint_repo(after_files=True)  # the checkers that take shares computed by the per-file pass
        forget_scanned()  # every reader of the files' imports has run
        done.sort(key=lambda r: r.path)  # in path order, so warnings and findings do not depend on --jobs
        self.file_results = {r.path: r for r in done}
        reported: set[str] = set()
        for result in done:
            self._add_file(result, examined, reported)
        self.warnings += repo_warnings
        # Setting up flake8 costs more than a warm run: skipped when nothing was linted and the cache knows its
        # warnings (workers set up their own; the main process reports the warnings once).
        setup_warnings = None if linted else cache.setup_warnings()
        if setup_warnings is None:
            setup_warnings = cache.store_setup_warnings(mask.texts(self.wrappers.setup()))
        self.wrappers.warnings.extend(setup_warnings)  # after the engine's, as the wrappers' always were
        assert repo_result is not None
        repo_findings, repo_examined, failing = repo_result
        if kept is not None:
            repo_findings = [f for f in repo_findings if kept(f.path)]
        _merge(examined, repo_examined)
        uncommented = {r.path for r in done if r.digest and not r.comments}
        # Wrapped tools read the files themselves: only regular files inside the root, of a size that was read,
        # and not templates (which are not Python).
        # Notebooks are not Python files to them: their cells went through the per-file pass.
        readable = [r.path for r in done if lintable(r) and project.kind_of(r.path) != TEMPLATE
                    and not r.path.endswith(".ipynb")]
        whole_run = self._suppress_by_path(self._selected(self.wrappers.whole_run(readable, cache)), uncommented)
        cache.save()  # after ruff, whose findings it keeps
        others = repo_findings + whole_run  # masked by the wrappers (ruff's recorded findings were before)
        findings = _in_order(done, others)
        if self.per_file_ignores:  # a warm run of a large tree has ~100,000 findings to pass through here
            findings = [f for f in findings if not self._ignored_for_file(f)]
        result = Result(
            self.root, findings, self._enabled_only(examined), mask.texts(self.warnings + self.wrappers.finish()),
            len(files),
            python_lines=self.python_lines if self.wrappers.checks_style() else 0,
            examined_by_file={path: self._enabled_only(units) for path, units in self._by_file.items()},
            linted=linted, failing=failing, limited=limit_to_paths,
        )
        from mlrepolint.scoring import score  # here: the flake8 and pylint plugins, which load the engine, never score

        result.scorecard = score(result, self.settings.rubric, self.enabled_rules)
        return result

    @cached_property
    def enabled_rules(self) -> dict[str, Rule]:
        """The selected rules by code: what the scorer counts, and how it tells a deselected category."""
        return {code: rule for code, rule in self.registry.rules.items() if self.rule_enabled(rule)}

    def _add_file(self, result: FileResult, examined: dict[str, int], reported: set[str]) -> None:
        """Fold one file's result into the run: denominators, lines, one warning per failing plugin."""
        _merge(examined, result.examined)
        if result.digest:  # read (an unreadable file has no denominators)
            self._by_file[result.path] = dict(result.examined)
        self.python_lines += result.lines
        for warning in result.warnings:
            plugin = warning.split(" raised ", 1)[0]
            if plugin not in reported:
                reported.add(plugin)
                self.warnings.append(warning)
        for tool, failure in result.failures:
            self.wrappers.record_failure(tool, failure)

    def lint_file(self, path: str, known_digest: str | None = None) -> FileResult:
        """Read one Python file once and lint it, unless its content hash is `known_digest` (then say so).

        A file larger than `max-python-file-size` is not read: it is one parse-error finding saying so (parsing
        costs over a hundred times a file's size in memory), and its digest stands for its size alone.
        """
        notebook = path.endswith(".ipynb")
        # A notebook's outputs (images) can be most of it: it is read up to the read limit, its cells parsed.
        limit = MAX_READ_BYTES if notebook else self.settings.max_python_file_size
        size = self.reader.size(path)
        if size is not None and size > limit:
            return self._too_large(path, size, known_digest, limit)
        data = self.reader.read_bytes(path, limit + 1)  # may be over MAX_READ_BYTES
        if data is None:
            return FileResult(path, "")
        digest = content_digest(data)
        signature = stat_signature(self.reader.stat(path))  # read_bytes took it before reading
        if digest == known_digest:
            return FileResult(path, digest, unchanged=True, signature=signature)
        # Shares only of a file the repository view reads whole too (not over MAX_READ_BYTES).
        source = ReadSource(path, data, size) if self.share_checkers and size is not None and size <= MAX_READ_BYTES \
            else None
        if self.project.kind_of(path) == TEMPLATE:  # not Python until it is rendered: never parsed
            return FileResult(path, digest, signature=signature, comments=False, shares=self._shares(source))
        self._failed.clear()  # each file reports its own plugin failures; the main process keeps one per plugin
        before = len(self.warnings)
        findings, examined, lines = (self._lint_notebook if notebook else self._lint_python)(path, data, source)
        shares = self._shares(source)
        warnings = tuple(self.warnings[before:])
        del self.warnings[before:]
        findings = mask.findings(findings)  # here, before the cache stores them or anything prints them
        findings.sort(key=Finding.sort_key)  # here, in the workers, so that the run need not sort them all
        return FileResult(
            path, digest, tuple(findings), examined, signature=signature, lines=lines, comments=may_suppress(data),
            warnings=warnings, failures=tuple(self.wrappers.take_failures()), shares=shares,
        )

    @cached_property
    def share_checkers(self) -> list[tuple[Plugin, RepoChecker]]:
        """The selected repository checkers that take shares of a file from the per-file pass, which reads it
        anyway (see `RepoChecker.shares_of_source`), with their plugins; imported on first use."""
        return [(p, p.checker()) for p in self._active(per_file=False) if p.shares]  # type: ignore[misc]

    def _shares(self, source: ReadSource | None) -> tuple[tuple[str, object], ...]:
        """The repository checkers' shares of a file read by the per-file pass, for the main process to offer them
        to the repository view. A plugin's that raises is left out: its `check` computes it, and warns if need be."""
        if source is None:
            return ()
        ctx = Context(self.settings.rule_options, self.project)
        shares: list[tuple[str, object]] = []
        for plugin, checker in self.share_checkers:
            try:
                shares += checker.shares_of_source(source, ctx).items()
            except Exception:
                if plugin.builtin:
                    raise  # a bug in mlrepolint itself must be seen, not hidden
        return tuple(shares)

    def _too_large(self, path: str, size: int, known_digest: str | None, limit: int) -> FileResult:
        digest = f"{TOO_LARGE}{size}"
        signature = stat_signature(self.reader.stat(path))
        if digest == known_digest:
            return FileResult(path, digest, unchanged=True, signature=signature)
        setting = " (max-python-file-size)" if limit == self.settings.max_python_file_size else ""
        failure = ParseFailure(f"not parsed: {size:,} bytes, over the limit of {limit:,}{setting}")
        return FileResult(path, digest, tuple(self._parse_error(failure, path)), {PARSE_ERROR.code: 1},
                          signature=signature, comments=False)

    def _enabled_only(self, examined: dict[str, int]) -> dict[str, int]:
        """Denominators of the rules that run (a checker examines for all its rules, even deselected ones)."""
        enabled = self._enabled_codes
        return {code: n for code, n in examined.items() if code in enabled}

    @cached_property
    def _enabled_codes(self) -> frozenset[str]:
        return frozenset(code for code, rule in self.registry.rules.items() if self.rule_enabled(rule))

    def _named(self, named: Sequence[Path]) -> Callable[[str], bool]:
        """A test of a listed path: True when it is one of the `named` paths or lies below a named folder."""
        files: set[str] = set()
        prefixes: list[str] = []
        for path in named:
            resolved = path.resolve()
            try:
                rel = resolved.relative_to(self.root).as_posix()
            except ValueError:
                continue
            if resolved.is_dir():
                prefixes.append("" if rel == "." else rel + "/")
            else:
                files.add(rel)
        below = tuple(prefixes)
        return lambda rel: bool(rel) and (rel in files or rel.startswith(below))

    def _check(self, checker: Checker, target: PythonFile | RepoView, ctx: Context, where: str) -> None:
        """Run one checker. A third-party checker that raises loses its findings there and the run goes on."""
        before = len(ctx.violations)
        try:
            checker.check(target, ctx)  # type: ignore[arg-type]
        except Exception as exc:
            plugin = next((p for p in self.registry.plugins if p.loaded and p.checker is type(checker)), None)
            if plugin is None or plugin.builtin:
                raise  # a bug in mlrepolint itself must be seen, not hidden
            del ctx.violations[before:]
            if type(checker) not in self._failed:  # one warning per checker, not one per file
                self._failed.add(type(checker))
                self.warnings.append(
                    f"plugin {plugin.label} raised {type(exc).__name__}: {exc} on {where}; "
                    "its findings there are left out"
                )

    def _selected(self, wrapped: list[Finding]) -> list[Finding]:
        """Wrapped findings that are selected and not duplicates of a running mlrepolint rule."""
        keep: dict[tuple[str, str], bool] = {}  # decided once a code: ruff can report ~100,000 findings
        kept = []
        for finding in wrapped:
            key = (finding.code, finding.rule)
            selected = keep.get(key)
            if selected is None:
                selected = keep[key] = self.selection.enabled(*key) and not self._duplicate(finding.code)
            if selected:
                kept.append(finding)
        return kept

    def _duplicate(self, code: str) -> bool:
        own = self.registry.lookup(DUPLICATES.get(code, ""))
        return own is not None and self.rule_enabled(own)

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
            severity=self.settings.severity.get(rule.code, violation.severity or rule.severity),
            source="mlrepolint",
            path=violation.path or path,
            line=violation.line,
            column=violation.column,
            message=violation.message,
            cell=violation.cell,
        )

    @cached_property
    def parses(self) -> bool:
        """True when the per-file pass needs each Python file parsed: an own per-file rule, flake8 (which runs
        inside that pass), parse-error or unused-suppression is selected. Otherwise (`--select E,W,F` with the ruff
        backend) a file costs a read and a line count, the PEP 8 rate's denominator, and no worker is started."""
        return bool(
            self._python_plugins or self.wrappers.pep8_backend == "flake8"
            or self.rule_enabled(PARSE_ERROR) or self.rule_enabled(UNUSED_SUPPRESSION)
        )

    def _lint_python(
        self, path: str, data: bytes, source: ReadSource | None = None
    ) -> tuple[list[Finding], dict[str, int], int]:
        """Findings, denominators and line count of one Python file's bytes.

        The line count (the PEP 8 rate's denominator) is of the lines the PEP 8 tool checks: flake8 runs on parsed
        files only, while ruff checks a file Python cannot parse too, so with ruff (or no PEP 8 tool) every file
        that decodes counts, parsed or not, and a run that parses nothing counts the same.
        """
        examined = {PARSE_ERROR.code: 1}
        try:
            text, encoding = decode_source_as(data)
        except ParseFailure as failure:
            return self._parse_error(failure, path), examined, 0
        same_text = source is not None and encoding == "utf-8"  # what the repository view's `read_text` gives too
        if same_text:
            source.text = text  # type: ignore[union-attr]
        if not self.parses:
            return [], examined, line_count(text)
        try:
            module = parse_text(path, text)
        except ParseFailure as failure:
            lines = 0 if self.wrappers.pep8_backend == "flake8" else line_count(text)
            return self._parse_error(failure, path), examined, lines
        if same_text:
            source.module = module  # type: ignore[union-attr]
        findings, checked = self._check_module(module)
        _merge(examined, checked)
        return findings, examined, len(module.lines)

    def _lint_notebook(
        self, path: str, data: bytes, source: ReadSource | None = None
    ) -> tuple[list[Finding], dict[str, int], int]:
        """Findings, denominators and line count of one notebook's code cells, each finding in its cell.

        The cells are one module (see `notebook_module`), so a name an earlier cell defines is defined, and every
        per-file checker and flake8 see it once; a cell that does not parse is a parse-error naming it. A file that
        is not notebook JSON is the notebook rules' parse-error (they read every notebook), not one here."""
        from mlrepolint.notebook import notebook_module, parse_notebook  # here: most runs lint no notebook

        examined = {PARSE_ERROR.code: 1}
        notebook = parse_notebook(data)
        if source is not None:
            source.notebook = notebook
        if notebook.error is not None:
            return [], examined, 0
        module, failures = notebook_module(path, notebook)
        findings = [f._replace(cell=number) for number, failure in failures for f in self._parse_error(failure, path)]
        checked: dict[str, int] = {}
        if module.tree.body or module.text:
            found, checked = self._check_module(module, notebook=True)
            findings += _in_cells(found, module)
        _merge(examined, checked)
        return findings, examined, len(module.lines)

    def _parse_error(self, failure: ParseFailure, path: str) -> list[Finding]:
        if not self.rule_enabled(PARSE_ERROR):
            return []
        return [self._finding(Violation(PARSE_ERROR, failure.line, failure.column, failure.message), path)]

    def lint_module(self, module: PythonFile) -> list[Finding]:
        """mlrepolint's findings for a file parsed elsewhere (by flake8 or pylint), every suppression applied. (Not
        masked: the host prints its own messages unmasked, and the plugins must not load the repository rules.)"""
        findings, _ = self._check_module(module)
        return [f for f in findings if not self._ignored_for_file(f)]

    def _check_module(self, module: PythonFile, notebook: bool = False) -> tuple[list[Finding], dict[str, int]]:
        """Run the per-file checkers and the per-file wrapped tools on a parsed file (a notebook's: the rules of the
        notebook profile); apply inline suppressions."""
        ctx = Context(self.settings.rule_options, self.project)
        for checker in self.notebook_checkers if notebook else self.python_checkers:
            self._check(checker, module, ctx, module.path)
        found = [self._finding(v, module.path) for v in ctx.violations if self.rule_enabled(v.rule)]
        found += self._selected(self.wrappers.per_file(module))
        if notebook:
            found = [f for f in found if self.in_notebooks(f.code, f.rule)]
            rules = self.registry.rules
            ctx.examined = {code: n for code, n in ctx.examined.items()
                            if code in rules and self.in_notebooks(code, rules[code].name)}
        if not self.settings.honours_suppressions:  # `grade`: a submission cannot hide its own findings
            return found, ctx.examined
        return self._suppress(found, Suppressions(module.lines), module.path), ctx.examined

    def _lint_repo(
        self, cache: NoCache, kept: Callable[[str], bool] | None = None, after_files: bool = False
    ) -> RepoResult:
        """The repository checkers' findings, examined units and failing units. Each checker's result is cached
        apart, with the stat of every file it read: a changed file re-runs only the checkers that read it (and
        they redo only that file's share of their work, see `RepoView.per_file`). In a run limited to the paths `kept`
        accepts, a checker whose findings are by file (see `RepoChecker.by_file`) looks at those files only. The
        checkers that take shares from the per-file pass run `after_files`, the others before."""
        listing = repo_inputs_digest(self)
        view: RepoView | None = None  # of the kept files, for the by-file checkers
        parts: list[tuple[str | None, Callable[[Context], None]]] = (
            [] if after_files else [("engine:inputs", self._input_problems)])
        for plugin in self._active(per_file=False):  # each checker imported only when its result is not cached
            if plugin.shares != after_files:
                continue
            if kept is not None and plugin.by_file:
                if view is None:
                    view = self._named_view(kept)
                parts.append((None, lambda ctx, plugin=plugin, view=view: self._check_repo(plugin, view, ctx)))
            else:
                parts.append((plugin.target, lambda ctx, plugin=plugin: self._check_repo(plugin, self.repo, ctx)))
        findings: list[Finding] = []
        examined: dict[str, int] = {}
        failing: Failing = {}
        for name, run in parts:
            if name is None:  # on the named files only: not the checker's result (their shares are cached)
                result, _ = self._repo_part(run, kept)
            elif (result := cache.repo_part(name, listing)) is None:
                warned = len(self.warnings)
                with self.repo.recording() as read:
                    result, narrowed = self._repo_part(run, kept)
                # Recorded unless a plugin failed (it runs, and is warned about, again next time), or the checker
                # left out what a run limited to named files drops (then it is not the checker's whole result).
                if len(self.warnings) == warned and not narrowed:
                    cache.store_repo_part(name, listing, read, result)
            found, counted, units = result
            findings += found
            _merge(examined, counted)
            for code, where in units.items():
                _merge(failing.setdefault(code, {}), where)
        return findings, examined, failing

    def _check_repo(self, plugin: Plugin, view: RepoView, ctx: Context) -> None:
        self._check(plugin.checker(), view, ctx, "the repository")

    def _named_view(self, kept: Callable[[str], bool]) -> RepoView:
        """The repository view listing only the files `kept` accepts (named, or below a named folder)."""
        listed = [f for f in self.repo.files if kept(f.path)]
        view = RepoView(self.root, listed, self.repo.is_git, self.repo.skipped_dirs)
        view.partials = self.repo.partials
        view.offered = self.repo.offered
        return view

    def _repo_part(
        self, run: Callable[[Context], None], kept: Callable[[str], bool] | None,
    ) -> tuple[RepoResult, bool]:
        """One repository checker's findings (selected, suppressed, masked), examined and failing units; and
        whether it left out work whose findings the run would not keep (about paths `kept` refuses)."""
        ctx = Context(self.settings.rule_options, self.project, kept)
        run(ctx)
        enabled = [v for v in ctx.violations if self.rule_enabled(v.rule)]
        units: Failing = {}
        for v in enabled:
            where = units.setdefault(v.rule.code, {})
            where[v.path or ""] = where.get(v.path or "", 0) + v.units
        multiple = {(v.rule.code, v.path or "") for v in enabled if v.units > 1}
        failing: Failing = {}
        for code, path in multiple:  # a path where one finding stands for several units: all its units
            failing.setdefault(code, {})[path] = units[code][path]
        found = [self._finding(v, v.path or "") for v in enabled]
        return (mask.findings(self._suppress_by_path(found)), ctx.examined, failing), ctx.narrowed

    def _input_problems(self, ctx: Context) -> None:
        """A parse-error for each pyproject.toml, and the root's mlrepolint.toml, that is not valid TOML: the run
        did without it (see `repo_settings`), and so do pip and every tool that reads it; and one for each
        .gitignore line too long to be a pattern, which the file list and the rules did without."""
        for f in self.repo.files:
            if f.name == ".gitignore":
                data = self.repo.read_bytes(f.path, GITIGNORE_READ_BYTES)
                lines = data.decode("utf-8", errors="replace").splitlines() if data else []
                for line, message in unusable_lines(lines):
                    ctx.report(PARSE_ERROR, line, None, message, path=f.path)
            elif f.name == "pyproject.toml" or f.path == "mlrepolint.toml":
                if self.project.kind_of(f.path) == TEMPLATE:
                    continue  # TOML only once rendered (`name = {{ cookiecutter.name|tojson }}`)
                size = self.repo.size(f.path)
                data = self.repo.read_bytes(f.path) if size is not None and size <= MAX_CONFIG_BYTES else None
                problem = toml_problem(data) if data is not None else None
                if problem is not None:
                    ctx.report(PARSE_ERROR, problem.line, None, problem.message, path=f.path)

    def _suppress_by_path(self, found: list[Finding], uncommented: Container[str] = ()) -> list[Finding]:
        """Suppression for findings about any files, reading a file's comments only when a finding has a line
        (and the file is not among the `uncommented`, known to have no suppression comment)."""
        if not self.settings.honours_suppressions:
            return found
        kept: list[Finding] = []
        by_path: dict[str, list[Finding]] = {}
        for finding in found:
            by_path.setdefault(finding.path, []).append(finding)
        for path, group in by_path.items():
            if path in uncommented:
                kept += group
                continue
            text = self.repo.read_text(path) if any(f.line for f in group) else None
            kept.extend(self._suppress(group, Suppressions.of_text(text or ""), path))
        return kept

    def _suppress(self, found: list[Finding], suppressions: Suppressions, path: str) -> list[Finding]:
        kept = suppressions.kept(found)
        if self.rule_enabled(UNUSED_SUPPRESSION):
            for line, ref in suppressions.unused():
                rule = self.registry.lookup(ref)
                if rule is not None and rule is not UNUSED_SUPPRESSION and self.rule_enabled(rule):
                    message = f"unused suppression of {rule.code} ({rule.name})"
                    kept.append(self._finding(Violation(UNUSED_SUPPRESSION, line, None, message), path))
        return kept


def _joined(first: RepoResult, second: RepoResult) -> RepoResult:
    """Two parts of the repository checkers' result as one."""
    examined = dict(first[1])
    _merge(examined, second[1])
    failing = {code: dict(where) for code, where in first[2].items()}
    for code, where in second[2].items():
        _merge(failing.setdefault(code, {}), where)
    return first[0] + second[0], examined, failing


def _in_cells(found: list[Finding], module: PythonFile) -> list[Finding]:
    """A notebook module's findings placed in their cells (line and column within the cell); a finding on the
    lines between two cells (a style finding about the joint, which Jupyter users never see) is dropped."""
    cells = module.notebook
    assert cells is not None
    placed = []
    for finding in found:
        if finding.line is None or finding.cell is not None:  # the whole notebook, or already in its cell
            placed.append(finding)
            continue
        where = cells.locate(finding.line)
        if where is not None:
            placed.append(finding._replace(cell=where[0], line=where[1]))
    return placed


def _in_order(results: list[FileResult], others: list[Finding]) -> list[Finding]:
    """Every finding in `Finding.sort_key` order, from the files' results (each sorted, in path order) and the
    other findings (repository rules, whole-run tools): only a path that has both is sorted again."""
    files: dict[str, tuple[Finding, ...]] = {}
    strays: list[Finding] = []  # a plugin that reported on another file: sorted with the others
    for result in results:
        found = result.findings
        if found and found[0].path == found[-1].path == result.path:
            files[result.path] = found
        else:
            strays += found
    by_path: dict[str, list[Finding]] = {}
    for finding in _sorted(others + strays):
        by_path.setdefault(finding.path, []).append(finding)
    ordered: list[Finding] = []
    for path in sorted(files.keys() | by_path.keys()):
        own, other = files.get(path, ()), by_path.get(path)
        if other is None:
            ordered += own
        else:
            ordered += _sorted([*own, *other]) if own else other
    return ordered


#: `Finding.sort_key` for findings with a line and column (a C function, not a method call per finding).
_BY_PLACE = operator.itemgetter(*(Finding._fields.index(name) for name in ("path", "cell", "line", "column", "code",
                                                                           "message")))


def _sorted(findings: list[Finding]) -> list[Finding]:
    """Findings in `Finding.sort_key` order (a whole-run tool can report a few hundred thousand)."""
    try:
        return sorted(findings, key=_BY_PLACE)  # the same order while every line and column is known
    except TypeError:  # a None position met an int or another None
        return sorted(findings, key=Finding.sort_key)


def _merge(total: dict[str, int], part: dict[str, int]) -> None:
    for code, count in part.items():
        total[code] = total.get(code, 0) + count
