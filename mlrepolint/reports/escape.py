"""File names and messages made safe to print: they come from the linted repository, so they can hold anything.

A name can hold a newline (and so forge a finding line in text output or a workflow command in GitHub's), other
control characters (a terminal escape sequence, a carriage return that overwrites the line) and bidirectional
overrides that make a line read differently than it is; a name git lists can also be bytes that are not UTF-8,
which reach us as lone surrogates (`surrogateescape`) and cannot be encoded at all.

- `printable` (text, GitHub annotations, markdown): each such character becomes a visible escape, `\\x0a`,
  `\\u202e`, and an undecodable byte `\\xff`, as git quotes names.
- `encodable` (JSON, SARIF): only undecodable bytes need it (JSON escapes control characters itself); they
  become `\\xff` too, so the document is valid UTF-8 for any name.
- `visible` (HTML, JUnit XML): like `printable`, but tabs are kept (code lines are shown) and the two XML
  non-characters are escaped too; markup escaping stays the format's own job.

Both take the common case (nothing to escape in any finding) at the cost of one regex scan over the report.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Finding

#: C0 and C1 controls, DEL, line and paragraph separators, bidirectional controls, and surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: For XML and HTML: what `_UNPRINTABLE` holds but tab, and the two XML non-characters.
_HIDDEN = lazy(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as `surrogateescape` kept it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control, separator, bidirectional or undecodable character as a visible escape."""
    return _UNPRINTABLE.sub(_escape, text)


def visible(text: str) -> str:
    """`text` with every hidden, unencodable or XML-invalid character as a visible escape; tabs kept."""
    return _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text


def encodable(text: str) -> str:
    """`text` with undecodable bytes (lone surrogates) as visible escapes, so that it encodes as UTF-8."""
    return _SURROGATE.sub(_escape, text)


def printable_findings(findings: Sequence[Finding]) -> Sequence[Finding]:
    """The findings with path and message `printable` (the same list when none needs it)."""
    return _cleaned(findings, _UNPRINTABLE, printable)


def encodable_findings(findings: Sequence[Finding]) -> Sequence[Finding]:
    """The findings with path and message `encodable` (the same list when none needs it)."""
    return _cleaned(findings, _SURROGATE, encodable)


def _cleaned(findings: Sequence[Finding], pattern: re.Pattern[str], clean) -> Sequence[Finding]:
    # One scan over all the texts at once: a report can have a few hundred thousand findings.
    if not pattern.search("".join(_texts(findings))):
        return findings
    return [
        f._replace(path=clean(f.path), message=clean(f.message), rule=clean(f.rule), code=clean(f.code))
        if pattern.search(f.path) or pattern.search(f.message) or pattern.search(f.rule) or pattern.search(f.code)
        else f
        for f in findings
    ]


def _texts(findings: Iterable[Finding]) -> Iterable[str]:
    for f in findings:
        yield f.path
        yield f.message
        yield f.rule
        yield f.code
