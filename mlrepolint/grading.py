"""`mlrepolint grade`: score many repositories against one rubric and print one table (or, as HTML, a dashboard
with each repository's findings).

Every repository is linted with the same settings (`--config FILE`, else the defaults), never with its own
configuration: a submission cannot re-weight or silence the rubric it is graded against. A repository that fails
to lint is a row with its error; the run goes on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from mlrepolint.config import Settings
from mlrepolint.rules.base import CATEGORIES
from mlrepolint.rules.registry import Registry
from mlrepolint.scoring import Scorecard, format_score

if TYPE_CHECKING:
    from mlrepolint.engine import Result

FORMATS = ("text", "markdown", "csv", "html")


@dataclass(frozen=True)
class Row:
    """One repository's line in the table: its scorecard and findings, or the error that stopped it."""

    name: str
    card: Scorecard | None = None
    error: str | None = None
    result: Result | None = None  # the whole run, for the HTML dashboard's detail per repository

    def cells(self) -> list[str]:
        """repository, score, grade, one score per category, error."""
        if self.card is None:
            return [self.name, "", "", *([""] * len(CATEGORIES)), self.error or ""]
        scores = {c.id: format_score(c.score) for c in self.card.categories}
        return [
            self.name, format_score(self.card.score), self.card.grade or "",
            *(scores[c] for c in CATEGORIES), "",
        ]


def is_repository(path: Path) -> bool:
    """A git work tree's top level (`.git` folder or file)."""
    return (path / ".git").exists()


def expand(paths: Iterable[Path]) -> list[Path]:
    """Each path that is a repository, or else the repositories directly inside it, or else the folder itself."""
    found: list[Path] = []
    for path in paths:
        if is_repository(path):
            found.append(path)
            continue
        children = sorted(p for p in path.iterdir() if p.is_dir() and is_repository(p))
        found.extend(children or [path])
    return found


def grade_one(path: Path, name: str, settings: Settings, registry: Registry) -> Row:
    """Lint one repository and keep its scorecard, or the reason it could not be linted."""
    from mlrepolint.engine import Engine

    from mlrepolint.repo import git_toplevel

    try:
        root = path.resolve()
        is_git = is_repository(root)
        if is_git and git_toplevel(root) is None:
            raise ValueError("has a .git entry but git cannot read it")
        result = Engine(root, is_git, settings, registry).run([root])
    except Exception as exc:  # one broken repository must not abort the whole grading run
        return Row(name, error=f"{type(exc).__name__}: {exc}")
    return Row(name, card=result.scorecard, result=result)


def header() -> list[str]:
    """The table's column names."""
    return ["repository", "score", "grade", *CATEGORIES, "error"]


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
    if not any(row.error for row in rows):
        table = [cells[:-1] for cells in table]  # no error column when nothing failed
    if output_format == "markdown":
        titles = ["Repository", "Score", "Grade", *CATEGORIES.values(), "Error"][: len(table[0])]
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
