"""The precision corpus scripts (benchmarks/corpus/): materialise, run and precision, on tiny repositories made here.

Nothing here needs the corpus itself: every repository, snapshot, findings file and judgment is built in a tmp dir.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mlrepolint.fingerprint import line_hash
from conftest import git, make_git_repo

CORPUS = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus"


def script(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run one of the corpus scripts with this interpreter."""
    return subprocess.run([sys.executable, str(CORPUS / name), *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def finding(code: str, rule: str, path: str, line: int | None, content: str, source: str = "mlrepolint") -> dict:
    """A finding as run.py saves it."""
    return {"code": code, "rule": rule, "source": source, "path": path, "line": line, "column": 1,
            "message": f"{rule} here", "line_hash": line_hash(content)}


def write_run(folder: Path, name: str, findings: list[dict], score: float = 50.0, grade: str = "F") -> None:
    """A findings file as run.py writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {"name": name, "repo": f"o/{name}", "commit": "0" * 40, "exit_code": 1, "seconds": 0.1,
              "report": {"findings": findings, "score": score, "grade": grade}}
    (folder / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def judgment(repo: str, rule: str, path: str, line: int | None, content: str, verdict: str) -> dict:
    """One hand judgment."""
    return {"repo": repo, "rule": rule, "path": path, "line": line, "line_hash": line_hash(content),
            "verdict": verdict, "reason": "because"}


def table_row(out: str, rule: str) -> list[str]:
    """The cells of one rule's row in precision.py's plain table."""
    for line in out.splitlines():
        cells = line.split()
        if cells and cells[0] == rule:
            return cells
    raise AssertionError(f"no row for {rule} in:\n{out}")


def test_precision_table_matches_judgments_by_line_content(tmp_path: Path) -> None:
    findings = tmp_path / "findings"
    write_run(findings, "alpha", [
        # judged tp at line 3; this run reports it at line 5 (an edit above moved it)
        finding("MLR202", "missing-main-guard", "train.py", 5, "model.fit(X, y)"),
        finding("MLR202", "missing-main-guard", "app.py", 1, "app = Flask(__name__)"),
        finding("MLR202", "missing-main-guard", "serve.py", 2, "uvicorn.run(app)"),
        finding("E501", "E501", "train.py", 5, "model.fit(X, y)", source="flake8"),
    ])
    write_run(findings, "beta", [finding("MLR301", "committed-dataset", "data.csv", None, "")])
    judgments = tmp_path / "judgments.json"
    judgments.write_text(json.dumps({"judgments": [
        judgment("alpha", "missing-main-guard", "train.py", 3, "  model.fit(X,   y)", "tp"),
        judgment("alpha", "missing-main-guard", "app.py", 1, "app = Flask(__name__)", "fp"),
        judgment("alpha", "missing-main-guard", "old.py", 7, "main()", "tp"),
        judgment("beta", "committed-dataset", "data.csv", None, "", "debatable"),
    ]}), encoding="utf-8")

    run = script("precision.py", "--findings", str(findings), "--judgments", str(judgments))

    assert run.returncode == 0, run.stderr
    assert "2 repositories, 4 judgments" in run.stdout
    # rule code findings judged tp fp debatable precision to-judge lost-TPs gone-FPs
    assert table_row(run.stdout, "missing-main-guard") == ["missing-main-guard", "MLR202", "3", "2", "1", "1", "0",
                                                           "50%", "1", "1", "0"]
    assert table_row(run.stdout, "committed-dataset") == ["committed-dataset", "MLR301", "1", "1", "0", "0", "1",
                                                          "-", "0", "0", "0"]
    assert "E501" not in run.stdout
    assert "debatable judgments are left out" in run.stdout


def test_judgments_of_a_rule_the_run_did_not_run_are_not_lost_tps(tmp_path: Path) -> None:
    # The --history rules are opt-in: a run without --history neither reports nor examines them.
    findings = tmp_path / "findings"
    write_run(findings, "alpha", [finding("MLR301", "committed-dataset", "data.csv", None, "")])
    record = json.loads((findings / "alpha.json").read_text(encoding="utf-8"))
    record["report"]["categories"] = [{"id": "data-hygiene", "rules": [
        {"rule": "committed-dataset", "code": "MLR301", "findings": 1, "examined": 3}]}]
    (findings / "alpha.json").write_text(json.dumps(record), encoding="utf-8")
    judgments = tmp_path / "judgments.json"
    judgments.write_text(json.dumps({"judgments": [
        judgment("alpha", "committed-dataset", "data.csv", None, "", "tp"),
        judgment("alpha", "large-file-in-history", "old.csv", None, "", "tp"),
    ]}), encoding="utf-8")
    run = script("precision.py", "--findings", str(findings), "--judgments", str(judgments))
    assert run.returncode == 0, run.stderr
    assert table_row(run.stdout, "committed-dataset")[-2:] == ["0", "0"]
    assert "large-file-in-history" not in run.stdout


def test_judgments_of_a_repository_the_run_did_not_lint_are_not_lost_tps(tmp_path: Path) -> None:
    # A run over another set of the manifest (`--set history`) lints other repositories.
    findings = tmp_path / "findings"
    write_run(findings, "alpha", [finding("MLR301", "committed-dataset", "data.csv", None, "")])
    judgments = tmp_path / "judgments.json"
    judgments.write_text(json.dumps({"judgments": [
        judgment("alpha", "committed-dataset", "data.csv", None, "", "tp"),
        judgment("beta", "committed-dataset", "old.csv", None, "", "tp"),
        judgment("beta", "committed-dataset", "x.csv", None, "", "fp"),
    ]}), encoding="utf-8")
    run = script("precision.py", "--findings", str(findings), "--judgments", str(judgments))
    assert run.returncode == 0, run.stderr
    assert table_row(run.stdout, "committed-dataset") == ["committed-dataset", "MLR301", "1", "1", "1", "0", "0",
                                                          "100%", "0", "0", "0"]


def test_precision_sample_lists_the_unjudged_findings(tmp_path: Path) -> None:
    findings = tmp_path / "findings"
    write_run(findings, "alpha", [
        finding("MLR801", "print-in-module", "lib.py", 4, "print(x)"),
        finding("MLR801", "print-in-module", "lib.py", 9, "print(x)"),
        finding("MLR801", "print-in-module", "cli.py", 2, "print('done')"),
    ])
    judgments = tmp_path / "judgments.json"
    judgments.write_text(json.dumps({"judgments": [
        judgment("alpha", "print-in-module", "cli.py", 2, "print('done')", "fp"),
    ]}), encoding="utf-8")

    run = script("precision.py", "--findings", str(findings), "--judgments", str(judgments), "--sample", "MLR801")

    assert run.returncode == 0, run.stderr
    assert "2 finding(s) of print-in-module in its sample of 15 still to judge" in run.stdout
    stubs = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    # the two identical lines are told apart by their occurrence
    assert sorted((s["path"], s["line"], s.get("occurrence", 1)) for s in stubs) == [("lib.py", 4, 1), ("lib.py", 9, 2)]
    assert all(s["line_hash"] == line_hash("print(x)") for s in stubs)
    again = script("precision.py", "--findings", str(findings), "--judgments", str(judgments), "--sample", "MLR801")
    assert again.stdout == run.stdout


def test_precision_sample_visits_every_repository_before_any_twice(tmp_path: Path) -> None:
    findings = tmp_path / "findings"
    write_run(findings, "big", [finding("MLR103", "missing-function-docstring", "m.py", n, f"def f{n}():")
                                for n in range(1, 30)])
    write_run(findings, "small", [finding("MLR103", "missing-function-docstring", "s.py", 1, "def g():")])
    empty = tmp_path / "none.json"

    run = script("precision.py", "--findings", str(findings), "--judgments", str(empty), "--sample",
                 "missing-function-docstring", "--size", "3")

    assert run.returncode == 0, run.stderr
    stubs = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert sorted(s["repo"] for s in stubs) == ["big", "big", "small"]
    table = script("precision.py", "--findings", str(findings), "--judgments", str(empty), "--size", "3")
    assert table_row(table.stdout, "missing-function-docstring")[2:4] == ["30", "0"]
    assert table_row(table.stdout, "missing-function-docstring")[8] == "3"


def test_precision_rejects_a_judgment_without_reason(tmp_path: Path) -> None:
    findings = tmp_path / "findings"
    write_run(findings, "alpha", [finding("MLR801", "print-in-module", "lib.py", 4, "print(x)")])
    bad = judgment("alpha", "print-in-module", "lib.py", 4, "print(x)", "tp")
    bad["reason"] = ""
    judgments = tmp_path / "judgments.json"
    judgments.write_text(json.dumps({"judgments": [bad]}), encoding="utf-8")

    run = script("precision.py", "--findings", str(findings), "--judgments", str(judgments))

    assert run.returncode != 0
    assert "judgment needs a verdict" in run.stderr


def test_scores_beside_the_ranking(tmp_path: Path) -> None:
    findings = tmp_path / "findings"
    names = [f"r{i}" for i in range(10)]
    for i, name in enumerate(names):
        write_run(findings, name, [], score=95.0 - 9 * i, grade="A")
    ranking = tmp_path / "ranking.json"
    ranking.write_text(json.dumps({"ranking": [{"rank": i + 1, "name": n, "reason": "r"}
                                               for i, n in enumerate(names)]}), encoding="utf-8")
    manifest = tmp_path / "manifest.json"
    kinds = ["library", "library"] + ["student"] * 6 + ["notebooks", "notebooks"]
    manifest.write_text(json.dumps({"repositories": [{"name": n, "kind": k} for n, k in zip(names, kinds)]}),
                        encoding="utf-8")

    run = script("precision.py", "--findings", str(findings), "--scores", "--ranking", str(ranking),
                 "--manifest", str(manifest))

    assert run.returncode == 0, run.stderr
    assert "Spearman correlation with the reviewer ranking: 1.00" in run.stdout
    # best five: 95 86 77 68 59 (mean 77); worst five: 50 41 32 23 14 (mean 32)
    assert "five worst: 45.0 points" in run.stdout
    assert "mature libraries (target >= 85): r0 95.0, r1 86.0" in run.stdout
    assert "notebook-only projects (target <= 50): r8 23.0, r9 14.0" in run.stdout


def snapshot_of(source: Path, mirror: Path, owner_name: str) -> Path:
    """A bare snapshot of source under mirror, as the fetch tool lays it out, holding loose objects."""
    bare = mirror / owner_name.replace("/", "+") / "repo"
    bare.mkdir(parents=True)
    git(bare, "init", "-q", "--bare")
    git(source, "push", "-q", str(bare), "main")
    git(bare, "symbolic-ref", "HEAD", "refs/heads/main")
    return bare


def test_materialise_checks_out_the_pinned_commit(tmp_path: Path) -> None:
    source = make_git_repo(tmp_path / "source", {"train.py": "print('v1')\n", "big.bin": b"\x80\x04weights"})
    first = git(source, "rev-parse", "HEAD").strip()
    (source / "train.py").write_text("print('v2')\n", encoding="utf-8")
    git(source, "commit", "-q", "-am", "v2")
    mirror = tmp_path / "mirror"
    bare = snapshot_of(source, mirror, "octo/demo")
    # the snapshot lacks big.bin's content, as snapshots lack files of 4 MiB and more
    blob = git(source, "rev-parse", f"{first}:big.bin").strip()
    (bare / "objects" / blob[:2] / blob[2:]).unlink()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"repositories": [
        {"name": "demo", "repo": "octo/demo", "commit": first},
        {"name": "gone", "repo": "octo/gone", "commit": first},
    ]}), encoding="utf-8")
    dest = tmp_path / "dest"

    run = script("materialise.py", "--mirror", str(mirror), "--dest", str(dest), "--manifest", str(manifest))

    assert run.returncode == 1
    assert "gone: NO LOCAL SNAPSHOT of octo/gone" in run.stderr
    assert f"demo: checked out {first[:12]}, 1 file(s) of 4 MiB or more not in the snapshot" in run.stdout
    checkout = dest / "demo"
    assert git(checkout, "rev-parse", "HEAD").strip() == first
    assert (checkout / "train.py").read_text(encoding="utf-8") == "print('v1')\n"
    assert not (checkout / "big.bin").exists()
    assert "big.bin" in git(checkout, "ls-files")
    assert (dest / "demo.absent").read_text(encoding="utf-8") == "big.bin\n"
    assert not (checkout / ".git" / "hooks").exists()

    again = script("materialise.py", "--mirror", str(mirror), "--dest", str(dest), "--manifest", str(manifest),
                   "demo")
    assert again.returncode == 0, again.stderr
    assert "demo: already checked out" in again.stdout


def test_run_saves_findings_with_line_hashes(tmp_path: Path) -> None:
    dest = tmp_path / "repos"
    make_git_repo(dest / "tiny", {"train.py": "import pandas as pd\n\ndf = pd.read_csv('x.csv')\n"})
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"repositories": [
        {"name": "tiny", "repo": "octo/tiny", "commit": "0" * 40},
        {"name": "absent", "repo": "octo/absent", "commit": "0" * 40},
    ]}), encoding="utf-8")
    out = tmp_path / "findings"

    run = script("run.py", "--dest", str(dest), "--out", str(out), "--manifest", str(manifest), "--",
                 "--select", "MLR201")

    assert run.returncode == 1
    assert "absent" in run.stderr and "NOT MATERIALISED" in run.stderr
    record = json.loads((out / "tiny.json").read_text(encoding="utf-8"))
    assert record["exit_code"] in (0, 1) and record["mlrepolint_args"] == ["--select", "MLR201"]
    located = [(f["code"], f["path"], f["line"], f["line_hash"]) for f in record["report"]["findings"]]
    assert located == [("MLR201", "train.py", 3, line_hash("df = pd.read_csv('x.csv')"))]
    assert "score" not in run.stdout


def test_run_lints_the_set_it_is_given(tmp_path: Path) -> None:
    dest = tmp_path / "repos"
    make_git_repo(dest / "leaky", {"train.py": "import pandas as pd\n\ndf = pd.read_csv('x.csv')\n"})
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({
        "repositories": [{"name": "absent", "repo": "octo/absent", "commit": "0" * 40}],
        "history": [{"name": "leaky", "repo": "octo/leaky", "commit": "0" * 40}],
    }), encoding="utf-8")
    out = tmp_path / "findings"
    run = script("run.py", "--set", "history", "--dest", str(dest), "--out", str(out), "--manifest", str(manifest),
                 "--", "--select", "MLR201")
    assert run.returncode == 0, run.stderr
    assert sorted(path.name for path in out.iterdir()) == ["leaky.json"]
