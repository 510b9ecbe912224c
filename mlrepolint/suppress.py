"""Inline suppressions: `# noqa: MLR101` on a line, `# mlrepolint: disable=rule-name` for a whole file.

A bare `# noqa` is honoured only for the wrapped tools' codes: mlrepolint's own rules must be named, so that a
blanket noqa written for flake8 does not hide a committed secret.
"""

from __future__ import annotations

import re
from typing import Sequence

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Finding

# flake8's syntax: `# noqa`, `# noqa: E501`, `# noqa:E501,W291`, `# NOQA: E501 W291`.
NOQA_RE = lazy(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
FILE_DISABLE_RE = lazy(r"#\s*mlrepolint:\s*disable=(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)")
ALL = "*"


def may_suppress(text: str | bytes) -> bool:
    """False when the text has no suppression comment (neither `noqa` nor `mlrepolint:`, in any case)."""
    lowered = text.lower()
    if isinstance(lowered, bytes):
        return b"noqa" in lowered or b"mlrepolint:" in lowered
    return "noqa" in lowered or "mlrepolint:" in lowered


class Suppressions:
    """The suppression comments of one file, and which of them suppressed something."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.by_line: dict[int, set[str]] = {}
        self.file_level: dict[str, int] = {}  # rule code or name -> the line of the comment
        self.used: set[tuple[int, str]] = set()
        for number, text in enumerate(lines, start=1):
            if "#" not in text:
                continue
            lowered = text.lower()
            if "noqa" in lowered:
                match = NOQA_RE.search(text)
                if match:
                    codes = match.group("codes")
                    self.by_line[number] = {c.upper() for c in re.split(r"[,\s]+", codes)} if codes else {ALL}
            if "mlrepolint:" in lowered:
                match = FILE_DISABLE_RE.search(text)
                if match:
                    for ref in re.split(r"\s*,\s*", match.group("rules")):
                        self.file_level.setdefault(ref, number)

    @classmethod
    def of_text(cls, text: str) -> Suppressions:
        """The suppression comments of a file's text, which most often has none (then it is not split into lines)."""
        return cls(text.splitlines()) if may_suppress(text) else cls(())

    def kept(self, found: Sequence[Finding]) -> list[Finding]:
        """The findings that no comment suppresses (a file without suppression comments keeps them all unread)."""
        if not self.by_line and not self.file_level:
            return list(found)
        return [f for f in found if not self.suppresses(f)]

    def suppresses(self, finding: Finding) -> bool:
        """True when a comment suppresses the finding; records the comment as used."""
        for ref in (finding.code, finding.rule):
            if ref in self.file_level:
                self.used.add((self.file_level[ref], ref))
                return True
        if finding.line is None:
            return False
        codes = self.by_line.get(finding.line)
        if not codes:
            return False
        if finding.code in codes:
            self.used.add((finding.line, finding.code))
            return True
        if ALL in codes and finding.source != "mlrepolint":
            self.used.add((finding.line, ALL))
            return True
        return False

    def unused(self) -> list[tuple[int, str]]:
        """(line, code or name) of each suppression of an mlrepolint rule that suppressed nothing."""
        unused = [
            (line, code)
            for line, codes in self.by_line.items()
            for code in sorted(codes)
            if code.startswith("MLR") and (line, code) not in self.used
        ]
        unused += [(line, ref) for ref, line in self.file_level.items() if (line, ref) not in self.used]
        return sorted(unused)


#: Other tools' suppression comments, read only to count what `grade` overrode: flake8's and ruff's whole-file
#: noqa (bare, or with codes), and pylint's pragmas.
_FILE_NOQA_RE = lazy(
    r"#\s*(?P<tool>flake8|ruff)\s*[:=]\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
_PYLINT_RE = lazy(
    r"#\s*pylint\s*:\s*(?P<action>disable-next|disable|skip-file)\b\s*(?:=\s*(?P<names>[\w\s,-]*))?"
)


def overridden(lines: Sequence[str], found: Sequence[Finding]) -> int:
    """How many suppression comments of one file would have hidden at least one of `found` in a run that honours
    them (`grade` honours none): `# noqa`, `# mlrepolint: disable=`, `# flake8: noqa`, `# ruff: noqa`, and
    `# pylint: disable=` (from its line on), `disable-next=` and `skip-file`."""
    ours = Suppressions(lines)
    for finding in found:
        ours.suppresses(finding)
    used = {line for line, _ in ours.used}
    for number, text in enumerate(lines, start=1):
        if "#" not in text:
            continue
        noqa = _FILE_NOQA_RE.search(text)
        if noqa is not None:
            codes = set(re.split(r"[,\s]+", noqa.group("codes").upper())) if noqa.group("codes") else None
            source = noqa.group("tool").lower()
            if any(f.source == source and (codes is None or f.code in codes) for f in found):
                used.add(number)
        pragma = _PYLINT_RE.search(text)
        if pragma is not None and any(_pylint_hides(pragma, number, f) for f in found if f.source == "pylint"):
            used.add(number)
    return len(used)


def _pylint_hides(pragma: re.Match[str], line: int, finding: Finding) -> bool:
    action = pragma.group("action")
    if action == "skip-file":
        return True
    names = {name.strip() for name in (pragma.group("names") or "").split(",")}
    if not names & {"all", finding.code, finding.rule}:
        return False
    return finding.line == line + 1 if action == "disable-next" else (finding.line or 0) >= line
