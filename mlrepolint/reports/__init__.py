"""Reports: each format renders the same Result and never re-runs anything."""

from __future__ import annotations

from typing import Protocol

from mlrepolint.engine import Result
from mlrepolint.reports import github as github_report
from mlrepolint.reports import gitlab as gitlab_report
from mlrepolint.reports import html as html_report
from mlrepolint.reports import json as json_report
from mlrepolint.reports import junit as junit_report
from mlrepolint.reports import markdown as markdown_report
from mlrepolint.reports import sarif as sarif_report
from mlrepolint.reports import text as text_report


class Renderer(Protocol):
    """Renders a whole Result as one string."""

    def __call__(self, result: Result, *, color: bool = False, quiet: bool = False) -> str: ...


#: Format name -> renderer.
FORMATS: dict[str, Renderer] = {
    "text": text_report.render,
    "json": json_report.render,
    "markdown": markdown_report.render,
    "github": github_report.render,
    "sarif": sarif_report.render,
    "gitlab": gitlab_report.render,
    "junit": junit_report.render,
    "html": html_report.render,
}
