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


def sarif_of(root: Path, *args: str) -> tuple[dict, str]:
    """`mlrepolint --format sarif ARGS .` in root: the log's only run, validated against the schema, and stderr.

    Of thousands of results (all built alike) the first and last hundred are validated, which takes a second
    rather than ten."""
    run = run_cli("--format", "sarif", *args, ".", cwd=root)
    assert run.code in (0, 1), run.err
    log = run.json
    sample = json.loads(json.dumps(log))
    results = sample["runs"][0]["results"]
    sample["runs"][0]["results"] = results[:100] + results[100:][-100:]
    jsonschema.validate(sample, sarif_schema())
    return log["runs"][0], run.err


def location(result: dict) -> tuple[str, str, dict]:
    physical = result["locations"][0]["physicalLocation"]
    return result["ruleId"], physical["artifactLocation"]["uri"], physical["region"]


def test_sarif_whole_file_findings_have_a_region_so_github_can_track_them(repo):
    from test_repo_notebooks import STREAM, notebook

    root = repo({".env": "API_URL=http://localhost\n", "explore.ipynb": notebook((1, STREAM))})
    sarif_run, _ = sarif_of(root, "--select", "MLR401,MLR303")
    assert sorted(location(r) for r in sarif_run["results"]) == [
        ("MLR303", "explore.ipynb", {"startLine": 1}),
        ("MLR401", ".env", {"startLine": 1}),
    ]


def test_sarif_rules_stay_within_githubs_limits_and_carry_their_docs(repo):
    root = repo({"README.md": "hi\n"})
    rules = {r["id"]: r for r in sarif_of(root)[0]["tool"]["driver"]["rules"]}
    assert {"MLR402", "MLR502", "MLR601"} <= set(rules)
    for rule in rules.values():
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024, rule["id"]
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024, rule["id"]
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith(f"# {rule['id']} ")
        page = (Path(__file__).parent.parent / "docs" / "rules" / f"{rule['id']}.md").read_text(encoding="utf-8")
        assert rule["help"]["markdown"].split("\n", 1)[0] == page.split("\n", 1)[0]
        assert "helpUri" not in rule  # the help is the page; no link to a place it may not be published
        assert len(rule["properties"]["tags"]) <= 10
    assert rules["MLR502"]["fullDescription"]["text"].endswith("…")  # its description is longer than 1,024
    # Security rules: the `security` tag and a security-severity, which GitHub needs to rank security alerts.
    assert rules["MLR402"]["properties"]["security-severity"] == "9.0"
    assert rules["MLR401"]["properties"]["security-severity"] == "8.0"
    assert "security" in rules["MLR401"]["properties"]["tags"]
    assert "security-severity" not in rules["MLR202"]["properties"]


def test_sarif_describes_the_wrapped_tools_codes_with_their_documentation(repo):
    root = repo({"lib.py": '"""Lib."""\nimport os\n\n\ndef f():\n    """F."""\n    x = 1\n'})
    flake8_rules = {r["id"]: r for r in sarif_of(root, "--select", "F")[0]["tool"]["driver"]["rules"]}
    assert flake8_rules["F401"]["shortDescription"]["text"] == "pyflakes F401: 'os' imported but unused"
    assert flake8_rules["F401"]["helpUri"] == "https://flake8.pycqa.org/en/latest/user/error-codes.html"
    assert "pyflakes" in flake8_rules["F401"]["help"]["text"]

    ruff_rules = {r["id"]: r for r in sarif_of(root, "--pep8-backend", "ruff", "--select", "F")[0]["tool"]["driver"][
        "rules"]}
    assert ruff_rules["F401"]["name"] == "ruff-f401"
    assert ruff_rules["F401"]["helpUri"] == "https://docs.astral.sh/ruff/rules/unused-import/"
    assert ruff_rules["F401"]["help"]["markdown"].startswith("## What it does")

    pylint_rules = {r["id"]: r for r in sarif_of(root, "--with", "pylint", "--select", "W0612")[0]["tool"]["driver"][
        "rules"]}
    assert pylint_rules["W0612"]["shortDescription"]["text"] == "pylint unused-variable (W0612)"
    assert pylint_rules["W0612"]["helpUri"] == (
        "https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/unused-variable.html")


def test_sarif_caps_results_keeping_errors_first_and_says_what_was_cut(repo):
    # 5,100 trailing-whitespace warnings in a file that sorts first, and one parse error in a file that sorts last.
    root = repo({"a_many.py": "".join(f"x{i} = {i} \n" for i in range(5100)), "z_broken.py": "def f(:\n"})
    sarif_run, err = sarif_of(root, "--select", "W291,MLR001")
    results = sarif_run["results"]
    assert len(results) == 5000
    assert location(results[-1])[:2] == ("MLR001", "z_broken.py")  # kept, in report order
    assert sarif_run["properties"] == {"omittedResults": {"warning": 101}}
    notification = sarif_run["invocations"][0]["toolExecutionNotifications"][0]
    message = (
        "SARIF holds 5,000 of 5,101 findings, the most severe first (101 left out: 101 warnings): GitHub code "
        "scanning keeps 5,000 results a run; the other formats list them all"
    )
    assert notification["level"] == "warning" and notification["message"]["text"] == message
    assert err.splitlines() == [f"mlrepolint: warning: {message}"]
    # The same run in another format keeps everything and says nothing about SARIF.
    assert len(run_cli("--format", "json", "--select", "W291,MLR001", ".", cwd=root).findings) == 5101
