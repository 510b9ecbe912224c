"""Which codes the installed wrapped tools can report: a selector none of them answers to is a typo, an error.

flake8 reports the codes under its installed plugins' prefixes (`E`, `W`, `F`, `C90`, `B`...), pylint its message
ids (`C0301`), ruff its rule codes (`PLR0913`; only when ruff is the PEP 8 backend). A selector is known when it
is under a tool's prefix or is the prefix of one of its codes (`E5`, `C03`, `PL`).

pycodestyle's, pyflakes' and mccabe's prefixes come with flake8 itself and are answered at once. Anything else
needs the tools' own tables, which cost a few tenths of a second to build: they are kept in the user's cache
folder, keyed on the installed distributions, so a run pays for them once per install.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import Any

#: Prefixes of flake8's own dependencies (pycodestyle, pyflakes, mccabe): always installed with it.
FLAKE8_BUILTIN = ("E", "W", "F", "C90")


def is_known(selector: str, ruff: bool) -> bool:
    """True when an installed wrapped tool can report a code `selector` selects."""
    if _under(selector, FLAKE8_BUILTIN):
        return True
    tables = _tables()
    if _under(selector, tables["flake8"]) or any(code.startswith(selector) for code in tables["pylint"]):
        return True
    return ruff and any(code.startswith(selector) for code in tables["ruff"])


def _under(selector: str, prefixes: Any) -> bool:
    return any(selector.startswith(p) or p.startswith(selector) for p in prefixes)


def _tables() -> dict[str, list[str]]:
    """{"flake8": plugin prefixes, "pylint": message ids, "ruff": rule codes}, from the user's cache if it has
    them for exactly the installed distributions, else built now (and kept there)."""
    from mlrepolint.cache import installed_distributions, user_cache_dir, write_private

    key = hashlib.blake2b(json.dumps([sys.version, installed_distributions()]).encode(), digest_size=12).hexdigest()
    folder = user_cache_dir()
    file = os.path.join(folder, f"codes-{key}.json") if folder else None
    if file is not None:
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
            if isinstance(data, dict) and all(isinstance(data.get(k), list) for k in ("flake8", "pylint", "ruff")):
                return data
        except (OSError, ValueError):
            pass
    data = {"flake8": _flake8_prefixes(), "pylint": _pylint_ids(), "ruff": _ruff_codes()}
    if file is not None:
        write_private(file, json.dumps(data).encode())
    return data


def flake8_extensions() -> list[Any]:
    """The installed distributions' `flake8.extension` entry points, read through the standard library (a tenth
    of what loading flake8's plugin finder costs). `entry_points(group=...)` is Python 3.10's."""
    from importlib import metadata

    if sys.version_info >= (3, 10):
        return list(metadata.entry_points(group="flake8.extension"))
    return list(metadata.entry_points().get("flake8.extension", ()))


def _flake8_prefixes() -> list[str]:
    return sorted({e.name for e in flake8_extensions() if not e.name.startswith("MLR")})


def _pylint_ids() -> list[str]:
    try:
        from pylint.lint import PyLinter
    except ImportError:
        return []
    linter = PyLinter()
    linter.load_default_plugins()
    return sorted(message.msgid for message in linter.msgs_store.messages)


def _ruff_codes() -> list[str]:
    from mlrepolint.rules.wrapped.ruff import find_ruff

    executable = find_ruff()
    if executable is None:
        return []
    try:
        out = subprocess.run([executable, "rule", "--all", "--output-format", "json"], capture_output=True,
                             timeout=60, check=False).stdout
        return sorted(rule["code"] for rule in json.loads(out) if isinstance(rule.get("code"), str))
    except (OSError, ValueError, AttributeError, TypeError, subprocess.TimeoutExpired):
        return []
