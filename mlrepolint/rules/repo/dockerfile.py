"""A small Dockerfile reader: instructions with their lines, as BuildKit splits them.

Handles the `# escape=` parser directive, line continuations (comment and blank lines inside a continuation are
dropped, as Docker drops them), case-insensitive keywords, `RUN <<EOF` heredocs (the body belongs to the
instruction) and `$VAR` / `${VAR:-default}` substitution for the values of `ARG`s.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Mapping

from mlrepolint.api import lazy

DIRECTIVE_RE = lazy(r"^\s*#\s*(?P<key>[A-Za-z]+)\s*=\s*(?P<value>\S+)\s*$")
HEREDOC_INSTRUCTIONS = ("RUN", "COPY", "ADD")
HEREDOC_RE = lazy(r"<<(?P<dash>-?)(?P<quote>[\"']?)(?P<word>[A-Za-z_][A-Za-z0-9_]*)(?P=quote)")
VAR_RE = lazy(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+])?(?P<word>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class Instruction:
    """One instruction: upper-cased keyword, its arguments (continuations joined), and its physical lines."""

    keyword: str
    args: str
    line: int
    lines: tuple[tuple[int, str], ...]

    def line_of(self, word: str) -> int:
        """The first physical line of this instruction holding `word` as a whole shell word, maybe quoted
        (else the instruction's line)."""
        pattern = re.compile(r"(?<![^\s'\"=])" + re.escape(word) + r"(?![^\s'\"\\;&|])")
        return next((number for number, raw in self.lines if pattern.search(raw)), self.line)


def parse_dockerfile(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, in order."""
    raw_lines = text.splitlines()
    escape = "\\"
    for raw in raw_lines:  # parser directives: only at the very top, before any other line
        directive = DIRECTIVE_RE.match(raw)
        if directive is None:
            break
        if directive.group("key").lower() == "escape" and directive.group("value") in ("\\", "`"):
            escape = directive.group("value")
    instructions: list[Instruction] = []
    index = 0
    while index < len(raw_lines):
        raw = raw_lines[index]
        index += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        start = index
        physical = [(index, raw)]
        parts: list[str] = []
        current = raw.rstrip()
        while current.endswith(escape) and index < len(raw_lines):
            parts.append(current[:-1])
            current = raw_lines[index]
            index += 1
            physical.append((index, current))
            if not current.strip() or current.strip().startswith("#"):
                current = escape  # skipped inside a continuation, keep joining
            current = current.rstrip()
        parts.append(current[:-1] if current.endswith(escape) else current)
        joined = " ".join(part.strip() for part in parts if part.strip())
        keyword, _, args = joined.partition(" ")
        for heredoc in HEREDOC_RE.finditer(args) if keyword.upper() in HEREDOC_INSTRUCTIONS else ():
            if _quoted(args, heredoc.start()):
                continue  # `echo "a <<b"` is not a heredoc
            end = _heredoc_end(raw_lines, index, heredoc.group("word"), strip=bool(heredoc.group("dash")))
            if end is None:
                continue  # no terminator: read the following lines as instructions
            physical.extend((number + 1, raw_lines[number]) for number in range(index, end + 1))
            args += "\n" + "\n".join(raw_lines[index:end])
            index = end + 1
        instructions.append(Instruction(keyword.upper(), args.strip(), start, tuple(physical)))
    return instructions


def _quoted(text: str, position: int) -> bool:
    """True when `position` is inside single or double quotes."""
    quote = None
    for char in text[:position]:
        if quote is None and char in "\"'":
            quote = char
        elif char == quote:
            quote = None
    return quote is not None


def _heredoc_end(lines: list[str], start: int, word: str, strip: bool) -> int | None:
    """The index of the line that ends a heredoc body starting at `start`, or None when there is none."""
    for number in range(start, len(lines)):
        if (lines[number].strip() if strip else lines[number]) == word:
            return number
    return None


#: The longest value an `ARG` may expand to: past it the ARGs expand each other (each doubling the last), and
#: the expansion stops there rather than growing exponentially.
MAX_EXPANSION = 4096


def substitute(
    value: str, variables: Mapping[str, str | None], limit: int = MAX_EXPANSION
) -> tuple[str, list[str]]:
    """`value` with `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` replaced; also the names of the
    variables that have no value (an `ARG` without a default, or never declared). The result is cut just past
    `limit` characters, so expanding is linear in the value whatever the variables hold."""
    missing: list[str] = []
    pieces: list[str] = []
    size = 0
    position = 0
    for match in VAR_RE.finditer(value):
        name = match.group("braced") or match.group("plain")
        current = variables.get(name)
        op, word = match.group("op"), match.group("word") or ""
        if op in (":-", "-"):
            replaced = current if current else word
        elif op in (":+", "+"):
            replaced = word if current else ""
        elif current is None:
            missing.append(name)
            replaced = match.group(0)
        else:
            replaced = current
        for piece in (value[position: match.start()], replaced):
            pieces.append(piece)
            size += len(piece)
        position = match.end()
        if size > limit:
            return "".join(pieces)[: limit + 1], missing
    pieces.append(value[position:])
    return "".join(pieces)[: limit + 1], missing


def arg_declarations(args: str) -> list[tuple[str, str | None]]:
    """(name, default or None) for each variable an `ARG` line declares: `ARG A=1 B="x y" C`."""
    try:
        words = shlex.split(args, comments=False, posix=True)
    except ValueError:
        words = args.split()
    declared = []
    for word in words:
        name, eq, default = word.partition("=")
        declared.append((name, default if eq else None))
    return declared


def flags_and_words(args: str) -> tuple[dict[str, str], list[str]]:
    """Leading `--flag=value` options (`--platform=...`, `--from=...`) and the remaining words."""
    words = args.split()
    flags: dict[str, str] = {}
    while words and words[0].startswith("--"):
        name, _, value = words.pop(0)[2:].partition("=")
        flags[name.lower()] = value
    return flags, words
