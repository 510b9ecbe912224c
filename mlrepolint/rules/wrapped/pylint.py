"""pylint, opt-in (`--with pylint`), in fresh processes of its own, its messages collected through a reporter.

pylint runs apart from mlrepolint's process, in batches of files (`FILES_PER_PROCESS`), each in a new process,
so that neither mlrepolint's memory and pylint's nor astroid's cache of every module it built add up; the
cross-file checks (duplicate-code, cyclic-import) still report over all the files.

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
import json
import os
import pickle
import subprocess
import sys
import tempfile
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from mlrepolint.regex import lazy
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
_CRASH_REPORT = lazy(r"\s*There is a pre-filled template that you can use in '[^']*'\.?")


#: At most how many files one pylint process lints (the files are split into as few batches of equal size as
#: that allows). astroid keeps every module it builds (the linted files and everything they import) until the
#: process ends, so one long run grows with the files: on NVIDIA NeMo, one process over 200 files peaks at 360 MB,
#: three of 67 files at 260 MB; each new process builds again what the earlier ones had built (CPU time). The
#: cross-file checks (duplicate-code, cyclic-import) still see every file, through the data pylint's checkers hand
#: over between its processes in `--jobs` runs too.
FILES_PER_PROCESS = 80
#: Overrides FILES_PER_PROCESS (a positive number), so that a test can put a batch boundary in a small repository.
FILES_PER_PROCESS_ENV = "MLREPOLINT_PYLINT_FILES_PER_PROCESS"
#: The checkers whose findings need every file: in a batch's process they only collect (`get_map_data`), and the
#: last batch's process reports over all batches' data.
CROSS_FILE = ("similarities", "imports")

Message = tuple  # (msg_id, symbol, category letter, absolute path, line, column, text)


class _Failed(Exception):
    """pylint could not run; the text says why."""


class _Missing(Exception):
    """pylint cannot be imported."""


def _files_per_process() -> int:
    value = os.environ.get(FILES_PER_PROCESS_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else FILES_PER_PROCESS


def _run_in_processes(folder: str, args: list[str], paths: list[str], pragmas: bool, trusted: bool) -> list[Message]:
    """pylint's messages over `paths`, linted in batches, each in a fresh process (see FILES_PER_PROCESS).

    Every process runs pylint with the same arguments (all the files), so its module search path and the order of
    the files are the whole run's; it lints only its batch. A process is started isolated (`-I`: neither the
    current folder nor PYTHON* variables on its path) with this process's `sys.path`, so it imports what this one
    would, and nothing from the repository."""
    count = max(1, -(-len(paths) // _files_per_process()))  # as few batches as the size allows, of equal sizes
    batches = [paths[len(paths) * i // count:len(paths) * (i + 1) // count] for i in range(count)]
    collected: list[str] = []
    messages: list[Message] = []
    for number, batch in enumerate(batches):
        last = number == len(batches) - 1
        request = {
            "sys_path": sys.path, "recursion_limit": sys.getrecursionlimit(), "folder": folder, "args": args,
            "batch": batch, "pragmas": pragmas, "trusted": trusted,
            "collected": collected if last else [],
            "collect_to": None if last else os.path.join(folder, f"{number}.data"),
            "out": os.path.join(folder, f"{number}.json"),
        }
        request_path = os.path.join(folder, f"{number}.request.json")
        with open(request_path, "w", encoding="utf-8") as handle:
            json.dump(request, handle)
        bootstrap = (
            "import json, sys; request = json.load(open(sys.argv[1], encoding='utf-8')); "
            "sys.path[:] = request['sys_path']; "
            "from mlrepolint.rules.wrapped.pylint import run_batch; run_batch(request)"
        )
        done = subprocess.run(
            [sys.executable, "-I", "-c", bootstrap, request_path], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
        )
        try:
            with open(request["out"], encoding="utf-8") as handle:
                answer = json.load(handle)
        except (OSError, ValueError):
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise _Failed(lines[-1] if lines else f"exit code {done.returncode}") from None
        if answer.get("missing"):
            raise _Missing
        if answer.get("failed"):
            raise _Failed(answer["failed"])
        messages += [tuple(m) for m in answer["messages"]]
        if request["collect_to"]:
            collected.append(request["collect_to"])
    return messages


def run_batch(request: dict[str, Any]) -> None:
    """In a fresh process: pylint over one batch of files, its messages (and, but for the last batch, the
    cross-file checkers' data) written where `request` says."""
    from mlrepolint.workers import relax_gc

    sys.setrecursionlimit(request["recursion_limit"])
    relax_gc()  # as in the process that started this one
    messages: list[Message] = []
    answer: dict[str, Any] = {"messages": messages}
    try:
        messages += _lint_batch(request)
    except _Missing:
        answer["missing"] = True
    except _Failed as exc:
        answer["failed"] = str(exc)
    with open(request["out"], "w", encoding="utf-8") as handle:
        json.dump(answer, handle)


def _lint_batch(request: dict[str, Any]) -> list[Message]:
    try:
        from pylint.lint import PyLinter, Run
        from pylint.reporters import CollectingReporter
    except ImportError:
        raise _Missing from None

    batch = {os.path.normcase(os.path.abspath(p)) for p in request["batch"]}
    get_asts, lint_files = PyLinter._get_asts, PyLinter._lint_files

    def batch_asts(self: Any, fileitems: Any, *rest: Any) -> Any:
        mine = (f for f in fileitems if os.path.normcase(os.path.abspath(f.filepath)) in batch)
        return get_asts(self, mine, *rest)

    def lint_then_hand_over(self: Any, *arguments: Any) -> None:
        lint_files(self, *arguments)
        cross = [c for c in self.get_checkers() if c.name in CROSS_FILE]
        if request["collect_to"]:  # another batch reports: collect, and keep close() from reporting
            with open(request["collect_to"], "wb") as handle:
                pickle.dump({c.name: c.get_map_data() for c in cross}, handle)
            for checker in cross:
                checker.close = lambda: None
            return
        # The last batch: the earlier batches' data joins this one's, in the order of the files, before close().
        earlier = []
        for path in request["collected"]:
            # pylint's own objects (line sets), written by an earlier batch of this run into its private folder
            with open(path, "rb") as handle:
                earlier.append(pickle.load(handle))  # noqa: MLR410
        for checker in cross:
            data = [d[checker.name] for d in earlier if checker.name in d]
            if checker.name == "similarities":
                checker.linesets[:0] = [lineset for linesets in data for lineset in linesets]
            elif checker.name == "imports":
                for graph, excluded in data:
                    for importer, imported in graph.items():
                        checker.import_graph[importer].update(imported)
                    for importer, imported in excluded.items():
                        checker._excluded_edges[importer].update(imported)

    reporter = CollectingReporter()
    output = io.StringIO()
    PyLinter._get_asts, PyLinter._lint_files = batch_asts, lint_then_hand_over  # type: ignore[method-assign]
    try:
        quiet = contextlib.redirect_stdout(output), contextlib.redirect_stderr(output)
        with quiet[0], quiet[1], _guarded(request["folder"], request["pragmas"], request["trusted"]):
            Run(request["args"], reporter=reporter, exit=False)
    except SystemExit as exc:  # pylint exits on options it cannot parse, even with exit=False
        reason = output.getvalue().strip().splitlines() or [f"exit code {exc.code}"]
        raise _Failed(reason[-1]) from None
    except Exception as exc:  # a pylint or astroid bug must not stop the run
        raise _Failed(f"{type(exc).__name__}: {exc}") from None
    finally:
        PyLinter._get_asts, PyLinter._lint_files = get_asts, lint_files  # type: ignore[method-assign]
    return [
        (m.msg_id, m.symbol, m.C, m.abspath, m.line, m.column, m.msg) for m in reporter.messages
    ]


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
    with tempfile.TemporaryDirectory(prefix="mlrepolint-pylint-") as folder:
        rcfile = _write_rcfile(folder, options)
        paths = [os.path.join(root, f) for f in files]
        args = ["--rcfile", rcfile, *FORCED, *message_switches(selection), "--", *paths]
        try:
            messages = _run_in_processes(folder, args, paths, honour, settings.trust_repo_config)
        except _Missing:
            return [], [MISSING]
        except _Failed as exc:
            return [], warnings + [f"pylint failed, so its checks did not run: {exc}"]
    in_scope = set(files)
    found = []
    for msg_id, symbol, category, abspath, line, column, text in messages:
        path = os.path.relpath(abspath, root).replace(os.sep, "/") if abspath else ""
        if msg_id in DUPLICATES or symbol in own_rules:
            continue
        if path not in in_scope or category == "F":
            about = f" ({path})" if path in in_scope else ""
            warnings.append(f"pylint: {msg_id} {symbol}{about}: {_CRASH_REPORT.sub('', text)}")
            continue
        found.append(
            wrapped_finding(
                SOURCE, msg_id, symbol, _SEVERITY.get(category, Severity.INFO), path,
                line, column + 1 if column is not None else None, text,
            )
        )
    return found, warnings
