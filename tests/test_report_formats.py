"""`--format gitlab`, `--format junit`, `--statistics`, the fixes at the end of the text report and colour, through
the real CLI."""

from __future__ import annotations

import functools
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import git, run_cli

#: The engine and Python-source rules: these tests are about report formats, not rule families.
OWN = ("--select", "MLR0,MLR1,MLR2")
SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n'


def undocumented(n: int) -> str:
    """A module with a docstring and n undocumented public functions (n MLR103 warnings)."""
    return '"""M."""\n' + "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(n))


@functools.lru_cache(maxsize=None)
def gitlab_schema() -> dict:
    """GitLab's Code Quality issue schema with the report format its documentation describes (see the file)."""
    return json.loads((Path(__file__).parent / "gitlab-codequality-schema.json").read_text(encoding="utf-8"))


# --- GitLab Code Quality ------------------------------------------------------------------------------------------

def test_gitlab_report_is_valid_and_carries_every_finding(repo):
    root = repo({"train.py": SCRIPT, "broken.py": "def f(:\n"})
    run = run_cli(*OWN, "--format", "gitlab", ".", cwd=root)
    assert run.code == 1
    issues = json.loads(run.out)
    jsonschema.validate(issues, gitlab_schema())
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues] == [
        ("MLR001", "critical", "broken.py", 1),
        ("MLR101", "minor", "train.py", 1),
        ("MLR201", "minor", "train.py", 3),
        ("MLR202", "minor", "train.py", 3),
    ]
    assert issues[3]["description"] == 'MLR202 script has no `if __name__ == "__main__":` guard (missing-main-guard)'
    assert len({i["fingerprint"] for i in issues}) == 4


def test_gitlab_fingerprints_are_stable_across_runs_and_edits_above(repo):
    root = repo({"train.py": SCRIPT})
    before = json.loads(run_cli(*OWN, "--format", "gitlab", ".", cwd=root).out)
    again = json.loads(run_cli(*OWN, "--format", "gitlab", "--no-cache", ".", cwd=root).out)
    assert again == before
    (root / "train.py").write_text("import os\n\n\n" + SCRIPT)
    after = json.loads(run_cli(*OWN, "--format", "gitlab", ".", cwd=root).out)
    prints = {i["check_name"]: i["fingerprint"] for i in before}
    moved = {i["check_name"]: (i["fingerprint"], i["location"]["lines"]["begin"]) for i in after}
    assert moved["MLR201"] == (prints["MLR201"], 6) and moved["MLR202"] == (prints["MLR202"], 6)


def test_gitlab_places_whole_file_and_repository_findings_on_line_one(repo):
    root = repo({"train.py": SCRIPT, "requirements.txt": "pandas\n"})
    run = run_cli("--select", "MLR501,MLR701,MLR702", "--format", "gitlab", ".", cwd=root)
    issues = json.loads(run.out)
    jsonschema.validate(issues, gitlab_schema())
    assert {(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues} == {
        ("MLR501", "requirements.txt", 1), ("MLR701", "README.md", 1), ("MLR702", "tests/", 1)}

    from mlrepolint.engine import Result
    from mlrepolint.reports.gitlab import issues as gitlab_issues
    from mlrepolint.rules.base import Finding, Severity

    about_repo = Finding("MLR502", "r", "dependencies", Severity.INFO, "mlrepolint", "", None, None, "m")
    [issue] = gitlab_issues(Result(root, [about_repo]))
    assert issue["location"] == {"path": ".", "lines": {"begin": 1}} and issue["severity"] == "info"
    jsonschema.validate([issue], gitlab_schema())


def test_gitlab_report_of_a_clean_repository_is_an_empty_array(repo):
    run = run_cli(*OWN, "--format", "gitlab", ".", cwd=repo({"README.md": "hi\n"}))
    assert (run.code, run.out) == (0, "[]\n")


# --- JUnit --------------------------------------------------------------------------------------------------------

def suites(xml_text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml_text)
    assert root.tag == "testsuites"
    return {suite.get("name"): suite for suite in root.findall("testsuite")}


def test_junit_has_one_failing_case_per_rule_and_file(repo):
    root = repo({"train.py": SCRIPT, "lib.py": undocumented(3), "broken.py": "def f(:\n"})
    run = run_cli(*OWN, "--format", "junit", ".", cwd=root)
    assert run.code == 1
    document = ET.fromstring(run.out)
    by_name = suites(run.out)
    assert list(by_name) == ["broken.py", "lib.py", "train.py", "mlrepolint"]
    lib = by_name["lib.py"]
    [case] = lib.findall("testcase")
    assert (case.get("classname"), case.get("name"), case.get("file")) == (
        "lib", "MLR103 missing-function-docstring", "lib.py")
    failure = case.find("failure")
    assert failure.get("type") == "MLR103"
    assert failure.get("message") == "3 findings, the first: public function f0 has no docstring"
    assert failure.text.splitlines() == [
        f"lib.py:{line}:1: MLR103 public function f{i} has no docstring (missing-function-docstring)"
        for i, line in enumerate((4, 8, 12))
    ]
    train = by_name["train.py"]
    assert [c.get("name") for c in train.findall("testcase")] == [
        "MLR101 missing-module-docstring", "MLR201 top-level-execution", "MLR202 missing-main-guard"]
    assert (train.get("tests"), train.get("failures")) == ("3", "3")
    failing = sum(len(s.findall("testcase/failure")) for s in by_name.values())
    cases = sum(len(s.findall("testcase")) for s in by_name.values())
    assert (document.get("tests"), document.get("failures")) == (str(cases), str(failing)) and failing == 5
    properties = {p.get("name"): p.get("value") for p in by_name["mlrepolint"].findall("properties/property")}
    assert set(properties) == {"score", "grade"} and properties["grade"] == "F"


def test_junit_of_a_clean_repository_reports_the_rules_that_passed(repo):
    run = run_cli(*OWN, "--format", "junit", ".", cwd=repo({"lib.py": '"""Helpers."""\n'}))
    assert run.code == 0
    by_name = suites(run.out)
    assert list(by_name) == ["mlrepolint"]
    passed = by_name["mlrepolint"].findall("testcase")
    assert "MLR101 missing-module-docstring" in [c.get("name") for c in passed]
    assert all(c.find("failure") is None for c in passed)
    assert ET.fromstring(run.out).get("failures") == "0"


def test_junit_stays_well_formed_xml_whatever_the_file_names(repo):
    root = repo({"we\x1bird <&> \"name\".py": SCRIPT, "caf\u00e9.py": SCRIPT})
    run = run_cli(*OWN, "--format", "junit", ".", cwd=root)
    names = list(suites(run.out))
    assert names[:2] == ["caf\u00e9.py", "we\\x1bird <&> \"name\".py"]


def test_formats_name_files_that_are_not_utf8_without_a_traceback(repo, tmp_path):
    root = repo({"ok.py": SCRIPT})
    with open(os.fsencode(root) + b"/b\xffad.py", "w", encoding="utf-8") as handle:  # git lists it as bytes
        handle.write(SCRIPT)
    git(root, "add", "-A")
    for name in ("gitlab", "junit", "html"):
        out = tmp_path / f"report.{name}"
        run = run_cli(*OWN, "--format", name, "-o", str(out), ".", cwd=root)
        assert run.code == 0 and run.err == "", (name, run.err)
    assert "b\\xffad.py" in suites(out.with_suffix(".junit").read_text(encoding="utf-8"))
    assert "b\\xffad.py" in (tmp_path / "report.html").read_text(encoding="utf-8")
    paths = {i["location"]["path"] for i in json.loads((tmp_path / "report.gitlab").read_text(encoding="utf-8"))}
    assert paths == {"ok.py", "b\udcffad.py"}  # as the JSON report writes it


# --- --statistics -------------------------------------------------------------------------------------------------

def test_statistics_count_findings_per_rule_most_first(repo):
    root = repo({"train.py": SCRIPT, "lib.py": undocumented(3)})
    run = run_cli(*OWN, "--statistics", ".", cwd=root)
    lines = run.out.splitlines()
    assert lines[:4] == [
        "3  MLR103  missing-function-docstring  warning",
        "1  MLR101  missing-module-docstring    warning",
        "1  MLR201  top-level-execution         warning",
        "1  MLR202  missing-main-guard          warning",
    ]
    assert lines[4] == "" and lines[5].startswith("Category")
    assert lines[-1] == "Found 6 findings (6 warnings) in 2 Python files and the repository."
    assert not any(line.startswith("train.py:") for line in lines)
    quiet = run_cli(*OWN, "--statistics", "-q", ".", cwd=root)
    assert quiet.out.splitlines() == lines[:4]


def test_statistics_take_the_text_format_only(repo):
    run = run_cli(*OWN, "--statistics", "--format", "json", ".", cwd=repo({"train.py": SCRIPT}))
    assert run.code == 2
    assert run.err == "mlrepolint: error: --statistics works with --format text, not --format json\n"


# --- text: each rule's fix once, at the end -----------------------------------------------------------------------

def test_text_report_prints_each_rules_fix_once_with_its_count(repo):
    from mlrepolint.rules.registry import load_registry

    rules = load_registry().rules
    root = repo({"train.py": SCRIPT, "lib.py": undocumented(4)})
    out = run_cli(*OWN, ".", cwd=root).out
    lines = out.splitlines()
    start = lines.index("How to fix:")
    assert all(not line.startswith("  ") for line in lines[:start])  # the findings, before the fixes
    assert lines[start - 1] == "" and lines[start - 2].startswith("train.py:3:1: MLR202")
    section = "\n".join(lines[start + 1:lines.index("", start)])
    unwrapped = " ".join(section.split())
    assert unwrapped.startswith(f"MLR103 missing-function-docstring (4 findings): {rules['MLR103'].fix} ")
    assert f"MLR202 missing-main-guard (1 finding): {' '.join(rules['MLR202'].fix.split())}" in unwrapped
    for code in ("MLR101", "MLR103", "MLR201", "MLR202"):
        assert out.count(" ".join(rules[code].fix.split()[:6])) == 1, code
    assert max(len(line) for line in section.splitlines()) <= 110
    assert "How to fix:" not in run_cli(*OWN, "-q", ".", cwd=root).out


def test_text_report_has_no_fixes_for_a_clean_repository(repo):
    out = run_cli(*OWN, ".", cwd=repo({"lib.py": '"""Helpers."""\n'})).out
    assert "How to fix" not in out and out.splitlines()[0].startswith("Category")


# --- colour -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, env, coloured", [
    ((), {"NO_COLOR": ""}, False),  # a pipe: no colour
    ((), {"NO_COLOR": "", "FORCE_COLOR": "1"}, True),
    ((), {"NO_COLOR": "", "CLICOLOR_FORCE": "1"}, True),
    ((), {"NO_COLOR": "", "CLICOLOR_FORCE": "0"}, False),
    ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins over forcing
    (("--color",), {"NO_COLOR": "1"}, True),  # the flag wins over the environment
    (("--no-color",), {"NO_COLOR": "", "FORCE_COLOR": "1", "CLICOLOR_FORCE": "1"}, False),
])
def test_colour_follows_the_environment_and_the_flag_wins(repo, args, env, coloured):
    run = run_cli(*OWN, *args, ".", cwd=repo({"train.py": SCRIPT}), env=env)
    assert ("\x1b[" in run.out) is coloured


def test_forced_colour_stays_out_of_report_files(repo, tmp_path):
    root = repo({"train.py": SCRIPT})
    out = tmp_path / "report.txt"
    run_cli(*OWN, "-o", str(out), ".", cwd=root, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" not in out.read_text() and "MLR202" in out.read_text()
    run_cli(*OWN, "--color", "-o", str(out), ".", cwd=root)
    assert "\x1b[" in out.read_text()
