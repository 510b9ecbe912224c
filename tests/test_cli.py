"""The command line as a user meets it: exit codes, text and JSON output, selection, usage errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import git, run_cli

from mlrepolint import __version__

SCRIPT = "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n"
#: The Python-source rules only: these tests are about which files are linted, not about every rule.
OWN = ("--select", "MLR1,MLR2")


def test_text_output_lines_sorted_by_path_and_line_then_rubric_and_summary(repo):
    root = repo({"train.py": SCRIPT, "a/b.py": '"""Doc."""\ndef f():\n    pass\n'})
    run = run_cli("--select", "MLR1,MLR2,E3", ".", cwd=root)
    assert run.code == 0  # warnings only
    lines = run.out.splitlines()
    assert lines[:5] == [
        "a/b.py:2:1: E302 expected 2 blank lines, found 0 (flake8-e302)",
        "a/b.py:2:1: MLR103 public function f has no docstring (missing-function-docstring)",
        "train.py:1:1: MLR101 public module train.py has no docstring (missing-module-docstring)",
        "train.py:3:1: MLR201 assignment from `pd.read_csv(...)` at module level runs on import (top-level-execution)",
        'train.py:3:1: MLR202 script has no `if __name__ == "__main__":` guard (missing-main-guard)',
    ]
    assert lines[5:7] == ["", "How to fix:"]  # each rule's fix once, then the rubric
    table = next(i for i, line in enumerate(lines) if line.startswith("Category"))
    assert lines[table - 1] == "" and all(line.startswith("  ") for line in lines[7:table - 1])
    assert lines[table].split() == ["Category", "Score", "Weight", "What", "cost", "points"]
    assert lines[-2].startswith("Score: ") and lines[-2].endswith(", grade F")
    assert lines[-1] == "Found 5 findings (5 warnings) in 2 Python files and the repository."


def test_findings_of_every_kind_are_merged_in_path_and_position_order(repo):
    # One file with per-file findings (MLR1, E5), a repository finding (MLR402, the secrets scan) and a whole-run
    # finding (ruff's E501 when it is the backend), interleaved by line: the report orders them all by position.
    key = "AKIA" + "Q3EGRUE5KD7Z4XWT"  # split, so this repository's own scan does not flag it
    long_line = "x = '" + "y" * 90 + "'\n"
    root = repo({
        "a.py": f'"""Doc."""\nKEY = "{key}"\n\n\ndef f():\n    pass\n' + long_line,
        "b.py": long_line,
    })
    for backend in ("flake8", "ruff"):
        runs = [
            run_cli("--select", "MLR1,MLR402,E501", "--pep8-backend", backend, "--jobs", jobs, "--no-cache",
                    "--format", "json", ".", cwd=root)
            for jobs in ("1", "2")
        ]
        assert runs[0].json["findings"] == runs[1].json["findings"]
        assert runs[0].locations() == [
            ("MLR402", "a.py", 2), ("MLR103", "a.py", 5), ("E501", "a.py", 7), ("MLR101", "b.py", 1),
            ("E501", "b.py", 1),
        ], backend


def test_default_path_is_the_current_folder(repo):
    root = repo({"train.py": SCRIPT})
    assert run_cli(cwd=root).out == run_cli(".", cwd=root).out


def test_json_contract_field_by_field(repo):
    root = repo({"train.py": SCRIPT})
    run = run_cli("--format", "json", cwd=root)
    doc = run.json
    assert set(doc) >= {"tool", "root", "findings"}
    assert doc["tool"] == {"name": "mlrepolint", "version": __version__}
    assert doc["root"] == str(root.resolve())
    finding = next(f for f in doc["findings"] if f["code"] == "MLR201")
    assert finding == {
        "code": "MLR201",
        "rule": "top-level-execution",
        "category": "structure",
        "severity": "warning",
        "source": "mlrepolint",
        "path": "train.py",
        "line": 3,
        "column": 1,
        "message": "assignment from `pd.read_csv(...)` at module level runs on import",
    }


def test_exit_code_is_1_on_errors_and_exit_zero_overrides(repo):
    root = repo({"broken.py": "def f(:\n"})
    assert run_cli(cwd=root).code == 1
    assert run_cli("--exit-zero", cwd=root).code == 0


CLEAN = {
    "lib.py": '"""Doc."""\n',
    "README.md": "# Lib\n\n## Install\n\npip install .\n\n## Usage\n\nimport lib\n",
    "tests/test_lib.py": '"""Tests."""\n\n\ndef test_ok():\n    """Works."""\n    assert True\n',
    ".gitignore": ".venv/\n.env\n",
    "pyproject.toml": '[project]\nname = "lib"\nrequires-python = ">=3.9"\n',
}


def test_exit_code_is_0_on_a_clean_repository(repo):
    run = run_cli(cwd=repo(CLEAN))
    assert run.code == 0
    assert run.out.splitlines()[-2:] == [
        "Score: 100.0/100, grade A", "No findings in 2 Python files and the repository."
    ]


def test_quiet_drops_the_summary(repo):
    root = repo({"train.py": SCRIPT})
    lines = run_cli("-q", cwd=root).out.splitlines()
    assert lines and all(": MLR" in line for line in lines)


def test_output_file(repo, tmp_path):
    root = repo({"train.py": SCRIPT})
    target = tmp_path / "report.json"
    run = run_cli("--format", "json", *OWN, "--output", str(target), cwd=root)
    assert run.out == ""
    findings = json.loads(target.read_text())["findings"]
    assert [f["code"] for f in findings] == ["MLR101", "MLR201", "MLR202"]


@pytest.mark.parametrize(
    "args, codes",
    [
        (["--select", "MLR2"], ["MLR201", "MLR202"]),
        (["--select", "missing-main-guard"], ["MLR202"]),
        (["--select", "MLR101,MLR202"], ["MLR101", "MLR202"]),
        (["--select", "MLR101", "--select", "MLR202"], ["MLR101", "MLR202"]),
        (["--ignore", "MLR2"], ["MLR101"]),
        (["--ignore", "MLR2", "--extend-select", "MLR201"], ["MLR101", "MLR201"]),  # most specific wins
        (["--ignore", "MLR1,MLR2", "--extend-select", "missing-main-guard"], ["MLR202"]),
        (["--select", "ALL", "--ignore", "top-level-execution"], ["MLR101", "MLR202"]),
    ],
)
def test_selection_flags(repo, args, codes):
    root = repo({"train.py": SCRIPT})
    run = run_cli("--format", "json", *args, cwd=root)
    own = {f["code"] for f in run.findings if f["code"].startswith(("MLR1", "MLR2"))}
    assert sorted(own) == codes


def test_cli_select_wins_over_config(repo):
    root = repo({"train.py": SCRIPT, "pyproject.toml": '[tool.mlrepolint]\nselect = ["MLR101"]\n'})
    assert {f["code"] for f in run_cli("--format", "json", cwd=root).findings} == {"MLR101"}
    assert {f["code"] for f in run_cli("--format", "json", "--select", "MLR202", cwd=root).findings} == {"MLR202"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--select", "MLR999"], "mlrepolint: error: --select: unknown rule or prefix 'MLR999'"),
        (["--ignore", "no-such-rule"], "mlrepolint: error: --ignore: unknown rule or prefix 'no-such-rule'"),
        (["--format", "xml"], "mlrepolint: error: Invalid value for '--format': 'xml' is not one of 'text', 'json'"),
        (["--bogus"], "mlrepolint: error: No such option"),  # click's wording of the rest varies by version
        (["missing/path"], "mlrepolint: error: Invalid value for '[PATHS]...': Path 'missing/path' does not exist."),
    ],
)
def test_usage_errors_exit_2_with_one_line(repo, args, message):
    root = repo({"a.py": ""})
    run = run_cli(*args, cwd=root)
    assert run.code == 2
    assert run.out == ""
    (line,) = run.err.splitlines()
    assert line.startswith(message)


def test_version():
    run = run_cli("--version")
    assert (run.code, run.out) == (0, f"mlrepolint {__version__}\n")


def test_color_is_off_when_piped_and_on_when_forced(repo):
    root = repo({"train.py": SCRIPT})
    assert "\x1b[" not in run_cli(cwd=root).out
    assert "\x1b[" in run_cli("--color", cwd=root, env={"NO_COLOR": ""}).out


def test_repository_outside_git(repo):
    root = repo({"train.py": SCRIPT, ".gitignore": "ignored/\n", "ignored/x.py": SCRIPT}, git_init=False)
    run = run_cli("--format", "json", *OWN, cwd=root)
    assert run.json["root"] == str(root.resolve())
    assert {f["path"] for f in run.findings} == {"train.py"}


def test_nested_gitignore_outside_git(repo):
    root = repo({"pkg/.gitignore": "gen_*.py\n!gen_keep.py\n", "pkg/gen_a.py": SCRIPT, "pkg/gen_keep.py": SCRIPT,
                 "gen_b.py": SCRIPT}, git_init=False)
    paths = {f["path"] for f in run_cli("--format", "json", *OWN, cwd=root).findings}
    assert paths == {"pkg/gen_keep.py", "gen_b.py"}


def test_git_lists_tracked_and_untracked_but_not_ignored(repo):
    root = repo({".gitignore": "scratch/\n", "tracked.py": SCRIPT})
    (root / "untracked.py").write_text(SCRIPT)
    (root / "scratch").mkdir()
    (root / "scratch" / "ignored.py").write_text(SCRIPT)
    (root / "forced.py").write_text(SCRIPT)
    (root / ".gitignore").write_text("scratch/\nforced.py\n")
    git(root, "add", "-f", "forced.py")
    paths = {f["path"] for f in run_cli("--format", "json", *OWN, cwd=root).findings}
    assert paths == {"tracked.py", "untracked.py", "forced.py"}


def test_subfolder_argument_uses_the_git_top_level_as_root(repo):
    root = repo({"src/train.py": SCRIPT, "other.py": SCRIPT})
    run = run_cli("--format", "json", *OWN, "src", cwd=root)
    assert run.json["root"] == str(root.resolve())
    assert {f["path"] for f in run.findings} == {"src/train.py"}


def test_never_read_folders(repo):
    files = {f"{folder}/mod.py": SCRIPT for folder in
             ["node_modules/x", "build", "dist", "pkg/__pycache__", "venv", ".venv", "myenv", "x.egg-info", ".tox/py"]}
    files["myenv/pyvenv.cfg"] = "home = /usr\n"
    files["keep.py"] = SCRIPT
    for git_init in (True, False):
        root = repo(files, git_init=git_init, name=f"r{git_init}")
        assert {f["path"] for f in run_cli("--format", "json", *OWN, cwd=root).findings} == {"keep.py"}


def test_exclude_applies_to_named_files(repo):
    root = repo({"pyproject.toml": '[tool.mlrepolint]\nextend-exclude = ["legacy/"]\n',
                 "legacy/old.py": SCRIPT, "new.py": SCRIPT})
    run = run_cli("--format", "json", *OWN, "legacy/old.py", "new.py", cwd=root)
    assert {f["path"] for f in run.findings} == {"new.py"}


def test_named_file_limits_per_file_rules(repo):
    root = repo({"a.py": SCRIPT, "b.py": SCRIPT})
    run = run_cli("--format", "json", *OWN, "b.py", cwd=root)
    assert {f["path"] for f in run.findings} == {"b.py"}


def test_path_outside_the_repository_is_a_usage_error(repo, tmp_path):
    root = repo({"a.py": SCRIPT})
    outside = tmp_path / "elsewhere.py"
    outside.write_text(SCRIPT)
    run = run_cli(".", str(outside), cwd=root)
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: ") and "outside the repository" in run.err
    assert len(run.err.splitlines()) == 1


def test_no_traceback_on_broken_files_and_other_findings_intact(repo):
    root = repo({
        "syntax.py": "def f(:\n    pass\n",
        "latin.py": b"# -*- coding: ascii -*-\nname = '\xe9'\n",
        "nul.py": b"x = 1\x00\n",
        "empty.py": b"",
        "huge.py": "X = '" + "a" * 2_000_000 + "'\n",
        "deep.py": "x = " + "(" * 300 + ")" * 300 + "\n",
        "train.py": SCRIPT,
    })
    run = run_cli("--format", "json", cwd=root)
    assert "Traceback" not in run.err
    assert run.code == 1
    errors = {(f["path"], f["line"]) for f in run.findings if f["code"] == "MLR001"}
    assert ("syntax.py", 1) in errors
    assert ("latin.py", 2) in errors
    assert "nul.py" in {path for path, _ in errors}
    assert "empty.py" not in {f["path"] for f in run.findings}
    assert ("MLR201", "train.py", 3) in run.locations()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_and_links_out_of_the_root(repo, tmp_path):
    secret = tmp_path / "outside.py"
    secret.write_text(SCRIPT)
    for git_init in (False, True):
        root = repo({"train.py": SCRIPT}, git_init=git_init, name=f"links{git_init}")
        os.symlink("loop_b", root / "loop_a")
        os.symlink("loop_a", root / "loop_b")
        os.symlink(".", root / "self")  # a directory loop
        os.symlink(str(secret), root / "escape.py")
        os.symlink(str(tmp_path), root / "escape_dir")
        if git_init:
            git(root, "add", "-A")
        run = run_cli("--format", "json", *OWN, cwd=root)
        assert "Traceback" not in run.err
        assert {f["path"] for f in run.findings} == {"train.py"}


def test_symlink_inside_the_root_is_followed(repo):
    root = repo({"real.py": SCRIPT}, git_init=False)
    os.symlink("real.py", root / "alias.py")
    paths = {f["path"] for f in run_cli("--format", "json", *OWN, cwd=root).findings}
    assert paths == {"real.py", "alias.py"}


def test_never_imports_or_executes_the_linted_code(repo, tmp_path):
    marker = tmp_path / "executed"
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    root = repo({
        "setup.py": payload, "conftest.py": payload, "pkg/__init__.py": payload, "pkg/mod.py": payload,
        "__main__.py": payload, "sitecustomize.py": payload, "mlrepolint.py": payload,
    })
    run = run_cli(".", cwd=root)
    assert run.code == 0, run.err
    assert not marker.exists()


def test_lints_a_file_with_a_bom_and_a_coding_line(repo):
    root = repo({"bom.py": "\ufeff\"\"\"Doc.\"\"\"\n".encode("utf-8"),
                 "latin1.py": "# -*- coding: latin-1 -*-\n\"\"\"Caf\xe9.\"\"\"\n".encode("latin-1")})
    run = run_cli("--format", "json", *OWN, cwd=root)
    assert run.findings == []


def test_writes_nothing_into_the_repository_but_its_cache(repo):
    root = repo({"train.py": SCRIPT})
    before = sorted(p.relative_to(root) for p in Path(root).rglob("*") if ".git" not in p.parts)
    run_cli(".", cwd=root)
    run_cli("--format", "json", cwd=root)
    after = sorted(
        p.relative_to(root) for p in Path(root).rglob("*")
        if ".git" not in p.parts and ".mlrepolint_cache" not in p.parts
    )
    assert before == after
