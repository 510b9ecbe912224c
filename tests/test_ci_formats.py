"""`--format github`, `--format sarif` and `--output-format FORMAT:FILE`, through the real CLI."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

from conftest import run_cli

#: The engine and Python-source rules: these tests are about report formats and gates, not rule families.
OWN = ("--select", "MLR0,MLR1,MLR2")


@functools.lru_cache(maxsize=None)
def sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 JSON schema (errata 01), shipped with the tests."""
    return json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'


def undocumented(n: int) -> str:
    """A module with a docstring and n undocumented public functions (n MLR103 warnings)."""
    return '"""M."""\n' + "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(n))


def test_github_annotations(repo):
    root = repo({"train.py": SCRIPT, "broken.py": "def f(:\n"})
    run = run_cli(*OWN, "--format", "github", ".", cwd=root)
    assert run.code == 1
    assert run.out.splitlines() == [
        "::error file=broken.py,line=1,col=7,title=MLR001 parse-error::syntax error: invalid syntax",
        "::warning file=train.py,line=1,col=1,title=MLR101 missing-module-docstring::public module train.py has no "
        "docstring",
        "::warning file=train.py,line=3,col=1,title=MLR201 top-level-execution::assignment from `pd.read_csv(...)` at "
        "module level runs on import",
        "::warning file=train.py,line=3,col=1,title=MLR202 missing-main-guard::script has no `if __name__ == "
        "\"__main__\":` guard",
        "Found 4 findings (1 error, 3 warnings) in 2 Python files and the repository.",
    ]


def test_github_ranks_most_severe_first_and_summarises_the_rest(repo):
    files = {f"m{i:02}.py": undocumented(1) for i in range(12)}
    files["z_broken.py"] = "def f(:\n"
    files["a_unused.py"] = '"""M."""\nX = 1  # noqa: MLR103\n'
    root = repo(files)
    run = run_cli(*OWN, "--format", "github", "--extend-select", "MLR002", ".", cwd=root)
    lines = run.out.splitlines()
    assert lines[0].startswith("::error file=z_broken.py,")  # the error first although its path sorts last
    assert [line.split(" ")[0] for line in lines[1:11]] == ["::warning"] * 10
    assert lines[11].startswith("::notice file=a_unused.py,line=2,title=MLR002 unused-suppression::")
    assert lines[12] == (
        "mlrepolint: 2 more findings not annotated (2 warning); GitHub shows 10 per level: run `mlrepolint .` "
        "for the full list"
    )


def test_github_escapes_properties_and_data():
    from mlrepolint.reports.github import annotation
    from mlrepolint.rules.base import Finding, Severity

    finding = Finding("MLR101", "r", "documentation", Severity.WARNING, "mlrepolint", "a,b:c.py", None, None,
                      "50% done\nnext")
    assert annotation(finding) == "::warning file=a%2Cb%3Ac.py,title=MLR101 r::50%25 done%0Anext"


def test_sarif_is_valid_and_carries_rule_metadata(repo):
    root = repo({"train.py": SCRIPT, "broken.py": "def f(:\n"})
    run = run_cli(*OWN, "--format", "sarif", ".", cwd=root)
    assert run.code == 1
    log = run.json
    jsonschema.validate(log, sarif_schema())
    sarif_run = log["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["MLR202"]["name"] == "missing-main-guard"
    assert by_id["MLR202"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["MLR001"]["defaultConfiguration"]["level"] == "error"
    assert by_id["MLR002"]["defaultConfiguration"]["level"] == "note"
    assert by_id["MLR202"]["help"]["markdown"].startswith("# MLR202 missing-main-guard")
    results = sarif_run["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("MLR001", "error", "broken.py", 1),
        ("MLR101", "warning", "train.py", 1),
        ("MLR201", "warning", "train.py", 3),
        ("MLR202", "warning", "train.py", 3),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    prints = [r["partialFingerprints"]["mlrepolint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_fingerprints_survive_edits_above(repo):
    root = repo({"train.py": SCRIPT})
    before_run = run_cli(*OWN, "--format", "sarif", ".", cwd=root).json["runs"][0]["results"]
    before = {r["ruleId"]: r["partialFingerprints"] for r in before_run}
    (root / "train.py").write_text("import os\n\n\n" + SCRIPT)
    after_run = run_cli(*OWN, "--format", "sarif", ".", cwd=root).json["runs"][0]["results"]
    after = {r["ruleId"]: r["partialFingerprints"] for r in after_run}
    assert after["MLR201"] == before["MLR201"] and after["MLR202"] == before["MLR202"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after_run if r["ruleId"] == "MLR201"]
    assert lines == [6]


def test_sarif_uris_are_percent_encoded(repo):
    root = repo({"my scripts/train #1.py": SCRIPT})
    results = run_cli(*OWN, "--format", "sarif", ".", cwd=root).json["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "my%20scripts/train%20%231.py"}


def test_github_annotation_about_the_whole_repository_names_no_file():
    from mlrepolint.reports.github import annotation
    from mlrepolint.rules.base import Finding, Severity

    finding = Finding("MLR502", "r", "dependencies", Severity.ERROR, "mlrepolint", "", None, None, "m")
    assert annotation(finding) == "::error title=MLR502 r::m"


def test_sarif_for_a_clean_repository_is_valid(repo):
    root = repo({"README.md": "hi\n"})
    run = run_cli(*OWN, "--format", "sarif", ".", cwd=root)
    assert run.code == 0
    jsonschema.validate(run.json, sarif_schema())
    assert run.json["runs"][0]["results"] == []


def test_several_outputs_in_one_run(repo, tmp_path):
    root = repo({"train.py": SCRIPT})
    sarif, gh = tmp_path / "out.sarif", tmp_path / "annotations.txt"
    run = run_cli(*OWN, "--output-format", f"sarif:{sarif}", "--output-format", f"github:{gh}", ".", cwd=root)
    assert run.code == 0
    assert "train.py:3:1: MLR202" in run.out  # the main report is still text on stdout
    jsonschema.validate(json.loads(sarif.read_text()), sarif_schema())
    assert gh.read_text().startswith("::warning file=train.py,line=1,col=1,title=MLR101")


@pytest.mark.parametrize("value", ["sarif", "nope:out.txt", "sarif:"])
def test_bad_output_format_is_a_usage_error(repo, value):
    root = repo({"train.py": SCRIPT})
    run = run_cli(*OWN, "--output-format", value, ".", cwd=root)
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: Invalid value for --output-format:")
    assert "must be FORMAT:FILE" in run.err


@pytest.mark.parametrize(
    "fail_on, code", [("error", 0), ("warning", 1), ("info", 1), ("never", 0)]
)
def test_fail_on(repo, fail_on, code):
    root = repo({"train.py": SCRIPT})
    assert run_cli(*OWN, "--fail-on", fail_on, ".", cwd=root).code == code
