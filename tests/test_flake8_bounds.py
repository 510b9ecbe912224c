"""The lowest flake8 mlrepolint supports (pyproject.toml: flake8>=7.0,<8), for real: this checkout and flake8 7.0.0
installed from the package index into a fresh virtualenv, then the wrapped flake8 pass and the flake8 plugin run
there. (Versions outside the bounds are refused with one warning: tests/test_same_answer.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_git_repo

pytestmark = pytest.mark.network

CHECKOUT = Path(__file__).resolve().parent.parent
LOWEST = "7.0.0"


@pytest.fixture(scope="module")
def lowest_venv(tmp_path_factory) -> Path:
    """A virtualenv with this checkout (copied: building writes next to the source) and flake8 7.0.0."""
    work = tmp_path_factory.mktemp("flake8-lowest")
    source = work / "source"
    shutil.copytree(CHECKOUT / "mlrepolint", source / "mlrepolint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(CHECKOUT / name, source / name)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(source), f"flake8=={LOWEST}"],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot install flake8 {LOWEST}:\n{proc.stderr}")
        pytest.skip(f"cannot install from the package index: {proc.stderr.strip().splitlines()[-1:]}")
    return venv


def test_the_lowest_supported_flake8_runs_the_wrapped_pass_and_the_plugin(lowest_venv, tmp_path):
    version = subprocess.run([str(lowest_venv / "bin" / "flake8"), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith(f"{LOWEST} ") and "mlrepolint" in version.stdout
    root = make_git_repo(tmp_path / "repo", {
        "lib.py": '"""M."""\nimport os\n\n\ndef f():  # noqa\n    return 1\n',
        "setup.cfg": "[flake8]\nmax-line-length = 100\n",
    })
    run = subprocess.run([str(lowest_venv / "bin" / "mlrepolint"), "--format", "json", "--select", "F,E,MLR103", "."],
                         cwd=root, capture_output=True, text=True)
    report = json.loads(run.stdout)
    assert report["warnings"] == [] and "Traceback" not in run.stderr
    assert [(f["code"], f["source"], f["line"]) for f in report["findings"]] == [
        ("F401", "flake8", 2), ("MLR103", "mlrepolint", 5),
    ]
    plugin = subprocess.run([str(lowest_venv / "bin" / "flake8"), "--select", "F,MLR", "lib.py"], cwd=root,
                            capture_output=True, text=True)
    assert plugin.stderr == ""
    assert plugin.stdout.splitlines() == [  # the bare noqa silences flake8's codes only, as in the CLI
        "lib.py:2:1: F401 'os' imported but unused",
        "lib.py:5:1: MLR103 public function f has no docstring (missing-function-docstring)",
    ]


def test_below_the_bounds_flake8_is_one_warning_and_the_plugin_still_runs(lowest_venv, tmp_path):
    # Runs after the test above (same virtualenv): flake8 6.1.0 replaces 7.0.0, against mlrepolint's requirement.
    proc = subprocess.run(
        [str(lowest_venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "flake8==6.1.0"], capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot install flake8 6.1.0:\n{proc.stderr}")
        pytest.skip(f"cannot install from the package index: {proc.stderr.strip().splitlines()[-1:]}")
    root = make_git_repo(tmp_path / "repo", {"lib.py": '"""M."""\nimport os\n\n\ndef f():\n    return 1\n'})
    reason = "flake8 6.1.0 is not supported (mlrepolint works with flake8>=7.0,<8)"
    warning = f"{reason}, so the PEP 8 checks did not run: pip install 'flake8>=7.0,<8', or set pep8-backend = \"ruff\""
    run = subprocess.run([str(lowest_venv / "bin" / "mlrepolint"), "--format", "json", "--select", "F,MLR103", "."],
                         cwd=root, capture_output=True, text=True)
    report = json.loads(run.stdout)
    assert report["warnings"] == [warning] and "Traceback" not in run.stderr
    assert [f["code"] for f in report["findings"]] == ["MLR103"]
    plugin = subprocess.run([str(lowest_venv / "bin" / "flake8"), "--select", "MLR", "lib.py"], cwd=root,
                            capture_output=True, text=True)
    assert plugin.stderr == (
        f"mlrepolint: warning: {reason}: a bare `# noqa` may silence mlrepolint's rules in flake8\n"
    )
    assert plugin.stdout.splitlines() == [
        "lib.py:5:1: MLR103 public function f has no docstring (missing-function-docstring)",
    ]
