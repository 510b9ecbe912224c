"""Gating only on what a change adds: --baseline / --write-baseline, --diff, and --limit-to-paths."""

from __future__ import annotations

import json

from conftest import git, run_cli

#: The engine and Python-source rules: these tests are about report formats and gates, not rule families.
OWN = ("--select", "MLR0,MLR1,MLR2")

SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'
LIB = '"""Lib."""\n\n\ndef load(path):\n    return path\n'


def test_write_baseline_then_only_new_findings_fail(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIB})
    run = run_cli(*OWN, "--fail-on", "warning", "--write-baseline", "baseline.json", ".", cwd=root)
    assert run.code == 0
    assert "mlrepolint: wrote 4 findings to baseline.json" in run.err
    data = json.loads((root / "baseline.json").read_text())
    assert data["version"] == 1
    assert {(e["path"], e["code"], e["count"]) for e in data["entries"]} == {
        ("lib.py", "MLR103", 1), ("train.py", "MLR101", 1), ("train.py", "MLR201", 1), ("train.py", "MLR202", 1),
    }
    assert all(set(e) == {"path", "code", "rule", "hash", "count"} for e in data["entries"])  # no lines, no times
    # Unrelated edits above the findings keep them baselined.
    (root / "train.py").write_text(SCRIPT.replace("\n", "\nimport os\n\n\n", 1))
    run = run_cli(*OWN, "--fail-on", "warning", "--baseline", "baseline.json", "--format", "json", ".", cwd=root)
    assert (run.code, run.findings, run.err) == (0, [], "")
    # A new finding fails; the baselined ones stay hidden.
    (root / "lib.py").write_text(LIB + "\n\ndef save(path):\n    return path\n")
    run = run_cli(*OWN, "--fail-on", "warning", "--baseline", "baseline.json", "--format", "json", ".", cwd=root)
    assert run.code == 1
    assert run.locations() == [("MLR103", "lib.py", 8)]


def test_baseline_counts_identical_lines(repo):
    body = '"""M."""\n' + "\n\ndef f():\n    return 1\n" * 2
    root = repo({"dup.py": body})
    run_cli(*OWN, "--write-baseline", "b.json", ".", cwd=root)
    assert [e["count"] for e in json.loads((root / "b.json").read_text())["entries"]] == [2]
    (root / "dup.py").write_text(body + "\n\ndef f():\n    return 1\n")  # a third identical finding is new
    run = run_cli(*OWN, "--baseline", "b.json", "--format", "json", ".", cwd=root)
    assert run.locations() == [("MLR103", "dup.py", 12)]


def test_stale_baseline_entries_are_reported(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIB})
    run_cli(*OWN, "--write-baseline", "baseline.json", ".", cwd=root)
    (root / "lib.py").write_text(LIB.replace("    return", '    """Load."""\n    return'))
    run = run_cli(*OWN, "--baseline", "baseline.json", "--format", "json", ".", cwd=root)
    assert run.code == 0 and run.findings == []
    stale = "baseline baseline.json: 1 recorded finding no longer found (lib.py MLR103); run with " \
            "--write-baseline baseline.json to shrink it"
    assert run.json["warnings"] == [stale]
    assert run.err == f"mlrepolint: warning: {stale}\n"


def test_broken_baseline_is_a_usage_error(repo):
    root = repo({"lib.py": LIB, "b.json": "{not json"})
    run = run_cli(*OWN, "--baseline", "b.json", ".", cwd=root)
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: cannot read baseline b.json:")


def test_diff_reports_only_added_lines_and_new_files(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIB})
    git(root, "checkout", "-q", "-b", "feature")
    (root / "lib.py").write_text(LIB + "\n\ndef save(path):\n    return path\n")  # MLR103 on line 8 is new
    (root / "new.py").write_text("def f():\n    return 1\n")  # untracked: all of it is new
    git(root, "add", "lib.py")
    git(root, "commit", "-q", "-m", "save")
    run = run_cli(*OWN, "--diff", "main", "--format", "json", ".", cwd=root)
    assert run.locations() == [("MLR103", "lib.py", 8), ("MLR101", "new.py", 1), ("MLR103", "new.py", 1)]
    assert run_cli(*OWN, "--diff", "HEAD", "--format", "json", ".", cwd=root).locations() == [
        ("MLR101", "new.py", 1), ("MLR103", "new.py", 1)]


def test_diff_against_an_unknown_ref_is_a_usage_error(repo):
    root = repo({"lib.py": LIB})
    run = run_cli(*OWN, "--diff", "no-such-branch", ".", cwd=root)
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: --diff no-such-branch:")


def test_diff_outside_git_is_a_usage_error(repo):
    root = repo({"lib.py": LIB}, git_init=False)
    run = run_cli(*OWN, "--diff", "main", ".", cwd=root)
    assert (run.code, run.err) == (2, "mlrepolint: error: --diff needs a git repository\n")


def test_named_files_that_config_excludes_are_not_linted(repo):
    root = repo({"gen/model_pb2.py": SCRIPT, "train.py": SCRIPT,
                 "pyproject.toml": '[tool.mlrepolint]\nexclude = ["gen/"]\n'})
    run = run_cli(*OWN, "--format", "json", "gen/model_pb2.py", "train.py", cwd=root)
    assert {path for _, path, _ in run.locations()} == {"train.py"}


def test_limit_to_paths_keeps_repository_findings_for_named_files_only(repo):
    """The pre-commit hook's scope: a repository rule's findings survive only for the files being committed."""
    from mlrepolint.config import Settings
    from mlrepolint.engine import Engine
    from mlrepolint.rules.base import RepoChecker, Rule, Severity
    from mlrepolint.rules.registry import Plugin, load_registry

    every_csv = Rule(code="MLR399", name="any-csv", category="data-hygiene", severity=Severity.WARNING,
                     summary="s", description="d", rationale="r", fix="f")

    class EveryCsv(RepoChecker):
        rules = (every_csv,)

        def check(self, repo, ctx):
            for f in repo.matching(["*.csv"]):
                ctx.report(every_csv, None, None, "a csv", path=f.path)

    registry = load_registry()
    registry = type(registry)(plugins=[*registry.plugins, Plugin("t", "t", "0", EveryCsv)],
                              rules={**registry.rules, every_csv.code: every_csv})
    root = repo({"a.csv": "x\n", "data/b.csv": "x\n", "data/c.csv": "x\n", "train.py": SCRIPT})
    engine = Engine(root, True, Settings(select=("MLR399", "MLR202")), registry)

    def found(paths, limit):
        return [(f.code, f.path) for f in engine.run([root / p for p in paths], limit_to_paths=limit).findings]

    everything = [("MLR399", "a.csv"), ("MLR399", "data/b.csv"), ("MLR399", "data/c.csv")]
    assert found(["train.py", "data/b.csv"], False) == [*everything[:3], ("MLR202", "train.py")]
    assert found(["train.py", "data/b.csv"], True) == [("MLR399", "data/b.csv"), ("MLR202", "train.py")]
    assert found(["data"], True) == [("MLR399", "data/b.csv"), ("MLR399", "data/c.csv")]
    assert found(["."], True) == [*everything, ("MLR202", "train.py")]
