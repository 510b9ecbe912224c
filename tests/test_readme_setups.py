"""The README's copy-paste setups, run as written (docs that cannot rot)."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path

import yaml

from conftest import git, make_git_repo, run_cli
from integrations import run_tool

SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'
UNDOCUMENTED = '"""Lib."""\n\n\ndef load(path):\n    return path\n'
PATH_ENV = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


@functools.lru_cache(maxsize=None)
def blocks() -> list[tuple[str, str]]:
    """(language, body) of every fenced code block in the README."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```(\w+)\n(.*?)```", readme, flags=re.S)


def block(first_line: str) -> str:
    """The README code block whose first line is `first_line`, without that line."""
    found = [body for _, body in blocks() if body.splitlines()[0] == first_line]
    assert len(found) == 1, f"expected one README block starting {first_line!r}"
    return found[0].split("\n", 1)[1]


def commands(language_line: str) -> list[list[str]]:
    """The commands of the sh block holding `language_line`, pip installs left out (the test venv has them)."""
    body = next(b for lang, b in blocks() if lang == "sh" and language_line in b)
    return [line.split() for line in body.splitlines() if line and not line.startswith("pip ")]


def test_flake8_setup(repo):
    root = repo({"src/train.py": SCRIPT, "src/tests/test_lib.py": UNDOCUMENTED,
                 "tools/mlrepolint.toml": 'ignore = ["MLR101"]\n'})
    (cmd,) = commands("flake8 --select MLR src/")
    proc = run_tool(cmd[0], *cmd[1:], cwd=root)
    assert "src/train.py:3:1: MLR202" in proc.stdout and "src/train.py:1:1: MLR101" in proc.stdout
    (root / "setup.cfg").write_text(block("# setup.cfg, tox.ini or .flake8"))
    proc = run_tool("flake8", "src/", cwd=root)
    assert "MLR101" not in proc.stdout  # mlr-config: the tools/ file ignores it
    assert "src/tests/test_lib.py:4:1: MLR103" in proc.stdout  # mlr-option: include-tests=true
    assert "src/train.py:3:1: MLR202" in proc.stdout


def test_pylint_setup(repo):
    root = repo({"src/train.py": '"""Train."""\n' + SCRIPT})
    (cmd,) = commands("pylint --load-plugins=mlrepolint.pylint_plugin src/")
    proc = run_tool(cmd[0], *cmd[1:], cwd=root)
    assert "W7202: script has no" in proc.stdout and "(mlr-missing-main-guard)" in proc.stdout
    (root / "pyproject.toml").write_text(block("# pyproject.toml"))
    proc = run_tool("pylint", "src/", cwd=root)
    assert "(mlr-missing-main-guard)" in proc.stdout


def test_local_pre_commit_setup(repo):
    root = repo({"README.md": "# p\n"})
    (root / ".pre-commit-config.yaml").write_text(_local_pre_commit())
    (root / "train.py").write_text(SCRIPT)
    git(root, "add", "-A")
    proc = run_tool("pre-commit", "run", cwd=root, env={**PATH_ENV, "PRE_COMMIT_HOME": str(root.parent / "pch")})
    assert proc.returncode == 1 and "train.py:3:1: MLR202" in proc.stdout
    fixed = '"""T."""\n\n\ndef main():\n    """Run."""\n\n\nif __name__ == "__main__":\n    main()\n'
    (root / "train.py").write_text(fixed)
    git(root, "add", "-A")
    proc = run_tool("pre-commit", "run", cwd=root, env={**PATH_ENV, "PRE_COMMIT_HOME": str(root.parent / "pch")})
    assert proc.returncode == 0, proc.stdout


def _local_pre_commit() -> str:
    found = [b for lang, b in blocks() if lang == "yaml" and "repo: local" in b]
    assert len(found) == 1
    return found[0]


def test_remote_pre_commit_setup_names_the_shipped_hooks():
    config = yaml.safe_load(next(b for lang, b in blocks() if lang == "yaml" and "rev: v" in b))
    shipped = {hook["id"] for hook in yaml.safe_load(Path(__file__).resolve().parent.parent.joinpath(
        ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in config["repos"][0]["hooks"]} == shipped


def test_workflow_uses_the_actions_inputs_and_uploads_the_sarif_it_writes(tmp_path):
    from test_action import action, run_step, step_outputs

    workflow = yaml.safe_load(block("# .github/workflows/mlrepolint.yml"))
    steps = workflow["jobs"]["lint"]["steps"]
    ours = next(s for s in steps if "mlrepolint@" in s.get("uses", ""))
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert set(ours["with"]) <= set(action()["inputs"])
    inputs = {k: str(v) for k, v in ours["with"].items()}
    workspace = make_git_repo(tmp_path / "ws", {"train.py": SCRIPT})
    proc, _ = run_step("Run mlrepolint", workspace, tmp_path, inputs)
    assert "::warning file=train.py" in proc.stdout
    outputs = {f"${{{{ steps.{ours['id']}.outputs.{name} }}}}": value for name, value in step_outputs(tmp_path).items()}
    assert Path(outputs[upload["with"]["sarif_file"]]).is_file()
    assert set(re.findall(r"\$\{\{ steps\.mlrepolint\.outputs\.\w+ \}\}", str(steps))) <= set(outputs)


def test_baseline_commands(repo):
    root = repo({"train.py": SCRIPT})
    assert run_cli("--write-baseline", ".mlrepolint-baseline.json", cwd=root).code == 0
    run = run_cli("--baseline", ".mlrepolint-baseline.json", "--fail-on", "warning", cwd=root)
    assert run.code == 0 and "MLR202" not in run.out


def test_gitlab_ci_setup_writes_the_reports_it_declares(repo):
    import xml.etree.ElementTree as ET

    import jsonschema
    from test_report_formats import gitlab_schema

    job = yaml.safe_load(block("# .gitlab-ci.yml"))["mlrepolint"]
    [command] = [line.split() for line in job["script"] if line.startswith("mlrepolint ")]
    root = repo({"train.py": SCRIPT})
    run = run_cli(*command[1:], cwd=root)
    assert run.code == 0, run.err
    reports = job["artifacts"]["reports"]
    jsonschema.validate(json.loads((root / reports["codequality"]).read_text()), gitlab_schema())
    assert ET.parse(root / reports["junit"]).getroot().get("failures") != "0"
