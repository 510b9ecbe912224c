"""Docs as tests: every built-in per-file rule finds its declared `bad` example and not its `good` one, so the
examples in docs/rules/ cannot rot. Written over the registry, so every rule added later is covered."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlrepolint.config import Settings
from mlrepolint.engine import Engine
from mlrepolint.rules.base import PythonChecker, Rule
from mlrepolint.rules.registry import load_registry
from mlrepolint.rules.history import HISTORY_RULES
from mlrepolint.rules.testreports import TEST_REPORT_RULES

#: The file an example is linted as, for rules that look at file names; everything else is a training script.
EXAMPLE_PATHS: dict[str, str] = {"MLR203": "src/churn/__init__.py"}  # import-time-configuration: a package's
DEFAULT_EXAMPLE_PATH = "train.py"


def _is_per_file(rule: Rule) -> bool:
    if rule in TEST_REPORT_RULES:  # their examples are reports (tests/test_test_reports.py proves them)
        return False
    if rule in HISTORY_RULES:  # their examples are commits (tests/test_history.py proves them)
        return False
    plugin = load_registry().plugin_of(rule)
    return plugin is None or issubclass(plugin.checker, PythonChecker)  # None: the engine's own rules


def _cases() -> list:
    cases = []
    for rule in sorted(load_registry().builtin_rules, key=lambda r: r.code):
        marks = () if _is_per_file(rule) else pytest.mark.skip(
            reason="repository, history or test-report rule: its examples are not one Python file (its own tests cover it)"
        )
        for kind in ("bad", "good"):
            cases.append(pytest.param(rule, kind, id=f"{rule.code}-{kind}", marks=marks))
    return cases


def _codes_found(root: Path, rule: Rule, source: str) -> list[str]:
    path = root / EXAMPLE_PATHS.get(rule.code, DEFAULT_EXAMPLE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    result = Engine(root, False, Settings(select=("ALL",))).run([root])
    return [f.code for f in result.findings]


@pytest.mark.parametrize(("rule", "kind"), _cases())
def test_rule_finds_its_bad_example_and_not_its_good_one(tmp_path: Path, rule: Rule, kind: str):
    found = _codes_found(tmp_path, rule, getattr(rule, kind))
    if kind == "bad":
        assert rule.code in found, f"{rule.code} does not fire on its `bad` example"
    else:
        assert rule.code not in found, f"{rule.code} fires on its `good` example"
