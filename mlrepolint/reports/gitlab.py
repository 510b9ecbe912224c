"""`--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality:`), the subset of the Code
Climate format GitLab reads: one object per finding with `description`, `check_name`, `fingerprint`, `severity`
and `location` (`path`, `lines.begin`).

Fingerprints are the SARIF ones (path, rule and the offending line's content): stable across runs and edits
elsewhere in the file, so GitLab's merge request widget shows only what a change adds or fixes.
"""

from __future__ import annotations

import json
from typing import Any

from mlrepolint.results import Result
from mlrepolint.fingerprint import fingerprints
from mlrepolint.rules.base import Severity

#: mlrepolint's severities on GitLab's scale (info, minor, major, critical, blocker).
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.INFO: "info"}
#: What a finding about the whole repository (no file) points at.
REPOSITORY_PATH = "."


def issues(result: Result) -> list[dict[str, Any]]:
    """One Code Quality issue per finding, in the findings' order."""
    found = []
    for finding, print_ in zip(result.findings, fingerprints(result.root, result.findings)):
        found.append({
            "type": "issue",
            # as the text report words it (a notebook's cell named in it: the lines are the file's)
            "description": f"{finding.code} {f'{finding.cell_place()}: ' if finding.cell else ''}{finding.message} "
                           f"({finding.rule})",
            "check_name": finding.code,
            "fingerprint": print_,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": finding.path or REPOSITORY_PATH,
                         "lines": {"begin": (finding.line if finding.cell is None else None) or 1}},
        })
    return found


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The report: one JSON array; colour and quiet never apply (GitLab reads every finding)."""
    return json.dumps(issues(result), indent=2) + "\n"
