"""The repository's own config that is not valid TOML: linted with defaults, a parse-error on the file. A config
file the user names with --config that is broken stays a usage error (exit 2, one line)."""

from __future__ import annotations

import pytest
from robustness import assert_sound, lint_sound, paths_of, run_bounded

SCRIPT = "import os\nprint(os.sep)\n"
BROKEN = {
    "unclosed-table": ("[tool.mlrepolint\nselect = ['MLR1']\n", 1),
    "bad-value": ('[project]\nname = "x"\n\n[tool.mlrepolint]\nselect = [MLR1]\n', 5),
    "nesting-bomb": ("a = " + "[" * 10_000 + "]" * 10_000 + "\n", 1),
    "not-utf8": (b'[project]\nname = "caf\xe9"\n', 2),
    "duplicate-key": ("[tool.mlrepolint]\nselect = ['MLR1']\nselect = ['MLR2']\n", 3),
}


@pytest.mark.parametrize("name", ["pyproject.toml", "mlrepolint.toml"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_repository_config_is_linted_with_defaults(repo, name, case):
    content, line = BROKEN[case]
    root = repo({name: content, "train.py": SCRIPT})
    report = lint_sound(root)
    errors = [(f["line"], f["message"].split(":")[0]) for f in report["findings"] if f["path"] == name]
    assert (line, "invalid TOML") in errors
    assert {"MLR101", "MLR201", "MLR202"} <= {f["code"] for f in report["findings"] if f["path"] == "train.py"}


def test_a_broken_pyproject_beside_a_valid_mlrepolint_toml_is_still_reported(repo):
    root = repo({"mlrepolint.toml": 'ignore = ["MLR101"]\n', "pyproject.toml": "[project\n", "train.py": SCRIPT})
    report = lint_sound(root)
    assert "MLR101" not in {f["code"] for f in report["findings"] if f["path"] == "train.py"}  # the toml was read
    assert "pyproject.toml" in paths_of(report, "MLR001")


def test_a_broken_pyproject_in_a_subfolder_is_reported(repo):
    root = repo({"pkg/pyproject.toml": "[project\n", "train.py": SCRIPT})
    assert "pkg/pyproject.toml" in paths_of(lint_sound(root), "MLR001")


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_config_the_user_names_is_exit_2(repo, case):
    content, _ = BROKEN[case]
    root = repo({"mine.toml": content, "train.py": SCRIPT})
    run = assert_sound(run_bounded("--config", "mine.toml", ".", cwd=root), codes=(2,))
    assert len(run.err.splitlines()) == 1
    assert run.err.startswith("mlrepolint: error: mine.toml: invalid TOML")


def test_grade_with_a_broken_grader_config_is_exit_2(repo):
    root = repo({"train.py": SCRIPT, "rubric.toml": BROKEN["nesting-bomb"][0]})
    run = assert_sound(run_bounded("grade", "--config", str(root / "rubric.toml"), str(root)), codes=(2,))
    assert run.err.strip() == f"mlrepolint: error: {root / 'rubric.toml'}: invalid TOML: nested too deeply to read"


def test_unknown_keys_in_a_valid_repository_config_stay_exit_2(repo):
    root = repo({"pyproject.toml": "[tool.mlrepolint]\nselcet = ['MLR1']\n", "train.py": SCRIPT})
    run = assert_sound(run_bounded(".", cwd=root), codes=(2,))
    assert run.err.strip() == "mlrepolint: error: pyproject.toml: unknown key 'selcet' in [tool.mlrepolint]"


@pytest.mark.parametrize("name", ["pyproject.toml", "ruff.toml", "setup.cfg", ".pylintrc"])
def test_broken_tool_configs_do_not_stop_the_wrapped_tools(repo, name):
    root = repo({name: "[tool.ruff\n" + "[" * 5_000 + "\n", "train.py": SCRIPT + "import sys\n"})
    report = lint_sound(root, "--pep8-backend", "ruff")
    assert "train.py" in paths_of(report, "MLR202")
