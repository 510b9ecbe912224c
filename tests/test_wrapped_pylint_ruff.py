"""pylint (opt-in) and ruff (optional PEP 8 backend) wrapped: findings, config, safety, missing tools."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import run_cli

DOC = '"""Module."""\n'
CODE = DOC + "import os\nimport torch\n\n\ndef train(x):\n    return x.nonexistent_member\n"
HAS_RUFF = importlib.util.find_spec("ruff") is not None


def shadow_package(tmp_path, name: str) -> dict[str, str]:
    """An environment in which `import name` fails, as if the tool were not installed."""
    folder = tmp_path / "shadow" / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(f"raise ImportError('no {name} here')\n")
    return {"PYTHONPATH": str(folder.parent), "PATH": "/usr/bin:/bin"}


def test_pylint_runs_with_the_flag_and_drops_duplicates_and_noisy_messages(repo):
    root = repo({"train.py": CODE})
    run = run_cli("--format", "json", "--with", "pylint", ".", cwd=root)
    pylint = [f for f in run.findings if f["source"] == "pylint"]
    assert {"code": "W0611", "rule": "unused-import", "category": "code-quality", "severity": "warning",
            "source": "pylint", "path": "train.py", "line": 2, "column": 1,
            "message": "Unused import os"} in pylint
    codes = {f["code"] for f in pylint}
    assert "C0116" not in codes and run.locations("MLR103") == [("MLR103", "train.py", 6)]  # reported once
    assert not codes & {"E0401", "E1101", "E0611"}  # import-error, no-member, no-name-in-module: off
    assert run.json["warnings"] == []
    without = run_cli("--format", "json", ".", cwd=root)
    assert [f for f in without.findings if f["source"] == "pylint"] == []


def test_pylint_from_config_honours_repo_settings_and_selection(repo):
    root = repo({
        "train.py": CODE + "LONG = '" + "a" * 60 + "'\n",
        "pyproject.toml": (
            "[tool.mlrepolint]\nwrappers = ['flake8', 'pylint']\nextend-select = ['E0401']\nignore = ['E', 'F']\n"
            "[tool.mlrepolint.pylint]\ndisable = ['unused-import']\n"
            "[tool.pylint.format]\nmax-line-length = 50\n"
        ),
    })
    run = run_cli("--format", "json", ".", cwd=root)
    assert run.locations("C0301") == [("C0301", "train.py", 8)]  # the repository's max-line-length
    assert run.locations("W0611") == []  # disabled in [tool.mlrepolint.pylint]
    assert run.locations("E0401") == [("E0401", "train.py", 3)]  # selected back on
    assert [f for f in run.findings if f["source"] == "flake8"] == []


def test_select_mlr_runs_no_pylint(repo):
    root = repo({"train.py": CODE, ".pylintrc": "[MAIN]\ninit-hook = open('HOOK_RAN', 'w').write('x')\n"})
    run = run_cli("--format", "json", "--with", "pylint", "--select", "MLR", "--trust-repo-config", ".",
                  cwd=root)
    assert {f["source"] for f in run.findings} == {"mlrepolint"}
    assert not (root / "HOOK_RAN").exists()  # pylint never started


def test_hostile_pylintrc_cannot_run_code(repo):
    hostile = {
        "train.py": CODE,
        "evil_plugin.py": "from pathlib import Path\nPath('PLUGIN_RAN').write_text('x')\n\n\n"
                          "def register(linter):\n    pass\n",
        ".pylintrc": (
            "[MAIN]\ninit-hook = open('HOOK_RAN', 'w').write('x')\nload-plugins = evil_plugin\n"
            "evaluation = open('EVAL_RAN', 'w').write('x')\n"
        ),
    }
    root = repo(hostile)
    importable = {"PYTHONPATH": str(root)}  # so that load-plugins could import evil_plugin if it were honoured
    run = run_cli("--format", "json", "--with", "pylint", ".", cwd=root, env=importable)
    assert [p.name for p in root.glob("*_RAN")] == []
    assert run.json["warnings"] == [
        "pylint: evaluation, init-hook, load-plugins in .pylintrc ignored, because it would run code from the "
        "repository or write files; pass --trust-repo-config to use it"
    ]
    assert run.locations("W0611") == [("W0611", "train.py", 2), ("W0611", "train.py", 3)]  # the rest of the run went on
    trusted = run_cli("--format", "json", "--with", "pylint", "--trust-repo-config", ".", cwd=root, env=importable)
    assert trusted.json["warnings"] == []
    # the same config does run code when trusted: the guard is what stopped it
    assert sorted(p.name for p in root.glob("*_RAN")) == ["EVAL_RAN", "HOOK_RAN", "PLUGIN_RAN"]


def test_missing_pylint_is_one_warning(repo, tmp_path):
    root = repo({"train.py": CODE})
    run = run_cli("--format", "json", "--with", "pylint", ".", cwd=root, env=shadow_package(tmp_path, "pylint"))
    assert run.code == 0
    assert run.json["warnings"] == ["pylint is not installed, so the pylint checks did not run (pip install pylint)"]
    assert run.locations("F401") == [("F401", "train.py", 2), ("F401", "train.py", 3)]  # flake8 still ran


def test_missing_ruff_is_one_warning_not_a_crash(repo, tmp_path):
    root = repo({"train.py": CODE})
    run = run_cli("--format", "json", "--pep8-backend", "ruff", ".", cwd=root, env=shadow_package(tmp_path, "ruff"))
    assert run.code == 0
    assert run.json["warnings"] == [
        "ruff is not installed, so the PEP 8 checks did not run "
        "(pip install 'mlrepolint[ruff]', or set pep8-backend = \"flake8\")"
    ]
    assert {f["source"] for f in run.findings} == {"mlrepolint"}
    text = run_cli("--pep8-backend", "ruff", ".", cwd=root, env=shadow_package(tmp_path / "t", "ruff"))
    assert "mlrepolint: warning: ruff is not installed" in text.err


@pytest.mark.skipif(not HAS_RUFF, reason="ruff is not installed")
def test_ruff_backend_reports_the_same_codes_and_honours_tool_ruff(repo):
    root = repo({
        "train.py": DOC + "import os\nX = '" + "a" * 90 + "'\nY = '" + "a" * 110 + "'\n",
        "pyproject.toml": "[tool.mlrepolint]\npep8-backend = 'ruff'\n[tool.ruff]\nline-length = 100\n",
    })
    run = run_cli("--format", "json", ".", cwd=root)
    assert run.json["warnings"] == []
    by_code = {f["code"]: f for f in run.findings if f["source"] == "ruff"}
    assert by_code["F401"] == {
        "code": "F401", "rule": "ruff-f401", "category": "code-quality", "severity": "warning",
        "source": "ruff", "path": "train.py", "line": 2, "column": 8, "message": "`os` imported but unused",
    }
    assert run.locations("E501") == [("E501", "train.py", 4)]  # [tool.ruff] line-length
    assert not [f for f in run.findings if f["source"] == "flake8"]
    assert not (root / ".ruff_cache").exists()  # read-only on the repository
    assert run_cli("--format", "json", "--select", "MLR1,MLR2", ".", cwd=root).findings == []
    assert run_cli("--format", "json", "--select", "F401", ".", cwd=root).locations() == [("F401", "train.py", 2)]


def test_pylint_messages_named_like_our_rules_are_dropped(repo):
    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView
    from mlrepolint.rules.wrapped.pylint import pylint_findings
    from mlrepolint.selection import Selection

    root = repo({"train.py": CODE}, git_init=False)
    view = RepoView.open(root, False)
    selection = Selection(None, (), (), default_enabled=lambda code: True)
    found, warnings = pylint_findings(view, Settings(), selection, ["train.py"])
    assert ("W0611", "unused-import", 2) in {(f.code, f.rule, f.line) for f in found} and warnings == []
    found, _ = pylint_findings(view, Settings(), selection, ["train.py"], frozenset({"unused-import"}))
    assert found and "unused-import" not in {f.rule for f in found}
