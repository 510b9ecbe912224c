"""pip requirements files (`requirements.txt`, `-r`/`-c` includes) read into entries with their lines.

Follows pip's own reading order: backslash continuations are joined first (the entry keeps the first physical
line), then `#` comments are dropped, then each line is an option line (`-r`, `-c`, `-e`, `--index-url`...) or a
requirement followed by per-requirement options (`--hash=...`).
"""

from __future__ import annotations

from typing import Iterator

from mlrepolint.api import lazy
from mlrepolint.rules.repo.pins import Entry, Include, is_url, requirement_dep

# pip's own pattern: a comment starts a line or follows whitespace (so `pkg#egg` in a URL is not a comment).
COMMENT_RE = lazy(r"(^|\s+)#.*$")
INCLUDE_OPTIONS = {"-r": False, "--requirement": False, "-c": True, "--constraint": True}
EDITABLE_OPTIONS = ("-e", "--editable")


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, text) of each line after joining `\\` continuations and dropping comments."""
    start: int | None = None
    parts: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if start is None:
            start = number
        if raw.endswith("\\") and not COMMENT_RE.match(raw):
            parts.append(raw[:-1])
            continue
        parts.append(raw)
        line = COMMENT_RE.sub("", "".join(parts)).strip()
        if line:
            yield start, line
        start, parts = None, []
    if parts:  # a continuation on the last line
        line = COMMENT_RE.sub("", "".join(parts)).strip()
        if line:
            yield start or 1, line


def option_value(line: str, options: tuple[str, ...]) -> tuple[str, str] | None:
    """(option, value) when the line starts with one of the options: `-r x`, `-rx`, `--requirement=x`."""
    for option in options:
        if line == option or not line.startswith(option):
            continue
        rest = line[len(option):]
        if option.startswith("--") and rest[:1] not in ("=", " ", "\t"):
            continue  # `--requirements-foo` is not `--requirement`
        value = rest.lstrip("= \t").split()
        return (option, value[0]) if value else None
    return None


def line_entry(text: str, line: int) -> Entry | None:
    """The entry for one logical requirements line, or None when there is nothing to check (an index option,
    a local path, `-e .`)."""
    if text.startswith("-"):
        include = option_value(text, tuple(INCLUDE_OPTIONS))
        if include is not None:
            return Include(include[1], line, constraint=INCLUDE_OPTIONS[include[0]])
        editable = option_value(text, EDITABLE_OPTIONS)
        if editable is not None and is_url(editable[1]):
            return requirement_dep(editable[1], line)  # `-e git+https://...@ref#egg=x`
        return None  # `--index-url URL`, `-f DIR`, `--hash=...`, `-e .`, `-e path` (pip takes a folder or a URL)
    # Like pip: the requirement ends where the first per-requirement option (`--hash`, `--config-settings`) starts.
    words = text.split(" ")
    for index, word in enumerate(words):
        if word.startswith("-"):
            words = words[:index]
            break
    requirement = " ".join(words).strip()
    if not requirement or "$" in requirement:  # `${PACKAGE}` is expanded by pip from the environment
        return None
    return requirement_dep(requirement, line)


def parse_requirements(text: str) -> list[Entry]:
    """Every entry of a requirements file, in order."""
    entries = []
    for line, logical in logical_lines(text):
        entry = line_entry(logical, line)
        if entry is not None:
            entries.append(entry)
    return entries
