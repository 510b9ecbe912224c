"""Run every detector over a text in one pass of one regular expression."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlrepolint.rules.repo.secrets.detectors import DETECTORS, Scan

SCAN_RE = re.compile("|".join(f"(?P<{d.key}>{d.pattern})" for d in DETECTORS))
_BY_KEY = {d.key: d for d in DETECTORS}

#: On a line, this comment allows a plainly fake secret (a test fixture).
PRAGMA = "mlrepolint: allow-secret"


@dataclass(frozen=True)
class Hit:
    """A secret found in a text: where it starts and its masked description (never the value)."""

    offset: int
    line: int
    column: int
    description: str


def scan_text(text: str, kind: str) -> list[Hit]:
    """Every secret in `text`, skipping lines that carry the allow-secret pragma."""
    hits: list[Hit] = []
    scan = Scan(text, kind)
    match = SCAN_RE.search(text)
    while match is not None:
        # The outermost group closes last, so `lastgroup` is the detector's own group.
        description = _BY_KEY[match.lastgroup].describe(match, scan)  # type: ignore[index]
        start = match.start()
        if description is None:  # rejected: what it spanned may still hold another secret
            match = SCAN_RE.search(text, start + 1)
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        if PRAGMA not in text[line_start: line_end if line_end >= 0 else len(text)]:
            hits.append(Hit(start, text.count("\n", 0, start) + 1, start - line_start + 1, description))
        match = SCAN_RE.search(text, match.end())
    return hits
