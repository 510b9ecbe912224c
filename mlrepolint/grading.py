"""`mlrepolint grade`: score many repositories against one rubric and print one table (or, as HTML, a dashboard
with each repository's findings).

Every repository is linted with the same settings (`--config FILE`, else the defaults), never with its own
configuration: a submission cannot re-weight or silence the rubric it is graded against. Nor can it lower its
findings: its suppression comments (`# noqa`, `# mlrepolint: disable=`, `# flake8: noqa`, `# pylint: disable` or
`skip-file`) and its wrapped tools' settings (`.flake8`, `setup.cfg`, `tox.ini`, `[tool.ruff]`, `ruff.toml`, a
pylintrc, a black line length) are not applied, unless the grader's config sets `respect-suppressions = true`; the
`overridden` column counts those that would have hidden something. No cache is read or written inside a
submission. A repository that fails to lint (git cannot list it, its folder cannot be read) is a row with its
error; the run goes on.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from mlrepolint import mask
from mlrepolint.config import Settings
from mlrepolint.rules.base import CATEGORIES
from mlrepolint.rules.registry import Registry
from mlrepolint.scoring import Scorecard, format_score

if TYPE_CHECKING:
    from mlrepolint.engine import Engine
    from mlrepolint.results import Result
    from mlrepolint.repo import RepoView
    from mlrepolint.rules.base import Finding

FORMATS = ("text", "markdown", "csv", "html")


@dataclass(frozen=True)
class Row:
    """One repository's line in the table: its scorecard and findings, or the error that stopped it."""

    name: str
    card: Scorecard | None = None
    error: str | None = None
    overridden: int = 0  # the repository's own suppressions (comments, tool settings) that were not applied
    result: Result | None = None  # the whole run, for the HTML dashboard's detail per repository

    def cells(self) -> list[str]:
        """repository, score, grade, one score per category, suppressions overridden, error."""
        if self.card is None:
            return [self.name, "", "", *([""] * len(CATEGORIES)), "", self.error or ""]
        scores = {c.id: format_score(c.score) for c in self.card.categories}
        return [
            self.name, format_score(self.card.score), self.card.grade or "",
            *(scores[c] for c in CATEGORIES), str(self.overridden), "",
        ]


def is_repository(path: Path) -> bool:
    """A git work tree's top level (`.git` folder or file)."""
    return os.path.lexists(path / ".git")


def expand(paths: Iterable[Path]) -> list[tuple[Path, str | None]]:
    """(path, None) for each path that is a repository, or else each repository directly inside it, or else the
    folder itself; (path, error) for a folder that cannot be read."""
    found: list[tuple[Path, str | None]] = []
    for path in paths:
        try:
            if is_repository(path):
                found.append((path, None))
                continue
            children = sorted(p for p in path.iterdir() if _readable_repository(p))
        except OSError as exc:
            found.append((path, f"cannot read {path}: {exc.strerror or exc}"))
            continue
        found.extend([(child, None) for child in children] or [(path, None)])
    return found


def _readable_repository(path: Path) -> bool:
    """A folder holding a `.git`; an unreadable folder counts too, so that its row says why."""
    try:
        return path.is_dir() and is_repository(path)
    except OSError:
        return True


def grade_one(path: Path, name: str, settings: Settings, registry: Registry) -> Row:
    """Lint one repository and keep its scorecard, or the reason it could not be linted."""
    from mlrepolint import git
    from mlrepolint.engine import Engine

    try:
        root = path.resolve()
        is_git = is_repository(root) and git.toplevel(root) is not None
        engine = Engine(root, is_git, settings, registry)
        result = engine.run([root])
        count = 0 if settings.honours_suppressions else overridden(engine, result.findings)
    except git.GitError as exc:
        return Row(name, error=mask.text(str(exc)))
    except Exception as exc:  # one broken repository must not abort the whole grading run
        return Row(name, error=mask.text(f"{type(exc).__name__}: {exc}"))
    return Row(name, card=result.scorecard, overridden=count, result=result)


def overridden(engine: Engine, findings: Sequence[Finding]) -> int:
    """The repository's suppression comments that would have hidden one of `findings`, and its wrapped tools'
    settings, none of which were applied."""
    from mlrepolint.suppress import overridden as hidden_by_comments

    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.line is not None:
            by_path.setdefault(finding.path, []).append(finding)
    count = 0
    for path, found in by_path.items():
        text = engine.repo.read_text(path)
        if text and "#" in text:
            count += hidden_by_comments(text.splitlines(), found)
    return count + tool_settings(engine.repo)


def tool_settings(repo: RepoView) -> int:
    """How many settings the repository's own flake8, pylint, ruff and black configs hold."""
    from mlrepolint.rules.wrapped import flake8, pylint, read_toml, ruff_config

    name, cfg, _ = flake8._repo_config(repo)
    count = len(cfg.items("flake8")) if name and cfg.has_section("flake8") else 0
    count += len(pylint.repo_options(repo)[1])
    count += _leaves(ruff_config(repo) or {})
    black = read_toml(repo, "pyproject.toml").get("tool", {})
    return count + int(isinstance(black, dict) and isinstance(black.get("black"), dict)
                       and "line-length" in black["black"])


def _leaves(table: object) -> int:
    return sum(_leaves(v) for v in table.values()) if isinstance(table, dict) else 1


def header() -> list[str]:
    """The table's column names."""
    return ["repository", "score", "grade", *CATEGORIES, "overridden", "error"]


def render(rows: Sequence[Row], output_format: str) -> str:
    """The table as aligned text, a Markdown table or CSV; or the HTML dashboard."""
    if output_format == "html":
        from mlrepolint.reports.html import dashboard

        return dashboard([(row.name, row.result, row.error) for row in rows])
    table = [header()] + [row.cells() for row in rows]
    if output_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(table)
        return buffer.getvalue()
    titles = ["Repository", "Score", "Grade", *CATEGORIES.values(), "Suppressions overridden", "Error"]
    keep = [i for i in range(len(titles)) if not (
        (titles[i] == "Error" and not any(row.error for row in rows))  # no error column when nothing failed
        or (titles[i] == "Suppressions overridden" and not any(row.overridden for row in rows))
    )]
    table = [[cells[i] for i in keep] for cells in table]
    titles = [titles[i] for i in keep]
    if output_format == "markdown":
        lines = ["| " + " | ".join(titles) + " |", "| --- | " + " | ".join("---:" for _ in titles[1:]) + " |"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |" for cells in table[1:]]
        return "\n".join(lines) + "\n"
    widths = [max(len(cells[i]) for cells in table) for i in range(len(table[0]))]
    lines = []
    for cells in table:
        first = f"{cells[0]:<{widths[0]}}"
        rest = [
            f"{cell:<{width}}" if name == "error" else f"{cell:>{width}}"
            for cell, width, name in zip(cells[1:], widths[1:], table[0][1:])
        ]
        lines.append("  ".join([first, *rest]).rstrip())
    return "\n".join(lines) + "\n"
