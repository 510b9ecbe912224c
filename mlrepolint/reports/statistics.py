"""`--statistics`: one line per rule with its number of findings, most first, as `ruff --statistics` prints them
(`flake8 --statistics` prints the same counts): `  12  MLR103  missing-function-docstring  warning`.

The per-finding lines are left out; unless quiet, the rubric table, the score and the summary line follow."""

from __future__ import annotations

from collections import Counter

from mlrepolint.engine import Result
from mlrepolint.reports.text import rubric_table, score_line, summary
from mlrepolint.rules.base import Finding
from mlrepolint.scoring import card_of


def counts(findings: list[Finding]) -> list[tuple[int, Finding]]:
    """(count, first finding) per rule code, most findings first, then by code."""
    per_code: Counter = Counter(f.code for f in findings)
    first: dict[str, Finding] = {}
    for finding in findings:
        first.setdefault(finding.code, finding)
    return sorted(((n, first[code]) for code, n in per_code.items()), key=lambda item: (-item[0], item[1].code))


def lines(findings: list[Finding]) -> list[str]:
    """The aligned statistics lines: count, code, rule name, severity."""
    rows = counts(findings)
    if not rows:
        return []
    count_width = max(len(str(n)) for n, _ in rows)
    code_width = max(len(f.code) for _, f in rows)
    name_width = max(len(f.rule) for _, f in rows)
    return [
        f"{n:>{count_width}}  {f.code:<{code_width}}  {f.rule:<{name_width}}  {f.severity.value}" for n, f in rows
    ]


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The counts per rule, then (unless quiet) the rubric table, the score and grade, and the summary line."""
    out = lines(result.findings)
    if not quiet:
        card = card_of(result)
        if out:
            out.append("")
        out += rubric_table(card)
        out += ["", score_line(card, color, getattr(result, "base", None)), summary(result)]
    return "\n".join(out) + ("\n" if out else "")
