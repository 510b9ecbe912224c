"""What a wrapped tool's code is, for reports that describe every rule (SARIF): a summary, help text, a docs URL.

flake8, ruff and pylint codes are not mlrepolint rules and have no declaration of their own here; this module
says what each tool documents about them, from what is installed: the flake8 plugin that owns the code's prefix
(pycodestyle, pyflakes, mccabe, bugbear...), ruff's own rule table (`ruff rule --all`, read once, only when a
report asks about a ruff code), and pylint's message symbol and its documentation page. It never runs a check.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

#: Documentation pages of the tools flake8 runs by default (their codes have no page each).
_PLUGIN_DOCS = {
    "pycodestyle": "https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes",
    "pyflakes": "https://flake8.pycqa.org/en/latest/user/error-codes.html",
    "mccabe": "https://flake8.pycqa.org/en/latest/user/error-codes.html",
    "flake8": "https://flake8.pycqa.org/en/latest/user/error-codes.html",
}
RUFF_RULES = "https://docs.astral.sh/ruff/rules/"
PYLINT_MESSAGES = "https://pylint.readthedocs.io/en/stable/user_guide/messages/"
#: pylint's message categories by the letter of the message id, as its documentation folders name them.
_PYLINT_CATEGORIES = {
    "C": "convention", "R": "refactor", "W": "warning", "E": "error", "F": "fatal", "I": "information",
}


@dataclass(frozen=True)
class About:
    """A wrapped code's summary (one line), help text, optional Markdown help, and documentation URL."""

    summary: str
    help: str
    uri: str | None = None
    markdown: str | None = None


def about(source: str, code: str, rule: str, example: str = "") -> About:
    """What `source` (flake8, ruff, pylint) documents about `code` (whose mlrepolint rule name is `rule`).

    `example` is one message the tool reported for the code in this run, shown when the tool has no summary.
    """
    if source == "pylint":
        return _pylint(code, rule)
    if source == "ruff":
        return _ruff(code, example)
    return _flake8(code, example)


def _pylint(code: str, symbol: str) -> About:
    category = _PYLINT_CATEGORIES.get(code[:1])
    uri = f"{PYLINT_MESSAGES}{category}/{symbol}.html" if category else PYLINT_MESSAGES
    return About(
        summary=f"pylint {symbol} ({code})",
        help=f"pylint's {symbol} ({code}); its documentation: {uri}",
        uri=uri,
    )


def _ruff(code: str, example: str) -> About:
    from mlrepolint.rules.wrapped.ruff import rule_table

    known = rule_table().get(code)
    if known is None:
        summary = f"ruff {code}" + (f": {example}" if example else "")
        return About(summary=summary, help=f"ruff's {code}; its rules: {RUFF_RULES}", uri=RUFF_RULES)
    uri = f"{RUFF_RULES}{known.name}/"
    return About(
        summary=f"{known.summary} (ruff {code}, {known.linter})",
        help=f"ruff's {known.name} ({code}, from {known.linter}); its documentation: {uri}",
        uri=uri,
        markdown=known.explanation or None,
    )


def _flake8(code: str, example: str) -> About:
    package = flake8_package(code)
    uri = _PLUGIN_DOCS.get(package) or _home_page(package)
    summary = f"{package} {code}" + (f": {example}" if example else "")
    where = f"; its documentation: {uri}" if uri else ""
    return About(summary=summary, help=f"{code}, reported by {package} through flake8{where}", uri=uri)


@functools.lru_cache(maxsize=None)
def _flake8_packages() -> tuple[tuple[str, str], ...]:
    """(code prefix, package) of every installed flake8 checker plugin, longest prefix first."""
    try:
        import configparser

        from flake8.plugins import finder

        cfg = configparser.RawConfigParser()
        opts = finder.parse_plugin_options(cfg, ".", enable_extensions=None, require_plugins=None)
        found = {
            p.entry_point.name: p.package for p in finder.find_plugins(cfg, opts)
            if p.entry_point.group == "flake8.extension"
        }
    except Exception:  # flake8 missing or changed: the code is still described, without its package
        return ()
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


def flake8_package(code: str) -> str:
    """The distribution of the flake8 plugin that reports `code` (`pycodestyle` for E501), else `flake8`."""
    return next((package for prefix, package in _flake8_packages() if code.startswith(prefix)), "flake8")


def _home_page(package: str) -> str | None:
    """A plugin's home page from its installed metadata (Home-page, else its first Project-URL)."""
    from importlib import metadata

    try:
        meta = metadata.metadata(package)
    except metadata.PackageNotFoundError:
        return None
    home = meta.get("Home-page")
    if home and home.startswith(("https://", "http://")):
        return home
    for entry in meta.get_all("Project-URL") or ():
        url = entry.partition(",")[2].strip()
        if url.startswith(("https://", "http://")):
            return url
    return None
