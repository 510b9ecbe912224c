"""The flake8 releases mlrepolint drives: its flake8 wrapper and the flake8 plugin's `# noqa` handling use flake8
internals flake8 does not promise (its plugin finder, option manager, FileChecker, style guide and Violation).

A module of its own so that the flake8 plugin can check the version without importing the wrapper.
"""

from __future__ import annotations

#: `>=7.0,<8`, as in the dependency of pyproject.toml.
SUPPORTED = (7, 8)
SUPPORTED_SPEC = f">={SUPPORTED[0]}.0,<{SUPPORTED[1]}"


def unsupported(version: str) -> str | None:
    """Why this flake8 version cannot be used (one clause), or None when it is within `SUPPORTED`."""
    try:
        major = int(version.split(".")[0])
    except ValueError:
        major = -1
    if SUPPORTED[0] <= major < SUPPORTED[1]:
        return None
    return f"flake8 {version} is not supported (mlrepolint works with flake8{SUPPORTED_SPEC})"
