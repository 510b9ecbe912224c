"""Where a finding is, independent of line numbers: (path, rule code, hash of the offending line's content).

Baselines and SARIF `partialFingerprints` key on this, so an unrelated edit above a finding does not change it.
Only hashes leave this module, never the line itself (it may hold a secret).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from mlrepolint.repo import RepoView
from mlrepolint.rules.base import Finding

#: Files larger than this are not read for their lines; their findings key on the path and rule alone.
MAX_READ = 5_000_000


def normalise(line: str) -> str:
    """The line with runs of whitespace collapsed and the ends stripped, so re-indenting keeps the key."""
    return " ".join(line.split())


def line_hash(line: str) -> str:
    """A short, stable hash of a line's normalised content."""
    return hashlib.sha256(normalise(line).encode("utf-8")).hexdigest()[:16]


class LineKeys:
    """Reads each file at most once to key the findings in it."""

    def __init__(self, root: Path) -> None:
        self.view = RepoView(root, (), is_git=False)
        self._lines: dict[str, list[str]] = {}

    def _file_lines(self, path: str) -> list[str]:
        if path not in self._lines:
            size = self.view.size(path)
            text = self.view.read_text(path) if size is not None and size <= MAX_READ else None
            self._lines[path] = text.splitlines() if text is not None else []
        return self._lines[path]

    def key(self, finding: Finding) -> tuple[str, str, str]:
        """(path, code, line hash); a whole-file finding, or a line that cannot be read, hashes as empty."""
        content = ""
        if finding.cell is not None:  # the file's lines are its JSON's: the cell's finding is known by its message
            content = f"cell: {finding.message}"
        elif finding.line is not None:
            lines = self._file_lines(finding.path)
            if 0 < finding.line <= len(lines):
                content = lines[finding.line - 1]
        return finding.path, finding.code, line_hash(content)


def fingerprints(root: Path, findings: Iterable[Finding]) -> list[str]:
    """One stable fingerprint per finding: its key plus its occurrence number among findings with that key."""
    keys = LineKeys(root)
    seen: dict[tuple[str, str, str], int] = {}
    prints = []
    for finding in findings:
        key = keys.key(finding)
        seen[key] = seen.get(key, 0) + 1
        raw = "\0".join((*key, str(seen[key])))
        # surrogateescape: a path git listed with bytes that are not UTF-8 hashes as those bytes
        prints.append(hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32])
    return prints
