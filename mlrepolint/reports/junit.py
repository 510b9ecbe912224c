"""`--format junit`: JUnit XML for the test report views of Jenkins, Azure Pipelines and GitLab
(`artifacts: reports: junit:`).

One test suite per file with findings, and in it one failing test case per rule, whose failure lists that rule's
findings in the file. A last suite, `mlrepolint`, holds one passing test case per rule that examined the repository
and found nothing, so a clean run still reports tests, and carries the score and grade as properties.

Test case `classname` is the path without its suffix (Jenkins splits class names at the last dot, as ruff's JUnit
output also allows for); the `file` attribute keeps the exact path.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

from mlrepolint.results import Result
from mlrepolint.reports.text import location
from mlrepolint.reports.escape import visible
from mlrepolint.rules.base import Finding
from mlrepolint.scoring import card_of, format_score

#: The suite name of findings about the repository as a whole (no file).
REPOSITORY = "(repository)"
SUITE = "mlrepolint"


def _classname(path: str) -> str:
    if not path:
        return REPOSITORY
    pure = PurePosixPath(path)
    return str(pure.with_suffix("")) if pure.suffix and pure.stem else path


def _case(suite: ET.Element, path: str, findings: list[Finding]) -> None:
    first = findings[0]
    attributes = {"classname": visible(_classname(path)), "name": f"{first.code} {visible(first.rule)}"}
    if path:
        attributes["file"] = visible(path)
    case = ET.SubElement(suite, "testcase", attributes, time="0")
    count = len(findings)
    message = visible(first.message) if count == 1 else f"{count} findings, the first: {visible(first.message)}"
    failure = ET.SubElement(case, "failure", type=first.code, message=message)
    failure.text = "\n".join(
        f"{visible(location(f)) or REPOSITORY}: {f.code} {visible(f.message)} ({visible(f.rule)})" for f in findings
    ) + "\n"


def as_element(result: Result) -> ET.Element:
    """The `<testsuites>` element."""
    root = ET.Element("testsuites", name=SUITE)
    failed_codes = set()
    total = failures = 0
    by_path: dict[str, dict[str, list[Finding]]] = {}
    for finding in result.findings:
        by_path.setdefault(finding.path, {}).setdefault(finding.code, []).append(finding)
    for path, by_code in sorted(by_path.items()):
        suite = ET.SubElement(root, "testsuite", name=visible(path) or REPOSITORY, tests=str(len(by_code)),
                              failures=str(len(by_code)), errors="0", skipped="0", time="0")
        for code in sorted(by_code):
            _case(suite, path, by_code[code])
        failed_codes.update(by_code)
        total += len(by_code)
        failures += len(by_code)
    card = card_of(result)
    passed = sorted(
        (r.code, r.rule) for c in card.categories for r in c.rules
        if r.code is not None and r.examined > 0 and r.code not in failed_codes
    )
    suite = ET.SubElement(root, "testsuite", name=SUITE, tests=str(len(passed)), failures="0", errors="0",
                          skipped="0", time="0")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="score", value=format_score(card.score))
    ET.SubElement(properties, "property", name="grade", value=card.grade or "")
    for code, name in passed:
        ET.SubElement(suite, "testcase", classname=SUITE, name=f"{code} {visible(name)}", time="0")
    total += len(passed)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("time", "0")
    return root


def render(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    """The JUnit XML document; colour and quiet never apply."""
    root = as_element(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
