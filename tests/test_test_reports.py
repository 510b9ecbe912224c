"""`--junit FILE` and `--coverage FILE`: failing-tests (MLR705) and low-coverage (MLR706), through the executable."""

from __future__ import annotations

import pytest
from conftest import run_cli, write_files

from mlrepolint.rules import testreports
from mlrepolint.rules.testreports import FAILING_TESTS, LOW_COVERAGE

PROJECT = {
    "pkg/__init__.py": "", "pkg/model.py": '"""Model."""\n',
    "tests/test_model.py": "from pkg.model import __doc__ as doc\n\n\ndef test_doc():\n    assert doc\n",
}
JUNIT = (
    '<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" tests="4">\n'
    '<testcase classname="tests.test_model" name="test_fit"><failure message="assert 0.5 &gt; 0.8"/></testcase>\n'
    '<testcase classname="tests.test_model.TestPredict" name="test_shape"><error message="boom"/></testcase>\n'
    '<testcase classname="tests.test_model" name="test_ok"/>\n'
    '<testcase classname="tests.test_model" name="test_gpu"><skipped message="no GPU"/></testcase>\n'
    '<testcase classname="elsewhere.test_x" name="test_y"><failure/></testcase>\n'
    "</testsuite></testsuites>\n"
)


def rule(doc: dict, name: str) -> dict:
    return next(r for c in doc["categories"] for r in c["rules"] if r["rule"] == name)


def test_junit_failures_are_findings_on_the_test_files(repo):
    root = repo(PROJECT)
    write_files(root, {"reports/junit.xml": JUNIT})  # untracked output of the test run
    run = run_cli("--junit", "reports/junit.xml", "--select", "MLR705", "--format", "json", cwd=root)
    assert run.code == 1, run.err  # failing tests are errors
    assert [(f["path"], f["message"], f["severity"]) for f in run.findings] == [
        ("reports/junit.xml", "test elsewhere.test_x::test_y failed", "error"),
        ("tests/test_model.py", "test tests.test_model.TestPredict::test_shape raised an error", "error"),
        ("tests/test_model.py", "test tests.test_model::test_fit failed", "error"),
    ]
    scored = rule(run.json, "failing-tests")
    assert (scored["examined"], scored["findings"]) == (4, 3)  # the skipped case is not a unit
    assert scored["score"] == 0.0  # three errors in four cases, at an error's weight
    text = run_cli("--junit", "reports/junit.xml", "--select", "MLR705", cwd=root).out
    assert "tests/test_model.py: MLR705 test tests.test_model::test_fit failed (failing-tests)" in text


def test_a_passing_junit_report_scores_full_marks(repo):
    root = repo(PROJECT)
    write_files(root, {"junit.xml": FAILING_TESTS.good})
    run = run_cli("--junit", "junit.xml", "--select", "MLR705", "--format", "json", cwd=root)
    assert run.code == 0 and run.findings == []
    assert rule(run.json, "failing-tests")["examined"] == 2
    bad = run_cli("--junit", _written(root, "bad.xml", FAILING_TESTS.bad), "--select", "MLR705", "--format", "json",
                  cwd=root)
    assert [f["code"] for f in bad.findings] == ["MLR705"]


def test_a_report_outside_the_repository_is_named_by_its_file_name(repo, tmp_path):
    root = repo(PROJECT)
    report = tmp_path / "out" / "junit.xml"
    write_files(tmp_path / "out", {"junit.xml": '<testsuite><testcase name="t"><failure/></testcase></testsuite>'})
    run = run_cli("--junit", str(report), "--select", "MLR705", "--format", "json", cwd=root)
    assert [(f["path"], f["message"]) for f in run.findings] == [("junit.xml", "test t failed")]


@pytest.mark.parametrize("content, message", [
    pytest.param('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n'
                 "<testsuite><testcase name='&lol2;'/></testsuite>\n",
                 "document type declarations are not accepted", id="entity-expansion"),
    pytest.param('<!DOCTYPE x SYSTEM "file:///etc/passwd"><testsuite/>', "document type declarations are not accepted",
                 id="external-entity"),
    pytest.param("<testsuite><testcase", "not XML", id="truncated"),
    pytest.param("<coverage/>", "not a JUnit XML report (the root is <coverage>, not <testsuites>)", id="wrong-kind"),
])
def test_a_report_that_cannot_be_read_is_a_usage_error(repo, content, message):
    root = repo(PROJECT)
    write_files(root, {"junit.xml": content})
    run = run_cli("--junit", "junit.xml", cwd=root)
    assert run.code == 2
    assert run.err.startswith("mlrepolint: error: --junit junit.xml: ") and message in run.err
    assert run.err.count("\n") == 1
    assert run.out == ""  # refused before anything was linted


def test_a_report_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(testreports, "MAX_BYTES", 100)
    report = tmp_path / "junit.xml"
    report.write_text("<testsuite>" + "<testcase name='t'/>" * 10 + "</testsuite>")
    with pytest.raises(testreports.ReportError, match="larger than"):
        testreports.read_xml(report, "--junit")


def test_many_failures_are_listed_up_to_a_limit_and_still_scored(repo):
    root = repo(PROJECT)
    cases = "".join(f'<testcase classname="tests.test_model" name="test_{i}"><failure/></testcase>' for i in range(150))
    write_files(root, {"junit.xml": f"<testsuite>{cases}<testcase name='ok'/></testsuite>"})
    run = run_cli("--junit", "junit.xml", "--select", "MLR705", "--format", "json", cwd=root)
    assert len(run.findings) == 100
    assert ("junit.xml", "51 more tests failed") in [(f["path"], f["message"]) for f in run.findings]
    assert rule(run.json, "failing-tests")["examined"] == 151


@pytest.mark.parametrize("content, target, message, score", [
    pytest.param(LOW_COVERAGE.bad, None, "line coverage 42.0% (420 of 1,000 lines) is below the target of 80%", 0.525,
                 id="declared-bad"),
    pytest.param(LOW_COVERAGE.good, None, None, 1.0, id="declared-good"),
    pytest.param('<coverage line-rate="0.6" lines-valid="10" lines-covered="6"/>', 50, None, 1.0, id="lower-target"),
    pytest.param('<coverage><packages><package><classes><class><lines><line number="1" hits="1"/>'
                 '<line number="2" hits="0"/><line number="3" hits="0"/><line number="4" hits="3"/></lines></class>'
                 "</classes></package></packages></coverage>", None,
                 "line coverage 50.0% (2 of 4 lines) is below the target of 80%", 0.5, id="counted-from-lines"),
])
def test_coverage_report(repo, content, target, message, score):
    root = repo(PROJECT)
    files = {"coverage.xml": content}
    if target is not None:
        files["mlrepolint.toml"] = f"[rules.low-coverage]\ntarget = {target}\n"
    write_files(root, files)
    run = run_cli("--coverage", "coverage.xml", "--select", "MLR706", "--format", "json", cwd=root)
    assert run.code == 0, run.err  # a warning
    assert [(f["path"], f["message"]) for f in run.findings] == ([("coverage.xml", message)] if message else [])
    assert rule(run.json, "low-coverage")["score"] == score
    assert run.json["score"] == pytest.approx(100 * score, abs=0.05)


def test_reports_add_to_the_testing_category(repo):
    root = repo(PROJECT)
    write_files(root, {"junit.xml": FAILING_TESTS.good, "coverage.xml": LOW_COVERAGE.bad})
    doc = run_cli("--junit", "junit.xml", "--coverage", "coverage.xml", "--format", "json", cwd=root).json
    testing = next(c for c in doc["categories"] if c["id"] == "testing")
    assert sorted(r["rule"] for r in testing["rules"]) == ["failing-tests", "low-coverage", "missing-tests"]
    assert testing["score"] == pytest.approx(100 * (1 + 1 + 0.525) / 3, abs=0.05)
    assert sum(c["cost"] for c in doc["categories"]) == pytest.approx(100 - doc["score"], abs=0.3)


def _written(root, name: str, content: str) -> str:
    write_files(root, {name: content})
    return name
