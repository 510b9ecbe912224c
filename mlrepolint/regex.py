"""Regular expressions compiled on first use.

A module that defines dozens of them at its top (the project model) made every run compile them all on start-up,
a tenth of a warm single-file run, though such a run uses few. `lazy(pattern, flags)` stands for
`re.compile(pattern, flags)` where the pattern is only ever used through its methods and attributes (`search`,
`finditer`, `pattern`...), never handed to `re` functions, which accept compiled patterns only.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """A compiled pattern's stand-in: compiles on the first attribute asked for, then keeps the compiled pattern's
    methods as its own attributes (so later calls cost what calling the compiled pattern's do)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for what __init__ did not set: the compiled pattern's attributes
        compiled = re.compile(*self._source)
        for attribute in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"):
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]
