"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers, within GitHub's documented limits.

Rule metadata comes from the rule declarations (summary, description, the full documentation as help, default
level, a link to the rule's page); the wrapped tools' codes are described from what those tools document
(`mlrepolint.rules.wrapped.about`). Every result has a region (whole-file findings start at line 1: GitHub needs a
line to fingerprint and track a result) and a `partialFingerprints` entry that survives edits elsewhere in the
file.

GitHub's limits (code scanning's "SARIF support" and "results exceed limit" pages): `shortDescription` and
`fullDescription` at most 1,024 characters; a run of more than 25,000 results is rejected, and only 5,000 results
of a run are kept. So a run holds at most `MAX_RESULTS`, the most severe first; what was left out is said in the
run's `invocations` (a warning notification), in its `properties` (`omittedResults`, by level) and, through
`warnings`, on stderr.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import quote

from mlrepolint import __version__
from mlrepolint.results import Result
from mlrepolint.fingerprint import fingerprints
from mlrepolint.reports.escape import encodable
from mlrepolint.rules.base import Finding, Rule, Severity

if TYPE_CHECKING:
    from mlrepolint.rules.registry import Registry

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "mlrepolint/v1"
INFORMATION_URI = "https://pypi.org/project/mlrepolint/"
#: GitHub keeps the first 5,000 results of a run (and rejects a run of more than 25,000).
MAX_RESULTS = 5_000
#: GitHub's limit on `shortDescription` and `fullDescription`.
MAX_DESCRIPTION = 1_024
#: `security-severity` (0.0-10.0; GitHub: 9.0+ critical, 7.0+ high, 4.0+ medium, else low) of security rules,
#: by the rule's severity; a committed credential is critical.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
CRITICAL = {"hardcoded-secret": "9.0"}


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """`text` cut to at most `limit` characters, at a word boundary, ending in an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def rule_descriptor(rule: Rule, registry: Registry) -> dict[str, Any]:
    """A SARIF reportingDescriptor rendered from the rule's declaration. Its help carries the rule's whole page
    (what docs/rules/CODE.md holds), so no `helpUri` is guessed: a link to where the pages might be published
    would be dead wherever they are not."""
    from mlrepolint.docs import registry_rule_markdown

    properties: dict[str, Any] = {"category": rule.category, "tags": [rule.category, "mlrepolint"]}
    if rule.autofixes:  # what `mlrepolint --fix` can do for the rule's findings: ["safe"], ["safe", "unsafe"]
        properties["fixes"] = sorted({fix.applicability.value for fix in rule.autofixes})
    if rule.category == "security":
        properties["security-severity"] = CRITICAL.get(rule.name, SECURITY_SEVERITY[rule.severity])
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": clip(rule.summary)},
        "fullDescription": {"text": clip(rule.description)},
        "help": {"text": f"{rule.rationale} Fix: {rule.fix}", "markdown": registry_rule_markdown(registry, rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.default_enabled},
        "properties": properties,
    }
    return descriptor


def wrapped_descriptor(finding: Finding) -> dict[str, Any]:
    """A reportingDescriptor for a wrapped tool's code (E501, F401, C0301), from what the tool documents."""
    from mlrepolint.rules.wrapped.about import about

    said = about(finding.source, finding.code, finding.rule, finding.message)
    descriptor: dict[str, Any] = {
        "id": finding.code,
        "name": finding.rule,
        "shortDescription": {"text": clip(said.summary)},
        "fullDescription": {"text": clip(said.summary)},
        "help": {"text": said.help, **({"markdown": said.markdown} if said.markdown else {})},
        "properties": {"category": finding.category, "tags": [finding.category, finding.source]},
    }
    if said.uri:
        descriptor["helpUri"] = said.uri
    return descriptor


def capped(findings: Sequence[Finding], limit: int = MAX_RESULTS) -> tuple[list[Finding], dict[str, int]]:
    """At most `limit` findings, the most severe first (in report order within a severity), and the number left
    out by SARIF level."""
    if len(findings) <= limit:
        return list(findings), {}
    by_rank = sorted(range(len(findings)), key=lambda i: findings[i].severity.rank)  # stable: report order kept
    kept = sorted(by_rank[:limit])
    omitted: dict[str, int] = {}
    for i in by_rank[limit:]:
        level = LEVELS[findings[i].severity]
        omitted[level] = omitted.get(level, 0) + 1
    return [findings[i] for i in kept], omitted


def omitted_message(total: int, omitted: dict[str, int]) -> str:
    """One line saying what a capped SARIF run left out."""
    cut = sum(omitted.values())
    levels = ", ".join(f"{count:,} {level}{'s' if count != 1 else ''}" for level, count in sorted(omitted.items()))
    return (
        f"SARIF holds {total - cut:,} of {total:,} findings, the most severe first ({cut:,} left out: {levels}): "
        f"GitHub code scanning keeps {MAX_RESULTS:,} results a run; the other formats list them all"
    )


def warnings(result: Result) -> list[str]:
    """Problems with the SARIF log itself, for stderr: the findings a capped run left out."""
    _, omitted = capped(result.findings)
    return [omitted_message(len(result.findings), omitted)] if omitted else []


def _region(finding: Finding) -> dict[str, int]:
    # A whole file (a dataset, a `.env`, a notebook), or a notebook's cell (the file's lines are its JSON's, the
    # message names the cell): GitHub needs a line to track it.
    if finding.line is None or finding.cell is not None:
        return {"startLine": 1}
    region = {"startLine": finding.line}
    if finding.column is not None:
        region["startColumn"] = finding.column
    return region


def as_dict(result: Result) -> dict[str, Any]:
    """The SARIF log as a dict: one run, every known rule, one result per finding (at most `MAX_RESULTS`)."""
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    known = registry.rules
    rules = [rule_descriptor(known[code], registry) for code in sorted(known)]
    index = {code: i for i, code in enumerate(sorted(known))}
    findings, omitted = capped(result.findings)
    for finding in findings:  # wrapped tools' codes (E501...) are not mlrepolint rules
        if finding.code not in index:
            index[finding.code] = len(rules)
            rules.append(wrapped_descriptor(finding))
    results = []
    for finding, print_ in zip(findings, fingerprints(result.root, findings)):
        location = {"uri": _uri(finding.path), "uriBaseId": "%SRCROOT%"}
        physical = {"artifactLocation": location, "region": _region(finding)}
        results.append({
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVELS[finding.severity],
            "message": {"text": encodable(
                f"{finding.cell_place()}: {finding.message}" if finding.cell else finding.message
            )},
            "locations": [{"physicalLocation": physical}],
            "partialFingerprints": {FINGERPRINT: print_},
        })
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "mlrepolint", "version": __version__, "informationUri": INFORMATION_URI, "rules": rules,
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": result.root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if omitted:
        run["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{
                "descriptor": {"id": "results-omitted"},
                "level": "warning",
                "message": {"text": omitted_message(len(result.findings), omitted)},
            }],
        }]
        run["properties"] = {"omittedResults": omitted}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _uri(path: str) -> str:
    """A URI reference for the path: spaces and the like percent-encoded, `/` kept, and a name that is not
    UTF-8 percent-encoded byte for byte (git gives bytes; they reach us as `surrogateescape` surrogates)."""
    try:
        return quote(path.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:  # a surrogate that is no undecodable byte
        return quote(encodable(path))


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The SARIF log as JSON."""
    return json.dumps(as_dict(result), indent=2) + "\n"
