"""Speed features that must not change results: `--jobs`, the progress line, a light start-up."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import age, run_cli

from mlrepolint.progress import DELAY, Progress
from mlrepolint.workers import FILES_PER_WORKER

SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("x.csv")\n'
LIBRARY = '"""Helpers."""\n\n\ndef helper():\n    return 1  # noqa: MLR103\n'


def many_files(count: int) -> dict[str, str]:
    """Enough files of different kinds for the work to be spread over worker processes."""
    files: dict[str, str] = {}
    for i in range(count):
        kind = i % 4
        if kind == 0:
            files[f"scripts/train_{i}.py"] = SCRIPT
        elif kind == 1:
            files[f"pkg/mod_{i}.py"] = LIBRARY + f"\n\nclass Model{i}:\n    def fit(self):\n        pass\n"
        elif kind == 2:
            files[f"tests/test_{i}.py"] = "def test_it():\n    assert True\n"
        else:
            files[f"pkg/broken_{i}.py"] = "def oops(:\n" if i % 8 == 3 else LIBRARY
    return files


def test_jobs_1_and_jobs_2_report_the_same_findings(repo):
    files = many_files(3 * FILES_PER_WORKER)
    root = repo(files)
    one = run_cli("--no-cache", "--jobs", "1", "--format", "json", "--extend-select", "MLR002", ".", cwd=root)
    two = run_cli("--no-cache", "--jobs", "2", "--format", "json", "--extend-select", "MLR002", ".", cwd=root)
    assert one.code == two.code == 1  # the parse errors
    assert one.out == two.out
    codes = {code for code, _, _ in one.locations()}
    assert {"MLR001", "MLR101", "MLR102", "MLR103", "MLR201", "MLR202"} <= codes
    text_one = run_cli("--no-cache", "-j", "1", ".", cwd=root)
    text_two = run_cli("--no-cache", "-j", "2", ".", cwd=root)
    assert text_one.out == text_two.out and text_one.err == text_two.err == ""


def test_jobs_from_the_config_file_and_the_flag_wins(repo):
    root = repo({**many_files(8), "mlrepolint.toml": "jobs = 2\n"})
    assert run_cli("--no-cache", ".", cwd=root).out == run_cli("--no-cache", "--jobs", "1", ".", cwd=root).out


@pytest.mark.parametrize("config, message", [
    ("jobs = 0", "mlrepolint.toml: 'jobs' must be a whole number of at least 1"),
    ('jobs = "2"', "mlrepolint.toml: 'jobs' must be a whole number of at least 1"),
    ('cache = "no"', "mlrepolint.toml: 'cache' must be true or false"),
])
def test_bad_jobs_or_cache_settings_exit_2_in_one_line(repo, config, message):
    root = repo({"train.py": SCRIPT, "mlrepolint.toml": config + "\n"})
    run = run_cli(".", cwd=root)
    assert run.code == 2
    assert run.err == f"mlrepolint: error: {message}\n"


def test_jobs_flag_must_be_positive(repo):
    run = run_cli("--jobs", "0", ".", cwd=repo({"train.py": SCRIPT}))
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: Invalid value for '--jobs' / '-j'")


def test_version_does_not_import_the_engine():
    code = (
        "import sys\n"
        "from mlrepolint.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, modules = proc.stdout.splitlines()
    assert version.startswith("mlrepolint ")
    loaded = set(modules.split())
    for heavy in ("mlrepolint.engine", "mlrepolint.config", "mlrepolint.rules.registry", "importlib.metadata",
                  "mlrepolint.patterns", "multiprocessing", "hashlib", "json"):
        assert heavy not in loaded, heavy


#: `mlrepolint ARGS` run in a fresh interpreter (isolated: the linted folder is not on sys.path), which then writes
#: the names of the modules the run imported into the file named first.
LIST_IMPORTS = (
    "import sys\n"
    "from mlrepolint.cli import main\n"
    "try:\n    main(sys.argv[2:])\nexcept SystemExit as exit:\n    code = exit.code\n"
    "open(sys.argv[1], 'w').write(' '.join(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)
CHECKER_PACKAGES = ("mlrepolint.rules.python.", "mlrepolint.rules.repo.")


def run_listing_imports(root, *args: str):
    """The run's (exit code, JSON report, names of the checker modules it imported)."""
    listing = root.parent / "imported.txt"
    proc = subprocess.run([sys.executable, "-I", "-c", LIST_IMPORTS, str(listing), *args], cwd=root,
                          capture_output=True, text=True, check=False)
    modules = listing.read_text().split()
    return proc.returncode, json.loads(proc.stdout), {m for m in modules if m.startswith(CHECKER_PACKAGES)}, modules


def places(report) -> list[tuple[str, str, int | None]]:
    return [(f["code"], f["path"], f["line"]) for f in report["findings"]]


def test_a_warm_single_file_run_imports_no_checker_and_reports_what_a_cold_run_does(repo):
    root = repo({"train.py": SCRIPT, "pkg/mod.py": LIBRARY})
    age(root)
    code, cold, cold_checkers, _ = run_listing_imports(root, "--format", "json", "train.py")
    assert code == 0
    assert ("MLR101", "train.py", 1) in places(cold) and ("MLR703", ".gitignore", None) in places(cold)
    assert "mlrepolint.rules.python.docstrings" in cold_checkers
    code, warm, warm_checkers, modules = run_listing_imports(root, "--format", "json", "train.py")
    assert code == 0
    assert warm == cold  # every finding, the score, the grade, the warnings
    assert warm_checkers == set() and "flake8" not in modules  # nor is flake8 set up

    (root / "train.py").write_text('"""Train."""\n' + SCRIPT + "\n\ndef fit():\n    return 1\n")
    age(root, 30)
    code, edited, edited_checkers, _ = run_listing_imports(root, "--format", "json", "train.py")
    assert code == 0
    assert ("MLR103", "train.py", 7) in places(edited) and ("MLR101", "train.py", 1) not in places(edited)
    assert "mlrepolint.rules.python.docstrings" in edited_checkers


def test_a_run_imports_only_the_checkers_of_the_selected_rules(repo):
    from mlrepolint.rules.index import CHECKERS

    root = repo({"train.py": SCRIPT, ".env": "API_KEY=1\n"})
    code, report, _, modules = run_listing_imports(root, "--no-cache", "--format", "json", "--select", "MLR101", ".")
    assert code == 0
    assert places(report) == [("MLR101", "train.py", 1)]
    checker_modules = {target.split(":")[0] for target in CHECKERS}
    assert checker_modules & set(modules) == {"mlrepolint.rules.python.docstrings"}


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_shows_on_a_terminal_only_after_a_delay_and_is_erased(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream, clock = FakeTerminal(), Clock()
    progress = Progress(3000, stream=stream, clock=clock)
    progress.advance(10)
    assert stream.getvalue() == ""  # short runs show nothing
    clock.now = DELAY + 0.01
    progress.advance(1190)
    assert stream.getvalue() == "\rmlrepolint: 1200/3000 files"
    progress.advance()  # redrawn at most every REFRESH seconds
    assert stream.getvalue().count("\r") == 1
    progress.close()
    assert stream.getvalue().endswith("\r\033[K")


@pytest.mark.parametrize("terminal, ci, enabled", [
    (False, None, True),  # piped
    (True, "true", True),  # CI
    (True, None, False),  # --quiet
])
def test_progress_is_silent_when_piped_in_ci_or_quiet(monkeypatch, terminal, ci, enabled):
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    stream, clock = (FakeTerminal() if terminal else io.StringIO()), Clock()
    progress = Progress(100, enabled=enabled, stream=stream, clock=clock)
    clock.now = 10
    progress.advance(50)
    progress.close()
    assert stream.getvalue() == ""


def test_a_piped_run_prints_no_progress(repo):
    run = run_cli("--no-cache", ".", cwd=repo(many_files(40)))
    assert run.err == ""
