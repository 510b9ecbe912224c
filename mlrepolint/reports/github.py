"""`--format github`: GitHub Actions workflow commands, one annotation per finding, most severe first.

GitHub shows at most 10 annotations per level per step, so at most that many are emitted per level, ranked
errors first, and one plain line tells how many more there are.
"""

from __future__ import annotations

from collections import Counter

from mlrepolint.reports.escape import printable_findings
from mlrepolint.results import Result
from mlrepolint.reports.text import summary
from mlrepolint.rules.base import Finding, Severity

#: GitHub's limit of annotations shown per level and step.
PER_LEVEL = 10
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """`::error file=train.py,line=4,col=1,title=MLR202 missing-main-guard::message`."""
    props = [f"file={_escape_property(finding.path)}"] if finding.path else []  # "": the repository itself
    message = finding.message
    if finding.cell is not None:  # the notebook's file lines are its JSON's: the annotation is on the notebook
        message = f"{finding.cell_place()}: {message}"
    elif finding.path and finding.line is not None:
        props.append(f"line={finding.line}")
        if finding.column is not None:
            props.append(f"col={finding.column}")
    props.append(f"title={_escape_property(f'{finding.code} {finding.rule}')}")
    return f"::{LEVELS[finding.severity]} {','.join(props)}::{_escape_data(message)}"


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """Annotations ranked by severity, then a line for those GitHub would not show, then the summary."""
    ranked = sorted(printable_findings(result.findings), key=lambda f: (f.severity.rank, f.sort_key()))
    shown: Counter = Counter()
    lines = []
    hidden: Counter = Counter()
    for finding in ranked:
        if shown[finding.severity] < PER_LEVEL:
            shown[finding.severity] += 1
            lines.append(annotation(finding))
        else:
            hidden[finding.severity] += 1
    if hidden:
        detail = ", ".join(f"{hidden[s]} {s.value}" for s in Severity if hidden[s])
        total = sum(hidden.values())
        lines.append(
            f"mlrepolint: {total} more finding{'s' if total != 1 else ''} not annotated ({detail}); GitHub shows "
            f"{PER_LEVEL} per level: run `mlrepolint .` for the full list"
        )
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")
