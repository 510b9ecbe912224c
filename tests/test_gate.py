"""Gating only on what a change adds: --baseline / --write-baseline, --diff, and --limit-to-paths."""

from __future__ import annotations

import json

from conftest import git, run_cli, write_files

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


def _feature(root, files):
    """Commit `files` on a new branch `feature`, off main."""
    git(root, "checkout", "-q", "-b", "feature")
    write_files(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")


def test_diff_shows_a_score_drop_when_a_change_adds_findings(repo, tmp_path):
    root = repo({"lib.py": LIB.replace("    return", '    """Load."""\n    return')})
    before = run_cli(*OWN, "--no-cache", "--format", "json", ".", cwd=root).json
    _feature(root, {"train.py": SCRIPT})
    temp = tmp_path / "temp"
    temp.mkdir()
    run = run_cli(*OWN, "--no-cache", "--diff", "main", "--format", "json", ".", cwd=root, env={"TMPDIR": str(temp)})
    assert run.json["base"] == {"ref": "main", "score": before["score"], "grade": before["grade"]}
    assert run.json["score"] < before["score"]
    assert run.locations() == [("MLR101", "train.py", 1), ("MLR201", "train.py", 3), ("MLR202", "train.py", 3)]
    # The score still covers the whole repository: the same as without --diff.
    whole = run_cli(*OWN, "--no-cache", "--format", "json", ".", cwd=root).json
    assert (whole["score"], whole["categories"]) == (run.json["score"], run.json["categories"])
    change = round(run.json["score"] - before["score"], 1)
    md = run_cli(*OWN, "--no-cache", "--diff", "main", "--format", "markdown", ".", cwd=root).out
    assert md.splitlines()[0] == f"## mlrepolint: {run.json['score']:.1f}/100 (grade {run.json['grade']}), " \
                                 f"{change:+.1f} against main"
    assert "| Category | Score | Change | Weight | What cost points |" in md
    structure = next(line for line in md.splitlines() if line.startswith("| Structure |"))
    assert structure.split(" | ")[2].startswith("-")
    text = run_cli(*OWN, "--no-cache", "--diff", "main", ".", cwd=root).out
    assert f"Score: {run.json['score']:.1f}/100, grade {run.json['grade']}, {change:+.1f} against main" in text
    # Read-only: nothing written into the repository, no worktree registered, no temporary folder left.
    assert git(root, "status", "--porcelain", "--ignored") == ""
    assert not (root / ".mlrepolint_cache").exists()
    assert len(git(root, "worktree", "list").splitlines()) == 1
    assert list(temp.iterdir()) == []


def test_diff_shows_a_score_rise_when_a_change_fixes_findings(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIB})
    _feature(root, {"lib.py": LIB.replace("    return", '    """Load."""\n    return')})
    run = run_cli(*OWN, "--diff", "main", "--format", "json", ".", cwd=root)
    assert run.findings == []
    assert run.json["score"] > run.json["base"]["score"]
    md = run_cli(*OWN, "--diff", "main", "--format", "markdown", ".", cwd=root).out
    assert md.splitlines()[0].endswith(f"+{run.json['score'] - run.json['base']['score']:.1f} against main")
    documentation = next(line for line in md.splitlines() if line.startswith("| Documentation |"))
    assert documentation.split(" | ")[2].startswith("+")


def test_diff_against_the_merge_base_scores_the_merge_base(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIB})
    fixed = LIB.replace("    return", '    """Load."""\n    return')
    _feature(root, {"notes.txt": "x\n"})
    git(root, "checkout", "-q", "main")
    write_files(root, {"lib.py": fixed})
    git(root, "commit", "-q", "-am", "fix on main")
    git(root, "checkout", "-q", "feature")
    # main moved on; against `main...` the feature branch is compared with where it started, so no change.
    run = run_cli(*OWN, "--diff", "main...", "--format", "json", ".", cwd=root)
    assert (run.json["base"]["ref"], run.json["base"]["score"]) == ("main...", run.json["score"])
    assert run_cli(*OWN, "--diff", "main", "--format", "json", ".", cwd=root).json["base"]["score"] > \
        run.json["score"]


def test_a_base_that_cannot_be_read_is_one_warning(repo):
    root = repo({"lib.py": LIB, "other.py": '"""Other."""\n'})
    blob = git(root, "rev-parse", "HEAD:other.py").strip()
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # the base cannot be read whole any more
    (root / "new.py").write_text("def f():\n    return 1\n")
    run = run_cli(*OWN, "--diff", "HEAD", "--format", "json", ".", cwd=root)
    assert run.code == 0
    assert "base" not in run.json
    assert run.locations() == [("MLR101", "new.py", 1), ("MLR103", "new.py", 1)]
    assert len(run.json["warnings"]) == 1
    assert run.json["warnings"][0].startswith("--diff HEAD: cannot score the base (")
    assert run.err == f"mlrepolint: warning: {run.json['warnings'][0]}\n"
    md = run_cli(*OWN, "--diff", "HEAD", "--format", "markdown", ".", cwd=root).out
    assert "against" not in md.splitlines()[0] and "| Change |" not in md


def test_a_tree_is_a_base_too(repo):
    root = repo({"lib.py": LIB})
    (root / "new.py").write_text("def f():\n    return 1\n")
    run = run_cli(*OWN, "--diff", "HEAD^{tree}", "--format", "json", ".", cwd=root)
    assert run.code == 0 and run.json["warnings"] == []
    assert run.locations() == [("MLR101", "new.py", 1), ("MLR103", "new.py", 1)]
    assert run.json["base"]["ref"] == "HEAD^{tree}" and run.json["base"]["score"] > run.json["score"]


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


def test_diff_keeps_findings_in_files_named_with_spaces_and_non_ascii(repo):
    root = repo({"lib.py": LIB})
    _feature(root, {"my lib.py": "def f():\n    return 1\n", "données/modèle ß.py": "def g():\n    return 1\n",
                    "lib.py": LIB + "\n\ndef save(path):\n    return path\n"})
    run = run_cli(*OWN, "--diff", "main", "--format", "json", ".", cwd=root)
    assert run.locations() == [
        ("MLR101", "données/modèle ß.py", 1), ("MLR103", "données/modèle ß.py", 1), ("MLR103", "lib.py", 8),
        ("MLR101", "my lib.py", 1), ("MLR103", "my lib.py", 1),
    ]


def test_diff_in_a_shallow_clone_says_the_history_is_needed(repo, tmp_path):
    origin = repo({"lib.py": LIB})
    write_files(origin, {"b.py": '"""B."""\n'})
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    run = run_cli(*OWN, "--diff", "HEAD~1", ".", cwd=clone)
    assert run.code == 2 and run.err.count("\n") == 1
    assert run.err.startswith("mlrepolint: error: --diff HEAD~1: ")
    assert "shallow clone" in run.err and "`fetch-depth: 0`" in run.err


def test_the_base_reuses_the_results_of_files_it_shares_with_the_work_tree(repo, monkeypatch):
    from mlrepolint.basescore import score_base
    from mlrepolint.config import Settings
    from mlrepolint.diff import Base
    from mlrepolint.engine import Engine

    files = {f"pkg/m{i}.py": f'"""M{i}."""\n\n\ndef f{i}():\n    return {i}\n' for i in range(20)}
    root = repo(files)
    _feature(root, {"pkg/m3.py": '"""M3."""\n', "pkg/new.py": "x = 1\n"})
    linted = []
    original = Engine.lint_file

    def counting(self, path, known_digest=None):
        linted.append((self.view is not None, path))
        return original(self, path, known_digest)

    monkeypatch.setattr(Engine, "lint_file", counting)
    engine = Engine(root, True, Settings(jobs=1, cache=False))
    result = engine.run([root])
    base = score_base(Base.open(root, True, "main"), engine, [root])
    assert sorted(path for at_base, path in linted if at_base) == ["pkg/m3.py"]  # only the file that differs
    assert base.card.score > result.scorecard.score  # m3 had a documented function at the base
    git(root, "checkout", "-q", "main")
    cold = Engine(root, True, Settings(jobs=1, cache=False)).run([root]).scorecard
    assert (base.card.score, base.card.categories) == (cold.score, cold.categories)  # the same as linting it cold
