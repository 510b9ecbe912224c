"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.

Rule metadata comes from the rule declarations (summary, description, the full documentation as help, default
level); each result carries a `partialFingerprints` entry that survives edits elsewhere in the file.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from mlrepolint import __version__
from mlrepolint.results import Result
from mlrepolint.fingerprint import fingerprints
from mlrepolint.rules.base import Rule, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "mlrepolint/v1"
INFORMATION_URI = "https://pypi.org/project/mlrepolint/"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A SARIF reportingDescriptor rendered from the rule's declaration."""
    from mlrepolint.docs import rule_markdown

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": f"{rule.rationale} Fix: {rule.fix}", "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.default_enabled},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }


def as_dict(result: Result) -> dict[str, Any]:
    """The SARIF log as a dict: one run, every known rule, one result per finding."""
    from mlrepolint.rules.registry import load_registry

    known = load_registry().rules
    rules = [rule_descriptor(known[code]) for code in sorted(known)]
    index = {code: i for i, code in enumerate(sorted(known))}
    for finding in result.findings:  # wrapped tools' codes (E501...) are not mlrepolint rules
        if finding.code not in index:
            index[finding.code] = len(rules)
            rules.append({"id": finding.code, "name": finding.rule, "properties": {"category": finding.category}})
    results = []
    for finding, print_ in zip(result.findings, fingerprints(result.root, result.findings)):
        region: dict[str, int] = {}
        if finding.line is not None:
            region["startLine"] = finding.line
            if finding.column is not None:
                region["startColumn"] = finding.column
        uri = quote(finding.path)  # a URI reference: spaces and the like percent-encoded, `/` kept
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
        if region:
            physical["region"] = region
        results.append({
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": physical}],
            "partialFingerprints": {FINGERPRINT: print_},
        })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mlrepolint", "version": __version__, "informationUri": INFORMATION_URI, "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": result.root.as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The SARIF log as JSON."""
    return json.dumps(as_dict(result), indent=2) + "\n"
