"""`--fix`, `--fix --unsafe-fixes` and `--fix-diff`: fixes for the findings of a run.

A fix is planned from the findings the run reports (so noqa, `--select`, `--limit-to-paths`, the baseline and
`--diff` decide what is fixed, as they decide what is shown), through the repository view (the same safe reads
the rules make), into whole-file edits: each is the file's bytes before and after. Which rules have fixes, and
how safe each is, is declared on the rule (`Rule.autofixes`); the code that makes them is here, one module per
kind of file. Edits are written by `write.write_file` (inside the root, never through a symlink, atomically,
keeping the mode), or printed as unified diffs (masked and escaped, like every message) for `--fix-diff`.
"""

from __future__ import annotations

import difflib
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from mlrepolint.project import ENTRY_SCRIPT
from mlrepolint.rules.base import Applicability, Finding

NOTEBOOK = "notebook-with-outputs"
GITIGNORE = ("gitignore-gaps", "missing-gitignore")
UNPINNED = "unpinned-requirement"
MAIN = ("top-level-execution", "missing-main-guard")
#: Dependency files whose unpinned entries are not requirements-file lines (conda, Pipfile, MLflow).
_NOT_REQUIREMENTS = ("environment*.yml", "environment*.yaml", "conda.y*ml", "Pipfile", "python_env.y*ml", "*.y*ml")


@dataclass
class Edit:
    """One file's fix: its bytes before (None: a new file) and after, and the findings it fixes."""

    path: str
    before: bytes | None
    after: bytes
    fixes: list[Finding]
    applicability: Applicability = Applicability.SAFE
    notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """The edits for a run's findings, and the fixable findings that were not fixed with the reason (only the
    reasons worth a line: a script the unsafe fix would not restructure, a file that could not be written)."""

    edits: list[Edit] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def applied(self, unsafe: bool) -> list[Edit]:
        """The edits the flags allow."""
        return [e for e in self.edits if unsafe or e.applicability is Applicability.SAFE]

    def hidden(self, unsafe: bool) -> int:
        """Findings only `--unsafe-fixes` would fix."""
        return 0 if unsafe else sum(len(e.fixes) for e in self.edits if e.applicability is Applicability.UNSAFE)


def plan(engine, findings: Sequence[Finding], unsafe: bool = False, pin_from_env: bool = False) -> Plan:
    """The edits that fix `findings` (unsafe edits are planned either way, so their count can be shown)."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.source == "mlrepolint":
            by_rule.setdefault(finding.rule, []).append(finding)
    repo, project = engine.repo, engine.project
    settings = engine.settings

    def options(rule):
        return settings.rule_options.get(rule.name, rule.options)

    result = Plan()
    for path, group in _by_path(by_rule.get(NOTEBOOK, ())).items():
        _notebook(repo, path, group, result)
    gaps = [f for name in GITIGNORE for f in by_rule.get(name, ())]
    if gaps:
        from mlrepolint.fixes import gitignore

        before, after, entries = gitignore.fix(repo, project, options, gaps)
        if entries and after != before:
            result.edits.append(Edit(".gitignore", before, after, gaps, notes=[f"added {', '.join(entries)}"]))
    unpinned = by_rule.get(UNPINNED, ())
    if unpinned:
        _pins(repo, unpinned, result, from_env=unsafe and pin_from_env)
    scripts = [f for name in MAIN for f in by_rule.get(name, ())]
    for path, group in _by_path(scripts).items():
        _script(repo, project, options, path, group, result)
    # Only files of the repository's listing are ever rewritten; the one file a fix may create is the root
    # .gitignore (a finding's path could name anything a plugin reported).
    result.edits = [e for e in result.edits if e.path in repo.paths or (e.path == ".gitignore" and e.before is None)]
    return result


def _by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _notebook(repo, path: str, group: list[Finding], result: Plan) -> None:
    from mlrepolint.fixes.notebooks import Unfixable, strip

    data = repo.read_bytes(path)
    if data is None:
        result.refused.append((path, "cannot be read (too large, or not a regular file inside the repository)"))
        return
    try:
        after = strip(data)
    except (Unfixable, UnicodeDecodeError) as exc:
        reason = str(exc) if isinstance(exc, Unfixable) else "not UTF-8"
        result.refused.append((path, f"outputs not stripped: {reason}"))
        return
    if after is not None and after != data:
        result.edits.append(Edit(path, data, after, group))


def _pins(repo, unpinned: list[Finding], result: Plan, from_env: bool) -> None:
    from fnmatch import fnmatch

    from mlrepolint.fixes.pins import ENVIRONMENT, Locks, environment, fix

    locks = Locks(repo)
    if not locks.by_folder and not from_env:
        return
    for path, group in _by_path(unpinned).items():
        if any(fnmatch(posixpath.basename(path), glob) for glob in _NOT_REQUIREMENTS):
            continue  # conda, Pipfile and MLflow files: pinned by their own tools
        data = repo.read_bytes(path)
        if data is None:
            continue
        text = data.decode("utf-8", errors="surrogateescape")
        new, pins, _ = fix(text, path, group, locks, from_env)
        if not pins:
            continue
        pinned_lines = {p.line for p in pins}
        unsafe = any(p.applicability is Applicability.UNSAFE for p in pins)
        sources = sorted({p.source for p in pins})
        notes = [f"pinned from {source}" + (f" {environment()}" if source == ENVIRONMENT else "") for source in sources]
        result.edits.append(Edit(
            path, data, new.encode("utf-8", errors="surrogateescape"), [f for f in group if f.line in pinned_lines],
            Applicability.UNSAFE if unsafe else Applicability.SAFE, notes,
        ))


def _script(repo, project, options, path: str, group: list[Finding], result: Plan) -> None:
    from mlrepolint.fixes.mainfunc import Refused, fix

    role = project.role(path)
    if role is None or role.kind != ENTRY_SCRIPT:
        return  # a library module's work is not the script fix's: nothing to say for each one
    data = repo.read_bytes(path)
    if data is None:
        return
    try:
        after = fix(path, data, project, options)
    except Refused as exc:
        result.refused.append((path, f"not moved into main(): {exc}"))
        return
    result.edits.append(Edit(path, data, after, group, Applicability.UNSAFE))


def diff(edit: Edit) -> str:
    """The edit as a unified diff (`a/path`, `b/path`; a new file from /dev/null), every line masked and
    escaped: what it removes can be a notebook output that printed a credential."""
    from mlrepolint import mask
    from mlrepolint.reports.escape import printable

    def lines(data: bytes | None) -> list[str]:
        return [] if data is None else data.decode("utf-8", errors="replace").splitlines(keepends=True)

    name = printable(edit.path)
    rows = list(difflib.unified_diff(
        lines(edit.before), lines(edit.after), "/dev/null" if edit.before is None else f"a/{name}", f"b/{name}",
    ))
    out = []
    for row in rows:
        body = row.rstrip("\r\n")
        out.append(printable(body) + "\n")
        if not row.endswith("\n"):
            out.append("\\ No newline at end of file\n")
    return "".join(mask.texts(out))


def fixed_count(before: Sequence[Finding], after: Sequence[Finding], paths: Iterable[str]) -> int:
    """How many findings on the edited files are gone after the fix (by rule, file and message: lines move)."""
    paths = set(paths)

    def keys(findings: Sequence[Finding]) -> Counter:
        return Counter((f.code, f.path, f.message) for f in findings if f.path in paths)

    return sum((keys(before) - keys(after)).values())


def write(root, edits: Sequence[Edit]) -> tuple[list[Edit], list[tuple[str, str]]]:
    """Write each edit (see `write.write_file`); the edits written, and each one refused with the reason."""
    from mlrepolint.fixes.write import WriteRefused, write_file

    written, refused = [], []
    for edit in edits:
        try:
            write_file(str(root), edit.path, edit.after, edit.before)
        except WriteRefused as exc:
            refused.append((edit.path, f"not written: {exc}"))
        else:
            written.append(edit)
    return written, refused


def plural(count: int, word: str) -> str:
    """`1 finding`, `2 findings`."""
    return f"{count} {word}{'s' if count != 1 else ''}"
