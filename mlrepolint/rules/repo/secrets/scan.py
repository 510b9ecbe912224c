"""Run every detector over a text: one pass for all trigger strings, then each detector's pattern where one fired."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from mlrepolint.rules.repo.secrets.detectors import DETECTORS, Detector, Scan


def _literal_triggers() -> tuple[re.Pattern[str], dict[str, list[Detector]]]:
    by_literal: dict[str, list[Detector]] = {}
    for detector in DETECTORS:
        for literal in detector.triggers:
            by_literal.setdefault(literal, []).append(detector)
    return re.compile(_trie(sorted(by_literal))), by_literal


def _trie(literals: list[str]) -> str:
    """An alternation of plain strings with shared prefixes factored out (`a(?:kia|sia)`): `re` then tries one
    branch per first character instead of every string at every position, which is twice as fast."""
    if len(literals) == 1:
        return re.escape(literals[0])
    groups: dict[str, list[str]] = {}
    for literal in literals:
        groups.setdefault(literal[0], []).append(literal[1:])
    branches = []
    for first, rests in groups.items():
        longer = [rest for rest in rests if rest]
        tail = _trie(longer) if longer else ""
        if tail and ("|" in tail or "" in rests):
            tail = f"(?:{tail})" + ("?" if "" in rests else "")
        branches.append(re.escape(first) + tail)
    return branches[0] if len(branches) == 1 else "|".join(branches)


LITERALS_RE, _BY_LITERAL = _literal_triggers()
_ORDER = {detector.key: order for order, detector in enumerate(DETECTORS)}
_PATTERN_TRIGGERS = [(re.compile(d.trigger_pattern), d) for d in DETECTORS if d.trigger_pattern]
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}

#: On a line, this comment allows a plainly fake secret (a test fixture).
PRAGMA = "mlrepolint: allow-secret"


@dataclass(frozen=True)
class Hit:
    """A secret found in a text: where it starts and its masked description (never the value)."""

    offset: int
    line: int
    column: int
    description: str


def _lowered(text: str) -> str:
    """The text in lower case with every offset unchanged (`str.lower` may lengthen non-ASCII text)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _candidates(text: str) -> Iterator[tuple[int, int, Detector]]:
    """(trigger position, detector order, detector) for every trigger, in text order."""
    lowered = _lowered(text)
    found = [
        (match.start(), _ORDER[detector.key], detector)
        for match in LITERALS_RE.finditer(lowered)
        for detector in _BY_LITERAL[match.group()]
    ]
    for pattern, detector in _PATTERN_TRIGGERS:
        order = _ORDER[detector.key]
        found.extend((match.start(), order, detector) for match in pattern.finditer(lowered))
    found.sort(key=lambda item: item[:2])
    return iter(found)


def _start(text: str, position: int, back: frozenset[str]) -> int:
    """Walk back from `position` over the characters in `back` (a scheme, a variable name), at most 200."""
    start = position
    while start > 0 and position - start < 200 and text[start - 1] in back:
        start -= 1
    return start


def scan_text(text: str, kind: str) -> list[Hit]:
    """Every secret in `text`, skipping lines that carry the allow-secret pragma."""
    hits: list[Hit] = []
    scan = Scan(text, kind)
    covered = 0  # the end of the last secret found: what it spans is not reported twice
    for position, _, detector in _candidates(text):
        start = _start(text, position, detector.back)
        if start < covered:
            continue
        match = detector.compiled.match(text, start)
        description = detector.describe(match, scan) if match else None
        if description is None:
            continue
        covered = match.end()  # type: ignore[union-attr]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        if PRAGMA not in text[line_start: line_end if line_end >= 0 else len(text)]:
            hits.append(Hit(start, text.count("\n", 0, start) + 1, start - line_start + 1, description))
    return hits


def secret_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every secret in `text`, read as plain text, pragma or not: what mlrepolint.mask hides."""
    spans: list[tuple[int, int]] = []
    scan = Scan(text, "text")
    for position, _, detector in _candidates(text):
        start = _start(text, position, detector.back)
        if spans and start < spans[-1][1]:
            continue
        match = detector.compiled.match(text, start)
        if match and detector.describe(match, scan) is not None:
            spans.append(match.span())
    return spans
