"""The flake8 plugin, through the real `flake8` executable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from integrations import run_tool
from test_plugins import TRAIN

SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'
LIBRARY = '"""Helpers."""\n\n\ndef load(path):\n    return path\n'


def flake8_lines(root, *args):
    proc = run_tool("flake8", "--select", "MLR", *args, cwd=root)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, sorted(line for line in proc.stdout.splitlines() if line)


def test_reports_per_file_rules_with_flake8_positions(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIBRARY})
    code, lines = flake8_lines(root, ".")
    assert code == 1
    assert lines == [
        "./lib.py:4:1: MLR103 public function load has no docstring (missing-function-docstring)",
        "./train.py:1:1: MLR101 public module train.py has no docstring (missing-module-docstring)",
        "./train.py:3:1: MLR201 assignment from `pd.read_csv(...)` at module level runs on import "
        "(top-level-execution)",
        "./train.py:3:1: MLR202 script has no `if __name__ == \"__main__\":` guard (missing-main-guard)",
    ]


def test_clean_file_passes(repo):
    root = repo({"lib.py": '"""Helpers."""\n\n\ndef load(path):\n    """Load."""\n    return path\n'})
    assert flake8_lines(root, "lib.py") == (0, [])


@pytest.mark.parametrize(
    "files, expected",
    [
        # flake8's own noqa handling, with our code
        ({"lib.py": LIBRARY.replace("def load(path):", "def load(path):  # noqa: MLR103")}, []),
        # mlrepolint's file-level disable, by name
        ({"lib.py": "# mlrepolint: disable=missing-function-docstring\n" + LIBRARY}, []),
        # [tool.mlrepolint] ignore, found above the file
        ({"lib.py": LIBRARY, "pyproject.toml": '[tool.mlrepolint]\nignore = ["MLR103"]\n'}, []),
        # per-file-ignores from config, matched on the path relative to the config's folder
        ({"src/lib.py": LIBRARY, "mlrepolint.toml": 'per-file-ignores = { "src/*" = ["MLR1"] }\n'}, []),
        # config excludes
        ({"src/lib.py": LIBRARY, "mlrepolint.toml": 'exclude = ["src/"]\n'}, []),
        # a rule option from config: test files are checked when include-tests is on
        (
            {"tests/test_x.py": LIBRARY,
             "pyproject.toml": "[tool.mlrepolint.rules.missing-function-docstring]\ninclude-tests = true\n"},
            ["./tests/test_x.py:4:1: MLR103 public function load has no docstring (missing-function-docstring)"],
        ),
        ({"tests/test_x.py": LIBRARY}, []),
    ],
)
def test_honours_suppressions_and_config(repo, files, expected):
    root = repo(files)
    assert flake8_lines(root, ".")[1] == expected


def test_flake8_options_set_rule_options_and_config(repo, tmp_path):
    setup_cfg = "[flake8]\nmlr-option = missing-function-docstring.include-tests=true\n"
    root = repo({"tests/test_x.py": LIBRARY, "setup.cfg": setup_cfg})
    code, lines = flake8_lines(root, ".")
    assert lines == ["./tests/test_x.py:4:1: MLR103 public function load has no docstring (missing-function-docstring)"]
    other = tmp_path / "other.toml"
    other.write_text('ignore = ["MLR103"]\n')
    assert flake8_lines(root, "--mlr-config", str(other), ".")[1] == []


def test_bad_option_is_reported_without_traceback(repo):
    root = repo({"lib.py": LIBRARY})
    proc = run_tool("flake8", "--select", "MLR", "--mlr-option", "missing-function-docstring.nope=1", ".", cwd=root)
    assert proc.returncode != 0
    assert proc.stderr.strip() == (
        "flake8: mlrepolint: error: --mlr-option: unknown option 'nope' for rule missing-function-docstring "
        "(options: include-tests)"
    )


def test_broken_config_is_one_message_per_file(repo):
    root = repo({"lib.py": LIBRARY, "pyproject.toml": '[tool.mlrepolint]\nselect = ["MLR999"]\n'})
    code, lines = flake8_lines(root, ".")
    assert code == 1
    assert lines == [
        "./lib.py:1:1: MLR000 mlrepolint configuration error: pyproject.toml: 'select': unknown rule or prefix 'MLR999'"
    ]


def test_syntax_error_is_flake8s_and_other_files_still_linted(repo):
    root = repo({"broken.py": "def f(:\n", "lib.py": LIBRARY})
    proc = run_tool("flake8", "--select", "E9,MLR", ".", cwd=root)
    assert "./broken.py:1:" in proc.stdout and "E999" in proc.stdout
    assert "./lib.py:4:1: MLR103" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_plugin_load_imports_nothing_heavy():
    code = (
        "import sys, mlrepolint.integrations.flake8_plugin as p; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('click', 'tomllib', 'tomli') "
        "or m in ('mlrepolint.engine', 'mlrepolint.rules.registry', 'importlib.metadata')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_third_party_checkers_run_inside_flake8(repo, plugin_site):
    root = repo({"train.py": TRAIN})
    proc = run_tool("flake8", "--select", "MLR49", ".", cwd=root, env={"PYTHONPATH": str(plugin_site)})
    assert proc.stdout.splitlines() == [
        "./train.py:7:13: MLR490 `torch.load(...)` without `weights_only=True` (torch-load-without-weights-only)",
        "./train.py:8:13: MLR490 `torch.load(...)` with `weights_only=False` (torch-load-without-weights-only)",
    ]


def test_the_project_model_decides_roles_inside_flake8_too(repo):
    # A FastAPI app that uvicorn serves loads its model at import: neither work to report nor a script.
    root = repo({
        "app/__init__.py": '"""App."""\n',
        "app/main.py": (
            '"""App."""\nimport joblib\nfrom fastapi import FastAPI\n\napp = FastAPI()\nmodel = joblib.load("m")\n'
        ),
        "Dockerfile": 'FROM python:3.11\nCMD ["uvicorn", "app.main:app"]\n',
        "train.py": '"""Train."""\nimport pandas as pd\n\ndf = pd.read_csv("data.csv")\n',
    })
    code, lines = flake8_lines(root, ".", "--select", "MLR2")
    assert lines == [
        "./train.py:4:1: MLR201 assignment from `pd.read_csv(...)` at module level runs on import "
        "(top-level-execution)",
        "./train.py:4:1: MLR202 script has no `if __name__ == \"__main__\":` guard (missing-main-guard)",
    ]
