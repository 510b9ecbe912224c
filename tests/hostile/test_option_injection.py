"""A file name is a path, never an option: committed files named like mlrepolint's options, passed by pre-commit,
change nothing, while the options the user writes in the hook's `args` keep working. `--diff` takes only a
revision."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from attacks import build, environment, git, run
from conftest import executable

HOOKS = Path(__file__).resolve().parent.parent.parent / ".pre-commit-hooks.yaml"
#: Names that would be options if parsed as such: trust, gate off, overwrite a file (long and short forms).
HOSTILE_NAMES = ("--trust-repo-config", "--exit-zero", "--write-baseline=precious.py", "-oprecious.py",
                 "--output=precious.py", "--fail-on=never", "--with=pylint")
PRECIOUS = "KEEP = 1  # nothing may overwrite this file\n"


def pre_commit_argv(root: Path, args: list[str] | None = None) -> list[str]:
    """What pre-commit runs for the `mlrepolint` hook with `--all-files`: entry + args + the files, in git's order."""
    hook = next(h for h in yaml.safe_load(HOOKS.read_text()) if h["id"] == "mlrepolint")
    entry = shlex.split(hook["entry"])
    files = [name for name in git(root, "ls-files", "-z").split("\0") if name]
    return [executable(entry[0]), *entry[1:], *(hook.get("args", []) if args is None else args), *files]


@pytest.fixture
def hostile(tmp_path):
    marker = tmp_path / "PWNED"
    files = {name: "" for name in HOSTILE_NAMES}
    files.update({
        "precious.py": PRECIOUS,
        "train.py": 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n',  # warnings only
        "pyproject.toml": f'[tool.mlrepolint]\nwrappers = ["flake8", "pylint"]\n[tool.pylint.main]\n'
                          f'init-hook = "open({str(marker)!r}, \'w\').close()"\n',
    })
    return build(tmp_path / "repo", files), marker


def test_file_names_pre_commit_passes_are_never_options(hostile, tmp_path):
    root, marker = hostile
    result = run([], cwd=root, env=environment(tmp_path), argv0=pre_commit_argv(root))
    assert result.code == 1, result.err  # the hook's own `--fail-on warning` still gates
    assert "train.py:3:1: MLR202" in result.out
    assert (root / "precious.py").read_text() == PRECIOUS and not marker.exists()
    assert git(root, "status", "--porcelain") == ""  # nothing written, no baseline, no report


def test_the_users_hook_args_keep_working(hostile, tmp_path):
    root, _ = hostile
    assert run([], cwd=root, env=environment(tmp_path),
               argv0=pre_commit_argv(root, ["--fail-on", "error"])).code == 0
    narrowed = run([], cwd=root, env=environment(tmp_path),
                   argv0=pre_commit_argv(root, ["--select", "MLR202", "--quiet", "--fail-on=warning"]))
    assert narrowed.code == 1
    guard = '`if __name__ == "__main__":` guard'
    assert narrowed.out == f"train.py:3:1: MLR202 script has no {guard} (missing-main-guard)\n"


def test_files_named_like_the_users_args_do_not_swallow_them(tmp_path):
    root = build(tmp_path / "repo", {"--fail-on": "", "warning": "", "train.py": "x = 1\n"})
    argv = pre_commit_argv(root, ["--fail-on", "warning"])
    assert argv[-5:] == ["--fail-on", "warning", "--fail-on", "train.py", "warning"]
    result = run([], cwd=root, env=environment(tmp_path), argv0=argv)
    assert result.code == 1 and "train.py:1:1: MLR101" in result.out  # a warning, and the gate is the user's


@pytest.mark.parametrize("value", ["--output=precious.py", "-oprecious.py", "--end-of-options", "-"])
def test_diff_takes_only_a_revision(tmp_path, value):
    root = build(tmp_path / "repo", {"precious.py": PRECIOUS})
    result = run([f"--diff={value}", "."], cwd=root, env=environment(tmp_path))
    assert result.code == 2 and result.err == f"mlrepolint: error: --diff {value!r}: not a revision " \
                                              "(a branch, tag or commit, or A...B)\n"
    assert (root / "precious.py").read_text() == PRECIOUS and git(root, "status", "--porcelain") == ""
