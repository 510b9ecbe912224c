"""The registry skips a plugin whose rules are malformed or clash, naming who it clashes with."""

from __future__ import annotations

import pytest

from mlrepolint.api import PythonChecker, RepoChecker, Rule, Severity
from mlrepolint.rules.meta import ENGINE_RULES
from mlrepolint.rules.registry import Plugin, Registry


def _rule(code: str, name: str) -> Rule:
    return Rule(code=code, name=name, category="security", severity=Severity.ERROR, summary="s",
                description="d", rationale="r", fix="f")


def _plugin(name: str, dist: str, *rules, kind: type = PythonChecker) -> Plugin:
    checker = type(f"{name}Checker", (kind,), {"rules": rules})
    return Plugin(name, dist, "1.0", checker)


def _registry() -> Registry:
    registry = Registry(rules={rule.code: rule for rule in ENGINE_RULES})
    registry.add(_plugin("first", "dist-a", _rule("MLR490", "first-rule")))
    return registry


@pytest.mark.parametrize(
    ("plugin", "warning"),
    [
        (_plugin("same-code", "dist-b", _rule("MLR490", "other-name")),
         "plugin 'same-code' (dist-b 1.0) skipped: rule MLR490 other-name clashes with MLR490 first-rule from "
         "plugin 'first' (dist-a 1.0)"),
        (_plugin("same-name", "dist-b", _rule("MLR491", "first-rule"), kind=RepoChecker),
         "plugin 'same-name' (dist-b 1.0) skipped: rule MLR491 first-rule clashes with MLR490 first-rule from "
         "plugin 'first' (dist-a 1.0)"),
        (_plugin("engine", "dist-b", _rule("MLR001", "parse-failure")),
         "plugin 'engine' (dist-b 1.0) skipped: rule MLR001 parse-failure clashes with MLR001 parse-error from "
         "mlrepolint's engine"),
        (_plugin("twice", "dist-b", _rule("MLR492", "a-rule"), _rule("MLR492", "b-rule")),
         "plugin 'twice' (dist-b 1.0) skipped: rule MLR492 b-rule clashes with MLR492 a-rule from the same plugin"),
        (_plugin("not-rules", "dist-b", "MLR493"),
         "plugin 'not-rules' (dist-b 1.0) skipped: `rules` must be a tuple of mlrepolint.api.Rule"),
    ],
)
def test_clashing_or_malformed_plugin_is_skipped_whole(plugin, warning):
    registry = _registry()
    registry.add(plugin)
    assert registry.warnings == [warning]
    assert [p.name for p in registry.plugins] == ["first"]
    assert sorted(registry.rules) == sorted([*(rule.code for rule in ENGINE_RULES), "MLR490"])


def test_a_plugin_that_fits_is_added_and_found_by_code_and_name():
    registry = _registry()
    rule = _rule("MLR890", "second-rule")
    registry.add(_plugin("second", "dist-b", rule, kind=RepoChecker))
    assert registry.warnings == []
    assert registry.lookup("mlr890") is registry.lookup("second-rule") is rule
    assert [c.__name__ for c in registry.repo_checkers] == ["secondChecker"]
    assert registry.plugin_of(rule).distribution == "dist-b"
    assert registry.builtin_rules == list(ENGINE_RULES)  # dist-a and dist-b are not mlrepolint
