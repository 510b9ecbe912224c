"""What counts as a pinned Python requirement: one exact version, one archive, or one commit.

Shared by every place a dependency is declared (requirements files, conda `pip:` lists, Pipfiles, `pip install`
in Dockerfiles). Requirements are parsed with `packaging`, so markers (`; python_version < "3.12"`), extras and
PEP 503 names are handled as pip handles them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union
from urllib.parse import urlsplit

from mlrepolint.api import lazy

VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
#: A full commit id: SHA-1 (git, hg) or SHA-256 (git).
COMMIT_RE = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
#: Files pip installs from a path or URL: one archive, one version.
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar")
#: Installer tooling: never reported by default, as pip-tools leaves pip and setuptools out of its pins.
IGNORED_PACKAGES = ("pip", "setuptools", "wheel")


@dataclass(frozen=True)
class Dep:
    """One declared dependency. `problem` says why it is not pinned (None: pinned); `pip` is False for conda
    packages, which pip constraint files cannot pin."""

    name: str  # PEP 503 normalised, for comparing with constraint files
    line: int
    text: str  # as written, for messages
    problem: str | None
    pip: bool = True


@dataclass(frozen=True)
class Include:
    """`-r file` (or `-c file` when `constraint`), relative to the including file."""

    target: str
    line: int
    constraint: bool = False


@dataclass(frozen=True)
class Problem:
    """A line that cannot be parsed, reported as `parse-error`."""

    line: int
    message: str


Entry = Union[Dep, Include, Problem]


URL_RE = lazy(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: str) -> bool:
    """A bare URL pip would download or check out (`https://...`, `git+ssh://...`, `file:...`)."""
    return bool(URL_RE.match(text)) or text.startswith(VCS_PREFIXES) or text.startswith("file:")


def is_local_path(text: str) -> bool:
    """A folder or archive on disk (`.`, `./pkg`, `../libs/x`, `/wheels/x.whl`, `dist/x-1.0.tar.gz`).

    As pip does, the environment marker is split off first: `requests>=2; platform_version == "a/b"` is a
    requirement whatever its marker holds."""
    if is_url(text):
        return False
    head = text.split(";", 1)[0].strip()
    if head.startswith((".", "/", "~")):
        return True
    if "@" in head:  # `name @ https://...`: a PEP 508 URL requirement
        return False
    return "/" in head or "\\" in head or head.lower().endswith(ARCHIVE_SUFFIXES)


def url_problem(url: str) -> str | None:
    """Why a URL requirement is not pinned: a VCS URL needs a full commit id; any other URL is one archive."""
    if not url.startswith(VCS_PREFIXES):
        return None
    path = urlsplit(url.split("+", 1)[1]).path
    ref = path.rsplit("@", 1)[1] if "@" in path.rsplit("/", 1)[-1] else ""
    if not ref:
        return "the VCS URL names no commit (`@<sha>`)"
    if COMMIT_RE.match(ref):
        return None
    return f"VCS ref `{ref}` is a branch or tag, not a full commit SHA"


def specifier_problem(specifier: str) -> str | None:
    """Why a PEP 440 specifier set (`==1.2`, `>=1,<2`, ``) does not pin one version."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specs = list(SpecifierSet(specifier))
    except InvalidSpecifier:
        return f"invalid version specifier `{specifier}`"
    if not specs:
        return "no version given"
    for spec in specs:
        if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*")):
            return None
    return f"`{specifier}` allows more than one version"


def requirement_dep(text: str, line: int) -> Dep | Problem | None:
    """A requirement as pip reads it from one argument or line: a PEP 508 requirement, a URL or a local path.

    Local paths and local archives return None (nothing to pin); a line packaging cannot parse is a Problem.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    shown = text if len(text) <= 80 else text[:77] + "..."
    if is_url(text):  # a bare URL: `git+https://host/repo.git@ref#egg=name`, `https://host/pkg-1.0.whl`
        egg = re.search(r"[#&]egg=([A-Za-z0-9_.-]+)", text)
        try:
            problem = url_problem(text)
        except ValueError as exc:  # `Invalid IPv6 URL`: brackets in the host
            return Problem(line, f"invalid requirement `{shown}`: {exc}")
        return Dep(canonical(egg.group(1)) if egg else text, line, text, problem)
    if is_local_path(text):
        return None
    try:
        req = Requirement(text)
        problem = url_problem(req.url) if req.url else specifier_problem(str(req.specifier))
    except InvalidRequirement as exc:
        return Problem(line, f"invalid requirement `{shown}`: {str(exc).splitlines()[0]}")
    except ValueError as exc:  # `name @ git+https://host[[`: a URL urllib cannot split
        return Problem(line, f"invalid requirement `{shown}`: {exc}")
    except RecursionError:  # markers nested in thousands of parentheses
        return Problem(line, "invalid requirement: its marker is nested too deeply to read")
    return Dep(canonical(req.name), line, text, problem)


def canonical(name: str) -> str:
    """A package name normalised as PEP 503 does (`Scikit_Learn` -> `scikit-learn`): `re.sub(r"[-_.]+", "-",
    name).lower()`, computed as packaging's `canonicalize_name` does, without importing packaging (checking the
    imports of one edited file needs nothing else of it: 5 ms of a commit)."""
    value = name.lower().replace("_", "-").replace(".", "-")
    while "--" in value:
        value = value.replace("--", "-")
    return value
