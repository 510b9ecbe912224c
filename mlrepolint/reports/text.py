"""`--format text`: one line per finding, `path:line:col: CODE message (name)`, then each rule's fix once (with
its count), the rubric table, the score and grade, and a summary line. Readable without colour; colour only adds
emphasis."""

from __future__ import annotations

from collections import Counter

import click

from mlrepolint.reports.escape import printable_findings
from mlrepolint.results import Result
from mlrepolint.rules.base import Finding, Severity
from mlrepolint.scoring import BaseScore, Scorecard, card_of, costs_line, format_change, format_score, grade_reason

COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def location(finding: Finding) -> str:
    """`path:line:col` (or `path:line`, or `path` for whole-file findings); in a notebook `path:cell N:line:col`."""
    if finding.cell is not None:
        return ":".join([finding.path, f"cell {finding.cell}", *(str(v) for v in (finding.line, finding.column) if v)])
    if finding.line is None:
        return finding.path
    if finding.column is None:
        return f"{finding.path}:{finding.line}"
    return f"{finding.path}:{finding.line}:{finding.column}"


def format_finding(finding: Finding, color: bool) -> str:
    """One finding on one line."""
    if not color:
        return f"{location(finding)}: {finding.code} {finding.message} ({finding.rule})"
    code = click.style(finding.code, fg=COLORS[finding.severity], bold=True)
    return f"{click.style(location(finding), bold=True)}: {code} {finding.message} ({finding.rule})"


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


GRADE_COLORS = {"A": "green", "B": "green", "C": "yellow", "D": "yellow", "F": "red"}


def rubric_table(card: Scorecard) -> list[str]:
    """One row per category: title, score (or n/a), weight, the rules that cost overall points."""
    rows = [("Category", "Score", "Weight", "What cost points")]
    rows += [(c.title, format_score(c.score), f"{c.weight:g}", costs_line(c)) for c in card.categories]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return [
        f"{title:<{widths[0]}}  {value:>{widths[1]}}  {weight:>{widths[2]}}  {costs}".rstrip()
        for title, value, weight, costs in rows
    ]


def score_line(card: Scorecard, color: bool, base: BaseScore | None = None) -> str:
    """`Score: 72.5/100, grade C`, and with the `--diff` base `, +3.1 against main`; `Score: n/a (why)` when
    there is none."""
    if card.score is None:
        return f"Score: n/a ({card.reason})"
    text = f"Score: {card.score:.1f}/100, grade {card.grade}"
    change = None if base is None else base.change(card)
    if change is not None:
        text += f", {format_change(change)} against {base.ref}"
    return click.style(text, fg=GRADE_COLORS[card.grade or "F"], bold=True) if color else text


#: Width the fixes are wrapped at.
FIX_WIDTH = 110


def fixes(findings: list[Finding], color: bool = False) -> list[str]:
    """`How to fix:` and, for each rule with findings and a declared fix (the wrapped tools' codes have none),
    its code, name, count and fix, wrapped; most findings first. Empty when there is nothing to fix."""
    import textwrap  # here: a quiet run prints no fixes, and textwrap compiles its patterns on import

    from mlrepolint.rules.registry import load_registry

    known = load_registry().rules
    per_code = Counter(f.code for f in findings)
    lines = []
    for code, count in sorted(per_code.items(), key=lambda item: (-item[1], item[0])):
        rule = known.get(code)
        if rule is None or not rule.fix:
            continue
        label = f"{code} {rule.name} ({count} finding{'s' if count != 1 else ''}):"
        text = textwrap.fill(f"{label} {rule.fix}{fix_flags(rule)}", FIX_WIDTH, initial_indent="  ",
                             subsequent_indent="      ",
                             break_on_hyphens=False)
        if color:
            text = text.replace(code, click.style(code, fg=COLORS[rule.severity], bold=True), 1)
        lines.append(text)
    return ["How to fix:", *lines] if lines else []


def fix_flags(rule) -> str:
    """` (--fix can fix these.)`: the flags of the safest fix the rule declares, or nothing."""
    from mlrepolint.rules.base import Applicability

    for applicability, flags in ((Applicability.SAFE, "--fix"), (Applicability.UNSAFE, "--fix --unsafe-fixes")):
        if rule.fixable(applicability):
            return f" (`mlrepolint {flags}` can fix these.)"
    return ""


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The findings, then (unless quiet) each rule's fix once, the rubric table, the score and grade, and a
    summary line."""
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.code} {f.message} ({f.rule})"  # format_finding's, inlined: 100,000s
        if not color and f.column is not None and f.line is not None and f.cell is None else format_finding(f, color)
        for f in printable_findings(result.findings)  # a file name can hold a newline: never a forged line
    ]
    if not quiet:
        card = card_of(result)
        if lines:
            lines.append("")
        advice = fixes(result.findings, color)
        if advice:
            lines += [*advice, ""]
        if card.score is None and getattr(result, "limited", False):  # findings about some files: no table
            lines += [score_line(card, color), summary(result)]
        else:
            lines += rubric_table(card)
            lines += ["", score_line(card, color, getattr(result, "base", None))]
            if card.score is not None:
                lines.append(grade_reason(card) + ".")
            lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")
