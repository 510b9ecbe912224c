"""`--format markdown`: the rubric table and the top findings, for a pull-request comment or a GitHub job summary."""

from __future__ import annotations

import re

from mlrepolint.reports.escape import printable_findings
from mlrepolint.results import Result
from mlrepolint.reports.text import location, summary
from mlrepolint.rules.base import Finding
from mlrepolint.scoring import BaseScore, Scorecard, card_of, costs_line, format_change, format_score, grade_reason

TOP_FINDINGS = 20


def _cell(text: str) -> str:
    """Text safe inside a table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """A code span holding `text`, whatever backticks it has (CommonMark: a longer fence, padded)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def top_findings(findings: list[Finding], limit: int = TOP_FINDINGS) -> list[Finding]:
    """The most severe findings first, then in path order."""
    return sorted(findings, key=lambda f: (f.severity.rank, f.sort_key()))[:limit]


def _table(card: Scorecard, base: BaseScore | None) -> list[str]:
    """The rubric table: a row per category (why it does not apply, for those that do not)."""
    if base is None:
        lines = ["", "| Category | Score | Weight | What cost points |", "| --- | ---: | ---: | --- |"]
    else:
        lines = ["", "| Category | Score | Change | Weight | What cost points |", "| --- | ---: | ---: | ---: | --- |"]
    for c in card.categories:
        moved = "" if base is None else f" {format_change(base.category_change(c))} |"
        lines.append(f"| {c.title} | {format_score(c.score)} |{moved} {c.weight:g} | {_cell(costs_line(c))} |")
    return lines


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """A heading with the score and grade, the rubric table and the grade's reason, then the top findings (left
    out when quiet). A run limited to named files has no score: the heading says so, and there is no table.

    With the score at the `--diff` base, the heading says how much the score moved and the table gains a
    Change column."""
    card, base = card_of(result), getattr(result, "base", None)
    heading = f"no score ({card.reason})" if card.score is None else f"{card.score:.1f}/100 (grade {card.grade})"
    change = None if base is None else base.change(card)
    if change is not None:
        heading += f", {format_change(change)} against {base.ref}"
    lines = [f"## mlrepolint: {_cell(heading)}"]
    if not (card.score is None and getattr(result, "limited", False)):  # findings about some files: no table
        lines += _table(card, base)
    if card.score is not None:
        lines += ["", _cell(grade_reason(card)) + "."]
    if not quiet and result.findings:
        shown = top_findings(result.findings)
        count = f"{len(shown)} of {len(result.findings)}" if len(shown) < len(result.findings) else str(len(shown))
        lines += [
            "",
            f"### Top findings ({count})",
            "",
            "| Location | Rule | Severity | Message |",
            "| --- | --- | --- | --- |",
        ]
        for f in printable_findings(shown):
            lines.append(
                f"| {_code(_cell(location(f)))} | {f.code} `{f.rule}` | {f.severity.value} | {_cell(f.message)} |"
            )
    lines += ["", summary(result)]
    return "\n".join(lines) + "\n"
