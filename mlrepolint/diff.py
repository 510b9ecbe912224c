"""`--diff BASE_REF`: keep only the findings a change introduces, from one `git diff` against BASE_REF.

A finding with a line is kept when that line was added (or changed); a finding about a whole file when the file
was added or changed. Untracked files count as added. BASE_REF is anything `git diff` accepts, such as `main` or
`origin/main...` (the merge base, as a pull request sees it).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

from mlrepolint.engine import UsageError
from mlrepolint.results import Result

HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
WHOLE_FILE = None  # marks a file whose every line is new


def changed_lines(root: Path, base_ref: str) -> dict[str, set[int] | None]:
    """path -> added line numbers (None: the whole file is new) for the work tree against `base_ref`."""
    proc = subprocess.run(
        ["git", "-C", str(root), "diff", "--no-color", "--no-ext-diff", "--unified=0", "--no-renames",
         base_ref, "--"],
        capture_output=True, text=True, errors="surrogateescape", check=False,
    )
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "git diff failed"
        raise UsageError(f"--diff {base_ref}: {reason}")
    changed: dict[str, set[int] | None] = {}
    current: str | None = None
    for line in proc.stdout.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = target[2:] if target.startswith("b/") else None  # /dev/null: a deleted file
            if current is not None:
                changed.setdefault(current, set())
        elif current is not None and line.startswith("@@"):
            match = HUNK_RE.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                lines = changed[current]
                if lines is not None:
                    lines.update(range(start, start + count))
    untracked = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--others", "--exclude-standard"],
        capture_output=True, text=True, errors="surrogateescape", check=False,
    ).stdout
    for path in filter(None, untracked.split("\0")):
        changed[path] = WHOLE_FILE
    return changed


def restrict(result: Result, base_ref: str) -> Result:
    """`result` with only the findings on lines added, or files changed, since `base_ref`."""
    if _not_git(result.root):
        raise UsageError("--diff needs a git repository")
    changed = changed_lines(result.root, base_ref)
    kept = []
    for finding in result.findings:
        if finding.path not in changed:
            continue
        lines = changed[finding.path]
        if lines is WHOLE_FILE or finding.line is None or finding.line in lines:
            kept.append(finding)
    return replace(result, findings=kept)


def _not_git(root: Path) -> bool:
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--git-dir"], capture_output=True, check=False)
    return proc.returncode != 0
