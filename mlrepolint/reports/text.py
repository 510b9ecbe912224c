"""`--format text`: one line per finding, `path:line:col: CODE message (name)`, then a summary."""

from __future__ import annotations

from collections import Counter

import click

from mlrepolint.engine import Result
from mlrepolint.rules.base import Finding, Severity

COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def location(finding: Finding) -> str:
    """`path:line:col` (or `path:line`, or `path` for whole-file findings)."""
    parts = [finding.path]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(parts)


def format_finding(finding: Finding, color: bool) -> str:
    """One finding on one line."""
    code = click.style(finding.code, fg=COLORS[finding.severity], bold=True) if color else finding.code
    where = click.style(location(finding), bold=True) if color else location(finding)
    return f"{where}: {code} {finding.message} ({finding.rule})"


def summary(result: Result) -> str:
    """`Found N findings (a errors, b warnings, c info) in F Python files.` or `No findings ...`."""
    counts = Counter(f.severity for f in result.findings)
    checked = f"{result.python_files} Python file{'s' if result.python_files != 1 else ''}"
    if not result.findings:
        return f"No findings in {checked} and the repository."
    total = len(result.findings)
    detail = ", ".join(
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in Severity if counts[s]
    )
    return f"Found {total} finding{'s' if total != 1 else ''} ({detail}) in {checked} and the repository."


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The findings, then a summary line (left out when quiet)."""
    lines = [format_finding(f, color) for f in result.findings]
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")
