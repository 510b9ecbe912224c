"""A one-line progress count on stderr for long runs, shown only on a terminal (never in CI or when piped)."""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

#: Runs shorter than this show nothing; after it, the line is redrawn at most every REFRESH seconds.
DELAY = 0.5
REFRESH = 0.1


class Progress:
    """`mlrepolint: 1200/3000 files` on one line of stderr, erased when the run ends."""

    def __init__(
        self,
        total: int,
        enabled: bool = True,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        label: str = "files",
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self.clock = clock
        self.started = clock()
        self.shown_at: float | None = None
        self.enabled = enabled and total > 0 and _interactive(self.stream)

    def advance(self, count: int = 1) -> None:
        """Count `count` more files done; redraw when due."""
        self.done += count
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < DELAY or (self.shown_at is not None and now - self.shown_at < REFRESH):
            return
        self.shown_at = now
        self.stream.write(f"\rmlrepolint: {self.done}/{self.total} {self.label}")
        self.stream.flush()

    def close(self) -> None:
        """Erase the line, if one was drawn."""
        if self.shown_at is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown_at = None


def _interactive(stream: TextIO) -> bool:
    if os.environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False
