"""Configuration files: where they are found, what they may say, and the one-line errors when they are wrong."""

from __future__ import annotations

import pytest
from conftest import run_cli

SCRIPT = "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n"


def codes(run) -> set[str]:
    """The Python-source rules' codes among the findings (the ones these tests' files can trigger)."""
    return {f["code"] for f in run.findings if f["code"].startswith(("MLR1", "MLR2"))}


@pytest.mark.parametrize(
    "config, message",
    [
        ('[tool.mlrepolint]\nselct = ["MLR1"]\n', "pyproject.toml: unknown key 'selct' in [tool.mlrepolint]"),
        ('[tool.mlrepolint]\nselect = ["MLR999"]\n', "pyproject.toml: 'select': unknown rule or prefix 'MLR999'"),
        ('[tool.mlrepolint]\nignore = ["no-such-rule"]\n',
         "pyproject.toml: 'ignore': unknown rule or prefix 'no-such-rule'"),
        ('[tool.mlrepolint]\nselect = "MLR1"\nexclude = 3\n', "pyproject.toml: 'exclude' must be a list of strings"),
        ('[tool.mlrepolint.severity]\nMLR101 = "fatal"\n',
         "pyproject.toml: 'severity.MLR101' must be error, warning or info, not 'fatal'"),
        ('[tool.mlrepolint.severity]\nMLR999 = "error"\n', "pyproject.toml: unknown rule 'MLR999' in 'severity'"),
        ('[tool.mlrepolint.rules.no-such-rule]\nx = 1\n', "pyproject.toml: unknown rule 'no-such-rule' in [rules]"),
        ('[tool.mlrepolint.rules.top-level-execution]\nwork_calls = []\n',
         "pyproject.toml: unknown option 'work_calls' for rule top-level-execution "
         "(options: allowed-calls, exempt, work-calls)"),
        ('[tool.mlrepolint.rules.MLR101]\ninclude-tests = "yes"\n',
         "pyproject.toml: 'rules.MLR101.include-tests' must be bool, not str"),
        ('[tool.mlrepolint]\nexclude = ["!"]\n',
         "pyproject.toml: 'exclude' has an invalid gitignore-style pattern '!'"),
        ('[tool.mlrepolint.per-file-ignores]\n"tests\\\\" = ["MLR101"]\n',
         "pyproject.toml: 'per-file-ignores' has an invalid gitignore-style pattern 'tests\\\\'"),
        ('[tool.mlrepolint.per-file-ignores]\n"tests/*" = ["MLR99"]\n',
         "pyproject.toml: 'per-file-ignores.tests/*': unknown rule or prefix 'MLR99'"),
    ],
)
def test_config_errors_exit_2_naming_key_and_file(repo, config, message):
    root = repo({"pyproject.toml": config, "a.py": ""})
    run = run_cli(cwd=root)
    assert run.code == 2
    assert run.err.splitlines() == [f"mlrepolint: error: {message}"]


def test_invalid_toml_in_a_named_config_is_one_line(repo):
    root = repo({"broken.toml": "[tool.mlrepolint\nselect = 1\n", "a.py": ""})
    run = run_cli("--config", "broken.toml", cwd=root)
    assert run.code == 2
    assert len(run.err.splitlines()) == 1
    assert run.err.startswith("mlrepolint: error: ") and "invalid TOML" in run.err


def test_pyproject_without_our_table_means_defaults(repo):
    root = repo({"pyproject.toml": '[project]\nname = "x"\n', "train.py": SCRIPT})
    assert codes(run_cli("--format", "json", cwd=root)) == {"MLR101", "MLR201", "MLR202"}


def test_mlrepolint_toml_takes_keys_at_top_level_and_wins_over_pyproject(repo):
    root = repo({
        "mlrepolint.toml": 'select = ["MLR202"]\n',
        "pyproject.toml": '[tool.mlrepolint]\nselect = ["MLR101"]\n',
        "train.py": SCRIPT,
    })
    assert codes(run_cli("--format", "json", cwd=root)) == {"MLR202"}


def test_config_flag_overrides_discovery_and_names_its_file_in_errors(repo, tmp_path):
    root = repo({"pyproject.toml": '[tool.mlrepolint]\nselect = ["MLR101"]\n', "train.py": SCRIPT})
    custom = tmp_path / "custom.toml"
    custom.write_text('select = ["MLR201"]\n')
    assert codes(run_cli("--format", "json", "--config", str(custom), cwd=root)) == {"MLR201"}
    custom.write_text('colour = "red"\n')
    run = run_cli("--config", str(custom), cwd=root)
    assert run.code == 2
    assert run.err == f"mlrepolint: error: {custom}: unknown key 'colour' in [tool.mlrepolint]\n"


def test_select_by_name_and_prefix_in_config(repo):
    root = repo({"pyproject.toml": '[tool.mlrepolint]\nselect = ["MLR1", "missing-main-guard"]\n',
                 "train.py": SCRIPT})
    assert codes(run_cli("--format", "json", cwd=root)) == {"MLR101", "MLR202"}


def test_per_file_ignores_use_gitignore_globs(repo):
    config = '[tool.mlrepolint.per-file-ignores]\n"scripts/**" = ["MLR2"]\n"*.py" = ["missing-module-docstring"]\n'
    root = repo({"pyproject.toml": config, "scripts/run.py": SCRIPT, "train.py": SCRIPT})
    run = run_cli("--format", "json", "--select", "MLR1,MLR2", cwd=root)
    assert run.locations() == [("MLR201", "train.py", 3), ("MLR202", "train.py", 3)]


def test_severity_override_changes_the_exit_code(repo):
    root = repo({"pyproject.toml": '[tool.mlrepolint.severity]\nmissing-main-guard = "error"\n', "train.py": SCRIPT})
    run = run_cli("--format", "json", cwd=root)
    assert run.code == 1
    assert {f["code"]: f["severity"] for f in run.findings}["MLR202"] == "error"


def test_exclude_and_extend_exclude(repo):
    config = '[tool.mlrepolint]\nexclude = ["old/"]\nextend-exclude = ["*_gen.py"]\n'
    root = repo({"pyproject.toml": config, "old/a.py": SCRIPT, "x_gen.py": SCRIPT, "keep.py": SCRIPT})
    run = run_cli("--format", "json", "--select", "MLR1,MLR2", cwd=root)
    assert {f["path"] for f in run.findings} == {"keep.py"}
