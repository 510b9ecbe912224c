"""Gitignore-style patterns (`.gitignore` files, `exclude`, `per-file-ignores`, rule globs), matched in bounded time.

The patterns come from the linted repository, and so do the paths: a backtracking regex translation (`a*****b`
becomes `a[^/]*[^/]*...b`) takes exponential time on a path that almost matches. Here nothing backtracks: a path
is split into its segments, runs of segment patterns separated by `**` are placed leftmost-first (which is optimal,
as in the classic wildcard algorithm), and inside a segment the pieces between `*`s are found leftmost-first by
quantifier-free regexes. Matching one path costs at most (pattern length) x (path length) character steps.

The syntax and precedence are git's (https://git-scm.com/docs/gitignore):
trailing spaces dropped, `#` comments, `!` negation, a leading or inner `/` anchors to the root, a trailing `/`
matches folders only, `**` matches any number of folders, `[...]` ranges (with `!`/`^` negation and POSIX classes
such as `[[:digit:]]`); a pattern that matches a folder matches everything below it, and a later pattern decides,
except that a negation cannot re-include a file whose folder is excluded by a folder pattern.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

#: A pattern longer than this is not used (no path git keeps is that long): `unusable_lines` reports it.
MAX_PATTERN_CHARS = 4096

_STARS = "**"
_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9",
    "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": " \\t\\n\\r\\x0b\\x0c",
    "upper": "A-Z", "xdigit": "0-9A-Fa-f",
}


class PatternError(ValueError):
    """A line that is not a pattern at all (`!` alone, a trailing backslash)."""


class CheckResult(NamedTuple):
    """The verdict on one path: `include` True (the patterns exclude it, as git ignores it), False (a negation
    re-includes it) or None (no pattern matched); `index` of the deciding pattern."""

    file: str
    include: bool | None
    index: int | None


class _Segment:
    """A glob for one path segment: `*`, `?` and `[...]` never match `/`."""

    __slots__ = ("whole", "first", "middle", "last", "first_width", "last_width", "any_nonempty", "simple")

    def __init__(self, atoms: list[str | None]) -> None:
        # atoms: regex pieces of one character each, None for `*` (runs of `*` already collapsed).
        self.any_nonempty = atoms == [None]  # a lone `*` matches any non-empty segment (git: `[^/]+`)
        chunks: list[list[str]] = [[]]
        for atom in atoms:
            if atom is None:
                chunks.append([])
            else:
                chunks[-1].append(atom)
        sources = ["".join(chunk) for chunk in chunks]
        #: The whole segment's regex when it has at most one `*` (such a regex cannot backtrack much), else None.
        self.simple = ".+" if self.any_nonempty else sources[0] if len(chunks) == 1 else (
            f"{sources[0]}.*{sources[1]}" if len(chunks) == 2 else None
        )
        compiled = [re.compile(source, re.DOTALL) for source in sources]
        self.whole = compiled[0] if len(chunks) == 1 else None  # no `*`: one fixed-width regex, full match
        self.first, self.last = compiled[0], compiled[-1]
        self.first_width, self.last_width = len(chunks[0]), len(chunks[-1])
        self.middle = compiled[1:-1]

    def matches(self, text: str) -> bool:
        """True when the whole segment `text` matches."""
        if self.whole is not None:
            return self.whole.fullmatch(text) is not None
        if self.any_nonempty:
            return text != ""
        if self.first.match(text) is None:
            return False
        position, end = self.first_width, len(text) - self.last_width
        if end < position:
            return False
        for chunk in self.middle:  # leftmost first: leaves the most room for the rest
            found = chunk.search(text, position, end)
            if found is None:
                return False
            position = found.end()
        return self.last.match(text, end) is not None


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern line: `include` True for an ignoring pattern, False for a `!` negation."""

    line: str
    include: bool
    folder_only: bool  # the line ended in `/`: matches folders only
    floating: bool  # no anchor: matches at any depth (a leading `**`)
    groups: tuple[tuple[_Segment, ...], ...]  # runs of segment globs, any number of folders between them
    below: bool  # ended in `/**`: matches what is inside the folder, not the folder itself

    @property
    def name_regex(self) -> str | None:
        """The regex of the last segment when the pattern looks at the name alone (`*.log`), else None."""
        if self.floating and not self.below and len(self.groups) == 1 and len(self.groups[0]) == 1:
            return self.groups[0][0].simple
        return None

    def matches(self, parts: list[str], is_folder: bool) -> bool:
        """True when the pattern matches exactly the path split at `/` (a folder when `is_folder`)."""
        if self.folder_only and not is_folder:
            return False
        count = len(parts)
        end = count - 1 if self.below else count  # `dir/**`: at least one segment is left after the match
        groups = self.groups
        if not groups:  # `**` (or `**/`)
            return count >= (2 if self.below else 1)
        start = 0
        for number, group in enumerate(groups[:-1]):
            found = _place(group, parts, start, end, anchored=number == 0 and not self.floating)
            if found is None:
                return False
            start = found + len(group)
        last = groups[-1]
        anchored = len(groups) == 1 and not self.floating
        if self.below:
            return _place(last, parts, start, end, anchored) is not None
        at = count - len(last)
        return at >= start and (not anchored or at == start) and _fits(last, parts, at)


def _fits(group: tuple[_Segment, ...], parts: list[str], at: int) -> bool:
    return all(segment.matches(parts[at + offset]) for offset, segment in enumerate(group))


def _place(group: tuple[_Segment, ...], parts: list[str], start: int, end: int, anchored: bool) -> int | None:
    """The leftmost position >= start where `group` matches segments that all lie before `end`."""
    last_start = end - len(group)
    if anchored:
        return start if start <= last_start and _fits(group, parts, start) else None
    for at in range(start, last_start + 1):
        if _fits(group, parts, at):
            return at
    return None


def compile_pattern(line: str) -> Pattern | None:
    """A gitignore line as a Pattern; None for a line that matches nothing (blank, comment, `/`, an unclosed
    `[`, which git drops). Raises PatternError for a line git cannot read as a pattern."""
    if len(line) > MAX_PATTERN_CHARS:
        raise PatternError(f"pattern of {len(line):,} characters (the limit is {MAX_PATTERN_CHARS:,})")
    text = line if line.endswith("\\ ") else line.rstrip()
    if not text or text.startswith("#") or text == "/":
        return None
    include = True
    if text.startswith("!"):
        include, text = False, text[1:]
    parts = text.split("/")
    folder_only = len(parts) > 1 and not parts[-1]
    if folder_only:
        del parts[-1]
    if not parts[0] and len(parts) > 1:
        del parts[0]  # a leading `/` anchors
    elif len(parts) == 1:
        parts.insert(0, _STARS)  # no `/` but a trailing one: matches at any depth
    if not text.strip("/"):
        raise PatternError(f"not a pattern: {line!r}")
    parts = [_STARS if len(part) >= 2 and part.strip("*") == "" else part for part in parts]  # `***` is `**`
    parts = [part for i, part in enumerate(parts) if not (part == _STARS and i and parts[i - 1] == _STARS)]
    floating = parts[0] == _STARS
    below = len(parts) > 1 and parts[-1] == _STARS
    body = parts[1 if floating else 0: -1 if below else len(parts)]
    groups: list[list[_Segment]] = [[]]
    for part in body:
        if part == _STARS:
            groups.append([])
            continue
        atoms = _atoms(part, line)
        if atoms is None:
            return None
        groups[-1].append(_Segment(atoms))
    return Pattern(line, include, folder_only, floating, tuple(tuple(g) for g in groups if g), below)


def _atoms(glob: str, line: str) -> list[str | None] | None:
    """The glob's one-character regex pieces, None for each `*` run; None when a `[` is never closed."""
    atoms: list[str | None] = []
    i, end = 0, len(glob)
    while i < end:
        char = glob[i]
        i += 1
        if char == "\\":
            if i >= end:
                raise PatternError(f"trailing backslash in {line!r}")
            atoms.append(re.escape(glob[i]))
            i += 1
        elif char == "*":
            if not atoms or atoms[-1] is not None:
                atoms.append(None)
        elif char == "?":
            atoms.append("[^/]")
        elif char == "[":
            parsed = _bracket(glob, i)
            if parsed is None:
                return None
            atom, i = parsed
            atoms.append(atom)
        else:
            atoms.append(re.escape(char))
    return atoms


def _bracket(glob: str, i: int) -> tuple[str, int] | None:
    """The regex class for the bracket expression opening before `glob[i]`, and the index after it."""
    j, end = i, len(glob)
    negate = j < end and glob[j] in "!^"
    if negate:
        j += 1
    body_start = j
    if j < end and glob[j] == "]":
        j += 1
    while j < end and glob[j] != "]":
        if glob[j] == "\\":  # an escaped character, `]` included
            j += 2
            continue
        if glob.startswith("[:", j):  # a POSIX class's closing bracket does not close the expression
            close = glob.find(":]", j + 2)
            if close >= 0:
                j = close + 2
                continue
        j += 1
    if j >= end:
        return None
    body, pieces, k = glob[body_start:j], [], 0
    while k < len(body):
        if body.startswith("[:", k) and body.find(":]", k + 2) >= 0:
            close = body.find(":]", k + 2)
            name = body[k + 2: close]
            if name not in _POSIX_CLASSES:
                return "(?!)", j + 1  # git: an unknown class matches nothing
            pieces.append(_POSIX_CLASSES[name])
            k = close + 2
            continue
        char = body[k]
        if char == "\\" and k + 1 < len(body):
            k += 1
            char = body[k]
        if k + 2 < len(body) and body[k + 1] == "-" and body[k + 2] != "]":
            high = body[k + 2]
            if high == "\\" and k + 3 < len(body):
                high, k = body[k + 3], k + 1
            if char <= high:  # git: a reversed range matches nothing
                pieces.append(f"{re.escape(char)}-{re.escape(high)}")
            k += 3
            continue
        pieces.append(re.escape(char))
        k += 1
    if not pieces:
        return ("[^/]" if negate else "(?!)"), j + 1
    return f"[{'^/' if negate else ''}{''.join(pieces)}]", j + 1


def glob_matcher(glob: str) -> Callable[[str], bool]:
    """fnmatch-style `*`, `?` and `[...]` over a whole string (`/` is an ordinary character here), in bounded
    time; a glob that cannot be read (an unclosed `[`, a trailing backslash) matches nothing."""
    try:
        atoms = _atoms(glob.replace("/", "\\/"), glob)
    except PatternError:
        atoms = None
    if atoms is None:
        return lambda text: False
    segment = _Segment([atom if atom != "[^/]" else "." for atom in atoms])
    return segment.matches


@functools.lru_cache(maxsize=64)
def fnmatch_any(globs: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of a name against every glob at once, as `any(fnmatchcase(name, glob) for glob in globs)` gives it
    (`/` an ordinary character): one compiled regex instead of one fnmatch per glob, for rules that try a few globs
    on every file, call or name (measured: a fifth of the built-in checkers' per-file time went to fnmatch). A glob
    with more than two `*` (from a config, never the defaults) could make that regex backtrack for long: those are
    matched piece by piece instead, in time linear in the name (`glob_matcher`)."""
    simple = [glob for glob in globs if glob.count("*") <= 2]
    others = [glob_matcher(glob) for glob in globs if glob.count("*") > 2]
    regex = re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in simple) or "(?!)")
    if not others:
        return lambda name: regex.match(name) is not None
    return lambda name: regex.match(name) is not None or any(match(name) for match in others)


class Spec:
    """Compiled gitignore-style patterns; `check_file` gives git's verdict on a path relative to the root."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.patterns = tuple(patterns)
        self._memo: dict[str, CheckResult] = {}  # paths repeat (findings, probes): each is decided once
        # Most lines of a .gitignore (`*.log`, `__pycache__/`) look at the name alone, with at most one `*`: one
        # alternation of their regexes (each linear, so the alternation is too) rules them all out at once.
        names = [i for i, p in enumerate(self.patterns) if p.name_regex is not None]
        self._by_name = names[::-1]
        self._others = [i for i, p in enumerate(self.patterns) if p.name_regex is None][::-1]
        self._any_name = re.compile("|".join(f"(?:{self.patterns[i].name_regex})" for i in names), re.DOTALL) \
            if names else None

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Spec:
        """Compile the lines, leaving out those that are not patterns, as git does (see `valid_lines`)."""
        compiled = []
        for line in lines:
            try:
                pattern = compile_pattern(line)
            except PatternError:
                continue
            if pattern is not None:
                compiled.append(pattern)
        return cls(compiled)

    def check_file(self, path: str) -> CheckResult:
        """The verdict on `path` (POSIX, relative; a folder may end in `/`)."""
        result = self._memo.get(path)
        if result is None:
            result = self._memo[path] = self._check(path)
            if len(self._memo) > 100_000:
                self._memo.clear()
        return result

    def _check(self, path: str) -> CheckResult:
        normal = path[1:] if path.startswith("/") else path[2:] if path.startswith("./") else path
        is_folder = normal.endswith("/")
        parts = (normal[:-1] if is_folder else normal).split("/")
        if not self._others and (self._any_name is None or not any(map(self._any_name.fullmatch, parts))):
            # Only patterns of a name, and none matches a name on the path: neither the path nor a folder of it
            # matches (the common case of a rule's few patterns tried on every file of the repository).
            return CheckResult(path, None, None)
        # git does not look inside an excluded folder, so no pattern can re-include what is below it.
        for depth in range(1, len(parts)):
            folder = self._folder(parts[:depth])
            if folder.include:
                return CheckResult(path, True, folder.index)
        include, index = self._last_match(parts, is_folder)
        return CheckResult(path, include, index)

    def _folder(self, parts: list[str]) -> CheckResult:
        """The verdict on a folder of the path (folders repeat across paths: each is decided once)."""
        key = "/".join(parts) + "/"
        result = self._memo.get(key)
        if result is None:
            result = self._memo[key] = CheckResult(key, *self._last_match(parts, True))
        return result

    def _last_match(self, parts: list[str], is_folder: bool) -> tuple[bool | None, int | None]:
        """The last pattern matching exactly this path decides."""
        patterns, best = self.patterns, -1
        if self._any_name is not None and self._any_name.fullmatch(parts[-1]) is not None:
            best = next((i for i in self._by_name if patterns[i].matches(parts, is_folder)), -1)
        for number in self._others:
            if number < best:
                break
            if patterns[number].matches(parts, is_folder):
                best = number
                break
        return (patterns[best].include, best) if best >= 0 else (None, None)

    def match_file(self, path: str) -> bool:
        """True when the patterns exclude `path`."""
        return bool(self.check_file(path).include)


def valid_lines(lines: Iterable[str]) -> list[str]:
    """The lines that are patterns: one git cannot read (`!`, a trailing backslash) or an overlong one is left
    out, as git leaves out what it cannot read, instead of failing the run."""
    return [line for line in lines if not _problem(line)]


def unusable_lines(lines: Iterable[str]) -> list[tuple[int, str]]:
    """(line number, why) for each line that is left out because it is too long to be a pattern."""
    return [(number, f"pattern of {len(line):,} characters ignored (longer than {MAX_PATTERN_CHARS:,})")
            for number, line in enumerate(lines, 1) if len(line) > MAX_PATTERN_CHARS]


def _problem(line: str) -> bool:
    try:
        compile_pattern(line)
    except PatternError:
        return True
    return False
