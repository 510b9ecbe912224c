"""The pylint plugin: mlrepolint's per-file rules as pylint messages.

One pylint checker per rule family (the hundreds digit of the code: MLR1xx documentation, MLR2xx structure...),
so message ids share the checker's digits: MLR101 is `W7101` (`mlr-missing-module-docstring`), MLR202 is
`W7202`. The letter follows the rule's default severity (E error, W warning, C info). Symbols carry an `mlr-`
prefix because pylint has its own `missing-module-docstring`. The rules run on the standard-library tree, once per
module for all families, so every message is line-scoped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pylint.checkers import BaseRawFileChecker
from pylint.constants import WarningScope

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter

    from mlrepolint.rules.base import Rule

LETTERS = {"error": "E", "warning": "W", "info": "C"}
#: The message ids' checker digits are "7" and the family digit: MLR1xx -> 71xx.
ID_PREFIX = "7"

# The findings of the last module, shared by the family checkers so the rules run once per module.
_last: dict[str, Any] = {"file": None, "findings": []}


def message_id(rule: Rule) -> str:
    """`W7101` for MLR101 at warning severity."""
    return f"{LETTERS[rule.severity.value]}{ID_PREFIX}{rule.code[3:]}"


def symbol(rule: Rule) -> str:
    """`mlr-missing-module-docstring`."""
    return f"mlr-{rule.name}"


def _findings(node: nodes.Module) -> list:
    from mlrepolint.integrations.settings import lint_source

    if _last["file"] != node.file:
        with node.stream() as stream:
            data = stream.read()
        _last["file"], _last["findings"] = node.file, lint_source(node.file, data)
    return _last["findings"]


def family_checker(family: str, rules: list[Rule]) -> type[BaseRawFileChecker]:
    """A pylint checker class reporting the given rules (all of one family)."""
    by_code = {rule.code: rule for rule in rules}

    def process_module(self: BaseRawFileChecker, node: nodes.Module) -> None:
        for finding in _findings(node):
            rule = by_code.get(finding.code)
            if rule is not None:
                col = (finding.column or 1) - 1
                self.add_message(symbol(rule), line=finding.line or 1, col_offset=col, args=(finding.message,))

    msgs = {
        message_id(rule): (
            "%s", symbol(rule), f"{rule.summary}. {rule.rationale} Fix: {rule.fix}", {"scope": WarningScope.LINE},
        )
        for rule in rules
    }
    name = f"mlrepolint-{rules[0].category}" if family != "0" else "mlrepolint"
    return type(
        f"MLRepoLint{family}Checker", (BaseRawFileChecker,),
        {"name": name, "msgs": msgs, "process_module": process_module, "__doc__": f"mlrepolint MLR{family}xx rules."},
    )


def checkers() -> list[type[BaseRawFileChecker]]:
    """One checker class per family of per-file rules in the registry (plugins included)."""
    from mlrepolint.rules.registry import load_registry

    families: dict[str, list[Rule]] = {}
    for checker in load_registry(per_file_only=True).python_checkers:
        for rule in checker.rules:
            families.setdefault(rule.code[3], []).append(rule)
    return [family_checker(family, sorted(rules, key=lambda r: r.code)) for family, rules in sorted(families.items())]


def register(linter: PyLinter) -> None:
    """pylint's plugin hook."""
    for checker in checkers():
        linter.register_checker(checker(linter))
