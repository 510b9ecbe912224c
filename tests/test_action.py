"""The GitHub Action (action.yml): its shell steps run locally with the GITHUB_* variables a runner sets."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import make_git_repo, run_cli, write_files

CHECKOUT = Path(__file__).resolve().parent.parent
SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'


@functools.lru_cache(maxsize=None)
def action() -> dict:
    """action.yml, parsed."""
    return yaml.safe_load((CHECKOUT / "action.yml").read_text(encoding="utf-8"))


def step_named(name: str) -> dict:
    """One of the action's steps."""
    return next(step for step in action()["runs"]["steps"] if step["name"] == name)


def expand(text: str, inputs: dict[str, str]) -> str:
    """Substitute `${{ inputs.X }}` (declared defaults apply) and `${{ github.action_path }}` as a runner does."""
    values = {name: spec.get("default", "") for name, spec in action()["inputs"].items()}
    values.update(inputs)

    def value(match: re.Match) -> str:
        expr = match.group(1).strip()
        if expr == "github.action_path":
            return str(CHECKOUT)
        return values[expr.split(".", 1)[1]]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_step(name: str, workspace: Path, tmp: Path, inputs: dict[str, str] | None = None):
    """Run one composite step the way a runner does: `bash --noprofile --norc -eo pipefail`, GITHUB_* set."""
    step = step_named(name)
    script = step["run"]
    summary = tmp / "step_summary.md"
    if not summary.exists():
        summary.write_text("# Earlier step\n")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_PATH": str(tmp / "github_path"), "GITHUB_OUTPUT": str(tmp / "github_output"),
        "RUNNER_TEMP": str(tmp), "NO_COLOR": "1",
        **{key: expand(str(value), inputs or {}) for key, value in step.get("env", {}).items()},
    }
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=workspace,
                          env=env, capture_output=True, text=True, check=False)
    return proc, summary.read_text()


def step_outputs(tmp: Path) -> dict[str, str]:
    """What the steps wrote to $GITHUB_OUTPUT (`name=value` lines), as the runner reads it."""
    path = tmp / "github_output"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return dict(line.split("=", 1) for line in lines)


def test_action_declares_its_inputs_outputs_and_steps():
    assert set(action()["inputs"]) == {"path", "args", "fail-under", "version", "cache"}
    assert action()["runs"]["using"] == "composite"
    assert step_named("Run mlrepolint")["id"] == "mlrepolint"
    assert {name: spec["value"] for name, spec in action()["outputs"].items()} == {
        name: f"${{{{ steps.mlrepolint.outputs.{name} }}}}" for name in ("score", "grade", "findings", "sarif")}
    run = step_named("Run mlrepolint")["run"]
    assert "--format github" in run and '--output-format "markdown:$summary"' in run
    assert '>> "$GITHUB_STEP_SUMMARY"' in run and "--fail-under" in run


def test_the_cache_is_restored_before_the_run_and_saved_after_it():
    steps = [step["name"] for step in action()["runs"]["steps"]]
    cache = step_named("Restore and save the mlrepolint cache")
    assert steps.index(cache["name"]) < steps.index("Run mlrepolint")
    assert cache["uses"] == "actions/cache@v4"  # restores here, saves in its post step, after the run
    assert cache["if"] == "inputs.cache == 'true'" and action()["inputs"]["cache"]["default"] == "true"
    # The cache folder, and the key its files are authenticated with (without it a restored cache is a miss).
    assert cache["with"]["path"].split() == [".mlrepolint_cache", "~/.cache/mlrepolint/key"]
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].strip()
    assert key.endswith("${{ github.sha }}") and key.startswith(restore) and restore.endswith("-")


def test_run_step_annotates_summarises_and_fails_on_errors(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT, "broken.py": "def f(:\n"})
    proc, summary = run_step("Run mlrepolint", workspace, tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "::error file=broken.py,line=1,col=7,title=MLR001 parse-error::syntax error: invalid syntax"
    assert any(line.startswith("::warning file=train.py,line=1,col=1,title=MLR101 missing-module-docstring::")
               for line in lines[1:])
    assert summary.startswith("# Earlier step\n")  # appended, not overwritten
    assert "| " in summary and "MLR001" in summary


def test_run_step_passes_on_warnings_and_takes_args_and_paths(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT, "src/lib.py": "def f():\n    return 1\n"})
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path)
    assert proc.returncode == 0 and "::warning file=train.py" in proc.stdout
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, {"args": "--fail-on warning --select MLR202"})
    assert proc.returncode == 1
    assert [line for line in proc.stdout.splitlines() if line.startswith("::")] == [
        "::warning file=train.py,line=3,col=1,title=MLR202 missing-main-guard::script has no "
        "`if __name__ == \"__main__\":` guard"
    ]
    inputs = {"path": "src/lib.py train.py", "args": "--select MLR103"}
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, inputs)
    assert "::warning file=src/lib.py,line=1,col=1,title=MLR103" in proc.stdout


def test_run_step_writes_sarif_for_upload(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT})
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, {"args": "--output-format sarif:mlrepolint.sarif"})
    assert proc.returncode == 0
    assert '"version": "2.1.0"' in (workspace / "mlrepolint.sarif").read_text()


def test_run_step_gates_on_the_score(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT})
    assert run_step("Run mlrepolint", workspace, tmp_path, {"fail-under": "100"})[0].returncode == 1
    assert run_step("Run mlrepolint", workspace, tmp_path, {"fail-under": "0"})[0].returncode == 0


def test_run_step_sets_the_outputs(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT, "broken.py": "def f(:\n"})
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, {"args": "--select MLR0,MLR1,MLR2"})
    assert proc.returncode == 1
    outputs = step_outputs(tmp_path)
    report = run_cli("--format", "json", "--select", "MLR0,MLR1,MLR2", ".", cwd=workspace).json
    assert outputs == {"score": f"{report['score']:.1f}", "grade": report["grade"], "findings": "4",
                       "sarif": str(tmp_path / "mlrepolint.sarif")}
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["MLR001", "MLR101", "MLR201", "MLR202"]


def test_run_step_keeps_quoted_args_and_paths_together(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT, "my scripts/run.py": SCRIPT})
    write_files(workspace, {"new.py": SCRIPT})  # added after the commit on main: what `--diff main` reports
    inputs = {"path": "'my scripts/run.py' new.py",
              "args": '--select MLR202 --diff "main" --output-format "sarif:my report.sarif" --fail-on \'warning\''}
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, inputs)
    assert proc.returncode == 1, proc.stderr
    assert [line.split(",")[0] for line in proc.stdout.splitlines() if line.startswith("::")] == [
        "::warning file=new.py"]
    assert (workspace / "my report.sarif").is_file()
    assert step_outputs(tmp_path)["findings"] == "1"


def test_run_step_fails_in_one_line_on_an_unclosed_quote(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT})
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, {"args": '--diff "origin/main...'})
    assert proc.returncode == 2
    assert proc.stderr == "mlrepolint: error: cannot split the args input: No closing quotation\n"
    assert proc.stdout == "" and step_outputs(tmp_path) == {}


@pytest.mark.network
def test_install_step_puts_mlrepolint_on_the_path(tmp_path):
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT})
    proc, _ = run_step("Install mlrepolint", workspace, tmp_path)
    if proc.returncode != 0 and not os.environ.get("CI"):
        pytest.skip(f"cannot install from the package index: {proc.stderr.strip().splitlines()[-1:]}")
    assert proc.returncode == 0, proc.stderr
    bin_dir = (tmp_path / "github_path").read_text().strip()
    version = subprocess.run([f"{bin_dir}/mlrepolint", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("mlrepolint ")
