"""The CLI, the flake8 plugin and the pylint plugin give the same answer on the same files: the same suppressions
(a bare `# noqa` silences only the wrapped tools' codes), the same configuration (the repository root's, not a
nested `pyproject.toml`), the same findings at the same lines. Each tool runs as its real executable."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import git, run_cli
from integrations import run_tool

from mlrepolint.rules.wrapped.flake8_versions import SUPPORTED_SPEC, unsupported

FILES = {
    # The root's configuration holds everywhere: MLR101 (module docstrings) is off.
    "pyproject.toml": '[tool.mlrepolint]\nignore = ["MLR101"]\n',
    "lib.py": (
        "def blanket():  # noqa\n    return 1\n\n\n"  # a bare noqa: MLR103 still reported
        "def named():  # noqa: MLR103\n    return 2\n\n\n"  # named: silenced
        "def other_tool():  # noqa: E501\n    return 3\n\n\n"  # another tool's code: MLR103 still reported
        "def prefix():  # noqa: MLR1\n    return 4\n"  # a prefix is not a code: MLR103 still reported
    ),
    # A nested pyproject.toml is not read (by the CLI, nor by the plugins): MLR103 is reported in sub/ too.
    "sub/pyproject.toml": '[tool.mlrepolint]\nignore = ["MLR103"]\n',
    "sub/mod.py": "def helper():\n    return 5\n",
    "sub/script.py": "import sys\n\nprint(sys.argv)  # noqa\n",  # MLR201 and MLR202 despite the bare noqa
}
EXPECTED = [
    ("MLR103", "lib.py", 1), ("MLR103", "lib.py", 9), ("MLR103", "lib.py", 13),
    ("MLR103", "sub/mod.py", 1), ("MLR201", "sub/script.py", 3), ("MLR202", "sub/script.py", 3),
]
PYTHON_FILES = ["lib.py", "sub/mod.py", "sub/script.py"]
PER_FILE = "MLR1,MLR2"


def cli(root, cwd) -> list[tuple[str, str, int]]:
    """`mlrepolint` on the Python files below `cwd`, named as pre-commit names them."""
    files = [p.relative_to(cwd).as_posix() for p in sorted(cwd.rglob("*.py"))]
    run = run_cli("--format", "json", "--select", PER_FILE, *files, cwd=cwd)
    assert run.code == 0, run.err
    return sorted((f["code"], f["path"], f["line"]) for f in run.findings)


def flake8(root, cwd) -> list[tuple[str, str, int]]:
    proc = run_tool("flake8", "--select", PER_FILE, ".", cwd=cwd)
    assert proc.stderr == "", proc.stderr
    prefix = cwd.relative_to(root).as_posix() + "/" if cwd != root else ""
    found = []
    for line in proc.stdout.splitlines():
        path, number, _, message = line.split(":", 3)
        found.append((message.split()[0], prefix + path.removeprefix("./"), int(number)))
    return sorted(found)


def pylint(root, cwd) -> list[tuple[str, str, int]]:
    from mlrepolint.integrations.pylint_plugin import symbol
    from mlrepolint.rules.registry import load_registry

    symbols = [symbol(r) for r in load_registry().rules.values() if r.code.startswith(("MLR1", "MLR2"))]
    files = [p.relative_to(cwd).as_posix() for p in sorted(cwd.rglob("*.py"))]
    proc = run_tool(
        "pylint", "--load-plugins=mlrepolint.pylint_plugin", "--disable=all", f"--enable={','.join(symbols)}",
        "--score=n", "--msg-template={path}:{line}:{msg_id}", *files, cwd=cwd,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    prefix = cwd.relative_to(root).as_posix() + "/" if cwd != root else ""
    found = []
    for line in proc.stdout.splitlines():
        match = re.fullmatch(r"(.+):(\d+):[EWC]7(\d{3})", line)
        if match:
            found.append((f"MLR{match[3]}", prefix + match[1], int(match[2])))
    return sorted(found)


def test_cli_flake8_and_pylint_agree_on_suppressions_and_configuration(repo):
    root = repo(FILES)
    answers = {tool.__name__: tool(root, root) for tool in (cli, flake8, pylint)}
    assert answers == {"cli": EXPECTED, "flake8": EXPECTED, "pylint": EXPECTED}


def test_run_from_a_subfolder_the_root_configuration_still_holds(repo):
    # What an editor does: flake8 (or pylint) started in the folder of the file, next to a nested pyproject.toml.
    root = repo(FILES)
    sub = root / "sub"
    expected = [e for e in EXPECTED if e[1].startswith("sub/")]
    answers = {tool.__name__: tool(root, sub) for tool in (cli, flake8, pylint)}
    assert answers == {"cli": expected, "flake8": expected, "pylint": expected}


def test_outside_git_the_working_folder_is_the_root(repo):
    root = repo(FILES, git_init=False)
    answers = {tool.__name__: tool(root, root) for tool in (cli, flake8, pylint)}
    assert answers == {"cli": EXPECTED, "flake8": EXPECTED, "pylint": EXPECTED}


def test_the_plugins_load_only_the_per_file_checkers(repo):
    from mlrepolint.rules.registry import load_registry

    full, per_file = load_registry(), load_registry(per_file_only=True)
    # Every built-in per-file checker is found without importing the repository checkers...
    assert per_file.python_checkers == full.python_checkers
    assert per_file.repo_checkers == []
    # ... which are not even imported in a flake8 run.
    root = repo({"lib.py": '"""M."""\n\n\ndef f():\n    return 1\n'})
    code = (
        "import sys\nfrom flake8.main import cli\n"
        "try:\n    cli.main(['--select', 'MLR', 'lib.py'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('mlrepolint.rules.repo')))\n"
    )
    proc = run_tool(sys.executable, "-c", code, cwd=root)
    assert proc.stdout.splitlines() == [
        "lib.py:4:1: MLR103 public function f has no docstring (missing-function-docstring)", "[]",
    ], proc.stderr


def test_the_supported_flake8_versions_are_the_dependency_bounds():
    from pathlib import Path

    from mlrepolint.config import tomllib

    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"flake8{SUPPORTED_SPEC}" in pyproject["project"]["dependencies"]
    assert unsupported("7.0.0") is None and unsupported("7.99") is None
    assert unsupported("6.1.0") and unsupported("8.0.0") and unsupported("nonsense")


@pytest.mark.parametrize("version", ["6.1.0", "8.0.0"])
def test_an_unsupported_flake8_is_one_warning_not_a_traceback(repo, tmp_path, version):
    # A stand-in flake8 of another version, first on the path: mlrepolint must not drive its internals.
    fake = tmp_path / "fake" / "flake8"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(f"__version__ = {version!r}\n")
    root = repo({"lib.py": '"""M."""\nimport os\n'})
    run = run_cli("--format", "json", ".", cwd=root, env={"PYTHONPATH": str(fake.parent)})
    assert run.code == 0 and "Traceback" not in run.err
    assert run.json["warnings"] == [
        f"flake8 {version} is not supported (mlrepolint works with flake8>=7.0,<8), so the PEP 8 checks did not "
        "run: pip install 'flake8>=7.0,<8', or set pep8-backend = \"ruff\""
    ]
    assert [f["code"] for f in run.findings if f["source"] == "flake8"] == []


def test_git_is_not_needed_to_find_the_root(repo):
    # The plugins never run git: the root is the folder holding `.git` (a worktree's `.git` file counts too).
    root = repo(FILES)
    worktree = root.parent / "worktree"
    git(root, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    assert flake8(worktree, worktree) == EXPECTED
