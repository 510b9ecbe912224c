"""gitignore-gaps and missing-gitignore: append the missing entries to the root `.gitignore` (or create it).

The entries are the rule's own (`project_files._needs`), so the fix adds exactly what the findings ask for; what
the file holds is never reordered or rewritten, the new lines go at its end under one comment, in its own line
endings. An entry is only added when it makes git ignore what the finding was about (a deeper `.gitignore` may
un-ignore it: then the finding is left to the user).
"""

from __future__ import annotations

from typing import Iterable

from mlrepolint.project import Project
from mlrepolint.repo import RepoView, gitignore_spec, valid_gitignore_lines
from mlrepolint.rules.base import Finding
from mlrepolint.rules.repo.artifacts import COMMITTED_DATASET
from mlrepolint.rules.repo.project_files import GITIGNORE_GAPS, GITIGNORE_LIMIT, _gitignores, _ignored, _needs

COMMENT = "# Added by mlrepolint --fix: data, secrets, environments and checkpoints git should not track"
#: What a new `.gitignore` starts with, before the entries the repository needs.
PYTHON_BASICS = ("__pycache__/", "*.py[cod]", ".ipynb_checkpoints/", ".env", ".venv/")


def fix(
    repo: RepoView, project: Project, options, findings: Iterable[Finding]
) -> tuple[bytes | None, bytes, list[str]]:
    """(the current `.gitignore` or None, its fixed content, the entries added). Entries come from the reported
    findings only: a `missing-gitignore` finding creates the file, `gitignore-gaps` findings append to it."""
    findings = list(findings)
    data_dirs = tuple(options(GITIGNORE_GAPS)["data-dirs"])
    max_size = options(COMMITTED_DATASET)["max-file-size"]
    needs = list(_needs(repo, project, data_dirs, max_size))
    current = repo.read_bytes(".gitignore", GITIGNORE_LIMIT + 1) if repo.by_path(".gitignore") else None
    if current is None and repo.by_path(".gitignore") is not None:
        return None, b"", []  # listed but unreadable (a symlink out of the root, a FIFO): never written
    if current is None:
        wanted = list(PYTHON_BASICS) + [n.entry for n in needs]
    else:
        messages = [f.message for f in findings if f.rule == GITIGNORE_GAPS.name]
        wanted = [n.entry for n in needs if any(f"(add `{n.entry}`)" in m for m in messages)]
    text = current.decode("utf-8", errors="surrogateescape") if current is not None else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    present = {line.strip() for line in text.splitlines()}
    entries = [e for e in dict.fromkeys(wanted) if e not in present]
    probes = [n.probe for n in needs if n.entry in entries]
    if not entries:
        return current, current or b"", []
    block = [COMMENT, *entries]
    head = text if not text or text.endswith(("\n", "\r")) else text + newline
    new_text = head + (newline if head.strip() else "") + newline.join(block) + newline
    if current is not None and not _covers(repo, new_text, probes):
        return current, current, []
    return current, new_text.encode("utf-8", errors="surrogateescape"), entries


def _covers(repo: RepoView, root_text: str, probes: list[str]) -> bool:
    """Whether, with the new root `.gitignore`, git ignores every probe (deeper `.gitignore` files still count)."""
    ignores = [("", gitignore_spec(valid_gitignore_lines(root_text.splitlines())))]
    ignores += [(prefix, spec) for prefix, spec in _gitignores(repo) if prefix]
    return all(_ignored(ignores, probe) for probe in probes)
