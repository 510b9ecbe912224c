"""pylint, opt-in (`--with pylint`), in process, its messages collected through a reporter.

The repository's pylint config (the first of `pylintrc`, `pylintrc.toml`, `.pylintrc`, `.pylintrc.toml`,
`pyproject.toml`, `setup.cfg`, `tox.ini` that has pylint settings, as pylint looks) and `[tool.mlrepolint.pylint]`
over it are honoured, except the options that would run code from the repository (`init-hook`, `load-plugins`,
`evaluation`, a reporter class in `output-format`, C-extension loading): those are dropped with a warning unless
`trust-repo-config` is set. mlrepolint hands pylint a sanitized copy of the config, so pylint never reads the
repository's own file.

pylint never imports from the repository (unless `trust-repo-config`): it puts the linted files' folders first on
`sys.path` (so that astroid can follow imports between them), and then imports modules itself, lazily (`isort`,
and whatever its plugins need); a repository `isort.py` would run. While pylint runs, a finder in front of
`sys.meta_path` resolves every top-level import against the `sys.path` mlrepolint started with, and refuses a
module only the added folders hold. pylint's crash reports, which copy the crashing file's source into the user's
cache folder, are written into a temporary folder deleted after the run.

When the settings do not honour the repository's suppressions (`grade`), its pylint config and its
`# pylint: disable` / `skip-file` comments are not used.

Off by default: `no-member`, `import-error`, `no-name-in-module` (inference-heavy, noisy on ML code), unless
selected. Always dropped, so that nothing is reported twice: a message named like one of mlrepolint's own rules
(`missing-module-docstring`, `missing-class-docstring`, `missing-function-docstring`, ...) and `syntax-error`,
which `parse-error` reports.
"""

from __future__ import annotations

import configparser
import contextlib
import importlib.abc
import importlib.machinery
import io
import os
import re
import sys
import tempfile
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from mlrepolint.rules.base import Finding, Severity
from mlrepolint.rules.wrapped import DEFAULT_OFF, read_toml, wrapped_finding

if TYPE_CHECKING:
    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView
    from mlrepolint.selection import Selection

SOURCE = "pylint"
MISSING = "pylint is not installed, so the pylint checks did not run (pip install pylint)"
RC_FILES = ("pylintrc", "pylintrc.toml", ".pylintrc", ".pylintrc.toml", "pyproject.toml", "setup.cfg", "tox.ini")
#: Messages known to duplicate mlrepolint's own rules (docstrings; parse-error), disabled up front. Any other
#: message named like an mlrepolint rule is dropped from the output too.
DUPLICATES = {
    "C0114": "missing-module-docstring", "C0115": "missing-class-docstring",
    "C0116": "missing-function-docstring", "E0001": "syntax-error",
}
#: Options through which a config runs code: executed (init-hook, evaluation), imported (load-plugins, a
#: reporter class in output-format, C extensions), or written to disk (output, spelling-store-unknown-words).
UNSAFE = (
    "init-hook", "load-plugins", "evaluation", "output-format", "output", "extension-pkg-allow-list",
    "extension-pkg-whitelist", "unsafe-load-any-extension", "spelling-store-unknown-words", "rcfile",
)
#: What mlrepolint needs of every run: one process, no score or reports, no stats written to the user's home.
FORCED = ["--jobs=1", "--persistent=n", "--reports=n", "--score=n", "--clear-cache-post-run=y"]
_SEVERITY = {"F": Severity.ERROR, "E": Severity.ERROR, "W": Severity.WARNING}


def _value(value: Any) -> str:
    """A TOML value as pylint writes it on the command line (lists comma-joined), escaped for an ini file."""
    if isinstance(value, bool):
        text = "y" if value else "n"
    elif isinstance(value, (list, tuple)):
        text = ",".join(str(v) for v in value)
    else:
        text = str(value)
    return text.replace("%", "%%")


def _ini_options(text: str, name: str) -> list[tuple[str, str]] | None:
    parser = configparser.RawConfigParser(inline_comment_prefixes=("#", ";"))
    try:
        parser.read_string(text, source=name)
    except configparser.Error:
        return None
    sectioned = name in ("setup.cfg", "tox.ini")  # pylint reads only its own sections there
    return [
        (key, value)
        for section in parser.sections()
        if not sectioned or section == "pylint" or section.startswith("pylint.")
        for key, value in parser.items(section)
    ]


def _toml_options(table: Any) -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []
    for key, value in (table or {}).items():
        if isinstance(value, dict):
            options += [(k, _value(v)) for k, v in value.items()]
        else:
            options.append((key, _value(value)))
    return options


def repo_options(repo: RepoView) -> tuple[str | None, list[tuple[str, str]]]:
    """The repository's pylint config file and its options, in pylint's order of preference."""
    for name in RC_FILES:
        if name.endswith(".toml"):
            tool = read_toml(repo, name).get("tool", {})
            if isinstance(tool, dict) and isinstance(tool.get("pylint"), dict):
                return name, _toml_options(tool["pylint"])
            continue
        text = repo.read_text(name)
        options = _ini_options(text, name) if text is not None else None
        if options or (options is not None and name not in ("setup.cfg", "tox.ini")):
            return name, options
    return None, []


def sanitize(options: Iterable[tuple[str, str]], trusted: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """The options without those that would run repository code (kept when trusted), and the dropped names."""
    kept, dropped = [], []
    for key, value in options:
        name = key.strip().lower().replace("_", "-")
        if name in UNSAFE and not (trusted and name not in ("output", "rcfile")):
            dropped.append(name)
        else:
            kept.append((name, value))
    return kept, sorted(set(dropped))


def _write_rcfile(folder: str, options: Sequence[tuple[str, str]]) -> str:
    parser = configparser.RawConfigParser()
    parser.add_section("MAIN")
    for key, value in options:
        parser.set("MAIN", key, value)
    path = os.path.join(folder, "pylintrc")
    with open(path, "w", encoding="utf-8") as handle:
        parser.write(handle)
    return path


class _NoRepositoryImports(importlib.abc.MetaPathFinder):
    """Resolves top-level imports against `trusted` (the `sys.path` from before pylint added the linted folders),
    and refuses a module found only through the added folders: the repository's own."""

    def __init__(self, trusted: Sequence[str]) -> None:
        self.trusted = list(trusted)

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        """The module as the user's environment provides it; ModuleNotFoundError for the repository's."""
        if path is not None:  # a submodule: its package was already found this way
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, self.trusted)
        if spec is None and importlib.machinery.PathFinder.find_spec(name) is not None:
            raise ModuleNotFoundError(f"{name!r} is only in the linted repository, which is never imported", name=name)
        return spec


def _no_pragmas(self: Any, tokens: Any) -> None:
    """pylint's `process_tokens` for a run that does not honour `# pylint: disable` / `skip-file` comments."""
    self._pragma_lineno = {}


@contextlib.contextmanager
def _guarded(folder: str, pragmas: bool, trusted: bool) -> Iterator[None]:
    """While pylint runs: crash reports into `folder`, pragmas on or off, and no import from the repository unless
    it is `trusted` (`--trust-repo-config`: its `init-hook` and `load-plugins` run)."""
    from pylint.lint import PyLinter

    guard = _NoRepositoryImports(sys.path)
    saved = {name: vars(PyLinter)[name] for name in ("crash_file_path", "process_tokens") if name in vars(PyLinter)}
    PyLinter.crash_file_path = os.path.join(folder.replace("%", "%%"), "pylint-crash-%Y-%m-%d-%H-%M-%S.txt")
    if not pragmas:
        PyLinter.process_tokens = _no_pragmas  # type: ignore[method-assign]
    if not trusted:
        sys.meta_path.insert(0, guard)
    try:
        yield
    finally:
        if guard in sys.meta_path:
            sys.meta_path.remove(guard)
        for name in ("crash_file_path", "process_tokens"):
            if name in saved:
                setattr(PyLinter, name, saved[name])
            elif name in vars(PyLinter):
                delattr(PyLinter, name)


#: The sentence of pylint's crash message that points at its crash report (deleted with the temporary folder).
_CRASH_REPORT = re.compile(r"\s*There is a pre-filled template that you can use in '[^']*'\.?")


def message_switches(selection: Selection) -> list[str]:
    """--disable for the duplicates and the default-off messages, --enable for default-off ones selected."""
    selected = [code for code, name in DEFAULT_OFF.items() if selection.enabled(code, name)]
    disabled = [*DUPLICATES, *(code for code in DEFAULT_OFF if code not in selected)]
    return [f"--disable={','.join(disabled)}"] + ([f"--enable={','.join(selected)}"] if selected else [])


def pylint_findings(
    repo: RepoView, settings: Settings, selection: Selection, files: Sequence[str],
    own_rules: frozenset[str] = frozenset(),
) -> tuple[list[Finding], list[str]]:
    """pylint's findings over `files` (relative to the root) and the run's warnings; messages named like one of
    `own_rules` (mlrepolint's rule names) are left out, since mlrepolint reports them itself."""
    try:
        from pylint.lint import Run
        from pylint.reporters import CollectingReporter
    except ImportError:
        return [], [MISSING]
    honour = settings.honours_suppressions
    name, repo_opts = repo_options(repo) if honour else (None, [])
    own = [(key, _value(value)) for key, value in settings.pylint.items()]
    options: list[tuple[str, str]] = []
    warnings = []
    for where, group in ((name, repo_opts), ("[tool.mlrepolint.pylint]", own)):
        kept, dropped = sanitize(group, settings.trust_repo_config)
        options += kept
        if dropped:
            warnings.append(
                f"pylint: {', '.join(dropped)} in {where} ignored, because it would run code from the repository "
                "or write files; pass --trust-repo-config to use it"
            )
    root = str(repo.root)
    reporter = CollectingReporter()
    output = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="mlrepolint-pylint-") as folder:
        rcfile = _write_rcfile(folder, options)
        paths = [os.path.join(root, f) for f in files]
        args = ["--rcfile", rcfile, *FORCED, *message_switches(selection), "--", *paths]
        try:
            quiet = contextlib.redirect_stdout(output), contextlib.redirect_stderr(output)
            with quiet[0], quiet[1], _guarded(folder, honour, settings.trust_repo_config):
                Run(args, reporter=reporter, exit=False)
        except SystemExit as exc:  # pylint exits on options it cannot parse, even with exit=False
            reason = output.getvalue().strip().splitlines() or [f"exit code {exc.code}"]
            return [], warnings + [f"pylint failed, so its checks did not run: {reason[-1]}"]
        except Exception as exc:  # a pylint or astroid bug must not stop the run
            return [], warnings + [f"pylint failed, so its checks did not run: {type(exc).__name__}: {exc}"]
    in_scope = set(files)
    found = []
    for message in reporter.messages:
        path = os.path.relpath(message.abspath, root).replace(os.sep, "/") if message.abspath else ""
        if message.msg_id in DUPLICATES or message.symbol in own_rules:
            continue
        if path not in in_scope or message.C == "F":
            about = f" ({path})" if path in in_scope else ""
            warnings.append(f"pylint: {message.msg_id} {message.symbol}{about}: {_CRASH_REPORT.sub('', message.msg)}")
            continue
        found.append(
            wrapped_finding(
                SOURCE, message.msg_id, message.symbol, _SEVERITY.get(message.C, Severity.INFO), path,
                message.line, message.column + 1 if message.column is not None else None, message.msg,
            )
        )
    return found, warnings
