"""`pip install` in shell commands (Dockerfile `RUN`s, CI steps): the packages it names, and whether a
constraint file pins them.

Commands are split as a shell would for the purpose (`;`, `&&`, `||`, `|`, quotes), never run.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import shlex
from typing import Iterator, Sequence

from mlrepolint.api import lazy
from mlrepolint.rules.repo.pins import Dep, is_local_path, requirement_dep

PIP_RE = lazy(r"^pip[0-9.]*$")
SEPARATOR_RE = lazy(r"^[;&|]+$")
REDIRECT_RE = lazy(r"^[0-9]*(?:[<>]+&?)(?P<target>.*)$")  # `>log`, `2>`, `2>&1`, `<in`
#: `pip install` options that take a value as the next word (`--index-url URL`, `-t DIR`).
VALUE_OPTIONS = frozenset(
    {
        "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
        "--src", "--upgrade-strategy", "--platform", "--python-version", "--implementation", "--abi",
        "--no-binary", "--only-binary", "--progress-bar", "--trusted-host", "--proxy", "--retries", "--timeout",
        "--exists-action", "--cert", "--client-cert", "--cache-dir", "--log", "--log-file", "-C",
        "--config-settings", "--global-option", "--install-option", "--report", "--python", "--root-user-action",
        "--keyring-provider", "--use-feature", "--use-deprecated", "--python-path",
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable",
    }
)
#: JSON arrays nested deeper than this are no command anyone writes; decoding them would recurse once per level.
MAX_JSON_DEPTH = 32


class NestingError(ValueError):
    """An exec-form instruction nests JSON arrays too deeply to read."""


def _json_depth(text: str) -> int:
    """How deeply `[`/`{` nest in a JSON text, strings skipped (one pass, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def shell_commands(args: str) -> Iterator[list[str]]:
    """The words of each simple command in a `RUN` or a CI step (exec form, or shell form split at `;`, `&&`,
    `||`, `|`). Raises NestingError for an exec form nested too deeply to read."""
    if args.startswith("["):
        if _json_depth(args) > MAX_JSON_DEPTH:
            raise NestingError(f"exec-form arguments nest JSON arrays more than {MAX_JSON_DEPTH} deep")
        try:
            words = json.loads(args)
        except ValueError:
            words = None
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            yield words
            return
    for line in args.split("\n"):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:  # unbalanced quotes: not a command we can read
            continue
        command: list[str] = []
        for token in tokens:
            if SEPARATOR_RE.match(token):
                yield command
                command = []
            else:
                command.append(token)
        yield command


def pip_install_arguments(words: Sequence[str]) -> tuple[list[str], bool] | None:
    """The package arguments of a `pip install` command (None for any other command), and whether it passes
    a constraint file."""
    for index, word in enumerate(words):
        if PIP_RE.match(posixpath.basename(word)) and "install" in words[index + 1:]:
            rest = list(words[words.index("install", index + 1) + 1:])
            break
    else:
        return None
    packages: list[str] = []
    constrained = False
    position = 0
    while position < len(rest):
        word = rest[position]
        position += 1
        redirect = REDIRECT_RE.match(word)
        if redirect is not None:
            position += 0 if redirect.group("target") else 1  # `> log.txt`: the next word is the target
            continue
        if not word.startswith("-"):
            packages.append(word)
            continue
        name, eq, value = word.partition("=")
        constrained = constrained or name in ("-c", "--constraint") or word.startswith("-c")
        if name in VALUE_OPTIONS and not eq:
            value = rest[position] if position < len(rest) else ""
            position += 1
        if name in ("-e", "--editable") and value and not is_local_path(value):
            packages.append(value)  # `-e git+https://...@ref#egg=x`
    return packages, constrained


def requested(packages: Sequence[str], line: int) -> list[tuple[str, Dep]]:
    """(as written, Dep) of each package argument that is a requirement (not a path, not a `$VARIABLE`); one
    that the same command also pins (`mkdocstrings==0.21.2 "mkdocstrings[python]>=0.18"`) counts as pinned."""
    deps = []
    for package in packages:
        dep = requirement_dep(package, line) if "$" not in package else None
        if isinstance(dep, Dep):
            deps.append((package, dep))
    pinned = {dep.name for _, dep in deps if dep.problem is None}
    return [(package, dataclasses.replace(dep, problem=None) if dep.name in pinned else dep) for package, dep in deps]
