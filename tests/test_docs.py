"""Rule documentation: the README table and docs/rules/ are generated from the declarations and never drift;
`mlrepolint rule` prints the same page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from mlrepolint.docs import DOCS_DIR, generated_files, stale_files
from mlrepolint.rules.base import PythonChecker, RepoChecker
from mlrepolint.rules.registry import load_registry

README = Path(__file__).resolve().parent.parent / "README.md"
REGENERATE = "run `python -m mlrepolint.docs` to regenerate README.md, docs/rules/ and mlrepolint/rules/index.py"


def test_committed_docs_match_the_declarations():
    registry = load_registry()
    for path, text in generated_files(README, registry).items():
        assert path.is_file(), f"{path} is missing: {REGENERATE}"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: {REGENERATE}"
    assert stale_files(README, registry) == [], f"pages of rules that no longer exist: {REGENERATE}"


def test_the_rule_index_is_what_each_built_in_checker_declares():
    registry = load_registry()
    builtin = [plugin for plugin in registry.plugins if plugin.builtin]
    assert builtin
    for plugin in builtin:
        checker = plugin.checker
        assert plugin.rules == checker.rules, f"{plugin.name}: {REGENERATE}"
        assert plugin.target == f"{checker.__module__}:{checker.__qualname__}"
        assert plugin.per_file is issubclass(checker, PythonChecker)
        assert plugin.by_file is getattr(checker, "by_file", False)
        assert plugin.shares is (issubclass(checker, RepoChecker)
                                 and checker.shares_of_source is not RepoChecker.shares_of_source)
    assert all(registry.lookup(rule.code) == rule for plugin in builtin for rule in plugin.checker.rules)


def test_docs_have_one_page_per_built_in_rule_and_an_index():
    pages = sorted(p.name for p in (README.parent / DOCS_DIR).glob("*.md"))
    codes = sorted(rule.code for rule in load_registry().builtin_rules)
    assert pages == sorted([*(f"{code}.md" for code in codes), "README.md"])
    index = (README.parent / DOCS_DIR / "README.md").read_text(encoding="utf-8")
    assert all(f"[{code}]({code}.md)" in index for code in codes)


def test_every_rule_is_fully_documented():
    for rule in load_registry().rules.values():
        assert rule.summary and rule.description and rule.rationale and rule.fix, rule.code
        assert rule.bad and rule.good, f"{rule.code} needs a bad and a good example"


@pytest.mark.parametrize("code", ["MLR001", "MLR103", "MLR201"])
def test_rule_page_has_every_section(code):
    page = (README.parent / DOCS_DIR / f"{code}.md").read_text(encoding="utf-8")
    rule = load_registry().lookup(code)
    assert page.startswith(f"# {code} {rule.name}\n\n{rule.summary}.\n")
    for line in ("- Category: ", f"- Default severity: {rule.severity.value}", "## What it does",
                 "## Why it matters in an ML repository", "## Example", "Use instead:", "## How to fix",
                 "## Options", "## How to suppress", f"`# noqa: {code}`", f"`# mlrepolint: disable={rule.name}`"):
        assert line in page, line
    assert rule.bad.rstrip("\n") in page and rule.good.rstrip("\n") in page


def test_rule_command_prints_the_committed_page_by_code_and_by_name():
    page = (README.parent / DOCS_DIR / "MLR202.md").read_text(encoding="utf-8")
    by_code = run_cli("rule", "MLR202")
    by_name = run_cli("rule", "missing-main-guard")
    assert by_code.code == by_name.code == 0
    assert by_code.out == by_name.out == page
    assert by_code.out.startswith("# MLR202 missing-main-guard\n")


def test_rule_command_rejects_an_unknown_rule_in_one_line():
    run = run_cli("rule", "MLR999")
    assert run.code == 2
    assert run.err == "mlrepolint: error: unknown rule 'MLR999' (see `mlrepolint rules`)\n"


def test_rules_command_lists_every_rule_with_category_and_severity():
    run = run_cli("rules")
    assert run.code == 0
    lines = run.out.splitlines()
    codes = [line.split()[0] for line in lines]
    assert codes == sorted(load_registry().rules)
    line = next(line for line in lines if line.startswith("MLR201"))
    assert line.split()[1:4] == ["top-level-execution", "structure", "warning"]


def test_docs_command_regenerates_and_removes_stale_pages(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    stale = tmp_path / DOCS_DIR / "MLR999.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# MLR999 gone\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mlrepolint.docs"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists()
    assert readme.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")
    committed = {p.name: p.read_text(encoding="utf-8") for p in (README.parent / DOCS_DIR).glob("*.md")}
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / DOCS_DIR).glob("*.md")} == committed
