"""Where a score means something: runs limited to named files print findings and no score; categories that do
not apply say why; the grade explains itself. Through the executable, on tmp git repositories."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli, write_files

SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\n'
LIMITED = "a run limited to named files has no score; `mlrepolint .` scores the whole repository"


def test_a_limited_run_prints_findings_and_no_score(repo):
    root = repo({"train.py": SCRIPT, "lib.py": '"""Lib."""\n'})
    run = run_cli("--limit-to-paths", "train.py", cwd=root)
    lines = run.out.splitlines()
    assert "train.py:3:1: MLR202 script has no `if __name__ == \"__main__\":` guard (missing-main-guard)" in lines
    assert f"Score: n/a ({LIMITED})" in lines
    assert not any(line.startswith(("Category", "Grade ")) for line in lines)  # no rubric table, no grade
    assert lines[-1].startswith("Found ")


def test_a_limited_run_in_json_and_markdown_has_a_null_score_with_its_reason(repo):
    root = repo({"train.py": SCRIPT})
    doc = run_cli("--limit-to-paths", "--format", "json", "train.py", cwd=root).json
    assert (doc["score"], doc["grade"], doc["score_reason"], doc["grade_reason"]) == (None, None, LIMITED, None)
    assert all(c["score"] is None and c["reason"] == LIMITED and c["rules"] == [] for c in doc["categories"])
    assert [f["code"] for f in doc["findings"]] and all(f["path"] == "train.py" for f in doc["findings"])
    markdown = run_cli("--limit-to-paths", "--format", "markdown", "train.py", cwd=root).out.splitlines()
    assert markdown[0] == f"## mlrepolint: no score ({LIMITED})"
    assert "| Category | Score | Weight | What cost points |" not in markdown
    assert any(line.startswith("### Top findings") for line in markdown)


def test_fail_under_on_a_limited_run_is_a_usage_error(repo):
    root = repo({"train.py": SCRIPT})
    run = run_cli("--limit-to-paths", "--fail-under", "80", "train.py", cwd=root)
    assert run.code == 2 and run.out == ""
    assert run.err == ("mlrepolint: error: --fail-under cannot apply to a run limited to named files "
                       "(--limit-to-paths): such a run has no score\n")


def test_fail_under_from_the_configuration_is_not_applied_to_a_limited_run(repo):
    root = repo({"lib.py": '"""Lib."""\n', "mlrepolint.toml": "fail-under = 99\n"})
    run = run_cli("--limit-to-paths", "lib.py", cwd=root)
    assert run.code == 0
    assert run.err == ("mlrepolint: fail-under 99 (from mlrepolint.toml) does not apply to a run limited to named "
                       "files: it has no score\n")
    assert run_cli(cwd=root).code == 1  # the whole repository is gated as configured


def test_the_whole_repository_run_scores_and_explains_the_grade(repo):
    root = repo({"train.py": SCRIPT})
    lines = run_cli(cwd=root).out.splitlines()
    score = next(line for line in lines if line.startswith("Score: "))
    assert re.fullmatch(r"Score: \d+\.\d/100, grade [A-F]", score)
    reason = lines[lines.index(score) + 1]
    assert re.fullmatch(r"Grade [A-F] \((90 and above|\d+ to \d+\.9|below 60)\); most points lost in .+\.", reason)
    assert "Containers            n/a     0.5  n/a: no Dockerfile or compose file" in lines


def test_categories_that_do_not_apply_say_why_in_every_format(repo):
    root = repo({"notes.md": "# notes\n"})  # no Python code at all
    doc = run_cli("--format", "json", cwd=root).json
    reasons = {c["id"]: c["reason"] for c in doc["categories"] if c["score"] is None}
    assert reasons["code-quality"] == "no Python code was linted"
    assert reasons["testing"] == "no Python modules of the project's own to test"
    assert reasons["containers"] == "no Dockerfile or compose file"
    assert all(c["reason"] is None for c in doc["categories"] if c["score"] is not None)
    markdown = run_cli("--format", "markdown", cwd=root).out
    assert "| Containers | n/a | 0.5 | n/a: no Dockerfile or compose file |" in markdown
    deselected = run_cli("--format", "json", "--ignore", "MLR6", cwd=repo({"Dockerfile": "FROM python:3.11\n"},
                                                                          name="docker")).json
    containers = next(c for c in deselected["categories"] if c["id"] == "containers")
    assert containers["reason"] == "none of its rules is selected"


def test_every_rules_cost_adds_up_to_what_the_score_lost(repo):
    root = repo({"train.py": SCRIPT, "requirements.txt": "pandas\nnumpy==1.26.4\n", "Dockerfile": "FROM python\n"})
    doc = run_cli("--format", "json", cwd=root).json
    costs = [r["cost"] for c in doc["categories"] for r in c["rules"]]
    assert sum(costs) == pytest.approx(100 - doc["score"], abs=0.05 * len(costs) + 0.05)
    unpinned = next(r for c in doc["categories"] for r in c["rules"] if r["rule"] == "unpinned-requirement")
    assert (unpinned["examined"], unpinned["findings"], unpinned["score"]) == (2, 1, 0.5)  # proportional


def test_wrapped_tools_deselected_leave_no_free_pep8_score(repo):
    root = repo({"train.py": "x=1\n"})
    write_files(root, {"mlrepolint.toml": "wrappers = []\n"})
    doc = run_cli("--format", "json", cwd=root).json
    quality = next(c for c in doc["categories"] if c["id"] == "code-quality")
    assert [r["rule"] for r in quality["rules"]] == ["parse-error"]
