"""Reports: each format renders the same Result and never re-runs anything."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Iterator, Mapping, Protocol

if TYPE_CHECKING:
    from mlrepolint.results import Result


class Renderer(Protocol):
    """Renders a whole Result as one string."""

    def __call__(self, result: Result, *, color: bool = False, quiet: bool = False) -> str: ...


#: Format name -> the module (in this package) that renders it.
_MODULES = {
    "text": "text", "json": "json", "markdown": "markdown", "github": "github", "sarif": "sarif",
    "gitlab": "gitlab", "junit": "junit", "html": "html",
}


class _Formats(Mapping[str, Renderer]):
    """Format name -> renderer, each report module imported when its format is asked for (a run renders one or
    two formats: importing all eight was a tenth of a warm run's start-up)."""

    def __getitem__(self, name: str) -> Renderer:
        return importlib.import_module(f"{__name__}.{_MODULES[name]}").render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Renderer] = _Formats()
