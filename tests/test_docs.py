"""The README's rule table and `mlrepolint rule` are rendered from the rule declarations."""

from pathlib import Path

from conftest import run_cli

from mlrepolint.docs import readme_with_rules_table
from mlrepolint.rules.registry import load_registry

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_rules_table_matches_the_declarations():
    text = README.read_text(encoding="utf-8")
    expected = readme_with_rules_table(text, load_registry().rules.values())
    assert text == expected, "README rules table is stale: run `python -m mlrepolint.docs README.md`"


def test_every_rule_is_fully_documented():
    for rule in load_registry().rules.values():
        assert rule.summary and rule.description and rule.rationale and rule.fix, rule.code
        assert rule.bad and rule.good, f"{rule.code} needs a bad and a good example"


def test_rule_command_prints_the_declaration_by_code_and_by_name():
    by_code = run_cli("rule", "MLR202")
    by_name = run_cli("rule", "missing-main-guard")
    assert by_code.code == by_name.code == 0
    assert by_code.out == by_name.out
    assert by_code.out.startswith("# MLR202 missing-main-guard\n")
    assert "## Why it matters in an ML repository" in by_code.out
    assert "# noqa: MLR202" in by_code.out


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
