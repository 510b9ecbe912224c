"""Test reports the user names (`--junit FILE`, `--coverage FILE`): the pass rate and the line coverage.

The reports are run inputs, not repository files: a test run writes them, and the user hands them over on the
command line (never through the repository's configuration, which could name any file on the machine). Each is
read once, at most `MAX_BYTES`, and parsed with the standard library's XML parser after refusing any document
type declaration, so no entity is ever expanded and nothing is fetched. Messages carry test names and numbers,
never the failure text (which may quote anything, credentials included).

- `failing-tests` (MLR705): one unit per test case run (skipped ones left out); each failed or erroring case is a
  finding on the test's file when the report's class name maps to one.
- `low-coverage` (MLR706): the lines a `target` share of coverage asks for are the units; the one finding fails
  those not covered (60% covered at a target of 80% scores 0.75).
"""

from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Iterable

from mlrepolint.rules.base import Finding, Rule
from mlrepolint.rules.meta import FAILING_TESTS, LOW_COVERAGE

if TYPE_CHECKING:
    from xml.etree import ElementTree

    from mlrepolint.engine import Engine
    from mlrepolint.results import Result

#: Reports larger than this are refused (a JUnit report of 100,000 test cases is about 20 MB).
MAX_BYTES = 64 * 1024 * 1024
#: Failed test cases reported one by one; the last finding stands for the rest.
MAX_FAILURES = 100
NAME_LIMIT = 200


class ReportError(Exception):
    """A report that cannot be read as what it claims to be; the message is one line for the user."""


@dataclass(frozen=True)
class Failure:
    """One finding a report gives: where, what, and how many units it fails."""

    path: str
    message: str
    units: int = 1


@dataclass(frozen=True)
class Report:
    """What one report contributes: its rule, the units it examined, and its failures."""

    rule: Rule
    examined: int
    failures: tuple[Failure, ...] = field(default_factory=tuple)


def read_xml(path: Path, flag: str) -> ElementTree.Element:
    """The report's root element; ReportError when it is too large, unreadable, has a DTD or is not XML."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReportError(f"{flag} {path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise ReportError(f"{flag} {path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise ReportError(f"{flag} {path}: document type declarations are not accepted")
    from xml.etree import ElementTree  # here: every run knows this module's rules, few read a report

    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ReportError(f"{flag} {path}: not XML ({exc})") from None


def junit_report(path: Path, where: str, files: Collection[str]) -> Report:
    """The failing-tests contribution of a JUnit XML report; `where` names the report in findings."""
    root = read_xml(path, "--junit")
    if root.tag not in ("testsuites", "testsuite"):
        raise ReportError(f"--junit {path}: not a JUnit XML report (the root is <{root.tag}>, not <testsuites>)")
    ran = 0
    failed: list[Failure] = []
    for case in root.iter("testcase"):
        outcome = {child.tag for child in case}
        if "skipped" in outcome:
            continue
        ran += 1
        if outcome & {"failure", "error"}:
            name = _name(case)
            verb = "raised an error" if "error" in outcome and "failure" not in outcome else "failed"
            failed.append(Failure(_test_file(case, files) or where, f"test {name} {verb}"))
    if ran == 0:
        return Report(FAILING_TESTS, 1, (Failure(where, "the JUnit report has no test case that ran"),))
    if len(failed) > MAX_FAILURES:
        rest = len(failed) - MAX_FAILURES + 1
        failed = failed[: MAX_FAILURES - 1] + [Failure(where, f"{rest} more tests failed", rest)]
    return Report(FAILING_TESTS, ran, tuple(failed))


def coverage_report(path: Path, where: str, target: float) -> Report:
    """The low-coverage contribution of a Cobertura XML report."""
    root = read_xml(path, "--coverage")
    if root.tag != "coverage":
        raise ReportError(f"--coverage {path}: not a Cobertura XML report (the root is <{root.tag}>, not <coverage>)")
    valid, covered = _count(root.get("lines-valid")), _count(root.get("lines-covered"))
    if valid is None or covered is None:
        hits = [_count(line.get("hits")) or 0 for line in root.iter("line")]
        valid, covered = len(hits), sum(1 for h in hits if h > 0)
    covered = min(covered, valid)
    if valid == 0:
        return Report(LOW_COVERAGE, 0)
    expected = max(1, math.ceil(valid * min(max(target, 0.0), 100.0) / 100.0))
    if covered >= expected:
        return Report(LOW_COVERAGE, expected)
    message = (
        f"line coverage {100.0 * covered / valid:.1f}% ({covered:,} of {valid:,} lines) is below the target of "
        f"{target:g}%"
    )
    return Report(LOW_COVERAGE, expected, (Failure(where, message, expected - covered),))


def _count(value: str | None) -> int | None:
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is None or number >= 0 else None


def _name(case: ElementTree.Element) -> str:
    """`tests.test_train::test_fit`, printable and bounded."""
    classname, name = case.get("classname") or "", case.get("name") or "?"
    text = f"{classname}::{name}" if classname else name
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 3] + "..."


def _test_file(case: ElementTree.Element, files: Collection[str]) -> str | None:
    """The repository file a test case is in: its `file` attribute, or the longest prefix of its dotted class
    name that names a Python file (`tests.test_train.TestFit` -> tests/test_train.py)."""
    named = (case.get("file") or "").replace("\\", "/")
    if named and posixpath.normpath(named) in files:
        return posixpath.normpath(named)
    parts = (case.get("classname") or "").split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if candidate in files:
            return candidate
    return None


def display(path: Path, root: Path) -> str:
    """The report's path as findings name it: relative to the repository when inside it, else its name."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


def with_reports(result: Result, reports: Iterable[Report], engine: Engine) -> Result:
    """The result with the reports' findings and units added (rules that are selected only), scored again."""
    from mlrepolint.scoring import score

    findings, examined = list(result.findings), dict(result.examined)
    failing = {code: dict(units) for code, units in result.failing.items()}
    added = False
    for report in reports:
        rule = report.rule
        if not engine.rule_enabled(rule):
            continue
        added = True
        if report.examined:
            examined[rule.code] = examined.get(rule.code, 0) + report.examined
        severity = engine.settings.severity.get(rule.code, rule.severity)
        for failure in report.failures:
            findings.append(Finding(
                rule.code, rule.name, rule.category, severity, "mlrepolint", failure.path, None, None,
                failure.message,
            ))
        multiple = {f.path for f in report.failures if f.units > 1}
        for path in multiple:
            failing.setdefault(rule.code, {})[path] = sum(f.units for f in report.failures if f.path == path)
    if not added:
        return result
    findings.sort(key=Finding.sort_key)
    updated = replace(result, findings=findings, examined=examined, failing=failing)
    updated.scorecard = score(updated, engine.settings.rubric, engine.enabled_rules)
    return updated


def read_reports(junit: Path | None, coverage: Path | None, engine: Engine) -> list[Report]:
    """The reports the user named, read before anything is linted (a broken one is a usage error)."""
    reports = []
    if junit is not None:
        reports.append(junit_report(junit, display(junit, engine.root), engine.repo.paths))
    if coverage is not None:
        target = engine.settings.rule_options.get(LOW_COVERAGE.name, LOW_COVERAGE.options)["target"]
        reports.append(coverage_report(coverage, display(coverage, engine.root), float(target)))
    return reports
