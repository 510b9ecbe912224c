"""`--format json`: the stable contract other tools build on."""

from __future__ import annotations

import json
from typing import Any

from mlrepolint import __version__
from mlrepolint.reports.escape import encodable, encodable_findings
from mlrepolint.results import Result
from mlrepolint.scoring import as_dict as rubric_dict
from mlrepolint.scoring import card_of


def as_dict(result: Result) -> dict[str, Any]:
    """The JSON document as a dict: tool, root, findings, warnings, the rubric (score, grade, categories), and
    with --diff the score at the base."""
    document = {
        "tool": {"name": "mlrepolint", "version": __version__},
        "root": encodable(str(result.root)),
        "findings": [finding.to_dict() for finding in encodable_findings(result.findings)],
        "warnings": [encodable(warning) for warning in result.warnings],
        **rubric_dict(card_of(result)),
    }
    if getattr(result, "base", None) is not None:  # --diff, and the base could be scored
        document["base"] = result.base.to_dict()
    return document


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """One JSON object; colour and quiet never apply."""
    return json.dumps(as_dict(result), indent=2) + "\n"
