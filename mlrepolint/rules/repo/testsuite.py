"""The test suite by substance: which test functions exercise the project's own modules.

Read as text (never imported, never parsed a second time): each test file's imports, its `def test...` lines and
whether it asserts anything. A test file exercises the project when it, the `conftest.py` files above it or the
test helpers it imports import one of the project's modules, or run the project as a command.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from mlrepolint.api import Project, RepoView, fnmatch_any, is_test_path, lazy, scan_imports
from mlrepolint.rules.repo.imports import is_project_code
from mlrepolint.rules.repo.project_setup import CI_FILES

TEST_LIMIT = 1024 * 1024
#: Python files that are not the project's own modules.
NOT_MODULES = frozenset({"setup.py", "conftest.py", "noxfile.py", "conf.py", "manage.py", "__init__.py"})
#: Folders whose Python files document the project rather than make it up.
EXAMPLE_DIRS = frozenset({"examples", "example"})
#: Modules that run the project as a command (a CLI test) or run its notebooks.
RUNNERS = frozenset({
    "subprocess", "runpy", "click.testing", "typer.testing", "pytest_console_scripts", "testbook", "nbclient",
    "papermill",
})
#: Files whose commands run: task runners and test configuration (besides CI configurations and test files).
TASK_FILES = (
    "tox.ini", "noxfile.py", "Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", "Taskfile.yml",
    "dodo.py", ".pre-commit-config.yaml",
)
#: Configuration files that can only name pytest options (a dependency named `nbmake` there runs nothing).
PYTEST_CONFIGS = ("pyproject.toml", "setup.cfg", "pytest.ini")
RUN_LIMIT = 256 * 1024
#: A command or test that executes notebooks: nbmake, nbval, pytest-notebook, papermill, testbook, treon,
#: nbclient or nbconvert's executor, `jupyter nbconvert --execute`, `jupyter execute`, `jupytext --execute`,
#: nbdev's tests, and book builds that execute their notebooks (Jupyter Book, MyST, Quarto).
_RUNS_NOTEBOOKS = re.compile(
    r"--nbmake\b|\bnbmake\b|--nbval(?:-lax)?\b|\bpytest[-_]notebook\b|--nb-test-files\b|\bpapermill\b"
    r"|\btestbook\b|\btreon\b|\bnbclient\b|\bExecutePreprocessor\b|\bnbconvert\b[^\n]*--execute\b"
    r"|\bjupyter[ \t]+execute\b|\bjupytext\b[^\n]*--execute\b|\b(?:jupyter-book|jb)[ \t]+build\b"
    r"|\bnbdev[_-]test\b|\bquarto[ \t]+render\b|\bmyst[ \t]+build\b[^\n]*--execute\b"
)
_NOTEBOOK_OPTIONS = re.compile(r"--nbmake\b|--nbval(?:-lax)?\b|--nb-test-files\b")
#: A test function is `def test...(` at the start of a line, after indentation or `async`. Found by its `def`, a
#: literal the regex engine scans for quickly, and then what precedes it checked (see `_test_functions`): a
#: pattern that starts with `^[ \t]*` under re.M is tried at every position of the text (NVIDIA NeMo's 4.5 MB of
#: tests: 51-76 ms, now 5-9).
_TEST_DEF = lazy(r"def[ \t]+test\w*[ \t]*\(")
_ASSERTS = lazy(
    r"^[ \t]*assert\b|\bassert\w*[ \t]*\(|\.assert\w*[ \t]*\(|\bpytest\.(?:raises|warns|approx)\b|\.fail\(", re.M
)
#: Every match of _ASSERTS holds one of these, on the line it starts on.
_ASSERT_WORDS = ("assert", "pytest.", ".fail(")


@dataclass(frozen=True)
class Suite:
    """How much of the test suite exercises the project: test files, the test functions that count, and (when
    none does) why."""

    files: int
    functions: int
    why_not: str = ""


def project_modules(repo: RepoView) -> list[str]:
    """The project's own modules: Python files other than tests, package inits, tooling scripts, docs and
    examples."""
    return [
        f.path for f in repo.files
        if is_project_code(f.path) and f.name not in NOT_MODULES
        and not EXAMPLE_DIRS.intersection(f.path.split("/")[:-1]) and not _templated(f.path)
    ]


def test_files(repo: RepoView) -> list[str]:
    """Test modules (not `conftest.py`, not `__init__.py`)."""
    return [
        f.path for f in repo.files
        if f.path.endswith(".py") and is_test_path(f.path) and f.name not in NOT_MODULES
        and not _templated(f.path)
    ]


def _templated(path: str) -> bool:
    """A file of a project template (`{{ cookiecutter.repo_name }}/...`): the generated project's, not this one's."""
    return "{{" in path or "{%" in path


def tests_exercising(repo: RepoView, project: Project) -> Suite:
    """Count the test functions of the files that assert and exercise the project's own code (an import is of
    the project's code when the project model says its name is first-party, as the dependency rules ask)."""
    own = project.first_party
    tests = test_files(repo)
    reader = _Reader(repo)
    functions = 0
    defining = asserting = exercising = 0
    for path in tests:
        text = reader.text(path)
        count = _test_functions(text)
        if not count:
            continue
        asserts = _asserts(text)
        reaches = _reaches_project(path, reader, own)
        defining += 1
        asserting += asserts
        exercising += reaches
        if asserts and reaches:
            functions += count
    why = ""
    if tests and not functions:
        if not asserting and not exercising:
            why = "no test function imports project code or asserts"
        elif not asserting:
            why = "no test function asserts anything"
        elif not exercising:
            why = "no test imports project code"
        else:
            why = "no test file both imports project code and asserts"
        if not defining:
            why = "the test files define no test function"
    return Suite(len(tests), functions, why)


def _test_functions(text: str) -> int:
    """How many test functions the text defines (see `_TEST_DEF`): each `def` found must have only blanks, or
    `async` and blanks, between it and its line's start. Walked back over the blanks right before it only, never
    to the line's start: the work stays linear on a line holding thousands of them."""
    count = 0
    for found in _TEST_DEF.finditer(text):
        at = _blanks_before(text, found.start())
        if at >= 5 and at < found.start() and text.startswith("async", at - 5):
            at = _blanks_before(text, at - 5)
        if at == 0 or text[at - 1] == "\n":
            count += 1
    return count


def _blanks_before(text: str, end: int) -> int:
    """Where the run of spaces and tabs that ends at `end` starts."""
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    return end


def _asserts(text: str) -> bool:
    """Whether the text asserts anything (`_ASSERTS`), searched from the line of the first word a match holds:
    the first assertion of a test file comes after its imports and fixtures (NeMo's tests: 72-80 ms, now 26-29)."""
    first = min((at for at in (text.find(word) for word in _ASSERT_WORDS) if at >= 0), default=-1)
    return first >= 0 and _ASSERTS.search(text, text.rfind("\n", 0, first) + 1) is not None


class _Reader:
    """Test files' texts and imports, each read and scanned once (a conftest.py serves every test below it)."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo
        self._texts: dict[str, str] = {}
        self._imports: dict[str, list[tuple[int, str]]] = {}

    def imports(self, path: str) -> list[tuple[int, str]]:
        if path not in self._imports:
            self._imports[path] = [(i.level, i.module) for i in scan_imports(self.text(path))]
        return self._imports[path]

    def text(self, path: str) -> str:
        if path not in self._texts:
            self._texts[path] = self.repo.read_text(path, TEST_LIMIT) or ""
        return self._texts[path]


def _reaches_project(path: str, reader: _Reader, own: frozenset[str]) -> bool:
    """True when the test file, its conftest.py files or the test helpers they import (one step) import project
    code, or run something as a command."""
    seen: set[str] = set()
    todo = [(path, True)] + [(conftest, True) for conftest in _conftests(path, reader.repo)]
    while todo:
        current, follow = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for level, module in reader.imports(current):
            if level == 0 and (module in RUNNERS or module.split(".", 1)[0] in RUNNERS):
                return True
            target = _resolve(current, level, module)
            helper = _helper_file(current, target, level, reader.repo)
            if helper is not None:
                if follow:
                    todo.append((helper, False))
            elif level > 0:
                if target is not None and not is_test_path(target + "/x.py"):
                    return True  # a relative import out of the tests, into the package
            elif module.split(".", 1)[0] in own:
                return True
    return False


def _conftests(path: str, repo: RepoView) -> list[str]:
    """The conftest.py files pytest loads for this test file: in its folder and every folder above it."""
    found = []
    folder = posixpath.dirname(path)
    while True:
        candidate = posixpath.join(folder, "conftest.py") if folder else "conftest.py"
        if repo.by_path(candidate) is not None:
            found.append(candidate)
        if not folder:
            return found
        folder = posixpath.dirname(folder)


def _resolve(path: str, level: int, module: str) -> str | None:
    """The repository path (without `.py`) an import names: relative imports from the importing file's folder,
    absolute ones from the root."""
    parts = module.split(".") if module else []
    if level == 0:
        return "/".join(parts)
    folder = posixpath.dirname(path).split("/") if posixpath.dirname(path) else []
    if level - 1 > len(folder):
        return None
    base = folder[: len(folder) - (level - 1)]
    return "/".join(base + parts) or None


def _helper_file(importer: str, target: str | None, level: int, repo: RepoView) -> str | None:
    """The test-support file an import names (`tests.helpers.run_if`, `conftest`, `.utils`), if it is one. An
    absolute name is looked up from the root and from the importing file's folder (pytest puts a test's folder on
    `sys.path` when it is not a package)."""
    if not target:
        return None
    folder = posixpath.dirname(importer)
    bases = [target] if level or not folder else [target, f"{folder}/{target}"]
    for base in bases:
        for candidate in (base + ".py", base + "/__init__.py"):
            if repo.by_path(candidate) is not None and is_test_path(candidate):
                return candidate
    return None


def notebooks(repo: RepoView) -> list[str]:
    """The repository's own notebooks (not checkpoints, not a project template's)."""
    return [
        f.path for f in repo.files
        if f.suffix == ".ipynb" and ".ipynb_checkpoints" not in f.path.split("/") and not _templated(f.path)
    ]


def notebook_runner(repo: RepoView) -> str | None:
    """Where the repository executes its notebooks (`path: what runs them`): a CI job, a task runner or a test
    that runs them, or pytest configured to collect them; None when nothing does. Read as text, never run."""
    is_ci = fnmatch_any(tuple(CI_FILES))
    run_files = [
        f.path for f in repo.files
        if is_ci(f.path) or f.path in TASK_FILES
    ] + test_files(repo) + [f.path for f in repo.files if f.name == "conftest.py"]
    checks = [(path, _RUNS_NOTEBOOKS) for path in run_files]
    checks += [(name, _NOTEBOOK_OPTIONS) for name in PYTEST_CONFIGS if repo.by_path(name) is not None]
    for path, pattern in checks:
        match = pattern.search(repo.read_text(path, RUN_LIMIT) or "")
        if match:
            return f"{path}: {match.group(0)}"
    return None
